// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 04-cow-punch-truncate: seed 000's reproducer.  A MAP_PRIVATE mapping of a
 * memfd whose pages were all COWed, the COW copies swapped out, then a hole
 * punched in the file and finally the file truncated.
 *
 * Expected figures, from Debian's 6.1 source:
 * - The COW copies are anon pages (do_cow_fault), exclusive; MADV_PAGEOUT
 *   swaps them out (exclusive swap PTEs, seed 001).  The shmem page cache
 *   pages they were copied from are mapped by nobody.
 * - fallocate(PUNCH_HOLE) (shmem_fallocate) calls
 *   unmap_mapping_range(mapping, start, len, 0): even_cows = 0, so one
 *   zap_page_range_single() for the one VMA, one unmap_page_range() with
 *   details and even_cows clear: a zap_mapping that finds the N swap PTEs
 *   and, by zap_pte_range()'s !should_zap_cows() check, keeps them (rule
 *   Z2): pagemap still shows N swapped, VmSwap unchanged, and the COWed
 *   data reads back (the file's now-zero content would not).
 *   shmem_truncate_range() finds no mapped folio to unmap (no more zaps).
 * - Reading the first half swaps it back in (N/2 present, N/2 swapped).
 * - ftruncate(fd, 0) (shmem_setattr) calls unmap_mapping_range(mapping, 0,
 *   0, 1) twice, around shmem_truncate_range(): even_cows = 1, two zap_full
 *   calls; the first finds N/2 present anon pages and N/2 swap PTEs and
 *   clears them all (COW copies dropped), the second finds nothing.
 *
 * Expected rule figures (module/rules.c):
 * - punch: a mapping zap (details, even_cows clear): Z2 obs += the swap
 *   PTEs found (N) plus migration entries of file pages (none), viol 0
 *   (all N kept: !should_zap_cows()), impact +1 per zap that found
 *   migration entries of file pages: 0.  Z4 (one user, nobody else changing the mm): nothing
 *   cleared, nothing changed: obs +1 viol 0.
 * - read half: each fault is a fresh swap-in (zram, count 1) of an
 *   exclusive swap PTE: F1 sighting (obs +1, count 1 so viol 0), S1, S3,
 *   S4 obs +1 viol 0, as in 01.
 * - truncate: two full zaps given zap_details without
 *   ZAP_FLAG_DROP_MARKER (unmap_mapping_pages(.., even_cows = 1)): the
 *   first clears N/2 swap PTEs (Z1 obs +N/2 viol 0) and is exactly the
 *   case where the code before seed 000's fix skipped swap entries
 *   whenever zap_details were passed: Z1 impact +1 (docs/rules.md: Z1's impact counts zaps).
 *   The second finds nothing.  Z4 obs +2 viol 0 (MM_ANONPAGES -N/2, MM_SWAPENTS -N/2,
 *   with the swap-ins' per-task cache folded in on both sides).
 * - munmap after truncate: one full zap of an empty range: Z4 obs +1.
 * At the end: Z1, Z2, Z4 conform (and S3 from the read half).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rules.h"
#include "scenario.h"

#define N	256UL
#define HALF	(N / 2)
#define FILE_SEED 0x0400
#define COW_SEED  0x0404

/* PUNCH_HOLE: one mapping zap over N exclusive swap PTEs, which stay. */
static const struct sc_want want_punch[] = {
	SC_WANT(ZAP_FULL, BEFORE, CALLS, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 1),
	SC_WANT(ZAP_MAPPING, BEFORE, SWAP, N),
	SC_WANT(ZAP_MAPPING, BEFORE, SWAP_EXCLUSIVE, N),
	SC_WANT(ZAP_MAPPING, BEFORE, PRESENT, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, TRUNCATED, 0),
};

/* Read faults on the kept COW swap PTEs. */
static const struct sc_want want_read[] = {
	SC_WANT(SWAPIN, BEFORE, SWAP, HALF),
	SC_WANT(SWAPIN, BEFORE, SWAP_EXCLUSIVE, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON_EXCL, HALF),
};

/* ftruncate(0): two full zaps; the first meets everything left. */
static struct sc_want want_truncate[] = {
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 0),
	SC_WANT(ZAP_FULL, BEFORE, CALLS, 2),
	SC_WANT(ZAP_FULL, BEFORE, SWAP, N - HALF),
	SC_WANT(ZAP_FULL, BEFORE, SWAP_EXCLUSIVE, N - HALF),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT, HALF),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT_WRITABLE, 0),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT_ANON, HALF),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT_ANON_EXCL, HALF),
	SC_WANT(ZAP_FULL, BEFORE, TRUNCATED, 0),
};

/* PUNCH_HOLE: a mapping zap that keeps the N COW swap PTEs. */
static const struct sc_rule_want rules_punch[] = {
	SC_RULE(Z2, N, 0, 0),
	SC_RULE(Z4, 1, 0, 0),
};

/* Fresh swap-ins of exclusive swap PTEs, count 1. */
static const struct sc_rule_want rules_read[] = {
	SC_RULE(F1, HALF, 0, 0),
	SC_RULE(S1, HALF, 0, 0),
	SC_RULE(S3, HALF, 0, 0),
	SC_RULE(S4, HALF, 0, 0),
};

/* ftruncate(0): two full zaps with details; the first clears N/2 swap PTEs. */
static const struct sc_rule_want rules_truncate[] = {
	SC_RULE(Z1, N - HALF, 0, 1),
	SC_RULE(Z4, 2, 0, 0),
};

/* munmap of what truncate left: nothing. */
static const struct sc_rule_want rules_munmap[] = {
	SC_RULE(Z4, 1, 0, 0),
};

int main(void)
{
	struct sc_rules r0, r1;
	struct sc_snap s0, s1, s2, s3;
	uint64_t in0, in1, in2;
	long swap0;
	struct sc_pm pm;
	size_t i;
	char *p;
	int fd;

	sc_begin("04-cow-punch-truncate", 0);
	/*
	 * 6.12 maps the read-faulted COW pages writable (exclusive, in a
	 * VM_WRITE mapping): the truncate meets them so.
	 */
	if (sc_swapin_read_maps_writable())
		SC_SET_STAT(want_truncate, ZAP_FULL, BEFORE, PRESENT_WRITABLE, HALF);
	fd = syscall(SYS_memfd_create, "swapscope-04", MFD_CLOEXEC);
	if (fd < 0)
		tap_bail("memfd_create: %s", strerror(errno));
	if (ftruncate(fd, N * SC_PAGE))
		tap_bail("ftruncate: %s", strerror(errno));
	/* File content first, so a dropped COW copy would show the file's. */
	p = sc_map_anon(N);
	sc_fill(p, N, FILE_SEED);
	if (pwrite(fd, p, N * SC_PAGE, 0) != (ssize_t)(N * SC_PAGE))
		tap_bail("pwrite: %s", strerror(errno));
	munmap(p, N * SC_PAGE);

	p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap MAP_PRIVATE memfd: %s", strerror(errno));
	madvise(p, N * SC_PAGE, MADV_NOHUGEPAGE);
	EXPECT_EQ(0, sc_verify(p, 0, N, FILE_SEED),
		  "setup: private mapping shows the file");
	sc_fill(p, N, COW_SEED);	/* every page COWed */
	swap0 = sc_status_kb(0, "VmSwap");
	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	if (sc_pagemap(0, p, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu COW pages swapped out", pm.swapped,
			 N);
	EXPECT_EQ_I(swap0 + N * 4, sc_status_kb(0, "VmSwap"),
		    "setup: VmSwap (kB)");

	/* ---- punch a hole over the whole file: a mapping zap ---- */
	in0 = sc_vmstat("pswpin");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      N * SC_PAGE))
		tap_bail("fallocate(PUNCH_HOLE): %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	in1 = sc_vmstat("pswpin");

	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "punch");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP_MAPPING, 1, "punch");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP_SINGLE, 1, "punch");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 1, "punch");
	sc_expect_hits(&s0, &s1, SS_PROBE_SWAPIN, 0, "punch");
	SC_EXPECT_STATS(&s0, &s1, want_punch, "punch");
	sc_diag_path(&s0, &s1, SS_PATH_ZAP_MAPPING, "punch");
	EXPECT_EQ(0, in1 - in0, "punch: pswpin delta");
	SC_EXPECT_RULES(&r0, &r1, rules_punch, "punch");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.swapped,
			  "punch: pagemap PM_SWAP pages (COW copies kept)");
	else
		tap_fail("punch: read pagemap");
	EXPECT_EQ_I(swap0 + N * 4, sc_status_kb(0, "VmSwap"),
		    "punch: VmSwap unchanged (kB)");
	EXPECT_EQ(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "punch: smaps Swap (kB)");

	/* ---- read the first half back: COW data, not zeroes ---- */
	sc_rules_snap(&r0);
	sc_touch_read(p, 0, HALF);
	sc_rules_snap(&r1);
	sc_snap(&s2);
	in2 = sc_vmstat("pswpin");
	sc_expect_hits(&s1, &s2, SS_PROBE_SWAPIN, HALF, "read half");
	SC_EXPECT_STATS(&s1, &s2, want_read, "read half");
	EXPECT_EQ(HALF, in2 - in1, "read half: pswpin delta");
	SC_EXPECT_RULES(&r0, &r1, rules_read, "read half");
	EXPECT_EQ(0, sc_verify(p, 0, HALF, COW_SEED),
		  "read half: pages without their COW data");

	/* ---- truncate the file: full zaps drop the COW copies ---- */
	sc_snap(&s2);
	sc_rules_snap(&r0);
	if (ftruncate(fd, 0))
		tap_bail("ftruncate(0): %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s3);

	sc_expect_hits_match(&s2, &s3, SC_ALL_PROBES, "truncate");
	sc_expect_hits(&s2, &s3, SS_PROBE_ZAP_MAPPING, 2, "truncate");
	sc_expect_hits(&s2, &s3, SS_PROBE_ZAP_SINGLE, 2, "truncate");
	sc_expect_hits(&s2, &s3, SS_PROBE_ZAP, 2, "truncate");
	SC_EXPECT_STATS(&s2, &s3, want_truncate, "truncate");
	sc_diag_path(&s2, &s3, SS_PATH_ZAP_FULL, "truncate");
	SC_EXPECT_RULES(&r0, &r1, rules_truncate, "truncate");
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(0, pm.swapped, "truncate: pagemap PM_SWAP pages");
		EXPECT_EQ(0, pm.present, "truncate: pagemap PM_PRESENT pages");
	} else {
		tap_fail("truncate: read pagemap");
	}
	sc_sync_rss();	/* the read half's MM_SWAPENTS -1 are cached per task */
	EXPECT_EQ_I(swap0, sc_status_kb(0, "VmSwap"),
		    "truncate: VmSwap back (kB)");

	/* Beyond EOF now: the mapping would SIGBUS.  Unmap: nothing left. */
	sc_snap(&s0);
	sc_rules_snap(&r0);
	munmap(p, N * SC_PAGE);
	sc_rules_snap(&r1);
	sc_snap(&s1);
	sc_expect_stat(&s0, &s1, SS_PATH_ZAP_FULL, SS_PHASE_BEFORE,
		       SS_CNT_CALLS, 1, "munmap");
	i = sc_d_stat(&s0, &s1, SS_PATH_ZAP_FULL, SS_PHASE_BEFORE,
		      SS_CNT_SWAP) +
	    sc_d_stat(&s0, &s1, SS_PATH_ZAP_FULL, SS_PHASE_BEFORE,
		      SS_CNT_PRESENT);
	EXPECT_EQ(0, i, "munmap: zap_full entries left after truncate");
	SC_EXPECT_RULES(&r0, &r1, rules_munmap, "munmap");
	close(fd);

	/* ---- verdicts this scenario fixes on the stock kernel ---- */
	sc_rules_snap(&r0);
	SC_EXPECT_VERDICT(&r0, Z1, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, Z2, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, Z4, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, S3, CONFORMS, "end");
	sc_expect_rules_sane(&r0, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
