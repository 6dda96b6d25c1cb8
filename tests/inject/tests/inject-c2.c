// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject-c2: rule C2 ("no leaked or over-counted slots") must fire when a
 * swap PTE is cleared without dropping its swap reference, and only C2.
 *
 * A child writes N anon pages and pages them out: N slots of count 1,
 * each referenced by one exclusive swap PTE of the child.  After a clean
 * audit, ssinject's swp_clear_keepref clears the child's swap PTE of page
 * C as zap_pte_range() would (pte_clear, MM_SWAPENTS - 1) but keeps the
 * slot's count: a slot with a count and no referent, which the audit must
 * report as exactly one leak, that slot, with a C2 sample, and no other
 * rule may move.  The child then reads its pages: C is none in an anon VMA
 * and reads back zero-filled (its data went with the PTE), the others swap
 * back in intact, and the child exits with no rule moving (its RSS
 * counters are right: Z3 judges its exit_mmap).  The slot outlives it.
 *
 * A leaked slot is never freed, and swapoff would retry it forever, so
 * the test gives the reference back: swp_restore sets the cleared swap PTE
 * at page C of this process (a none PTE in a VMA with an anon_vma), whose
 * read swaps the child's data in and frees the slot; the audit is clean
 * again.  Last, swp_drop_kept (what unloading ssinject does with a
 * reference still kept) is checked on a second clear: the slot is freed,
 * and the page reads back zero-filled.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "inject.h"

#define N		16UL
#define PC		5UL	/* the page whose swap PTE is cleared */
#define SEED		0x00c2
#define PM_SWP_TYPE(e)	((e) & 0x1f)
#define PM_SWP_OFF(e)	(((e) & ((1ULL << 55) - 1)) >> 5)

/* The line's @key is the number @want (as strtoull's base 0). */
static bool key_is_u64(const char *line, const char *key, uint64_t want)
{
	uint64_t v;

	return kv_u64(line, key, 0, &v) && v == want;
}

/* Write "run" to the audit file and read its result; false on failure. */
static bool run_audit(const char *ctx, struct sc_audit *a)
{
	int err = kv_write_file(SC_AUDIT_FILE, "run");

	if (!tap_check(!err, "%s: write 'run' to audit (%s)", ctx,
		       err ? strerror(-err) : "ok"))
		return false;
	return sc_audit_read(a, false, ctx);
}

static void expect_clean(const struct sc_audit *a, const char *ctx)
{
	EXPECT_EQ(0, a->leaks, "%s: audit leaks", ctx);
	EXPECT_EQ(0, a->overcounts, "%s: audit overcounts", ctx);
	EXPECT_EQ(0, a->undercounts, "%s: audit undercounts", ctx);
	EXPECT_EQ(0, a->nbad, "%s: audit bad slot lines", ctx);
}

/* Exactly one bad slot, the injected one, a leak with nobody behind it. */
static void expect_leak(const struct sc_audit *a, uint64_t type, uint64_t off,
			const char *ctx)
{
	const char *l = a->bad[0];

	EXPECT_EQ(1, a->leaks, "%s: audit leaks", ctx);
	EXPECT_EQ(0, a->overcounts, "%s: audit overcounts", ctx);
	EXPECT_EQ(0, a->undercounts, "%s: audit undercounts", ctx);
	if (!EXPECT_EQ(1, a->nbad, "%s: audit bad slot lines", ctx) ||
	    !a->nbad)
		return;
	EXPECT_TRUE(key_is_u64(l, "type", type) && key_is_u64(l, "offset", off),
		    "%s: the bad slot is the injected one (type=%" PRIu64
		    " offset=%" PRIu64 ")", ctx, type, off);
	EXPECT_TRUE(kv_is(l, "verdict", "leak"), "%s: its verdict=leak", ctx);
	EXPECT_TRUE(key_is_u64(l, "count", 1) && key_is_u64(l, "ptes", 0) &&
		    key_is_u64(l, "shmem", 0) && kv_is(l, "owner", "-"),
		    "%s: its count=1 ptes=0 shmem=0 owner=-", ctx);
}

/* C2's observations grew by the slots the audit judged. */
static void expect_c2_obs(const struct in_rules *a, const struct in_rules *b,
			  const struct sc_audit *au, const char *ctx)
{
	EXPECT_EQ(au->slots, b->obs[SS_RULE_C2] - a->obs[SS_RULE_C2],
		  "%s: C2 observations = slots audited", ctx);
}

/* The C2 sample of a leak: the writer of "run", no address, the slot. */
static void expect_leak_sample(pid_t me, uint64_t type, uint64_t off,
			       const char *ctx)
{
	char line[1024] = "";

	if (!in_expect_sample(SS_RULE_C2, 0, me, line, sizeof(line), ctx))
		return;
	EXPECT_TRUE(kv_is(line, "kind", "swap") &&
		    key_is_u64(line, "swp_type", type) &&
		    key_is_u64(line, "swp_offset", off),
		    "%s: C2 sample names the slot (kind=swap swp_type=%" PRIu64
		    " swp_offset=%" PRIu64 ")", ctx, type, off);
	EXPECT_TRUE(key_is_u64(line, "swap_count", 1) &&
		    kv_is(line, "path", "audit"),
		    "%s: C2 sample swap_count=1 path=audit", ctx);
}

static size_t nonzero_words(const char *page)
{
	const uint64_t *w = (const uint64_t *)page;
	size_t i, n = 0;

	for (i = 0; i < SC_PAGE / sizeof(*w); i++)
		n += w[i] != 0;
	return n;
}

/* The child: N pages swapped out, then read once the parent says so. */
static void __attribute__((noreturn)) child_main(char *p, int ready, int go)
{
	char c;

	tap_child("inject-c2 child");
	sc_fill(p, N, SEED);
	if (sc_pageout(p, N))
		tap_bail("child: madvise(MADV_PAGEOUT): %s", strerror(errno));
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	EXPECT_EQ(0, in_pagemap(p + PC * SC_PAGE) & (SC_PM_SWAP | SC_PM_PRESENT),
		  "child: page C neither present nor swapped before its read");
	EXPECT_EQ(0, nonzero_words(p + PC * SC_PAGE),
		  "child: page C reads back zero-filled (non-zero words): its data went with the PTE");
	EXPECT_EQ(0, sc_verify(p, 0, PC, SEED) +
		  sc_verify(p, PC + 1, N - PC - 1, SEED),
		  "child: the other pages swap back in intact (pages with wrong data)");
	_exit(tap_end());
}

/* Status of swp_clear_keepref: key @key is @want. */
static void expect_status(const char *key, uint64_t want, const char *ctx)
{
	uint64_t v = 0;
	bool ok = in_status("swp_clear_keepref", key, &v);

	if (!strcmp(key, "addr"))
		EXPECT_TRUE(ok && v == want, "%s: ssinject status swp_clear_keepref %s=0x%" PRIx64
			    " (got %s0x%" PRIx64 ")", ctx, key, want,
			    ok ? "" : "none ", v);
	else
		EXPECT_TRUE(ok && v == want, "%s: ssinject status swp_clear_keepref %s=%" PRIu64
			    " (got %s%" PRIu64 ")", ctx, key, want,
			    ok ? "" : "none ", v);
}

int main(void)
{
	struct in_rules r0, r1, r2, r3, r4, r5, r6, r7, r8, r9;
	struct sc_audit a0, a1, a2, a3, a4;
	uint64_t e, type, off, done0, restored0, dropped0;
	int ready[2], go[2], status;
	pid_t me = getpid(), child;
	struct sc_pm pm;
	char *p, *c, *x, b;

	in_begin("inject-c2");

	/* ---- what the commands refuse ---- */
	x = sc_map_anon(1);
	x[0] = 1;
	expect_status("kept", 0, "start");
	EXPECT_EQ_I(-ENOENT, in_cmd("swp_clear_keepref %d 0x%lx", me,
				    (unsigned long)x),
		    "swp_clear_keepref on a present page fails with ENOENT");
	EXPECT_EQ_I(-EINVAL, in_cmd("swp_clear_keepref %d", me),
		    "swp_clear_keepref without an address fails with EINVAL");
	EXPECT_EQ_I(-ENOENT, in_cmd("swp_restore %d 0x%lx", me,
				    (unsigned long)x),
		    "swp_restore with no reference kept fails with ENOENT");
	EXPECT_EQ_I(-ENOENT, in_cmd("swp_drop_kept"),
		    "swp_drop_kept with no reference kept fails with ENOENT");
	EXPECT_EQ_I(-EINVAL, in_cmd("swp_drop_kept now"),
		    "swp_drop_kept with an argument fails with EINVAL");

	/* ---- the child's N pages, swapped out ---- */
	p = sc_map_anon(N);
	c = p + PC * SC_PAGE;
	if (pipe(ready) || pipe(go))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	child = fork();
	if (child < 0)
		tap_bail("fork: %s", strerror(errno));
	if (child == 0) {
		close(ready[0]);
		close(go[1]);
		child_main(p, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &b, 1) != 1)
		tap_bail("setup: the child did not page its pages out");
	if (sc_pagemap(child, p, N, &pm) || pm.swapped != N || pm.present)
		tap_bail("setup: %zu of the child's %lu pages swapped, %zu present",
			 pm.swapped, N, pm.present);
	e = sc_pagemap_entry(child, c);
	type = PM_SWP_TYPE(e);
	off = PM_SWP_OFF(e);
	tap_diag("setup: child %d page C at %p: pagemap 0x%" PRIx64
		 " (swap type %" PRIu64 " offset %" PRIu64 ")", (int)child,
		 (void *)c, e, type, off);
	EXPECT_EQ(N * 4, sc_status_kb(child, "VmSwap"),
		  "setup: child VmSwap (kB)");

	/* ---- a clean audit first ---- */
	in_reset();
	in_rules_read(&r0);
	if (!run_audit("before", &a0))
		tap_bail("the audit does not run");
	in_rules_read(&r1);
	expect_clean(&a0, "before");
	EXPECT_GE(N, a0.referenced, "before: referenced slots (the child's N at least)");
	in_expect_none(&r0, &r1, "before");
	expect_c2_obs(&r0, &r1, &a0, "before");
	EXPECT_TRUE(r1.verdict[SS_RULE_C2] == SS_VERDICT_CONFORMS,
		    "before: C2 verdict conforms");

	/* ---- clear the child's swap PTE of C, keep the reference ---- */
	done0 = in_status_val("swp_clear_keepref", "done");
	EXPECT_EQ_I(0, in_cmd("swp_clear_keepref %d 0x%lx", child,
			      (unsigned long)c),
		    "inject: swp_clear_keepref on the child's swap PTE of page C");
	in_diag_status("swp_clear_keepref", "inject");
	expect_status("done", done0 + 1, "inject");
	expect_status("kept", 1, "inject");
	expect_status("pid", child, "inject");
	expect_status("addr", (uintptr_t)c, "inject");
	expect_status("swp_type", type, "inject (pagemap's swap type)");
	expect_status("swp_offset", off, "inject (pagemap's swap offset)");
	EXPECT_EQ(0, sc_pagemap_entry(child, c) & (SC_PM_SWAP | SC_PM_PRESENT),
		  "inject: the child's page C is neither present nor swapped");
	EXPECT_TRUE(!sc_pagemap(child, p, N, &pm) && pm.swapped == N - 1,
		    "inject: the child's other %lu pages still swapped (%zu)",
		    N - 1, pm.swapped);
	EXPECT_EQ((N - 1) * 4, sc_status_kb(child, "VmSwap"),
		  "inject: child VmSwap (kB) one page less: MM_SWAPENTS fixed");
	in_rules_read(&r2);
	in_expect_none(&r1, &r2, "inject");

	/* ---- the audit: one leak, that slot; C2 alone diverges ---- */
	if (run_audit("leaked", &a1)) {
		expect_leak(&a1, type, off, "leaked");
		if (!a0.busy && !a1.busy) {
			EXPECT_EQ(a0.slots, a1.slots,
				  "leaked: slots in use unchanged");
			EXPECT_EQ(a0.referenced - 1, a1.referenced,
				  "leaked: one referenced slot fewer");
		}
	}
	in_rules_read(&r3);
	in_expect_only(&r2, &r3, SS_RULE_C2, 1, "leaked");
	expect_c2_obs(&r2, &r3, &a1, "leaked");
	expect_leak_sample(me, type, off, "leaked");

	/* ---- the child reads its pages and exits ---- */
	if (write(go[1], "g", 1) != 1)
		tap_bail("write to the child: %s", strerror(errno));
	close(go[1]);
	if (waitpid(child, &status, 0) != child)
		tap_bail("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status),
		    "child exited 0 (status 0x%x)", status);
	in_rules_read(&r4);
	in_expect_none(&r3, &r4, "child swap-ins and exit");
	EXPECT_GE(r3.obs[SS_RULE_Z3] + 1, r4.obs[SS_RULE_Z3],
		  "child exit: Z3 judged its exit_mmap (observations)");

	/* ---- the slot outlives its process ---- */
	if (run_audit("child gone", &a2))
		expect_leak(&a2, type, off, "child gone");
	in_rules_read(&r5);
	in_expect_only(&r4, &r5, SS_RULE_C2, 1, "child gone");

	/* ---- swp_restore: the reference back in a PTE of this process ---- */
	restored0 = in_status_val("swp_clear_keepref", "restored");
	c[0] = 1;	/* an anon_vma for the VMA, then a none PTE at C */
	if (madvise(c, SC_PAGE, MADV_DONTNEED))
		tap_bail("madvise(MADV_DONTNEED): %s", strerror(errno));
	EXPECT_EQ_I(0, in_cmd("swp_restore %d 0x%lx", me, (unsigned long)c),
		    "restore: swp_restore at page C of this process");
	expect_status("kept", 0, "restore");
	expect_status("restored", restored0 + 1, "restore");
	e = in_pagemap(c);
	EXPECT_TRUE((e & SC_PM_SWAP) && !(e & SC_PM_PRESENT) &&
		    PM_SWP_TYPE(e) == type && PM_SWP_OFF(e) == off,
		    "restore: page C of this process is the slot's swap entry (pagemap 0x%" PRIx64 ")",
		    e);
	in_rules_read(&r6);
	in_expect_none(&r5, &r6, "restore");
	EXPECT_EQ(0, sc_verify(p, PC, 1, SEED),
		  "restore: page C reads the child's data back (pages with wrong data)");
	in_rules_read(&r7);
	in_expect_none(&r6, &r7, "restore: swap-in");
	if (run_audit("restored", &a3))
		expect_clean(&a3, "restored");
	in_rules_read(&r8);
	in_expect_none(&r7, &r8, "restored");
	expect_c2_obs(&r7, &r8, &a3, "restored");

	/* ---- swp_drop_kept, as unloading ssinject does ---- */
	dropped0 = in_status_val("swp_clear_keepref", "dropped");
	if (sc_pageout(c, 1))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	e = in_pagemap(c);
	if (!(e & SC_PM_SWAP))
		tap_bail("drop: page C not swapped out (pagemap 0x%" PRIx64 ")", e);
	EXPECT_EQ_I(0, in_cmd("swp_clear_keepref %d 0x%lx", me,
			      (unsigned long)c),
		    "drop: swp_clear_keepref on this process's page C");
	EXPECT_EQ_I(-EBUSY, in_cmd("swp_clear_keepref %d 0x%lx", me,
				   (unsigned long)p),
		    "drop: a second swp_clear_keepref while one is kept fails with EBUSY");
	expect_status("swp_offset", PM_SWP_OFF(e), "drop");
	EXPECT_EQ_I(0, in_cmd("swp_drop_kept"), "drop: swp_drop_kept");
	expect_status("kept", 0, "drop");
	expect_status("dropped", dropped0 + 1, "drop");
	if (run_audit("dropped", &a4))
		expect_clean(&a4, "dropped");
	EXPECT_EQ(0, nonzero_words(c),
		  "drop: page C reads back zero-filled (non-zero words)");
	in_rules_read(&r9);
	in_expect_none(&r8, &r9, "dropped");
	in_expect_only(&r0, &r9, SS_RULE_C2, 2, "whole test");
	return tap_end();
}
