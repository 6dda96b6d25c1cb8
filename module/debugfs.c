// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: debugfs files, one concern each, one key=value record per
 * line (layouts documented in uapi/swapscope.h).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <generated/utsrelease.h>
#include "swapscope.h"
#include "pmwatch.h"

#ifndef SWAPSCOPE_BUILD
#define SWAPSCOPE_BUILD "unknown"
#endif

static struct dentry *ss_dir;

static int version_show(struct seq_file *m, void *v)
{
	seq_printf(m, "module=%s\n", SWAPSCOPE_VERSION);
	seq_printf(m, "abi=%d\n", SWAPSCOPE_ABI);
	seq_printf(m, "kernel=%s\n", utsname()->release);
	seq_printf(m, "kernel_version=%s\n", utsname()->version);
	/* The headers the module was built against, to spot a mismatch. */
	seq_printf(m, "built_for=%s\n", UTS_RELEASE);
	seq_printf(m, "build=%s\n", SWAPSCOPE_BUILD);
	/* How Z4/S4 learn of foreign RSS changes (rsswatch.c). */
	seq_printf(m, "rss_watch=%s\n",
		   ss_rss_watching() ? "tracepoint" : "unavailable");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(version);

static int probes_show(struct seq_file *m, void *v)
{
	static const char * const types[] = { SS_PROBE_TYPES(SS_X_NAMES) };
	static const char * const states[] = { SS_PROBE_STATES(SS_X_NAMES) };
	struct ss_probe_info info;
	int i;

	for (i = 0; i < SS_NR_PROBES; i++) {
		ss_probe_info(i, &info);
		seq_printf(m,
			   "probe=%s symbol=%s type=%s state=%s hits=%llu nmissed=%llu maxactive=%d reason=%s run_ns=%llu\n",
			   info.name, info.symbol,
			   types[info.is_ret ? SS_PROBE_TYPE_KRETPROBE :
				 SS_PROBE_TYPE_KPROBE],
			   states[info.state],
			   info.hits, info.nmissed, info.maxactive, info.reason,
			   info.run_ns);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(probes);

static int stats_show(struct seq_file *m, void *v)
{
	int path, phase, cnt;

	for (path = 0; path < SS_NR_PATHS; path++) {
		for (phase = 0; phase < SS_NR_PHASES; phase++) {
			seq_printf(m, "path=%s phase=%s", ss_path_names[path],
				   ss_phase_names[phase]);
			for (cnt = 0; cnt < SS_NR_COUNTERS; cnt++)
				seq_printf(m, " %s=%llu", ss_counter_names[cnt],
					   ss_stats_sum(path, phase, cnt));
			seq_putc(m, '\n');
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* What went unseen or unjudged, the scope, and the memory held. */
static int health_show(struct seq_file *m, void *v)
{
	size_t percpu = ss_stats_memory() + ss_verdicts_memory() +
			ss_samples_memory();
	size_t kret = ss_probes_memory();
	size_t vmem = ss_events_memory();
	u64 truncated = 0;
	int path, phase;
	pid_t scope = ss_scope();

	for (path = 0; path < SS_NR_PATHS; path++)
		for (phase = 0; phase < SS_NR_PHASES; phase++)
			truncated += ss_stats_sum(path, phase, SS_CNT_TRUNCATED);
	seq_printf(m, "nmissed=%llu\n", ss_probes_nmissed());
	seq_printf(m, "events_dropped=%llu\n", ss_events_dropped());
	seq_printf(m, "watch_full=%llu\n", ss_watch_full());
	seq_printf(m, "walk_truncated=%llu\n", truncated);
	seq_printf(m, "watch_interfered=%llu\n", ss_watch_interfered());
	if (scope)
		seq_printf(m, "scope=%d\n", scope);
	else
		seq_puts(m, "scope=none\n");
	seq_printf(m, "scope_skipped=%llu\n", ss_scope_skipped_sum());
	seq_printf(m, "events_reader=%d\n", ss_events_followed());
	ss_pmw_show(m);
	seq_printf(m, "memory_bytes=%zu\n",
		   percpu + kret + vmem + ss_rsswatch_memory() +
		   ss_refs_memory());
	seq_printf(m, "memory_percpu=%zu\n", percpu);
	seq_printf(m, "memory_vmalloc=%zu\n", vmem);
	seq_printf(m, "memory_kretprobe=%zu\n", kret);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(health);

/* ss_rules_show (verdicts.c) and ss_samples_show (samples.c). */
DEFINE_SHOW_ATTRIBUTE(ss_rules);
DEFINE_SHOW_ATTRIBUTE(ss_samples);

int ss_debugfs_init(void)
{
	ss_dir = debugfs_create_dir(SWAPSCOPE_NAME, NULL);
	if (IS_ERR(ss_dir))
		return PTR_ERR(ss_dir);
	debugfs_create_file("version", 0444, ss_dir, NULL, &version_fops);
	debugfs_create_file("probes", 0444, ss_dir, NULL, &probes_fops);
	debugfs_create_file("stats", 0444, ss_dir, NULL, &stats_fops);
	debugfs_create_file("rules", 0444, ss_dir, NULL, &ss_rules_fops);
	/* Samples hold user addresses and PTEs: root only. */
	debugfs_create_file("samples", 0400, ss_dir, NULL, &ss_samples_fops);
	/* The files that take commands: their language in the file's data. */
	debugfs_create_file("control", 0200, ss_dir, (void *)&ss_control_cmd,
			    &ss_control_fops);
	debugfs_create_file("pagemap", 0600, ss_dir, (void *)&ss_pagemap_cmd,
			    &ss_pagemap_fops);
	debugfs_create_file("audit", 0600, ss_dir, (void *)&ss_audit_cmd,
			    &ss_audit_fops);
	debugfs_create_file("health", 0444, ss_dir, NULL, &health_fops);
	/* Events carry pids, comms and user addresses: root only. */
	debugfs_create_file("events", 0400, ss_dir, NULL, &ss_events_fops);
	return 0;
}

void ss_debugfs_exit(void)
{
	debugfs_remove_recursive(ss_dir);
	ss_dir = NULL;
}
