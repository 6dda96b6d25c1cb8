// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: per-rule observation, violation and impact counts, each
 * rule's verdict and state (enabled by hand, applicable to this kernel,
 * failed), and the rules file that shows them.  The samples of violations
 * are samples.c's, the control language control.c's.
 *
 * A rule that meets an internal inconsistency (state swapscope carries
 * that cannot be right) disables itself with ss_rule_fail(): the others
 * keep judging.  It stays failed until a reset or a reload.
 *
 * Counts are per-cpu, as the path stats are.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include "swapscope.h"

#define CREATE_TRACE_POINTS
#include "swapscope_trace.h"

struct ss_rule_counts {
	u64 obs[SS_NR_RULES];
	u64 viol[SS_NR_RULES];
	u64 impact[SS_NR_RULES];
	u64 unsampled[SS_NR_RULES];	/* violations past the rate limit */
	u64 unjudged[SS_NR_RULES];	/* judgements that could not be made */
};

struct ss_rule_ctl {
	bool enabled;		/* by hand: the control file's enable/disable */
	bool applicable;
	const char *reason;	/* not-applicable: why, else NULL */
	const char *failed;	/* disabled itself: why, else NULL */
};

static struct ss_rule_counts __percpu *ss_counts;
static struct ss_rule_ctl ss_rules[SS_NR_RULES];

static void ss_rules_set_applicability(void)
{
	int i;

	for (i = 0; i < SS_NR_RULES; i++) {
		ss_rules[i].enabled = true;
		ss_rules[i].applicable = true;
		ss_rules[i].reason = NULL;
		ss_rules[i].failed = NULL;
	}
	/* Z4/S4 need to know when someone else changed an mm's counters. */
	if (!ss_rss_watching()) {
		ss_rules[SS_RULE_Z4].applicable = false;
		ss_rules[SS_RULE_Z4].reason = "no-rss-stat-tracepoint";
		ss_rules[SS_RULE_S4].applicable = false;
		ss_rules[SS_RULE_S4].reason = "no-rss-stat-tracepoint";
	}
	/* Seed 004: upstream removed SWAP_MAP_SHMEM with swap_shmem_alloc. */
	if (!ss_ksym_lookup("swap_shmem_alloc")) {
		ss_rules[SS_RULE_C1].applicable = false;
		ss_rules[SS_RULE_C1].reason = "no-swap-map-shmem";
	}
	/* Seed 004: the batched duplicate for mTHP shmem came after 6.1. */
	if (!ss_ksym_lookup("swap_duplicate_nr")) {
		ss_rules[SS_RULE_C3].applicable = false;
		ss_rules[SS_RULE_C3].reason = "no-batched-swap-duplicate";
	}
}

int ss_verdicts_init(void)
{
	ss_counts = alloc_percpu(struct ss_rule_counts);
	if (!ss_counts)
		return -ENOMEM;
	ss_rules_set_applicability();
	return 0;
}

size_t ss_verdicts_memory(void)
{
	return sizeof(struct ss_rule_counts) * num_possible_cpus();
}

void ss_verdicts_exit(void)
{
	free_percpu(ss_counts);
	ss_counts = NULL;
}

bool ss_rule_enabled(enum ss_rule rule)
{
	return READ_ONCE(ss_rules[rule].enabled) && ss_rules[rule].applicable &&
	       !READ_ONCE(ss_rules[rule].failed);
}

/*
 * Rules observed and violated since load or reset: the first of each is
 * a verdict change, told to an events reader.  Set once, read often.
 */
static unsigned long ss_seen_obs, ss_seen_viol;

static void ss_counts_sum(int r, u64 *obs, u64 *viol, u64 *impact,
			  u64 *unjudged)
{
	int cpu;

	*obs = *viol = *impact = *unjudged = 0;
	for_each_possible_cpu(cpu) {
		const struct ss_rule_counts *c = per_cpu_ptr(ss_counts, cpu);

		*obs += c->obs[r];
		*viol += c->viol[r];
		*impact += c->impact[r];
		*unjudged += c->unjudged[r];
	}
}

/* A verdict change to tracefs: only paid for when the event is on. */
static void ss_trace_verdict(enum ss_rule r, enum ss_verdict old,
			     enum ss_verdict new, const char *source)
{
	u64 obs, viol, impact, unjudged;

	if (!trace_swapscope_verdict_enabled())
		return;
	ss_counts_sum(r, &obs, &viol, &impact, &unjudged);
	trace_swapscope_verdict(ss_rule_name(r), ss_rule_seed(r),
				ss_verdict_name(old), ss_verdict_name(new),
				source, obs, viol);
}

static void ss_verdict_changes(u32 obs, u32 viol, enum ss_source source)
{
	u32 seen = obs | viol;
	int r;

	for (; seen; seen &= seen - 1) {
		r = __ffs(seen);
		if ((viol & BIT(r)) && !test_bit(r, &ss_seen_viol) &&
		    !test_and_set_bit(r, &ss_seen_viol)) {
			bool was_seen = test_and_set_bit(r, &ss_seen_obs);

			ss_event_verdict(r, SS_VERDICT_DIVERGES, source);
			ss_trace_verdict(r, was_seen ? SS_VERDICT_CONFORMS :
					 SS_VERDICT_NOT_OBSERVED,
					 SS_VERDICT_DIVERGES,
					 ss_source_names[source]);
		} else if ((obs & BIT(r)) && !test_bit(r, &ss_seen_obs) &&
			   !test_and_set_bit(r, &ss_seen_obs) &&
			   !test_bit(r, &ss_seen_viol)) {
			ss_event_verdict(r, SS_VERDICT_CONFORMS, source);
			ss_trace_verdict(r, SS_VERDICT_NOT_OBSERVED,
					 SS_VERDICT_CONFORMS,
					 ss_source_names[source]);
		}
	}
}

/*
 * Probe context (and the pagemap and audit writes): add one judged call,
 * made at @addr by @source, to this CPU's counts and to the events stream.
 */
void ss_rules_account(const struct ss_judgement *j, enum ss_source source,
		      unsigned long addr)
{
	u32 touched = j->touched, obs = 0, viol = 0, impact = 0;
	int r;

	/* Inline bit loop: for_each_set_bit is a call per rule on x86. */
	for (; touched; touched &= touched - 1) {
		r = __ffs(touched);
		if (!(j->obs[r] | j->viol[r] | j->impact[r] |
		      j->unjudged[r]) || !ss_rule_enabled(r))
			continue;
		this_cpu_add(ss_counts->unjudged[r], j->unjudged[r]);
		this_cpu_add(ss_counts->obs[r], j->obs[r]);
		this_cpu_add(ss_counts->viol[r], j->viol[r]);
		this_cpu_add(ss_counts->impact[r], j->impact[r]);
		obs |= j->obs[r] ? BIT(r) : 0;
		viol |= j->viol[r] ? BIT(r) : 0;
		impact |= j->impact[r] ? BIT(r) : 0;
	}
	if (!(obs | viol | impact))
		return;
	ss_verdict_changes(obs, viol, source);
	if (ss_events_wanted())
		ss_event_observe(source, addr, obs, viol, impact);
}

/* warn_on_fail=0: a panic_on_warn machine keeps running without the rule. */
bool ss_warn_on_fail = true;

/*
 * An internal inconsistency: stop judging @rule rather than report
 * verdicts built on state swapscope no longer understands; the other
 * rules go on.  Any context (probes too): no sleeping, no allocation.
 * @why is one word, a string literal.  The first failure of a rule since
 * load or reset is logged and sent to an events reader; the first of the
 * module's life also WARNs, for the stack that led there, unless
 * warn_on_fail=0.
 */
void ss_rule_fail(enum ss_rule rule, const char *why)
{
	if (rule >= SS_NR_RULES || READ_ONCE(ss_rules[rule].failed) ||
	    cmpxchg(&ss_rules[rule].failed, NULL, why))
		return;
	pr_err("rule %s disabled itself: %s (internal inconsistency); the other rules go on, reset or reload to judge it again\n",
	       ss_rule_name(rule), why);
	ss_event_disabled(rule, why);
	WARN_ON_ONCE(READ_ONCE(ss_warn_on_fail));
}

int ss_rules_show(struct seq_file *m, void *v)
{
	int r;

	for (r = 0; r < SS_NR_RULES; r++) {
		const struct ss_rule_ctl *c = &ss_rules[r];
		const char *failed = READ_ONCE(c->failed);
		const char *reason = c->applicable ? failed : c->reason;
		u64 obs, viol, impact, unjudged;

		ss_counts_sum(r, &obs, &viol, &impact, &unjudged);
		seq_printf(m,
			   "rule=%s seed=%s verdict=%s observations=%llu violations=%llu impact=%llu enabled=%d reason=%s state=%s unjudged=%llu\n",
			   ss_rule_name(r), ss_rule_seed(r),
			   ss_verdict_name(ss_verdict_of(obs, viol,
							 c->applicable)),
			   obs, viol, impact,
			   ss_rule_enabled(r), reason ? reason : "-",
			   ss_rule_state_name(ss_rule_state_of(c->applicable,
							       failed != NULL,
							       READ_ONCE(c->enabled))),
			   unjudged);
	}
	return 0;
}

/*
 * Judge the rules that failed again: the state a failure was about is
 * carried per call (kretprobe data, PTEs read afresh), so a reset starts
 * from a clean slate, as for the counts.  If the inconsistency is still
 * there, the rule fails again, and says so again.
 */
void ss_rules_rearm(void)
{
	int r;

	for (r = 0; r < SS_NR_RULES; r++) {
		const char *why = xchg(&ss_rules[r].failed, NULL);

		if (why)
			pr_info("rule %s judged again after reset (it had disabled itself: %s)\n",
				ss_rule_name(r), why);
	}
}

/*
 * A reset takes every rule back to not-observed: a verdict change for the
 * rules that had one (a reader of the trace sees the counts restart).
 */
static void ss_reset_verdicts(void)
{
	unsigned long obs = xchg(&ss_seen_obs, 0);
	unsigned long viol = xchg(&ss_seen_viol, 0);
	int r;

	for (r = 0; r < SS_NR_RULES; r++) {
		if (!test_bit(r, &obs) && !test_bit(r, &viol))
			continue;
		if (!trace_swapscope_verdict_enabled())
			break;
		trace_swapscope_verdict(ss_rule_name(r), ss_rule_seed(r),
			ss_verdict_name(test_bit(r, &viol) ?
					SS_VERDICT_DIVERGES :
					SS_VERDICT_CONFORMS),
			ss_verdict_name(SS_VERDICT_NOT_OBSERVED),
			"reset", 0, 0);
	}
}

/* Control "reset", first: every count and verdict back to nothing. */
void ss_verdicts_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ss_counts, cpu), 0, sizeof(*ss_counts));
	ss_reset_verdicts();
}

/* Probe context: a violation of @rule the samples' rate limit did not keep. */
void ss_rule_unsampled(enum ss_rule rule)
{
	this_cpu_inc(ss_counts->unsampled[rule]);
}

u64 ss_rule_unsampled_sum(enum ss_rule rule)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(ss_counts, cpu)->unsampled[rule];
	return sum;
}

/*
 * Control "enable"/"disable": 0; or, to enable, -EOPNOTSUPP for a rule
 * not applicable to this kernel and -EBUSY for one that failed, @why
 * saying why.  Disabling keeps the counts as they are.
 */
int ss_rule_set_enabled(enum ss_rule rule, bool enabled, const char **why)
{
	struct ss_rule_ctl *c = &ss_rules[rule];

	if (enabled && !c->applicable) {
		*why = c->reason ? c->reason : "not applicable";
		return -EOPNOTSUPP;
	}
	*why = READ_ONCE(c->failed);
	if (enabled && *why)
		return -EBUSY;
	WRITE_ONCE(c->enabled, enabled);
	return 0;
}
