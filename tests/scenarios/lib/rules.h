/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * rules.h: the module's "rules" file for the scenarios: consistent
 * snapshots, per-rule deltas (observations, violations, impact) checked
 * against what the running kernel must produce, and verdicts.
 *
 * Usage around one action:
 *	sc_rules_snap(&r0);
 *	action();
 *	sc_rules_snap(&r1);
 *	SC_EXPECT_RULES(&r0, &r1, want, "ctx");
 * where want lists the rules the action must move; every other rule must
 * not move at all (observations, violations and impact all +0), so a
 * stray violation anywhere fails.
 */
#ifndef SWAPSCOPE_SC_RULES_H
#define SWAPSCOPE_SC_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

extern const char *const sc_rule_names[SS_NR_RULES];
extern const char *const sc_verdict_names[SS_NR_VERDICTS];

/* One line of the rules file. */
struct sc_rule_line {
	bool seen;
	uint64_t obs, viol, impact;
	uint64_t unjudged;	/* judgements not made exactly (rules file) */
	int verdict;		/* enum ss_verdict, -1 when unknown */
	bool enabled;
	char reason[48];
	char state[16];		/* SS_RULE_STATES name, "" if absent */
};

struct sc_rules {
	struct sc_rule_line r[SS_NR_RULES];
	uint64_t hits[SS_NR_PROBES];	/* hits + nmissed per probe, at the read */
	unsigned int tries;	/* reads needed for a consistent snapshot */
	bool consistent;
};

/*
 * Read the rules file between two reads of the probes file, retried
 * until no probe fired in between (as sc_snap does for stats).  Static
 * buffers and plain read(2) only: it may sit inside a stats window.
 * Bails out if the file is missing or a rule line is absent.
 */
void sc_rules_snap(struct sc_rules *s);

/* Signed deltas of one rule between two snapshots. */
/*
 * A rule's observations now, from one read of the rules file (not a
 * consistent snapshot): for a scenario that races until the race has
 * covered a rule.  Not thread-safe: one caller at a time.
 */
uint64_t sc_rule_obs_now(enum ss_rule r);
int64_t sc_d_obs(const struct sc_rules *a, const struct sc_rules *b,
		 enum ss_rule r);
int64_t sc_d_viol(const struct sc_rules *a, const struct sc_rules *b,
		  enum ss_rule r);
int64_t sc_d_impact(const struct sc_rules *a, const struct sc_rules *b,
		    enum ss_rule r);

/* What one action must do to one rule: a closed range per figure. */
struct sc_rule_want {
	enum ss_rule rule;
	uint64_t obs_min, obs_max;
	uint64_t viol_min, viol_max;
	uint64_t impact_min, impact_max;
};

#define SC_ANY	UINT64_MAX

/*
 * A kernel's own figure in a table of wants: set rule @r's impact to
 * exactly @v (the rule must be listed; bails if not).  For the few
 * figures one supported kernel gives differently (see sc_kernel()).
 */
void sc_want_impact(struct sc_rule_want *w, size_t n, enum ss_rule r,
		    uint64_t v);
#define SC_SET_IMPACT(want, r, v) \
	sc_want_impact(want, sizeof(want) / sizeof((want)[0]), SS_RULE_##r, (v))
/* Exact deltas. */
#define SC_RULE(r, obs, viol, impact)					\
	{ SS_RULE_##r, (obs), (obs), (viol), (viol), (impact), (impact) }
/* Bounds, for racy figures (SC_ANY: no upper bound). */
#define SC_RULE_RANGE(r, omin, omax, vmin, vmax, imin, imax)		\
	{ SS_RULE_##r, (omin), (omax), (vmin), (vmax), (imin), (imax) }

/*
 * One check per wanted rule ("ctx: rule U1 obs +256 viol +0 impact +256"),
 * then one check that every other rule did not move (a "not ok" line per
 * rule that did), then a diag line with every non-zero delta.  Also fails
 * if a counter went down (the module was reset inside the window).
 */
void sc_expect_rules(const struct sc_rules *a, const struct sc_rules *b,
		     const struct sc_rule_want *want, size_t n,
		     const char *ctx);
#define SC_EXPECT_RULES(a, b, want, ctx) \
	sc_expect_rules(a, b, want, SC_ARRAY_SIZE(want), ctx)
/* Nothing may move. */
#define SC_EXPECT_RULES_QUIET(a, b, ctx) sc_expect_rules(a, b, NULL, 0, ctx)

/* "# ctx: rules Z1 obs+1 viol+0 impact+0 ..." for the rules that moved. */
void sc_diag_rules(const struct sc_rules *a, const struct sc_rules *b,
		   const char *ctx);

#define SC_VERDICT(v)	(1U << SS_VERDICT_##v)
/* The rule's verdict is one of @mask (SC_VERDICT(CONFORMS) | ...). */
bool sc_expect_verdict(const struct sc_rules *s, enum ss_rule r,
		       unsigned int mask, const char *ctx);
#define SC_EXPECT_VERDICT(s, r, v, ctx) \
	sc_expect_verdict(s, SS_RULE_##r, SC_VERDICT(v), ctx)
/* The rule's reason= is @reason. */
bool sc_expect_reason(const struct sc_rules *s, enum ss_rule r,
		      const char *reason, const char *ctx);

/*
 * End-of-scenario sanity: every verdict agrees with its counts
 * (docs/rules.md, "Verdicts and rule states"), and no rule diverges but those in @may_diverge (a mask of
 * 1U << SS_RULE_x).  The rules of SC_RULES_ELSEWHERE are left out of the
 * second check: their stock verdicts belong to the scenarios that judge
 * them.
 */
void sc_expect_rules_sane(const struct sc_rules *s, unsigned int may_diverge,
			  const char *ctx);
#define SC_RULE_BIT(r)	(1U << SS_RULE_##r)
/* The rules Debian's stock 6.1 diverges on: U3 (seed 002), C1 (seed 004). */
#define SC_STOCK_61_DIVERGES	(SC_RULE_BIT(U3) | SC_RULE_BIT(C1))
/*
 * Judged outside scenarios 01-07 (pagemap accuracy, the swap count audit):
 * these scenarios never read pagemap or run the audit inside a window, so
 * their deltas there are still checked to be +0.
 */
#define SC_RULES_ELSEWHERE	(SC_RULE_BIT(P1) | SC_RULE_BIT(P2) | \
				 SC_RULE_BIT(P3) | SC_RULE_BIT(C2))

#endif /* SWAPSCOPE_SC_RULES_H */
