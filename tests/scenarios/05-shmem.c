// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 05-shmem: shmem pages (MAP_SHARED|MAP_ANONYMOUS, then a memfd) swapped out
 * while mapped, then touched back.
 *
 * Expected figures, from Debian's 6.1 source:
 * - MADV_PAGEOUT isolates each written shmem page (mapcount 1) and
 *   shrink_folio_list() unmaps it: try_to_unmap_one() once per page, the
 *   PTE present and writable (shared mapping, no write-notify on shmem), not
 *   anon.  A shmem folio takes the file branch: the PTE is cleared and left
 *   pte_none (no uffd-wp here), MM_SHMEMPAGES -1, MM_SWAPENTS untouched
 *   (VmSwap unchanged).  pageout() -> shmem_writepage() moves the folio to
 *   the swap cache and swap_writepage() writes it to zram: one pswpout each.
 * - pagemap (pte_to_pagemap_entry) sees pte_none: neither PM_PRESENT nor
 *   PM_SWAP for all N (seed 002, rule P1: the kernel diverges), while smaps
 *   Swap (shmem_swap_usage: info->swapped) shows all N.
 * - Touching a page again faults through shmem_fault() ->
 *   shmem_swapin_folio(), never do_swap_page(): the swapin probe does not
 *   fire.  Each page is read on its own fault (page-cluster 0): N pswpin.
 *
 * Expected rule figures (module/rules.c), for each of the two runs:
 * - pageout: ss_judge_unmap_page() per page, for swap-out (TTU_BATCH_FLUSH
 *   from shrink_folio_list()), before a present shmem page, after pte_none
 *   (try_to_unmap_one()'s file branch; pte_install_uffd_wp_if_needed() does
 *   nothing without uffd-wp): U3 obs +N viol +N impact +N (seed 002's
 *   marker is not in 6.1).  Not anon: U1 +0.  U2 obs +N (one per call),
 *   viol 0 (none failed), impact 0 (the PTEs were made old first, see 01).
 *   shmem_writepage() calls swap_shmem_alloc() once per page, which leaves
 *   the slot at SWAP_MAP_SHMEM (0xbf): C1 obs +N viol +N impact +N.
 * - touch: shmem_fault() -> shmem_swapin_folio(): none of the probed paths
 *   runs, so no rule moves.
 * At the end: U3 and C1 diverge (the two divergences of the stock kernel),
 * C3 is not-applicable (no swap_duplicate_nr on 6.1) and U2 conforms.
 *
 * "05-shmem --hold" is no scenario: it gives tests/vm/guest-check.sh a live
 * process to point "swapscope pagemap" at.  It writes N pages of each kind
 * of mapping, pages them out, checks they left (pagemap: neither present
 * nor swap; smaps Swap N*4 kB), prints
 *   # hold pid=PID shared=0xSTART-0xEND memfd=0xSTART-0xEND pages=N
 * and waits for SIGTERM, touching nothing, so the 2N pages stay in swap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rules.h"
#include "scenario.h"

#define N	256UL
#define HALF	(N / 2)

/* try_to_unmap_one() of N written shmem pages: PTE left none. */
static const struct sc_want want_pageout[] = {
	SC_WANT(RECLAIM, BEFORE, CALLS, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_WRITABLE, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON, 0),
	SC_WANT(RECLAIM, AFTER, CALLS, N),
	SC_WANT(RECLAIM, AFTER, NONE, N),
	SC_WANT(RECLAIM, AFTER, PRESENT, 0),
	SC_WANT(RECLAIM, AFTER, SWAP, 0),
	SC_WANT(RECLAIM, AFTER, UFFD_WP_MARKER, 0),
	SC_WANT(RECLAIM, AFTER, FAILED, 0),
};

/* Reclaim of N mapped shmem pages: PTEs left none, slots SWAP_MAP_SHMEM. */
static struct sc_rule_want rules_pageout[] = {
	SC_RULE(U2, N, 0, 0),
	SC_RULE(U3, N, N, N),
	SC_RULE(C1, N, N, N),
};

static void run(const char *kind, char *p, uint64_t seed)
{
	struct sc_rules r0, r1;
	struct sc_snap s0, s1, s2;
	uint64_t out0, out1, in0, in1;
	long swap0;
	struct sc_pm pm;
	char ctx[64];

	sc_fill(p, N, seed);
	swap0 = sc_status_kb(0, "VmSwap");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.present,
			  "%s: pagemap PM_PRESENT pages before pageout", kind);

	/* ---- swap out while mapped ---- */
	out0 = sc_vmstat("pswpout");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (sc_pageout(p, N))
		tap_bail("%s: madvise(MADV_PAGEOUT): %s", kind, strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	out1 = sc_vmstat("pswpout");

	snprintf(ctx, sizeof(ctx), "%s pageout", kind);
	SC_EXPECT_PATH(&s0, &s1, RECLAIM, N, want_pageout, RECLAIM, ctx);
	EXPECT_EQ(N, out1 - out0, "%s: pswpout delta", ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_pageout, ctx);
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(0, pm.present, "%s: pagemap PM_PRESENT pages", ctx);
		EXPECT_EQ(0, pm.swapped,
			  "%s: pagemap PM_SWAP pages (P1: swapped shmem unreported)",
			  ctx);
		EXPECT_EQ(N, pm.none,
			  "%s: pagemap pages neither present nor swapped", ctx);
	} else {
		tap_fail("%s: read pagemap", ctx);
	}
	EXPECT_EQ(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);
	EXPECT_EQ_I(swap0, sc_status_kb(0, "VmSwap"),
		    "%s: VmSwap unchanged (kB)", ctx);

	/* ---- touch back: shmem_fault, not do_swap_page ---- */
	in0 = sc_vmstat("pswpin");
	sc_snap(&s1);
	sc_rules_snap(&r0);
	sc_touch_read(p, 0, HALF);
	sc_touch_write(p, HALF, N - HALF, seed);
	sc_rules_snap(&r1);
	sc_snap(&s2);
	in1 = sc_vmstat("pswpin");

	snprintf(ctx, sizeof(ctx), "%s touch", kind);
	sc_expect_hits_match(&s1, &s2, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s1, &s2, SS_PROBE_SWAPIN, 0, ctx);
	sc_expect_stat(&s1, &s2, SS_PATH_SWAPIN, SS_PHASE_BEFORE, SS_CNT_CALLS,
		       0, ctx);
	EXPECT_EQ(N, in1 - in0, "%s: pswpin delta", ctx);
	SC_EXPECT_RULES_QUIET(&r0, &r1, ctx);
	EXPECT_EQ(0, sc_verify(p, 0, N, seed), "%s: pages with wrong data",
		  ctx);
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.present, "%s: pagemap PM_PRESENT pages", ctx);
	EXPECT_EQ(0, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);
}

/* ---- --hold ---- */

static volatile sig_atomic_t hold_stop;

static void hold_term(int sig)
{
	(void)sig;
	hold_stop = 1;
}

/* Write @p's N pages, page them out and check that they left. */
static void hold_pageout(const char *kind, char *p, uint64_t seed)
{
	struct sc_pm pm;

	sc_fill(p, N, seed);
	if (sc_pageout(p, N))
		tap_bail("hold %s: madvise(MADV_PAGEOUT): %s", kind,
			 strerror(errno));
	if (sc_pagemap(0, p, N, &pm))
		tap_bail("hold %s: read pagemap", kind);
	EXPECT_EQ(N, pm.none,
		  "hold %s: pages neither present nor swap in pagemap", kind);
	EXPECT_EQ(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "hold %s: smaps Swap (kB)", kind);
}

static int hold_main(void)
{
	struct sigaction sa = { .sa_handler = hold_term };
	char *shared, *mfd;
	sigset_t set, old;
	int fd;

	sc_begin("05-shmem --hold", 0);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (sigaction(SIGTERM, &sa, NULL) ||
	    sigprocmask(SIG_BLOCK, &set, &old))
		tap_bail("hold: SIGTERM handler: %s", strerror(errno));
	shared = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = syscall(SYS_memfd_create, "swapscope-05-hold", MFD_CLOEXEC);
	if (shared == MAP_FAILED || fd < 0 || ftruncate(fd, N * SC_PAGE))
		tap_bail("hold: shared mapping or memfd: %s", strerror(errno));
	mfd = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	if (mfd == MAP_FAILED)
		tap_bail("hold: mmap memfd: %s", strerror(errno));
	hold_pageout("shared-anon", shared, 0x0505);
	hold_pageout("memfd", mfd, 0x0550);
	tap_diag("hold pid=%d shared=%p-%p memfd=%p-%p pages=%lu", (int)getpid(),
		 (void *)shared, (void *)(shared + N * SC_PAGE), (void *)mfd,
		 (void *)(mfd + N * SC_PAGE), N);
	while (!hold_stop)
		sigsuspend(&old);
	return tap_end();
}

int main(int argc, char **argv)
{
	struct sc_rules r;
	char *p;
	int fd;

	if (argc == 2 && !strcmp(argv[1], "--hold"))
		return hold_main();
	if (argc > 1)
		tap_bail("usage: %s [--hold]", argv[0]);
	sc_begin("05-shmem", 0);
	/* 6.10+: MADV_PAGEOUT leaves the PTEs young (lib: scenario.h). */
	if (sc_pageout_leaves_young())
		SC_SET_IMPACT(rules_pageout, U2, N);

	p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	run("shared-anon", p, 0x0505);
	munmap(p, N * SC_PAGE);

	fd = syscall(SYS_memfd_create, "swapscope-05", MFD_CLOEXEC);
	if (fd < 0)
		tap_bail("memfd_create: %s", strerror(errno));
	if (ftruncate(fd, N * SC_PAGE))
		tap_bail("ftruncate: %s", strerror(errno));
	p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap memfd MAP_SHARED: %s", strerror(errno));
	run("memfd", p, 0x0550);
	munmap(p, N * SC_PAGE);
	close(fd);

	/* ---- verdicts this scenario fixes on the stock kernel ---- */
	sc_rules_snap(&r);
	SC_EXPECT_VERDICT(&r, U3, DIVERGES, "end");
	SC_EXPECT_VERDICT(&r, C1, DIVERGES, "end");
	SC_EXPECT_VERDICT(&r, U2, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r, C3, NOT_APPLICABLE, "end");
	sc_expect_reason(&r, SS_RULE_C3, "no-batched-swap-duplicate", "end");
	sc_expect_reason(&r, SS_RULE_C1, "-", "end (C1 applicable: 6.1 has swap_shmem_alloc)");
	sc_expect_rules_sane(&r, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
