// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: classify PTEs and walk a bounded range of user page tables.
 *
 * Runs in probe context: no locks, no allocation, no sleeping.  Callers
 * guarantee that the page tables of the range cannot be freed under the
 * walk (mmap_lock, i_mmap_rwsem or the anon_vma lock is held by the probed
 * function, or the mm is not yet visible, as for a child during fork).
 * Entries are read once with READ_ONCE; a value that changes under the walk
 * is classified as it was read, which is what the probed code saw or will
 * see unless it races itself.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/hugetlb.h>
#include "swapscope.h"
#include "compat.h"

unsigned int ss_walk_budget = 1U << 18;

static void ss_classify_present(pte_t pte, struct ss_tally *t)
{
	unsigned long pfn = pte_pfn(pte);
	struct page *page;

	t->c[SS_CNT_PRESENT]++;
	if (pte_write(pte))
		t->c[SS_CNT_PRESENT_WRITABLE]++;
	if (pte_special(pte) || !pfn_valid(pfn))
		return;
	page = pfn_to_page(pfn);
	if (!PageAnon(page))
		return;
	t->c[SS_CNT_PRESENT_ANON]++;
	/* KSM pages are anon but never exclusive; PageAnonExclusive says so. */
	if (PageAnonExclusive(page))
		t->c[SS_CNT_PRESENT_ANON_EXCL]++;
}

static enum ss_counter ss_classify_nonswap(swp_entry_t entry)
{
	if (is_migration_entry(entry)) {
		if (is_writable_migration_entry(entry))
			return SS_CNT_MIGRATION_WRITE;
		if (is_readable_exclusive_migration_entry(entry))
			return SS_CNT_MIGRATION_READ_EXCL;
		return SS_CNT_MIGRATION_READ;
	}
	if (is_device_private_entry(entry))
		return SS_CNT_DEVICE_PRIVATE;
	if (is_device_exclusive_entry(entry))
		return SS_CNT_DEVICE_EXCLUSIVE;
	if (is_hwpoison_entry(entry))
		return SS_CNT_HWPOISON;
	if (ss_is_swapin_error(entry))
		return SS_CNT_SWAPIN_ERROR;
	if (pte_marker_entry_uffd_wp(entry))
		return SS_CNT_UFFD_WP_MARKER;
	return SS_CNT_UNKNOWN;
}

/* Add one PTE to @t: none, present (with tallies) or one swap-entry kind. */
void ss_classify_pte(pte_t pte, struct ss_tally *t)
{
	swp_entry_t entry;

	if (pte_none(pte)) {
		t->c[SS_CNT_NONE]++;
		return;
	}
	if (pte_present(pte)) {
		ss_classify_present(pte, t);
		return;
	}
	entry = pte_to_swp_entry(pte);
	if (!non_swap_entry(entry)) {
		t->c[SS_CNT_SWAP]++;
		if (pte_swp_exclusive(pte))
			t->c[SS_CNT_SWAP_EXCLUSIVE]++;
		return;
	}
	t->c[ss_classify_nonswap(entry)]++;
}

/* One walk: where the tally goes and how many entries it may still read. */
struct ss_walk {
	struct ss_tally *t;
	unsigned long budget;
	bool cut;
};

/* Take one unit of budget; false (and the walk marked cut) when none is left. */
static bool ss_walk_take(struct ss_walk *w)
{
	if (!w->budget) {
		w->cut = true;
		return false;
	}
	w->budget--;
	return true;
}

static void ss_walk_ptes(struct ss_walk *w, pmd_t *pmd, unsigned long addr,
			 unsigned long end)
{
	pte_t *start, *pte;

	start = pte_offset_map(pmd, addr);
	for (pte = start; addr != end; pte++, addr += PAGE_SIZE) {
		if (!ss_walk_take(w))
			break;
		ss_classify_pte(ptep_get(pte), w->t);
	}
	pte_unmap(start);
}

static void ss_walk_pmds(struct ss_walk *w, pud_t *pud, unsigned long addr,
			 unsigned long end)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;
	pmd_t val;

	do {
		next = pmd_addr_end(addr, end);
		if (!ss_walk_take(w))
			return;
		val = READ_ONCE(*pmd);
		if (pmd_none(val))
			continue;
		/* THP, devmap, PMD migration entries: not PTE-level state. */
		if (!pmd_present(val) || pmd_leaf(val) || pmd_devmap(val)) {
			w->t->c[SS_CNT_HUGE]++;
			continue;
		}
		if (unlikely(pmd_bad(val)))
			continue;
		ss_walk_ptes(w, pmd, addr, next);
	} while (pmd++, addr = next, addr != end && !w->cut);
}

static void ss_walk_puds(struct ss_walk *w, p4d_t *p4d, unsigned long addr,
			 unsigned long end)
{
	pud_t *pud = pud_offset(p4d, addr);
	unsigned long next;
	pud_t val;

	do {
		next = pud_addr_end(addr, end);
		if (!ss_walk_take(w))
			return;
		val = READ_ONCE(*pud);
		if (pud_none(val))
			continue;
		if (pud_leaf(val) || pud_devmap(val)) {
			w->t->c[SS_CNT_HUGE]++;
			continue;
		}
		if (unlikely(pud_bad(val)))
			continue;
		ss_walk_pmds(w, pud, addr, next);
	} while (pud++, addr = next, addr != end && !w->cut);
}

static void ss_walk_p4ds(struct ss_walk *w, pgd_t *pgd, unsigned long addr,
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
		ss_walk_puds(w, p4d, addr, next);
	} while (p4d++, addr = next, addr != end && !w->cut);
}

/*
 * Classify every PTE of the populated page tables in [addr, end) of @mm,
 * reading at most ss_walk_budget entries (of any level), so the cost is
 * bounded and grows with the populated tables, not the virtual size.
 * A walk cut short counts as truncated: that call's figures are then a
 * lower bound, and a reader is told so.
 */
void ss_walk_range(struct mm_struct *mm, unsigned long addr,
		   unsigned long end, struct ss_tally *t)
{
	struct ss_walk w = { .t = t, .budget = READ_ONCE(ss_walk_budget) };
	unsigned long next;
	pgd_t *pgd;
	pgd_t val;

	if (addr >= end)
		return;
	pgd = pgd_offset(mm, addr);
	do {
		next = pgd_addr_end(addr, end);
		val = READ_ONCE(*pgd);
		if (pgd_none(val) || unlikely(pgd_bad(val)))
			continue;
		ss_walk_p4ds(&w, pgd, addr, next);
	} while (pgd++, addr = next, addr != end && !w.cut);
	if (w.cut)
		t->c[SS_CNT_TRUNCATED]++;
}

/* Walk part of a VMA; hugetlb VMAs have no PTE-level entries to classify. */
void ss_walk_vma(struct vm_area_struct *vma, unsigned long addr,
		 unsigned long end, struct ss_tally *t)
{
	addr = max(addr, vma->vm_start);
	end = min(end, vma->vm_end);
	if (addr >= end)
		return;
	if (is_vm_hugetlb_page(vma)) {
		t->c[SS_CNT_HUGE]++;
		return;
	}
	ss_walk_range(vma->vm_mm, addr, end, t);
}
