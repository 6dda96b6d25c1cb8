// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 03-zap: full zaps of swapped-out anonymous pages: MADV_DONTNEED, munmap
 * and exit.
 *
 * Expected figures, from Debian's 6.1 source (mm/memory.c, mm/madvise.c):
 * - MADV_DONTNEED: madvise_dontneed_single_vma() calls
 *   zap_page_range_single(vma, ..., NULL): one unmap_page_range() with no
 *   zap_details, a zap_full.  It finds the N swap PTEs, each exclusive
 *   (MADV_PAGEOUT of exclusive pages, seed 001), frees them
 *   (free_swap_and_cache, MM_SWAPENTS -N); nothing is read back (pswpin
 *   unchanged) and the range reads as zeroes afterwards.
 * - munmap of one whole VMA: unmap_region() -> unmap_vmas() with
 *   details.even_cows = true, one unmap_single_vma() for the one VMA: a
 *   single zap_full call that finds the N swap PTEs (exclusive) and the N
 *   written, still present pages (writable, anon, exclusive).
 * - exit: exit_mmap() -> unmap_vmas() over every VMA of the child: one
 *   zap_full call per VMA (/proc/PID/maps minus the [vsyscall] gate area),
 *   together finding the child's N swapped pages (exclusive).
 *
 * Expected rule figures (module/rules.c, ss_judge_zap/ss_judge_zap_rss/
 * ss_judge_teardown):
 * - each of the three is a full zap (no details, or unmap_vmas()'s
 *   even_cows): Z1 obs += the non-present entries found (the N swap PTEs),
 *   viol 0 (zap_pte_range() clears every one: should_zap_cows() is true).
 *   Impact 0: MADV_DONTNEED passes no details, and unmap_vmas()'s details
 *   carry ZAP_FLAG_DROP_MARKER, which the module does not count as the old
 *   skip.  Z4, judged per unmap_page_range() of an mm with mm_users <= 1
 *   (single-threaded here; 0 in exit_mmap()) that nobody else changed: the
 *   counters drop by exactly what was cleared (MM_SWAPENTS -N, and
 *   MM_ANONPAGES -N for munmap's present pages): obs +1 per zap call, viol
 *   0 -- +1 for MADV_DONTNEED and munmap, +nvma at exit.
 * - exit: exit_mmap() returns with every counter zero: Z3 obs +1 viol 0.
 * - THP munmap: a 2 MiB-aligned VMA of two PMD-mapped THPs (THP is
 *   "always" in Debian's config; MADV_HUGEPAGE asks anyway), munmap of the
 *   first whole (zap_huge_pmd(): MM_ANONPAGES -HPAGE_PMD_NR; the walk
 *   counts the huge PMD for its 512 pages) and of the second half of the
 *   other (splitting the VMA splits the PMD first: 256 PTEs): one zap
 *   each, Z4 obs +1 viol 0 each.  Skipped when no THP could be had.
 * No swap-in, fork or reclaim runs in these windows: their rules +0.
 * At the end: Z1, Z3, Z4 conform.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules.h"
#include "scenario.h"

#define N	256UL
#define SEED	0x0303

/* MADV_DONTNEED: one zap without details over N exclusive swap PTEs. */
static const struct sc_want want_dontneed[] = {
	SC_WANT(ZAP_FULL, BEFORE, CALLS, 1),
	SC_WANT(ZAP_FULL, BEFORE, SWAP, N),
	SC_WANT(ZAP_FULL, BEFORE, SWAP_EXCLUSIVE, N),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT, 0),
	SC_WANT(ZAP_FULL, BEFORE, TRUNCATED, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 0),
};

/* exit_mmap(): one zap per VMA, meeting the child's N exclusive swap PTEs. */
static const struct sc_want want_exit[] = {
	SC_WANT(ZAP_FULL, BEFORE, SWAP, N),
	SC_WANT(ZAP_FULL, BEFORE, SWAP_EXCLUSIVE, N),
	SC_WANT(ZAP_FULL, BEFORE, UNKNOWN, 0),
	SC_WANT(ZAP_FULL, BEFORE, TRUNCATED, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 0),
};

/* munmap: one zap (even_cows) over N swap PTEs and N present pages. */
static const struct sc_want want_munmap[] = {
	SC_WANT(ZAP_FULL, BEFORE, CALLS, 1),
	SC_WANT(ZAP_FULL, BEFORE, SWAP, N),
	SC_WANT(ZAP_FULL, BEFORE, SWAP_EXCLUSIVE, N),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT, N),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT_WRITABLE, N),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT_ANON, N),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT_ANON_EXCL, N),
	SC_WANT(ZAP_FULL, BEFORE, UNKNOWN, 0),
	SC_WANT(ZAP_FULL, BEFORE, TRUNCATED, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 0),
};

/* MADV_DONTNEED and munmap: one full zap over N swap PTEs. */
static const struct sc_rule_want rules_one_zap[] = {
	SC_RULE(Z1, N, 0, 0),
	SC_RULE(Z4, 1, 0, 0),
};

/* A zap of present pages only: Z4 judges it, Z1 has nothing to judge. */
static const struct sc_rule_want rules_thp[] = {
	SC_RULE(Z1, 0, 0, 0),
	SC_RULE(Z4, 1, 0, 0),
};

/* Nothing but zaps, and no mapping zap. */
static void expect_quiet(const struct sc_snap *a, const struct sc_snap *b,
			 const char *ctx)
{
	sc_expect_hits(a, b, SS_PROBE_ZAP_MAPPING, 0, ctx);
	sc_expect_hits(a, b, SS_PROBE_FORK, 0, ctx);
	sc_expect_hits(a, b, SS_PROBE_SWAPIN, 0, ctx);
	sc_expect_hits(a, b, SS_PROBE_RECLAIM, 0, ctx);
}

static void swap_out(char *p, size_t n, const char *ctx)
{
	struct sc_pm pm;

	if (sc_pageout(p, n))
		tap_bail("%s: madvise(MADV_PAGEOUT): %s", ctx, strerror(errno));
	if (sc_pagemap(0, p, n, &pm) || pm.swapped != n)
		tap_bail("%s: %zu of %zu pages swapped out", ctx, pm.swapped, n);
}

static void dontneed(void)
{
	struct sc_rules r0, r1;
	struct sc_snap s0, s1;
	uint64_t in0, in1;
	long swap0;
	struct sc_pm pm;
	char *p;
	size_t i;

	p = sc_map_anon(N);
	sc_fill(p, N, SEED);
	swap0 = sc_status_kb(0, "VmSwap");
	swap_out(p, N, "dontneed");
	EXPECT_EQ_I(swap0 + N * 4, sc_status_kb(0, "VmSwap"),
		    "dontneed: VmSwap after pageout (kB)");

	in0 = sc_vmstat("pswpin");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (madvise(p, N * SC_PAGE, MADV_DONTNEED))
		tap_bail("madvise(MADV_DONTNEED): %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	in1 = sc_vmstat("pswpin");

	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "dontneed");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 1, "dontneed");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP_SINGLE, 1, "dontneed");
	expect_quiet(&s0, &s1, "dontneed");
	SC_EXPECT_STATS(&s0, &s1, want_dontneed, "dontneed");
	sc_diag_path(&s0, &s1, SS_PATH_ZAP_FULL, "dontneed");
	EXPECT_EQ(0, in1 - in0, "dontneed: pswpin delta");
	SC_EXPECT_RULES(&r0, &r1, rules_one_zap, "dontneed");
	EXPECT_EQ_I(swap0, sc_status_kb(0, "VmSwap"),
		    "dontneed: VmSwap back (kB)");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(0, pm.swapped + pm.present,
			  "dontneed: pagemap pages present or swapped");
	for (i = 0; i < N * SC_PAGE; i += SC_PAGE / 2)
		if (p[i])
			break;
	EXPECT_TRUE(i == N * SC_PAGE, "dontneed: the range reads as zeroes");
	munmap(p, N * SC_PAGE);
}

static void do_munmap(void)
{
	struct sc_rules r0, r1;
	struct sc_snap s0, s1;
	uint64_t in0, in1;
	long swap0;
	char *p;

	/* N pages swapped out, N present. */
	p = sc_map_anon(2 * N);
	sc_fill(p, 2 * N, SEED);
	swap0 = sc_status_kb(0, "VmSwap");
	swap_out(p, N, "munmap");

	in0 = sc_vmstat("pswpin");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (munmap(p, 2 * N * SC_PAGE))
		tap_bail("munmap: %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	in1 = sc_vmstat("pswpin");

	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "munmap");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 1, "munmap");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP_SINGLE, 0, "munmap");
	expect_quiet(&s0, &s1, "munmap");
	SC_EXPECT_STATS(&s0, &s1, want_munmap, "munmap");
	sc_diag_path(&s0, &s1, SS_PATH_ZAP_FULL, "munmap");
	EXPECT_EQ(0, in1 - in0, "munmap: pswpin delta");
	SC_EXPECT_RULES(&r0, &r1, rules_one_zap, "munmap");
	EXPECT_EQ_I(swap0, sc_status_kb(0, "VmSwap"),
		    "munmap: VmSwap back (kB)");
}

/* Two PMD-mapped THPs: munmap one whole, then half of the other. */
static void thp_munmap(void)
{
	const size_t pmd = 2UL << 20;
	struct sc_rules r0, r1;
	struct sc_snap s0, s1;
	char *m, *a;
	long thp;

	m = mmap(NULL, 4 * pmd, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		tap_bail("thp: mmap: %s", strerror(errno));
	a = (char *)(((uintptr_t)m + pmd - 1) & ~(pmd - 1));
	/* Leave exactly [a, a + 2 * pmd) mapped. */
	if ((a > m && munmap(m, a - m)) ||
	    munmap(a + 2 * pmd, m + 4 * pmd - (a + 2 * pmd)))
		tap_bail("thp: trimming munmap: %s", strerror(errno));
	madvise(a, 2 * pmd, MADV_HUGEPAGE);
	memset(a, 0x5a, 2 * pmd);
	thp = sc_smaps_kb(0, a, 2 * pmd, "AnonHugePages");
	if (thp < 4096) {
		tap_skip("no THP", "thp munmap: AnonHugePages %ld kB of 4096",
			 thp);
		munmap(a, 2 * pmd);
		return;
	}

	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (munmap(a, pmd))
		tap_bail("thp: munmap: %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 1, "thp whole");
	sc_expect_stat(&s0, &s1, SS_PATH_ZAP_FULL, SS_PHASE_BEFORE,
		       SS_CNT_HUGE, 1, "thp whole");
	SC_EXPECT_RULES(&r0, &r1, rules_thp, "thp whole");

	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (munmap(a + pmd + pmd / 2, pmd / 2))
		tap_bail("thp: munmap: %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 1, "thp half");
	SC_EXPECT_RULES(&r0, &r1, rules_thp, "thp half");
	munmap(a + pmd, pmd / 2);
}

static void child(int to_parent, int go_fd)
{
	char *p, c;
	int nvma;

	tap_child("03-zap exit child");
	p = sc_map_anon(N);
	sc_fill(p, N, SEED);
	swap_out(p, N, "exit child");
	nvma = sc_vma_count(0);
	if (write(to_parent, &nvma, sizeof(nvma)) != sizeof(nvma))
		_exit(1);
	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	_exit(0);
}

static void do_exit_zap(void)
{
	int up[2], go[2], nvma, status;
	struct sc_rule_want rules_exit[] = {
		SC_RULE(Z1, N, 0, 0),
		SC_RULE(Z3, 1, 0, 0),
		SC_RULE(Z4, 0, 0, 0),	/* nvma, once known */
	};
	struct sc_rules r0, r1;
	struct sc_snap s0, s1;
	uint64_t in0, in1;
	long swap0;
	pid_t pid;

	if (pipe(up) || pipe(go))
		tap_bail("pipe: %s", strerror(errno));
	swap0 = sc_status_kb(0, "VmSwap");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0)
		child(up[1], go[0]);
	/* Only the child holds these ends: its death is EOF, not a hang. */
	close(up[1]);
	close(go[0]);
	if (read(up[0], &nvma, sizeof(nvma)) != sizeof(nvma))
		tap_bail("exit: child did not set up (see its output)");
	tap_diag("exit: child %d has %d VMAs", (int)pid, nvma);
	EXPECT_EQ_I(N * 4, sc_status_kb(pid, "VmSwap"),
		    "exit: child VmSwap (kB)");

	in0 = sc_vmstat("pswpin");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (write(go[1], "g", 1) != 1)
		tap_bail("write go pipe");
	if (waitpid(pid, &status, 0) != pid)
		tap_bail("waitpid: %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	in1 = sc_vmstat("pswpin");

	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "exit: child exited 0 (status 0x%x)", status);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "exit");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, nvma, "exit (one per VMA)");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP_SINGLE, 0, "exit");
	expect_quiet(&s0, &s1, "exit");
	sc_expect_stat(&s0, &s1, SS_PATH_ZAP_FULL, SS_PHASE_BEFORE,
		       SS_CNT_CALLS, nvma, "exit (one per VMA)");
	SC_EXPECT_STATS(&s0, &s1, want_exit, "exit");
	sc_diag_path(&s0, &s1, SS_PATH_ZAP_FULL, "exit");
	EXPECT_EQ(0, in1 - in0, "exit: pswpin delta");
	/* One Z4 observation per VMA zapped by exit_mmap(). */
	rules_exit[2].obs_min = rules_exit[2].obs_max = nvma;
	SC_EXPECT_RULES(&r0, &r1, rules_exit, "exit");
	EXPECT_EQ_I(swap0, sc_status_kb(0, "VmSwap"),
		    "exit: parent VmSwap unchanged (kB)");
	close(up[0]);
	close(go[1]);
}

int main(void)
{
	struct sc_rules r;

	sc_begin("03-zap", 0);
	dontneed();
	do_munmap();
	do_exit_zap();
	thp_munmap();

	/* ---- verdicts this scenario fixes on the stock kernel ---- */
	sc_rules_snap(&r);
	SC_EXPECT_VERDICT(&r, Z1, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r, Z3, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r, Z4, CONFORMS, "end");
	sc_expect_rules_sane(&r, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
