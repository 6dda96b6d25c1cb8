// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: limit observation to one process tree ("scope PID").
 *
 * 'swapscope run -- CMD' must report what CMD did, not what the rest of
 * a busy test machine did meanwhile.  A call is in scope when the task
 * making it, or the owner of the mm it works on (reclaim runs in kswapd
 * or in whoever is short of memory), is the scope's thread group or a
 * descendant of it.  Probe context: RCU only, a bounded parent walk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/percpu.h>
#include <linux/mm_types.h>
#include "swapscope.h"

/* Deeper process trees than this are not followed (counted as outside). */
#define SS_SCOPE_MAX_DEPTH	64

static pid_t ss_scope_tgid;	/* global tgid, 0: everything in scope */
static DEFINE_PER_CPU(u64, ss_scope_skipped);

static bool ss_task_in_tree(struct task_struct *t, pid_t tgid)
{
	int depth;

	for (depth = 0; t && depth < SS_SCOPE_MAX_DEPTH; depth++) {
		if (t->tgid == tgid)
			return true;
		if (t->pid <= 1)	/* init or the idle task: the top */
			return false;
		t = rcu_dereference(t->real_parent);
	}
	return false;
}

/* Probe context: is a call on @mm (may be NULL) by current in scope? */
bool ss_in_scope(struct mm_struct *mm)
{
	pid_t tgid = READ_ONCE(ss_scope_tgid);
	bool in;

	if (likely(!tgid))
		return true;
	rcu_read_lock();
	in = ss_task_in_tree(current, tgid);
#ifdef CONFIG_MEMCG
	if (!in && mm)
		in = ss_task_in_tree(rcu_dereference(mm->owner), tgid);
#endif
	rcu_read_unlock();
	if (!in)
		this_cpu_inc(ss_scope_skipped);
	return in;
}

/*
 * Process context: watch only @nr's process tree, @nr a pid in the
 * writer's namespace; 0 watches everything.  -ESRCH if there is no such
 * process.
 */
int ss_scope_set(pid_t nr)
{
	struct task_struct *t;
	pid_t tgid = 0;

	if (nr) {
		rcu_read_lock();
		t = pid_task(find_vpid(nr), PIDTYPE_PID);
		if (t)
			tgid = t->tgid;
		rcu_read_unlock();
		if (!tgid) {
			pr_err_ratelimited("control: scope: no process %d\n", nr);
			return -ESRCH;
		}
	}
	WRITE_ONCE(ss_scope_tgid, tgid);
	return 0;
}

pid_t ss_scope(void)
{
	return READ_ONCE(ss_scope_tgid);
}

u64 ss_scope_skipped_sum(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(ss_scope_skipped, cpu);
	return sum;
}

void ss_scope_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(ss_scope_skipped, cpu) = 0;
}
