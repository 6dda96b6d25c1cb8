// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * rules.c: snapshots of the module's rules file and the checks on them
 * (see rules.h).  Like scenario.c, nothing here allocates or maps memory:
 * a snapshot may sit inside a window whose zaps are counted.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"

#define SC_X_RULE(id, seed)		[SS_RULE_##id] = #id,
const char *const sc_rule_names[SS_NR_RULES] = { SS_RULES(SC_X_RULE) };
#undef SC_X_RULE

#define SC_X_VERDICT(id, name)		[SS_VERDICT_##id] = name,
const char *const sc_verdict_names[SS_NR_VERDICTS] = { SS_VERDICTS(SC_X_VERDICT) };
#undef SC_X_VERDICT

_Static_assert(SS_NR_RULES <= 32, "rule masks are 32 bits");

static char sc_rules_buf[8192];
static char sc_rprobes_buf[16384];

/*
 * Every probe's hits + nmissed into @per (when given); their sum, which
 * changes whenever a probe fires.
 */
static uint64_t sc_probe_events(uint64_t per[SS_NR_PROBES])
{
	const char *pos = sc_rprobes_buf, *line;
	uint64_t sum = 0, hits, missed;
	size_t len;
	int p;

	if (kv_read_file(SWAPSCOPE_DEBUGFS_DIR "/probes", sc_rprobes_buf,
			 sizeof(sc_rprobes_buf)) < 0)
		tap_bail("read %s/probes", SWAPSCOPE_DEBUGFS_DIR);
	while ((line = kv_next_line(&pos, &len))) {
		hits = missed = 0;
		kv_u64(line, "hits", 10, &hits);
		kv_u64(line, "nmissed", 10, &missed);
		sum += hits + missed;
		p = kv_index(line, "probe", sc_probe_names, SS_NR_PROBES);
		if (per && p >= 0)
			per[p] = hits + missed;
	}
	return sum;
}

static void sc_read_rules(struct sc_rules *s)
{
	const char *pos = sc_rules_buf, *line;
	struct sc_rule_line *l;
	size_t len;
	int r;

	memset(s->r, 0, sizeof(s->r));
	if (kv_read_file(SWAPSCOPE_DEBUGFS_DIR "/rules", sc_rules_buf,
			 sizeof(sc_rules_buf)) < 0)
		tap_bail("read %s/rules (module with the rules engine loaded)",
			 SWAPSCOPE_DEBUGFS_DIR);
	while ((line = kv_next_line(&pos, &len))) {
		r = kv_index(line, "rule", sc_rule_names, SS_NR_RULES);
		if (r < 0)
			continue;
		l = &s->r[r];
		l->seen = true;
		kv_u64(line, "observations", 10, &l->obs);
		kv_u64(line, "violations", 10, &l->viol);
		kv_u64(line, "impact", 10, &l->impact);
		kv_u64(line, "unjudged", 10, &l->unjudged);
		l->verdict = kv_index(line, "verdict", sc_verdict_names,
				      SS_NR_VERDICTS);
		l->enabled = kv_is(line, "enabled", "1");
		kv_str(line, "reason", l->reason, sizeof(l->reason));
		kv_str(line, "state", l->state, sizeof(l->state));
	}
	for (r = 0; r < SS_NR_RULES; r++)
		if (!s->r[r].seen)
			tap_bail("%s/rules has no line rule=%s",
				 SWAPSCOPE_DEBUGFS_DIR, sc_rule_names[r]);
}

void sc_rules_snap(struct sc_rules *s)
{
	uint64_t e1, e2;
	unsigned int tries;

	memset(s, 0, sizeof(*s));
	for (tries = 1; tries <= 200; tries++) {
		e1 = sc_probe_events(s->hits);
		sc_read_rules(s);
		e2 = sc_probe_events(NULL);
		if (e1 == e2) {
			s->consistent = true;
			break;
		}
		sched_yield();
	}
	s->tries = tries > 200 ? 200 : tries;
	if (!s->consistent)
		tap_diag("rules snapshot inconsistent after %u reads: probes kept firing",
			 s->tries);
}

uint64_t sc_rule_obs_now(enum ss_rule r)
{
	static struct sc_rules s;

	sc_read_rules(&s);
	return s.r[r].obs;
}

int64_t sc_d_obs(const struct sc_rules *a, const struct sc_rules *b,
		 enum ss_rule r)
{
	return (int64_t)(b->r[r].obs - a->r[r].obs);
}

int64_t sc_d_viol(const struct sc_rules *a, const struct sc_rules *b,
		  enum ss_rule r)
{
	return (int64_t)(b->r[r].viol - a->r[r].viol);
}

int64_t sc_d_impact(const struct sc_rules *a, const struct sc_rules *b,
		    enum ss_rule r)
{
	return (int64_t)(b->r[r].impact - a->r[r].impact);
}

#define SC_P(id)	(1U << SS_PROBE_##id)
/*
 * The kretprobes whose return handlers judge each rule; 0 for rules judged
 * in process context (pagemap and audit reads), which only the scenario
 * itself moves.
 */
static const unsigned int sc_rule_probes[SS_NR_RULES] = {
	[SS_RULE_Z1] = SC_P(ZAP), [SS_RULE_Z2] = SC_P(ZAP),
	[SS_RULE_Z3] = SC_P(TEARDOWN), [SS_RULE_Z4] = SC_P(ZAP),
	[SS_RULE_F1] = SC_P(FORK) | SC_P(SWAPIN), [SS_RULE_F2] = SC_P(FORK),
	[SS_RULE_S1] = SC_P(SWAPIN), [SS_RULE_S2] = SC_P(SWAPIN),
	[SS_RULE_S3] = SC_P(SWAPIN), [SS_RULE_S4] = SC_P(SWAPIN),
	[SS_RULE_U1] = SC_P(RECLAIM), [SS_RULE_U2] = SC_P(RECLAIM),
	[SS_RULE_U3] = SC_P(RECLAIM), [SS_RULE_C1] = SC_P(SHMEM_SWAP),
};

/*
 * Rule @r moved between @a and @b, yet none of the probes that judge it
 * was entered in between: the move is the return of a call entered before
 * @a (another process's exit or zap finishing), not the scenario's doing.
 */
static bool sc_moved_before(const struct sc_rules *a, const struct sc_rules *b,
			    int r)
{
	unsigned int mask = sc_rule_probes[r];
	int p;

	if (!mask || !a->consistent || !b->consistent)
		return false;
	for (p = 0; p < SS_NR_PROBES; p++)
		if ((mask & (1U << p)) && b->hits[p] != a->hits[p])
			return false;
	return true;
}

static bool sc_in(int64_t d, uint64_t min, uint64_t max)
{
	return d >= 0 && (uint64_t)d >= min && (uint64_t)d <= max;
}

/* "+256", "+[1..]" or "+[0..12]" */
static const char *sc_fmt_range(char *buf, size_t size, uint64_t min,
				uint64_t max)
{
	if (min == max)
		snprintf(buf, size, "+%llu", (unsigned long long)min);
	else if (max == SC_ANY)
		snprintf(buf, size, "+[%llu..]", (unsigned long long)min);
	else
		snprintf(buf, size, "+[%llu..%llu]", (unsigned long long)min,
			 (unsigned long long)max);
	return buf;
}

void sc_diag_rules(const struct sc_rules *a, const struct sc_rules *b,
		   const char *ctx)
{
	char line[1024];
	bool any = false;
	size_t off;
	int r;

	off = snprintf(line, sizeof(line), "%s: rules moved:", ctx);
	for (r = 0; r < SS_NR_RULES; r++) {
		if (!sc_d_obs(a, b, r) && !sc_d_viol(a, b, r) &&
		    !sc_d_impact(a, b, r))
			continue;
		any = true;
		if (off < sizeof(line))
			off += snprintf(line + off, sizeof(line) - off,
					" %s(obs%+lld viol%+lld impact%+lld)",
					sc_rule_names[r],
					(long long)sc_d_obs(a, b, r),
					(long long)sc_d_viol(a, b, r),
					(long long)sc_d_impact(a, b, r));
	}
	tap_diag("%s%s", line, any ? "" : " none");
}

void sc_expect_rules(const struct sc_rules *a, const struct sc_rules *b,
		     const struct sc_rule_want *want, size_t n,
		     const char *ctx)
{
	char o[48], v[48], i[48];
	unsigned int targeted = 0, moved = 0;
	const struct sc_rule_want *w;
	int64_t dobs, dviol, dimp;
	size_t k;
	int r;

	for (k = 0; k < n; k++) {
		w = &want[k];
		targeted |= 1U << w->rule;
		dobs = sc_d_obs(a, b, w->rule);
		dviol = sc_d_viol(a, b, w->rule);
		dimp = sc_d_impact(a, b, w->rule);
		sc_fmt_range(o, sizeof(o), w->obs_min, w->obs_max);
		sc_fmt_range(v, sizeof(v), w->viol_min, w->viol_max);
		sc_fmt_range(i, sizeof(i), w->impact_min, w->impact_max);
		if (sc_in(dobs, w->obs_min, w->obs_max) &&
		    sc_in(dviol, w->viol_min, w->viol_max) &&
		    sc_in(dimp, w->impact_min, w->impact_max))
			tap_pass("%s: rule %s obs %+lld viol %+lld impact %+lld "
				 "(want %s %s %s)", ctx, sc_rule_names[w->rule],
				 (long long)dobs, (long long)dviol,
				 (long long)dimp, o, v, i);
		else
			tap_fail("%s: rule %s: expected obs %s viol %s impact %s, "
				 "got obs %+lld viol %+lld impact %+lld", ctx,
				 sc_rule_names[w->rule], o, v, i,
				 (long long)dobs, (long long)dviol,
				 (long long)dimp);
	}
	for (r = 0; r < SS_NR_RULES; r++) {
		if (targeted & (1U << r))
			continue;
		dobs = sc_d_obs(a, b, r);
		dviol = sc_d_viol(a, b, r);
		dimp = sc_d_impact(a, b, r);
		if (!dobs && !dviol && !dimp)
			continue;
		if (sc_moved_before(a, b, r)) {
			tap_diag("%s: rule %s moved (obs %+lld viol %+lld impact %+lld) with no entry of its probes in the window: a call that began before it, not this scenario's",
				 ctx, sc_rule_names[r], (long long)dobs,
				 (long long)dviol, (long long)dimp);
			continue;
		}
		moved++;
		tap_fail("%s: rule %s not targeted but moved: obs %+lld viol %+lld impact %+lld",
			 ctx, sc_rule_names[r], (long long)dobs,
			 (long long)dviol, (long long)dimp);
	}
	if (!moved)
		tap_pass("%s: the %zu rules not targeted did not move (obs, viol, impact +0)",
			 ctx, (size_t)SS_NR_RULES - n);
	if (!a->consistent || !b->consistent)
		tap_diag("%s: a rules snapshot was not consistent", ctx);
	sc_diag_rules(a, b, ctx);
}

bool sc_expect_verdict(const struct sc_rules *s, enum ss_rule r,
		       unsigned int mask, const char *ctx)
{
	int got = s->r[r].verdict;
	char want[96];
	size_t off = 0;
	int v;

	want[0] = '\0';
	for (v = 0; v < SS_NR_VERDICTS; v++)
		if (mask & (1U << v))
			off += snprintf(want + off, sizeof(want) - off, "%s%s",
					off ? " or " : "", sc_verdict_names[v]);
	return tap_check(got >= 0 && (mask & (1U << got)),
			 "%s: rule %s verdict %s (want %s; obs %llu viol %llu impact %llu)",
			 ctx, sc_rule_names[r],
			 got >= 0 ? sc_verdict_names[got] : "?", want,
			 (unsigned long long)s->r[r].obs,
			 (unsigned long long)s->r[r].viol,
			 (unsigned long long)s->r[r].impact);
}

bool sc_expect_reason(const struct sc_rules *s, enum ss_rule r,
		      const char *reason, const char *ctx)
{
	return tap_check(!strcmp(s->r[r].reason, reason),
			 "%s: rule %s reason=%s (want %s)", ctx,
			 sc_rule_names[r], s->r[r].reason, reason);
}

void sc_expect_rules_sane(const struct sc_rules *s, unsigned int may_diverge,
			  const char *ctx)
{
	const struct sc_rule_line *l;
	unsigned int bad = 0;
	char list[256];
	size_t off = 0;
	int r, want;

	/* docs/rules.md "Verdicts and rule states", as ss_verdict_of() decides. */
	for (r = 0; r < SS_NR_RULES; r++) {
		l = &s->r[r];
		if (l->verdict == SS_VERDICT_NOT_APPLICABLE)
			continue;
		want = l->viol ? SS_VERDICT_DIVERGES :
		       l->obs ? SS_VERDICT_CONFORMS : SS_VERDICT_NOT_OBSERVED;
		if (l->verdict != want) {
			bad++;
			tap_fail("%s: rule %s verdict %s disagrees with obs %llu viol %llu",
				 ctx, sc_rule_names[r],
				 l->verdict >= 0 ? sc_verdict_names[l->verdict] : "?",
				 (unsigned long long)l->obs,
				 (unsigned long long)l->viol);
		}
	}
	if (!bad)
		tap_pass("%s: every verdict agrees with its counts", ctx);

	list[0] = '\0';
	bad = 0;
	for (r = 0; r < SS_NR_RULES; r++) {
		l = &s->r[r];
		if (l->verdict != SS_VERDICT_DIVERGES ||
		    ((may_diverge | SC_RULES_ELSEWHERE) & (1U << r)))
			continue;
		bad++;
		if (off < sizeof(list))
			off += snprintf(list + off, sizeof(list) - off, " %s",
					sc_rule_names[r]);
	}
	tap_check(!bad, "%s: no rule diverges beyond the stock kernel's known ones%s%s",
		  ctx, bad ? ":" : "", list);
}

void sc_want_impact(struct sc_rule_want *w, size_t n, enum ss_rule r,
		    uint64_t v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (w[i].rule == r) {
			w[i].impact_min = w[i].impact_max = v;
			return;
		}
	}
	tap_bail("sc_want_impact: rule %s not in the table", sc_rule_names[r]);
}
