// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: per-cpu observation counters per (path, phase).
 *
 * Probe handlers only add to their own CPU's counters; readers sum over
 * all CPUs.  No cache line is written by two CPUs, and the footprint is
 * fixed at load time.
 */
#include <linux/percpu.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/cpumask.h>
#include "swapscope.h"

/* The name tables below follow the X-macro order of uapi/swapscope.h. */

struct ss_stats {
	u64 c[SS_NR_PATHS][SS_NR_PHASES][SS_NR_COUNTERS];
};

static struct ss_stats __percpu *ss_stats;

const char * const ss_counter_names[] = { SS_COUNTERS(SS_X_NAMES) };
static_assert(ARRAY_SIZE(ss_counter_names) == SS_NR_COUNTERS);

const char * const ss_path_names[] = { SS_PATHS(SS_X_NAMES) };
static_assert(ARRAY_SIZE(ss_path_names) == SS_NR_PATHS);

const char * const ss_phase_names[] = { SS_PHASES(SS_X_NAMES) };
static_assert(ARRAY_SIZE(ss_phase_names) == SS_NR_PHASES);

int ss_stats_init(void)
{
	ss_stats = alloc_percpu(struct ss_stats);
	return ss_stats ? 0 : -ENOMEM;
}

size_t ss_stats_memory(void)
{
	return sizeof(struct ss_stats) * num_possible_cpus();
}

void ss_stats_exit(void)
{
	free_percpu(ss_stats);
	ss_stats = NULL;
}

/* Probe context: add one walk's non-zero counters to this CPU's totals. */
void ss_stats_add(enum ss_path path, enum ss_phase phase,
		  const struct ss_tally *t)
{
	int i;

	/* this_cpu_add is one irq-safe instruction on x86: no lock needed. */
	for (i = 0; i < SS_NR_COUNTERS; i++)
		if (t->c[i])
			this_cpu_add(ss_stats->c[path][phase][i], t->c[i]);
}

/* Probe context: one call on @path, and whether it failed. */
void ss_stats_call(enum ss_path path, enum ss_phase phase, bool failed)
{
	this_cpu_inc(ss_stats->c[path][phase][SS_CNT_CALLS]);
	if (failed)
		this_cpu_inc(ss_stats->c[path][phase][SS_CNT_FAILED]);
}

/*
 * Probe context: one PTE the handler already decoded, counted as
 * ss_classify_pte counts it.  The one-PTE paths (swap-in, reclaim) use
 * this instead of a tally: a tally is 280 bytes to clear and 21 counters
 * to scan for the three or four a PTE can touch.
 */
void ss_stats_view(enum ss_path path, enum ss_phase phase,
		   const struct ss_pte_view *v)
{
	u64 __percpu *c = ss_stats->c[path][phase];

	this_cpu_inc(c[v->kind]);
	switch (v->kind) {
	case SS_CNT_PRESENT:
		if (v->writable)
			this_cpu_inc(c[SS_CNT_PRESENT_WRITABLE]);
		if (v->anon)
			this_cpu_inc(c[SS_CNT_PRESENT_ANON]);
		if (v->anon_excl)
			this_cpu_inc(c[SS_CNT_PRESENT_ANON_EXCL]);
		break;
	case SS_CNT_SWAP:
		if (v->swap_excl)
			this_cpu_inc(c[SS_CNT_SWAP_EXCLUSIVE]);
		break;
	case SS_CNT_MIGRATION_READ:
	case SS_CNT_MIGRATION_READ_EXCL:
	case SS_CNT_MIGRATION_WRITE:
		if (v->migration_file)
			this_cpu_inc(c[SS_CNT_MIGRATION_FILE]);
		break;
	default:
		break;
	}
}

u64 ss_stats_sum(enum ss_path path, enum ss_phase phase, enum ss_counter cnt)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(ss_stats, cpu)->c[path][phase][cnt];
	return sum;
}

/* Process context: zero every counter (racing adds may survive). */
void ss_stats_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ss_stats, cpu), 0, sizeof(struct ss_stats));
}
