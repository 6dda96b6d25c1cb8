// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 02-fork: fork with N swapped-out anonymous pages, then both sides fault
 * them back in (the child first, then the parent).
 *
 * Expected figures, from Debian's 6.1 source (mm/memory.c):
 * - copy_page_range() runs once per VMA of the parent (dup_mmap(): no
 *   VM_DONTCOPY or VM_WIPEONFORK here).  The parent's walk finds the N swap
 *   PTEs still exclusive (MADV_PAGEOUT of exclusive pages, seed 001);
 *   copy_nonpresent_pte() duplicates each entry (swap count 2), clears the
 *   exclusive bit in the parent and copies the cleared PTE to the child:
 *   the child's walk finds N swap PTEs, none exclusive (rule F1), and the
 *   child's MM_SWAPENTS is N (VmSwap).
 * - Child faults: swap count 2, so do_swap_page() goes through
 *   swapin_readahead() (page-cluster 0: one page) and the swap cache, one
 *   pswpin each.  The swap PTE is not exclusive and the swap cache holds a
 *   reference, so the page is mapped shared: a read leaves it read-only and
 *   not exclusive; a write cannot free the swap cache (the parent still
 *   references the entry), so do_wp_page() copies: writable, exclusive.
 * - Parent faults, after the child exited: each folio is still in the swap
 *   cache (free_swap_cache() at the child's zap keeps it, the parent's
 *   entry is swapped), so no pswpin.  A read maps it read-only, not
 *   exclusive (pte not exclusive since fork, refcount 2).  A write frees the
 *   swap cache (should_try_to_free_swap: refcount 2, count now 0) and maps
 *   the page writable and exclusive.
 *
 * Expected rule figures (module/rules.c):
 * - fork: ss_judge_fork() per copy_page_range(): F1 obs += the child's
 *   swap PTEs (N, all in our VMA), viol 0 (no exclusive swap PTE left on
 *   either side; the child's MM_SWAPENTS rose by exactly the N copied,
 *   add_mm_rss_vec() in copy_pte_range()).  No writable migration entry:
 *   F2 +0.  Nothing else runs: every other rule +0.
 * - every swap-in (child or parent, read or write): the swap PTE is not
 *   exclusive, so no F1 sighting; S1 obs +1 (a read maps read-only, a
 *   write maps exclusive: the child's through do_wp_page()'s copy, the
 *   parent's because folio_free_swap() left it the only reference), viol 0;
 *   not fresh (count 2 in the child; in the swap cache for the parent):
 *   S3 +0; the PTE was not exclusive: S2 +0 (impact too).  S4 (child and
 *   parent each alone in their mm): MM_ANONPAGES +1, MM_SWAPENTS -1
 *   (do_wp_page's copy of an anon page changes no counter), swap count
 *   2 -> 1 (child) and 1 -> 0 (parent): obs +1 viol 0.
 * At the end: F1, S1, S4 conform.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules.h"
#include "scenario.h"

#define N	256UL
#define HALF	(N / 2)
#define SEED	0x0202

/* The parent's N exclusive swap PTEs; the child's copies, shared (F1). */
static const struct sc_want want_fork[] = {
	SC_WANT(FORK, BEFORE, SWAP, N),
	SC_WANT(FORK, BEFORE, SWAP_EXCLUSIVE, N),
	SC_WANT(FORK, AFTER, SWAP, N),
	SC_WANT(FORK, AFTER, SWAP_EXCLUSIVE, 0),
	SC_WANT(FORK, AFTER, FAILED, 0),
};

/* Read faults on swap PTEs shared by fork: mapped read-only, shared. */
static const struct sc_want want_read[] = {
	SC_WANT(SWAPIN, BEFORE, SWAP, HALF),
	SC_WANT(SWAPIN, BEFORE, SWAP_EXCLUSIVE, 0),
	SC_WANT(SWAPIN, AFTER, CALLS, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_WRITABLE, 0),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON, HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON_EXCL, 0),
	SC_WANT(SWAPIN, AFTER, FAILED, 0),
};

/* Write faults on them: writable and exclusive (reused or copied). */
static const struct sc_want want_write[] = {
	SC_WANT(SWAPIN, BEFORE, SWAP, N - HALF),
	SC_WANT(SWAPIN, BEFORE, SWAP_EXCLUSIVE, 0),
	SC_WANT(SWAPIN, AFTER, CALLS, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_WRITABLE, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON, N - HALF),
	SC_WANT(SWAPIN, AFTER, PRESENT_ANON_EXCL, N - HALF),
	SC_WANT(SWAPIN, AFTER, FAILED, 0),
};

/* fork: the child's N swap PTEs, shared. */
static const struct sc_rule_want rules_fork[] = {
	SC_RULE(F1, N, 0, 0),
};

/* n swap-ins of non-exclusive swap PTEs, none fresh. */
#define RULES_SWAPIN(n) {						\
	SC_RULE(S1, (n), 0, 0),						\
	SC_RULE(S4, (n), 0, 0),						\
}
static const struct sc_rule_want rules_read[] = RULES_SWAPIN(HALF);
static const struct sc_rule_want rules_write[] = RULES_SWAPIN(N - HALF);

/* Fault the first half by reads, the second by writes; check each. */
static void touch_both_halves(char *p, const char *who, bool from_cache)
{
	struct sc_rules r0, r1, r2;
	struct sc_snap s0, s1, s2;
	uint64_t in0, in1, in2;
	char ctx[64];

	in0 = sc_vmstat("pswpin");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	sc_touch_read(p, 0, HALF);
	sc_rules_snap(&r1);
	sc_snap(&s1);
	in1 = sc_vmstat("pswpin");
	sc_touch_write(p, HALF, N - HALF, SEED);
	sc_rules_snap(&r2);
	sc_snap(&s2);
	in2 = sc_vmstat("pswpin");

	snprintf(ctx, sizeof(ctx), "%s read half", who);
	SC_EXPECT_PATH(&s0, &s1, SWAPIN, HALF, want_read, SWAPIN, ctx);
	EXPECT_EQ(from_cache ? 0 : HALF, in1 - in0, "%s: pswpin delta", ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_read, ctx);

	snprintf(ctx, sizeof(ctx), "%s write half", who);
	SC_EXPECT_PATH(&s1, &s2, SWAPIN, N - HALF, want_write, SWAPIN, ctx);
	EXPECT_EQ(from_cache ? 0 : N - HALF, in2 - in1, "%s: pswpin delta",
		  ctx);
	SC_EXPECT_RULES(&r1, &r2, rules_write, ctx);

	EXPECT_EQ(0, sc_verify(p, 0, N, SEED), "%s: pages with wrong data",
		  who);
}

static void child(char *p, int go_fd)
{
	char c;

	tap_child("02-fork child");
	/* Wait until the parent took its after-fork snapshot. */
	if (read(go_fd, &c, 1) != 1)
		tap_bail("child: read go pipe");
	EXPECT_EQ_I(N * 4, sc_status_kb(0, "VmSwap"),
		    "child: VmSwap after fork (kB)");
	touch_both_halves(p, "child", false);
	_exit(tap_end());
}

int main(void)
{
	struct sc_rules r0, r1;
	struct sc_snap s0, s1;
	long swap0, swap1;
	int go[2], status, nvma;
	struct sc_pm pm;
	pid_t pid;
	char *p;

	sc_begin("02-fork", 0);
	p = sc_map_anon(N);
	sc_fill(p, N, SEED);
	swap0 = sc_status_kb(0, "VmSwap");
	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	if (sc_pagemap(0, p, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu pages swapped out", pm.swapped, N);
	if (pipe(go))
		tap_bail("pipe: %s", strerror(errno));

	/* ---- fork ---- */
	nvma = sc_vma_count(0);
	fflush(stdout);
	sc_snap(&s0);
	sc_rules_snap(&r0);
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0)
		child(p, go[0]);
	sc_rules_snap(&r1);
	sc_snap(&s1);
	close(go[0]);

	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "fork");
	sc_expect_hits(&s0, &s1, SS_PROBE_FORK, nvma, "fork (one per VMA)");
	sc_expect_stat(&s0, &s1, SS_PATH_FORK, SS_PHASE_AFTER, SS_CNT_CALLS,
		       nvma, "fork");
	SC_EXPECT_STATS(&s0, &s1, want_fork, "fork");
	sc_diag_path(&s0, &s1, SS_PATH_FORK, "fork");
	swap1 = sc_status_kb(0, "VmSwap");
	EXPECT_EQ_I(swap0 + N * 4, swap1, "parent: VmSwap after fork (kB)");
	SC_EXPECT_RULES(&r0, &r1, rules_fork, "fork");

	/* ---- the child faults its copies in, then exits ---- */
	fflush(stdout);
	if (write(go[1], "g", 1) != 1)
		tap_bail("write go pipe");
	if (waitpid(pid, &status, 0) != pid)
		tap_bail("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child checks passed (status 0x%x)", status);
	close(go[1]);

	/* ---- then the parent ---- */
	touch_both_halves(p, "parent", true);
	sc_sync_rss();	/* the swap-ins' MM_SWAPENTS -1 are cached per task */
	EXPECT_EQ_I(swap0, sc_status_kb(0, "VmSwap"),
		    "parent: VmSwap back to its start value (kB)");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.present, "parent: pagemap PM_PRESENT pages");
	munmap(p, N * SC_PAGE);

	/* ---- verdicts this scenario fixes on the stock kernel ---- */
	sc_rules_snap(&r0);
	SC_EXPECT_VERDICT(&r0, F1, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, S1, CONFORMS, "end");
	SC_EXPECT_VERDICT(&r0, S4, CONFORMS, "end");
	sc_expect_rules_sane(&r0, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
