// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: P1-P3 (seed 002) judged on every read of /proc/PID/pagemap,
 * by whoever reads it, as the kernel makes each entry.
 *
 * Seed 002 is about what a pagemap reader is told: CRIU dumps only the
 * pages pagemap calls present or swapped, so a swapped shmem page reported
 * as neither is lost.  Asking swapscope (pagemap.c) judges a range on
 * demand; here the readers themselves are judged, whatever they are.
 *
 * pagemap_read() walks the target's page tables one PMD's worth at a
 * time; its callbacks write the entries into the reader's kernel buffer
 * (struct pagemapread, below), up to the PMD's end, and it copies out as
 * many as the reader asked for.  A kretprobe on pagemap_read() keeps the
 * reader's range in a slot its callbacks find by task:
 * - pagemap_pmd_range() takes the PTE table's lock, makes one entry per
 *   PTE and drops the lock (or, for a huge PMD, the PMD's lock).  A kprobe
 *   on each of its calls to _raw_spin_unlock() runs while that lock is
 *   still held, so the PTEs read there are the PTEs the entries were made
 *   from: a migration entry (P2) or a marker (P3) is judged exactly.
 * - pagemap_pte_hole() makes the entries of a range with no page table:
 *   every PTE there is none.
 * A page's swap state in the shmem mapping's xarray (P1) is not under any
 * lock the walk holds.  It is read at the callback's entry and again when
 * the entries are judged: only a page in swap, or not, at both reads is
 * judged; one that changed in between is counted as not judged.
 *
 * Not judged: hugetlb pages (pagemap_hugetlb_range() reports no swap or
 * migration entry of theirs) and 6.12's PAGEMAP_SCAN ioctl, which answers
 * in page categories, not pagemap entries.
 *
 * The handlers run in probe context: no sleeping, no allocation; at most
 * SS_PMW_MAX_PAGES entries per callback (what one walk of pagemap_read
 * makes), whatever range the reader asked for.  The lock sites are found
 * once, at load, in process context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/pagewalk.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/shmem_fs.h>
#include <linux/spinlock.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include "swapscope.h"
#include "pmwatch.h"
#include "compat/pte.h"

/*
 * fs/proc/task_mmu.c's struct pagemapread, the same in 6.1 and 6.12 (and
 * since 4.2): walk->private of pagemap_read's walks.  Checked for sense
 * at every use: a kernel that changed it stops the watch, it never reads
 * past the buffer.
 */
struct ss_pagemapread {
	int pos, len;		/* entries made, room (at most one PMD's) */
	u64 *buffer;
	bool show_pfn;
};

/* ---- the readers in flight, findable by their task ---- */

/*
 * A read of pagemap, from pagemap_read()'s entry to its return: the
 * callbacks of its walks and the lock-site probe find it by task.
 * Readers are few; a read that finds no free slot is not judged, counted.
 */
#define SS_PMW_SLOTS	64

struct ss_pmw_slot {
	struct task_struct *task;
	/*
	 * The reader is told about pages below @limit: pagemap_read() makes
	 * entries up to the end of each PMD but copies out only as many as
	 * the reader asked for, in address order from its file position.
	 */
	unsigned long limit;
	struct ss_pmw_call *call;	/* pagemap_pmd_range in progress */
};

static struct ss_pmw_slot ss_pmw_slots[SS_PMW_SLOTS];

static struct ss_pmw_slot *ss_pmw_claim(unsigned long limit)
{
	int i;

	for (i = 0; i < SS_PMW_SLOTS; i++) {
		if (READ_ONCE(ss_pmw_slots[i].task))
			continue;
		if (cmpxchg(&ss_pmw_slots[i].task, NULL, current))
			continue;
		WRITE_ONCE(ss_pmw_slots[i].call, NULL);
		WRITE_ONCE(ss_pmw_slots[i].limit, limit);
		return &ss_pmw_slots[i];
	}
	return NULL;
}

static struct ss_pmw_slot *ss_pmw_find(void)
{
	int i;

	for (i = 0; i < SS_PMW_SLOTS; i++)
		if (READ_ONCE(ss_pmw_slots[i].task) == current)
			return &ss_pmw_slots[i];
	return NULL;
}

static void ss_pmw_release(struct ss_pmw_slot *s)
{
	WRITE_ONCE(s->call, NULL);
	/* The slot's fields are written before another task may claim it. */
	smp_store_release(&s->task, NULL);
}

/* ---- counters ---- */

enum {
	SS_PMW_CALLS, SS_PMW_ENTRIES, SS_PMW_UNJUDGED, SS_PMW_BUSY,
	SS_PMW_UNSEEN, SS_PMW_NR
};
static DEFINE_PER_CPU(u64, ss_pmw_count[SS_PMW_NR]);

static void ss_pmw_add(int what, u64 n)
{
	this_cpu_add(ss_pmw_count[what], n);
}

void ss_pmw_reset(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < SS_PMW_NR; i++)
			per_cpu(ss_pmw_count[i], cpu) = 0;
}

/* ---- who is judged ---- */

/* The on-demand comparison's task while it reads pagemap (pagemap.c). */
static struct task_struct *ss_pmw_runner;

void ss_pmw_set_runner(struct task_struct *task)
{
	WRITE_ONCE(ss_pmw_runner, task);
}

/*
 * "run -- CMD" scopes the readers: the task reading pagemap must be in
 * CMD's tree; whose pagemap it reads does not matter.  swapscope's own
 * comparison is always judged: it was asked for.
 */
static bool ss_pmw_wanted(void)
{
	if (!ss_rule_enabled(SS_RULE_P1) && !ss_rule_enabled(SS_RULE_P2) &&
	    !ss_rule_enabled(SS_RULE_P3))
		return false;
	if (current == READ_ONCE(ss_pmw_runner))
		return true;
	return ss_in_scope(NULL);
}

/* The reader's buffer, or NULL (and the watch stops) if it makes no sense. */
static struct ss_pagemapread *ss_pmw_buffer(struct mm_walk *walk)
{
	struct ss_pagemapread *pm = walk->private;

	if (WARN_ON_ONCE(!pm || pm->len <= 0 || pm->len > SS_PMW_MAX_PAGES ||
			 pm->pos < 0 || pm->pos > pm->len || !pm->buffer)) {
		ss_rule_fail(SS_RULE_P1, "pagemapread-layout");
		ss_rule_fail(SS_RULE_P2, "pagemapread-layout");
		ss_rule_fail(SS_RULE_P3, "pagemapread-layout");
		return NULL;
	}
	return pm;
}

/* ---- the shmem side of a page's truth ---- */

bool ss_vma_is_shmem(struct vm_area_struct *vma)
{
	/* vma_is_shmem() is not exported; shmem_aops is. */
	return vma && vma->vm_file && shmem_mapping(vma->vm_file->f_mapping);
}

/*
 * A shmem page whose PTE holds nothing may sit in swap: shmem_writepage
 * leaves its swap entry as a value entry in the mapping's xarray.  A
 * swapin-error value (non_swap_entry) is data lost, not in swap.  Any
 * context: xa_load() takes only the RCU read lock.
 */
bool ss_shmem_swapped(struct vm_area_struct *vma, unsigned long addr)
{
	void *entry = xa_load(&vma->vm_file->f_mapping->i_pages,
			      linear_page_index(vma, addr));

	return xa_is_value(entry) && !non_swap_entry(radix_to_swp_entry(entry));
}

/*
 * Bit k for each page addr + k * PAGE_SIZE (k < npages) of a shmem VMA
 * whose xarray holds a swap entry now.  The caller holds mmap_lock (the
 * reader's walk does): the VMAs stay.
 */
static void ss_pmw_swapped_now(struct mm_struct *mm, unsigned long addr,
			       unsigned int npages, unsigned long *bits)
{
	unsigned long end = addr + (unsigned long)npages * PAGE_SIZE, a;
	struct vm_area_struct *vma;

	bitmap_zero(bits, SS_PMW_MAX_PAGES);
	for (a = addr; a < end; a = vma->vm_end) {
		vma = find_vma(mm, a);
		if (!vma || vma->vm_start >= end)
			return;
		a = max(a, vma->vm_start);
		if (!ss_vma_is_shmem(vma))
			continue;
		for (; a < min(end, vma->vm_end); a += PAGE_SIZE)
			if (ss_shmem_swapped(vma, a))
				__set_bit((a - addr) >> PAGE_SHIFT, bits);
	}
}

/* ---- judging one callback's entries ---- */

static const enum ss_rule ss_pmw_rules[] = {
	SS_RULE_P1, SS_RULE_P2, SS_RULE_P3,
};

/* The first page of a callback a rule was told wrong about. */
struct ss_pmw_first {
	unsigned long addr;
	u64 pte, pme;
	u8 truth;
	unsigned long vm_start, vm_end;
};

struct ss_pmw_judge {
	struct ss_pmw_call *call;
	enum ss_probe probe;
	struct ss_judgement j;
	u32 sampled;			/* rules with a first[] */
	struct ss_pmw_first first[ARRAY_SIZE(ss_pmw_rules)];
};

u8 ss_pm_truth_of_kind(u8 kind)
{
	switch (kind) {
	case SS_CNT_NONE:
		return SS_PMT_NONE;
	case SS_CNT_UFFD_WP_MARKER:
		return SS_PMT_MARKER;
	case SS_CNT_PRESENT:
		return SS_PMT_PRESENT;
	case SS_CNT_SWAP:
		return SS_PMT_SWAP;
	case SS_CNT_MIGRATION_READ:
	case SS_CNT_MIGRATION_READ_EXCL:
	case SS_CNT_MIGRATION_WRITE:
		return SS_PMT_MIGRATION;
	default:
		return SS_PMT_OTHER;
	}
}

/*
 * The xarray's answer for a shmem page whose PTE was none or a marker,
 * before the entry was made (@s0) and now (@s2).
 */
struct ss_pmw_xa {
	bool shmem;
	bool s0, s2;
};

/* One entry the reader got, against the page's truth @t (PTE @pte). */
static void ss_pmw_judge_page(struct ss_pmw_judge *jg, unsigned long addr,
			      const struct ss_page_truth *t,
			      const struct ss_pmw_xa *xa, u64 pte, u64 pme,
			      struct vm_area_struct *vma)
{
	struct ss_judgement one = { };
	unsigned int r;

	if (xa && xa->shmem)
		ss_judge_pagemap_shmem(t, xa->s0, xa->s2, pme, &one);
	else
		ss_judge_pagemap(t, pme, &one);
	for (r = 0; r < ARRAY_SIZE(ss_pmw_rules); r++) {
		enum ss_rule rule = ss_pmw_rules[r];

		if (!(one.touched & BIT(rule)))
			continue;
		jg->j.obs[rule] += one.obs[rule];
		jg->j.viol[rule] += one.viol[rule];
		jg->j.impact[rule] += one.impact[rule];
		jg->j.unjudged[rule] += one.unjudged[rule];
		jg->j.touched |= BIT(rule);
		if (one.unjudged[rule])
			ss_pmw_add(SS_PMW_UNJUDGED, one.unjudged[rule]);
		if (!one.viol[rule] || (jg->sampled & BIT(rule)))
			continue;
		jg->sampled |= BIT(rule);
		jg->first[r] = (struct ss_pmw_first) {
			.addr = addr, .pte = pte, .pme = pme,
			.truth = xa && xa->shmem && xa->s2 ?
				 SS_PMT_SHMEM_SWAPPED :
				 ss_pm_truth_of_kind(t->kind),
			.vm_start = vma ? vma->vm_start : 0,
			.vm_end = vma ? vma->vm_end : 0,
		};
	}
}

/*
 * The callback's counts, and per rule one sample of all its violations
 * (tracefs gets their number): the first page told wrong stands for them.
 */
static void ss_pmw_account(struct ss_pmw_judge *jg)
{
	struct ss_pte_view v;
	unsigned int r;

	for (r = 0; r < ARRAY_SIZE(ss_pmw_rules); r++) {
		enum ss_rule rule = ss_pmw_rules[r];
		const struct ss_pmw_first *f = &jg->first[r];
		struct ss_evidence ev = {
			.mm = jg->call->walk->mm,
			.vm_start = f->vm_start, .vm_end = f->vm_end,
		};

		if (!(jg->sampled & BIT(rule)))
			continue;
		ss_view_pte(__pte(f->pte), &v, NULL);
		ss_sample_pagemap(rule, jg->probe, f->addr, f->pte, f->pme, &v,
				  &ev, f->truth, jg->j.viol[rule]);
	}
	ss_rules_account(&jg->j, SS_SOURCE_PAGEMAP, jg->call->addr);
}

/* Under the PTE lock pagemap_pmd_range holds: its entries, PTE by PTE. */
static void ss_pmw_judge_ptes(struct ss_pmw_judge *jg, const u64 *pme,
			      unsigned int n)
{
	struct ss_pmw_call *call = jg->call;
	struct vm_area_struct *vma = call->walk->vma;
	bool shmem = ss_vma_is_shmem(vma);
	struct ss_page_truth t;
	struct ss_pte_view v;
	struct ss_pmw_xa xa;
	unsigned long addr;
	unsigned int k;
	pte_t *ptes;

	ptes = ss_pte_map(call->pmd, call->addr);
	if (!ptes) {
		/* Cannot be while the table's lock is held: not judged. */
		ss_pmw_add(SS_PMW_UNSEEN, n);
		return;
	}
	for (k = 0, addr = call->addr; k < n; k++, addr += PAGE_SIZE) {
		pte_t pte = ptep_get(ptes + k);

		ss_view_pte(pte, &v, NULL);
		t = (struct ss_page_truth) { .kind = v.kind };
		xa.shmem = false;
		switch (v.kind) {
		case SS_CNT_NONE:
		case SS_CNT_UFFD_WP_MARKER:
			/* The PTE is as it was made; the xarray is not held. */
			xa.shmem = shmem;
			if (shmem) {
				xa.s0 = test_bit(k, call->swapped0);
				xa.s2 = ss_shmem_swapped(vma, addr);
			}
			break;
		case SS_CNT_MIGRATION_READ:
		case SS_CNT_MIGRATION_READ_EXCL:
		case SS_CNT_MIGRATION_WRITE:
			/* Read under the lock the entry was made under. */
			t.migration_held = true;
			break;
		}
		ss_pmw_judge_page(jg, addr, &t, &xa, pte_val(pte), pme[k], vma);
	}
	pte_unmap(ptes);
	ss_pmw_add(SS_PMW_ENTRIES, n);
}

/* Under the PMD lock: a huge PMD's entries; only a migration entry counts. */
static void ss_pmw_judge_huge(struct ss_pmw_judge *jg, const u64 *pme,
			      unsigned int n)
{
	struct ss_pmw_call *call = jg->call;
	pmd_t pmd = READ_ONCE(*call->pmd);
	struct ss_page_truth t = { .migration_held = true };
	unsigned int k;

	if (!is_pmd_migration_entry(pmd)) {
		ss_pmw_add(SS_PMW_ENTRIES, n);
		return;
	}
	t.kind = is_writable_migration_entry(pmd_to_swp_entry(pmd)) ?
		 SS_CNT_MIGRATION_WRITE : SS_CNT_MIGRATION_READ;
	for (k = 0; k < n; k++)
		ss_pmw_judge_page(jg, call->addr + k * PAGE_SIZE, &t, NULL,
				  pmd_val(pmd), pme[k], call->walk->vma);
	ss_pmw_add(SS_PMW_ENTRIES, n);
}

/* Entries the call made so far: [pos0, pos) of the reader's buffer. */
static unsigned int ss_pmw_made(const struct ss_pmw_call *call,
				const struct ss_pagemapread *pm)
{
	if (pm->pos < call->pos0)
		return 0;
	return min_t(unsigned int, pm->pos - call->pos0, call->npages);
}

/* ---- the lock sites inside pagemap_pmd_range ---- */

/*
 * At a call to _raw_spin_unlock(ptl) in pagemap_pmd_range: the lock in
 * the first argument tells which path it is, the PTE table's (entries
 * made from PTEs) or the PMD's (a huge PMD).
 */
static int ss_pmw_site_pre(struct kprobe *kp, struct pt_regs *regs)
{
	spinlock_t *ptl = (spinlock_t *)regs_get_kernel_argument(regs, 0);
	struct ss_pmw_judge jg = { .probe = SS_PROBE_PAGEMAP };
	struct ss_pagemapread *pm;
	struct ss_pmw_slot *slot;
	struct ss_pmw_call *call;
	struct mm_struct *mm;
	unsigned int n;
	pmd_t pmdval;

	slot = ss_pmw_find();
	call = slot ? READ_ONCE(slot->call) : NULL;
	if (!call || call->seen)
		return 0;
	pm = ss_pmw_buffer(call->walk);
	if (!pm)
		return 0;
	mm = call->walk->mm;
	n = ss_pmw_made(call, pm);
	jg.call = call;
	pmdval = READ_ONCE(*call->pmd);
	if (ss_pmd_is_table(pmdval) && ptl == pte_lockptr(mm, &pmdval)) {
		call->seen = true;
		ss_pmw_judge_ptes(&jg, pm->buffer + call->pos0, n);
	} else if (ptl == pmd_lockptr(mm, call->pmd)) {
		call->seen = true;
		ss_pmw_judge_huge(&jg, pm->buffer + call->pos0, n);
	} else {
		return 0;
	}
	ss_pmw_account(&jg);
	return 0;
}
NOKPROBE_SYMBOL(ss_pmw_site_pre);

/* Calls of _raw_spin_unlock in pagemap_pmd_range: 3 on 6.1, 2 on 6.12. */
#define SS_PMW_MAX_SITES	8

static struct kprobe ss_pmw_site[SS_PMW_MAX_SITES];
static unsigned int ss_pmw_nsites;

/*
 * Do the 5 bytes at @p, a copy of the text at @at, encode "call @target"?  A call may be routed
 * through the padding before the function (call-depth tracking patches
 * them so): up to 32 bytes before it is the same function.
 */
static bool ss_pmw_calls(const u8 *p, unsigned long at, unsigned long target)
{
	unsigned long to;
	s32 rel;

	if (p[0] != 0xe8)
		return false;
	memcpy(&rel, p + 1, sizeof(rel));
	to = at + 5 + rel;
	return to <= target && target - to <= 32;
}

/*
 * Find pagemap_pmd_range's calls to _raw_spin_unlock and probe each.  A
 * byte pattern that is not an instruction start is refused by
 * register_kprobe (-EILSEQ: it decodes the function from its start), so
 * only real call instructions are probed.  Process context, at load.
 */
int ss_pmw_sites_register(void *func)
{
	unsigned long off, size, at, target = (unsigned long)_raw_spin_unlock;
	char sym[KSYM_SYMBOL_LEN], *plus;
	const u8 *code;
	u8 *copy;
	int err = 0;

	/* "name+0xoff/0xsize": where the function starts, and its length. */
	sprint_symbol(sym, (unsigned long)func);
	plus = strrchr(sym, '+');
	if (!plus || sscanf(plus, "+0x%lx/0x%lx", &off, &size) != 2 ||
	    size < 5 || off >= size)
		return -ENOENT;
	code = (const u8 *)func - off;
	copy = kmalloc(size, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	if (copy_from_kernel_nofault(copy, code, size)) {
		err = -EFAULT;
		goto out;
	}
	for (at = 0; at + 5 <= size; at++) {
		struct kprobe *kp;

		if (!ss_pmw_calls(copy + at, (unsigned long)code + at, target))
			continue;
		if (ss_pmw_nsites == SS_PMW_MAX_SITES) {
			err = -ENOSPC;
			break;
		}
		kp = &ss_pmw_site[ss_pmw_nsites];
		kp->addr = (kprobe_opcode_t *)(code + at);
		kp->pre_handler = ss_pmw_site_pre;
		err = register_kprobe(kp);
		if (!err) {
			ss_pmw_nsites++;
			continue;
		}
		memset(kp, 0, sizeof(*kp));
		if (err != -EILSEQ)
			break;
		err = 0;
	}
	if (!err && !ss_pmw_nsites)
		err = -ENOENT;
	if (err)
		ss_pmw_sites_unregister();
out:
	kfree(copy);
	return err;
}

void ss_pmw_sites_unregister(void)
{
	while (ss_pmw_nsites) {
		ss_pmw_nsites--;
		unregister_kprobe(&ss_pmw_site[ss_pmw_nsites]);
		memset(&ss_pmw_site[ss_pmw_nsites], 0, sizeof(ss_pmw_site[0]));
	}
}

unsigned long ss_pmw_sites_missed(void)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < ss_pmw_nsites; i++)
		n += ss_pmw_site[i].nmissed;
	return n;
}

bool ss_pmw_live(void)
{
	return ss_probe_active(SS_PROBE_PAGEMAP_READ) &&
	       ss_probe_active(SS_PROBE_PAGEMAP) &&
	       ss_probe_active(SS_PROBE_PAGEMAP_HOLE);
}

/* ---- pagemap_read(file, buf, count, ppos) ---- */

int ss_pmw_read_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_pmw_read *rd = (void *)ri->data;
	size_t count = regs_get_kernel_argument(regs, 2);
	loff_t *ppos = (loff_t *)regs_get_kernel_argument(regs, 3);
	unsigned long svpfn, start, pages;

	ss_probe_hit(SS_PROBE_PAGEMAP_READ);
	if (!ss_pmw_wanted())
		return 1;
	/* As pagemap_read() reads its position; past the task it walks nothing. */
	svpfn = (unsigned long)(*ppos / sizeof(u64));
	if (svpfn > (ULONG_MAX >> PAGE_SHIFT))
		return 1;
	start = untagged_addr(svpfn << PAGE_SHIFT);
	pages = count / sizeof(u64);
	rd->slot = ss_pmw_claim(pages > (ULONG_MAX - start) >> PAGE_SHIFT ?
				ULONG_MAX : start + (pages << PAGE_SHIFT));
	if (!rd->slot) {
		ss_pmw_add(SS_PMW_BUSY, 1);
		return 1;
	}
	return 0;
}
NOKPROBE_SYMBOL(ss_pmw_read_entry);

int ss_pmw_read_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_pmw_read *rd = (void *)ri->data;

	ss_pmw_release(rd->slot);
	return 0;
}
NOKPROBE_SYMBOL(ss_pmw_read_ret);

/* ---- the walk's callbacks ---- */

/*
 * Entry of either callback of a judged read: the range, the reader's
 * buffer position, the swap state now of the pages it will be told of.
 */
static struct ss_pmw_slot *ss_pmw_enter(struct ss_pmw_call *call,
					struct mm_walk *walk,
					unsigned long addr, unsigned long end)
{
	struct ss_pmw_slot *slot = ss_pmw_find();
	struct ss_pagemapread *pm;
	unsigned long pages;

	if (!slot)
		return NULL;
	pm = ss_pmw_buffer(walk);
	if (!pm)
		return NULL;
	call->walk = walk;
	call->addr = addr;
	call->pos0 = pm->pos;
	call->seen = false;
	/* Pages past what the reader asked for are made, never copied out. */
	end = min(end, slot->limit);
	pages = end > addr ? (end - addr) >> PAGE_SHIFT : 0;
	/* One walk never spans more; more would be a layout not understood. */
	call->npages = min_t(unsigned long, pages, SS_PMW_MAX_PAGES);
	ss_pmw_add(SS_PMW_CALLS, 1);
	ss_pmw_swapped_now(walk->mm, addr, call->npages, call->swapped0);
	return slot;
}

/* pagemap_pmd_range(pmd, addr, end, walk) */
int ss_pmw_range_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_pmw_call *call = (void *)ri->data;
	struct ss_pmw_slot *slot;

	ss_probe_hit(SS_PROBE_PAGEMAP);
	call->pmd = (pmd_t *)regs_get_kernel_argument(regs, 0);
	slot = ss_pmw_enter(call, (void *)regs_get_kernel_argument(regs, 3),
			    regs_get_kernel_argument(regs, 1),
			    regs_get_kernel_argument(regs, 2));
	if (!slot)
		return 1;
	WRITE_ONCE(slot->call, call);
	return 0;
}
NOKPROBE_SYMBOL(ss_pmw_range_entry);

/* Entries made past every lock site (none should be): counted, shown. */
int ss_pmw_range_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_pmw_call *call = (void *)ri->data;
	struct ss_pmw_slot *slot = ss_pmw_find();
	struct ss_pagemapread *pm;
	unsigned int n;

	if (slot)
		WRITE_ONCE(slot->call, NULL);
	if (call->seen)
		return 0;
	pm = ss_pmw_buffer(call->walk);
	n = pm ? ss_pmw_made(call, pm) : 0;
	if (n)
		ss_pmw_add(SS_PMW_UNSEEN, n);
	return 0;
}
NOKPROBE_SYMBOL(ss_pmw_range_ret);

/* pagemap_pte_hole(start, end, depth, walk) */
int ss_pmw_hole_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_pmw_call *call = (void *)ri->data;

	ss_probe_hit(SS_PROBE_PAGEMAP_HOLE);
	call->pmd = NULL;
	return ss_pmw_enter(call, (void *)regs_get_kernel_argument(regs, 3),
			    regs_get_kernel_argument(regs, 0),
			    regs_get_kernel_argument(regs, 1)) ? 0 : 1;
}
NOKPROBE_SYMBOL(ss_pmw_hole_entry);

/*
 * No page table there: every entry was made from a none PTE, so only a
 * shmem page's swap state, read at entry and now, is its truth (P1).
 */
int ss_pmw_hole_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_pmw_call *call = (void *)ri->data;
	struct ss_pmw_judge jg = { .call = call, .probe = SS_PROBE_PAGEMAP_HOLE };
	const struct ss_page_truth t = { .kind = SS_CNT_NONE };
	DECLARE_BITMAP(swapped2, SS_PMW_MAX_PAGES);
	struct ss_pagemapread *pm = ss_pmw_buffer(call->walk);
	struct ss_pmw_xa xa = { .shmem = true };
	struct vm_area_struct *vma = NULL;
	unsigned long addr;
	unsigned int k, n;

	if (!pm)
		return 0;
	n = ss_pmw_made(call, pm);
	ss_pmw_swapped_now(call->walk->mm, call->addr, n, swapped2);
	for (k = 0, addr = call->addr; k < n; k++, addr += PAGE_SIZE) {
		xa.s0 = test_bit(k, call->swapped0);
		xa.s2 = test_bit(k, swapped2);
		/* Only shmem pages have bits; one never in swap: no rule. */
		if (!xa.s0 && !xa.s2)
			continue;
		if (!vma || addr >= vma->vm_end)
			vma = find_vma(call->walk->mm, addr);
		ss_pmw_judge_page(&jg, addr, &t, &xa, 0,
				  pm->buffer[call->pos0 + k], vma);
	}
	ss_pmw_add(SS_PMW_ENTRIES, n);
	ss_pmw_account(&jg);
	return 0;
}
NOKPROBE_SYMBOL(ss_pmw_hole_ret);

/* The counters, in enum order; calls: callbacks of readers in scope. */
void ss_pmw_show(struct seq_file *m)
{
	static const char * const names[SS_PMW_NR] = {
		"calls", "entries", "unjudged", "busy", "unseen",
	};
	int cpu, i;
	u64 sum;

	seq_printf(m, "pagemap_watch_sites=%u\n", ss_pmw_nsites);
	for (i = 0; i < SS_PMW_NR; i++) {
		sum = 0;
		for_each_possible_cpu(cpu)
			sum += per_cpu(ss_pmw_count[i], cpu);
		seq_printf(m, "pagemap_watch_%s=%llu\n", names[i], sum);
	}
}
