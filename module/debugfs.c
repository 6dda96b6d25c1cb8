// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: debugfs files, one concern each, one key=value record per
 * line (layouts documented in uapi/swapscope.h).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <generated/utsrelease.h>
#include "swapscope.h"

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
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(version);

static int probes_show(struct seq_file *m, void *v)
{
	struct ss_probe_info info;
	int i;

	for (i = 0; i < SS_NR_PROBES; i++) {
		ss_probe_info(i, &info);
		seq_printf(m,
			   "probe=%s symbol=%s type=%s state=%s hits=%llu nmissed=%llu maxactive=%d reason=%s\n",
			   info.name, info.symbol,
			   info.is_ret ? "kretprobe" : "kprobe",
			   info.state == SS_PROBE_ACTIVE ? "active" : "unavailable",
			   info.hits, info.nmissed, info.maxactive, info.reason);
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

int ss_debugfs_init(void)
{
	ss_dir = debugfs_create_dir(SWAPSCOPE_NAME, NULL);
	if (IS_ERR(ss_dir))
		return PTR_ERR(ss_dir);
	debugfs_create_file("version", 0444, ss_dir, NULL, &version_fops);
	debugfs_create_file("probes", 0444, ss_dir, NULL, &probes_fops);
	debugfs_create_file("stats", 0444, ss_dir, NULL, &stats_fops);
	return 0;
}

void ss_debugfs_exit(void)
{
	debugfs_remove_recursive(ss_dir);
	ss_dir = NULL;
}
