/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * swapscope: where an entry walk found anything, so that the walk at the
 * probed function's return reads only that (walk.c).
 *
 * Pure bookkeeping, no kernel calls: it also compiles into the userspace
 * unit tests (tests/unit/test_spans.c).
 */
#ifndef SWAPSCOPE_SPANS_H
#define SWAPSCOPE_SPANS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#endif

#define SS_NR_SPANS	16

/* Sorted, disjoint [start, end) address spans; at most SS_NR_SPANS. */
struct ss_spans {
	unsigned int n;
	bool complete;		/* false: the walk was cut, spans are partial */
	unsigned long start[SS_NR_SPANS], end[SS_NR_SPANS];
};

void ss_span_note(struct ss_spans *s, unsigned long addr, unsigned long end,
		  unsigned long gap);

#endif
