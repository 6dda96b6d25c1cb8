// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the on-demand swap-slot audit of rule C2 (seed 004): every
 * in-use swap slot's count must equal the PTEs that reference it plus its
 * shmem owner.
 *
 * Writing "run" to debugfs "audit" audits in the writer's process context;
 * nothing here ever runs in probe context.  One run:
 *
 *  1. takes a reference on every swap device that is on and writable
 *     (percpu_ref_tryget_live on si->users, as get_swap_device does), so
 *     swapoff cannot free swap_map under the audit, and copies swap_map
 *     (snapshot A);
 *  2. walks every user mm (each once, under mmap_read_lock, every VMA, each
 *     PTE table under its lock) and every shmem inode's page cache, counting
 *     the swap entries found per slot: PTEs and shmem owners apart;
 *  3. re-reads swap_map (B): a slot whose byte changed was busy during the
 *     walk and is skipped; the others are compared, their count being the
 *     byte without SWAP_HAS_CACHE, continuations added under the cluster
 *     lock, SWAP_MAP_SHMEM (seed 004) as the one reference of its owner;
 *  4. only if some slot mismatched: walks everything again, counting just
 *     those slots and noting who references them, and re-reads their bytes;
 *     a slot whose byte moved is busy, one that now matches is judged as
 *     it is now, one that still mismatches is recounted again after a
 *     short pause, up to SS_AUDIT_RECOUNTS walks; it is bad only if its
 *     byte never moved and every walk disagreed with it.
 *
 * Why recount: the system is not frozen.  Most changes of a slot's
 * referents change its swap_map byte too, under the same lock (PTE changes
 * under the PTE lock: fork, zap, swap-in, reclaim), and every change of a
 * count changes the byte (a carry or borrow into a continuation rewrites
 * the low digit too), so step 3 catches those.  Some transitions are not
 * atomic with the count: shmem swap-in replaces the xarray's swap entry by
 * the folio before swap_free(), shmem truncation erases the entry before
 * freeing the slot, a forked child's mm is not on the task list while
 * copy_page_range() already duplicated its entries, and an exiting task
 * drops ->mm before exit_mmap() zaps it.  A walk that passes there sees a
 * referent missing while the byte does not move; step 4 does not trust
 * such a slot until later walks agree, and pauses so that a task stalled
 * in such a window gets to run.  Every walk also walks again the mms of
 * the walks before, even once their task has exited (see ss_audit_mm).
 *
 * What remains: a slot whose byte goes through a change and back
 * (A -> X -> A, e.g. freed and reallocated with the same count, or a fork
 * and an exit) while every walk passes its referents at the wrong moment,
 * and a slot whose referent stays in one of the windows above through all
 * the recounts (a task stalled for all of them between dropping ->mm and
 * exit_mmap(), or between dup_mmap() and joining the task list), can still
 * be misjudged; so can references held where no walk looks: an mm that
 * outlived its last task before the audit started (mmget by a kernel
 * user), an execve's new mm before it is installed, hibernation's image
 * slots.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/percpu-refcount.h>
#include <linux/pgtable.h>
#include <linux/hugetlb.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include "swapscope.h"
#include "ptwalk.h"

/* mm/swapfile.c's cluster size, which picks the lock of a swap_map byte. */
#ifdef CONFIG_THP_SWAP
#define SS_SWAPFILE_CLUSTER	HPAGE_PMD_NR
#else
#define SS_SWAPFILE_CLUSTER	256
#endif

/* The longest command written to audit, plus one. */
#define SS_AUDIT_CMD_MAX	16

/* Bad slots the audit file lists; the rest are counted as dropped. */
#define SS_AUDIT_KEEP		64

/*
 * Sleepable points (ss_audit_stop) of the long loops: every this many
 * slots of swap_map, and every this many entries of a shmem mapping.
 */
#define SS_AUDIT_SLOTS_PER_STOP		65536
#define SS_AUDIT_ENTRIES_PER_PAUSE	4096

/*
 * The mms an audit pins: room for this many more than the last audit
 * found at first, doubled while the tasks do not fit, up to a bound.
 */
#define SS_AUDIT_MMS_FIRST	256
#define SS_AUDIT_MMS_MAX	(1U << 24)

/* Recounts of mismatching slots, and the pause before each but the first. */
#define SS_AUDIT_RECOUNTS	3
#define SS_AUDIT_PAUSE_MS	20

/*
 * First walk: one u32 per slot, PTE references in the low bits, shmem
 * owners in the top four; both saturate, and a saturated slot mismatches
 * and is recounted exactly by the second walk.  Between the walks the
 * word marks the slots to recount.
 */
#define SS_REF_SHMEM_SHIFT	28
#define SS_REF_PTES_MAX		((1U << SS_REF_SHMEM_SHIFT) - 1)
#define SS_REF_SHMEM_MAX	15U
#define SS_REF_RECHECK		U32_MAX

/* A slot the second walk recounts, and its last referents. */
struct ss_audit_cand {
	unsigned int offset;
	u32 ptes;
	u32 shmem;
	pid_t pid;			/* 0: no PTE seen */
	char comm[TASK_COMM_LEN];
	unsigned long addr;
	unsigned long ino;		/* shmem owner's inode, if shmem */
	bool pending;			/* not judged yet */
};

struct ss_audit_dev {
	struct swap_info_struct *si;	/* NULL: not audited; else pinned */
	unsigned int max;
	u8 *map;			/* swap_map at the start (A) */
	u32 *refs;			/* first walk's counts, see above */
	struct ss_audit_cand *cands;	/* second walk, by offset */
	unsigned int ncand;
};

/* A user mm to walk, pinned by mmgrab, with a task that uses it. */
struct ss_audit_mm {
	struct mm_struct *mm;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

struct ss_audit_bad {
	unsigned int type;
	unsigned int offset;
	u8 map;
	u32 count;
	u32 ptes;
	u32 shmem;
	enum ss_slot_state state;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long addr;
	unsigned long ino;
};

struct ss_audit_result {
	bool done;
	u64 slots, referenced, leaks, overcounts, undercounts, shmem_owned;
	u64 busy, duration_ms, devices, mms, shmem_inodes, rechecked;
	u64 swap_map_shmem, stray, dropped;
	unsigned int nbad;
	struct ss_audit_bad bad[SS_AUDIT_KEEP];
};

struct ss_audit {
	struct ss_ptw ptw;		/* the walk of the mm being audited */
	struct ss_audit_dev dev[MAX_SWAPFILES];
	int pass;			/* 1: count all slots; 2: candidates */
	int err;			/* -EINTR once a fatal signal is seen */
	/* Every mm walked so far, pinned; later walks walk them again. */
	struct ss_audit_mm *mms;
	unsigned int nmm;
	/* The referent being walked, for the second walk's owner hints. */
	const struct ss_audit_mm *owner;
	unsigned long ino;
	/* C2 judgements, summed; accounted only when the audit completes. */
	u64 obs, viol;
	struct ss_audit_result *res;
};

static DEFINE_MUTEX(ss_audit_run_lock);		/* one audit at a time */
static DEFINE_MUTEX(ss_audit_result_lock);	/* the published result */
static struct ss_audit_result ss_audit_last;

/* Kernel objects mm/ does not export, resolved at load (ksym.c). */
static struct file_system_type *ss_audit_fs_types[2];	/* tmpfs, devtmpfs */

/* Sleepable points: reschedule, and give up if the writer is killed. */
static bool ss_audit_stop(struct ss_audit *a)
{
	cond_resched();
	if (!a->err && fatal_signal_pending(current))
		a->err = -EINTR;
	return a->err;
}

/*
 * shmem_fs_type (tmpfs, and the internal shm_mnt behind SysV shm, memfd
 * and shared anonymous mappings) and devtmpfs's internal type, which is
 * shmem too, are static: kallsyms has them as it has swap_info.  Process
 * context, at load, between ss_ksym_open() and ss_ksym_close().
 * Each is checked by name before use; inodes are in any case only read
 * if their mapping is shmem's (shmem_mapping()).
 */
void ss_audit_resolve(void)
{
	static const char * const syms[] = { "shmem_fs_type", "internal_fs_type" };
	static const char * const names[] = { "tmpfs", "devtmpfs" };
	struct file_system_type *t;
	int i;

	for (i = 0; i < ARRAY_SIZE(syms); i++) {
		t = (void *)ss_ksym_lookup(syms[i]);
		if (t && t->name && !strcmp(t->name, names[i]))
			ss_audit_fs_types[i] = t;
		else
			pr_warn("audit: %s not found: its inodes are not audited\n",
				syms[i]);
	}
}

/* ---- referents ----------------------------------------------------- */

static int ss_audit_cand_cmp(const void *key, const void *elt)
{
	unsigned long offset = *(const unsigned long *)key;
	const struct ss_audit_cand *c = elt;

	if (offset == c->offset)
		return 0;
	return offset < c->offset ? -1 : 1;
}

/* One reference to @entry: a PTE at @addr, or a shmem owner if @shmem. */
static void ss_audit_ref(struct ss_audit *a, swp_entry_t entry,
			 unsigned long addr, bool shmem)
{
	struct ss_audit_dev *d = &a->dev[swp_type(entry)];
	unsigned long offset = swp_offset(entry);
	struct ss_audit_cand *c;
	u32 *r;

	if (!d->si || offset >= d->max) {
		/* No audited device has it: swapoff under way, or corrupt. */
		if (a->pass == 1)
			a->res->stray++;
		return;
	}
	r = &d->refs[offset];
	if (a->pass == 1) {
		if (shmem) {
			if ((*r >> SS_REF_SHMEM_SHIFT) < SS_REF_SHMEM_MAX)
				*r += 1U << SS_REF_SHMEM_SHIFT;
		} else if ((*r & SS_REF_PTES_MAX) < SS_REF_PTES_MAX) {
			(*r)++;
		}
		return;
	}
	if (*r != SS_REF_RECHECK)
		return;
	c = bsearch(&offset, d->cands, d->ncand, sizeof(*c), ss_audit_cand_cmp);
	if (WARN_ON_ONCE(!c))
		return;
	if (shmem) {
		c->shmem++;
		c->ino = a->ino;
	} else {
		c->ptes++;
		c->pid = a->owner->pid;
		memcpy(c->comm, a->owner->comm, sizeof(c->comm));
		c->addr = addr;
	}
}

/*
 * One PTE table, under its lock (ptw.lock).  mmap_read_lock alone keeps the
 * table itself alive on 6.1 (nothing there frees or replaces one without
 * the mmap write lock), and a lockless READ_ONCE of each entry would be
 * atomic; the lock is taken anyway because every change of a swap PTE and
 * of its slot's count (fork's swap_duplicate, zap's free_swap_and_cache,
 * do_swap_page's swap_free, try_to_unmap_one's swap_duplicate) happens
 * under it: the table is read in one consistent state, never half-way
 * through such a pair.  It is held for one table, never across a sleep.
 */
static bool ss_audit_ptes(struct ss_ptw *ptw, pte_t *pte, unsigned long addr,
			  unsigned long end)
{
	struct ss_audit *a = container_of(ptw, struct ss_audit, ptw);

	for (; addr != end; pte++, addr += PAGE_SIZE) {
		pte_t val = ptep_get(pte);
		swp_entry_t entry;

		if (pte_none(val) || pte_present(val))
			continue;
		entry = pte_to_swp_entry(val);
		/* Migration, device, marker, hwpoison: no swap slot. */
		if (non_swap_entry(entry))
			continue;
		ss_audit_ref(a, entry, addr, false);
	}
	return true;
}

/* Between tables, never under a table's lock: yield, stop on a signal. */
static bool ss_audit_take(struct ss_ptw *ptw)
{
	return !ss_audit_stop(container_of(ptw, struct ss_audit, ptw));
}

/*
 * THP and PMD migration entries hold no swap entry: a THP is split to
 * PTEs before its pages are unmapped for swap (6.1 and 6.12 alike), so
 * there is no ->huge.  A PTE table retracted under the walk (6.12) held
 * file pages, no swap entries; the walk reads its PMD again.
 */
static const struct ss_ptw_ops ss_audit_walk_ops = {
	.ptes = ss_audit_ptes,
	.take = ss_audit_take,
};

/* Every VMA of one mm, under mmap_read_lock for the whole walk. */
static void ss_audit_mm(struct ss_audit *a, const struct ss_audit_mm *am)
{
	struct mm_struct *mm = am->mm;
	struct vm_area_struct *vma;
	struct vma_iterator vmi = {};
	bool live = mmget_not_zero(mm);

	/*
	 * An mm whose last user is gone is being torn down: exit_mmap()
	 * zaps it under mmap_read_lock, then frees its page tables and
	 * destroys its VMA tree under the write lock.  Its entries still
	 * hold their slots until zapped, so it is walked as the OOM reaper
	 * walks one: pinned by mmgrab, under mmap_read_lock; once the tree
	 * is gone there is nothing left to find.
	 */
	if (mmap_read_lock_killable(mm)) {
		a->err = -EINTR;
		goto out;
	}
	a->owner = am;
	a->ptw.ops = &ss_audit_walk_ops;
	a->ptw.mm = mm;
	a->ptw.lock = true;
	vma_iter_init(&vmi, mm, 0);
	for_each_vma(vmi, vma) {
		/* hugetlb pages are never swapped: no swap entries there. */
		if (is_vm_hugetlb_page(vma))
			continue;
		ss_ptw_walk(&a->ptw, vma->vm_start, vma->vm_end);
		if (a->err)
			break;
	}
	a->owner = NULL;
	mmap_read_unlock(mm);
out:
	if (live)
		mmput(mm);
}

static int ss_audit_mm_cmp(const void *x, const void *y)
{
	unsigned long p = (unsigned long)((const struct ss_audit_mm *)x)->mm;
	unsigned long q = (unsigned long)((const struct ss_audit_mm *)y)->mm;

	return p == q ? 0 : p < q ? -1 : 1;
}

/*
 * Every user mm, once, added to those of the walks before (an mm whose
 * task has exited since is still walked: see ss_audit_mm).  Threads are
 * visited, not just group leaders: a leader that exited leaves ->mm NULL
 * while its threads still run.  Each mm is pinned with mmgrab (struct
 * only, so an exiting task is not kept from tearing its address space
 * down) and its address space taken with mmget_not_zero when walked.
 * Kernel threads are skipped: one borrowing a user mm (kthread_use_mm)
 * borrows one a user task owns.  Threads and CLONE_VM siblings share an
 * mm: sorting by mm drops the repeats.
 */
static int ss_audit_get_mms(struct ss_audit *a)
{
	struct task_struct *p, *t;
	struct ss_audit_mm *v;
	unsigned int cap = SS_AUDIT_MMS_FIRST + a->nmm, n, i, u;
	bool full;

	for (;;) {
		v = kvmalloc_array(cap + a->nmm, sizeof(*v), GFP_KERNEL);
		if (!v)
			return -ENOMEM;
		n = 0;
		full = false;
		rcu_read_lock();
		for_each_process_thread(p, t) {
			struct mm_struct *mm;

			if (t->flags & PF_KTHREAD)
				continue;
			task_lock(t);
			mm = t->mm;
			if (mm && (!n || v[n - 1].mm != mm)) {
				if (n == cap) {
					task_unlock(t);
					full = true;
					goto unlock;
				}
				mmgrab(mm);
				v[n].mm = mm;
				v[n].pid = task_tgid_nr(t);
				/* task_lock is what get_task_comm takes. */
				strscpy_pad(v[n].comm, t->comm, sizeof(v[n].comm));
				n++;
			}
			task_unlock(t);
		}
unlock:
		rcu_read_unlock();
		if (!full)
			break;
		while (n--)
			mmdrop(v[n].mm);
		kvfree(v);
		if (cap > SS_AUDIT_MMS_MAX)
			return -E2BIG;
		cap *= 2;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	/* The earlier walks' pins move over to the new array. */
	if (a->nmm)
		memcpy(v + n, a->mms, a->nmm * sizeof(*v));
	n += a->nmm;
	kvfree(a->mms);
	sort(v, n, sizeof(*v), ss_audit_mm_cmp, NULL);
	for (i = 0, u = 0; i < n; i++) {
		if (u && v[u - 1].mm == v[i].mm)
			mmdrop(v[i].mm);
		else
			v[u++] = v[i];
	}
	a->mms = v;
	a->nmm = u;
	return 0;
}

/* The swap entries in one shmem inode's page cache: its owned slots. */
static void ss_audit_mapping(struct ss_audit *a, struct inode *inode)
{
	XA_STATE(xas, &inode->i_mapping->i_pages, 0);
	unsigned int batch = 0;
	void *entry;

	a->ino = inode->i_ino;
	rcu_read_lock();
	xas_for_each(&xas, entry, ULONG_MAX) {
		if (xas_retry(&xas, entry))
			continue;
		/*
		 * shmem stores no shadow entries: a value is a swap entry,
		 * of 1 << order slots for a large folio swapped out whole.
		 */
		if (xa_is_value(entry)) {
			swp_entry_t swp = radix_to_swp_entry(entry);
			unsigned int i, nr = 1U << xas_get_order(&xas);

			for (i = 0; i < nr && !non_swap_entry(swp); i++)
				ss_audit_ref(a, swp_entry(swp_type(swp),
							  swp_offset(swp) + i),
					     0, true);
		}
		if (++batch % SS_AUDIT_ENTRIES_PER_PAUSE == 0 || need_resched()) {
			xas_pause(&xas);
			rcu_read_unlock();
			if (ss_audit_stop(a))
				return;
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
}

/*
 * Every inode of one shmem superblock (called by iterate_supers_type with
 * s_umount held shared), in the pattern of drop_pagecache_sb: pin the
 * inode with __iget under i_lock inside s_inode_list_lock, drop the list
 * lock to walk it, and iput it only after the list lock is dropped again,
 * since iput may sleep.  A pinned inode stays on s_inodes, so the list
 * walk resumes from it.
 */
static void ss_audit_sb(struct super_block *sb, void *arg)
{
	struct ss_audit *a = arg;
	struct inode *inode, *toput = NULL;

	if (a->err)
		return;
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		struct address_space *mapping = inode->i_mapping;

		spin_lock(&inode->i_lock);
		if ((inode->i_state & (I_FREEING | I_WILL_FREE | I_NEW)) ||
		    ((!shmem_mapping(mapping) || mapping_empty(mapping)) &&
		     !need_resched())) {
			spin_unlock(&inode->i_lock);
			continue;
		}
		__iget(inode);
		spin_unlock(&inode->i_lock);
		spin_unlock(&sb->s_inode_list_lock);

		if (shmem_mapping(mapping) && !mapping_empty(mapping)) {
			if (a->pass == 1)
				a->res->shmem_inodes++;
			ss_audit_mapping(a, inode);
		}
		iput(toput);
		toput = inode;
		if (ss_audit_stop(a))
			goto out;
		spin_lock(&sb->s_inode_list_lock);
	}
	spin_unlock(&sb->s_inode_list_lock);
out:
	iput(toput);
}

/* One walk over every referent: user page tables, then shmem. */
static int ss_audit_walk(struct ss_audit *a)
{
	unsigned int i;
	int err;

	err = ss_audit_get_mms(a);
	if (err)
		return err;
	if (a->pass == 1)
		a->res->mms = a->nmm;
	for (i = 0; i < a->nmm && !a->err; i++) {
		ss_audit_mm(a, &a->mms[i]);
		ss_audit_stop(a);
	}
	for (i = 0; i < ARRAY_SIZE(ss_audit_fs_types) && !a->err; i++)
		if (ss_audit_fs_types[i])
			iterate_supers_type(ss_audit_fs_types[i], ss_audit_sb, a);
	return a->err;
}

/* ---- swap devices and counts ---------------------------------------- */

/* A swap_map byte that holds a count (not free, cache-only or bad). */
static bool ss_map_used(u8 map)
{
	u8 count = map & ~SWAP_HAS_CACHE;

	return count && count != SWAP_MAP_BAD;
}

/*
 * The full count of a slot whose byte is @map with COUNT_CONTINUED: the
 * walk of swp_swapcount(), under the lock that guards the byte and its
 * continuation pages (the cluster lock, else si->lock, as
 * lock_cluster_or_swap_info takes it).  swp_swapcount itself is not used:
 * it complains in the kernel log about a slot freed since it was read.
 * False if the byte is no longer @map.
 */
static bool ss_audit_continued(struct swap_info_struct *si,
			       unsigned long offset, u8 map, u32 *count)
{
	struct swap_cluster_info *ci = si->cluster_info;
	struct page *head, *page;
	u64 total, n = SWAP_MAP_MAX + 1;
	unsigned long pgoff = offset & ~PAGE_MASK;
	bool ok = false;
	u8 *digits, digit;

	if (ci) {
		ci += offset / SS_SWAPFILE_CLUSTER;
		spin_lock(&ci->lock);
	} else {
		spin_lock(&si->lock);
	}
	if (si->swap_map[offset] != map)
		goto unlock;
	head = vmalloc_to_page(si->swap_map + offset);
	if (page_private(head) != SWP_CONTINUED)
		goto unlock;
	total = (map & ~(SWAP_HAS_CACHE | COUNT_CONTINUED));
	page = head;
	do {
		page = list_next_entry(page, lru);
		if (page == head)
			goto unlock;
		digits = kmap_local_page(page);
		digit = digits[pgoff];
		kunmap_local(digits);
		total += (digit & ~COUNT_CONTINUED) * n;
		n *= SWAP_CONT_MAX + 1;
	} while (digit & COUNT_CONTINUED);
	*count = min_t(u64, total, U32_MAX);
	ok = true;
unlock:
	if (ci)
		spin_unlock(&ci->lock);
	else
		spin_unlock(&si->lock);
	return ok;
}

/* The count C2 compares, for a slot whose byte is @map; false if busy. */
static bool ss_audit_count(struct ss_audit_dev *d, unsigned long offset,
			   u8 map, u32 *count)
{
	u8 c = map & ~SWAP_HAS_CACHE;

	/* Seed 004: the special shmem state is one reference, its owner. */
	if (c == SWAP_MAP_SHMEM) {
		*count = 1;
		return true;
	}
	if (!(c & COUNT_CONTINUED)) {
		*count = c;
		return true;
	}
	return ss_audit_continued(d->si, offset, map, count);
}

/* Pin every swap device that is on and writable, and copy its swap_map. */
static int ss_audit_get_devices(struct ss_audit *a)
{
	struct swap_info_struct *si;
	struct ss_audit_dev *d;
	unsigned int type, i;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		si = ss_swap_info_get(type);
		if (!si)
			continue;
		/* A device being swapped off is emptied, not audited. */
		if (!(READ_ONCE(si->flags) & SWP_WRITEOK) || !si->swap_map) {
			percpu_ref_put(&si->users);
			continue;
		}
		d = &a->dev[type];
		d->si = si;
		d->max = si->max;
		d->map = kvmalloc(d->max, GFP_KERNEL);
		d->refs = kvcalloc(d->max, sizeof(*d->refs), GFP_KERNEL);
		if (!d->map || !d->refs)
			return -ENOMEM;
		for (i = 0; i < d->max; i++) {
			d->map[i] = READ_ONCE(si->swap_map[i]);
			if (i % SS_AUDIT_SLOTS_PER_STOP == SS_AUDIT_SLOTS_PER_STOP - 1 &&
			    ss_audit_stop(a))
				return a->err;
		}
		a->res->devices++;
	}
	return 0;
}

static void ss_audit_put_devices(struct ss_audit *a)
{
	struct ss_audit_dev *d;
	int type;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		d = &a->dev[type];
		if (!d->si)
			continue;
		kvfree(d->map);
		kvfree(d->refs);
		kvfree(d->cands);
		percpu_ref_put(&d->si->users);
	}
}

/* A slot judged: add it to the figures, keep it if bad. */
static void ss_audit_judge(struct ss_audit *a, unsigned int type,
			   unsigned long offset, u8 map, u32 count, u32 ptes,
			   u32 shmem, const struct ss_audit_cand *c)
{
	struct ss_audit_result *res = a->res;
	enum ss_slot_state state = ss_slot_state(count, ptes, shmem);
	struct ss_judgement j = {};
	struct ss_audit_bad *b;

	/* Free again and unreferenced (a recount after A -> X -> A): no slot. */
	if (!count && !ptes && !shmem)
		return;
	ss_judge_slot(count, ptes, shmem, &j);
	a->obs += j.obs[SS_RULE_C2];
	a->viol += j.viol[SS_RULE_C2];
	res->slots++;
	if (ptes || shmem)
		res->referenced++;
	if (shmem)
		res->shmem_owned++;
	if ((map & ~SWAP_HAS_CACHE) == SWAP_MAP_SHMEM)
		res->swap_map_shmem++;
	switch (state) {
	case SS_SLOT_OK:
		return;
	case SS_SLOT_LEAK:
		res->leaks++;
		break;
	case SS_SLOT_OVERCOUNT:
		res->overcounts++;
		break;
	case SS_SLOT_UNDERCOUNT:
		res->undercounts++;
		break;
	}
	if (res->nbad == SS_AUDIT_KEEP) {
		res->dropped++;
		return;
	}
	b = &res->bad[res->nbad++];
	*b = (struct ss_audit_bad) {
		.type = type, .offset = offset, .map = map, .count = count,
		.ptes = ptes, .shmem = shmem, .state = state,
	};
	if (c) {
		b->pid = c->pid;
		memcpy(b->comm, c->comm, sizeof(b->comm));
		b->addr = c->addr;
		b->ino = c->ino;
	}
}

/*
 * After the first walk: compare every slot whose byte did not move (A ==
 * B); mark the mismatches for the second walk, which builds their list.
 */
static int ss_audit_compare(struct ss_audit *a, struct ss_audit_dev *d,
			    unsigned int type)
{
	unsigned int offset, n = 0;
	u32 r, count;
	u8 map, now;

	for (offset = 0; offset < d->max; offset++) {
		if (offset % SS_AUDIT_SLOTS_PER_STOP ==
		    SS_AUDIT_SLOTS_PER_STOP - 1 && ss_audit_stop(a))
			return a->err;
		map = d->map[offset];
		now = READ_ONCE(d->si->swap_map[offset]);
		r = d->refs[offset];
		d->refs[offset] = 0;
		if (map != now) {
			if (ss_map_used(map) || ss_map_used(now) || r)
				a->res->busy++;
			continue;
		}
		if ((map & ~SWAP_HAS_CACHE) == SWAP_MAP_BAD)
			continue;
		if (!ss_audit_count(d, offset, map, &count)) {
			a->res->busy++;
			continue;
		}
		if (!count && !r)
			continue;
		if (ss_slot_state(count, r & SS_REF_PTES_MAX,
				  r >> SS_REF_SHMEM_SHIFT) == SS_SLOT_OK) {
			ss_audit_judge(a, type, offset, map, count,
				       r & SS_REF_PTES_MAX,
				       r >> SS_REF_SHMEM_SHIFT, NULL);
			continue;
		}
		d->refs[offset] = SS_REF_RECHECK;
		n++;
	}
	if (!n)
		return 0;
	d->cands = kvcalloc(n, sizeof(*d->cands), GFP_KERNEL);
	if (!d->cands)
		return -ENOMEM;
	for (offset = 0; offset < d->max && d->ncand < n; offset++) {
		if (d->refs[offset] == SS_REF_RECHECK) {
			d->cands[d->ncand].offset = offset;
			d->cands[d->ncand++].pending = true;
		}
	}
	a->res->rechecked += n;
	return 0;
}

/*
 * After a recount: a slot whose byte moved since the start is busy; one
 * that now matches is judged with these figures; one that still does not
 * is bad if this was the @last recount, else recounted again.  True if
 * some slot is still pending.
 */
static bool ss_audit_confirm(struct ss_audit *a, struct ss_audit_dev *d,
			     unsigned int type, bool last)
{
	struct ss_audit_cand *c;
	bool pending = false;
	unsigned int i;
	u32 count;
	u8 map;

	for (i = 0; i < d->ncand; i++) {
		c = &d->cands[i];
		if (!c->pending)
			continue;
		map = d->map[c->offset];
		if (READ_ONCE(d->si->swap_map[c->offset]) != map ||
		    !ss_audit_count(d, c->offset, map, &count)) {
			a->res->busy++;
		} else if (last || ss_slot_state(count, c->ptes, c->shmem) ==
			   SS_SLOT_OK) {
			ss_audit_judge(a, type, c->offset, map, count, c->ptes,
				       c->shmem, c);
		} else {
			c->ptes = 0;
			c->shmem = 0;
			c->pid = 0;
			c->ino = 0;
			pending = true;
			continue;
		}
		c->pending = false;
		d->refs[c->offset] = 0;
	}
	return pending;
}

/* Seed 004's rule C2 in the verdicts, once the audit has completed. */
static void ss_audit_account(struct ss_audit *a)
{
	struct ss_audit_result *res = a->res;
	struct ss_judgement j;
	struct ss_pte_view v;
	unsigned int i;
	u64 pte;
	u32 nr;

	while (a->obs) {
		memset(&j, 0, sizeof(j));
		j.obs[SS_RULE_C2] = min_t(u64, a->obs, U32_MAX);
		j.viol[SS_RULE_C2] = min_t(u64, a->viol, j.obs[SS_RULE_C2]);
		a->obs -= j.obs[SS_RULE_C2];
		a->viol -= j.viol[SS_RULE_C2];
		j.touched = BIT(SS_RULE_C2);
		ss_rules_account(&j, SS_SOURCE_AUDIT, 0);
	}
	for (i = 0; i < res->nbad; i++) {
		const struct ss_audit_bad *b = &res->bad[i];

		memset(&v, 0, sizeof(v));
		v.kind = SS_CNT_SWAP;
		v.count_known = true;
		v.swap_count = min_t(u32, b->count, U8_MAX);
		pte = pte_val(swp_entry_to_pte(swp_entry(b->type, b->offset)));
		/* The last kept one stands for the bad slots not kept too. */
		nr = i + 1 < res->nbad ? 1 :
		     min_t(u64, 1 + res->dropped, U32_MAX);
		ss_sample(SS_RULE_C2, SS_SRC_AUDIT, b->pid ? b->addr : 0,
			  pte, pte, &v, nr);
	}
}

static int ss_audit_run(void)
{
	struct ss_audit_result *res;
	struct ss_audit *a;
	u64 start = ktime_get_ns();
	bool recheck = false;
	int type, round, err;

	if (!ss_swap_info_known()) {
		pr_err("audit: swap_info not in kallsyms: cannot audit\n");
		return -EOPNOTSUPP;
	}
	a = kvzalloc(sizeof(*a), GFP_KERNEL);
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!a || !res) {
		err = -ENOMEM;
		goto out;
	}
	a->res = res;
	err = ss_audit_get_devices(a);
	if (err || !res->devices)
		goto done;

	a->pass = 1;
	err = ss_audit_walk(a);
	for (type = 0; type < MAX_SWAPFILES && !err; type++) {
		if (a->dev[type].si)
			err = ss_audit_compare(a, &a->dev[type], type);
		if (a->dev[type].ncand)
			recheck = true;
	}
	if (err || !recheck)
		goto done;

	a->pass = 2;
	for (round = 1; recheck && round <= SS_AUDIT_RECOUNTS; round++) {
		/* Let a task stalled in a window of the header run first. */
		if (round > 1 &&
		    schedule_timeout_killable(msecs_to_jiffies(SS_AUDIT_PAUSE_MS))) {
			err = -EINTR;
			break;
		}
		err = ss_audit_walk(a);
		recheck = false;
		for (type = 0; type < MAX_SWAPFILES && !err; type++)
			if (a->dev[type].ncand &&
			    ss_audit_confirm(a, &a->dev[type], type,
					     round == SS_AUDIT_RECOUNTS))
				recheck = true;
	}
done:
	if (err)
		goto out;
	res->done = true;
	res->duration_ms = div_u64(ktime_get_ns() - start, NSEC_PER_MSEC);
	ss_audit_account(a);
	mutex_lock(&ss_audit_result_lock);
	ss_audit_last = *res;
	mutex_unlock(&ss_audit_result_lock);
out:
	if (a) {
		ss_audit_put_devices(a);
		while (a->nmm--)
			mmdrop(a->mms[a->nmm].mm);
		kvfree(a->mms);
	}
	kvfree(a);
	kfree(res);
	return err;
}

/* ---- debugfs ---------------------------------------------------------- */

static int ss_audit_show(struct seq_file *m, void *v)
{
	const struct ss_audit_result *r = &ss_audit_last;
	const struct ss_audit_bad *b;
	char comm[TASK_COMM_LEN];
	unsigned int i;

	mutex_lock(&ss_audit_result_lock);
	if (!r->done) {
		seq_puts(m, "audit=never\n");
		goto out;
	}
	seq_printf(m,
		   "audit=done slots=%llu referenced=%llu leaks=%llu overcounts=%llu undercounts=%llu shmem_owned=%llu skipped_busy=%llu duration_ms=%llu devices=%llu mms=%llu shmem_inodes=%llu rechecked=%llu swap_map_shmem=%llu stray_refs=%llu dropped=%llu\n",
		   r->slots, r->referenced, r->leaks, r->overcounts,
		   r->undercounts, r->shmem_owned, r->busy, r->duration_ms,
		   r->devices, r->mms, r->shmem_inodes, r->rechecked,
		   r->swap_map_shmem, r->stray, r->dropped);
	for (i = 0; i < r->nbad; i++) {
		b = &r->bad[i];
		seq_printf(m,
			   "slot type=%u offset=%u swap_map=0x%02x count=%u ptes=%u shmem=%u verdict=%s owner=",
			   b->type, b->offset, b->map, b->count, b->ptes,
			   b->shmem, ss_slot_state_name(b->state));
		if (b->pid) {
			ss_comm_word(comm, b->comm);
			seq_printf(m, "%d:%s@0x%lx\n", b->pid, comm, b->addr);
		} else if (b->shmem) {
			seq_printf(m, "shmem:%lu\n", b->ino);
		} else {
			seq_puts(m, "-\n");
		}
	}
out:
	mutex_unlock(&ss_audit_result_lock);
	return 0;
}

static int ss_audit_open(struct inode *inode, struct file *file)
{
	return single_open(file, ss_audit_show, NULL);
}

/* "run" (the language: kv.c): nothing else. */
static int ss_audit_check(struct ss_cmd *c)
{
	if (c->nr != 1 || strcmp(c->word[0], "run")) {
		pr_err_ratelimited("audit: unknown command '%*pE' (expected: run)\n",
				   (int)strlen(c->text), c->text);
		return -EINVAL;
	}
	return 0;
}

static int ss_audit_run_cmd(const struct ss_cmd *c)
{
	return ss_audit_run();
}

const struct ss_cmd_file ss_audit_cmd = {
	.name = "audit",
	.max = SS_AUDIT_CMD_MAX,
	.lock = &ss_audit_run_lock,
	.check = ss_audit_check,
	.run = ss_audit_run_cmd,
};

const struct file_operations ss_audit_fops = {
	.owner = THIS_MODULE,
	.open = ss_audit_open,
	.read = seq_read,
	.write = ss_cmd_write,	/* ss_audit_cmd */
	.llseek = seq_lseek,
	.release = single_release,
};
