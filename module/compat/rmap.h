/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope compat: the call by which do_swap_page() gives the pages it
 * maps their anon rmap (and PageAnonExclusive), read at its entry.
 *
 * 6.1: page_add_anon_rmap(page, vma, address, flags), one page, whether
 * it is still anon in the swap cache, newly read into it, or read past it.
 * 6.8 made it folio_add_anon_rmap_ptes(folio, page, nr_pages, vma,
 * address, flags) for a folio still anon (not freed since reclaim): nr
 * pages from page on, mapped from address on.  A folio not yet anon (newly
 * read, into the swap cache or past it) goes to folio_add_new_anon_rmap(
 * folio, vma, address, flags) instead, all its pages; that function maps
 * every new anon page of every fault, so only its calls from
 * do_swap_page() are ones 6.1's page_add_anon_rmap() saw.  6.1 has no
 * second function for a swap-in: NULL.
 */
#ifndef SWAPSCOPE_COMPAT_RMAP_H
#define SWAPSCOPE_COMPAT_RMAP_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/ptrace.h>

/* A call's pages: nr of them from page on, mapped from addr on. */
struct ss_rmap_pages {
	struct page *page;
	unsigned long addr;
	long nr;
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)

#define SS_ANON_RMAP_SYMBOL	"folio_add_anon_rmap_ptes"
#define SS_NEW_ANON_RMAP_SYMBOL	"folio_add_new_anon_rmap"

static inline void ss_anon_rmap_read(struct pt_regs *regs,
				     struct ss_rmap_pages *a)
{
	a->page = (struct page *)regs_get_kernel_argument(regs, 1);
	a->nr = (int)regs_get_kernel_argument(regs, 2);
	a->addr = regs_get_kernel_argument(regs, 4);
}

#else /* 6.1 */

#define SS_ANON_RMAP_SYMBOL	"page_add_anon_rmap"
#define SS_NEW_ANON_RMAP_SYMBOL	NULL

static inline void ss_anon_rmap_read(struct pt_regs *regs,
				     struct ss_rmap_pages *a)
{
	a->page = (struct page *)regs_get_kernel_argument(regs, 0);
	a->nr = 1;
	a->addr = regs_get_kernel_argument(regs, 2);
}

#endif

/* folio_add_new_anon_rmap(folio, vma, address, flags), where it exists. */
static inline void ss_new_anon_rmap_read(struct pt_regs *regs,
					 struct ss_rmap_pages *a)
{
	struct folio *folio = (struct folio *)regs_get_kernel_argument(regs, 0);

	a->page = &folio->page;
	a->nr = folio_nr_pages(folio);
	a->addr = regs_get_kernel_argument(regs, 2);
}

#endif /* SWAPSCOPE_COMPAT_RMAP_H */
