/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope compat: which RSS counter a mapped page is charged to.
 * mm_counter() took a page on 6.1 and takes a folio on 6.12.
 */
#ifndef SWAPSCOPE_COMPAT_PAGE_H
#define SWAPSCOPE_COMPAT_PAGE_H

#include <linux/version.h>
#include <linux/mm.h>

static inline int ss_page_mm_counter(struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return mm_counter(page_folio(page));
#else
	return mm_counter(page);
#endif
}

#endif /* SWAPSCOPE_COMPAT_PAGE_H */
