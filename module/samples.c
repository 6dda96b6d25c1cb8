// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the violation samples: a small ring per rule of the last
 * violations kept, their report to tracefs and (report_warn=1) to the log,
 * and the samples file that shows them.
 *
 * The rings are under a raw spinlock: taken only when a rule is violated,
 * held for a copy, never across anything that sleeps.  From a probe, one
 * sample per rule per jiffy is kept; the rest are counted (verdicts.c) and
 * shown as dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/kallsyms.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/slab.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include "swapscope.h"
#include "swapscope_trace.h"

#define SS_SAMPLES_PER_RULE	8

struct ss_ring {
	struct ss_sample s[SS_SAMPLES_PER_RULE];
	u64 next;		/* samples ever written; the ring keeps the last */
	unsigned long last;	/* jiffies of the last probe-context sample */
};

static struct ss_ring ss_rings[SS_NR_RULES];
static DEFINE_RAW_SPINLOCK(ss_ring_lock);
static atomic64_t ss_sample_seq;

size_t ss_samples_memory(void)
{
	return sizeof(ss_rings);
}

/* Probe context, on @nr violations: keep one sample in the rule's ring. */
void ss_sample(enum ss_rule rule, enum ss_probe probe, unsigned long addr,
	       u64 pte_before, u64 pte_after, const struct ss_pte_view *v,
	       u32 nr)
{
	ss_sample_ev(rule, probe, addr, pte_before, pte_after, v, NULL, nr);
}

void ss_sample_pagemap(enum ss_rule rule, enum ss_probe probe,
		       unsigned long addr, u64 pte, u64 pme,
		       const struct ss_pte_view *v, struct ss_evidence *ev,
		       u8 truth, u32 nr)
{
	ev->pm_truth = truth + 1;
	ss_sample_ev(rule, probe, addr, pte, pme, v, ev, nr);
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
		ss_comm_copy(s->mm_comm, owner->comm);
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
			ss_rule_unsampled(rule);
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
		s.pm_truth = ev->pm_truth;
		/* Only the rule's own disagreement: not another rule's. */
		if (ev->diff && ev->diff->rule == rule) {
			s.count_what = ev->diff->what;
			s.expected = ev->diff->expected;
			s.actual = ev->diff->actual;
		}
	}
	s.seq = atomic64_inc_return(&ss_sample_seq);
	ss_comm_copy(s.comm, current->comm);
	stack_trace_save(s.stack, ARRAY_SIZE(s.stack), 0);
	raw_spin_lock_irqsave(&ss_ring_lock, flags);
	ring->s[ring->next % SS_SAMPLES_PER_RULE] = s;
	ring->next++;
	raw_spin_unlock_irqrestore(&ss_ring_lock, flags);
}

/* Frames of the kprobe machinery and of swapscope itself say nothing. */
static bool ss_frame_is_noise(const char *sym)
{
	static const char * const noise[] = {
		"ss_", "kprobe", "kretprobe", "ftrace", "rethook", "arch_rethook",
		"pre_handler_kretprobe", "__kretprobe", "stack_trace_save",
		"exc_int3", "asm_exc_int3",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(noise); i++)
		if (!strncmp(sym, noise[i], strlen(noise[i])))
			return true;
	return false;
}

/*
 * Keep a stack frame one word of a key=value record: a frame in a module
 * ends " [name]".
 */
static void ss_frame_word(char *s)
{
	char *src = s, *dst = s;

	for (; *src; src++) {
		if (*src == ' ' && src[1] == '[')
			continue;
		*dst++ = ss_kv_char(*src);
	}
	*dst = '\0';
}

static const char * const ss_count_names[SS_NR_COUNTS] = {
	SS_COUNTS(SS_X_NAMES)
};

static const char * const ss_sample_pmt_names[SS_PMT_NR] = {
	SS_PM_TRUTHS(SS_X_NAMES)
};

static void ss_show_sample(struct seq_file *m, enum ss_rule r,
			   const struct ss_sample *s)
{
	char sym[KSYM_SYMBOL_LEN], comm[TASK_COMM_LEN];
	const char *sep = "";
	int i;

	ss_comm_word(comm, s->comm);
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
			ss_comm_word(comm, s->mm_comm);
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
	/* A pagemap reader's: what the page was, and the entry it was told. */
	if (s->pm_truth && s->pm_truth <= SS_PMT_NR)
		seq_printf(m, " truth=%s pagemap=0x%llx",
			   ss_sample_pmt_names[s->pm_truth - 1], s->pte_after);
	seq_printf(m, " path=%s caller=", ss_sample_path(s->probe));
	for (i = 0; i < ARRAY_SIZE(s->stack) && s->stack[i]; i++) {
		sprint_symbol(sym, s->stack[i]);
		if (ss_frame_is_noise(sym))
			continue;
		ss_frame_word(sym);
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
	int r;

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
		unsampled = ss_rule_unsampled_sum(r);
		if (first + unsampled)
			seq_printf(m, "rule=%s dropped=%llu\n", ss_rule_name(r),
				   first + unsampled);
	}
	kfree(copy);
	return 0;
}

/* Control "reset": forget every sample and every rule's report. */
void ss_samples_reset(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ss_ring_lock, flags);
	memset(ss_rings, 0, sizeof(ss_rings));
	raw_spin_unlock_irqrestore(&ss_ring_lock, flags);
	WRITE_ONCE(ss_reported, 0);
}
