// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the probes on the four paths and what each handler records.
 *
 * Every handler does a bounded, lockless classification (walk.c) and adds
 * the result to per-cpu counters (stats.c).  Nothing here sleeps,
 * allocates or takes a lock.  A probe whose symbol is missing or refused
 * stays unavailable, with the reason, and the others work on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/sched/clock.h>
#include <linux/kallsyms.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/rmap.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>
#include "swapscope.h"
#include "compat/rss.h"
#include "compat/probes.h"
#include "pmwatch.h"

unsigned int ss_maxactive = 128;

/* All registered: no probe a count relies on is missing hits any more. */
static bool ss_probes_ready;

/* symbols= overrides, e.g. for a kernel where a function was renamed. */
static char ss_symbol_override[SS_NR_PROBES][KSYM_NAME_LEN];

/* Largest folio whose pages the reclaim rules judge one by one. */
#define SS_MAX_FOLIO_PAGES	512

/* Per-page facts kept from try_to_unmap_one's entry to its return. */
#define SS_PG_PRESENT	BIT(0)
#define SS_PG_ANON	BIT(1)
#define SS_PG_EXCL	BIT(2)
#define SS_PG_SHMEM	BIT(3)
#define SS_PG_YOUNG	BIT(4)

/* What a kretprobe instance carries from entry to return, per path. */
struct ss_zap_call {
	struct vm_area_struct *vma;
	bool in_scope;
	unsigned long addr, end;
	struct ss_zap_obs obs;
	struct ss_watch *watch;
	struct ss_spans spans;		/* where the entry walk found anything */
	bool truncated;			/* the entry walk was cut short */
	long rss[SS_NR_RSS];		/* the mm's counters at entry */
	long worth[SS_NR_RSS];		/* what the range's entries were worth */
	struct ss_refs *refs;		/* its free_swap_and_cache() calls */
	bool alone;			/* mm_users <= 1 at entry: Z4 judged */
};

struct ss_fork_call {
	struct vm_area_struct *dst, *src;
	long swapents;
	struct ss_fork_obs obs;
	struct ss_spans spans;		/* where the parent had anything */
	struct ss_watch *watch;		/* the parent mm, see ss_fork_entry */
	struct ss_watch *child_watch;	/* the child mm: was it quiet? */
	struct ss_refs *refs;		/* its swap_duplicate() calls */
	bool parent_settled;		/* nothing fork must change in the parent */
};

struct ss_swapin_call {
	struct vm_area_struct *vma;
	pmd_t *pmd;			/* vmf->pmd: the PTE's table at return */
	struct vm_fault *vmf;		/* the caller's: alive at return */
	unsigned long addr;
	u64 orig_pte;
	struct ss_swapin_obs obs;
	struct ss_watch *watch;
	bool own_mm;			/* faulting in its own mm: task cache */
	bool remote;			/* for another mm: a writer of it */
	struct mm_struct *mm;		/* only hashed at return */
	bool in_scope;
	bool refs_ready;		/* every swap_free() of the fault seen */
	long rss[SS_NR_RSS];
};

struct ss_reclaim_call {
	struct folio *folio;
	struct vm_area_struct *vma;
	bool in_scope;
	bool cause_at_entry;		/* U2: pinned or lazyfree at entry */
	unsigned long addr;
	unsigned long base;		/* where page 0 would be mapped */
	unsigned int nr;
	bool for_swapout;
	u8 page[SS_MAX_FOLIO_PAGES];
	u64 first_pte;
};

struct ss_teardown_call {
	struct mm_struct *mm;
};

struct ss_shmem_call {
	swp_entry_t entry;
	unsigned int nr;		/* slots given to shmem at once */
};

/*
 * swap_duplicate() / free_swap_and_cache() of a registered fork or zap,
 * or free_swap_and_cache_nr(): nr slots, each slot's byte read at entry.
 */
struct ss_ref_call {
	struct ss_refs *refs;
	swp_entry_t entry;
	unsigned int nr;
	bool known;
	u8 before[SS_MAX_FOLIO_PAGES];
};

struct ss_probe_slot {
	const char *name;
	const char *symbol;
	bool is_ret;
	union {
		struct kprobe kp;
		struct kretprobe rp;
	};
	enum ss_probe_state state;
	const char *reason;
	/* time_handlers=1: the handlers the timed ones call */
	kprobe_pre_handler_t pre;
	kretprobe_handler_t entry, ret;
	/*
	 * Optional: probes of its own the probe needs to judge anything,
	 * placed once it is registered (@addr: where it sits).  Without
	 * them it is unavailable with @attach_reason; their missed hits
	 * are its own.
	 */
	int (*attach)(void *addr);
	void (*detach)(void);
	unsigned long (*attached_missed)(void);
	const char *attach_reason;
};

static DEFINE_PER_CPU(u64, ss_hits[SS_NR_PROBES]);

static void ss_hit(enum ss_probe id)
{
	this_cpu_inc(ss_hits[id]);
}

/* For the handlers of other files (pmwatch.c). */
void ss_probe_hit(enum ss_probe id)
{
	ss_hit(id);
}

static unsigned long ss_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/*
 * A sample of the call's @nr violations of @rule, at the first entry of a
 * walk that matched @which.
 */
static void ss_sample_first(enum ss_rule rule, enum ss_probe probe,
			    const struct ss_tally *t, enum ss_first which,
			    u32 nr)
{
	const struct ss_first_entry *f = &t->first[which];
	struct ss_pte_view v;

	ss_view_pte(__pte(f->pte), &v, NULL);
	ss_sample(rule, probe, f->addr, f->pte, f->pte, &v, nr);
}

static u32 ss_nonpresent(const struct ss_tally *t)
{
	unsigned long n = 0;
	int k;

	for (k = SS_KIND_FIRST; k < SS_KIND_END; k++)
		if (k != SS_CNT_PRESENT)
			n += t->c[k];
	return n;
}

static u32 ss_migrations(const struct ss_tally *t)
{
	return t->c[SS_CNT_MIGRATION_READ] + t->c[SS_CNT_MIGRATION_READ_EXCL] +
	       t->c[SS_CNT_MIGRATION_WRITE];
}

/* ---- zap: unmap_page_range(tlb, vma, addr, end, details) ---- */

/*
 * Seed 000: a zap with zap_details and even_cows clear keeps private COW
 * swap entries; every other zap clears everything.  The two are counted
 * apart so the rules can hold each to its own semantics.
 */
static int ss_zap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_zap_call *call = (void *)ri->data;
	struct zap_details *details = (void *)ss_arg(regs, 4);
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };
	struct ss_zap_obs *o = &call->obs;

	ss_hit(SS_PROBE_ZAP);
	call->vma = (void *)ss_arg(regs, 1);
	/*
	 * Every zap is a writer that the watches of its mm must know of
	 * (rsswatch.c), in scope or not, so the return probe always runs.
	 */
	call->in_scope = ss_in_scope(call->vma->vm_mm);
	if (!call->in_scope) {
		ss_writer_begin(call->vma->vm_mm, false);
		return 0;
	}
	call->addr = ss_arg(regs, 2);
	call->end = ss_arg(regs, 3);
	memset(o, 0, sizeof(*o));
	o->mapping = details && !details->even_cows;
	/* unmap_vmas passes details only to drop markers; not the old skip. */
	o->has_details = details &&
			 !(details->zap_flags & ZAP_FLAG_DROP_MARKER);
	o->single_folio = details && details->single_folio;
	o->markers_allowed = !vma_is_anonymous(call->vma) &&
			     userfaultfd_wp(call->vma);
	/*
	 * Z4 is judged for an mm only this zap can change: torn down, or with
	 * one user (threads fold their RSS caches in at any time).  The watch
	 * starts before the walk, so a migration racing with the walk (which
	 * leaves a PTE briefly none) marks the call too.
	 */
	call->alone = atomic_read(&call->vma->vm_mm->mm_users) <= 1;
	/*
	 * Any other zap has a watch too, for Z1 and Z2's leftovers only:
	 * did a writer (reclaim, migration) touch the mm meanwhile?
	 */
	call->watch = call->alone ? ss_watch_begin(call->vma->vm_mm) :
		      ss_watch_begin_for_walk(call->vma->vm_mm);
	/* After its own watch began: a writer does not pollute itself. */
	ss_writer_begin(call->vma->vm_mm, false);
	/* Z1 and Z2: the references the zap drops (swaprefs.c). */
	call->refs = ss_refs_begin(call->vma, false, !o->mapping);
	ss_walk_vma(call->vma, call->addr, call->end, &t, &call->spans);
	o->nonpresent = ss_nonpresent(&t);
	o->swap = t.c[SS_CNT_SWAP];
	o->migration = ss_migrations(&t);
	o->migration_file = t.c[SS_CNT_MIGRATION_FILE];
	ss_stats_add(o->mapping ? SS_PATH_ZAP_MAPPING : SS_PATH_ZAP_FULL,
		     SS_PHASE_BEFORE, &t);
	memcpy(call->worth, t.rss, sizeof(call->worth));
	call->truncated = t.c[SS_CNT_TRUNCATED];
	ss_rss_read(call->vma->vm_mm, current->mm == call->vma->vm_mm,
		    call->rss);
	return 0;
}
NOKPROBE_SYMBOL(ss_zap_entry);

/*
 * Z4: zap_pte_range adds to mm->rss_stat directly, but add_mm_rss_vec()
 * first folds the zapping task's own cache in when it zaps its own mm:
 * count that cache on both sides so the fold cancels out.
 */
static void ss_zap_rss(struct ss_zap_call *call, const long now[SS_NR_RSS],
		       const struct ss_tally *after, struct ss_judgement *j)
{
	long expected[SS_NR_RSS], actual[SS_NR_RSS];
	int i;

	/* A walk cut by the budget does not know what the range was worth. */
	if (call->truncated || after->c[SS_CNT_TRUNCATED])
		return;
	for (i = 0; i < SS_NR_RSS; i++) {
		expected[i] = after->rss[i] - call->worth[i];
		actual[i] = now[i] - call->rss[i];
	}
	ss_judge_zap_rss(expected, actual, j);
}

static int ss_zap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_zap_call *call = (void *)ri->data;
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };
	struct ss_zap_obs *o = &call->obs;
	struct ss_judgement j = { };
	struct mm_struct *mm = call->vma->vm_mm;
	struct ss_evidence ev = { };
	long now[SS_NR_RSS];
	bool quiet = false;

	if (!call->in_scope) {
		ss_writer_end(call->vma->vm_mm);
		return 0;
	}
	o->refs_dropped = ss_refs_end(call->refs, &o->refs_known);
	/* The counters first: the watch must cover up to this read. */
	if (call->alone) {
		ss_rss_read(mm, current->mm == mm, now);
		o->writers_quiet = ss_watch_end_alone(call->watch, mm);
		quiet = o->writers_quiet;
		if (call->watch && !quiet)
			ss_watch_interfered_call();
	} else {
		o->writers_quiet = ss_watch_end(call->watch);
	}
	/*
	 * Reading only the spans assumes nothing filled a slot outside them.
	 * Only a quiet watch says so: an mm with one user, whose counters
	 * nobody else changed and no other writer touched.  Other threads may
	 * fault during a zap under a read mmap_lock (MADV_DONTNEED), and
	 * reclaim or migration rewrite PTEs through a moment where they are
	 * none: then read it all.
	 */
	if (!quiet)
		call->spans.complete = false;
	ss_rewalk_vma(call->vma, call->addr, call->end, &call->spans, &t);
	ss_stats_add(o->mapping ? SS_PATH_ZAP_MAPPING : SS_PATH_ZAP_FULL,
		     SS_PHASE_AFTER, &t);
	o->nonpresent_after = ss_nonpresent(&t) - t.c[SS_CNT_UFFD_WP_MARKER];
	o->markers_after = t.c[SS_CNT_UFFD_WP_MARKER];
	o->swap_after = t.c[SS_CNT_SWAP];
	o->migration_file_after = t.c[SS_CNT_MIGRATION_FILE];
	o->quiet = quiet;
	o->truncated = call->truncated || t.c[SS_CNT_TRUNCATED];
	ss_judge_zap(o, &j);
	/*
	 * Z4 is judged on a quiet call only; any other zap that found
	 * something to clear was a judgement not made.
	 */
	if (quiet)
		ss_zap_rss(call, now, &t, &j);
	else if (o->nonpresent || call->worth[SS_RSS_ANON] ||
		 call->worth[SS_RSS_FILE] || call->worth[SS_RSS_SHMEM])
		ss_unjudged(&j, SS_RULE_Z4, 1);
	ss_rules_account(&j, o->mapping ? SS_SOURCE_ZAP_MAPPING :
			 SS_SOURCE_ZAP_FULL, call->addr);
	ss_evidence_vma(&ev, call->vma, &j);
	if (j.viol[SS_RULE_Z1] && j.diff.rule == SS_RULE_Z1 && j.diff.what)
		ss_sample_ev(SS_RULE_Z1, SS_PROBE_ZAP, call->addr, 0, 0, NULL,
			     &ev, j.viol[SS_RULE_Z1]);
	else if (j.viol[SS_RULE_Z1])
		ss_sample_first(SS_RULE_Z1, SS_PROBE_ZAP, &t,
				o->nonpresent_after ? SS_FIRST_NONPRESENT :
						      SS_FIRST_MARKER,
				j.viol[SS_RULE_Z1]);
	if (j.viol[SS_RULE_Z2] && j.diff.rule == SS_RULE_Z2 && j.diff.what)
		ss_sample_ev(SS_RULE_Z2, SS_PROBE_ZAP, call->addr, 0, 0, NULL,
			     &ev, j.viol[SS_RULE_Z2]);
	else if (j.viol[SS_RULE_Z2])
		ss_sample_first(SS_RULE_Z2, SS_PROBE_ZAP, &t,
				o->migration_file_after ?
				SS_FIRST_MIGRATION_FILE : SS_FIRST_NONPRESENT,
				j.viol[SS_RULE_Z2]);
	if (j.viol[SS_RULE_Z4])
		ss_sample_ev(SS_RULE_Z4, SS_PROBE_ZAP, call->addr, 0, 0, NULL,
			     &ev, j.viol[SS_RULE_Z4]);
	ss_writer_end(call->vma->vm_mm);
	return 0;
}
NOKPROBE_SYMBOL(ss_zap_ret);

static int ss_zap_single_pre(struct kprobe *p, struct pt_regs *regs)
{
	ss_hit(SS_PROBE_ZAP_SINGLE);
	return 0;
}
NOKPROBE_SYMBOL(ss_zap_single_pre);

static int ss_zap_mapping_pre(struct kprobe *p, struct pt_regs *regs)
{
	ss_hit(SS_PROBE_ZAP_MAPPING);
	return 0;
}
NOKPROBE_SYMBOL(ss_zap_mapping_pre);

/* ---- fork: copy_page_range(dst_vma, src_vma) ---- */

static int ss_fork_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_fork_call *call = (void *)ri->data;
	struct ss_tally t = { .c[SS_CNT_CALLS] = 1 };

	ss_hit(SS_PROBE_FORK);
	call->dst = (void *)ss_arg(regs, 0);
	call->src = (void *)ss_arg(regs, 1);
	if (!ss_in_scope(call->src->vm_mm))
		return 1;
	/*
	 * F1's counts are the child's: its MM_SWAPENTS against its swap
	 * PTEs, and the references taken.  Reclaim may swap out a page fork
	 * already mapped in the child, anywhere in the child's mm, while this
	 * call runs (the child's VMAs are on the anon_vma chains before their
	 * PTEs are copied): the child's own watch, begun before the counter
	 * is read, says whether anybody did.
	 */
	call->child_watch = ss_watch_begin_for_walk(call->dst->vm_mm);
	call->swapents = ss_mm_counter_read(call->dst->vm_mm, MM_SWAPENTS);
	memset(&call->obs, 0, sizeof(call->obs));
	call->obs.cow = is_cow_mapping(call->src->vm_flags);
	/*
	 * Reclaim and migration need no mmap_lock: they may rewrite the
	 * parent's PTEs during the fork, through a moment where a PTE is
	 * none, which the walk below could read.  The watch is marked when
	 * they touch this mm; then the return walks read everything.
	 */
	call->watch = ss_watch_begin_for_walk(call->src->vm_mm);
	call->refs = ss_refs_begin(call->src, true, true);
	ss_walk_vma(call->src, call->src->vm_start, call->src->vm_end, &t,
		    &call->spans);
	call->obs.parent_migration_write = t.c[SS_CNT_MIGRATION_WRITE];
	/*
	 * F1/F2 ask the parent to lose exclusive swap entries and writable
	 * migration entries.  Fork makes neither, and nothing else can
	 * while it holds the mmap_lock but reclaim and migration (the watch
	 * sees them), from present exclusive or writable pages, huge ones,
	 * exclusive migration entries or device entries.  A parent with none
	 * of these at entry has none after: its walk at return is skipped.
	 */
	call->parent_settled = !t.c[SS_CNT_SWAP_EXCLUSIVE] &&
			       !t.c[SS_CNT_MIGRATION_WRITE] &&
			       !t.c[SS_CNT_MIGRATION_READ_EXCL] &&
			       !t.c[SS_CNT_DEVICE_PRIVATE] &&
			       !t.c[SS_CNT_DEVICE_EXCLUSIVE] &&
			       !t.c[SS_CNT_PRESENT_ANON_EXCL] &&
			       !t.c[SS_CNT_PRESENT_WRITABLE] &&
			       !t.c[SS_CNT_HUGE] &&
			       !t.c[SS_CNT_TRUNCATED];
	ss_stats_add(SS_PATH_FORK, SS_PHASE_BEFORE, &t);
	return 0;
}
NOKPROBE_SYMBOL(ss_fork_entry);

/*
 * The child is not running yet and both mmap_locks are held for write:
 * neither side can fault.  Reclaim and migration still can write both
 * (see ss_fork_entry); the watches say when they did.
 */
static int ss_fork_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_fork_call *call = (void *)ri->data;
	struct ss_tally child = { .c[SS_CNT_CALLS] = 1 };
	struct ss_tally parent = { };
	struct ss_fork_obs *o = &call->obs;
	struct ss_judgement j = { };
	struct ss_evidence ev = { };
	long swapents;

	if (regs_return_value(regs)) {
		child.c[SS_CNT_FAILED] = 1;
		o->failed = true;
	}
	o->refs_taken = ss_refs_end(call->refs, &o->refs_known);
	/* Reclaim or migration touched the parent, or no watch: read all. */
	o->parent_quiet = ss_watch_end(call->watch);
	if (!o->parent_quiet) {
		call->spans.complete = false;
		call->parent_settled = false;
	}
	ss_rewalk_vma(call->dst, call->dst->vm_start, call->dst->vm_end,
		      &call->spans, &child);
	ss_stats_add(SS_PATH_FORK, SS_PHASE_AFTER, &child);
	if (!call->parent_settled)
		ss_rewalk_vma(call->src, call->src->vm_start, call->src->vm_end,
			      &call->spans, &parent);
	/* The counter after the walk: the child's watch covers both. */
	swapents = ss_mm_counter_read(call->dst->vm_mm, MM_SWAPENTS);
	o->child_quiet = ss_watch_end(call->child_watch);
	o->child_swap = child.c[SS_CNT_SWAP];
	o->child_swap_excl = child.c[SS_CNT_SWAP_EXCLUSIVE];
	o->child_migration_write = child.c[SS_CNT_MIGRATION_WRITE];
	o->parent_swap_excl_after = parent.c[SS_CNT_SWAP_EXCLUSIVE];
	o->parent_migration_write_after = parent.c[SS_CNT_MIGRATION_WRITE];
	o->child_swapents_delta = swapents - call->swapents;
	/* A cut walk undercounts the child's entries: no MM_SWAPENTS check. */
	if (child.c[SS_CNT_TRUNCATED])
		o->failed = true;
	ss_judge_fork(o, &j);
	ss_rules_account(&j, SS_SOURCE_FORK, call->src->vm_start);
	if (j.viol[SS_RULE_F1] && j.diff.rule == SS_RULE_F1 && j.diff.what) {
		ss_evidence_vma(&ev, call->dst, &j);
		ev.child = true;
		/* The child has no owner yet: name the parent making it. */
		ev.mm = call->src->vm_mm;
		ss_sample_ev(SS_RULE_F1, SS_PROBE_FORK, call->dst->vm_start,
			     0, 0, NULL, &ev, j.viol[SS_RULE_F1]);
	} else if (j.viol[SS_RULE_F1]) {
		ss_sample_first(SS_RULE_F1, SS_PROBE_FORK,
				o->child_swap_excl ? &child : &parent,
				SS_FIRST_SWAP_EXCL, j.viol[SS_RULE_F1]);
	}
	if (j.viol[SS_RULE_F2])
		ss_sample_first(SS_RULE_F2, SS_PROBE_FORK,
				o->child_migration_write ? &child : &parent,
				SS_FIRST_MIGRATION_WRITE, j.viol[SS_RULE_F2]);
	return 0;
}
NOKPROBE_SYMBOL(ss_fork_ret);

/* ---- swap-in: do_swap_page(vmf) ---- */

static int ss_swapin_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_fault *vmf = (void *)ss_arg(regs, 0);
	struct ss_swapin_call *call = (void *)ri->data;
	struct ss_swapin_obs *o = &call->obs;
	struct ss_slot slot;

	ss_hit(SS_PROBE_SWAPIN);
	call->vma = vmf->vma;
	/*
	 * A fault for another mm (khugepaged's swap-in, GUP) counts straight
	 * into that mm's counters: a writer its watches must know of
	 * (rsswatch.c), in scope or not.
	 */
	call->mm = call->vma->vm_mm;
	call->remote = current->mm != call->mm;
	if (call->remote)
		ss_writer_begin(call->mm, false);
	call->in_scope = ss_in_scope(call->mm);
	if (!call->in_scope)
		return call->remote ? 0 : 1;
	call->addr = vmf->address & PAGE_MASK;
	call->pmd = vmf->pmd;
	call->vmf = vmf;
	call->orig_pte = pte_val(vmf->orig_pte);
	memset(o, 0, sizeof(*o));
	ss_view_pte(vmf->orig_pte, &o->before, &slot);
	ss_stats_call(SS_PATH_SWAPIN, SS_PHASE_BEFORE, false);
	ss_stats_view(SS_PATH_SWAPIN, SS_PHASE_BEFORE, &o->before);
	/*
	 * As do_swap_page decides: not cached, synchronous device, one
	 * user of the slot.  Only in an mm with one user: else another
	 * thread's fault of the same PTE may bring the folio into the swap
	 * cache and map it first (this fault then fails pte_same and maps
	 * nothing), and the PTE at return is not this fault's to judge.
	 */
	o->fresh = slot.count_known && !slot.in_cache &&
		   (slot.flags & SWP_SYNCHRONOUS_IO) && slot.count == 1 &&
		   atomic_read(&call->mm->mm_users) == 1;
	o->stable_writes = slot.flags & SWP_STABLE_WRITES;

	/* S4 only for a task alone in its mm: no other thread's cache. */
	call->own_mm = current->mm == call->vma->vm_mm &&
		       atomic_read(&current->mm->mm_users) == 1;
	call->watch = call->own_mm ? ss_watch_begin(current->mm) : NULL;
	/* Its swap_free() probe in since before the fault: S4's reference. */
	call->refs_ready = smp_load_acquire(&ss_probes_ready) &&
			   ss_probe_active(SS_PROBE_SWAP_FREE);
	if (call->watch) {
		ss_watch_entry(call->watch, pte_to_swp_entry(vmf->orig_pte));
		ss_rss_read(current->mm, true, call->rss);
	}
	return 0;
}
NOKPROBE_SYMBOL(ss_swapin_entry);

/*
 * S4: do_swap_page counts into the faulting task's cache
 * (add_mm_counter_fast) and drops the entry's reference with swap_free().
 */
static void ss_swapin_acct(struct ss_swapin_call *call, unsigned int nr,
			   struct ss_judgement *j)
{
	struct ss_swapin_acct a = { .refs_known = call->refs_ready, .nr = nr };
	long now[SS_NR_RSS];
	int i;

	bool mapped = call->obs.before.kind == SS_CNT_SWAP &&
		      call->obs.after.kind == SS_CNT_PRESENT;

	/* A swap-in S4 cannot judge exactly: threads, or a full table. */
	if (!call->watch) {
		if (mapped)
			ss_unjudged(j, SS_RULE_S4, nr ? nr : 1);
		return;
	}
	ss_rss_read(current->mm, true, now);
	a.refs_dropped = ss_watch_freed(call->watch);
	if (!ss_watch_end_alone(call->watch, current->mm)) {
		if (mapped) {
			ss_watch_interfered_call();
			ss_unjudged(j, SS_RULE_S4, nr ? nr : 1);
		}
		return;
	}
	if (!mapped)
		return;
	for (i = 0; i < SS_NR_RSS; i++)
		a.delta[i] = now[i] - call->rss[i];
	/*
	 * nr 0: a large folio from the swap cache, mapped whole or only at
	 * the fault (see ss_swapin_mapped()).  Anon +1 says the one page,
	 * and is judged as such; anything else is not judged.
	 */
	if (!nr) {
		if (a.delta[SS_RSS_ANON] != 1) {
			ss_unjudged(j, SS_RULE_S4, 1);
			return;
		}
		a.nr = 1;
	}
	ss_judge_swapin_acct(&a, j);
}

/*
 * 6.12 maps a large folio whole in one fault: a fresh one read from a
 * synchronous device (an mTHP size enabled), or one found whole in the
 * swap cache, when all its pages' PTEs are swap entries alike (the same
 * exclusive bit as the faulting one: swap_pte_batch()), and frees their
 * nr references with one swap_free_nr().  The fault's PTE then maps page
 * idx of an nr-page folio whose other pages sit in the PTEs around it.
 * Returns the pages the fault may have mapped: the folio's nr when every
 * PTE of its span, inside the VMA and one page table, maps its page;
 * else 1.  *@idx is the faulting page's index in the folio.
 */
static unsigned int ss_swapin_span(struct ss_swapin_call *call, pte_t pte,
				   unsigned int *idx)
{
	unsigned long start, pfn = pte_pfn(pte);
	struct folio *folio;
	unsigned int nr, i;
	pte_t other;

	*idx = 0;
	if (!pte_present(pte) || !pfn_valid(pfn))
		return 1;
	folio = page_folio(pfn_to_page(pfn));
	nr = folio_nr_pages(folio);
	if (nr == 1 || nr > SS_MAX_FOLIO_PAGES)
		return 1;
	*idx = folio_page_idx(folio, pfn_to_page(pfn));
	start = call->addr - (unsigned long)*idx * PAGE_SIZE;
	if (start < call->vma->vm_start ||
	    start + nr * PAGE_SIZE > call->vma->vm_end ||
	    (start & PMD_MASK) != ((start + nr * PAGE_SIZE - 1) & PMD_MASK))
		goto one;
	for (i = 0; i < nr; i++) {
		if (i == *idx)
			continue;
		if (ss_read_pte_pmd(call->pmd, start + i * PAGE_SIZE, &other) <= 0 ||
		    !pte_present(other) || pte_pfn(other) != pfn - *idx + i)
			goto one;
	}
	return nr;
one:
	*idx = 0;
	return 1;
}

/*
 * S1 and S3 on the other pages of a large folio the fault mapped whole:
 * each was a swap entry like the faulting one (swap_pte_batch() required
 * it), each is judged on its own PTE now.
 */
static void ss_swapin_judge_rest(struct ss_swapin_call *call, unsigned int nr,
				 unsigned int idx, struct ss_judgement *j)
{
	unsigned long start = call->addr - (unsigned long)idx * PAGE_SIZE;
	struct ss_swapin_obs o = call->obs;
	unsigned int i;
	pte_t pte;

	for (i = 0; i < nr; i++) {
		u32 s1 = j->viol[SS_RULE_S1], s3 = j->viol[SS_RULE_S3];
		unsigned long addr = start + i * PAGE_SIZE;

		if (i == idx ||
		    ss_read_pte_pmd(call->pmd, addr, &pte) <= 0)
			continue;
		ss_view_pte(pte, &o.after, NULL);
		ss_judge_swapin(&o, j);
		if (j->viol[SS_RULE_S1] != s1)
			ss_sample(SS_RULE_S1, SS_PROBE_SWAPIN, addr,
				  call->orig_pte, pte_val(pte), &o.after,
				  j->viol[SS_RULE_S1] - s1);
		if (j->viol[SS_RULE_S3] != s3)
			ss_sample(SS_RULE_S3, SS_PROBE_SWAPIN, addr,
				  call->orig_pte, pte_val(pte), &o.after,
				  j->viol[SS_RULE_S3] - s3);
	}
}

/*
 * How many pages this fault mapped.  A fresh folio was allocated for it:
 * mapped whole when its span maps it.  A large folio from the swap cache
 * may have had pages mapped before (then the fault maps only its own):
 * the fault's own swap_free_nr() says, when its watch counted it; else
 * 0: it mapped 1 or all of them, so the folio's other pages are not
 * judged, and S4 cannot expect one page (a 2 MB folio swapped out whole
 * and faulted back from the swap cache moves anon by 512).  Also 0 when
 * a write fault's do_wp_page() may have replaced the page at the fault.
 */
static unsigned int ss_swapin_mapped(struct ss_swapin_call *call, pte_t pte,
				     unsigned int *idx, struct ss_judgement *j)
{
	unsigned int span = ss_swapin_span(call, pte, idx);

	/*
	 * FAULT_FLAG_WRITE still set at return: do_swap_page mapped the
	 * folio read-only and ended in do_wp_page(), which may have put a
	 * copy in the fault's PTE.  A small page there then says nothing of
	 * how many pages of a large swap-cache folio the fault mapped (6.12
	 * maps a 2 MB one whole, anon +512, and the write copies page 0).
	 */
	if (span == 1 && !call->obs.fresh &&
	    (READ_ONCE(call->vmf->flags) & FAULT_FLAG_WRITE)) {
		*idx = 0;
		return 0;
	}
	if (span == 1 || call->obs.fresh)
		return span;
	if (call->watch && call->refs_ready &&
	    ss_watch_freed(call->watch) == span)
		return span;
	ss_unjudged(j, SS_RULE_S1, span - 1);
	*idx = 0;
	return 0;
}

static int ss_swapin_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_swapin_call *call = (void *)ri->data;
	vm_fault_t ret = regs_return_value(regs);
	struct ss_swapin_obs *o = &call->obs;
	struct ss_judgement j = { };
	struct ss_evidence ev = { };
	unsigned int nr = 1, idx = 0;
	pte_t pte = __pte(0);
	u32 s1, s3;

	/* The VMA may be gone after a RETRY: the mm pointer is only hashed. */
	if (call->remote)
		ss_writer_end(call->mm);
	if (!call->in_scope)
		return 0;
	/*
	 * RETRY and COMPLETED mean do_swap_page dropped the mmap_lock: the
	 * page tables may be gone, so the result is not read.
	 */
	if (ret & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)) {
		ss_watch_end(call->watch);
		return 0;
	}
	/*
	 * The mmap_lock was held throughout (no RETRY): the PMD handle_pte_fault
	 * found is still the one that maps the page table, and a page walk from
	 * the PGD down would only find it again.  A table gone under the
	 * read (khugepaged only retracts tables of VMAs without an anon_vma,
	 * and a swap PTE gives its VMA one) leaves nothing to judge.
	 */
	if (ss_read_pte_pmd(call->pmd, call->addr, &pte) < 0) {
		ss_watch_end(call->watch);
		return 0;
	}
	ss_view_pte(pte, &o->after, NULL);
	/*
	 * A folio can enter the swap cache between the entry's look and
	 * do_swap_page's (MADV_WILLNEED, readahead for a neighbour): then
	 * the fault maps it and the page is not fresh.  6.1 says
	 * VM_FAULT_MAJOR exactly when it found no folio in the cache.
	 */
	if (!(ret & VM_FAULT_MAJOR))
		o->fresh = false;
	ss_stats_call(SS_PATH_SWAPIN, SS_PHASE_AFTER, ret & VM_FAULT_ERROR);
	ss_stats_view(SS_PATH_SWAPIN, SS_PHASE_AFTER, &o->after);
	ss_judge_swapin(o, &j);
	/* The faulting page's own; the rest of a large folio sample theirs. */
	s1 = j.viol[SS_RULE_S1];
	s3 = j.viol[SS_RULE_S3];
	if (o->before.kind == SS_CNT_SWAP && o->after.kind == SS_CNT_PRESENT &&
	    o->after.anon)
		nr = ss_swapin_mapped(call, pte, &idx, &j);
	if (nr > 1)
		ss_swapin_judge_rest(call, nr, idx, &j);
	if (ret & VM_FAULT_ERROR)
		ss_watch_end(call->watch);
	else
		ss_swapin_acct(call, nr, &j);
	ss_rules_account(&j, SS_SOURCE_SWAPIN, call->addr);
	ss_evidence_vma(&ev, call->vma, &j);
	if (j.viol[SS_RULE_F1])
		ss_sample(SS_RULE_F1, SS_PROBE_SWAPIN, call->addr,
			  call->orig_pte, pte_val(pte), &o->before,
			  j.viol[SS_RULE_F1]);
	if (s1)
		ss_sample(SS_RULE_S1, SS_PROBE_SWAPIN, call->addr,
			  call->orig_pte, pte_val(pte), &o->after, s1);
	if (j.viol[SS_RULE_S2])
		ss_sample(SS_RULE_S2, SS_PROBE_SWAPIN, call->addr,
			  call->orig_pte, pte_val(pte), &o->after,
			  j.viol[SS_RULE_S2]);
	if (s3)
		ss_sample(SS_RULE_S3, SS_PROBE_SWAPIN, call->addr,
			  call->orig_pte, pte_val(pte), &o->after, s3);
	if (j.viol[SS_RULE_S4])
		ss_sample_ev(SS_RULE_S4, SS_PROBE_SWAPIN, call->addr,
			     call->orig_pte, pte_val(pte), &o->before, &ev,
			     j.viol[SS_RULE_S4]);
	return 0;
}
NOKPROBE_SYMBOL(ss_swapin_ret);

/* ---- reclaim unmap: try_to_unmap_one(folio, vma, address, flags) ---- */

static u8 ss_page_flags(const struct ss_pte_view *v)
{
	return (v->kind == SS_CNT_PRESENT ? SS_PG_PRESENT : 0) |
	       (v->anon ? SS_PG_ANON : 0) | (v->anon_excl ? SS_PG_EXCL : 0) |
	       (v->shmem ? SS_PG_SHMEM : 0) | (v->young ? SS_PG_YOUNG : 0);
}

static void ss_page_view(u8 flags, struct ss_pte_view *v)
{
	memset(v, 0, sizeof(*v));
	v->kind = flags & SS_PG_PRESENT ? SS_CNT_PRESENT : SS_CNT_NONE;
	v->anon = flags & SS_PG_ANON;
	v->anon_excl = flags & SS_PG_EXCL;
	v->shmem = flags & SS_PG_SHMEM;
	v->young = flags & SS_PG_YOUNG;
}

/*
 * Where the folio's page 0 is (or would be) mapped in the VMA.  The
 * address try_to_unmap_one() gets is where the folio starts, clamped to
 * vm_start for a large folio that begins before the VMA (an mTHP that
 * mremap or a split VMA left straddling it, 6.12): its pages are found by
 * their index, as vma_address() finds them.  Not for KSM folios (one page,
 * its index is not the mapping's): the address given is the page's.
 */
static unsigned long ss_reclaim_base(const struct ss_reclaim_call *call)
{
	if (call->nr == 1)
		return call->addr;
	return call->vma->vm_start +
	       ((call->folio->index - call->vma->vm_pgoff) << PAGE_SHIFT);
}

/*
 * The PTE of folio page @i at @addr: false when @addr is outside the VMA
 * (that part of the folio is mapped elsewhere, if at all) or no table maps
 * it.  The entry read marks the pages that were this folio's: a present
 * PTE of another page is not judged.
 */
static bool ss_reclaim_read(const struct ss_reclaim_call *call, unsigned int i,
			    unsigned long addr, pte_t *pte)
{
	if (addr < call->vma->vm_start || addr >= call->vma->vm_end ||
	    !ss_read_pte(call->vma, addr, pte))
		return false;
	return !pte_present(*pte) ||
	       pte_pfn(*pte) == folio_pfn(call->folio) + i;
}

/* The rmap walk holds the anon_vma or i_mmap lock: the tables stay. */
static int ss_reclaim_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct ss_reclaim_call *call = (void *)ri->data;
	struct ss_pte_view v;
	unsigned int i;
	pte_t pte;

	ss_hit(SS_PROBE_RECLAIM);
	call->folio = (void *)ss_arg(regs, 0);
	call->vma = (void *)ss_arg(regs, 1);
	/*
	 * A writer of the mm's PTEs and counters until it returns, even for
	 * the task's own watch (rsswatch.c), in scope or not.
	 */
	ss_writer_begin(call->vma->vm_mm, true);
	/* Its swap_duplicate() is no copy of a fork reclaiming directly. */
	ss_refs_pause(true);
	call->in_scope = ss_in_scope(call->vma->vm_mm);
	if (!call->in_scope)
		return 0;
	call->addr = ss_arg(regs, 2);
	call->for_swapout = ss_arg(regs, 3) & TTU_BATCH_FLUSH;
	/*
	 * U2's causes as the kernel will meet them: a pin it may see and
	 * drop before the return, a MADV_FREE folio it makes swap-backed
	 * again when it finds it redirtied.
	 */
	call->cause_at_entry = folio_maybe_dma_pinned(call->folio) ||
			       (folio_test_anon(call->folio) &&
				!folio_test_swapbacked(call->folio));
	call->nr = folio_nr_pages(call->folio);
	/*
	 * A PTE-mapped folio is at most a PMD on 6.1 (hugetlb VMAs are not
	 * walked); a larger one breaks the per-page bookkeeping below, so
	 * the rules built on it stop rather than judge half a folio.
	 */
	if (call->nr > SS_MAX_FOLIO_PAGES && !is_vm_hugetlb_page(call->vma)) {
		ss_rule_fail(SS_RULE_U1, "folio-larger-than-pmd");
		ss_rule_fail(SS_RULE_U3, "folio-larger-than-pmd");
	}
	call->nr = min_t(unsigned long, call->nr, SS_MAX_FOLIO_PAGES);
	call->base = ss_reclaim_base(call);
	for (i = 0; i < call->nr; i++) {
		unsigned long addr = call->base + i * PAGE_SIZE;

		call->page[i] = 0;
		if (!ss_reclaim_read(call, i, addr, &pte))
			continue;
		ss_view_pte(pte, &v, NULL);
		ss_stats_view(SS_PATH_RECLAIM, SS_PHASE_BEFORE, &v);
		call->page[i] = ss_page_flags(&v);
		if (!i)
			call->first_pte = pte_val(pte);
	}
	ss_stats_call(SS_PATH_RECLAIM, SS_PHASE_BEFORE, false);
	return 0;
}
NOKPROBE_SYMBOL(ss_reclaim_entry);

static void ss_reclaim_sample(enum ss_rule rule, const struct ss_reclaim_call *call,
			      unsigned long addr, pte_t after,
			      const struct ss_pte_view *v)
{
	ss_sample(rule, SS_PROBE_RECLAIM, addr,
		  addr == call->addr ? call->first_pte : 0, pte_val(after), v, 1);
}

static int ss_reclaim_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_reclaim_call *call = (void *)ri->data;
	struct ss_unmap_fail fail = { .failed = !regs_return_value(regs) };
	struct ss_pte_view before, after;
	struct ss_judgement j = { };
	unsigned int i;
	pte_t pte;

	ss_refs_pause(false);
	if (!call->in_scope) {
		ss_writer_end(call->vma->vm_mm);
		return 0;
	}
	/* Each page's judgement adds to the call's; its own is the rise. */
	for (i = 0; i < call->nr; i++) {
		unsigned long addr = call->base + i * PAGE_SIZE;
		u32 u1 = j.viol[SS_RULE_U1], u3 = j.viol[SS_RULE_U3];

		fail.young |= call->page[i] & SS_PG_YOUNG;
		if (!call->page[i] || !ss_reclaim_read(call, i, addr, &pte))
			continue;
		ss_view_pte(pte, &after, NULL);
		ss_stats_view(SS_PATH_RECLAIM, SS_PHASE_AFTER, &after);
		ss_page_view(call->page[i], &before);
		ss_judge_unmap_page(&before, &after, call->for_swapout, &j);
		if (j.viol[SS_RULE_U1] != u1)
			ss_reclaim_sample(SS_RULE_U1, call, addr, pte, &after);
		if (j.viol[SS_RULE_U3] != u3)
			ss_reclaim_sample(SS_RULE_U3, call, addr, pte, &after);
	}
	ss_stats_call(SS_PATH_RECLAIM, SS_PHASE_AFTER, fail.failed);

	/* Causes other than the access bit (seed 003's list). */
	fail.known_cause = call->cause_at_entry ||
			   (call->vma->vm_flags & VM_LOCKED) ||
			   folio_maybe_dma_pinned(call->folio) ||
			   (folio_test_anon(call->folio) &&
			    !folio_test_swapbacked(call->folio)) ||
			   !call->for_swapout;
	fail.reclaim = call->for_swapout;
	ss_judge_unmap_call(&fail, &j);
	ss_rules_account(&j, SS_SOURCE_RECLAIM, call->addr);
	if (j.viol[SS_RULE_U2])
		ss_sample(SS_RULE_U2, SS_PROBE_RECLAIM, call->addr,
			  call->first_pte, call->first_pte, NULL,
			  j.viol[SS_RULE_U2]);
	ss_writer_end(call->vma->vm_mm);
	return 0;
}
NOKPROBE_SYMBOL(ss_reclaim_ret);

/* ---- teardown: exit_mmap(mm) ---- */

static int ss_teardown_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct ss_teardown_call *call = (void *)ri->data;

	ss_hit(SS_PROBE_TEARDOWN);
	call->mm = (void *)ss_arg(regs, 0);
	if (!ss_in_scope(call->mm))
		return 1;
	return 0;
}
NOKPROBE_SYMBOL(ss_teardown_entry);

/*
 * Z3: check_mm's "Bad rss-counter state", made visible and attributed.
 * Raw counters: get_mm_counter() would hide a negative one.
 */
static int ss_teardown_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_teardown_call *call = (void *)ri->data;
	struct ss_judgement j = { };
	long rss[SS_NR_RSS];
	int i;

	BUILD_BUG_ON((int)NR_MM_COUNTERS != (int)SS_NR_RSS);
	for (i = 0; i < SS_NR_RSS; i++)
		rss[i] = ss_mm_counter_read(call->mm, i);
	ss_judge_teardown(rss, &j);
	ss_rules_account(&j, SS_SOURCE_TEARDOWN, 0);
	if (j.viol[SS_RULE_Z3]) {
		struct ss_evidence ev = { .mm = call->mm, .diff = &j.diff };

		ss_sample_ev(SS_RULE_Z3, SS_PROBE_TEARDOWN, 0, 0, 0, NULL, &ev,
			     j.viol[SS_RULE_Z3]);
	}
	return 0;
}
NOKPROBE_SYMBOL(ss_teardown_ret);

/* ---- shmem swap-out: swap_shmem_alloc(entry[, nr]) ---- */

static int ss_shmem_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_shmem_call *call = (void *)ri->data;

	ss_hit(SS_PROBE_SHMEM_SWAP);
	call->entry.val = ss_arg(regs, 0);
	call->nr = ss_probe_nr(SS_PROBE_SHMEM_SWAP, regs);
	if (!ss_in_scope(NULL))
		return 1;
	return 0;
}
NOKPROBE_SYMBOL(ss_shmem_entry);

/*
 * C1, seed 004: the state each slot is left in, as shmem owns it; a large
 * folio's nr slots (6.12) are nr observations.  Slots beyond
 * SS_MAX_FOLIO_PAGES (larger than a PMD: none on x86) are not judged.
 */
static int ss_shmem_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ss_shmem_call *call = (void *)ri->data;
	unsigned int i, nr = min_t(unsigned int, call->nr, SS_MAX_FOLIO_PAGES);
	struct ss_judgement j = { };
	struct ss_pte_view v;
	struct ss_slot slot;
	pte_t pte;

	for (i = 0; i < nr; i++) {
		u32 viol = j.viol[SS_RULE_C1];

		pte = swp_entry_to_pte(swp_entry(swp_type(call->entry),
						 swp_offset(call->entry) + i));
		ss_view_pte(pte, &v, &slot);
		ss_judge_shmem_swap(&v, &j);
		if (j.viol[SS_RULE_C1] != viol)
			ss_sample(SS_RULE_C1, SS_PROBE_SHMEM_SWAP, 0,
				  pte_val(pte), pte_val(pte), &v,
				  j.viol[SS_RULE_C1] - viol);
	}
	if (call->nr > nr)
		ss_unjudged(&j, SS_RULE_C1, call->nr - nr);
	ss_rules_account(&j, SS_SOURCE_SHMEM_SWAP, 0);
	return 0;
}
NOKPROBE_SYMBOL(ss_shmem_ret);

/*
 * ---- swap_free(entry), swap_free_nr(entry, nr): S4's reference drops,
 * attributed to their task ----
 */
static int ss_swap_free_pre(struct kprobe *p, struct pt_regs *regs)
{
	swp_entry_t entry = { .val = ss_arg(regs, 0) };

	ss_hit(SS_PROBE_SWAP_FREE);
	ss_swap_freed(entry, ss_probe_nr(SS_PROBE_SWAP_FREE, regs));
	return 0;
}
NOKPROBE_SYMBOL(ss_swap_free_pre);

/*
 * Migration changes PTEs under the PTL (a PTE is briefly none between
 * ptep_clear_flush and the migration entry) but no RSS counter, so the
 * watches learn of it here: try_to_migrate_one(folio, vma, ...) and
 * remove_migration_pte(folio, vma, ...) are writers from entry to return.
 */
static int ss_migrate_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct **vma = (void *)ri->data;

	ss_hit(SS_PROBE_MIGRATE);
	*vma = (void *)ss_arg(regs, 1);
	ss_writer_begin((*vma)->vm_mm, false);
	return 0;
}
NOKPROBE_SYMBOL(ss_migrate_entry);

static int ss_unmigrate_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct vm_area_struct **vma = (void *)ri->data;

	ss_hit(SS_PROBE_UNMIGRATE);
	*vma = (void *)ss_arg(regs, 1);
	ss_writer_begin((*vma)->vm_mm, false);
	return 0;
}
NOKPROBE_SYMBOL(ss_unmigrate_entry);

static int ss_migrate_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct **vma = (void *)ri->data;

	ss_writer_end((*vma)->vm_mm);
	return 0;
}
NOKPROBE_SYMBOL(ss_migrate_ret);

/*
 * ---- swap references: swap_duplicate(entry), free_swap_and_cache(entry) ----
 *
 * Counted and judged only for a fork or a full zap registered by the
 * calling task (swaprefs.c); any other caller returns at once, with no
 * return probe.  The slot's swap_map byte is read at entry and at return.
 */
static swp_entry_t ss_entry_add(swp_entry_t entry, unsigned int i)
{
	return swp_entry(swp_type(entry), swp_offset(entry) + i);
}

static int ss_ref_entry(struct kretprobe_instance *ri, struct pt_regs *regs,
			enum ss_probe probe)
{
	struct ss_ref_call *call = (void *)ri->data;
	unsigned int i;

	ss_hit(probe);
	call->refs = ss_refs_counting(probe == SS_PROBE_SWAP_DUP);
	if (!call->refs)
		return 1;
	call->entry.val = ss_arg(regs, 0);
	call->nr = ss_probe_nr(probe, regs);
	call->known = call->nr <= SS_MAX_FOLIO_PAGES;
	for (i = 0; call->known && i < call->nr; i++)
		call->known = ss_swap_map_read(ss_entry_add(call->entry, i),
					       &call->before[i]);
	return 0;
}
NOKPROBE_SYMBOL(ss_ref_entry);

static int ss_ref_ret(struct kretprobe_instance *ri, struct pt_regs *regs,
		      bool take)
{
	struct ss_ref_call *call = (void *)ri->data;
	long rc = regs_return_value(regs);
	struct ss_swap_ref r = { .take = take };
	struct ss_judgement j = { };
	struct ss_evidence ev = { };
	enum ss_rule rule = take ? SS_RULE_F1 : SS_RULE_Z1;
	struct ss_pte_view v;
	unsigned int i;
	pte_t pte;

	/* A failed duplicate took nothing: the fork retries the copy. */
	if (take && rc)
		return 0;
	if (!ss_refs_count(call->refs, call->nr))
		return 0;
	/*
	 * swap_duplicate: 0 on success; free_swap_and_cache: 1 when a device
	 * had the entry.  free_swap_and_cache_nr returns nothing: it freed
	 * the slots if their device was there, which the reads tell.
	 */
	r.done = take ? !rc : ss_probe_batched(SS_PROBE_FREE_SWAP) || rc;
	if (!call->known) {
		if (r.done)
			ss_unjudged(&j, rule, call->nr);
		goto account;
	}
	for (i = 0; i < call->nr; i++) {
		r.before = call->before[i];
		r.known = ss_swap_map_read(ss_entry_add(call->entry, i),
					   &r.after);
		ss_judge_swap_ref(&r, &j);
	}
account:
	ss_rules_account(&j, take ? SS_SOURCE_FORK : SS_SOURCE_ZAP_FULL, 0);
	if (!j.viol[rule])
		return 0;
	pte = swp_entry_to_pte(call->entry);
	ss_view_pte(pte, &v, NULL);
	ss_refs_evidence(call->refs, &ev);
	ev.diff = &j.diff;
	ss_sample_ev(rule, take ? SS_PROBE_SWAP_DUP : SS_PROBE_FREE_SWAP, 0,
		     pte_val(pte), pte_val(pte), &v, &ev, j.viol[rule]);
	return 0;
}
NOKPROBE_SYMBOL(ss_ref_ret);

static int ss_dup_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return ss_ref_entry(ri, regs, SS_PROBE_SWAP_DUP);
}
NOKPROBE_SYMBOL(ss_dup_entry);

static int ss_dup_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return ss_ref_ret(ri, regs, true);
}
NOKPROBE_SYMBOL(ss_dup_ret);

static int ss_free_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return ss_ref_entry(ri, regs, SS_PROBE_FREE_SWAP);
}
NOKPROBE_SYMBOL(ss_free_entry);

static int ss_free_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return ss_ref_ret(ri, regs, false);
}
NOKPROBE_SYMBOL(ss_free_ret);

/* ---- registration ---- */

#define SS_KP(id, pre)						\
	[SS_PROBE_##id] = { .kp = { .pre_handler = pre } }
#define SS_RP(id, entry, ret, data)					\
	[SS_PROBE_##id] = { .is_ret = true, .rp = {			\
		.entry_handler = entry, .handler = ret,			\
		.data_size = sizeof(struct data) } }

static struct ss_probe_slot ss_probes[SS_NR_PROBES] = {
	SS_RP(ZAP, ss_zap_entry, ss_zap_ret, ss_zap_call),
	SS_KP(ZAP_SINGLE, ss_zap_single_pre),
	SS_KP(ZAP_MAPPING, ss_zap_mapping_pre),
	SS_RP(FORK, ss_fork_entry, ss_fork_ret, ss_fork_call),
	SS_RP(SWAPIN, ss_swapin_entry, ss_swapin_ret, ss_swapin_call),
	SS_RP(RECLAIM, ss_reclaim_entry, ss_reclaim_ret, ss_reclaim_call),
	SS_RP(TEARDOWN, ss_teardown_entry, ss_teardown_ret, ss_teardown_call),
	SS_RP(SHMEM_SWAP, ss_shmem_entry, ss_shmem_ret, ss_shmem_call),
	[SS_PROBE_MIGRATE] = { .is_ret = true, .rp = {
		.entry_handler = ss_migrate_entry, .handler = ss_migrate_ret,
		.data_size = sizeof(struct vm_area_struct *) } },
	SS_KP(SWAP_FREE, ss_swap_free_pre),
	[SS_PROBE_UNMIGRATE] = { .is_ret = true, .rp = {
		.entry_handler = ss_unmigrate_entry, .handler = ss_migrate_ret,
		.data_size = sizeof(struct vm_area_struct *) } },
	SS_RP(SWAP_DUP, ss_dup_entry, ss_dup_ret, ss_ref_call),
	SS_RP(FREE_SWAP, ss_free_entry, ss_free_ret, ss_ref_call),
	SS_RP(PAGEMAP_READ, ss_pmw_read_entry, ss_pmw_read_ret, ss_pmw_read),
	[SS_PROBE_PAGEMAP] = { .is_ret = true, .rp = {
		.entry_handler = ss_pmw_range_entry,
		.handler = ss_pmw_range_ret,
		.data_size = sizeof(struct ss_pmw_call) },
		.attach = ss_pmw_sites_register,
		.detach = ss_pmw_sites_unregister,
		.attached_missed = ss_pmw_sites_missed,
		.attach_reason = "no-lock-site" },
	SS_RP(PAGEMAP_HOLE, ss_pmw_hole_entry, ss_pmw_hole_ret, ss_pmw_call),
};

/*
 * time_handlers=1: like bpftool's run_time_ns, off by default and chosen
 * at load, so that the handlers registered without it pay nothing for it.
 * Then these are registered in the handlers' place, and call them.
 */
bool ss_time_handlers;
static DEFINE_PER_CPU(u64, ss_run_ns[SS_NR_PROBES]);

static void ss_timed_add(const struct ss_probe_slot *p, u64 t0)
{
	this_cpu_add(ss_run_ns[p - ss_probes], local_clock() - t0);
}
NOKPROBE_SYMBOL(ss_timed_add);

static int ss_timed_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct ss_probe_slot *p = container_of(kp, struct ss_probe_slot, kp);
	u64 t0 = local_clock();
	int ret = p->pre(kp, regs);

	ss_timed_add(p, t0);
	return ret;
}
NOKPROBE_SYMBOL(ss_timed_pre);

/* One kretprobe handler of @ri's probe, @at_return or at entry, timed. */
static int ss_timed_rp(struct kretprobe_instance *ri, struct pt_regs *regs,
		       bool at_return)
{
	struct ss_probe_slot *p = container_of(get_kretprobe(ri),
					       struct ss_probe_slot, rp);
	u64 t0 = local_clock();
	int ret = (at_return ? p->ret : p->entry)(ri, regs);

	ss_timed_add(p, t0);
	return ret;
}
NOKPROBE_SYMBOL(ss_timed_rp);

static int ss_timed_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return ss_timed_rp(ri, regs, false);
}
NOKPROBE_SYMBOL(ss_timed_entry);

static int ss_timed_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return ss_timed_rp(ri, regs, true);
}
NOKPROBE_SYMBOL(ss_timed_ret);

#define SS_X_DESC(id, pname, sym, ret) \
	[SS_PROBE_##id] = { .name = pname, .symbol = sym, .is_ret = ret },
static const struct {
	const char *name;
	const char *symbol;
	bool is_ret;
} ss_probe_desc[SS_NR_PROBES] = {
	SS_PROBES(SS_X_DESC)
};
#undef SS_X_DESC

static const char *ss_register_reason(int err)
{
	switch (err) {
	case -ENOENT:
		return "not-in-kallsyms";
	case -EINVAL:
		return "not-probeable";
	case -EILSEQ:
		return "bad-address";
	case -ENOMEM:
		return "no-memory";
	case -EBUSY:
		return "busy";
	default:
		return "register-failed";
	}
}

static int ss_probe_register(struct ss_probe_slot *p)
{
	if (!p->is_ret) {
		p->kp.symbol_name = p->symbol;
		if (ss_time_handlers) {
			p->pre = p->kp.pre_handler;
			p->kp.pre_handler = ss_timed_pre;
		}
		return register_kprobe(&p->kp);
	}
	p->rp.kp.symbol_name = p->symbol;
	if (ss_time_handlers) {
		p->entry = p->rp.entry_handler;
		p->ret = p->rp.handler;
		p->rp.entry_handler = ss_timed_entry;
		p->rp.handler = ss_timed_ret;
	}
	/* do_swap_page sleeps on I/O: each sleeper holds an instance. */
	p->rp.maxactive = ss_maxactive;
	return register_kretprobe(&p->rp);
}


bool ss_probe_active(enum ss_probe id)
{
	return ss_probes[id].state == SS_PROBE_ACTIVE;
}

static unsigned long ss_probe_missed(enum ss_probe id)
{
	const struct ss_probe_slot *p = &ss_probes[id];

	unsigned long n = p->is_ret ? p->rp.nmissed + p->rp.kp.nmissed :
				      p->kp.nmissed;

	if (p->attached_missed && p->state == SS_PROBE_ACTIVE)
		n += p->attached_missed();
	return n;
}

/*
 * Probe context: the missed hits of the probes a reference count relies
 * on.  A missed swap_dup or free_swap hit is a call not counted; a missed
 * reclaim hit is a direct reclaim whose swap_duplicate() was not paused.
 */
u64 ss_refs_missed(void)
{
	return ss_probe_missed(SS_PROBE_SWAP_DUP) +
	       ss_probe_missed(SS_PROBE_FREE_SWAP) +
	       ss_probe_missed(SS_PROBE_RECLAIM);
}

static void ss_probe_unregister(struct ss_probe_slot *p)
{
	if (p->is_ret)
		unregister_kretprobe(&p->rp);
	else
		unregister_kprobe(&p->kp);
}

/* The probe's own attachments (->attach); 0, or the error undone. */
static int ss_probe_attach(struct ss_probe_slot *p)
{
	int err;

	if (!p->attach)
		return 0;
	err = p->attach(p->is_ret ? p->rp.kp.addr : p->kp.addr);
	if (err)
		ss_probe_unregister(p);
	return err;
}

/* Register every probe it can; a failure leaves that one unavailable. */
void ss_probes_register(void)
{
	int i, err;

	for (i = 0; i < SS_NR_PROBES; i++) {
		struct ss_probe_slot *p = &ss_probes[i];

		p->name = ss_probe_desc[i].name;
		p->symbol = ss_symbol_override[i][0] ? ss_symbol_override[i] :
			    ss_probe_symbol(i, ss_probe_desc[i].symbol);
		if (WARN_ON_ONCE(p->is_ret != ss_probe_desc[i].is_ret)) {
			p->state = SS_PROBE_UNAVAILABLE;
			p->reason = "internal-mismatch";
			continue;
		}
		err = ss_probe_register(p);
		if (!err && ss_probe_attach(p)) {
			p->state = SS_PROBE_UNAVAILABLE;
			p->reason = p->attach_reason;
			pr_warn("probe %s on %s unavailable: %s\n", p->name,
				p->symbol, p->reason);
			continue;
		}
		if (err) {
			p->state = SS_PROBE_UNAVAILABLE;
			p->reason = ss_register_reason(err);
			pr_warn("probe %s on %s unavailable: %s (%d)\n",
				p->name, p->symbol, p->reason, err);
			continue;
		}
		p->state = SS_PROBE_ACTIVE;
		p->reason = "-";
	}
	/*
	 * Counts of calls seen by other probes (swap_free() for S4, the
	 * references of F1 and Z1) start only now, and only with those
	 * probes in: a call that began before would miss some.
	 */
	smp_store_release(&ss_probes_ready, true);
	ss_refs_set_ready(ss_probe_active(SS_PROBE_SWAP_DUP) &&
			  ss_probe_active(SS_PROBE_FREE_SWAP) &&
			  ss_probe_active(SS_PROBE_RECLAIM));
}

/* Unregister before anything the handlers touch is freed. */
void ss_probes_unregister(void)
{
	int i;

	WRITE_ONCE(ss_probes_ready, false);
	ss_refs_set_ready(false);

	for (i = SS_NR_PROBES - 1; i >= 0; i--) {
		struct ss_probe_slot *p = &ss_probes[i];

		if (p->state != SS_PROBE_ACTIVE)
			continue;
		/* Its attachments first: they find its calls in flight. */
		if (p->detach)
			p->detach();
		ss_probe_unregister(p);
		p->state = SS_PROBE_UNAVAILABLE;
		p->reason = "unregistered";
	}
}

unsigned int ss_probes_active(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < SS_NR_PROBES; i++)
		n += ss_probes[i].state == SS_PROBE_ACTIVE;
	return n;
}

/*
 * nmissed: for a kretprobe, hits that found no free instance (maxactive
 * too small) plus recursion misses of its kprobe; such hits ran no handler
 * and are not in hits, so hits + nmissed is every entry of the function.
 */
void ss_probe_info(enum ss_probe id, struct ss_probe_info *info)
{
	struct ss_probe_slot *p = &ss_probes[id];
	int cpu;

	info->name = ss_probe_desc[id].name;
	info->symbol = p->symbol ? p->symbol : ss_probe_desc[id].symbol;
	info->is_ret = p->is_ret;
	info->state = p->state;
	info->reason = p->reason ? p->reason : "not-registered";
	info->hits = 0;
	info->run_ns = 0;
	for_each_possible_cpu(cpu) {
		info->hits += per_cpu(ss_hits[id], cpu);
		info->run_ns += per_cpu(ss_run_ns[id], cpu);
	}
	if (p->is_ret) {
		info->nmissed = p->rp.nmissed + p->rp.kp.nmissed;
		info->maxactive = p->rp.maxactive;
	} else {
		info->nmissed = p->kp.nmissed;
		info->maxactive = 0;
	}
}

u64 ss_probes_nmissed(void)
{
	struct ss_probe_info info;
	u64 sum = 0;
	int i;

	for (i = 0; i < SS_NR_PROBES; i++) {
		ss_probe_info(i, &info);
		sum += info.nmissed;
	}
	return sum;
}

/* What the registered kretprobes hold: maxactive instances each. */
size_t ss_probes_memory(void)
{
	size_t sum = sizeof(ss_probes);
	int i;

	for (i = 0; i < SS_NR_PROBES; i++) {
		const struct ss_probe_slot *p = &ss_probes[i];

		if (p->is_ret && p->state == SS_PROBE_ACTIVE)
			sum += (size_t)p->rp.maxactive *
			       (sizeof(struct kretprobe_instance) +
				p->rp.data_size);
	}
	return sum;
}

static int ss_probe_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < SS_NR_PROBES; i++)
		if (strlen(ss_probe_desc[i].name) == len &&
		    !strncmp(ss_probe_desc[i].name, name, len))
			return i;
	return -1;
}

static bool ss_symbol_valid(const char *sym, size_t len)
{
	size_t i;

	if (!len || len >= KSYM_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(sym[i]) && sym[i] != '_' && sym[i] != '.')
			return false;
	return true;
}

/*
 * One item "probe=symbol" of the symbols= parameter: check it and, when
 * @apply, store it.  Returns the length consumed or -EINVAL.
 */
static int ss_symbol_item(const char *arg, const char *item, bool apply)
{
	size_t len = strcspn(item, ",\n");
	const char *eq = memchr(item, '=', len);
	size_t symlen;
	int id;

	if (!eq) {
		pr_err("invalid symbols=%s: expected probe=symbol\n", arg);
		return -EINVAL;
	}
	id = ss_probe_by_name(item, eq - item);
	if (id < 0) {
		pr_err("invalid symbols=%s: unknown probe '%.*s'\n", arg,
		       (int)(eq - item), item);
		return -EINVAL;
	}
	symlen = len - (eq + 1 - item);
	if (!ss_symbol_valid(eq + 1, symlen)) {
		pr_err("invalid symbols=%s: bad symbol for probe %s\n", arg,
		       ss_probe_desc[id].name);
		return -EINVAL;
	}
	if (apply) {
		memcpy(ss_symbol_override[id], eq + 1, symlen);
		ss_symbol_override[id][symlen] = '\0';
	}
	return len;
}

/*
 * Parse "probe=symbol[,probe=symbol...]" (the symbols= parameter) before
 * any probe is registered.  All or nothing: the whole list is checked
 * before anything is stored.
 */
int ss_probes_set_symbols(const char *arg)
{
	int pass, len;

	for (pass = 0; pass < 2; pass++) {
		const char *item = arg;

		while (*item && *item != '\n') {
			len = ss_symbol_item(arg, item, pass);
			if (len < 0)
				return len;
			item += len;
			if (*item == ',')
				item++;
		}
	}
	return 0;
}
