// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject-f1: rule F1 ("a copied swap entry is shared") must fire when a
 * swap PTE shared by fork carries the exclusive bit, and only F1.
 *
 * N anon pages are paged out (exclusive swap PTEs, count 1) and the process
 * forks: copy_nonpresent_pte() duplicates each entry (count 2) and clears
 * the exclusive bit in the parent.  The child then waits, touching nothing
 * of the range, until the parent is done.  ssinject's swp_mkexcl puts the
 * bit back on one parent PTE at a time:
 * - page A, then a read of A: do_swap_page()'s orig_pte is an exclusive
 *   swap PTE whose slot has count 2 -> one F1 violation at A.  (The kernel
 *   then maps A exclusive while the child's PTE still names the slot: the
 *   child must not fault A in, it would hit do_swap_page's BUG_ON on an
 *   exclusive page in the swap cache.  It never does; its exit zap only
 *   drops its reference.)
 * - page B, then MADV_DONTNEED of B: zap_pte_range() drops the parent's
 *   reference as usual.  swapscope judges F1 at fork and swap-in only, so
 *   here no other rule may move, and F1 only by one, with a sample at B.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inject.h"

#define N	16UL
#define PA	3UL	/* swapped in by a read */
#define PB	9UL	/* zapped by MADV_DONTNEED */
#define SEED	0x0f1

/* The slot of a swap entry shared by parent and child: two references. */
static void expect_shared_sample(const char *line, const char *path,
				 const char *ctx)
{
	char val[64];

	if (!line[0])
		return;
	EXPECT_TRUE(kv_str(line, "swap_count", val, sizeof(val)) &&
		    !strcmp(val, "2"), "%s: sample swap_count=2 (got %s)",
		    ctx, kv_str(line, "swap_count", val, sizeof(val)) ?
		    val : "none");
	EXPECT_TRUE(kv_str(line, "kind", val, sizeof(val)) &&
		    !strcmp(val, "swap"), "%s: sample kind=swap", ctx);
	EXPECT_TRUE(kv_str(line, "path", val, sizeof(val)) &&
		    !strcmp(val, path), "%s: sample path=%s (got %s)", ctx,
		    path, kv_str(line, "path", val, sizeof(val)) ?
		    val : "none");
}

/* Page @i of @p in process @pid is a swap entry, not mapped. */
static void expect_swapped(pid_t pid, const char *p, unsigned long i,
			   const char *who)
{
	uint64_t e = sc_pagemap_entry(pid, p + i * SC_PAGE);

	EXPECT_TRUE((e & SC_PM_SWAP) && !(e & SC_PM_PRESENT),
		    "setup: %s page %lu is a swap entry after fork (pagemap 0x%llx)",
		    who, i, (unsigned long long)e);
}

int main(void)
{
	struct in_rules r0, r1, r2, r3, r4;
	char line[1024] = "";
	pid_t me = getpid(), child;
	uint64_t done0;
	struct sc_pm pm;
	int go[2];
	char *p, *a, *b;

	in_begin("inject-f1");
	p = sc_map_anon(N);
	a = p + PA * SC_PAGE;
	b = p + PB * SC_PAGE;
	sc_fill(p, N, SEED);

	/* The command refuses what it must refuse. */
	EXPECT_EQ_I(-ENOENT, in_cmd("swp_mkexcl %d 0x%lx", me, (unsigned long)a),
		    "swp_mkexcl on a present page fails with ENOENT");
	EXPECT_EQ_I(-EINVAL, in_cmd("swp_mkexcl %d", me),
		    "swp_mkexcl without an address fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("swp_mkexcl"),
		    "swp_mkexcl without a pid fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("no_such_command %d", me),
		    "an unknown command fails with EINVAL");

	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	if (sc_pagemap(0, p, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu pages swapped out", pm.swapped, N);

	in_reset();
	in_rules_read(&r0);
	/* The child touches nothing of p: it waits for EOF, then goes. */
	child = in_fork_waiting(go);
	in_rules_read(&r1);
	in_expect_none(&r0, &r1, "fork");
	expect_swapped(0, p, PA, "parent");
	expect_swapped(0, p, PB, "parent");
	expect_swapped(child, p, PA, "child");
	expect_swapped(child, p, PB, "child");
	done0 = in_status_val("swp_mkexcl", "done");

	/* ---- A: exclusive bit on a shared entry, then a read fault ---- */
	EXPECT_EQ_I(0, in_cmd("swp_mkexcl %d 0x%lx", me, (unsigned long)a),
		    "swap-in: swp_mkexcl on the parent's shared swap PTE");
	EXPECT_EQ(done0 + 1, in_status_val("swp_mkexcl", "done"),
		  "swap-in: ssinject status swp_mkexcl done");
	in_diag_status("swp_mkexcl", "swap-in");
	sc_touch_read(p, PA, 1);
	in_rules_read(&r2);
	in_expect_only(&r1, &r2, SS_RULE_F1, 1, "swap-in");
	if (in_expect_sample(SS_RULE_F1, (unsigned long)a, me, line,
			     sizeof(line), "swap-in"))
		expect_shared_sample(line, "do_swap_page", "swap-in");
	EXPECT_EQ(0, sc_verify(p, PA, 1, SEED), "swap-in: pages of A with wrong data");

	/* ---- B: exclusive bit on a shared entry, then a zap ---- */
	EXPECT_EQ_I(0, in_cmd("swp_mkexcl %d 0x%lx", me, (unsigned long)b),
		    "zap: swp_mkexcl on the parent's shared swap PTE");
	EXPECT_EQ(done0 + 2, in_status_val("swp_mkexcl", "done"),
		  "zap: ssinject status swp_mkexcl done");
	if (madvise(b, SC_PAGE, MADV_DONTNEED))
		tap_bail("madvise(MADV_DONTNEED): %s", strerror(errno));
	in_rules_read(&r3);
	/*
	 * swapscope judges F1 at fork and at swap-in (docs/rules.md, F1), not in zaps:
	 * no rule but F1 may move; if F1 does, its sample must be right.
	 */
	in_expect_none_but(&r2, &r3, SS_RULE_F1, "zap");
	if (r3.viol[SS_RULE_F1] == r2.viol[SS_RULE_F1]) {
		tap_diag("zap: F1 not judged in zaps (violations unchanged)");
	} else {
		in_expect_only(&r2, &r3, SS_RULE_F1, 1, "zap");
		line[0] = '\0';
		if (in_expect_sample(SS_RULE_F1, (unsigned long)b, me, line,
				     sizeof(line), "zap"))
			expect_shared_sample(line, "unmap_page_range", "zap");
	}
	EXPECT_EQ(0, sc_pagemap_entry(0, b) & (SC_PM_SWAP | SC_PM_PRESENT),
		  "zap: page B neither present nor swapped after the zap");

	/* ---- the child exits without touching the range ---- */
	in_child_exits(child, go, "end");
	in_rules_read(&r4);
	in_expect_none(&r3, &r4, "child exit");
	return tap_end();
}
