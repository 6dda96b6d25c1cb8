// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject-refs: the swap-reference clauses of F1 (seed 001: a fork takes
 * one reference per swap entry it copies, each raising the slot's count
 * by one) and Z1 (seed 000: a full zap drops one per swap entry it
 * clears) must fire when the kernel skips that step, and only F1 or Z1.
 *
 * N anon pages are paged out: N exclusive swap PTEs, each slot count 1.
 * - fork_nodup: the fork's first swap_duplicate() is skipped (it returns
 *   0, as if done).  The child gets N swap PTEs and MM_SWAPENTS + N, but
 *   the fork took N - 1 references: one F1 violation, whose sample says
 *   count=swap_refs_taken expected=N actual=N-1 and names the child.
 *   fork_repay takes the missing reference before the child exits (its
 *   zap would free a slot the parent still maps).
 * - fork_noinc: swap_duplicate() runs, but the __swap_duplicate() under
 *   it returns 0 without raising the count: N references asked for, one
 *   slot still at count 1 (the parent was its only holder, so nobody else
 *   could have changed it): one F1 violation, count=swap_map_rise
 *   expected=1 actual=0, path=swap_duplicate, that slot's swap entry.
 * - zap_keepref: munmap of the N swap entries, the first
 *   free_swap_and_cache() skipped (it returns 1): N entries cleared, N - 1
 *   references dropped: one Z1 violation, count=swap_refs_dropped
 *   expected=N actual=N-1.  The kept reference is ssinject's to drop.
 *   6.12 frees a run of consecutive slots with one
 *   free_swap_and_cache_nr(entry, nr) (here usually all N): ssinject keeps
 *   the first slot's reference and lets the call free the other nr - 1,
 *   so the figures are the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inject.h"

#define N	16UL
#define SEED	0x0ef5

/* The sample's vma= covers @p. */
static void expect_vma_covers(const char *line, const void *p, const char *ctx)
{
	unsigned long start = 0, end = 0;
	char val[64];

	if (!line[0])
		return;
	EXPECT_TRUE(kv_str(line, "vma", val, sizeof(val)) &&
		    sscanf(val, "0x%lx-0x%lx", &start, &end) == 2 &&
		    start <= (unsigned long)p && (unsigned long)p < end,
		    "%s: sample vma=%s covers the range at %p", ctx, val, p);
}

static void expect_key(const char *line, const char *key, const char *want,
		       bool prefix, const char *ctx)
{
	char val[96];
	bool ok = line[0] && kv_str(line, key, val, sizeof(val)) &&
		  (prefix ? !strncmp(val, want, strlen(want)) :
			    !strcmp(val, want));

	EXPECT_TRUE(ok, "%s: sample %s=%s%s (got %s)", ctx, key, want,
		    prefix ? "..." : "", line[0] &&
		    kv_str(line, key, val, sizeof(val)) ? val : "none");
}

/* One fork with @shot armed: F1 and only F1 moves, by one. */
static void fork_shot(const char *shot, char *p, const char *count,
		      long want_expected, long want_actual, const char *path)
{
	struct in_rules r0, r1, r2;
	char line[1024] = "", mm[64];
	long expected = 0, actual = 0;
	pid_t me = getpid(), child;
	uint64_t fired0;
	char key[64];
	int go[2];

	snprintf(key, sizeof(key), "%s_fired", shot);
	fired0 = in_status_val("swap_ref", key);
	in_reset();
	in_rules_read(&r0);
	EXPECT_EQ_I(0, in_cmd("%s_next %d", shot, me), "%s: armed", shot);
	child = in_fork_waiting(go);
	in_rules_read(&r1);
	in_diag_status("swap_ref", shot);
	EXPECT_EQ(fired0 + 1, in_status_val("swap_ref", key),
		  "%s: ssinject fired once", shot);
	EXPECT_EQ(1, in_status_val("swap_ref", "owed"),
		  "%s: one reference owed", shot);
	in_expect_only(&r0, &r1, SS_RULE_F1, 1, shot);
	if (in_expect_count_sample(SS_RULE_F1, count, me, &expected, &actual,
				   line, sizeof(line), shot)) {
		EXPECT_EQ_I(want_expected, expected, "%s: sample expected=",
			    shot);
		EXPECT_EQ_I(want_actual, actual, "%s: sample actual=", shot);
		expect_key(line, "path", path, false, shot);
	}
	if (!strcmp(count, "swap_refs_taken")) {
		/* Whose mm: the child fork was making, by its parent. */
		snprintf(mm, sizeof(mm), "child-of-%d:", (int)me);
		expect_key(line, "mm", mm, true, shot);
		expect_vma_covers(line, p, shot);
	} else {
		expect_key(line, "kind", "swap", false, shot);
		snprintf(mm, sizeof(mm), "%d:", (int)me);
		expect_key(line, "mm", mm, true, shot);
	}
	EXPECT_EQ_I(0, in_cmd("fork_repay"), "%s: fork_repay", shot);
	EXPECT_EQ(0, in_status_val("swap_ref", "owed"),
		  "%s: nothing owed after fork_repay", shot);
	in_child_exits(child, go, shot);
	in_rules_read(&r2);
	in_expect_none(&r1, &r2, "child exit after the repay");
	/* Every page still reads back what was written. */
	EXPECT_EQ(0, sc_verify(p, 0, N, SEED), "%s: pages with wrong data", shot);
	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
}

int main(void)
{
	struct in_rules r0, r1;
	char line[1024] = "";
	long expected = 0, actual = 0;
	pid_t me = getpid();
	struct sc_pm pm;
	char *p;

	in_begin("inject-refs");
	EXPECT_EQ_I(-EINVAL, in_cmd("fork_nodup_next"),
		    "fork_nodup_next without a pid fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("zap_keepref_next %d 0x1000", me),
		    "zap_keepref_next with an address fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("fork_repay now"),
		    "fork_repay with an argument fails with EINVAL");
	EXPECT_EQ_I(-ENOENT, in_cmd("fork_repay"),
		    "fork_repay with nothing owed fails with ENOENT");

	p = sc_map_anon(N);
	sc_fill(p, N, SEED);
	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	if (sc_pagemap(0, p, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu pages swapped out", pm.swapped, N);

	fork_shot("fork_nodup", p, "swap_refs_taken", N, N - 1,
		  "copy_page_range");
	if (sc_pagemap(0, p, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu pages swapped out again",
			 pm.swapped, N);
	fork_shot("fork_noinc", p, "swap_map_rise", 1, 0, "swap_duplicate");
	if (sc_pagemap(0, p, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu pages swapped out again",
			 pm.swapped, N);

	/* ---- zap_keepref: munmap of N swap entries ---- */
	in_reset();
	in_rules_read(&r0);
	EXPECT_EQ_I(0, in_cmd("zap_keepref_next %d", me), "zap_keepref: armed");
	if (munmap(p, N * SC_PAGE))
		tap_bail("munmap: %s", strerror(errno));
	in_rules_read(&r1);
	in_diag_status("swap_ref", "zap_keepref");
	EXPECT_EQ(1, in_status_val("swap_ref", "zap_keepref_fired"),
		  "zap_keepref: ssinject fired once");
	EXPECT_EQ(1, in_status_val("swp_clear_keepref", "kept"),
		  "zap_keepref: the reference is kept");
	in_expect_only(&r0, &r1, SS_RULE_Z1, 1, "zap_keepref");
	if (in_expect_count_sample(SS_RULE_Z1, "swap_refs_dropped", me,
				   &expected, &actual, line, sizeof(line),
				   "zap_keepref")) {
		EXPECT_EQ_I((long)N, expected, "zap_keepref: sample expected=");
		EXPECT_EQ_I((long)N - 1, actual, "zap_keepref: sample actual=");
		expect_key(line, "path", "unmap_page_range", false,
			   "zap_keepref");
	}
	EXPECT_EQ_I(0, in_cmd("swp_drop_kept"), "zap_keepref: swp_drop_kept");
	return tap_end();
}
