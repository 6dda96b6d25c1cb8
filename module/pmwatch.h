/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope: P1-P3 judged on every read of any /proc/PID/pagemap, as the
 * kernel makes each entry (pmwatch.c).  The kretprobes' per-call data.
 */
#ifndef SWAPSCOPE_PMWATCH_H
#define SWAPSCOPE_PMWATCH_H

#include <linux/bitmap.h>
#include <linux/kprobes.h>
#include <linux/mm.h>

/*
 * pagemap_read() walks at most one PMD's worth of pages per walk: no
 * callback of one walk makes more entries than this.
 */
#define SS_PMW_MAX_PAGES	PTRS_PER_PTE

struct mm_walk;

/* One pagemap_pmd_range() or pagemap_pte_hole() call, entry to return. */
struct ss_pmw_call {
	struct mm_walk *walk;
	pmd_t *pmd;			/* pagemap_pmd_range: its PMD */
	unsigned long addr, end;
	int pos0;			/* the reader's buffer index at entry */
	unsigned int npages;		/* pages of [addr, end) judged, capped */
	bool seen;			/* the lock-site probe judged the call */
	bool slotted;			/* findable by current (ss_pmw_slots) */
	/* shmem pages whose xarray held a swap entry at entry */
	DECLARE_BITMAP(swapped0, SS_PMW_MAX_PAGES);
};

int ss_pmw_range_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_range_ret(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_hole_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_hole_ret(struct kretprobe_instance *ri, struct pt_regs *regs);

/* The probes inside pagemap_pmd_range, where it holds the PTE lock. */
int ss_pmw_sites_register(void *func);
void ss_pmw_sites_unregister(void);
unsigned int ss_pmw_sites(void);
unsigned long ss_pmw_sites_missed(void);

/* The on-demand comparison's own read (pagemap.c): judged here, once. */
void ss_pmw_set_runner(struct task_struct *task);
bool ss_pmw_live(void);

/* Counters of what was and was not judged, for the pagemap_watch file. */
struct ss_pmw_totals {
	u64 calls;		/* callbacks of in-scope readers */
	u64 entries;		/* entries judged */
	u64 unjudged;		/* entries not judged exactly (truth moved) */
	u64 busy;		/* calls with no free slot: their entries */
	u64 unseen;		/* entries made past every lock-site probe */
};
void ss_pmw_totals(struct ss_pmw_totals *t);
void ss_pmw_reset(void);
int ss_pmw_show(struct seq_file *m, void *v);

#endif /* SWAPSCOPE_PMWATCH_H */
