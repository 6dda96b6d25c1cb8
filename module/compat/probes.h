/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope compat: which function each probe sits on, and how many swap
 * slots one call covers.
 *
 * 6.10 made swap_free() an inline over swap_free_nr(entry, nr) and
 * free_swap_and_cache() into free_swap_and_cache_nr(entry, nr), freeing a
 * large folio's or a zapped batch's nr slots at once; 6.12 gave
 * swap_shmem_alloc() its nr too (a shmem large folio swapped out whole).
 * SS_PROBES names 6.1's functions, SS_PROBES_NR the batched ones.
 */
#ifndef SWAPSCOPE_COMPAT_PROBES_H
#define SWAPSCOPE_COMPAT_PROBES_H

#include <linux/version.h>
#include <linux/ptrace.h>
#include "uapi/swapscope.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define SS_BATCHED_SWAP_FREE	1
#else
#define SS_BATCHED_SWAP_FREE	0
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define SS_BATCHED_SHMEM_ALLOC	1
#else
#define SS_BATCHED_SHMEM_ALLOC	0
#endif

/* Does this kernel's function for probe @id take nr as its second argument? */
static inline bool ss_probe_batched(enum ss_probe id)
{
	switch (id) {
	case SS_PROBE_SWAP_FREE:
	case SS_PROBE_FREE_SWAP:
		return SS_BATCHED_SWAP_FREE;
	case SS_PROBE_SHMEM_SWAP:
		return SS_BATCHED_SHMEM_ALLOC;
	default:
		return false;
	}
}

/* The function probe @id sits on in this kernel (@sym: 6.1's). */
static inline const char *ss_probe_symbol(enum ss_probe id, const char *sym)
{
#define SS_X_NR_SYM(pid, nsym, rtype, params) \
	[SS_PROBE_##pid] = nsym,
	static const char * const batched[SS_NR_PROBES] = {
		SS_PROBES_NR(SS_X_NR_SYM)
	};
#undef SS_X_NR_SYM

	return ss_probe_batched(id) && batched[id] ? batched[id] : sym;
}

/*
 * Probe context, at the function's entry: the slots the call covers, 1
 * where the kernel does not batch; 0 for a nonsensical nr.
 */
static inline unsigned int ss_probe_nr(enum ss_probe id, struct pt_regs *regs)
{
	long nr;

	if (!ss_probe_batched(id))
		return 1;
	nr = (int)regs_get_kernel_argument(regs, 1);
	return nr > 0 ? nr : 0;
}

#endif /* SWAPSCOPE_COMPAT_PROBES_H */
