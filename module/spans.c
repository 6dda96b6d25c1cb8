// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * swapscope: the spans an entry walk found anything in (see spans.h).
 *
 * A zap or a fork reads each populated PTE table once in the kernel; the
 * checks read it at entry and again at return.  The return only needs
 * what held something at entry: a zap only clears, and puts uffd-wp
 * markers where it cleared; fork holds both mmap_locks, and the child
 * gets only what the parent had.  Coverage is never lost when the spans
 * run out, only widened: the two closest are merged.
 */
#include "spans.h"

/* The smallest gap between two neighbouring spans; *at is the first. */
static unsigned long ss_spans_min_gap(const struct ss_spans *s,
				      unsigned int *at)
{
	unsigned long gap, best = ~0UL;
	unsigned int i;

	for (i = 0; i + 1 < s->n; i++) {
		gap = s->start[i + 1] - s->end[i];
		if (gap < best) {
			best = gap;
			*at = i;
		}
	}
	return best;
}

/*
 * Note [addr, end) as holding something; calls come in address order.
 * Within @gap of the last span, it extends that span.
 */
void ss_span_note(struct ss_spans *s, unsigned long addr, unsigned long end,
		  unsigned long gap)
{
	unsigned int last = s->n - 1, at = 0, i;

	if (s->n && addr <= s->end[last] + gap) {
		if (end > s->end[last])
			s->end[last] = end;
		return;
	}
	if (s->n == SS_NR_SPANS) {
		/* Full: close the smallest gap, the new one's included. */
		if (addr - s->end[last] <= ss_spans_min_gap(s, &at)) {
			s->end[last] = end;
			return;
		}
		s->end[at] = s->end[at + 1];
		for (i = at + 1; i < last; i++) {
			s->start[i] = s->start[i + 1];
			s->end[i] = s->end[i + 1];
		}
		s->n--;
	}
	s->start[s->n] = addr;
	s->end[s->n] = end;
	s->n++;
}
