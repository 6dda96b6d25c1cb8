// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject-selfdisable: a rule that meets an internal inconsistency disables
 * itself, says why, and the other rules keep judging.
 *
 * swapscope's reclaim handler keeps per-page facts of the folio that
 * try_to_unmap_one() unmaps, for at most 512 pages (a PMD): a PTE-mapped
 * folio larger than that, which 6.1 never makes, is an inconsistency its
 * bookkeeping cannot represent, and the rules built on it, U1 and U3, stop
 * (ss_rule_fail(): state=failed, reason=folio-larger-than-pmd).  ssinject's
 * big_folio_next shows swapscope's handler a 1024-page folio for the call
 * that unmaps page X; the kernel's call itself unmaps the real folio.
 *
 * N anon pages are paged out with X armed: U1 and U3 turn failed, no other
 * rule changes state, nothing is violated, U2 judges all N calls, and every
 * page is swapped out as usual.  Then the pages are read back and paged
 * out again: F1, S1, S3, S4 and U2 count exactly as in 01-swapin, U1 and U3
 * not at all.  The rules stay failed for guest-check.sh to look at through
 * the CLI and the kernel log; its reset brings them back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inject.h"

#define N	16UL
#define PX	5UL	/* the page whose unmap swapscope sees as a big folio */
#define SEED	0x5d15

static const enum ss_rule failing[] = { SS_RULE_U1, SS_RULE_U3 };

static bool is_failing(int r)
{
	size_t i;

	for (i = 0; i < SC_ARRAY_SIZE(failing); i++)
		if ((int)failing[i] == r)
			return true;
	return false;
}

static struct sc_rule_want rules_pageout_failed[] = {
	SC_RULE(U2, N, 0, 0),
};

static const struct sc_rule_want rules_read[] = {
	SC_RULE(F1, N, 0, 0),
	SC_RULE(S1, N, 0, 0),
	SC_RULE(S3, N, 0, 0),
	SC_RULE(S4, N, 0, 0),
};

int main(void)
{
	struct sc_rules r0, r1, r2, r3, r4;
	uint64_t fired0, pswpout0;
	pid_t me = getpid();
	struct sc_pm pm;
	int r, moved = 0;
	char *p, *x;

	in_begin("inject-selfdisable");
	/* 6.10+: MADV_PAGEOUT leaves the PTEs young (lib: scenario.h). */
	if (sc_pageout_leaves_young())
		SC_SET_IMPACT(rules_pageout_failed, U2, N);
	p = sc_map_anon(N);
	x = p + PX * SC_PAGE;
	sc_fill(p, N, SEED);

	EXPECT_EQ_I(-EINVAL, in_cmd("big_folio_next"),
		    "big_folio_next without a pid fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("big_folio_next %d", me),
		    "big_folio_next without an address fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("big_folio_next %d 0x%lx junk", me,
				    (unsigned long)x),
		    "big_folio_next with an extra word fails with EINVAL");

	in_reset();
	sc_rules_snap(&r0);
	for (r = 0; r < SS_NR_RULES; r++)
		if (!strcmp(r0.r[r].state, "failed"))
			tap_bail("rule %s is failed before the injection",
				 sc_rule_names[r]);
	EXPECT_TRUE(!strcmp(r0.r[SS_RULE_U1].state, "enabled") &&
		    !strcmp(r0.r[SS_RULE_U3].state, "enabled"),
		    "before: U1 state=%s, U3 state=%s (want enabled)",
		    r0.r[SS_RULE_U1].state, r0.r[SS_RULE_U3].state);

	fired0 = in_status_val("big_folio", "fired");
	EXPECT_EQ_I(0, in_cmd("big_folio_next %d 0x%lx", me, (unsigned long)x),
		    "big_folio_next armed for page X");
	pswpout0 = sc_vmstat("pswpout");
	sc_rules_snap(&r0);
	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	sc_rules_snap(&r1);

	in_expect_fired("big_folio", fired0 + 1, x, "pageout");
	EXPECT_EQ(1, in_status_val("big_folio", "real_nr_pages"),
		  "pageout: the real folio of X is one page");
	EXPECT_EQ(1024, in_status_val("big_folio", "big_nr_pages"),
		  "pageout: swapscope was shown a folio of 1024 pages");

	/* The kernel's own unmap went on with the real folio. */
	if (sc_pagemap(0, p, N, &pm))
		tap_bail("read /proc/self/pagemap");
	EXPECT_EQ(N, pm.swapped, "pageout: pages swapped out, X included (pagemap)");
	EXPECT_GE(N, sc_vmstat("pswpout") - pswpout0, "pageout: pswpout delta");

	for (r = 0; r < SS_NR_RULES; r++) {
		const struct sc_rule_line *a = &r0.r[r], *b = &r1.r[r];

		if (is_failing(r)) {
			EXPECT_TRUE(!strcmp(b->state, "failed") && !b->enabled &&
				    !strcmp(b->reason, "folio-larger-than-pmd"),
				    "pageout: rule %s state=%s enabled=%d reason=%s (want failed, 0, folio-larger-than-pmd)",
				    sc_rule_names[r], b->state, b->enabled,
				    b->reason);
			continue;
		}
		if (strcmp(a->state, b->state) || a->enabled != b->enabled ||
		    strcmp(a->reason, b->reason)) {
			tap_fail("pageout: rule %s changed state: %s -> %s",
				 sc_rule_names[r], a->state, b->state);
			moved++;
		}
	}
	if (!moved)
		tap_pass("pageout: the other %d rules kept their state",
			 SS_NR_RULES - (int)SC_ARRAY_SIZE(failing));
	moved = 0;
	for (r = 0; r < SS_NR_RULES; r++) {
		if (!sc_d_viol(&r0, &r1, r))
			continue;
		tap_fail("pageout: rule %s has %+lld violations",
			 sc_rule_names[r], (long long)sc_d_viol(&r0, &r1, r));
		moved++;
	}
	if (!moved)
		tap_pass("pageout: no rule has new violations");
	/* Pages unmapped before X were judged by U1; X and those after not. */
	EXPECT_TRUE(sc_d_obs(&r0, &r1, SS_RULE_U1) < (int64_t)N,
		    "pageout: U1 observations %+lld, fewer than the %lu pages",
		    (long long)sc_d_obs(&r0, &r1, SS_RULE_U1), N);
	EXPECT_EQ(N, sc_d_obs(&r0, &r1, SS_RULE_U2),
		  "pageout: U2 observations delta (every call, X's too)");
	sc_diag_rules(&r0, &r1, "pageout");

	/* The rest keeps running: swap-ins, then the same pageout again. */
	sc_rules_snap(&r2);
	sc_touch_read(p, 0, N);
	sc_rules_snap(&r3);
	SC_EXPECT_RULES(&r2, &r3, rules_read, "read back");
	EXPECT_EQ(0, sc_verify(p, 0, N, SEED), "pages with wrong data after read back");
	if (sc_pageout(p, N))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	sc_rules_snap(&r4);
	SC_EXPECT_RULES(&r3, &r4, rules_pageout_failed,
			"pageout again (U1, U3 failed)");
	for (r = 0; r < SS_NR_RULES; r++)
		if (is_failing(r))
			EXPECT_TRUE(!strcmp(r4.r[r].state, "failed"),
				    "end: rule %s still failed (state=%s)",
				    sc_rule_names[r], r4.r[r].state);
	return tap_end();
}
