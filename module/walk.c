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
#include "spans.h"
#include "compat/page.h"
#include "compat/swapent.h"
#include "ptwalk.h"

unsigned int ss_walk_budget = 1U << 18;

/* A run this close to the last span extends it: fewer, wider spans. */
#define SS_SPAN_GAP	(32 * PAGE_SIZE)

/*
 * The page behind a migration or device entry.  Not pfn_swap_entry_to_page:
 * it BUG()s on a migration entry whose page is unlocked, which a lockless
 * reader can see when migration finishes under it.
 */
static struct page *ss_entry_page(swp_entry_t entry)
{
	unsigned long pfn = swp_offset_pfn(entry);

	return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

static struct page *ss_present_page(pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);

	if (pte_special(pte) || !pfn_valid(pfn))
		return NULL;
	return pfn_to_page(pfn);
}

static void ss_classify_present(pte_t pte, struct ss_tally *t)
{
	struct page *page = ss_present_page(pte);

	t->c[SS_CNT_PRESENT]++;
	if (pte_write(pte))
		t->c[SS_CNT_PRESENT_WRITABLE]++;
	if (page)
		t->rss[ss_page_mm_counter(page)]++;
	if (!page || !PageAnon(page))
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

/*
 * A genuine swap entry?  On x86-64 the type is the PTE's top bits and the
 * bits pte_to_swp_entry() clears first (soft-dirty, uffd-wp, exclusive)
 * are low ones, so the type is read without decoding the offset; a walk
 * through a dense swapped range (fork, three reads per entry) spends most
 * of its time here.  Elsewhere the generic decode.
 */
static bool ss_pte_is_swap(pte_t pte)
{
	if (pte_present(pte))
		return false;
#ifdef CONFIG_X86_64
	return __swp_type(__pte_to_swp_entry(pte)) < MAX_SWAPFILES;
#else
	return !non_swap_entry(pte_to_swp_entry(pte));
#endif
}

/* The entry kind of a PTE: SS_CNT_NONE, SS_CNT_PRESENT or a swap kind. */
static enum ss_counter ss_kind(pte_t pte)
{
	if (pte_none(pte))
		return SS_CNT_NONE;
	if (pte_present(pte))
		return SS_CNT_PRESENT;
	if (ss_pte_is_swap(pte))
		return SS_CNT_SWAP;
	return ss_classify_nonswap(pte_to_swp_entry(pte));
}

static bool ss_migration_file(swp_entry_t entry)
{
	struct page *page = ss_entry_page(entry);

	return page && !PageAnon(page);
}

/* Migration and device entries count for their page's type (zap_pte_range). */
static void ss_account_entry_page(struct ss_tally *t, swp_entry_t entry)
{
	struct page *page = ss_entry_page(entry);

	if (page)
		t->rss[ss_page_mm_counter(page)]++;
}

static void ss_first(struct ss_tally *t, enum ss_first which,
		     unsigned long addr, pte_t pte)
{
	if (!t->first[which].addr) {
		t->first[which].addr = addr;
		t->first[which].pte = pte_val(pte);
	}
}

/* Add one PTE at @addr to @t: its kind, tallies and first sightings. */
void ss_classify_pte(pte_t pte, unsigned long addr, struct ss_tally *t)
{
	enum ss_counter kind = ss_kind(pte);

	switch (kind) {
	case SS_CNT_NONE:
		t->c[SS_CNT_NONE]++;
		return;
	case SS_CNT_PRESENT:
		ss_classify_present(pte, t);
		return;
	case SS_CNT_SWAP:
		t->rss[SS_RSS_SWAPENTS]++;
		if (pte_swp_exclusive(pte)) {
			t->c[SS_CNT_SWAP_EXCLUSIVE]++;
			ss_first(t, SS_FIRST_SWAP_EXCL, addr, pte);
		}
		break;
	case SS_CNT_MIGRATION_WRITE:
		ss_first(t, SS_FIRST_MIGRATION_WRITE, addr, pte);
		fallthrough;
	case SS_CNT_MIGRATION_READ:
	case SS_CNT_MIGRATION_READ_EXCL:
	case SS_CNT_DEVICE_PRIVATE:
	case SS_CNT_DEVICE_EXCLUSIVE:
		ss_account_entry_page(t, pte_to_swp_entry(pte));
		if (kind == SS_CNT_DEVICE_PRIVATE ||
		    kind == SS_CNT_DEVICE_EXCLUSIVE)
			break;
		if (ss_migration_file(pte_to_swp_entry(pte))) {
			t->c[SS_CNT_MIGRATION_FILE]++;
			ss_first(t, SS_FIRST_MIGRATION_FILE, addr, pte);
		}
		break;
	case SS_CNT_UFFD_WP_MARKER:
		ss_first(t, SS_FIRST_MARKER, addr, pte);
		t->c[kind]++;
		return;
	default:
		break;
	}
	t->c[kind]++;
	ss_first(t, SS_FIRST_NONPRESENT, addr, pte);
}

/*
 * Decode one PTE for the rules; for a genuine swap entry also read its
 * slot (count, swap cache, device flags) into @slot when given.
 */
void ss_view_pte(pte_t pte, struct ss_pte_view *v, struct ss_slot *slot)
{
	struct page *page;

	memset(v, 0, sizeof(*v));
	if (slot)
		memset(slot, 0, sizeof(*slot));
	v->kind = ss_kind(pte);
	switch (v->kind) {
	case SS_CNT_PRESENT:
		v->writable = pte_write(pte);
		v->young = pte_young(pte);
		page = ss_present_page(pte);
		if (!page)
			break;
		v->anon = PageAnon(page);
		v->anon_excl = v->anon && PageAnonExclusive(page);
		v->shmem = !v->anon && folio_test_swapbacked(page_folio(page));
		v->writeback = PageWriteback(page);
		break;
	case SS_CNT_SWAP:
		v->swap_excl = pte_swp_exclusive(pte);
		if (slot) {
			ss_swap_slot(pte_to_swp_entry(pte), slot);
			v->count_known = slot->count_known;
			v->swap_count = slot->count;
		}
		break;
	case SS_CNT_MIGRATION_READ:
	case SS_CNT_MIGRATION_READ_EXCL:
	case SS_CNT_MIGRATION_WRITE:
		page = ss_entry_page(pte_to_swp_entry(pte));
		v->anon = page && PageAnon(page);
		v->migration_file = page && !v->anon;
		break;
	default:
		break;
	}
}

/*
 * One walk: where the tally goes, how many entries it may still read,
 * the spans it records (an entry walk) or the only spans whose PTEs it
 * reads (a walk at return, see ss_rewalk_vma).
 */
struct ss_walk {
	struct ss_ptw ptw;
	struct ss_tally *t;
	struct ss_spans *record;
	const struct ss_spans *only;
	unsigned int next_span;		/* first span of only not yet passed */
	unsigned long budget;
	bool cut;
};

/* Take one unit of budget; false (and the walk marked cut) when none is left. */
static bool ss_walk_take(struct ss_ptw *ptw)
{
	struct ss_walk *w = container_of(ptw, struct ss_walk, ptw);

	if (!w->budget) {
		w->cut = true;
		return false;
	}
	w->budget--;
	return true;
}


/*
 * Eight slots at once: on x86 pte_none() is a mask test, so the slots are
 * all none when their OR is.  Elsewhere pte_none() need not be (s390 tests
 * an invalid bit), and each slot is tested alone.
 */
#ifdef CONFIG_X86
#define SS_NONE_GROUP	8
static bool ss_none_group(pte_t *p)
{
	return pte_none(__pte(pte_val(ptep_get(p)) | pte_val(ptep_get(p + 1)) |
			      pte_val(ptep_get(p + 2)) | pte_val(ptep_get(p + 3)) |
			      pte_val(ptep_get(p + 4)) | pte_val(ptep_get(p + 5)) |
			      pte_val(ptep_get(p + 6)) | pte_val(ptep_get(p + 7))));
}
#else
#define SS_NONE_GROUP	1
static bool ss_none_group(pte_t *p)
{
	return false;
}
#endif

/* Swap entries met by one table scan, added to the tally at its end. */
struct ss_swap_run {
	unsigned long swap, excl;
	unsigned long run_start, run_end;	/* current run of non-none */
};

/*
 * The common non-present entry, a genuine swap entry, without the full
 * classification: counted in registers, first sightings noted once.
 */
static bool ss_scan_swap(struct ss_walk *w, struct ss_swap_run *r, pte_t pte,
			 unsigned long addr)
{
	if (!ss_pte_is_swap(pte))
		return false;
	r->swap++;
	if (pte_swp_exclusive(pte)) {
		if (!r->excl++)
			ss_first(w->t, SS_FIRST_SWAP_EXCL, addr, pte);
	}
	if (r->swap == 1)
		ss_first(w->t, SS_FIRST_NONPRESENT, addr, pte);
	return true;
}

/*
 * Read the PTEs of [addr, end), all in one table, within the budget:
 * classify the ones that are not none and return how many there were.
 * Most slots of a sparse table are none: they cost one load and a test,
 * as in zap_pte_range's own loop, and are counted by the caller; swap
 * entries take a short path; spans are noted once per run of entries.
 */
static unsigned long ss_scan_ptes(struct ss_walk *w, pte_t *ptes,
				  unsigned long addr, unsigned long end,
				  unsigned long *read)
{
	unsigned long n = (end - addr) >> PAGE_SHIFT, i, found = 0, at;
	struct ss_swap_run r = { };
	bool in_none = true;
	pte_t pte;

	if (n > w->budget) {
		n = w->budget;
		w->cut = true;
	}
	w->budget -= n;
	*read = n;
	for (i = 0; i < n; i++) {
		/*
		 * Groups only where slots were none, so a full table pays
		 * nothing; a tight loop over them, so a sparse one pays
		 * little more than the loads.
		 */
		if (in_none && !(i % SS_NONE_GROUP)) {
			while (i + SS_NONE_GROUP <= n && ss_none_group(ptes + i))
				i += SS_NONE_GROUP;
			if (i >= n)
				break;
		}
		pte = ptep_get(ptes + i);
		in_none = pte_none(pte);
		if (in_none)
			continue;
		found++;
		at = addr + i * PAGE_SIZE;
		if (w->record && at != r.run_end) {
			if (r.run_end)
				ss_span_note(w->record, r.run_start, r.run_end,
					     SS_SPAN_GAP);
			r.run_start = at;
		}
		r.run_end = at + PAGE_SIZE;
		if (!ss_scan_swap(w, &r, pte, at))
			ss_classify_pte(pte, at, w->t);
	}
	if (w->record && r.run_end)
		ss_span_note(w->record, r.run_start, r.run_end, SS_SPAN_GAP);
	w->t->c[SS_CNT_SWAP] += r.swap;
	w->t->c[SS_CNT_SWAP_EXCLUSIVE] += r.excl;
	w->t->rss[SS_RSS_SWAPENTS] += r.swap;
	return found;
}

/*
 * One PTE table's part [addr, end) of the range.  A walk limited to spans
 * counts every slot of the table as none and reads only the spans' slots,
 * so its tally is the full walk's whenever the slots outside the spans are
 * still none.
 */
static bool ss_walk_ptes(struct ss_ptw *ptw, pte_t *ptes, unsigned long addr,
			 unsigned long end)
{
	struct ss_walk *w = container_of(ptw, struct ss_walk, ptw);
	const struct ss_spans *s = w->only;
	unsigned long read, found = 0, lo;
	unsigned int i;

	if (!s) {
		found = ss_scan_ptes(w, ptes, addr, end, &read);
		w->t->c[SS_CNT_NONE] += read - found;
		return !w->cut;
	}
	w->t->c[SS_CNT_NONE] += (end - addr) >> PAGE_SHIFT;
	while (w->next_span < s->n && s->end[w->next_span] <= addr)
		w->next_span++;
	for (i = w->next_span; i < s->n && s->start[i] < end; i++) {
		lo = max(addr, s->start[i]);
		found += ss_scan_ptes(w, ptes + ((lo - addr) >> PAGE_SHIFT), lo,
				      min(end, s->end[i]), &read);
		/* Cut: what was not examined is not known to be none. */
		if (w->cut) {
			w->t->c[SS_CNT_NONE] -= (end - lo) >> PAGE_SHIFT;
			w->t->c[SS_CNT_NONE] += read;
			break;
		}
	}
	w->t->c[SS_CNT_NONE] -= found;
	return !w->cut;
}

/*
 * What zapping [@addr, @end) of a PMD-mapped THP (or a PMD migration
 * entry for one) takes from the RSS counters, as zap_huge_pmd() does:
 * HPAGE_PMD_NR of its page's counter, none for the huge zero page (not
 * anon, no mapping).  A range covering part of the PMD has it split first
 * and zapped PTE by PTE: the pages in the range.  DAX and other special
 * huge mappings are not counted (zap_huge_pmd() does not count them).
 */
static void ss_account_huge_pmd(struct ss_tally *t, pmd_t pmd,
				unsigned long addr, unsigned long end)
{
	struct page *page = NULL;

	if (pmd_present(pmd) && pmd_trans_huge(pmd) && !pmd_devmap(pmd)) {
		if (pfn_valid(pmd_pfn(pmd)))
			page = pmd_page(pmd);
	} else if (is_pmd_migration_entry(pmd)) {
		page = ss_entry_page(pmd_to_swp_entry(pmd));
	}
	if (!page || (!PageAnon(page) && !page->mapping))
		return;
	t->rss[ss_page_mm_counter(page)] += (end - addr) >> PAGE_SHIFT;
}

/* Something above the PTE level (a huge or non-present PMD or PUD). */
static bool ss_walk_huge(struct ss_ptw *ptw, pmd_t pmdval, unsigned long addr,
			 unsigned long end)
{
	struct ss_walk *w = container_of(ptw, struct ss_walk, ptw);

	w->t->c[SS_CNT_HUGE]++;
	if (w->record)
		ss_span_note(w->record, addr, end, SS_SPAN_GAP);
	ss_account_huge_pmd(w->t, pmdval, addr, end);
	return true;
}

/*
 * A PTE table gone between the PMD's read and the map (6.12: khugepaged
 * retracted it).  What it held is not known: the walk is not exact, and
 * its judgements are counted as not judged, as for a cut walk.
 */
static bool ss_walk_vanished(struct ss_ptw *ptw, unsigned long addr,
			     unsigned long end)
{
	struct ss_walk *w = container_of(ptw, struct ss_walk, ptw);

	w->cut = true;
	return false;
}

static const struct ss_ptw_ops ss_walk_ops = {
	.ptes = ss_walk_ptes,
	.huge = ss_walk_huge,
	.vanished = ss_walk_vanished,
	.take = ss_walk_take,
};

/*
 * Classify every PTE of the populated page tables in [addr, end) of @mm
 * (only the spans' PTEs when w->only is set), reading at most
 * ss_walk_budget entries of any level, so the cost is bounded and grows
 * with the populated tables, not the virtual size.  A walk cut short
 * counts as truncated: that call's figures are then a lower bound, and a
 * reader is told so.
 */
static void ss_walk(struct ss_walk *w, struct mm_struct *mm,
		    unsigned long addr, unsigned long end)
{
	w->budget = READ_ONCE(ss_walk_budget);
	w->ptw.ops = &ss_walk_ops;
	w->ptw.mm = mm;
	ss_ptw_walk(&w->ptw, addr, end);
	if (w->cut)
		w->t->c[SS_CNT_TRUNCATED]++;
	else if (w->record)
		w->record->complete = true;
}

/* Walk [addr, end) clipped to @vma; hugetlb VMAs have no PTE-level entries. */
static void ss_walk_clipped(struct ss_walk *w, struct vm_area_struct *vma,
			    unsigned long addr, unsigned long end)
{
	addr = max(addr, vma->vm_start);
	end = min(end, vma->vm_end);
	if (addr >= end)
		return;
	if (is_vm_hugetlb_page(vma)) {
		w->t->c[SS_CNT_HUGE]++;
		return;
	}
	ss_walk(w, vma->vm_mm, addr, end);
}

/*
 * Walk part of a VMA.  With @record, also note the spans that held
 * anything (spans.c); they stay incomplete when the walk is cut, the VMA
 * is hugetlb or the range empty, and the return then reads everything.
 */
void ss_walk_vma(struct vm_area_struct *vma, unsigned long addr,
		 unsigned long end, struct ss_tally *t, struct ss_spans *record)
{
	struct ss_walk w = { .t = t, .record = record };

	if (record) {
		record->n = 0;
		record->complete = false;
	}
	ss_walk_clipped(&w, vma, addr, end);
}

/*
 * The same walk at the probed function's return, reading PTEs only where
 * the entry walk's @spans held something: the tally equals a full walk's
 * as long as the rest of the range stayed none.  The callers make sure it
 * did: a zap only clears, and puts markers where it cleared, and fork
 * holds both mmap_locks (the child gets only what the parent had); their
 * watches tell when anyone else could have written (see ss_zap_ret and
 * ss_fork_ret), and then they mark the spans incomplete.  Incomplete
 * spans make this read the whole range.
 */
void ss_rewalk_vma(struct vm_area_struct *vma, unsigned long addr,
		   unsigned long end, const struct ss_spans *spans,
		   struct ss_tally *t)
{
	struct ss_walk w = { .t = t, .only = spans->complete ? spans : NULL };

	ss_walk_clipped(&w, vma, addr, end);
}

/* One PTE, through the shared walk: found only if a table held it. */
struct ss_one_pte {
	struct ss_ptw ptw;
	pte_t pte;
	bool found;
};

static bool ss_one_pte_read(struct ss_ptw *ptw, pte_t *ptes,
			    unsigned long addr, unsigned long end)
{
	struct ss_one_pte *one = container_of(ptw, struct ss_one_pte, ptw);

	one->pte = ptep_get(ptes);
	one->found = true;
	return false;
}

static const struct ss_ptw_ops ss_one_pte_ops = { .ptes = ss_one_pte_read };

/*
 * Read the PTE at @addr of @vma; false when no page table maps it (a
 * huge mapping or an empty upper level, or the table went under the read),
 * else *@pte is the entry, which may be pte_none.  Same locking contract
 * as the walks above.
 */
bool ss_read_pte(struct vm_area_struct *vma, unsigned long addr, pte_t *pte)
{
	struct ss_one_pte one = { .ptw = { .ops = &ss_one_pte_ops,
					   .mm = vma->vm_mm } };

	if (is_vm_hugetlb_page(vma) || addr < vma->vm_start || addr >= vma->vm_end)
		return false;
	ss_ptw_walk(&one.ptw, addr, addr + PAGE_SIZE);
	*pte = one.pte;
	return one.found;
}

/*
 * ss_read_pte from a PMD entry the caller already has (a fault's
 * vmf->pmd): 1 and the PTE at @addr, 0 when @pmd maps no page table,
 * -EAGAIN when the table went under the read.
 */
int ss_read_pte_pmd(pmd_t *pmd, unsigned long addr, pte_t *pte)
{
	return ss_ptw_read_pte_pmd(pmd, addr, pte);
}
