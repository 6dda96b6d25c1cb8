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
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

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
static const struct sc_want want_read[] = {
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

int main(void)
{
	struct sc_snap s0, s1, s2, s3;
	uint64_t out0, out1, in0, in1, in2;
	long swap0, swap1, swap3;
	struct sc_pm pm;
	char *p;
	int err;

	sc_begin("01-swapin", 0);
	p = sc_map_anon(N);
	sc_fill(p, N, SEED);
	swap0 = sc_status_kb(0, "VmSwap");

	/* ---- swap out ---- */
	out0 = sc_vmstat("pswpout");
	sc_snap(&s0);
	err = sc_pageout(p, N);
	sc_snap(&s1);
	out1 = sc_vmstat("pswpout");
	if (err)
		sc_bail("madvise(MADV_PAGEOUT): %s", strerror(-err));

	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "pageout");
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, N, "pageout");
	sc_expect_hits(&s0, &s1, SS_PROBE_SWAPIN, 0, "pageout");
	SC_EXPECT_STATS(&s0, &s1, want_pageout, "pageout");
	sc_diag_path(&s0, &s1, SS_PATH_RECLAIM, "pageout");
	EXPECT_EQ(N, out1 - out0, "pageout: pswpout delta");
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(N, pm.swapped, "pageout: pagemap PM_SWAP pages");
		EXPECT_EQ(0, pm.present, "pageout: pagemap PM_PRESENT pages");
	} else {
		sc_fail("pageout: read /proc/self/pagemap");
	}
	swap1 = sc_status_kb(0, "VmSwap");
	EXPECT_EQ_I(N * 4, swap1 - swap0, "pageout: VmSwap delta (kB)");
	EXPECT_EQ_I(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		    "pageout: smaps Swap of the range (kB)");

	/* ---- read faults on the first half ---- */
	in0 = sc_vmstat("pswpin");
	sc_snap(&s1);
	sc_touch_read(p, 0, HALF);
	sc_snap(&s2);
	in1 = sc_vmstat("pswpin");

	sc_expect_hits_match(&s1, &s2, SC_ALL_PROBES, "read half");
	sc_expect_hits(&s1, &s2, SS_PROBE_SWAPIN, HALF, "read half");
	sc_expect_hits(&s1, &s2, SS_PROBE_RECLAIM, 0, "read half");
	SC_EXPECT_STATS(&s1, &s2, want_read, "read half");
	sc_diag_path(&s1, &s2, SS_PATH_SWAPIN, "read half");
	EXPECT_EQ(HALF, in1 - in0, "read half: pswpin delta");

	/* ---- write faults on the second half ---- */
	sc_touch_write(p, HALF, N - HALF, SEED);
	sc_snap(&s3);
	in2 = sc_vmstat("pswpin");

	sc_expect_hits_match(&s2, &s3, SC_ALL_PROBES, "write half");
	sc_expect_hits(&s2, &s3, SS_PROBE_SWAPIN, N - HALF, "write half");
	SC_EXPECT_STATS(&s2, &s3, want_write, "write half");
	sc_diag_path(&s2, &s3, SS_PATH_SWAPIN, "write half");
	/* in1 was read after s2: nothing swapped in between. */
	EXPECT_EQ(N - HALF, in2 - in1, "write half: pswpin delta");

	/* ---- end state ---- */
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(N, pm.present, "end: pagemap PM_PRESENT pages");
		EXPECT_EQ(0, pm.swapped, "end: pagemap PM_SWAP pages");
	} else {
		sc_fail("end: read /proc/self/pagemap");
	}
	/* do_swap_page's MM_SWAPENTS -1 sit in the per-task RSS cache. */
	sc_sync_rss();
	swap3 = sc_status_kb(0, "VmSwap");
	EXPECT_EQ_I(swap0, swap3, "end: VmSwap back to its start value (kB)");
	EXPECT_EQ(0, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "end: smaps Swap of the range (kB)");
	EXPECT_EQ(0, sc_verify(p, 0, N, SEED), "end: pages with wrong data");
	munmap(p, N * SC_PAGE);
	return sc_end();
}
