// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the top-down user page-table walk (see ptwalk.h).
 *
 * Entries of the upper levels are read once with READ_ONCE and judged by
 * that value; the PTE table is mapped through compat/pte.h, which is the
 * only place that knows whether a table can vanish under a reader.  No
 * allocation, no sleeping: with ->lock clear it runs in probe context,
 * with ->lock set it takes one PTE table lock at a time.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include "ptwalk.h"
#include "compat/pte.h"

enum ss_ptw_table { SS_PTW_GONE, SS_PTW_MORE, SS_PTW_STOP };

static bool ss_ptw_take(struct ss_ptw *ptw)
{
	return !ptw->ops->take || ptw->ops->take(ptw);
}

/* A PMD value that maps [addr, end) above the PTE level. */
static bool ss_pmd_is_huge(pmd_t val)
{
	return !pmd_present(val) || pmd_leaf(val) || pmd_devmap(val);
}

static enum ss_ptw_table ss_ptw_table(struct ss_ptw *ptw, pmd_t *pmd,
				      unsigned long addr, unsigned long end)
{
	spinlock_t *ptl;
	pte_t *ptes;
	bool more;

	if (ptw->lock)
		ptes = ss_pte_map_lock(ptw->mm, pmd, addr, &ptl);
	else
		ptes = ss_pte_map(pmd, addr);
	if (!ptes)
		return SS_PTW_GONE;
	more = ptw->ops->ptes(ptw, ptes, addr, end);
	if (ptw->lock)
		pte_unmap_unlock(ptes, ptl);
	else
		pte_unmap(ptes);
	return more ? SS_PTW_MORE : SS_PTW_STOP;
}

/* One PMD entry's part of the range, judged by the value read now. */
static bool ss_ptw_pmd(struct ss_ptw *ptw, pmd_t *pmd, unsigned long addr,
		       unsigned long end, bool reread)
{
	pmd_t val = READ_ONCE(*pmd);

	if (pmd_none(val))
		return true;
	if (ss_pmd_is_huge(val))
		return !ptw->ops->huge || ptw->ops->huge(ptw, val, addr, end);
	if (unlikely(pmd_bad(val)))
		return true;
	switch (ss_ptw_table(ptw, pmd, addr, end)) {
	case SS_PTW_MORE:
		return true;
	case SS_PTW_STOP:
		return false;
	case SS_PTW_GONE:
		break;
	}
	if (ptw->ops->vanished)
		return ptw->ops->vanished(ptw, addr, end);
	if (reread)
		return ss_ptw_pmd(ptw, pmd, addr, end, false);
	ptw->vanished++;
	return true;
}

static bool ss_ptw_pmds(struct ss_ptw *ptw, pud_t *pud, unsigned long addr,
			unsigned long end)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;

	do {
		next = pmd_addr_end(addr, end);
		if (!ss_ptw_take(ptw) || !ss_ptw_pmd(ptw, pmd, addr, next, true))
			return false;
	} while (pmd++, addr = next, addr != end);
	return true;
}

static bool ss_ptw_puds(struct ss_ptw *ptw, p4d_t *p4d, unsigned long addr,
			unsigned long end)
{
	pud_t *pud = pud_offset(p4d, addr);
	unsigned long next;
	pud_t val;

	do {
		next = pud_addr_end(addr, end);
		if (!ss_ptw_take(ptw))
			return false;
		val = READ_ONCE(*pud);
		if (pud_none(val))
			continue;
		if (pud_leaf(val) || pud_devmap(val)) {
			if (ptw->ops->huge &&
			    !ptw->ops->huge(ptw, __pmd(0), addr, next))
				return false;
			continue;
		}
		if (unlikely(pud_bad(val)))
			continue;
		if (!ss_ptw_pmds(ptw, pud, addr, next))
			return false;
	} while (pud++, addr = next, addr != end);
	return true;
}

static bool ss_ptw_p4ds(struct ss_ptw *ptw, pgd_t *pgd, unsigned long addr,
			unsigned long end)
{
	p4d_t *p4d = p4d_offset(pgd, addr);
	unsigned long next;
	p4d_t val;

	do {
		next = p4d_addr_end(addr, end);
		val = READ_ONCE(*p4d);
		if (p4d_none(val) || unlikely(p4d_bad(val)))
			continue;
		if (!ss_ptw_puds(ptw, p4d, addr, next))
			return false;
	} while (p4d++, addr = next, addr != end);
	return true;
}

bool ss_ptw_walk(struct ss_ptw *ptw, unsigned long addr, unsigned long end)
{
	pgd_t *pgd = pgd_offset(ptw->mm, addr);
	unsigned long next;
	pgd_t val;

	do {
		next = pgd_addr_end(addr, end);
		val = READ_ONCE(*pgd);
		if (pgd_none(val) || unlikely(pgd_bad(val)))
			continue;
		if (!ss_ptw_p4ds(ptw, pgd, addr, next))
			return false;
	} while (pgd++, addr = next, addr != end);
	return true;
}

int ss_ptw_read_pte_pmd(pmd_t *pmd, unsigned long addr, pte_t *pte)
{
	pmd_t val = READ_ONCE(*pmd);
	pte_t *ptep;

	if (pmd_none(val) || ss_pmd_is_huge(val) || pmd_bad(val))
		return 0;
	ptep = ss_pte_map(pmd, addr);
	if (!ptep)
		return -EAGAIN;
	*pte = ptep_get(ptep);
	pte_unmap(ptep);
	return 1;
}
