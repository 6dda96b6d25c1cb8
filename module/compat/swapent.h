/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope compat: how each supported kernel encodes a failed swap-in.
 *
 * 6.1 has its own swap type for it (SWP_SWAPIN_ERROR); 6.12 marks it
 * with PTE_MARKER_POISONED (6.2 made it a marker, 6.9 renamed it and
 * shares it with poisoned pages).  Either way the page's data is gone and
 * no swap slot backs the entry: swapin_error.
 */
#ifndef SWAPSCOPE_COMPAT_SWAPENT_H
#define SWAPSCOPE_COMPAT_SWAPENT_H

#include <linux/version.h>
#include <linux/swap.h>
#include <linux/swapops.h>

static inline bool ss_is_swapin_error(swp_entry_t entry)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return is_poisoned_swp_entry(entry);
#else
	return is_swapin_error_entry(entry);
#endif
}

#endif /* SWAPSCOPE_COMPAT_SWAPENT_H */
