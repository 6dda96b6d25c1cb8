// SPDX-License-Identifier: GPL-2.0 OR MIT
/* test_spans.c: unit tests of module/spans.c, the entry walk's spans, in userspace. */
#include <stdio.h>
#include <string.h>

#include "spans.h"

#define PG	4096UL
#define GAP	(32 * PG)

static int failed;

static void expect(int cond, const char *what)
{
	printf("%s - spans: %s\n", cond ? "ok" : "not ok", what);
	failed |= !cond;
}

/* Is every address in [a, b) covered by some span? */
static int covered(const struct ss_spans *s, unsigned long a, unsigned long b)
{
	unsigned int i;

	for (; a < b; a += PG) {
		for (i = 0; i < s->n; i++)
			if (a >= s->start[i] && a < s->end[i])
				break;
		if (i == s->n)
			return 0;
	}
	return 1;
}

static int sorted_disjoint(const struct ss_spans *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		if (s->start[i] >= s->end[i])
			return 0;
		if (i && s->start[i] <= s->end[i - 1])
			return 0;
	}
	return 1;
}

int main(void)
{
	struct ss_spans s;
	unsigned long a, total;
	unsigned int i;
	int ok;

	memset(&s, 0, sizeof(s));
	ss_span_note(&s, 0x10000, 0x10000 + PG, GAP);
	expect(s.n == 1 && s.start[0] == 0x10000 && s.end[0] == 0x11000,
	       "the first note opens a span");
	ss_span_note(&s, 0x11000, 0x12000, GAP);
	expect(s.n == 1 && s.end[0] == 0x12000, "an adjacent page extends it");
	ss_span_note(&s, 0x12000 + GAP, 0x13000 + GAP, GAP);
	expect(s.n == 1 && s.end[0] == 0x13000 + GAP,
	       "a page exactly the gap away extends it");
	ss_span_note(&s, 0x13000 + 2 * GAP + PG, 0x13000 + 2 * GAP + 2 * PG, GAP);
	expect(s.n == 2, "a page beyond the gap opens a second span");

	/* A sparse layout: one page per 64 MiB, 64 pages, as make bench's. */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < SS_NR_SPANS; i++)
		ss_span_note(&s, (i + 1) * (64UL << 20),
			     (i + 1) * (64UL << 20) + PG, GAP);
	expect(s.n == SS_NR_SPANS, "16 scattered pages take 16 spans");
	total = 0;
	for (i = 0; i < s.n; i++)
		total += s.end[i] - s.start[i];
	expect(total == SS_NR_SPANS * PG, "and cover only those pages");

	memset(&s, 0, sizeof(s));
	ok = 1;
	for (i = 0; i < 64; i++) {
		a = (i + 1) * (64UL << 20);
		ss_span_note(&s, a, a + PG, GAP);
		ok &= s.n <= SS_NR_SPANS && sorted_disjoint(&s);
	}
	expect(ok, "64 scattered pages: never more than 16 spans, always sorted and disjoint");
	ok = 1;
	for (i = 0; i < 64; i++) {
		a = (i + 1) * (64UL << 20);
		ok &= covered(&s, a, a + PG);
	}
	expect(ok, "64 scattered pages: every one still covered after merging");

	/* Uneven gaps: the merge closes the smallest, not the last. */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < SS_NR_SPANS; i++)
		ss_span_note(&s, i * (1UL << 30), i * (1UL << 30) + PG, GAP);
	/* spans 0..15 one GiB apart; the 17th 1 MiB after the 16th's end */
	a = (SS_NR_SPANS - 1) * (1UL << 30) + PG + (1UL << 20);
	ss_span_note(&s, a, a + PG, GAP);
	expect(s.n == SS_NR_SPANS && s.end[SS_NR_SPANS - 1] == a + PG &&
	       s.start[SS_NR_SPANS - 1] == (SS_NR_SPANS - 1) * (1UL << 30),
	       "when the new gap is the smallest, the last span is extended");
	memset(&s, 0, sizeof(s));
	for (i = 0; i < SS_NR_SPANS; i++)
		ss_span_note(&s, i * (1UL << 30) + (i == 5 ? (1UL << 29) : 0),
			     i * (1UL << 30) + (i == 5 ? (1UL << 29) : 0) + PG, GAP);
	/* span 5 sits at 5.5 GiB: the gap to span 6 is the smallest */
	a = 40 * (1UL << 30);
	ss_span_note(&s, a, a + PG, GAP);
	expect(s.n == SS_NR_SPANS && s.start[SS_NR_SPANS - 1] == a &&
	       s.start[5] == 5 * (1UL << 30) + (1UL << 29) &&
	       s.end[5] == 6 * (1UL << 30) + PG &&
	       s.start[6] == 7 * (1UL << 30) && sorted_disjoint(&s),
	       "otherwise the two closest spans merge and the new one is kept apart");

	/* A huge mapping noted as one wide span, then pages inside it. */
	memset(&s, 0, sizeof(s));
	ss_span_note(&s, 0x200000, 0x400000, GAP);
	ss_span_note(&s, 0x300000, 0x301000, GAP);
	expect(s.n == 1 && s.start[0] == 0x200000 && s.end[0] == 0x400000,
	       "a note inside the last span changes nothing");
	return failed;
}
