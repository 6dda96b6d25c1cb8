// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: per-rule observation counts, kept violation samples, and the
 * control commands (reset, enable, disable).
 *
 * A rule that meets an internal inconsistency (state swapscope carries
 * that cannot be right) disables itself with ss_rule_fail(): the others
 * keep judging.  It stays failed until a reset or a reload.
 *
 * Counts are per-cpu, as the path stats are.  Samples go into a small ring
 * per rule under a raw spinlock: taken only when a rule is violated, held
 * for a copy, never across anything that sleeps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/kallsyms.h>
#include <linux/mutex.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include "swapscope.h"

#define CREATE_TRACE_POINTS
#include "swapscope_trace.h"

#define SS_SAMPLES_PER_RULE	8

struct ss_rule_counts {
	u64 obs[SS_NR_RULES];
	u64 viol[SS_NR_RULES];
	u64 impact[SS_NR_RULES];
	u64 unsampled[SS_NR_RULES];	/* violations past the rate limit */
	u64 unjudged[SS_NR_RULES];	/* judgements that could not be made */
};

struct ss_ring {
	struct ss_sample s[SS_SAMPLES_PER_RULE];
	u64 next;		/* samples ever written; the ring keeps the last */
	unsigned long last;	/* jiffies of the last probe-context sample */
};

struct ss_rule_ctl {
	bool enabled;		/* by hand: the control file's enable/disable */
	bool applicable;
	const char *reason;	/* not-applicable: why, else NULL */
	const char *failed;	/* disabled itself: why, else NULL */
};

static struct ss_rule_counts __percpu *ss_counts;
static struct ss_rule_ctl ss_rules[SS_NR_RULES];
static struct ss_ring ss_rings[SS_NR_RULES];
static DEFINE_RAW_SPINLOCK(ss_ring_lock);
static atomic64_t ss_sample_seq;
static DEFINE_MUTEX(ss_control_lock);	/* one control command at a time */

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
	return sizeof(struct ss_rule_counts) * num_possible_cpus() +
	       sizeof(ss_rings);
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
			  u64 *unjudged);

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

static const char * const ss_source_names[] = {
#define SS_X_NAME(id, name) name,
	SS_SOURCES(SS_X_NAME)
#undef SS_X_NAME
};

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

/* Probe context, on @nr violations: keep one sample in the rule's ring. */
void ss_sample(enum ss_rule rule, enum ss_probe probe, unsigned long addr,
	       u64 pte_before, u64 pte_after, const struct ss_pte_view *v,
	       u32 nr)
{
	ss_sample_ev(rule, probe, addr, pte_before, pte_after, v, NULL, nr);
}

/* The kernel function a sample was taken at, or the file that judged it. */
static const char *ss_sample_path(unsigned int probe)
{
	static const char * const probe_syms[] = {
#define SS_X_SYM(id, name, sym, ret) sym,
		SS_PROBES(SS_X_SYM)
#undef SS_X_SYM
	};

	if (probe < SS_NR_PROBES)
		return probe_syms[probe];
	return probe == SS_SRC_PAGEMAP ? "pagemap_read" : "audit";
}

/* What a violation's PTEs say, for tracefs and the log report. */
struct ss_report {
	enum ss_rule rule;
	const char *path;
	unsigned long addr;
	u64 pte_before, pte_after;
	const char *kind;
	int swp_type;		/* -1: neither PTE is a swap entry */
	unsigned long swp_offset;
	u32 nr;
};

/* The swap entry of the sample: the PTE before, else the one after. */
static void ss_report_swap(struct ss_report *r)
{
	u64 ptes[2] = { r->pte_before, r->pte_after };
	swp_entry_t e;
	int i;

	r->swp_type = -1;
	r->swp_offset = 0;
	for (i = 0; i < ARRAY_SIZE(ptes); i++) {
		if (!is_swap_pte(__pte(ptes[i])))
			continue;
		e = pte_to_swp_entry(__pte(ptes[i]));
		if (non_swap_entry(e))
			continue;
		r->swp_type = swp_type(e);
		r->swp_offset = swp_offset(e);
		return;
	}
}

/*
 * report_warn=1: each rule's first violation since load or reset is a
 * kernel WARNING, the report syzkaller and 0-day's log parsers already
 * key on ("WARNING: CPU: N PID: N at FILE:LINE FUNC").  Off by default:
 * it taints the kernel, and panics one booted with panic_on_warn.
 *
 * WARN() is safe in the probe handlers' context: an x86 WARN is a ud2
 * trap handled by report_bug() (no kprobe machinery involved: the entry
 * handlers run from the ftrace site, the return handlers from the rethook
 * trampoline, neither inside an int3), and what it prints goes through
 * printk, which may be called with preemption off and any of the probed
 * paths' locks held (mm paths WARN under their own page-table and
 * swap-cluster locks, and printk defers the console to irq_work where it
 * cannot print now).  It is once per rule, not per violation: a stock
 * kernel diverges on every shmem page.
 */
bool ss_report_warn;
static unsigned long ss_reported;	/* a bit per rule: reported */

/*
 * One function per rule: the WARNING's location line names the function,
 * and syzkaller titles a report by it ("WARNING in ss_rule_C1_diverges"),
 * so each rule is a bug of its own to its deduplication.
 */
#define SS_REPORT_FMT							\
	"swapscope: rule %s (seed %s) diverges: pid %d comm %s addr 0x%lx pte_before 0x%llx pte_after 0x%llx kind %s swp_type %d swp_offset %lu path %s violations %u\n"
#define SS_X_REPORTER(id, seed)						\
static noinline void ss_rule_##id##_diverges(const struct ss_report *r) \
{									\
	WARN(1, SS_REPORT_FMT, #id, seed, current->pid, current->comm,	\
	     r->addr, r->pte_before, r->pte_after, r->kind, r->swp_type,	\
	     r->swp_offset, r->path, r->nr);				\
}
SS_RULES(SS_X_REPORTER)
#undef SS_X_REPORTER

static void (* const ss_reporters[])(const struct ss_report *r) = {
#define SS_X_REPORTER(id, seed) ss_rule_##id##_diverges,
	SS_RULES(SS_X_REPORTER)
#undef SS_X_REPORTER
};

static_assert(ARRAY_SIZE(ss_reporters) == SS_NR_RULES);

/*
 * Every violation, before the samples' rate limit: to tracefs when the
 * event is on, and the rule's first to the log with report_warn=1.
 */
static void ss_violation_out(enum ss_rule rule, enum ss_probe probe,
			     unsigned long addr, u64 pte_before, u64 pte_after,
			     const struct ss_pte_view *v, u32 nr)
{
	bool report = READ_ONCE(ss_report_warn) &&
		      !test_bit(rule, &ss_reported) &&
		      !test_and_set_bit(rule, &ss_reported);
	struct ss_report r;

	if (!report && !trace_swapscope_violation_enabled())
		return;
	r = (struct ss_report) {
		.rule = rule,
		.path = ss_sample_path(probe),
		.addr = addr,
		.pte_before = pte_before,
		.pte_after = pte_after,
		.kind = ss_counter_names[v ? v->kind : SS_CNT_NONE],
		.nr = nr,
	};
	ss_report_swap(&r);
	trace_swapscope_violation(ss_rule_name(rule), ss_rule_seed(rule),
				  r.path, addr, pte_before, pte_after, r.kind,
				  r.swp_type, r.swp_offset, nr);
	if (report)
		ss_reporters[rule](&r);
}

/*
 * Probe context: the owner of @mm as far as it is known: the memcg owner
 * the kernel keeps (a thread group's leader, or a task that took the mm
 * over), else the caller when it is the caller's mm.
 */
static void ss_sample_mm(struct ss_sample *s, struct mm_struct *mm)
{
	struct task_struct *owner = NULL;

	rcu_read_lock();
#ifdef CONFIG_MEMCG
	owner = rcu_dereference(mm->owner);
#endif
	if (!owner && mm == current->mm)
		owner = current;
	if (owner) {
		s->mm_pid = owner->tgid;
		memcpy(s->mm_comm, owner->comm, sizeof(s->mm_comm));
		s->mm_comm[sizeof(s->mm_comm) - 1] = '\0';
		s->mm_known = true;
	}
	rcu_read_unlock();
}

/* The evidence of a count-based judgement made on @vma. */
void ss_evidence_vma(struct ss_evidence *ev, struct vm_area_struct *vma,
		     const struct ss_judgement *j)
{
	ev->mm = vma->vm_mm;
	ev->vm_start = vma->vm_start;
	ev->vm_end = vma->vm_end;
	ev->diff = j->diff.what != SS_COUNT_NONE ? &j->diff : NULL;
}

void ss_sample_ev(enum ss_rule rule, enum ss_probe probe, unsigned long addr,
		  u64 pte_before, u64 pte_after, const struct ss_pte_view *v,
		  const struct ss_evidence *ev, u32 nr)
{
	struct ss_ring *ring = &ss_rings[rule];
	unsigned long flags, now = jiffies;
	struct ss_sample s;

	if (!ss_rule_enabled(rule))
		return;
	ss_violation_out(rule, probe, addr, pte_before, pte_after, v, nr);
	/*
	 * A kernel that diverges on every page (stock 6.1's shmem, C1 and
	 * U3) must not pay a stack unwind and a global lock per page: from a
	 * probe, one sample per rule per jiffy; the rest are counted, shown
	 * as dropped.  The race between CPUs at a jiffy's start is harmless.
	 */
	if (probe < SS_NR_PROBES) {
		if (READ_ONCE(ring->last) == now && READ_ONCE(ring->next)) {
			this_cpu_inc(ss_counts->unsampled[rule]);
			return;
		}
		WRITE_ONCE(ring->last, now);
	}
	/* Built only now: a dropped sample costs no 200-byte struct. */
	s = (struct ss_sample) {
		.pid = current->pid,
		.addr = addr,
		.pte_before = pte_before,
		.pte_after = pte_after,
		.kind = v ? v->kind : SS_CNT_NONE,
		.probe = probe,
		.count_known = v && v->count_known,
		.swap_count = v ? v->swap_count : 0,
	};
	if (ev) {
		if (ev->mm)
			ss_sample_mm(&s, ev->mm);
		s.mm_child = ev->child;
		s.vm_start = ev->vm_start;
		s.vm_end = ev->vm_end;
		/* Only the rule's own disagreement: not another rule's. */
		if (ev->diff && ev->diff->rule == rule) {
			s.count_what = ev->diff->what;
			s.expected = ev->diff->expected;
			s.actual = ev->diff->actual;
		}
	}
	s.seq = atomic64_inc_return(&ss_sample_seq);
	/* As tracepoints do: get_task_comm() takes task_lock, not here. */
	memcpy(s.comm, current->comm, sizeof(s.comm));
	s.comm[sizeof(s.comm) - 1] = '\0';
	stack_trace_save(s.stack, ARRAY_SIZE(s.stack), 0);
	raw_spin_lock_irqsave(&ss_ring_lock, flags);
	ring->s[ring->next % SS_SAMPLES_PER_RULE] = s;
	ring->next++;
	raw_spin_unlock_irqrestore(&ss_ring_lock, flags);
}

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

/* Frames of the kprobe machinery and of swapscope itself say nothing. */
static bool ss_frame_is_noise(const char *sym)
{
	static const char * const noise[] = {
		"ss_", "kprobe", "kretprobe", "ftrace", "rethook", "arch_rethook",
		"pre_handler_kretprobe", "__kretprobe", "stack_trace_save",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(noise); i++)
		if (!strncmp(sym, noise[i], strlen(noise[i])))
			return true;
	return false;
}

/*
 * Keep a value one word of a key=value record: a task name may hold spaces
 * or '=' and a frame in a module ends " [name]".
 */
static void ss_one_word(char *s)
{
	char *src = s, *dst = s;

	for (; *src; src++) {
		if (*src == ' ' && src[1] == '[')
			continue;
		*dst++ = (isspace(*src) || *src == '=' || *src == ',') ? '_' : *src;
	}
	*dst = '\0';
}

static const char * const ss_count_names[] = {
#define SS_X_NAME(id, name) name,
	SS_COUNTS(SS_X_NAME)
#undef SS_X_NAME
};

static void ss_show_sample(struct seq_file *m, enum ss_rule r,
			   const struct ss_sample *s)
{
	char sym[KSYM_SYMBOL_LEN], comm[TASK_COMM_LEN];
	const char *sep = "";
	int i;

	strscpy(comm, s->comm, sizeof(comm));
	ss_one_word(comm);
	seq_printf(m, "rule=%s seq=%llu pid=%d comm=%s addr=0x%lx pte_before=0x%llx pte_after=0x%llx kind=%s",
		   ss_rule_name(r), s->seq, s->pid, comm, s->addr,
		   s->pte_before, s->pte_after, ss_counter_names[s->kind]);
	if (s->kind == SS_CNT_SWAP) {
		swp_entry_t e = pte_to_swp_entry(__pte(s->pte_before));

		seq_printf(m, " swp_type=%u swp_offset=%lu", swp_type(e),
			   swp_offset(e));
	}
	if (s->count_known)
		seq_printf(m, " swap_count=%u", s->swap_count);
	if (s->mm_known || s->vm_end || s->count_what) {
		if (s->mm_known) {
			strscpy(comm, s->mm_comm, sizeof(comm));
			ss_one_word(comm);
			seq_printf(m, " mm=%s%d:%s", s->mm_child ? "child-of-" : "",
				   s->mm_pid, comm);
		} else {
			seq_puts(m, " mm=-");
		}
		if (s->vm_end)
			seq_printf(m, " vma=0x%lx-0x%lx", s->vm_start, s->vm_end);
		else
			seq_puts(m, " vma=-");
		if (s->count_what && s->count_what < SS_NR_COUNTS)
			seq_printf(m, " count=%s expected=%ld actual=%ld",
				   ss_count_names[s->count_what], s->expected,
				   s->actual);
	}
	seq_printf(m, " path=%s caller=", ss_sample_path(s->probe));
	for (i = 0; i < ARRAY_SIZE(s->stack) && s->stack[i]; i++) {
		sprint_symbol(sym, s->stack[i]);
		if (ss_frame_is_noise(sym))
			continue;
		ss_one_word(sym);
		seq_printf(m, "%s%s", sep, sym);
		sep = ",";
	}
	seq_puts(m, *sep ? "\n" : "-\n");
}

int ss_samples_show(struct seq_file *m, void *v)
{
	struct ss_ring *ring;
	struct ss_sample *copy;
	u64 next, first, i, unsampled;
	int r, cpu;

	copy = kmalloc(sizeof(*copy) * SS_SAMPLES_PER_RULE, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	for (r = 0; r < SS_NR_RULES; r++) {
		ring = &ss_rings[r];
		raw_spin_lock_irq(&ss_ring_lock);
		next = ring->next;
		memcpy(copy, ring->s, sizeof(*copy) * SS_SAMPLES_PER_RULE);
		raw_spin_unlock_irq(&ss_ring_lock);
		first = next > SS_SAMPLES_PER_RULE ? next - SS_SAMPLES_PER_RULE : 0;
		for (i = first; i < next; i++)
			ss_show_sample(m, r, &copy[i % SS_SAMPLES_PER_RULE]);
		unsampled = 0;
		for_each_possible_cpu(cpu)
			unsampled += per_cpu_ptr(ss_counts, cpu)->unsampled[r];
		if (first + unsampled)
			seq_printf(m, "rule=%s dropped=%llu\n", ss_rule_name(r),
				   first + unsampled);
	}
	kfree(copy);
	return 0;
}

static int ss_rule_by_name(const char *name)
{
	int r;

	for (r = 0; r < SS_NR_RULES; r++)
		if (!strcmp(ss_rule_name(r), name))
			return r;
	return -1;
}

/*
 * Judge the rules that failed again: the state a failure was about is
 * carried per call (kretprobe data, PTEs read afresh), so a reset starts
 * from a clean slate, as for the counts.  If the inconsistency is still
 * there, the rule fails again, and says so again.
 */
static void ss_rearm_failed(void)
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

static void ss_reset(void)
{
	unsigned long flags;
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ss_counts, cpu), 0, sizeof(*ss_counts));
	raw_spin_lock_irqsave(&ss_ring_lock, flags);
	memset(ss_rings, 0, sizeof(ss_rings));
	raw_spin_unlock_irqrestore(&ss_ring_lock, flags);
	ss_reset_verdicts();
	WRITE_ONCE(ss_reported, 0);
	ss_stats_reset();
	ss_scope_reset();
	ss_events_reset();
	ss_watch_full_reset();
	ss_rearm_failed();
}

/* "scope PID" or "scope none"; -EINVAL/-ESRCH, changing nothing. */
static int ss_control_scope(const char *arg)
{
	int nr;

	if (!strcmp(arg, "none"))
		return ss_scope_set(0);
	if (kstrtoint(arg, 10, &nr) || nr <= 0) {
		pr_err_ratelimited("control: scope takes a pid or 'none', not '%s'\n", arg);
		return -EINVAL;
	}
	return ss_scope_set(nr);
}

/*
 * The control file's language, one command per write:
 *   reset          zero every count, verdict, sample and path statistic;
 *                  judge the rules that failed again
 *   enable RULE    judge RULE again (not for rules this kernel lacks)
 *   disable RULE   stop judging RULE; its counts stay as they were
 *   scope PID      watch only PID's process tree; "scope none": all
 * Returns 0 or -EINVAL / -EOPNOTSUPP / -EBUSY / -ESRCH, having changed nothing on
 * error.  Refusals are logged rate-limited (as those of the pagemap and
 * audit files): a writer looping on bad input must not flood the log.
 */
static int ss_control_locked(const char *cmd)
{
	char verb[8], name[12], extra;
	int n, r;

	n = sscanf(cmd, "%7s %11s %c", verb, name, &extra);
	if (n == 1 && !strcmp(verb, "reset")) {
		ss_reset();
		return 0;
	}
	if (n == 2 && !strcmp(verb, "scope"))
		return ss_control_scope(name);
	if (n != 2 || (strcmp(verb, "enable") && strcmp(verb, "disable"))) {
		pr_err_ratelimited("control: unknown command '%s' (reset, enable RULE, disable RULE, scope PID|none)\n",
		       cmd);
		return -EINVAL;
	}
	r = ss_rule_by_name(name);
	if (r < 0) {
		pr_err_ratelimited("control: unknown rule '%s'\n", name);
		return -EINVAL;
	}
	if (!strcmp(verb, "disable")) {
		WRITE_ONCE(ss_rules[r].enabled, false);
		return 0;
	}
	if (!ss_rules[r].applicable) {
		pr_err_ratelimited("control: rule %s cannot be enabled: %s\n", name,
		       ss_rules[r].reason ? ss_rules[r].reason : "not applicable");
		return -EOPNOTSUPP;
	}
	if (READ_ONCE(ss_rules[r].failed)) {
		pr_err_ratelimited("control: rule %s disabled itself (%s): reset to judge it again\n",
				   name, ss_rules[r].failed);
		return -EBUSY;
	}
	WRITE_ONCE(ss_rules[r].enabled, true);
	return 0;
}

int ss_control(const char *cmd)
{
	int ret;

	mutex_lock(&ss_control_lock);
	ret = ss_control_locked(cmd);
	mutex_unlock(&ss_control_lock);
	return ret;
}
