/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope compat: reading an mm's RSS counters exactly.
 *
 * 6.1 keeps them as atomic_long_t in mm->rss_stat.count[], and a task
 * faulting in its own mm batches changes in current->rss_stat
 * (SPLIT_RSS_COUNTING) until it folds them in.  6.2 made them
 * percpu_counters with no per-task cache: the exact value is the sum over
 * CPUs, as check_mm() takes it (get_mm_counter() reads only the central,
 * approximate count, and clamps it at 0, hiding the negative counts Z3
 * exists to catch).
 */
#ifndef SWAPSCOPE_COMPAT_RSS_H
#define SWAPSCOPE_COMPAT_RSS_H

#include <linux/version.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/percpu_counter.h>

/*
 * The counter as the kernel's own accounting holds it, signed.  Any
 * context: on 6.12 it takes the counter's raw spinlock with interrupts
 * off for a loop over the online CPUs, never a sleeping lock.
 */
static inline long ss_mm_counter_read(struct mm_struct *mm, int member)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return percpu_counter_sum(&mm->rss_stat[member]);
#else
	return atomic_long_read(&mm->rss_stat.count[member]);
#endif
}

/*
 * Move the counter as add_mm_counter() does, minus its rss_stat event
 * (mm_trace_rss_stat() is not exported): for ssinject, which clears and
 * restores an mm's swap PTEs from process context, its own accounting
 * included.  Any context, like ss_mm_counter_read().
 */
static inline void ss_mm_counter_add(struct mm_struct *mm, int member,
				     long value)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	percpu_counter_add(&mm->rss_stat[member], value);
#else
	atomic_long_add(value, &mm->rss_stat.count[member]);
#endif
}

/* What current's per-task cache holds for its own mm, not yet folded. */
static inline long ss_task_counter_cache(int member)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0) && defined(SPLIT_RSS_COUNTING)
	return READ_ONCE(current->rss_stat.count[member]);
#else
	return 0;
#endif
}

/*
 * The kmem:rss_stat tracepoint's probe parameters: 6.1 also passes the
 * counter's new value (kept per task, so not the mm's), 6.2 on only which
 * counter changed.  It fires on every change of every mm's counters.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define SS_RSS_STAT_PROBE_PARAMS void *data, struct mm_struct *mm, int member
#else
#define SS_RSS_STAT_PROBE_PARAMS void *data, struct mm_struct *mm, \
				 int member, long count
#endif

#endif /* SWAPSCOPE_COMPAT_RSS_H */
