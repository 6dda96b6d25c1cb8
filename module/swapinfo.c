// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: read-only access to swap state the kernel does not export:
 * a slot's swap_map count, whether a folio is in (or entering) the swap
 * cache, and the swap device's flags.
 *
 * swap_info[] is not exported; its address comes from kallsyms (ksym.c).
 * Without it the rules that need swap counts stay not-observed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/percpu-refcount.h>
#include "swapscope.h"

static struct swap_info_struct **ss_swap_info;

/* Process context, at load, between ss_ksym_open() and ss_ksym_close(). */
void ss_swapinfo_init(void)
{
	ss_swap_info = (void *)ss_ksym_lookup("swap_info");
	if (!ss_swap_info)
		pr_warn("swap_info not in kallsyms: swap counts unavailable\n");
}

/* Is swap_info[] known (found in kallsyms at load)? */
bool ss_swap_info_known(void)
{
	return ss_swap_info;
}

/*
 * Any context: swap device @type pinned, as get_swap_device pins it (a
 * reference on si->users, which keeps swap_map from being freed by a
 * concurrent swapoff), or NULL when there is none or it is going away.
 * The caller drops the reference with percpu_ref_put(&si->users).
 */
struct swap_info_struct *ss_swap_info_get(unsigned int type)
{
	struct swap_info_struct *si;

	if (!ss_swap_info || type >= MAX_SWAPFILES)
		return NULL;
	si = READ_ONCE(ss_swap_info[type]);
	if (!si || !percpu_ref_tryget_live(&si->users))
		return NULL;
	/* As get_swap_device: users before the other fields. */
	smp_rmb();
	return si;
}

/* Probe context: @entry's device, pinned, if @entry is a slot of it. */
static struct swap_info_struct *ss_swap_get(swp_entry_t entry)
{
	struct swap_info_struct *si = ss_swap_info_get(swp_type(entry));

	if (!si)
		return NULL;
	if (swp_offset(entry) >= si->max) {
		percpu_ref_put(&si->users);
		return NULL;
	}
	return si;
}

/*
 * Fill @slot from swap_map: the count without SWAP_HAS_CACHE;
 * SS_SWAP_MAP_SHMEM for a shmem-owned slot; SS_SWAP_COUNT_CONTINUED for counts continued
 * beyond SWAP_MAP_MAX.  Also tells whether the folio is in the swap
 * cache and the device's flags, for the swap-in rules.
 */
void ss_swap_slot(swp_entry_t entry, struct ss_slot *slot)
{
	struct swap_info_struct *si = ss_swap_get(entry);
	pgoff_t offset = swp_offset(entry);
	unsigned char map;

	memset(slot, 0, sizeof(*slot));
	if (!si)
		return;
	map = READ_ONCE(si->swap_map[offset]);
	/*
	 * SWAP_HAS_CACHE: a folio is in the swap cache or being added to it.
	 * It is set before the folio is found there and cleared after it is
	 * gone, so "not cached" never hides a folio do_swap_page could find
	 * (a swap-in judged on a clear bit really had no folio); asking the
	 * swap cache itself would cost an xarray walk per swap-in.
	 */
	slot->in_cache = map & SWAP_HAS_CACHE;
	map &= ~SWAP_HAS_CACHE;
	if (map == SWAP_MAP_SHMEM)
		slot->count = SS_SWAP_MAP_SHMEM;
	else if (map & COUNT_CONTINUED)
		slot->count = SS_SWAP_COUNT_CONTINUED;
	else
		slot->count = map;
	slot->count_known = true;
	slot->flags = READ_ONCE(si->flags);
	percpu_ref_put(&si->users);
}

/*
 * Probe context: the raw swap_map byte of @entry's slot (SWAP_HAS_CACHE
 * and COUNT_CONTINUED included), read once; false when there is no such
 * slot or swap_info is unknown.
 */
bool ss_swap_map_read(swp_entry_t entry, u8 *map)
{
	struct swap_info_struct *si = ss_swap_get(entry);

	/* rules.c decodes the byte with its own copy of the encoding. */
	BUILD_BUG_ON(SWAP_HAS_CACHE != SS_SWAP_HAS_CACHE);
	BUILD_BUG_ON(COUNT_CONTINUED != SS_COUNT_CONTINUED);
	BUILD_BUG_ON(SWAP_MAP_MAX != SS_SWAP_MAP_MAX);
	if (!si)
		return false;
	*map = READ_ONCE(si->swap_map[swp_offset(entry)]);
	percpu_ref_put(&si->users);
	return true;
}
