// SPDX-License-Identifier: GPL-2.0
/*
 * ssfloor: make bench's "probes" condition.  The probes swapscope places
 * (every SS_PROBES symbol, a kretprobe where swapscope has one, the same
 * maxactive, and the kmem:rss_stat tracepoint) with handlers that only
 * count hits, as swapscope's do first.  Its cost over the baseline is what
 * the kprobe, kretprobe and tracepoint machinery alone takes; what
 * swapscope costs beyond it is its handlers' work.  Bench only: it judges
 * nothing and is never installed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/tracepoint.h>
#include <linux/mm_types.h>
#include "../../../module/uapi/swapscope.h"

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

static void ssfloor_rss_stat(void *data, struct mm_struct *mm, int member,
			     long count)
{
	this_cpu_inc(ssfloor_hits);
}

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

	for (i = 0; i < ARRAY_SIZE(ssfloor_desc); i++) {
		if (ssfloor_desc[i].is_ret) {
			ssfloor_rp[i].kp.symbol_name = ssfloor_desc[i].symbol;
			ssfloor_rp[i].entry_handler = ssfloor_entry;
			ssfloor_rp[i].handler = ssfloor_ret;
			ssfloor_rp[i].maxactive = maxactive;
			err = register_kretprobe(&ssfloor_rp[i]);
		} else {
			ssfloor_kp[i].symbol_name = ssfloor_desc[i].symbol;
			ssfloor_kp[i].pre_handler = ssfloor_pre;
			err = register_kprobe(&ssfloor_kp[i]);
		}
		if (err) {
			pr_err("probe on %s: %d\n", ssfloor_desc[i].symbol, err);
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
