/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope compat: making a struct folio that nothing but probe handlers
 * ever sees read as a large folio of a given order (ssinject's
 * big_folio_next).  The head flag is the head page's on both kernels; the
 * order is not kept in the same place: 6.1 has it in the first tail
 * page's compound_order and compound_nr (set_compound_order()); since 6.6
 * it is the low byte of _flags_1 and _folio_nr_pages, set by
 * folio_set_order() in mm/internal.h, out of a module's reach.
 * folio_nr_pages() and folio_order() read it back on both.
 */
#ifndef SWAPSCOPE_COMPAT_FOLIO_H
#define SWAPSCOPE_COMPAT_FOLIO_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/page-flags.h>

static inline void ss_folio_make_large(struct folio *folio,
				       unsigned int order)
{
	__SetPageHead(&folio->page);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	folio->_flags_1 = (folio->_flags_1 & ~0xffUL) | order;
#ifdef CONFIG_64BIT
	folio->_folio_nr_pages = 1U << order;
#endif
#else
	set_compound_order(&folio->page, order);
#endif
}

#endif /* SWAPSCOPE_COMPAT_FOLIO_H */
