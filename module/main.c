// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: module init/exit and parameters.
 *
 * Watches how the kernel handles swap entries on the zap, fork, swap-in
 * and reclaim-unmap paths.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include "swapscope.h"

/* Module parameters are range-checked so a bad value refuses the load. */
struct ss_uint_param {
	unsigned int *val;
	unsigned int min, max;
	const char *name;
};

static int ss_param_set(const char *arg, const struct kernel_param *kp)
{
	const struct ss_uint_param *p = kp->arg;
	unsigned int v;

	if (kstrtouint(arg, 0, &v) || v < p->min || v > p->max) {
		pr_err("invalid %s=%s: expected an integer in [%u, %u]\n",
		       p->name, arg, p->min, p->max);
		return -EINVAL;
	}
	*p->val = v;
	return 0;
}

static int ss_param_get(char *buf, const struct kernel_param *kp)
{
	const struct ss_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", *p->val);
}

static const struct kernel_param_ops ss_uint_ops = {
	.set = ss_param_set,
	.get = ss_param_get,
};

static struct ss_uint_param ss_maxactive_param = {
	&ss_maxactive, 1, 4096, "maxactive"
};
module_param_cb(maxactive, &ss_uint_ops, &ss_maxactive_param, 0444);
MODULE_PARM_DESC(maxactive,
		 "kretprobe instances per probe, 1..4096 (default 128); too few shows as nmissed");

static struct ss_uint_param ss_walk_budget_param = {
	&ss_walk_budget, 512, 1U << 24, "walk_budget"
};
module_param_cb(walk_budget, &ss_uint_ops, &ss_walk_budget_param, 0644);
MODULE_PARM_DESC(walk_budget,
		 "page-table entries one probe hit may read, 512..16777216 (default 262144); a cut walk counts as truncated");

module_param_named(warn_on_fail, ss_warn_on_fail, bool, 0644);
MODULE_PARM_DESC(warn_on_fail,
		 "1 (default): a rule that disables itself also WARNs once, with the stack; 0: it only logs (panic_on_warn machines)");

module_param_named(report_warn, ss_report_warn, bool, 0644);
MODULE_PARM_DESC(report_warn,
		 "1: each rule's first violation (since load or reset) is a kernel WARNING naming rule, seed and sample, for syzkaller/0-day log parsers (default 0)");

module_param_named(time_handlers, ss_time_handlers, bool, 0444);
MODULE_PARM_DESC(time_handlers,
		 "1: time every handler, shown as run_ns in probes (costs two clock reads per hit)");

static int ss_symbols_set(const char *arg, const struct kernel_param *kp)
{
	return ss_probes_set_symbols(arg);
}

static const struct kernel_param_ops ss_symbols_ops = {
	.set = ss_symbols_set,
};
module_param_cb(symbols, &ss_symbols_ops, NULL, 0);
MODULE_PARM_DESC(symbols,
		 "probe=symbol[,...]: probe another symbol, e.g. where the kernel renamed a function");

static int __init swapscope_init(void)
{
	int err;

	err = ss_stats_init();
	if (err)
		goto out;
	/* Symbol lookups at load only: see ksym.c. */
	ss_ksym_open();
	ss_swapinfo_init();
	ss_audit_resolve();
	if (ss_rsswatch_init())
		pr_warn("kmem:rss_stat tracepoint unavailable: Z4 and S4 not judged\n");
	err = ss_verdicts_init();
	ss_ksym_close();
	if (err)
		goto free_stats;
	err = ss_events_init();
	if (err)
		goto free_verdicts;
	err = ss_debugfs_init();
	if (err)
		goto free_events;
	ss_probes_register();
	if (!ss_probes_active())
		pr_warn("no probe could be registered: nothing will be observed\n");
	pr_info("loaded, %u of %d probes active\n", ss_probes_active(),
		SS_NR_PROBES);
	return 0;

free_events:
	ss_events_exit();
free_verdicts:
	ss_verdicts_exit();
free_stats:
	ss_rsswatch_exit();
	ss_stats_exit();
out:
	pr_err("load failed: %d\n", err);
	return err;
}

static void __exit swapscope_exit(void)
{
	ss_probes_unregister();
	ss_rsswatch_exit();
	ss_debugfs_exit();
	ss_events_exit();
	ss_verdicts_exit();
	ss_stats_exit();
	pr_info("unloaded\n");
}

module_init(swapscope_init);
module_exit(swapscope_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("swapscope developers");
MODULE_DESCRIPTION("Observe how the kernel handles swap entries on zap, fork, swap-in and reclaim");
MODULE_VERSION(SWAPSCOPE_VERSION);
