// SPDX-License-Identifier: GPL-2.0
/*
 * ssfloor: make bench's "probes" condition.  The probes swapscope places
 * (every SS_PROBES symbol, a kretprobe where swapscope has one, the same
 * maxactive, and the kmem:rss_stat tracepoint) with handlers that only
 * count hits, as swapscope's do first.  Its cost over the baseline is what
 * the kprobe, kretprobe and tracepoint machinery alone takes; what
 * swapscope costs beyond it is its handlers' work.  Bench only: it judges
 * nothing and is never installed.
 *
 * hook= measures instead one way of hooking one function (sym=, default
 * do_swap_page), to compare the ways a design could see a call and its
 * result: kprobe, kretprobe, ftrace (an ftrace_ops callback, no kprobe
 * layer), taskwork (an ftrace_ops callback queueing a task_work that runs
 * when the task returns to user mode, after the call) or faultevent (the
 * page-fault software perf events, which fire after every fault, with an
 * overflow handler; sym= is not used).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/tracepoint.h>
#include <linux/mm_types.h>
#include <linux/ftrace.h>
#include <linux/task_work.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include "uapi/swapscope.h"
#include "compat/probes.h"
#include "compat/rss.h"

static DEFINE_PER_CPU(u64, ssfloor_hits);

static int ssfloor_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(ssfloor_hits);
	return 0;
}
NOKPROBE_SYMBOL(ssfloor_pre);

static int ssfloor_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	this_cpu_inc(ssfloor_hits);
	return 0;
}
NOKPROBE_SYMBOL(ssfloor_entry);

static int ssfloor_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}
NOKPROBE_SYMBOL(ssfloor_ret);

/* The tracepoint's parameters differ per kernel: module/compat/rss.h. */
static void ssfloor_rss_stat(SS_RSS_STAT_PROBE_PARAMS)
{
	this_cpu_inc(ssfloor_hits);
}

/* 6.1's symbols; ssfloor_symbol() gives this kernel's (compat/probes.h). */
#define SSF_X_DESC(id, pname, sym, ret) { sym, ret },
static const struct {
	const char *symbol;
	bool is_ret;
} ssfloor_desc[] = {
	SS_PROBES(SSF_X_DESC)
};
#undef SSF_X_DESC

static struct kprobe ssfloor_kp[ARRAY_SIZE(ssfloor_desc)];
static struct kretprobe ssfloor_rp[ARRAY_SIZE(ssfloor_desc)];
static bool ssfloor_on[ARRAY_SIZE(ssfloor_desc)];
static struct tracepoint *ssfloor_tp;

static unsigned int maxactive = 128;
module_param(maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive, "kretprobe instances per probe (swapscope's default: 128)");

static char *hook = "probes";
module_param(hook, charp, 0444);
MODULE_PARM_DESC(hook, "probes (default: swapscope's), kprobe, kretprobe, ftrace, taskwork or faultevent");

static char *sym = "do_swap_page";
module_param(sym, charp, 0444);
MODULE_PARM_DESC(sym, "the function hook= other than probes attaches to");

/* ---- hook= one way of hooking one function ---- */

enum ssfloor_hook { SSF_PROBES, SSF_KPROBE, SSF_KRETPROBE, SSF_FTRACE,
		    SSF_TASKWORK, SSF_FAULTEVENT };
static const char * const ssfloor_hooks[] = {
	"probes", "kprobe", "kretprobe", "ftrace", "taskwork", "faultevent",
};
static int ssfloor_hook;

static void notrace ssfloor_ftrace(unsigned long ip, unsigned long pip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	this_cpu_inc(ssfloor_hits);
}

static struct ftrace_ops ssfloor_ops = { .func = ssfloor_ftrace };

/* One callback_head per task with work queued; a task has one at a time. */
#define SSF_WORKS	64
static struct callback_head ssfloor_work[SSF_WORKS];
static unsigned long ssfloor_work_busy[BITS_TO_LONGS(SSF_WORKS)];
static DEFINE_PER_CPU(u64, ssfloor_work_full);

static void ssfloor_work_run(struct callback_head *head)
{
	this_cpu_inc(ssfloor_hits);
	clear_bit_unlock(head - ssfloor_work, ssfloor_work_busy);
}

static void notrace ssfloor_queue(unsigned long ip, unsigned long pip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	int i;

	if (current->flags & PF_KTHREAD)
		return;
	for (i = 0; i < SSF_WORKS; i++) {
		if (test_and_set_bit_lock(i, ssfloor_work_busy))
			continue;
		init_task_work(&ssfloor_work[i], ssfloor_work_run);
		if (task_work_add(current, &ssfloor_work[i], TWA_RESUME))
			clear_bit_unlock(i, ssfloor_work_busy);
		return;
	}
	this_cpu_inc(ssfloor_work_full);
}

static struct ftrace_ops ssfloor_work_ops = { .func = ssfloor_queue };

static struct perf_event *ssfloor_events[2][NR_CPUS];

static void ssfloor_overflow(struct perf_event *event,
			     struct perf_sample_data *data,
			     struct pt_regs *regs)
{
	this_cpu_inc(ssfloor_hits);
}

static void ssfloor_events_off(void)
{
	int k, cpu;

	for (k = 0; k < 2; k++)
		for_each_possible_cpu(cpu)
			if (!IS_ERR_OR_NULL(ssfloor_events[k][cpu]))
				perf_event_release_kernel(ssfloor_events[k][cpu]);
}

static int ssfloor_events_on(void)
{
	static const u64 config[2] = { PERF_COUNT_SW_PAGE_FAULTS_MIN,
				       PERF_COUNT_SW_PAGE_FAULTS_MAJ };
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.sample_period = 1,
		.pinned = 1,
	};
	int k, cpu;

	for (k = 0; k < 2; k++) {
		attr.config = config[k];
		for_each_online_cpu(cpu) {
			ssfloor_events[k][cpu] =
				perf_event_create_kernel_counter(&attr, cpu,
								 NULL,
								 ssfloor_overflow,
								 NULL);
			if (IS_ERR(ssfloor_events[k][cpu]))
				return PTR_ERR(ssfloor_events[k][cpu]);
		}
	}
	return 0;
}

static int ssfloor_one_on(void)
{
	struct ftrace_ops *ops = &ssfloor_ops;
	int err;

	switch (ssfloor_hook) {
	case SSF_KPROBE:
		ssfloor_kp[0].symbol_name = sym;
		ssfloor_kp[0].pre_handler = ssfloor_pre;
		return register_kprobe(&ssfloor_kp[0]);
	case SSF_KRETPROBE:
		ssfloor_rp[0].kp.symbol_name = sym;
		ssfloor_rp[0].entry_handler = ssfloor_entry;
		ssfloor_rp[0].handler = ssfloor_ret;
		ssfloor_rp[0].maxactive = maxactive;
		return register_kretprobe(&ssfloor_rp[0]);
	case SSF_TASKWORK:
		ops = &ssfloor_work_ops;
		fallthrough;
	case SSF_FTRACE:
		err = ftrace_set_filter(ops, sym, strlen(sym), 1);
		return err ? err : register_ftrace_function(ops);
	default:
		err = ssfloor_events_on();
		if (err)
			ssfloor_events_off();
		return err;
	}
}

static void ssfloor_one_off(void)
{
	switch (ssfloor_hook) {
	case SSF_KPROBE:
		unregister_kprobe(&ssfloor_kp[0]);
		break;
	case SSF_KRETPROBE:
		unregister_kretprobe(&ssfloor_rp[0]);
		break;
	case SSF_FTRACE:
		unregister_ftrace_function(&ssfloor_ops);
		break;
	case SSF_TASKWORK:
		unregister_ftrace_function(&ssfloor_work_ops);
		/* Queued work runs this module's code: wait for all of it. */
		while (!bitmap_empty(ssfloor_work_busy, SSF_WORKS))
			schedule_timeout_uninterruptible(1);
		break;
	default:
		ssfloor_events_off();
		break;
	}
}

static void ssfloor_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "rss_stat"))
		ssfloor_tp = tp;
}

static void ssfloor_unregister(void)
{
	int i;

	if (ssfloor_tp) {
		tracepoint_probe_unregister(ssfloor_tp, ssfloor_rss_stat, NULL);
		tracepoint_synchronize_unregister();
	}
	for (i = ARRAY_SIZE(ssfloor_desc) - 1; i >= 0; i--) {
		if (!ssfloor_on[i])
			continue;
		if (ssfloor_desc[i].is_ret)
			unregister_kretprobe(&ssfloor_rp[i]);
		else
			unregister_kprobe(&ssfloor_kp[i]);
	}
}

/* All or nothing: a floor missing a probe would flatter swapscope. */
static int __init ssfloor_init(void)
{
	int i, err;

	ssfloor_hook = match_string(ssfloor_hooks, ARRAY_SIZE(ssfloor_hooks),
				    hook);
	if (ssfloor_hook < 0) {
		pr_err("invalid hook=%s: one of probes, kprobe, kretprobe, ftrace, taskwork, faultevent\n",
		       hook);
		return -EINVAL;
	}
	if (ssfloor_hook != SSF_PROBES) {
		err = ssfloor_one_on();
		if (err)
			pr_err("hook=%s sym=%s: %d\n", hook, sym, err);
		return err;
	}

	for (i = 0; i < ARRAY_SIZE(ssfloor_desc); i++) {
		if (ssfloor_desc[i].is_ret) {
			ssfloor_rp[i].kp.symbol_name =
				ss_probe_symbol(i, ssfloor_desc[i].symbol);
			ssfloor_rp[i].entry_handler = ssfloor_entry;
			ssfloor_rp[i].handler = ssfloor_ret;
			ssfloor_rp[i].maxactive = maxactive;
			err = register_kretprobe(&ssfloor_rp[i]);
		} else {
			ssfloor_kp[i].symbol_name =
				ss_probe_symbol(i, ssfloor_desc[i].symbol);
			ssfloor_kp[i].pre_handler = ssfloor_pre;
			err = register_kprobe(&ssfloor_kp[i]);
		}
		if (err) {
			pr_err("probe on %s: %d\n",
			       ss_probe_symbol(i, ssfloor_desc[i].symbol), err);
			goto fail;
		}
		ssfloor_on[i] = true;
	}
	for_each_kernel_tracepoint(ssfloor_find_tp, NULL);
	err = ssfloor_tp ? tracepoint_probe_register(ssfloor_tp,
						     ssfloor_rss_stat, NULL) :
			   -ENOENT;
	if (err) {
		ssfloor_tp = NULL;
		pr_err("tracepoint rss_stat: %d\n", err);
		goto fail;
	}
	return 0;
fail:
	ssfloor_unregister();
	return err;
}

/* The hits and misses, for the bench's log: proof the probes ran. */
static void __exit ssfloor_exit(void)
{
	u64 hits = 0, missed = 0;
	int i, cpu;

	if (ssfloor_hook != SSF_PROBES) {
		ssfloor_one_off();
		for_each_possible_cpu(cpu) {
			hits += per_cpu(ssfloor_hits, cpu);
			missed += per_cpu(ssfloor_work_full, cpu);
		}
		pr_info("hook=%s hits=%llu nmissed=%llu\n", hook, hits, missed);
		return;
	}
	ssfloor_unregister();
	for_each_possible_cpu(cpu)
		hits += per_cpu(ssfloor_hits, cpu);
	for (i = 0; i < ARRAY_SIZE(ssfloor_desc); i++)
		missed += ssfloor_desc[i].is_ret ?
			  ssfloor_rp[i].nmissed + ssfloor_rp[i].kp.nmissed :
			  ssfloor_kp[i].nmissed;
	pr_info("hits=%llu nmissed=%llu\n", hits, missed);
}

module_init(ssfloor_init);
module_exit(ssfloor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("swapscope bench: its probes with empty handlers");
