/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope: the one top-down walk of a user page-table range, shared by
 * the probes' walks (walk.c), the pagemap comparison (pagemap.c), the swap
 * slot audit (audit.c) and the one-PTE reads.
 *
 * The walker embeds struct ss_ptw in its own state and is called back for
 * each PTE table's part of the range (mapped, and locked with ->lock) and
 * for each part mapped at a huge level.  A PTE table that is gone when the
 * walk maps it (6.12: khugepaged retracted it, see compat/pte.h) is a race,
 * never "empty": ->vanished says what the walker makes of it; without one
 * the walk reads the PMD again and goes by what is there now, and a table
 * still unmappable is counted in ->vanished and skipped.
 */
#ifndef SWAPSCOPE_PTWALK_H
#define SWAPSCOPE_PTWALK_H

#include <linux/mm.h>

struct ss_ptw;

struct ss_ptw_ops {
	/* [addr, end) of one PTE table, @ptes its entry for @addr. */
	bool (*ptes)(struct ss_ptw *ptw, pte_t *ptes, unsigned long addr,
		     unsigned long end);
	/*
	 * [addr, end) mapped above the PTE level: a THP, devmap or PMD
	 * migration entry (@pmdval), or a PUD leaf (@pmdval is __pmd(0)).
	 */
	bool (*huge)(struct ss_ptw *ptw, pmd_t pmdval, unsigned long addr,
		     unsigned long end);
	/* Optional: a PTE table gone under the walk (see above). */
	bool (*vanished)(struct ss_ptw *ptw, unsigned long addr,
			 unsigned long end);
	/*
	 * Optional: one unit of budget per PUD and PMD entry read, false
	 * when none is left.  Probe context must pass one: a walk there is
	 * bounded.
	 */
	bool (*take)(struct ss_ptw *ptw);
};

struct ss_ptw {
	const struct ss_ptw_ops *ops;
	struct mm_struct *mm;
	bool lock;			/* take each PTE table's lock */
	unsigned long vanished;		/* tables skipped as gone */
};

/* Walk [addr, end) of ptw->mm; false when a callback stopped it. */
bool ss_ptw_walk(struct ss_ptw *ptw, unsigned long addr, unsigned long end);

/*
 * The PTE at @addr through a PMD the caller holds (a fault's vmf->pmd):
 * 1 and *@pte read, 0 when @pmd maps no PTE table (none or huge), -EAGAIN
 * when the table it mapped is gone.
 */
int ss_ptw_read_pte_pmd(pmd_t *pmd, unsigned long addr, pte_t *pte);

#endif /* SWAPSCOPE_PTWALK_H */
