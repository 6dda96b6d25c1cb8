/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapscope: the module's tracepoints, events/swapscope/ in tracefs, for
 * perf, trace-cmd and bpftrace (perf record -e 'swapscope:*').
 *
 * Names go into fixed arrays rather than __string(): __assign_str() lost
 * its second argument in 6.10, and these names are short constants.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM swapscope

#if !defined(_SWAPSCOPE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SWAPSCOPE_TRACE_H

#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#ifndef SS_TP_HELPERS
#define SS_TP_HELPERS
/* A name into an event's fixed array, cut to fit. */
#define SS_TP_STR(entry, field, src)					\
	strscpy((entry)->field, (src), sizeof((entry)->field))
/*
 * What every event starts with: the rule and its seed, and who: the pid
 * and comm of the current task.
 */
#define SS_TP_WHO(entry, rule_name, seed_name)				\
	do {								\
		SS_TP_STR(entry, rule, rule_name);			\
		SS_TP_STR(entry, seed, seed_name);			\
		(entry)->pid = current->pid;				\
		memcpy((entry)->comm, current->comm, TASK_COMM_LEN);	\
		(entry)->comm[TASK_COMM_LEN - 1] = '\0';		\
	} while (0)
#endif

/*
 * One judged violation, as a sample holds it, from every place a sample is
 * taken (before the samples file's rate limit).  nr: the violations of the
 * rule this one event stands for (a zap that left N entries behind is one
 * event with nr=N); the per-PTE rules (S1, S3, U1, U3, C1, P1-P3) give one
 * event per PTE or slot, nr=1.  swp_type is -1 when the entry is not a
 * swap entry.
 */
TRACE_EVENT(swapscope_violation,

	TP_PROTO(const char *rule, const char *seed, const char *path,
		 unsigned long addr, u64 pte_before, u64 pte_after,
		 const char *kind, int swp_type, unsigned long swp_offset,
		 u32 nr),

	TP_ARGS(rule, seed, path, addr, pte_before, pte_after, kind,
		swp_type, swp_offset, nr),

	TP_STRUCT__entry(
		__array(char, rule, 4)
		__array(char, seed, 4)
		__array(char, path, 24)
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
		__field(unsigned long, addr)
		__field(u64, pte_before)
		__field(u64, pte_after)
		__array(char, kind, 28)
		__field(int, swp_type)
		__field(unsigned long, swp_offset)
		__field(u32, nr)
	),

	TP_fast_assign(
		SS_TP_WHO(__entry, rule, seed);
		SS_TP_STR(__entry, path, path);
		__entry->addr = addr;
		__entry->pte_before = pte_before;
		__entry->pte_after = pte_after;
		SS_TP_STR(__entry, kind, kind);
		__entry->swp_type = swp_type;
		__entry->swp_offset = swp_offset;
		__entry->nr = nr;
	),

	TP_printk("rule=%s seed=%s path=%s pid=%d comm=%s addr=0x%lx pte_before=0x%llx pte_after=0x%llx kind=%s swp_type=%d swp_offset=%lu nr=%u",
		  __entry->rule, __entry->seed, __entry->path, __entry->pid,
		  __entry->comm, __entry->addr, __entry->pte_before,
		  __entry->pte_after, __entry->kind, __entry->swp_type,
		  __entry->swp_offset, __entry->nr)
);

/*
 * A rule's verdict changed: its first observation (not-observed ->
 * conforms), its first violation (-> diverges), or a reset (-> not-observed).
 * observations and violations: the rule's counts just after the change.
 */
TRACE_EVENT(swapscope_verdict,

	TP_PROTO(const char *rule, const char *seed, const char *old_verdict,
		 const char *new_verdict, const char *source, u64 observations,
		 u64 violations),

	TP_ARGS(rule, seed, old_verdict, new_verdict, source, observations,
		violations),

	TP_STRUCT__entry(
		__array(char, rule, 4)
		__array(char, seed, 4)
		__array(char, old_verdict, 16)
		__array(char, new_verdict, 16)
		__array(char, source, 16)
		__field(pid_t, pid)
		__array(char, comm, TASK_COMM_LEN)
		__field(u64, observations)
		__field(u64, violations)
	),

	TP_fast_assign(
		SS_TP_WHO(__entry, rule, seed);
		SS_TP_STR(__entry, old_verdict, old_verdict);
		SS_TP_STR(__entry, new_verdict, new_verdict);
		SS_TP_STR(__entry, source, source);
		__entry->observations = observations;
		__entry->violations = violations;
	),

	TP_printk("rule=%s seed=%s old=%s new=%s source=%s pid=%d comm=%s observations=%llu violations=%llu",
		  __entry->rule, __entry->seed, __entry->old_verdict,
		  __entry->new_verdict, __entry->source, __entry->pid,
		  __entry->comm, __entry->observations, __entry->violations)
);

#endif /* _SWAPSCOPE_TRACE_H */

/*
 * Found through the module's include path (Kbuild: -I$(src)/module), so
 * the build from a copy of the sources finds the copy's header.
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE swapscope_trace
#include <trace/define_trace.h>
