// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: know when an mm's RSS counters changed only by the call
 * being judged.
 *
 * Z4 and S4 compare a call's RSS change with what it cleared or mapped.
 * Other threads (their per-task caches are folded in every 64 faults) and
 * reclaim of other pages change the same counters concurrently.  Every
 * change to mm->rss_stat fires the kmem:rss_stat tracepoint, so a probe
 * there marks a watched mm "polluted" when anybody but the watching task
 * changes it; a polluted call is not judged.  (A kprobe on
 * mm_trace_rss_stat() would miss most changes: mm/memory.c inlines it into
 * its own callers, the zap among them.)  The watch table is fixed-size; a
 * call that finds it full is not judged either.
 *
 * The tracepoint fires after the change, and a zap counts the entries it
 * clears only at the end of each page table (add_mm_rss_vec()), so a
 * concurrent writer's change can be visible to the judged call before the
 * writer's tracepoint runs.  Under a memcg OOM that happens: the OOM
 * reaper zaps a victim's mm (unmap_page_range under mmap_read_lock) while
 * the victim faults or runs exit_mmap's own zap.  So the probed writers
 * (zap, reclaim unmap, migration) also say when they start and finish:
 * a call is polluted as well when such a writer of its mm by another task
 * was in flight at any time during the call.  In-flight writers are counted
 * per hash bucket of the mm (a collision only costs a judgement).  An mm's
 * watches live in the SS_WATCH_PROBE slots from its hash on: every
 * rss_stat change looks at those, not at the whole table.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "compat/rss.h"
#include "swapscope.h"

#define SS_WATCH_BITS	6
#define SS_WATCH_SLOTS	(1 << SS_WATCH_BITS)
#define SS_WATCH_PROBE	16
#define SS_WRITER_BITS	8

/* Why a watch is polluted. */
#define SS_POLLUTED_CHANGE	BIT(0)	/* another task changed a counter */
#define SS_POLLUTED_WRITER	BIT(1)	/* a writer was in flight */

struct ss_watch {
	struct mm_struct *mm;	/* claimed by cmpxchg from NULL */
	struct task_struct *task;
	atomic_t polluted;
	unsigned long entry;	/* swap entry whose swap_free()s are counted */
	atomic_t freed;
};

static struct ss_watch ss_watches[SS_WATCH_SLOTS];
static atomic_t ss_watching = ATOMIC_INIT(0);
static atomic64_t ss_watch_full_calls = ATOMIC64_INIT(0);
static atomic64_t ss_watch_interfered_calls = ATOMIC64_INIT(0);
/* Probed writers (zap, reclaim unmap, migration) in flight, per mm hash. */
static atomic_t ss_writers[1 << SS_WRITER_BITS];

/*
 * Probe context: start watching @mm for the current task, or NULL.  As
 * such only to learn whether anyone else wrote @mm during a walk (fork):
 * without a watch the walk reads everything, a full table costs time,
 * not a judgement, and is not counted as unseen.
 */
struct ss_watch *ss_watch_begin_for_walk(struct mm_struct *mm)
{
	unsigned int h = hash_ptr(mm, SS_WATCH_BITS), i;

	for (i = 0; i < SS_WATCH_PROBE; i++) {
		struct ss_watch *w = &ss_watches[(h + i) % SS_WATCH_SLOTS];

		if (cmpxchg(&w->mm, NULL, mm) != NULL)
			continue;
		/* Until task is set, a change by anyone counts as foreign. */
		atomic_set(&w->polluted, 0);
		atomic_set(&w->freed, 0);
		WRITE_ONCE(w->entry, 0);
		WRITE_ONCE(w->task, current);
		atomic_inc(&ss_watching);
		/*
		 * Pairs with ss_writer_begin(): either it sees this watch or
		 * this sees its count.  A writer already running may change
		 * the counters or PTEs before its tracepoint says so.
		 */
		smp_mb__after_atomic();
		if (atomic_read(&ss_writers[hash_ptr(mm, SS_WRITER_BITS)]))
			atomic_or(SS_POLLUTED_WRITER, &w->polluted);
		return w;
	}
	return NULL;
}

/* Probe context: start watching @mm for a Z4/S4 judgement, or NULL. */
struct ss_watch *ss_watch_begin(struct mm_struct *mm)
{
	struct ss_watch *w = ss_watch_begin_for_walk(mm);

	/* Not judged, and said so in the health file. */
	if (!w)
		atomic64_inc(&ss_watch_full_calls);
	return w;
}

u64 ss_watch_full(void)
{
	return atomic64_read(&ss_watch_full_calls);
}

void ss_watch_full_reset(void)
{
	atomic64_set(&ss_watch_full_calls, 0);
	atomic64_set(&ss_watch_interfered_calls, 0);
}

/* A Z4/S4 call is not judged: its watch ended polluted. */
void ss_watch_interfered_call(void)
{
	atomic64_inc(&ss_watch_interfered_calls);
}

u64 ss_watch_interfered(void)
{
	return atomic64_read(&ss_watch_interfered_calls);
}

size_t ss_rsswatch_memory(void)
{
	return sizeof(ss_watches) + sizeof(ss_writers);
}

/*
 * S4's "one swap reference dropped": count the swap_free(@entry) calls the
 * watching task itself makes, so references other processes drop on a
 * shared slot meanwhile do not count (a swap_map read could not tell).
 */
void ss_watch_entry(struct ss_watch *w, swp_entry_t entry)
{
	if (w)
		WRITE_ONCE(w->entry, entry.val);
}

unsigned int ss_watch_freed(struct ss_watch *w)
{
	return w ? atomic_read(&w->freed) : 0;
}

/*
 * Probe context, from swap_free(entry).  Only a task faulting in its own
 * mm is watched for it (S4: ss_swapin_entry begins the watch only when
 * current->mm is the faulting VMA's mm), so its watch is among
 * current->mm's slots.
 */
void ss_swap_freed(swp_entry_t entry, unsigned int nr)
{
	struct mm_struct *mm = current->mm;
	unsigned int h, i;

	if (!atomic_read(&ss_watching) || !mm)
		return;
	h = hash_ptr(mm, SS_WATCH_BITS);
	for (i = 0; i < SS_WATCH_PROBE; i++) {
		struct ss_watch *w = &ss_watches[(h + i) % SS_WATCH_SLOTS];

		/*
		 * A task has one swap-in, so one such watch, at a time.  A
		 * large folio's swap-in (6.12) frees its nr slots in one
		 * call, from the folio's first entry: the fault's is one of
		 * them, and the call drops nr references.
		 */
		if (READ_ONCE(w->task) == current &&
		    READ_ONCE(w->entry) - entry.val < nr) {
			atomic_add(nr, &w->freed);
			return;
		}
	}
}

/* Stop watching; true when nobody else changed the counters meanwhile. */
bool ss_watch_end(struct ss_watch *w)
{
	bool clean;

	if (!w)
		return false;
	clean = !atomic_read(&w->polluted);
	WRITE_ONCE(w->task, NULL);
	atomic_dec(&ss_watching);
	/* Release: the slot is reused only after task and flag are done. */
	smp_store_release(&w->mm, NULL);
	return clean;
}

/*
 * Stop a watch of an mm with one user, right after the call read its
 * counters: true when nobody else changed them and the mm still has that
 * one user.  Another process that faults in the mm (GUP: ptrace,
 * process_vm_writev, /proc/PID/mem) holds an mm_users reference from
 * before its fault to after, and its counter change is visible a few
 * instructions before its rss_stat tracepoint marks the watch.  A change
 * the call read, made by such a fault, means that process still holds its
 * reference now, or its tracepoint already fired: so the counters, then
 * mm_users, then the polluted flag.
 */
bool ss_watch_end_alone(struct ss_watch *w, struct mm_struct *mm)
{
	bool alone;

	/* Pairs with the full barrier of the writer's atomic add. */
	smp_rmb();
	alone = atomic_read(&mm->mm_users) <= 1;
	/* mm_users before the polluted flag that ss_watch_end() reads. */
	smp_rmb();
	return ss_watch_end(w) && alone;
}

static void ss_pollute(struct mm_struct *mm, bool even_own, int why)
{
	unsigned int h, i;

	if (!atomic_read(&ss_watching))
		return;
	h = hash_ptr(mm, SS_WATCH_BITS);
	for (i = 0; i < SS_WATCH_PROBE; i++) {
		struct ss_watch *w = &ss_watches[(h + i) % SS_WATCH_SLOTS];

		if (READ_ONCE(w->mm) == mm &&
		    (even_own || READ_ONCE(w->task) != current))
			atomic_or(why, &w->polluted);
	}
}

/* Probe context: @mm's counters changed. */
static void ss_rss_changed(struct mm_struct *mm)
{
	ss_pollute(mm, false, SS_POLLUTED_CHANGE);
}

/*
 * Probe context, at the entry of a probed writer of @mm's PTEs and
 * counters: the watches of @mm are polluted until ss_writer_end(), those
 * of the calling task too when @even_own.  That is for reclaim: a fault
 * short of memory reclaims in its own context (direct reclaim, e.g.
 * charging the new page to a memcg at its limit) and may unmap pages of
 * its own mm; the counters it then changes are not the fault's.  Every
 * ss_writer_begin() must be followed by one ss_writer_end(), from the
 * writer's return handler.
 */
void ss_writer_begin(struct mm_struct *mm, bool even_own)
{
	atomic_inc(&ss_writers[hash_ptr(mm, SS_WRITER_BITS)]);
	/* Pairs with ss_watch_begin(). */
	smp_mb__after_atomic();
	ss_pollute(mm, even_own, SS_POLLUTED_WRITER);
}

/* Probe context, at the writer's return: all its changes are made. */
void ss_writer_end(struct mm_struct *mm)
{
	/* The writer's PTE and counter changes before it leaves the count. */
	smp_mb__before_atomic();
	atomic_dec(&ss_writers[hash_ptr(mm, SS_WRITER_BITS)]);
}

/*
 * The counters as the kernel will report them: mm->rss_stat plus, for a
 * task faulting in its own mm, its not yet folded per-task cache.
 */
void ss_rss_read(struct mm_struct *mm, bool with_task_cache,
		 long rss[SS_NR_RSS])
{
	int i;

	BUILD_BUG_ON((int)SS_NR_RSS != (int)NR_MM_COUNTERS ||
		     (int)SS_RSS_SWAPENTS != (int)MM_SWAPENTS ||
		     (int)SS_RSS_ANON != (int)MM_ANONPAGES ||
		     (int)SS_RSS_SHMEM != (int)MM_SHMEMPAGES);
	for (i = 0; i < SS_NR_RSS; i++) {
		rss[i] = ss_mm_counter_read(mm, i);
		if (with_task_cache)
			rss[i] += ss_task_counter_cache(i);
	}
}

static struct tracepoint *ss_rss_tp;

static void ss_find_rss_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "rss_stat"))
		ss_rss_tp = tp;
}

/* The kmem:rss_stat tracepoint (its parameters: compat/rss.h). */
static void ss_rss_stat_probe(SS_RSS_STAT_PROBE_PARAMS)
{
	ss_rss_changed(mm);
}

/*
 * Process context, at load.  Without the tracepoint no foreign change can
 * be seen, and Z4/S4 are not judged (verdicts.c asks ss_rss_watching()).
 */
int ss_rsswatch_init(void)
{
	int err;

	for_each_kernel_tracepoint(ss_find_rss_tp, NULL);
	if (!ss_rss_tp)
		return -ENOENT;
	err = tracepoint_probe_register(ss_rss_tp, ss_rss_stat_probe, NULL);
	if (err)
		ss_rss_tp = NULL;
	return err;
}

void ss_rsswatch_exit(void)
{
	if (!ss_rss_tp)
		return;
	tracepoint_probe_unregister(ss_rss_tp, ss_rss_stat_probe, NULL);
	/* No probe may still run when the module text goes away. */
	tracepoint_synchronize_unregister();
	ss_rss_tp = NULL;
}

bool ss_rss_watching(void)
{
	return ss_rss_tp;
}
