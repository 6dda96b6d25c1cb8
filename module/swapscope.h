/* SPDX-License-Identifier: GPL-2.0 */
/* swapscope: private header shared by the module's source files. */
#ifndef SWAPSCOPE_PRIV_H
#define SWAPSCOPE_PRIV_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include "uapi/swapscope.h"

/* Counters gathered by one walk, added to the per-cpu totals at once. */
struct ss_tally {
	unsigned long c[SS_NR_COUNTERS];
};

/* ---- walk.c: bounded, lockless reads of user page tables ---- */

/* Upper bound of page-table entries one probe hit may examine. */
extern unsigned int ss_walk_budget;

void ss_classify_pte(pte_t pte, struct ss_tally *t);
void ss_walk_range(struct mm_struct *mm, unsigned long addr,
		   unsigned long end, struct ss_tally *t);
void ss_walk_vma(struct vm_area_struct *vma, unsigned long addr,
		 unsigned long end, struct ss_tally *t);

/* ---- stats.c: per-cpu counters per (path, phase) ---- */

int ss_stats_init(void);
void ss_stats_exit(void);
void ss_stats_add(enum ss_path path, enum ss_phase phase,
		  const struct ss_tally *t);
u64 ss_stats_sum(enum ss_path path, enum ss_phase phase,
		 enum ss_counter cnt);
extern const char * const ss_path_names[SS_NR_PATHS];
extern const char * const ss_phase_names[SS_NR_PHASES];
extern const char * const ss_counter_names[SS_NR_COUNTERS];

/* ---- probes.c: kprobe/kretprobe registration and handlers ---- */

enum ss_probe_state {
	SS_PROBE_UNAVAILABLE,
	SS_PROBE_ACTIVE,
};

struct ss_probe_info {
	const char *name;
	const char *symbol;
	bool is_ret;
	enum ss_probe_state state;
	const char *reason;	/* why unavailable, "-" when active */
	u64 hits;
	u64 nmissed;
	int maxactive;
};

extern unsigned int ss_maxactive;

int ss_probes_set_symbols(const char *arg);
void ss_probes_register(void);
void ss_probes_unregister(void);
unsigned int ss_probes_active(void);
void ss_probe_info(enum ss_probe id, struct ss_probe_info *info);

/* ---- debugfs.c ---- */

int ss_debugfs_init(void);
void ss_debugfs_exit(void);

#endif /* SWAPSCOPE_PRIV_H */
