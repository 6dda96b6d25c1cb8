// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 01-swapin: anonymous pages swapped out with MADV_PAGEOUT, then faulted
 * back, half by reads and half by writes.
 *
 * Expected figures, from Debian's 6.1 source:
 * - MADV_PAGEOUT (mm/madvise.c) isolates each PTE-mapped page with
 *   mapcount 1 and shrink_folio_list() swaps it out: try_to_unmap_one() runs
 *   once per page (one VMA maps it).  Each page was written, so its PTE is
 *   present, writable, anon and PageAnonExclusive; try_to_unmap_one() leaves
 *   a swap PTE with the exclusive bit (seed 001), MM_SWAPENTS +1 (VmSwap),
 *   and zram's synchronous write counts one pswpout per page.
 * - zram is SWP_SYNCHRONOUS_IO and each entry has swap count 1, so
 *   do_swap_page() reads into a fresh folio that skips the swap cache:
 *   exclusive = true, one pswpin per fault.  A read fault maps it with
 *   vm_page_prot (read-only in a private mapping) and RMAP_EXCLUSIVE; a
 *   write fault maps it writable (maybe_mkwrite) and exclusive.
 *
 * Expected rule figures (module/rules.c judges, fed by module/probes.c):
 * - pageout: ss_judge_unmap_page() once per page: before present, anon,
 *   PageAnonExclusive; after a swap PTE with the exclusive bit (rmap.c:
 *   pte_swp_mkexclusive when anon_exclusive): U1 obs +N viol 0, and impact
 *   +N (exclusivity the old code forgot).  ss_judge_unmap_call() once per
 *   try_to_unmap_one(): U2 obs +N; none failed, so viol 0.  U2 impact 0:
 *   madvise_cold_or_pageout_pte_range() made every PTE old (pte_mkold)
 *   and shrink_folio_list()'s folio_referenced() cleared the rest before
 *   try_to_unmap_one() ran.  Anon swap-out never calls swap_shmem_alloc:
 *   C1 +0.
 * - each swap-in: ss_judge_swapin() sees an exclusive swap PTE with a
 *   known count of 1, which is an F1 sighting (F1 obs +1, viol 0: count
 *   not > 1); an anon present PTE after: S1 obs +1 (never writable without
 *   exclusive); fresh (zram is SWP_SYNCHRONOUS_IO, count 1, not in the
 *   swap cache): S3 obs +1, exclusive so viol 0.  S2 needs a folio from
 *   the swap cache: impact and obs +0.  S4 (a task alone in its mm):
 *   MM_ANONPAGES +1, MM_SWAPENTS -1, count 1 -> 0: obs +1 viol 0.
 * At the end: U1, U2, S1, S3, S4, F1 conform.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "rules.h"
#include "scenario.h"

#define N	256UL
#define HALF	(N / 2)
#define SEED	0x0101

/* try_to_unmap_one() of N written, exclusive anon pages. */
static const struct sc_want want_pageout[] = {
	SC_WANT(RECLAIM, BEFORE, CALLS, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_WRITABLE, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON_EXCL, N),
	SC_WANT(RECLAIM, BEFORE, SWAP, 0),
	SC_WANT(RECLAIM, AFTER, CALLS, N),
	SC_WANT(RECLAIM, AFTER, SWAP, N),
	SC_WANT(RECLAIM, AFTER, SWAP_EXCLUSIVE, N),
	SC_WANT(RECLAIM, AFTER, PRESENT, 0),
	SC_WANT(RECLAIM, AFTER, FAILED, 0),
};

/* do_swap_page() read faults: fresh folio, read-only, exclusive. */
static struct sc_want want_read[] = {
	SC_WANT(SWAPIN, BEFORE, SWAP, HALF),
	SC_WANT(SWAPIN, BEFORE, SWAP_EXCLUSIVE, HALF),
	SC_WANT(SWAPIN, AFTER, CALLS, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_WRITABLE, 0),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON_EXCL, HALF),
	SC_WANT(SWAPIN, AFTER, SWAP, 0),
	SC_WANT(SWAPIN, AFTER, FAILED, 0),
};

/* do_swap_page() write faults: fresh folio, writable, exclusive. */
static const struct sc_want want_write[] = {
	SC_WANT(SWAPIN, BEFORE, SWAP, N - HALF),
	SC_WANT(SWAPIN, BEFORE, SWAP_EXCLUSIVE, N - HALF),
	SC_WANT(SWAPIN, AFTER, CALLS, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_WRITABLE, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON_EXCL, N - HALF),
	SC_WANT(SWAPIN, AFTER, FAILED, 0),
};

/* MADV_PAGEOUT of N exclusive anon pages. */
static struct sc_rule_want rules_pageout[] = {
	SC_RULE(U1, N, 0, N),
	SC_RULE(U2, N, 0, 0),
};

/* N fresh swap-ins of exclusive swap PTEs with count 1 (reads or writes). */
#define RULES_SWAPIN(n) {						\
	SC_RULE(F1, (n), 0, 0),						\
	SC_RULE(S1, (n), 0, 0),						\
	SC_RULE(S3, (n), 0, 0),						\
	SC_RULE(S4, (n), 0, 0),						\
}
static const struct sc_rule_want rules_read[] = RULES_SWAPIN(HALF);
static const struct sc_rule_want rules_write[] = RULES_SWAPIN(N - HALF);

int main(void)
{
	struct sc_rules r0, r1, r2, r3;
	struct sc_snap s0, s1, s2, s3;
	uint64_t out0, out1, in0, in1, in2;
	long swap0, swap1, swap3;
	struct sc_pm pm;
	char *p;
	int err;

	sc_begin("01-swapin", 0);
	/* 6.10+: MADV_PAGEOUT leaves the PTEs young (lib: scenario.h). */
	if (sc_pageout_leaves_young())
		SC_SET_IMPACT(rules_pageout, U2, N);
	/* 6.12 maps an exclusive page writable on a read fault too. */
	if (sc_swapin_read_maps_writable())
		SC_SET_STAT(want_read, SWAPIN, AFTER, PRESENT_WRITABLE, HALF);
	p = sc_map_anon(N);
	sc_fill(p, N, SEED);
	swap0 = sc_status_kb(0, "VmSwap");

	/* ---- swap out ---- */
	out0 = sc_vmstat("pswpout");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	err = sc_pageout(p, N);
	sc_rules_snap(&r1);
	sc_snap(&s1);
	out1 = sc_vmstat("pswpout");
	if (err)
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(-err));

	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "pageout");
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, N, "pageout");
	sc_expect_hits(&s0, &s1, SS_PROBE_SWAPIN, 0, "pageout");
	SC_EXPECT_STATS(&s0, &s1, want_pageout, "pageout");
	sc_diag_path(&s0, &s1, SS_PATH_RECLAIM, "pageout");
	EXPECT_EQ(N, out1 - out0, "pageout: pswpout delta");
	SC_EXPECT_RULES(&r0, &r1, rules_pageout, "pageout");
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(N, pm.swapped, "pageout: pagemap PM_SWAP pages");
		EXPECT_EQ(0, pm.present, "pageout: pagemap PM_PRESENT pages");
	} else {
		tap_fail("pageout: read /proc/self/pagemap");
	}
	swap1 = sc_status_kb(0, "VmSwap");
	EXPECT_EQ_I(N * 4, swap1 - swap0, "pageout: VmSwap delta (kB)");
	EXPECT_EQ_I(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		    "pageout: smaps Swap of the range (kB)");

	/* ---- read faults on the first half ---- */
	in0 = sc_vmstat("pswpin");
	sc_snap(&s1);
	sc_rules_snap(&r1);
	sc_touch_read(p, 0, HALF);
	sc_rules_snap(&r2);
	sc_snap(&s2);
	in1 = sc_vmstat("pswpin");

	sc_expect_hits_match(&s1, &s2, SC_ALL_PROBES, "read half");
	sc_expect_hits(&s1, &s2, SS_PROBE_SWAPIN, HALF, "read half");
	sc_expect_hits(&s1, &s2, SS_PROBE_RECLAIM, 0, "read half");
	SC_EXPECT_STATS(&s1, &s2, want_read, "read half");
	sc_diag_path(&s1, &s2, SS_PATH_SWAPIN, "read half");
	EXPECT_EQ(HALF, in1 - in0, "read half: pswpin delta");
	SC_EXPECT_RULES(&r1, &r2, rules_read, "read half");

	/* ---- write faults on the second half ---- */
	sc_rules_snap(&r2);
	sc_touch_write(p, HALF, N - HALF, SEED);
	sc_rules_snap(&r3);
	sc_snap(&s3);
	in2 = sc_vmstat("pswpin");

	SC_EXPECT_PATH(&s2, &s3, SWAPIN, N - HALF, want_write, SWAPIN, "write half");
	/* in1 was read after s2: nothing swapped in between. */
	EXPECT_EQ(N - HALF, in2 - in1, "write half: pswpin delta");
	SC_EXPECT_RULES(&r2, &r3, rules_write, "write half");

	/* ---- end state ---- */
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(N, pm.present, "end: pagemap PM_PRESENT pages");
		EXPECT_EQ(0, pm.swapped, "end: pagemap PM_SWAP pages");
	} else {
		tap_fail("end: read /proc/self/pagemap");
	}
	/* do_swap_page's MM_SWAPENTS -1 sit in the per-task RSS cache. */
	sc_sync_rss();
	swap3 = sc_status_kb(0, "VmSwap");
	EXPECT_EQ_I(swap0, swap3, "end: VmSwap back to its start value (kB)");
	EXPECT_EQ(0, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "end: smaps Swap of the range (kB)");
	EXPECT_EQ(0, sc_verify(p, 0, N, SEED), "end: pages with wrong data");
	munmap(p, N * SC_PAGE);

	/* ---- verdicts this scenario fixes on the stock kernel ---- */
	sc_rules_snap(&r0);
	SC_EXPECT_VERDICT(&r0, U1, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, U2, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, S1, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, S3, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, S4, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, F1, CONFORMS, "end");
	sc_expect_rules_sane(&r0, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
