/* SPDX-License-Identifier: GPL-2.0 */
/* swapscope: kernel-version differences, kept out of the .c files. */
#ifndef SWAPSCOPE_COMPAT_H
#define SWAPSCOPE_COMPAT_H

#include <linux/version.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 19, 0)
#error "swapscope needs 5.19 or later: the swap PTE exclusive bit (seed 001) is its baseline"
#endif

/*
 * 6.1 encodes a failed swap-in as its own swap type; 6.2 turned it into a
 * PTE marker (PTE_MARKER_SWAPIN_ERROR).  Both count as swapin_error.
 */
static inline bool ss_is_swapin_error(swp_entry_t entry)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	return is_swapin_error_entry(entry);
#else
	return is_pte_marker_entry(entry) &&
	       (pte_marker_get(entry) & PTE_MARKER_SWAPIN_ERROR);
#endif
}

#endif /* SWAPSCOPE_COMPAT_H */
