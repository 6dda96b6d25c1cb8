// SPDX-License-Identifier: GPL-2.0
/*
 * ssinject: test-only fault injection that breaks one swap-entry invariant
 * at a time, so that each swapscope rule can be seen to fire.
 *
 * Never part of the product build, never loaded outside a disposable VM.
 * debugfs: /sys/kernel/debug/ssinject/
 *   cmd     (0200) one command per write; bad input fails with -EINVAL:
 *             swp_mkexcl PID ADDR
 *                 set the exclusive bit (seed 001) on the genuine swap
 *                 entry at ADDR of process PID, now, in process context;
 *                 -ENOENT if that PTE is not a genuine swap entry
 *             anon_unexcl_next PID [ADDR]
 *                 the next page_add_anon_rmap() by a thread of PID (for
 *                 ADDR, if given) returns with PageAnonExclusive cleared.
 *                 6.12: the next folio_add_anon_rmap_ptes() (a folio
 *                 still anon), or folio_add_new_anon_rmap() called by
 *                 do_swap_page() (a folio not yet anon: newly read into
 *                 the swap cache, or read past it), whose pages cover
 *                 ADDR (if given), returns with the flag cleared on
 *                 ADDR's page (without ADDR, on its first page): the
 *                 swap-ins 6.1's function saw
 *             zap_marker_next PID ADDR
 *                 the next full zap by PID of an anon VMA whose range
 *                 covers ADDR, present or swapped out, leaves a uffd-wp
 *                 PTE marker there
 *             swp_clear_keepref PID ADDR
 *                 clear the genuine swap entry at ADDR of process PID
 *                 (pte_clear, MM_SWAPENTS - 1) without dropping its swap
 *                 reference, now, in process context: the slot leaks
 *                 (seed 004, rule C2).  -ENOENT if that PTE is not a
 *                 genuine swap entry, -EBUSY while the reference of an
 *                 earlier one is still kept
 *             swp_restore PID ADDR
 *                 give the kept reference back to a PTE: the cleared
 *                 swap PTE is set at ADDR of process PID, which must be
 *                 none in a private anonymous VMA with an anon_vma
 *                 (MM_SWAPENTS + 1); that PTE's zap or swap-in then
 *                 frees the slot as usual.  -ENOENT if nothing is kept
 *                 or that PTE is not free
 *             swp_drop_kept
 *                 drop the kept reference (swap_free(); 6.12:
 *                 swap_free_nr(entry, 1)), as unloading
 *                 does when one is still kept: a leaked slot is never
 *                 freed otherwise, and swapoff would retry it forever
 *             big_folio_next PID ADDR
 *                 swapscope's probe on the next try_to_unmap_one() by a
 *                 thread of PID for the folio mapped at ADDR sees, as its
 *                 folio argument, a PTE-mapped folio of 1024 pages, which
 *                 6.1 never makes: the internal inconsistency swapscope's
 *                 reclaim handler checks for (its per-page bookkeeping
 *                 holds 512), so rules U1 and U3 disable themselves.
 *                 The kernel's own call gets the real folio (below).
 *                 6.12 makes no such folio either (anon and page-cache
 *                 folios stop at a PMD's order)
 *             fork_nodup_next PID
 *                 the next swap_duplicate() by a thread of PID (armed
 *                 just before it forks: its copy of a swap entry) returns
 *                 0 without being run: the fork copies the entry but
 *                 takes no reference (F1's "one per copy").  The slot
 *                 owes that reference until fork_repay
 *             fork_noinc_next PID
 *                 the same one level down: swap_duplicate() runs, but its
 *                 __swap_duplicate(entry, 1) returns 0 without raising the
 *                 count (F1's "the count rose by one")
 *             fork_repay
 *                 take the reference a fork_*_next shot skipped
 *                 (swap_duplicate()), before the child exits: its zap
 *                 would otherwise free a slot the parent still maps
 *             zap_keepref_next PID
 *                 the next free_swap_and_cache() by a thread of PID (armed
 *                 just before a zap of its swap entries) returns 1 without
 *                 being run: the zap clears the swap PTE and keeps its
 *                 reference (Z1's "one swap reference dropped").  The
 *                 reference is then the kept one of swp_clear_keepref:
 *                 swp_drop_kept drops it.  6.12 zaps a run of swap PTEs
 *                 with consecutive slots (swap_pte_batch()) with one
 *                 free_swap_and_cache_nr(entry, nr): the shot keeps the
 *                 reference of the run's first slot and lets the call
 *                 free the other nr - 1 (status keepref_nr=nr); a run of
 *                 one is skipped whole, as on 6.1.  Either way one
 *                 reference is kept, one cleared PTE's
 *             fork_delay_next PID MS
 *                 the next swap_duplicate() by a thread of PID (its fork's
 *                 copy of a swap entry) first spins MS milliseconds
 *                 (1..1000), status state=busy meanwhile, so that a test
 *                 can act on the half-made child from another thread:
 *                 the window of the false F1 (inject-forkrace)
 *             disarm
 *                 forget every armed injection
 *   status  (0400) one line per injection: what is armed, what fired
 *
 * The one-shot injections run in probe context: a kretprobe on
 * page_add_anon_rmap (6.12: on folio_add_anon_rmap_ptes and
 * folio_add_new_anon_rmap), a kretprobe on unmap_page_range that brackets
 * the zap, and a probe on the rss_stat tracepoint, which zap_pte_range()
 * reaches through add_mm_rss_vec() after its loop, with the PTE lock
 * still held; big_folio_next, two kprobes on try_to_unmap_one registered
 * when armed (see there); fork_*_next and zap_keepref_next, a kprobe on
 * the function they skip, registered when armed, whose handler makes the
 * call return at once with the value given (as bpf_override_return does).
 *
 * Written for Debian 12's 6.1 and 6.12 kernels: every difference between
 * them goes through swapscope's module/compat/ headers (page tables,
 * RSS counters, which function a swap probe sits on, the anon rmap call,
 * a folio's order).  Unexported symbols are found as swapscope's ksym.c
 * finds them, never by calling through a kprobe's address (IBT on 6.12).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/page-flags.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/userfaultfd_k.h>
#include "compat/folio.h"
#include "compat/probes.h"
#include "compat/pte.h"
#include "compat/rmap.h"
#include "compat/rss.h"

/* States of a one-shot injection. */
enum ssi_state {
	SSI_IDLE,
	SSI_ARMED,
	SSI_BUSY,	/* claimed by one call, which is still running */
	SSI_FIRED,
};

static const char * const ssi_state_names[] = {
	[SSI_IDLE] = "idle",
	[SSI_ARMED] = "armed",
	[SSI_BUSY] = "busy",
	[SSI_FIRED] = "fired",
};

/* anon_unexcl_next */
static struct {
	atomic_t state;
	pid_t tgid;
	unsigned long addr;		/* 0: any address */
	unsigned long fired_addr;
	long fired_nr;			/* pages the call mapped (6.12: nr) */
	bool fired_new;			/* by folio_add_new_anon_rmap (6.12) */
	bool was_exclusive;		/* PageAnonExclusive before the clear */
	unsigned int fired;
} ssi_unexcl;

/* zap_marker_next */
static struct {
	atomic_t state;
	pid_t tgid;
	unsigned long addr;
	struct task_struct *task;	/* the zapping task while BUSY */
	struct mm_struct *mm;
	bool written;
	unsigned int fired;
	unsigned int claimed;		/* zaps that took the shot */
	unsigned int zaps_without_marker;	/* claimed, nothing written */
	unsigned int unlocked;	/* ADDR clear but its PTE lock free: skipped */
} ssi_zap;

/* swp_mkexcl: the last successful one */
static struct {
	unsigned int done;
	pid_t tgid;
	unsigned long addr;
	u64 pte_before, pte_after;
} ssi_mkexcl;

/* swp_clear_keepref: the last swap PTE cleared, and its reference */
static struct {
	unsigned int done;
	unsigned int restored;
	unsigned int dropped;
	bool kept;			/* its reference is held by no PTE */
	pid_t tgid;
	unsigned long addr;
	u64 pte;			/* the swap PTE cleared */
	swp_entry_t entry;
} ssi_keep;

/* big_folio_next */
static struct {
	atomic_t state;
	pid_t tgid;
	unsigned long addr;
	struct task_struct *task;	/* the unmapping task while BUSY */
	unsigned long real;		/* its folio argument, while BUSY */
	unsigned long fired_addr;
	unsigned long real_nr;		/* pages of the real folio */
	unsigned int fired;
	bool registered;
} ssi_big;

/* fork_nodup_next, fork_noinc_next, zap_keepref_next: one shot each */
enum ssi_ref_kind {
	SSI_REF_NODUP,		/* skip swap_duplicate() */
	SSI_REF_NOINC,		/* skip __swap_duplicate(entry, 1[, 1]) */
	SSI_REF_KEEPREF,	/* skip free_swap_and_cache() (or one slot) */
	SSI_REF_DELAY,		/* spin in swap_duplicate() first */
	SSI_NR_REF_KINDS
};

static const char * const ssi_ref_names[SSI_NR_REF_KINDS] = {
	[SSI_REF_NODUP] = "fork_nodup",
	[SSI_REF_NOINC] = "fork_noinc",
	[SSI_REF_KEEPREF] = "zap_keepref",
	[SSI_REF_DELAY] = "fork_delay",
};

static struct {
	atomic_t state;
	int kind;			/* enum ssi_ref_kind, while armed */
	pid_t tgid;
	unsigned int fired[SSI_NR_REF_KINDS];
	bool owed;			/* a fork's skipped reference */
	swp_entry_t entry;		/* the last entry skipped */
	unsigned int keepref_nr;	/* slots of zap_keepref's call */
	unsigned int repaid;
	int registered;			/* the kind whose kprobe is in, or -1 */
	unsigned int delay_ms;		/* fork_delay_next */
	struct task_struct *gate;	/* fork_noinc: in a fork's swap_duplicate() */
	bool gate_registered;
} ssi_ref = { .registered = -1 };

/*
 * The function each shot's call must come from: its copy or zap loop.
 * The same names on 6.12, whose kallsyms has neither copy_pte_range nor
 * zap_pte_range (see ssi_called_from()).
 */
static const char * const ssi_ref_callers[] = {
	[SSI_REF_NODUP] = "copy_page_range",
	[SSI_REF_NOINC] = "swap_duplicate",	/* gated: see ssi_gate_pre */
	[SSI_REF_KEEPREF] = "unmap_page_range",
	[SSI_REF_DELAY] = "copy_page_range",
};

/*
 * swap_free(), not exported: resolved through kallsyms at load.  6.12 has
 * no such symbol (an inline over swap_free_nr(entry, nr)): there it is
 * swap_free_nr(), called with nr 1.  One of the two is set.
 */
static void (*ssi_swap_free_1)(swp_entry_t entry);
static void (*ssi_swap_free_nr)(swp_entry_t entry, int nr);
/* swap_duplicate(), for fork_repay, likewise (the same on 6.12). */
static int (*ssi_swap_duplicate)(swp_entry_t entry);

static bool ssi_have_swap_free(void)
{
	return ssi_swap_free_1 || ssi_swap_free_nr;
}

/* Process context: drop one swap reference, as swap_free() does. */
static void ssi_swap_free(swp_entry_t entry)
{
	if (ssi_swap_free_nr)
		ssi_swap_free_nr(entry, 1);
	else
		ssi_swap_free_1(entry);
}

static DEFINE_MUTEX(ssi_lock);		/* commands and status, one at a time */
static struct dentry *ssi_dir;

/*
 * The PMD entry of @addr in @mm, or NULL where no PMD table covers it.
 * The caller holds what keeps the upper tables alive (the mmap_lock, or it
 * is the zap of that range).
 */
static pmd_t *ssi_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud) || pud_trans_huge(*pud))
		return NULL;
	return pmd_offset(pud, addr);
}

/*
 * The PTE of @addr in @mm, mapped (pte_unmap()), or NULL where no page
 * table maps it with PTEs, or (6.12) the table went under us: compat/pte.h.
 */
static pte_t *ssi_pte(struct mm_struct *mm, unsigned long addr, pmd_t **pmdp)
{
	pmd_t *pmd = ssi_pmd(mm, addr);

	if (!pmd)
		return NULL;
	*pmdp = pmd;
	return ss_pte_map(pmd, addr);
}

/*
 * Probe context, at the entry of a function (its ftrace call, past an
 * endbr64 under IBT, or an int3 on its first instruction): regs->sp points
 * at the return address, so this says which function called it.
 * copy_pte_range()/copy_nonpresent_pte() and zap_pte_range() are inlined
 * into copy_page_range() and unmap_page_range(): on 6.1, and on 6.12,
 * whose kallsyms has no copy_p?d_range, copy_nonpresent_pte,
 * zap_p?d_range or zap_nonpresent_ptes either.  A shot must not fire for
 * the same call made by direct reclaim (try_to_unmap_one()), MADV_FREE
 * (madvise_free_pte_range()) or shmem: that would leave a swap PTE with no
 * reference.
 */
static bool ssi_called_from(struct pt_regs *regs, const char *fn)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol_no_offset(sym, *(unsigned long *)regs->sp);
	return !strcmp(sym, fn);
}
NOKPROBE_SYMBOL(ssi_called_from);

/* ---- anon_unexcl_next: kretprobes on the anon rmap call ---- */

/* The one page the shot clears, and where it is mapped. */
struct ssi_rmap_call {
	struct page *page;
	unsigned long addr;
	long nr;		/* pages the call maps */
	bool new;		/* folio_add_new_anon_rmap()'s */
};

/*
 * Probe context, at the entry of a call that maps @a's pages (one on 6.1,
 * nr on 6.12: compat/rmap.h): the armed process's first call whose pages
 * cover ADDR takes the shot, for ADDR's page; without ADDR, its first
 * call, for the first page.
 */
static int ssi_rmap_claim(struct ssi_rmap_call *call,
			  const struct ss_rmap_pages *a, bool new)
{
	unsigned long want = READ_ONCE(ssi_unexcl.addr);
	unsigned long start = a->addr & PAGE_MASK;
	unsigned long idx = 0;

	if (atomic_read_acquire(&ssi_unexcl.state) != SSI_ARMED ||
	    current->tgid != READ_ONCE(ssi_unexcl.tgid) || a->nr < 1)
		return 1;
	if (want) {
		if (want < start || (want - start) >> PAGE_SHIFT >= a->nr)
			return 1;
		idx = (want - start) >> PAGE_SHIFT;
	}
	if (atomic_cmpxchg(&ssi_unexcl.state, SSI_ARMED, SSI_BUSY) != SSI_ARMED)
		return 1;
	call->page = a->page + idx;
	call->addr = start + (idx << PAGE_SHIFT);
	call->nr = a->nr;
	call->new = new;
	return 0;
}
NOKPROBE_SYMBOL(ssi_rmap_claim);

/* page_add_anon_rmap() (6.1), folio_add_anon_rmap_ptes() (6.12) */
static int ssi_rmap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_rmap_pages a;

	ss_anon_rmap_read(regs, &a);
	return ssi_rmap_claim((void *)ri->data, &a, false);
}
NOKPROBE_SYMBOL(ssi_rmap_entry);

/*
 * folio_add_new_anon_rmap() (6.12 only): do_swap_page() maps a folio that
 * is not anon yet with it, one newly read into the swap cache (readahead,
 * MADV_WILLNEED) as well as one read past it; 6.1 maps both with
 * page_add_anon_rmap().  Every other anon fault calls it too: those are
 * not swap-ins and not the shot's.
 */
static int ssi_new_rmap_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct ss_rmap_pages a;

	if (atomic_read(&ssi_unexcl.state) != SSI_ARMED ||
	    current->tgid != READ_ONCE(ssi_unexcl.tgid) ||
	    !ssi_called_from(regs, "do_swap_page"))
		return 1;
	ss_new_anon_rmap_read(regs, &a);
	return ssi_rmap_claim((void *)ri->data, &a, true);
}
NOKPROBE_SYMBOL(ssi_new_rmap_entry);

/*
 * The caller holds the PTE lock and the page lock and has not installed
 * the PTE yet: do_swap_page() maps it writable right after, which is
 * the state rule S1 forbids (6.12: set_ptes() over the call's nr pages).
 */
static int ssi_rmap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ssi_rmap_call *call = (void *)ri->data;
	struct page *page = call->page;

	ssi_unexcl.was_exclusive = PageAnon(page) && !PageKsm(page) &&
				   PageAnonExclusive(page);
	if (ssi_unexcl.was_exclusive)
		ClearPageAnonExclusive(page);
	ssi_unexcl.fired_addr = call->addr;
	ssi_unexcl.fired_nr = call->nr;
	ssi_unexcl.fired_new = call->new;
	ssi_unexcl.fired++;
	atomic_cmpxchg(&ssi_unexcl.state, SSI_BUSY, SSI_FIRED);
	return 0;
}
NOKPROBE_SYMBOL(ssi_rmap_ret);

static struct kretprobe ssi_rmap_probe = {
	.kp.symbol_name = SS_ANON_RMAP_SYMBOL,
	.entry_handler = ssi_rmap_entry,
	.handler = ssi_rmap_ret,
	.data_size = sizeof(struct ssi_rmap_call),
	.maxactive = 16,
};

/* Registered where compat/rmap.h names it (6.12), at load. */
static struct kretprobe ssi_new_rmap_probe = {
	.kp.symbol_name = SS_NEW_ANON_RMAP_SYMBOL,
	.entry_handler = ssi_new_rmap_entry,
	.handler = ssi_rmap_ret,
	.data_size = sizeof(struct ssi_rmap_call),
	.maxactive = 16,
};

/* ---- zap_marker_next: kretprobe on unmap_page_range ---- */

/* unmap_page_range(tlb, vma, addr, end, details) */
static int ssi_zap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (void *)regs_get_kernel_argument(regs, 1);
	unsigned long start = regs_get_kernel_argument(regs, 2);
	unsigned long end = regs_get_kernel_argument(regs, 3);
	struct zap_details *details = (void *)regs_get_kernel_argument(regs, 4);
	unsigned long addr = READ_ONCE(ssi_zap.addr);
	pmd_t *pmd;
	pte_t *pte, val;
	bool populated;

	if (atomic_read_acquire(&ssi_zap.state) != SSI_ARMED ||
	    current->tgid != READ_ONCE(ssi_zap.tgid))
		return 1;
	/* A full zap (Z1) of a plain anon VMA that covers ADDR. */
	if (addr < start || addr >= end || (details && !details->even_cows) ||
	    !vma_is_anonymous(vma) || userfaultfd_wp(vma))
		return 1;
	pte = ssi_pte(vma->vm_mm, addr, &pmd);
	if (!pte)
		return 1;
	/* What zap_pte_range() clears and accounts (an RSS counter moves) */
	val = READ_ONCE(*pte);
	populated = pte_present(val) ||
		    (is_swap_pte(val) && !non_swap_entry(pte_to_swp_entry(val)));
	pte_unmap(pte);
	if (!populated)
		return 1;
	if (atomic_cmpxchg(&ssi_zap.state, SSI_ARMED, SSI_BUSY) != SSI_ARMED)
		return 1;
	ssi_zap.claimed++;
	ssi_zap.written = false;
	ssi_zap.mm = vma->vm_mm;
	WRITE_ONCE(ssi_zap.task, current);
	return 0;
}
NOKPROBE_SYMBOL(ssi_zap_entry);

static int ssi_zap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (READ_ONCE(ssi_zap.task) != current)
		return 0;	/* disarmed and re-armed meanwhile */
	WRITE_ONCE(ssi_zap.task, NULL);
	if (ssi_zap.written) {
		ssi_zap.fired++;
		atomic_cmpxchg(&ssi_zap.state, SSI_BUSY, SSI_FIRED);
	} else {
		/* Nothing cleared ADDR in this zap: wait for the next one. */
		ssi_zap.zaps_without_marker++;
		atomic_cmpxchg(&ssi_zap.state, SSI_BUSY, SSI_ARMED);
	}
	return 0;
}
NOKPROBE_SYMBOL(ssi_zap_ret);

static struct kretprobe ssi_zap_probe = {
	.kp.symbol_name = "unmap_page_range",
	.entry_handler = ssi_zap_entry,
	.handler = ssi_zap_ret,
	.maxactive = 64,
};

/*
 * The rss_stat tracepoint (mm_trace_rss_stat(), which memory.c inlines
 * into its callers, so a kprobe on it misses the zap), hit by the claimed
 * zap.  The first hit after zap_pte_range() cleared ADDR is from
 * add_mm_rss_vec() of the batch that cleared it (ADDR was present or a
 * swap entry, so that batch moved a counter), made before
 * pte_unmap_unlock(): the PTE lock of ADDR's table is held by this task,
 * and nothing in this zap looks at ADDR again.  A marker holds no page and
 * no swap slot, so nothing leaks; exit_mmap's zap (ZAP_FLAG_DROP_MARKER)
 * removes it (6.12: any later zap of the anon VMA does).  6.12's
 * zap_pte_range() is the same here: add_mm_rss_vec() after the loop,
 * before pte_unmap_unlock(), and a loop cut short (need_resched) resumes
 * past the PTEs it did.
 */
static void ssi_rss_stat(SS_RSS_STAT_PROBE_PARAMS)
{
	unsigned long addr = ssi_zap.addr;
	spinlock_t *ptl;
	pmd_t *pmd;
	pte_t *pte;

	if (atomic_read(&ssi_zap.state) != SSI_BUSY ||
	    READ_ONCE(ssi_zap.task) != current || mm != ssi_zap.mm ||
	    ssi_zap.written)
		return;
	pte = ssi_pte(mm, addr, &pmd);
	if (!pte)
		return;
	ptl = pte_lockptr(mm, pmd);
	/* ADDR still set: a batch before the one that clears it. */
	if (pte_none(READ_ONCE(*pte))) {
		if (spin_trylock(ptl)) {
			/* Not under that PTE lock: never write. */
			spin_unlock(ptl);
			ssi_zap.unlocked++;
		} else {
			set_pte_at(mm, addr, pte,
				   make_pte_marker(PTE_MARKER_UFFD_WP));
			ssi_zap.written = true;
		}
	}
	pte_unmap(pte);
}

static struct tracepoint *ssi_rss_tp;

static void ssi_find_rss_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "rss_stat"))
		ssi_rss_tp = tp;
}

/* ---- big_folio_next: kprobe on try_to_unmap_one ---- */

#define SSI_BIG_ORDER	10	/* 1024 pages: twice a PMD on x86-64 */

/*
 * What swapscope's handler is shown instead of the real folio: a folio
 * of order 10: its head, and the tail fields where the order lives
 * (compat/folio.h).  Not anon, not pinned; nothing but probe handlers
 * ever sees it, and they only read it.
 */
static struct folio ssi_big_folio;

static void ssi_big_folio_init(void)
{
	ss_folio_make_large(&ssi_big_folio, SSI_BIG_ORDER);
}

/*
 * try_to_unmap_one(folio, vma, address, arg).  Two kprobes, both
 * registered when armed:
 *
 * ssi_big_probe, on the function's ftrace site, where swapscope's
 * kretprobe is.  Handlers of kprobes on one address run newest first, so
 * this pre-handler runs before swapscope's entry handler and swaps the
 * folio argument (%rdi) for the big one; pt_regs are written back to the
 * registers when the ftrace handlers return.
 *
 * ssi_big_fix, an int3 kprobe on the instruction right after the ftrace
 * site (MCOUNT_INSN_SIZE further), which the CPU reaches next: its
 * pre-handler puts the real folio back before that instruction runs.
 * Not a post-handler on the first kprobe: on 6.1, adding a kprobe with a
 * post-handler to an aggregate kprobe already armed on ftrace sets the
 * aggregate's post-handler without re-arming it with the IPMODIFY ops,
 * and disarming it later uses the wrong ops (the ftrace bookkeeping of
 * the site is left inconsistent; a later load hung in a soft lockup).
 *
 * Nothing runs between the two but the ftrace trampoline's return: the
 * kernel's code never sees the big folio.
 */
static int ssi_big_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct folio *folio = (struct folio *)regs->di;

	if (atomic_read_acquire(&ssi_big.state) != SSI_ARMED ||
	    current->tgid != READ_ONCE(ssi_big.tgid) ||
	    regs->dx != READ_ONCE(ssi_big.addr))
		return 0;
	if (atomic_cmpxchg(&ssi_big.state, SSI_ARMED, SSI_BUSY) != SSI_ARMED)
		return 0;
	ssi_big.task = current;
	ssi_big.real = regs->di;
	ssi_big.real_nr = folio_nr_pages(folio);
	regs->di = (unsigned long)&ssi_big_folio;
	return 0;
}
NOKPROBE_SYMBOL(ssi_big_pre);

static int ssi_big_fix_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (atomic_read(&ssi_big.state) != SSI_BUSY ||
	    ssi_big.task != current ||
	    regs->di != (unsigned long)&ssi_big_folio)
		return 0;
	regs->di = ssi_big.real;
	ssi_big.task = NULL;
	ssi_big.fired_addr = regs->dx;
	ssi_big.fired++;
	atomic_set_release(&ssi_big.state, SSI_FIRED);
	return 0;
}
NOKPROBE_SYMBOL(ssi_big_fix_pre);

static struct kprobe ssi_big_probe = {
	.pre_handler = ssi_big_pre,
};

static struct kprobe ssi_big_fix = {
	.pre_handler = ssi_big_fix_pre,
};

/* Process context, ssi_lock held (or unloading). */
static void ssi_big_unregister(void)
{
	if (!ssi_big.registered)
		return;
	unregister_kprobe(&ssi_big_probe);
	unregister_kprobe(&ssi_big_fix);
	ssi_big.registered = false;
}

/*
 * Registered anew at every arming, so that the first is the newest kprobe
 * on try_to_unmap_one even when swapscope was reloaded meanwhile.  The fix
 * goes first: the swap must never be in place without it.
 */
static int ssi_big_register(void)
{
	struct kprobe site = { .symbol_name = "try_to_unmap_one" };
	bool on_ftrace;
	int err;

	ssi_big_unregister();
	/* The ftrace site: past an endbr64 when the kernel has IBT. */
	err = register_kprobe(&site);
	if (err) {
		pr_err("big_folio_next: kprobe on try_to_unmap_one: %d\n", err);
		return err;
	}
	memset(&ssi_big_fix, 0, sizeof(ssi_big_fix));
	ssi_big_fix.pre_handler = ssi_big_fix_pre;
	ssi_big_fix.addr = (kprobe_opcode_t *)((unsigned long)site.addr +
					       MCOUNT_INSN_SIZE);
	on_ftrace = site.flags & KPROBE_FLAG_FTRACE;
	unregister_kprobe(&site);
	if (!on_ftrace) {
		pr_err("big_folio_next: the kprobe on try_to_unmap_one is not on its ftrace site\n");
		return -EOPNOTSUPP;
	}
	err = register_kprobe(&ssi_big_fix);
	if (err) {
		pr_err("big_folio_next: kprobe on try_to_unmap_one+%d: %d\n",
		       MCOUNT_INSN_SIZE, err);
		return err;
	}
	memset(&ssi_big_probe, 0, sizeof(ssi_big_probe));
	ssi_big_probe.pre_handler = ssi_big_pre;
	ssi_big_probe.symbol_name = "try_to_unmap_one";
	err = register_kprobe(&ssi_big_probe);
	if (err) {
		pr_err("big_folio_next: kprobe on try_to_unmap_one: %d\n", err);
		unregister_kprobe(&ssi_big_fix);
		return err;
	}
	ssi_big.registered = true;
	return 0;
}

/* ---- swp_mkexcl: process context ---- */

static struct task_struct *ssi_get_task(pid_t nr)
{
	struct task_struct *task;
	struct pid *pid;

	pid = find_get_pid(nr);
	if (!pid)
		return NULL;
	task = get_pid_task(pid, PIDTYPE_TGID);
	put_pid(pid);
	return task;
}

/*
 * The mm of process @nr with its mmap_lock held for read, or NULL (-ESRCH,
 * or -EINTR if the writer is killed) in *@err.  Undone by ssi_mm_unlock().
 */
static struct mm_struct *ssi_mm_lock(const char *verb, pid_t nr, int *err)
{
	struct task_struct *task;
	struct mm_struct *mm;

	task = ssi_get_task(nr);
	if (!task) {
		pr_err("%s: no process %d\n", verb, nr);
		*err = -ESRCH;
		return NULL;
	}
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm) {
		pr_err("%s: process %d has no mm\n", verb, nr);
		*err = -ESRCH;
		return NULL;
	}
	*err = mmap_read_lock_killable(mm);
	if (*err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

static void ssi_mm_unlock(struct mm_struct *mm)
{
	mmap_read_unlock(mm);
	mmput(mm);
}

/*
 * The PTE of @addr in @vma, mapped and locked (pte_unmap_unlock), or NULL
 * where no page table maps it with PTEs.  The caller holds the mmap_lock:
 * on 6.1 nothing frees or replaces a PTE table without its write lock; on
 * 6.12 khugepaged may retract a file VMA's table without it, which
 * ss_pte_map_lock() reports as NULL (no PTE to act on).
 */
static pte_t *ssi_pte_lock(struct vm_area_struct *vma, unsigned long addr,
			   spinlock_t **ptl)
{
	pmd_t *pmd;

	if (is_vm_hugetlb_page(vma))
		return NULL;
	pmd = ssi_pmd(vma->vm_mm, addr);
	return pmd ? ss_pte_map_lock(vma->vm_mm, pmd, addr, ptl) : NULL;
}

static bool ssi_is_genuine_swap(pte_t pte)
{
	return is_swap_pte(pte) && !non_swap_entry(pte_to_swp_entry(pte));
}

static int ssi_swp_mkexcl(pid_t nr, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	pte_t *pte, old, new;
	spinlock_t *ptl;
	int err;

	mm = ssi_mm_lock("swp_mkexcl", nr, &err);
	if (!mm)
		return err;
	err = -ENOENT;
	vma = vma_lookup(mm, addr);
	pte = vma ? ssi_pte_lock(vma, addr, &ptl) : NULL;
	if (pte) {
		old = ptep_get(pte);
		if (ssi_is_genuine_swap(old)) {
			new = pte_swp_mkexclusive(old);
			set_pte_at(mm, addr, pte, new);
			ssi_mkexcl.done++;
			ssi_mkexcl.tgid = nr;
			ssi_mkexcl.addr = addr;
			ssi_mkexcl.pte_before = pte_val(old);
			ssi_mkexcl.pte_after = pte_val(new);
			err = 0;
		}
		pte_unmap_unlock(pte, ptl);
	}
	ssi_mm_unlock(mm);
	if (err)
		pr_err("swp_mkexcl: no genuine swap entry at %d:0x%lx\n", nr,
		       addr);
	return err;
}

/*
 * An mm's swap-entry counter, moved as add_mm_counter() does, except for
 * its rss_stat tracepoint (mm_trace_rss_stat() is not exported).  The
 * target is in a system call or asleep, so no zap or fault of that mm is
 * half-way through (swapscope's Z4 and S4 watch the tracepoint for those).
 * 6.12: a percpu_counter add (compat/rss.h).
 */
static void ssi_add_swapents(struct mm_struct *mm, long value)
{
	ss_mm_counter_add(mm, MM_SWAPENTS, value);
}

/*
 * Clear a genuine swap PTE as zap_pte_range() would, with its counter,
 * but keep the slot's reference: the slot has a count and no referent,
 * a leak for rule C2 and for nothing else (no RSS counter is off, so
 * exit_mmap() is clean).  A read of ADDR afterwards maps a zero page.
 * No TLB flush: a non-present entry is never cached.
 */
static int ssi_swp_clear_keepref(pid_t nr, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	spinlock_t *ptl;
	pte_t *pte, old;
	int err;

	if (!ssi_have_swap_free()) {
		pr_err("swp_clear_keepref: swap_free not in kallsyms: a leak could not be taken back\n");
		return -EOPNOTSUPP;
	}
	if (ssi_keep.kept) {
		pr_err("swp_clear_keepref: the reference of swap type %u offset %lu is still kept (swp_restore or swp_drop_kept first)\n",
		       swp_type(ssi_keep.entry), swp_offset(ssi_keep.entry));
		return -EBUSY;
	}
	mm = ssi_mm_lock("swp_clear_keepref", nr, &err);
	if (!mm)
		return err;
	err = -ENOENT;
	vma = vma_lookup(mm, addr);
	pte = vma ? ssi_pte_lock(vma, addr, &ptl) : NULL;
	if (pte) {
		old = ptep_get(pte);
		if (ssi_is_genuine_swap(old)) {
			pte_clear(mm, addr, pte);
			ssi_add_swapents(mm, -1);
			ssi_keep.done++;
			ssi_keep.kept = true;
			ssi_keep.tgid = nr;
			ssi_keep.addr = addr;
			ssi_keep.pte = pte_val(old);
			ssi_keep.entry = pte_to_swp_entry(old);
			err = 0;
		}
		pte_unmap_unlock(pte, ptl);
	}
	ssi_mm_unlock(mm);
	if (err)
		pr_err("swp_clear_keepref: no genuine swap entry at %d:0x%lx\n",
		       nr, addr);
	return err;
}

/*
 * Put the kept reference back into a PTE.  A private anonymous VMA with an
 * anon_vma is what do_swap_page() needs to map the slot's page; the PTE
 * keeps the bits it had (exclusive: the slot has no other user), but
 * uffd-wp only where the VMA is armed for it.
 */
static int ssi_swp_restore(pid_t nr, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	spinlock_t *ptl;
	pte_t *pte, val;
	int err;

	if (!ssi_keep.kept) {
		pr_err("swp_restore: no swap reference is kept\n");
		return -ENOENT;
	}
	mm = ssi_mm_lock("swp_restore", nr, &err);
	if (!mm)
		return err;
	err = -ENOENT;
	vma = vma_lookup(mm, addr);
	if (!vma || !vma_is_anonymous(vma) || !vma->anon_vma) {
		pr_err("swp_restore: %d:0x%lx is not in a private anonymous VMA with an anon_vma\n",
		       nr, addr);
		goto out;
	}
	pte = ssi_pte_lock(vma, addr, &ptl);
	if (!pte) {
		pr_err("swp_restore: no page table maps %d:0x%lx\n", nr, addr);
		goto out;
	}
	if (pte_none(ptep_get(pte))) {
		val = __pte(ssi_keep.pte);
		if (pte_swp_uffd_wp(val) && !userfaultfd_wp(vma))
			val = pte_swp_clear_uffd_wp(val);
		set_pte_at(mm, addr, pte, val);
		ssi_add_swapents(mm, 1);
		ssi_keep.kept = false;
		ssi_keep.restored++;
		err = 0;
	} else {
		pr_err("swp_restore: the PTE at %d:0x%lx is not none\n", nr,
		       addr);
	}
	pte_unmap_unlock(pte, ptl);
out:
	ssi_mm_unlock(mm);
	return err;
}

/* Process context: drop the kept reference, which no PTE holds. */
static void ssi_keep_drop(void)
{
	ssi_swap_free(ssi_keep.entry);
	ssi_keep.kept = false;
	ssi_keep.dropped++;
}

/*
 * ---- symbol lookups, at load ----
 *
 * kallsyms_lookup_name() is not exported, and calling it through a
 * kprobe's address breaks under IBT (6.12 has X86_KERNEL_IBT): a kprobe
 * on a function sits after its endbr64, and an indirect call there traps
 * on CPUs that enforce IBT.  swapscope's ksym.c (a copy here: ssinject
 * links against nothing of swapscope's) reads the lookup register_kprobe()
 * itself makes with a kretprobe on kallsyms_lookup_name(), filtered to
 * this task and this very name string; the kprobe registered is disabled
 * (nothing is patched).  Calling the functions found is fine: kallsyms
 * gives their start, the endbr64 included.
 */
static struct task_struct *ssi_ksym_task;	/* whose lookup is watched */
static const char *ssi_ksym_name;		/* the very string passed */
static unsigned long ssi_ksym_addr;

static int ssi_ksym_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (current != READ_ONCE(ssi_ksym_task) ||
	    (const char *)regs_get_kernel_argument(regs, 0) != ssi_ksym_name)
		return 1;
	return 0;
}
NOKPROBE_SYMBOL(ssi_ksym_entry);

static int ssi_ksym_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	WRITE_ONCE(ssi_ksym_addr, regs_return_value(regs));
	return 0;
}
NOKPROBE_SYMBOL(ssi_ksym_ret);

static struct kretprobe ssi_ksym_rp = {
	.kp.symbol_name = "kallsyms_lookup_name",
	.entry_handler = ssi_ksym_entry,
	.handler = ssi_ksym_ret,
	.maxactive = 4,
};

/*
 * Module init, ssi_ksym_rp registered: the address kallsyms has for
 * @name, 0 when it has none.  Only init looks up, once: no lock.
 */
static unsigned long ssi_ksym_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name,
			     .flags = KPROBE_FLAG_DISABLED };

	ssi_ksym_addr = 0;
	ssi_ksym_name = name;
	WRITE_ONCE(ssi_ksym_task, current);
	if (!register_kprobe(&kp))
		unregister_kprobe(&kp);
	WRITE_ONCE(ssi_ksym_task, NULL);
	return READ_ONCE(ssi_ksym_addr);
}

/*
 * swap_free (6.12: swap_free_nr, the probe's function in compat/probes.h)
 * and swap_duplicate; without them the shots that need one are refused.
 */
static void ssi_find_syms(void)
{
	const char *free_sym = ss_probe_symbol(SS_PROBE_SWAP_FREE, "swap_free");
	unsigned long addr;
	int err;

	err = register_kretprobe(&ssi_ksym_rp);
	if (err) {
		pr_warn("kallsyms_lookup_name cannot be probed (%d): swp_clear_keepref and fork_*_next unavailable\n",
			err);
		return;
	}
	addr = ssi_ksym_lookup(free_sym);
	if (!addr)
		pr_warn("%s not in kallsyms: swp_clear_keepref unavailable\n",
			free_sym);
	else if (ss_probe_batched(SS_PROBE_SWAP_FREE))
		ssi_swap_free_nr = (void *)addr;
	else
		ssi_swap_free_1 = (void *)addr;
	ssi_swap_duplicate = (void *)ssi_ksym_lookup("swap_duplicate");
	if (!ssi_swap_duplicate)
		pr_warn("swap_duplicate not in kallsyms: fork_*_next unavailable\n");
	unregister_kretprobe(&ssi_ksym_rp);
}

/* ---- fork_nodup_next, fork_noinc_next, zap_keepref_next ---- */

/* Where a skipped call returns to its caller from, with its value. */
static noinline int ssi_return_0(void)
{
	return 0;
}

static noinline int ssi_return_1(void)
{
	return 1;
}

static int ssi_ref_pre(struct kprobe *p, struct pt_regs *regs);

/* fork_noinc: let the next __swap_duplicate() of this task fire. */
static int ssi_gate_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (atomic_read_acquire(&ssi_ref.state) == SSI_ARMED &&
	    READ_ONCE(ssi_ref.kind) == SSI_REF_NOINC &&
	    current->tgid == READ_ONCE(ssi_ref.tgid) &&
	    ssi_called_from(regs, "copy_page_range"))
		WRITE_ONCE(ssi_ref.gate, current);
	return 0;
}
NOKPROBE_SYMBOL(ssi_gate_pre);

static struct kprobe ssi_gate_probe = {
	.symbol_name = "swap_duplicate",
	.pre_handler = ssi_gate_pre,
};

/* One kprobe per kind, made anew at each arming (ssi_arm_ref()). */
static struct kprobe ssi_ref_probes[SSI_NR_REF_KINDS];

/*
 * The function each shot skips.  6.12 has the same swap_duplicate() and
 * __swap_duplicate() (which took an nr: swap_duplicate() passes 1), but
 * free_swap_and_cache() is an inline over free_swap_and_cache_nr(), the
 * function swapscope's probe sits on too (compat/probes.h).
 */
static const char *ssi_ref_symbol(int kind)
{
	switch (kind) {
	case SSI_REF_NOINC:
		return "__swap_duplicate";
	case SSI_REF_KEEPREF:
		return ss_probe_symbol(SS_PROBE_FREE_SWAP, "free_swap_and_cache");
	default:
		return "swap_duplicate";
	}
}

/*
 * Probe context, at the entry of the function to skip: the first call by
 * the armed process (for __swap_duplicate, with usage 1; for all three, a
 * genuine swap entry) returns at once.  The kprobe sits on the function's
 * first instruction (its ftrace call, past an endbr64 under IBT), where
 * the stack top is the caller's return address: pointing regs->ip at a
 * function that returns the value makes the call return it to the caller.
 * Returning 1 also skips the other handlers on that address (swapscope's
 * probe, registered before this one): the call is not seen at all, as if
 * the kernel had left it out.
 *
 * zap_keepref on 6.12: free_swap_and_cache_nr(entry, nr) frees a zap's
 * run of nr swap PTEs (consecutive slots; swap_pte_batch()), whose PTEs
 * the zap clears whatever the call does.  With nr 1 the call is skipped
 * as on 6.1 (it returns nothing there).  With nr > 1 it is not skipped
 * but cut: its arguments become (entry + 1, nr - 1), so the run's first
 * slot keeps its reference and the rest are freed as usual, swapscope's
 * probe seeing that call.  Either way the zap drops one reference fewer
 * than the swap PTEs it clears, and one slot is kept.
 */
static int ssi_ref_pre(struct kprobe *p, struct pt_regs *regs)
{
	int kind = p - ssi_ref_probes;
	swp_entry_t entry = { .val = regs_get_kernel_argument(regs, 0) };
	unsigned int nr = 1;

	if (atomic_read_acquire(&ssi_ref.state) != SSI_ARMED ||
	    READ_ONCE(ssi_ref.kind) != kind ||
	    current->tgid != READ_ONCE(ssi_ref.tgid) ||
	    non_swap_entry(entry))
		return 0;
	if (kind == SSI_REF_KEEPREF) {
		nr = ss_probe_nr(SS_PROBE_FREE_SWAP, regs);
		if (!nr)
			return 0;
	}
	if (kind == SSI_REF_NOINC) {
		/* From the fork's swap_duplicate(), the gate says. */
		if ((u8)regs_get_kernel_argument(regs, 1) != 1 ||
		    READ_ONCE(ssi_ref.gate) != current)
			return 0;
		WRITE_ONCE(ssi_ref.gate, NULL);
	} else if (!ssi_called_from(regs, ssi_ref_callers[kind])) {
		return 0;
	}
	if (kind == SSI_REF_DELAY) {
		/*
		 * Hold the fork inside copy_page_range(), its PTE locks of
		 * this table taken, while the test reclaims its other pages
		 * (status says busy meanwhile); then let the call go on.
		 */
		if (atomic_cmpxchg(&ssi_ref.state, SSI_ARMED, SSI_BUSY) !=
		    SSI_ARMED)
			return 0;
		mdelay(READ_ONCE(ssi_ref.delay_ms));
		ssi_ref.entry = entry;
		ssi_ref.fired[kind]++;
		atomic_set_release(&ssi_ref.state, SSI_FIRED);
		return 0;
	}
	if (atomic_cmpxchg(&ssi_ref.state, SSI_ARMED, SSI_FIRED) != SSI_ARMED)
		return 0;
	ssi_ref.entry = entry;
	ssi_ref.fired[kind]++;
	if (kind == SSI_REF_KEEPREF) {
		/* Held by no PTE now: swapscope's C2 leak, swp_drop_kept's. */
		ssi_keep.kept = true;
		ssi_keep.done++;
		ssi_keep.tgid = current->tgid;
		ssi_keep.addr = 0;
		ssi_keep.pte = pte_val(swp_entry_to_pte(entry));
		ssi_keep.entry = entry;
		ssi_ref.keepref_nr = nr;
		if (nr > 1) {
			/* x86-64: the first two arguments */
			regs->di = swp_entry(swp_type(entry),
					     swp_offset(entry) + 1).val;
			regs->si = nr - 1;
			return 0;
		}
		instruction_pointer_set(regs, (unsigned long)ssi_return_1);
	} else {
		ssi_ref.owed = true;
		instruction_pointer_set(regs, (unsigned long)ssi_return_0);
	}
	return 1;
}
NOKPROBE_SYMBOL(ssi_ref_pre);

/* Process context: take the kprobe out once nothing is armed on it. */
static void ssi_ref_unregister(void)
{
	if (ssi_ref.gate_registered) {
		unregister_kprobe(&ssi_gate_probe);
		ssi_ref.gate_registered = false;
	}
	if (ssi_ref.registered < 0)
		return;
	unregister_kprobe(&ssi_ref_probes[ssi_ref.registered]);
	ssi_ref.registered = -1;
}

static int ssi_arm_ref(int kind, pid_t nr)
{
	struct kprobe *kp = &ssi_ref_probes[kind];
	int err;

	if (atomic_read(&ssi_ref.state) == SSI_BUSY) {
		pr_err("cmd: %s_next: the previous shot is still running\n",
		       ssi_ref_names[kind]);
		return -EBUSY;
	}
	if (!ssi_have_swap_free() || !ssi_swap_duplicate) {
		pr_err("cmd: %s_next: swap_free or swap_duplicate not in kallsyms\n",
		       ssi_ref_names[kind]);
		return -EOPNOTSUPP;
	}
	if (ssi_ref.owed || ssi_keep.kept) {
		pr_err("cmd: %s_next: a reference is still owed or kept (fork_repay or swp_drop_kept first)\n",
		       ssi_ref_names[kind]);
		return -EBUSY;
	}
	atomic_set(&ssi_ref.state, SSI_IDLE);
	ssi_ref_unregister();
	/* A kprobe cannot be registered twice: a fresh one each time. */
	*kp = (struct kprobe){ .symbol_name = ssi_ref_symbol(kind),
			       .pre_handler = ssi_ref_pre };
	err = register_kprobe(kp);
	if (err) {
		pr_err("cmd: %s_next: kprobe on %s: %d\n", ssi_ref_names[kind],
		       kp->symbol_name, err);
		return err;
	}
	ssi_ref.registered = kind;
	ssi_ref.gate = NULL;
	if (kind == SSI_REF_KEEPREF)
		ssi_ref.keepref_nr = 0;
	if (kind == SSI_REF_NOINC) {
		ssi_gate_probe = (struct kprobe){
			.symbol_name = "swap_duplicate",
			.pre_handler = ssi_gate_pre };
		err = register_kprobe(&ssi_gate_probe);
		if (err) {
			pr_err("cmd: fork_noinc_next: kprobe on swap_duplicate: %d\n",
			       err);
			ssi_ref_unregister();
			return err;
		}
		ssi_ref.gate_registered = true;
	}
	ssi_ref.kind = kind;
	ssi_ref.tgid = nr;
	atomic_set_release(&ssi_ref.state, SSI_ARMED);
	return 0;
}

/* Process context: the reference a fork_*_next shot skipped, taken now. */
static int ssi_fork_repay(void)
{
	int err;

	if (!ssi_ref.owed) {
		pr_err("cmd: fork_repay: no reference is owed\n");
		return -ENOENT;
	}
	err = ssi_swap_duplicate(ssi_ref.entry);
	if (err) {
		pr_err("cmd: fork_repay: swap_duplicate: %d\n", err);
		return err;
	}
	ssi_ref.owed = false;
	ssi_ref.repaid++;
	return 0;
}

/* ---- debugfs ---- */

static int ssi_parse_pid(const char *verb, const char *s, pid_t *nr)
{
	int v;

	if (!s || kstrtoint(s, 10, &v) || v <= 0) {
		pr_err("cmd: %s: bad or missing PID '%s'\n", verb, s ?: "");
		return -EINVAL;
	}
	*nr = v;
	return 0;
}

static int ssi_parse_addr(const char *verb, const char *s,
			  unsigned long *addr)
{
	if (!s || kstrtoul(s, 0, addr) || !*addr || *addr >= TASK_SIZE_MAX) {
		pr_err("cmd: %s: bad or missing user address '%s'\n", verb,
		       s ?: "");
		return -EINVAL;
	}
	*addr &= PAGE_MASK;
	return 0;
}

/* A shot already claimed by a running call (BUSY) completes, harmlessly. */
static void ssi_disarm(void)
{
	atomic_set(&ssi_unexcl.state, SSI_IDLE);
	atomic_set(&ssi_zap.state, SSI_IDLE);
	/* Never BUSY between calls: pre and post run in one probe hit. */
	atomic_set(&ssi_big.state, SSI_IDLE);
	ssi_big_unregister();
	atomic_set(&ssi_ref.state, SSI_IDLE);
	ssi_ref_unregister();
}

/* Arm only what is idle, armed or fired: a BUSY shot is mid-call. */
static int ssi_arm_unexcl(pid_t nr, unsigned long addr)
{
	int old = atomic_read(&ssi_unexcl.state);

	if (old == SSI_BUSY ||
	    atomic_cmpxchg(&ssi_unexcl.state, old, SSI_IDLE) != old) {
		pr_err("cmd: the previous shot is still running\n");
		return -EBUSY;
	}
	ssi_unexcl.tgid = nr;
	ssi_unexcl.addr = addr;
	ssi_unexcl.fired_addr = 0;
	ssi_unexcl.fired_nr = 0;
	ssi_unexcl.fired_new = false;
	ssi_unexcl.was_exclusive = false;
	atomic_set_release(&ssi_unexcl.state, SSI_ARMED);
	return 0;
}

static int ssi_arm_zap(pid_t nr, unsigned long addr)
{
	int old = atomic_read(&ssi_zap.state);

	if (old == SSI_BUSY ||
	    atomic_cmpxchg(&ssi_zap.state, old, SSI_IDLE) != old) {
		pr_err("cmd: the previous shot is still running\n");
		return -EBUSY;
	}
	ssi_zap.tgid = nr;
	ssi_zap.addr = addr;
	ssi_zap.written = false;
	ssi_zap.claimed = 0;
	ssi_zap.zaps_without_marker = 0;
	ssi_zap.unlocked = 0;
	atomic_set_release(&ssi_zap.state, SSI_ARMED);
	return 0;
}

static int ssi_arm_big(pid_t nr, unsigned long addr)
{
	int err;

	atomic_set(&ssi_big.state, SSI_IDLE);
	err = ssi_big_register();
	if (err)
		return err;
	ssi_big.tgid = nr;
	ssi_big.addr = addr;
	ssi_big.fired_addr = 0;
	ssi_big.real_nr = 0;
	atomic_set_release(&ssi_big.state, SSI_ARMED);
	return 0;
}

static int ssi_command(char *buf)
{
	char *verb, *a1, *a2, *extra;
	unsigned long addr = 0;
	pid_t nr;

	verb = strsep(&buf, " \t");
	a1 = strsep(&buf, " \t");
	a2 = strsep(&buf, " \t");
	extra = strsep(&buf, "");
	if (!strcmp(verb, "fork_repay")) {
		if (a1) {
			pr_err("cmd: %s takes no argument, got '%s'\n", verb, a1);
			return -EINVAL;
		}
		return ssi_fork_repay();
	}
	if (!strcmp(verb, "fork_delay_next")) {
		unsigned int ms;

		if (extra) {
			pr_err("cmd: %s: extra words '%s'\n", verb, extra);
			return -EINVAL;
		}
		if (ssi_parse_pid(verb, a1, &nr))
			return -EINVAL;
		if (!a2 || kstrtouint(a2, 10, &ms) || !ms || ms > 1000) {
			pr_err("cmd: %s: bad or missing MS '%s' (1..1000)\n",
			       verb, a2 ?: "");
			return -EINVAL;
		}
		ssi_ref.delay_ms = ms;
		return ssi_arm_ref(SSI_REF_DELAY, nr);
	}
	if (!strcmp(verb, "fork_nodup_next") || !strcmp(verb, "fork_noinc_next") ||
	    !strcmp(verb, "zap_keepref_next")) {
		if (a2) {
			pr_err("cmd: %s takes one PID, got '%s' too\n", verb, a2);
			return -EINVAL;
		}
		if (ssi_parse_pid(verb, a1, &nr))
			return -EINVAL;
		return ssi_arm_ref(!strcmp(verb, "fork_nodup_next") ? SSI_REF_NODUP :
				   !strcmp(verb, "fork_noinc_next") ? SSI_REF_NOINC :
				   SSI_REF_KEEPREF, nr);
	}
	if (!strcmp(verb, "disarm") || !strcmp(verb, "swp_drop_kept")) {
		if (a1) {
			pr_err("cmd: %s takes no argument, got '%s'\n", verb, a1);
			return -EINVAL;
		}
		if (!strcmp(verb, "disarm")) {
			ssi_disarm();
			return 0;
		}
		if (!ssi_keep.kept) {
			pr_err("cmd: swp_drop_kept: no swap reference is kept\n");
			return -ENOENT;
		}
		ssi_keep_drop();
		return 0;
	}
	if (strcmp(verb, "swp_mkexcl") && strcmp(verb, "anon_unexcl_next") &&
	    strcmp(verb, "zap_marker_next") &&
	    strcmp(verb, "swp_clear_keepref") && strcmp(verb, "swp_restore") &&
	    strcmp(verb, "big_folio_next")) {
		pr_err("cmd: unknown command '%s' (swp_mkexcl PID ADDR, anon_unexcl_next PID [ADDR], zap_marker_next PID ADDR, swp_clear_keepref PID ADDR, swp_restore PID ADDR, swp_drop_kept, big_folio_next PID ADDR, fork_nodup_next PID, fork_noinc_next PID, fork_repay, zap_keepref_next PID, fork_delay_next PID MS, disarm)\n",
		       verb);
		return -EINVAL;
	}
	if (extra) {
		pr_err("cmd: %s: extra words '%s'\n", verb, extra);
		return -EINVAL;
	}
	if (ssi_parse_pid(verb, a1, &nr))
		return -EINVAL;
	if (!strcmp(verb, "anon_unexcl_next")) {
		if (a2 && ssi_parse_addr(verb, a2, &addr))
			return -EINVAL;
		return ssi_arm_unexcl(nr, addr);
	}
	if (ssi_parse_addr(verb, a2, &addr))
		return -EINVAL;
	if (!strcmp(verb, "swp_mkexcl"))
		return ssi_swp_mkexcl(nr, addr);
	if (!strcmp(verb, "swp_clear_keepref"))
		return ssi_swp_clear_keepref(nr, addr);
	if (!strcmp(verb, "swp_restore"))
		return ssi_swp_restore(nr, addr);
	if (!strcmp(verb, "big_folio_next"))
		return ssi_arm_big(nr, addr);
	return ssi_arm_zap(nr, addr);
}

static ssize_t ssi_cmd_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[96];
	int err;

	if (!count || count >= sizeof(buf)) {
		pr_err("cmd: a command is 1..%zu bytes, got %zu\n",
		       sizeof(buf) - 1, count);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count) {
		pr_err("cmd: NUL byte in command\n");
		return -EINVAL;
	}
	mutex_lock(&ssi_lock);
	err = ssi_command(strim(buf));
	mutex_unlock(&ssi_lock);
	return err ? err : count;
}

static const struct file_operations ssi_cmd_fops = {
	.owner = THIS_MODULE,
	.write = ssi_cmd_write,
	.llseek = noop_llseek,
};

static int ssi_status_show(struct seq_file *m, void *v)
{
	mutex_lock(&ssi_lock);
	seq_printf(m, "injection=swp_mkexcl done=%u pid=%d addr=0x%lx pte_before=0x%llx pte_after=0x%llx\n",
		   ssi_mkexcl.done, ssi_mkexcl.tgid, ssi_mkexcl.addr,
		   ssi_mkexcl.pte_before, ssi_mkexcl.pte_after);
	seq_printf(m, "injection=anon_unexcl state=%s pid=%d addr=0x%lx fired=%u fired_addr=0x%lx was_exclusive=%d nmissed=%d fired_nr=%ld fired_new=%d\n",
		   ssi_state_names[atomic_read_acquire(&ssi_unexcl.state)],
		   ssi_unexcl.tgid, ssi_unexcl.addr, ssi_unexcl.fired,
		   ssi_unexcl.fired_addr, ssi_unexcl.was_exclusive,
		   ssi_rmap_probe.nmissed + ssi_new_rmap_probe.nmissed,
		   ssi_unexcl.fired_nr, ssi_unexcl.fired_new);
	seq_printf(m, "injection=zap_marker state=%s pid=%d addr=0x%lx fired=%u claimed=%u zaps_without_marker=%u unlocked=%u nmissed=%d\n",
		   ssi_state_names[atomic_read_acquire(&ssi_zap.state)],
		   ssi_zap.tgid, ssi_zap.addr, ssi_zap.fired, ssi_zap.claimed,
		   ssi_zap.zaps_without_marker, ssi_zap.unlocked,
		   ssi_zap_probe.nmissed);
	seq_printf(m, "injection=swp_clear_keepref done=%u kept=%d pid=%d addr=0x%lx pte=0x%llx swp_type=%u swp_offset=%lu restored=%u dropped=%u\n",
		   ssi_keep.done, ssi_keep.kept, ssi_keep.tgid, ssi_keep.addr,
		   ssi_keep.pte, swp_type(ssi_keep.entry),
		   swp_offset(ssi_keep.entry), ssi_keep.restored,
		   ssi_keep.dropped);
	seq_printf(m, "injection=swap_ref state=%s kind=%s pid=%d fork_nodup_fired=%u fork_noinc_fired=%u zap_keepref_fired=%u fork_delay_fired=%u owed=%d swp_type=%u swp_offset=%lu repaid=%u keepref_nr=%u\n",
		   ssi_state_names[atomic_read_acquire(&ssi_ref.state)],
		   ssi_ref_names[ssi_ref.kind], ssi_ref.tgid,
		   ssi_ref.fired[SSI_REF_NODUP], ssi_ref.fired[SSI_REF_NOINC],
		   ssi_ref.fired[SSI_REF_KEEPREF],
		   ssi_ref.fired[SSI_REF_DELAY], ssi_ref.owed,
		   swp_type(ssi_ref.entry), swp_offset(ssi_ref.entry),
		   ssi_ref.repaid, ssi_ref.keepref_nr);
	seq_printf(m, "injection=big_folio state=%s pid=%d addr=0x%lx fired=%u fired_addr=0x%lx real_nr_pages=%lu big_nr_pages=%lu registered=%d nmissed=%lu\n",
		   ssi_state_names[atomic_read_acquire(&ssi_big.state)],
		   ssi_big.tgid, ssi_big.addr, ssi_big.fired,
		   ssi_big.fired_addr, ssi_big.real_nr,
		   folio_nr_pages(&ssi_big_folio),
		   ssi_big.registered,
		   ssi_big_probe.nmissed + ssi_big_fix.nmissed);
	mutex_unlock(&ssi_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ssi_status);

static int __init ssinject_init(void)
{
	int err;

	err = register_kretprobe(&ssi_rmap_probe);
	if (err) {
		pr_err("kretprobe on %s: %d\n", ssi_rmap_probe.kp.symbol_name,
		       err);
		return err;
	}
	if (ssi_new_rmap_probe.kp.symbol_name) {
		err = register_kretprobe(&ssi_new_rmap_probe);
		if (err) {
			pr_err("kretprobe on %s: %d\n",
			       ssi_new_rmap_probe.kp.symbol_name, err);
			goto out_rmap;
		}
	}
	err = register_kretprobe(&ssi_zap_probe);
	if (err) {
		pr_err("kretprobe on %s: %d\n", ssi_zap_probe.kp.symbol_name,
		       err);
		goto out_new_rmap;
	}
	ssi_find_syms();
	ssi_big_folio_init();
	for_each_kernel_tracepoint(ssi_find_rss_tp, NULL);
	err = ssi_rss_tp ? tracepoint_probe_register(ssi_rss_tp, ssi_rss_stat,
						     NULL) : -ENOENT;
	if (err) {
		pr_err("probe on tracepoint rss_stat: %d\n", err);
		goto out_zap;
	}
	ssi_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("cmd", 0200, ssi_dir, NULL, &ssi_cmd_fops);
	debugfs_create_file("status", 0400, ssi_dir, NULL, &ssi_status_fops);
	pr_info("loaded: test-only fault injection, for disposable VMs\n");
	return 0;

out_zap:
	unregister_kretprobe(&ssi_zap_probe);
out_new_rmap:
	if (ssi_new_rmap_probe.kp.symbol_name)
		unregister_kretprobe(&ssi_new_rmap_probe);
out_rmap:
	unregister_kretprobe(&ssi_rmap_probe);
	return err;
}

static void __exit ssinject_exit(void)
{
	/* No command runs once debugfs_remove_recursive() returns. */
	debugfs_remove_recursive(ssi_dir);
	ssi_big_unregister();
	ssi_ref_unregister();
	if (ssi_ref.owed) {
		pr_info("unload: taking the owed reference of swap type %u offset %lu\n",
			swp_type(ssi_ref.entry), swp_offset(ssi_ref.entry));
		ssi_fork_repay();
	}
	if (ssi_keep.kept) {
		pr_info("unload: dropping the kept reference of swap type %u offset %lu\n",
			swp_type(ssi_keep.entry), swp_offset(ssi_keep.entry));
		ssi_keep_drop();
	}
	tracepoint_probe_unregister(ssi_rss_tp, ssi_rss_stat, NULL);
	tracepoint_synchronize_unregister();
	unregister_kretprobe(&ssi_zap_probe);
	if (ssi_new_rmap_probe.kp.symbol_name)
		unregister_kretprobe(&ssi_new_rmap_probe);
	unregister_kretprobe(&ssi_rmap_probe);
}

module_init(ssinject_init);
module_exit(ssinject_exit);
MODULE_DESCRIPTION("swapscope test-only fault injection (disposable VMs only)");
MODULE_LICENSE("GPL");
