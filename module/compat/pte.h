/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope compat: mapping a PTE table for reading.
 *
 * On 6.1 a PTE table lives as long as the mmap_lock a walker holds (read):
 * nothing frees or replaces one without the write lock, so the map never
 * fails once the PMD was seen pointing at a table.  Since 6.5 khugepaged
 * retracts file and shmem PTE tables with only the file's i_mmap lock and
 * the PMD lock, and frees them after an RCU grace period: a walker must
 * read the PMD once, map through that value under rcu_read_lock(), and
 * treat "no table" as the table having gone under it.  The kernel's
 * __pte_offset_map() and __pte_offset_map_lock() do that but are not
 * exported; the two helpers below are their equivalents, built from the
 * inline pieces they use (mm/pgtable-generic.c of 6.12), minus the
 * pmd_clear_bad() repair, which is not an observer's to make.
 *
 * Both return NULL when @pmd does not (or no longer) point at a PTE
 * table; the caller decides what that means for its judgement (ptwalk.c:
 * a race, never "empty").  Undo with pte_unmap() / pte_unmap_unlock().
 */
#ifndef SWAPSCOPE_COMPAT_PTE_H
#define SWAPSCOPE_COMPAT_PTE_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/swap.h>
#include <linux/swapops.h>

/* Does a PMD value point at a PTE table (not none, huge, migration, bad)? */
static inline bool ss_pmd_is_table(pmd_t pmdval)
{
	return !pmd_none(pmdval) && pmd_present(pmdval) &&
	       !pmd_trans_huge(pmdval) && !pmd_leaf(pmdval) &&
	       !pmd_devmap(pmdval) && !pmd_bad(pmdval);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)

static inline pte_t *ss_pte_map_val(pmd_t *pmd, unsigned long addr,
				    pmd_t *pmdvalp)
{
	rcu_read_lock();
	/*
	 * The kernel brackets this read with irqs off where a PMD is read
	 * in two halves (32-bit PAE); an x86-64 PMD is one load.
	 */
	*pmdvalp = pmdp_get_lockless(pmd);
	if (unlikely(!ss_pmd_is_table(*pmdvalp))) {
		rcu_read_unlock();
		return NULL;
	}
	return __pte_map(pmdvalp, addr);
}

static inline pte_t *ss_pte_map(pmd_t *pmd, unsigned long addr)
{
	pmd_t pmdval;

	return ss_pte_map_val(pmd, addr, &pmdval);
}

/* Bounded: a PMD that keeps changing under us is reported as gone. */
#define SS_PTE_LOCK_TRIES	4

static inline pte_t *ss_pte_map_lock(struct mm_struct *mm, pmd_t *pmd,
				     unsigned long addr, spinlock_t **ptlp)
{
	unsigned int tries;
	spinlock_t *ptl;
	pmd_t pmdval;
	pte_t *pte;

	for (tries = 0; tries < SS_PTE_LOCK_TRIES; tries++) {
		pte = ss_pte_map_val(pmd, addr, &pmdval);
		if (!pte)
			return NULL;
		ptl = pte_lockptr(mm, &pmdval);
		spin_lock(ptl);
		if (likely(pmd_same(pmdval, pmdp_get_lockless(pmd)))) {
			*ptlp = ptl;
			return pte;
		}
		pte_unmap_unlock(pte, ptl);
	}
	return NULL;
}

#else /* 6.1 */

static inline pte_t *ss_pte_map(pmd_t *pmd, unsigned long addr)
{
	if (unlikely(!ss_pmd_is_table(READ_ONCE(*pmd))))
		return NULL;
	return pte_offset_map(pmd, addr);
}

static inline pte_t *ss_pte_map_lock(struct mm_struct *mm, pmd_t *pmd,
				     unsigned long addr, spinlock_t **ptlp)
{
	if (unlikely(!ss_pmd_is_table(READ_ONCE(*pmd))))
		return NULL;
	return pte_offset_map_lock(mm, pmd, addr, ptlp);
}

#endif

#endif /* SWAPSCOPE_COMPAT_PTE_H */
