// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject-s1: rule S1 ("writable implies exclusive") must fire when
 * do_swap_page() installs a writable PTE over a page that is not
 * PageAnonExclusive, and only S1.
 *
 * N anon pages are written and paged out: exclusive swap PTEs (seed 001).
 * MADV_WILLNEED on page X reads it back into the swap cache without
 * mapping it, so the write fault that follows takes the folio from the
 * swap cache: not a "fresh" page, so rule S3 does not look at it.  The
 * fault finds the exclusive bit, maps the page writable and passes
 * RMAP_EXCLUSIVE to page_add_anon_rmap() (mm/memory.c, 6.1; on 6.12 to
 * folio_add_new_anon_rmap(), the folio read in being not yet anon:
 * ssinject's status says fired_new=1); ssinject's anon_unexcl_next clears
 * PageAnonExclusive when that call returns, under the PTE lock, just
 * before set_pte_at().  So do_swap_page() returns with
 * a writable PTE over a page that is not exclusive: one S1 violation at X.
 * The page stays mapped writable and private to this process; it is only
 * ever zapped (exit), which does not look at the flag.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inject.h"

#define N	16UL
#define PX	5UL	/* the page faulted in from the swap cache */
#define PY	11UL	/* another swapped page, not read ahead */
#define SEED	0x0051

/* The fault as swapscope's path statistics see it. */
static const struct sc_want want_fault[] = {
	SC_WANT(SWAPIN, BEFORE, CALLS, 1),
	SC_WANT(SWAPIN, BEFORE, SWAP, 1),
	SC_WANT(SWAPIN, BEFORE, SWAP_EXCLUSIVE, 1),
	SC_WANT(SWAPIN, AFTER, CALLS, 1),
	SC_WANT(SWAPIN, AFTER, PRESENT, 1),
	SC_WANT(SWAPIN, AFTER, PRESENT_WRITABLE, 1),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON, 1),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON_EXCL, 0),
	SC_WANT(SWAPIN, AFTER, FAILED, 0),
};

int main(void)
{
	struct in_rules r0, r1;
	struct sc_snap s0, s1;
	uint64_t e, fired0;
	pid_t me = getpid();
	struct sc_pm pm;
	char *p, *x;

	in_begin("inject-s1");
	p = sc_map_anon(N);
	x = p + PX * SC_PAGE;
	sc_fill(p, N, SEED);

	EXPECT_EQ_I(-EINVAL, in_cmd("anon_unexcl_next"),
		    "anon_unexcl_next without a pid fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("anon_unexcl_next %d 0x%lx junk", me,
				    (unsigned long)x),
		    "anon_unexcl_next with an extra word fails with EINVAL");

	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	if (sc_pagemap(0, p, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu pages swapped out", pm.swapped, N);
	EXPECT_EQ_I(0, in_mincore(x), "setup: page X not in the swap cache after pageout");
	if (madvise(x, SC_PAGE, MADV_WILLNEED))
		tap_bail("madvise(MADV_WILLNEED): %s", strerror(errno));
	e = in_pagemap(x);
	EXPECT_TRUE((e & SC_PM_SWAP) && !(e & SC_PM_PRESENT),
		    "setup: page X still a swap entry after MADV_WILLNEED (pagemap 0x%llx)",
		    (unsigned long long)e);
	EXPECT_EQ_I(1, in_mincore(x),
		    "setup: page X in the swap cache after MADV_WILLNEED (mincore)");
	EXPECT_EQ_I(0, in_mincore(p + PY * SC_PAGE),
		    "setup: page Y, not read ahead, not in the swap cache (mincore)");
	fired0 = in_status_val("anon_unexcl", "fired");

	in_reset();
	in_rules_read(&r0);
	EXPECT_EQ_I(0, in_cmd("anon_unexcl_next %d 0x%lx", me, (unsigned long)x),
		    "anon_unexcl_next armed for page X");
	sc_snap(&s0);
	sc_touch_write(p, PX, 1, SEED);		/* the same word: data unchanged */
	sc_snap(&s1);
	in_rules_read(&r1);

	in_expect_fired("anon_unexcl", fired0 + 1, x, "write fault");
	EXPECT_EQ(1, in_status_val("anon_unexcl", "was_exclusive"),
		  "write fault: ssinject anon_unexcl found the page exclusive");
	SC_EXPECT_STATS(&s0, &s1, want_fault, "write fault");
	sc_diag_path(&s0, &s1, SS_PATH_SWAPIN, "write fault");

	in_expect_only(&r0, &r1, SS_RULE_S1, 1, "write fault");
	EXPECT_EQ(0, r1.obs[SS_RULE_S3] - r0.obs[SS_RULE_S3],
		  "write fault: S3 observations delta (from the swap cache, not fresh)");
	in_expect_sample(SS_RULE_S1, (unsigned long)x, me, NULL, 0,
			 "write fault");

	e = in_pagemap(x);
	EXPECT_TRUE(e & SC_PM_PRESENT, "page X mapped after the fault (pagemap 0x%llx)",
		    (unsigned long long)e);
	EXPECT_EQ(0, sc_verify(p, PX, 1, SEED), "pages of X with wrong data");
	return tap_end();
}
