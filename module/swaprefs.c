// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the swap references a fork takes and a zap drops, per call.
 *
 * F1 (seed 001) wants one swap_duplicate() per swap entry a fork copies,
 * each raising the slot's count by one; Z1 (seed 000) one
 * free_swap_and_cache() per swap entry a full zap clears, each dropping
 * one.  The kernel makes those calls from copy_pte_range() and
 * zap_pte_range(), inlined into copy_page_range() and unmap_page_range(),
 * in the task making the call, under the PTE lock.  So the fork and zap
 * probes register the calling task here for the length of the call, and
 * the probes on swap_duplicate() and free_swap_and_cache() count the calls
 * of a registered task and judge each one's change of the slot's count
 * (rules.c: ss_judge_swap_ref).  Calls of unregistered tasks cost one
 * atomic read.
 *
 * Direct reclaim inside a fork (a page-table allocation at a memcg's
 * limit) calls swap_duplicate() too, for each page it swaps out: the
 * reclaim probe pauses the task's count from try_to_unmap_one()'s entry
 * to its return.
 *
 * A registration counts only its own kind of call: a fork's takes, a
 * zap's drops (shmem truncation by a shrinker in a fork's direct reclaim
 * frees swap too).  A task normally has one registered call at a time;
 * a second one (a shrinker zapping inside a fork's direct reclaim) is
 * refused and makes the first one's count unknown.  So does a missed hit
 * of the probes the count relies on (swap_dup, free_swap, reclaim), and
 * so does the probes not being all registered yet (the module loading or
 * unloading): the count is then not judged.  The table is fixed-size; a
 * call that finds it full is not judged either.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/sched.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include "swapscope.h"

#define SS_REFS_BITS	6
#define SS_REFS_SLOTS	(1 << SS_REFS_BITS)
#define SS_REFS_PROBE	8

struct ss_refs {
	struct task_struct *task;	/* claimed by cmpxchg from NULL */
	struct vm_area_struct *vma;	/* the call's, for samples */
	bool take;			/* a fork's swap_duplicate()s, else frees */
	bool judge_slots;		/* judge each call's count change */
	bool nested;			/* a second registration was refused */
	unsigned int paused;		/* in try_to_unmap_one() */
	u32 calls;			/* references taken or dropped */
	u64 missed;			/* the probes' missed hits at the start */
};

static struct ss_refs ss_refs_table[SS_REFS_SLOTS];
static atomic_t ss_refs_active = ATOMIC_INIT(0);
/* Every probe the counts rely on is registered (probes.c says so). */
static bool ss_refs_ready;

void ss_refs_set_ready(bool ready)
{
	WRITE_ONCE(ss_refs_ready, ready);
}

static struct ss_refs *ss_refs_current(void);

/*
 * Probe context: count @vma's call's swap references taken (@take, a
 * fork's) or dropped (a zap's), or NULL: not ready, table full, or the
 * task has a registration already (then that one's count is unknown).
 * @judge_slots: each call's change of the slot's count is judged too (a
 * fork's, a full zap's); a mapping zap must make no such call at all.
 */
struct ss_refs *ss_refs_begin(struct vm_area_struct *vma, bool take,
			      bool judge_slots)
{
	unsigned int h = hash_ptr(current, SS_REFS_BITS), i;
	struct ss_refs *outer;

	if (!READ_ONCE(ss_refs_ready))
		return NULL;
	outer = ss_refs_current();
	if (outer) {
		outer->nested = true;
		return NULL;
	}
	for (i = 0; i < SS_REFS_PROBE; i++) {
		struct ss_refs *r = &ss_refs_table[(h + i) % SS_REFS_SLOTS];

		if (cmpxchg(&r->task, NULL, current) != NULL)
			continue;
		r->vma = vma;
		r->take = take;
		r->judge_slots = judge_slots;
		r->nested = false;
		r->paused = 0;
		r->calls = 0;
		r->missed = ss_refs_missed();
		atomic_inc(&ss_refs_active);
		return r;
	}
	return NULL;
}

/*
 * Probe context, at the call's return: the calls counted, and whether
 * that count is exact (@known); frees @r.
 */
u32 ss_refs_end(struct ss_refs *r, bool *known)
{
	u32 calls;

	*known = false;
	if (!r)
		return 0;
	calls = READ_ONCE(r->calls);
	*known = !r->nested && READ_ONCE(ss_refs_ready) &&
		 ss_refs_missed() == r->missed;
	atomic_dec(&ss_refs_active);
	/* Release: the slot is reused only after its fields were read. */
	smp_store_release(&r->task, NULL);
	return calls;
}

/*
 * Probe context: the current task's registration.  Only the task itself
 * writes its slot after ss_refs_begin(), so no atomics on the fields.
 */
static struct ss_refs *ss_refs_current(void)
{
	unsigned int h, i;

	if (!atomic_read(&ss_refs_active))
		return NULL;
	h = hash_ptr(current, SS_REFS_BITS);
	for (i = 0; i < SS_REFS_PROBE; i++) {
		struct ss_refs *r = &ss_refs_table[(h + i) % SS_REFS_SLOTS];

		if (READ_ONCE(r->task) == current)
			return r;
	}
	return NULL;
}

/* Probe context: try_to_unmap_one() by the current task begins/ends. */
void ss_refs_pause(bool pause)
{
	struct ss_refs *r = ss_refs_current();

	if (!r)
		return;
	if (pause)
		r->paused++;
	else if (!WARN_ON_ONCE(!r->paused))
		r->paused--;
}

/* Probe context: a registration counting @take calls now, or NULL. */
struct ss_refs *ss_refs_counting(bool take)
{
	struct ss_refs *r = ss_refs_current();

	return r && !r->paused && r->take == take ? r : NULL;
}

/*
 * Count one call of @r's, covering @nr slots (a batched free); true when
 * its count changes are to be judged.
 */
bool ss_refs_count(struct ss_refs *r, unsigned int nr)
{
	r->calls += nr;
	return r->judge_slots;
}

void ss_refs_evidence(const struct ss_refs *r, struct ss_evidence *ev)
{
	ev->mm = r->vma->vm_mm;
	ev->vm_start = r->vma->vm_start;
	ev->vm_end = r->vma->vm_end;
}

size_t ss_refs_memory(void)
{
	return sizeof(ss_refs_table);
}
