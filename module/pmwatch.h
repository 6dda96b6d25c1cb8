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
struct ss_pmw_slot;

/* One pagemap_pmd_range() or pagemap_pte_hole() call, entry to return. */
struct ss_pmw_call {
	struct mm_walk *walk;
	pmd_t *pmd;			/* pagemap_pmd_range: its PMD */
	unsigned long addr;
	int pos0;			/* the reader's buffer index at entry */
	unsigned int npages;		/* pages of [addr, end) judged, capped */
	bool seen;			/* the lock-site probe judged the call */
	/* shmem pages whose xarray held a swap entry at entry */
	DECLARE_BITMAP(swapped0, SS_PMW_MAX_PAGES);
};

/* One pagemap_read() of a judged reader, entry to return. */
struct ss_pmw_read {
	struct ss_pmw_slot *slot;
};

int ss_pmw_read_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_read_ret(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_range_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_range_ret(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_hole_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int ss_pmw_hole_ret(struct kretprobe_instance *ri, struct pt_regs *regs);

/*
 * The probes inside pagemap_pmd_range, where it holds the PTE lock: the
 * pagemap probe's attachments (probes.c's ss_probe_slot hooks).
 */
int ss_pmw_sites_register(void *func);
void ss_pmw_sites_unregister(void);
unsigned long ss_pmw_sites_missed(void);

/* The on-demand comparison's own read (pagemap.c): judged here, once. */
void ss_pmw_set_runner(struct task_struct *task);
bool ss_pmw_live(void);

/* health's pagemap_watch_* lines; reset zeroes them. */
void ss_pmw_reset(void);
void ss_pmw_show(struct seq_file *m);

/*
 * A page's truth as pagemap.c's comparison and the watch both tell it:
 * a shmem VMA, a swap entry in its mapping's xarray, and what a page of
 * entry kind @kind is (SS_PMT_*).
 */
bool ss_vma_is_shmem(struct vm_area_struct *vma);
bool ss_shmem_swapped(struct vm_area_struct *vma, unsigned long addr);
u8 ss_pm_truth_of_kind(u8 kind);

#endif /* SWAPSCOPE_PMWATCH_H */
