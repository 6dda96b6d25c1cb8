/* SPDX-License-Identifier: GPL-2.0 */
/* swapscope: private header shared by the module's source files. */
#ifndef SWAPSCOPE_PRIV_H
#define SWAPSCOPE_PRIV_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/swap.h>
#include <linux/seq_file.h>
#include <linux/kprobes.h>
#include "uapi/swapscope.h"
#include "rules.h"
#include "spans.h"

/* The first entry of a walk that a rule may want as its sample. */
enum ss_first {
	SS_FIRST_SWAP_EXCL,	/* swap entry with the exclusive bit */
	SS_FIRST_MIGRATION_WRITE,
	SS_FIRST_NONPRESENT,	/* any non-present entry but a marker */
	SS_FIRST_MARKER,	/* uffd-wp marker */
	SS_FIRST_MIGRATION_FILE,
	SS_NR_FIRST
};

struct ss_first_entry {
	unsigned long addr;	/* 0: none seen */
	u64 pte;
};

/* Counters gathered by one walk, added to the per-cpu totals at once. */
struct ss_tally {
	unsigned long c[SS_NR_COUNTERS];
	struct ss_first_entry first[SS_NR_FIRST];
	long rss[SS_NR_RSS];	/* what the entries are worth in mm counters */
};

/* ---- swapinfo.c: swap_map counts, swap cache, device flags ---- */

struct ss_slot {
	bool count_known;
	bool in_cache;		/* SWAP_HAS_CACHE: a folio in or entering the cache */
	u8 count;		/* as in struct ss_pte_view */
	unsigned long flags;	/* swap_info_struct flags (SWP_*) */
};

void ss_swapinfo_init(void);
bool ss_ksym_open(void);
void ss_ksym_close(void);
unsigned long ss_ksym_lookup(const char *name);
void ss_audit_resolve(void);
bool ss_swap_info_known(void);
struct swap_info_struct *ss_swap_info_get(unsigned int type);
void ss_swap_slot(swp_entry_t entry, struct ss_slot *slot);
bool ss_swap_map_read(swp_entry_t entry, u8 *map);

/* ---- walk.c: bounded, lockless reads of user page tables ---- */

/* Upper bound of page-table entries one probe hit may examine. */
extern unsigned int ss_walk_budget;

void ss_classify_pte(pte_t pte, unsigned long addr, struct ss_tally *t);
void ss_view_pte(pte_t pte, struct ss_pte_view *v, struct ss_slot *slot);
bool ss_read_pte(struct vm_area_struct *vma, unsigned long addr, pte_t *pte);
int ss_read_pte_pmd(pmd_t *pmd, unsigned long addr, pte_t *pte);

void ss_walk_vma(struct vm_area_struct *vma, unsigned long addr,
		 unsigned long end, struct ss_tally *t, struct ss_spans *record);
void ss_rewalk_vma(struct vm_area_struct *vma, unsigned long addr,
		   unsigned long end, const struct ss_spans *spans,
		   struct ss_tally *t);

/* ---- stats.c: per-cpu counters per (path, phase) ---- */

int ss_stats_init(void);
size_t ss_stats_memory(void);
void ss_stats_exit(void);
void ss_stats_reset(void);
void ss_stats_call(enum ss_path path, enum ss_phase phase, bool failed);
void ss_stats_view(enum ss_path path, enum ss_phase phase,
		   const struct ss_pte_view *v);
void ss_stats_add(enum ss_path path, enum ss_phase phase,
		  const struct ss_tally *t);
u64 ss_stats_sum(enum ss_path path, enum ss_phase phase,
		 enum ss_counter cnt);
extern const char * const ss_path_names[SS_NR_PATHS];
extern const char * const ss_phase_names[SS_NR_PHASES];
extern const char * const ss_counter_names[SS_NR_COUNTERS];
/* events.c's */
extern const char * const ss_source_names[SS_NR_SOURCES];

/* ---- probes.c: kprobe/kretprobe registration and handlers ---- */

struct ss_probe_info {
	const char *name;
	const char *symbol;
	bool is_ret;
	enum ss_probe_state state;
	const char *reason;	/* why unavailable, "-" when active */
	u64 hits;
	u64 nmissed;
	int maxactive;
	u64 run_ns;		/* handler time, with time_handlers=1 */
};

extern unsigned int ss_maxactive;
extern bool ss_time_handlers;
extern bool ss_warn_on_fail;
extern bool ss_report_warn;

int ss_probes_set_symbols(const char *arg);
void ss_probes_register(void);
void ss_probes_unregister(void);
size_t ss_probes_memory(void);
u64 ss_probes_nmissed(void);
bool ss_probe_active(enum ss_probe id);
void ss_probe_hit(enum ss_probe id);
unsigned int ss_probes_active(void);
void ss_probe_info(enum ss_probe id, struct ss_probe_info *info);

/* ---- verdicts.c: per-rule counts, verdicts and states ---- */

int ss_verdicts_init(void);
size_t ss_verdicts_memory(void);
void ss_verdicts_exit(void);
void ss_rules_account(const struct ss_judgement *j, enum ss_source source,
		      unsigned long addr);
bool ss_rule_enabled(enum ss_rule rule);
void ss_rule_fail(enum ss_rule rule, const char *why);
int ss_rule_set_enabled(enum ss_rule rule, bool enabled, const char **why);
void ss_rule_unsampled(enum ss_rule rule);
u64 ss_rule_unsampled_sum(enum ss_rule rule);
void ss_verdicts_reset(void);
void ss_rules_rearm(void);
int ss_rules_show(struct seq_file *m, void *v);

/* ---- samples.c: the kept violations of each rule ---- */

/* Return addresses a sample keeps of the stack that led to it. */
#define SS_SAMPLE_STACK_DEPTH	12

struct ss_sample {
	u64 seq;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long addr;
	u64 pte_before;
	u64 pte_after;
	u8 kind;		/* enum ss_counter entry kind */
	u8 probe;		/* enum ss_probe */
	bool count_known;
	u8 swap_count;
	/* count-based violations: struct ss_evidence, as kept */
	bool mm_known;
	bool mm_child;
	u8 count_what;		/* enum ss_count_what */
	pid_t mm_pid;
	char mm_comm[TASK_COMM_LEN];
	unsigned long vm_start, vm_end;
	long expected, actual;
	u8 pm_truth;		/* pagemap: SS_PMT_* + 1 (pte_after: the entry) */
	unsigned long stack[SS_SAMPLE_STACK_DEPTH];
};

/*
 * What a sample of a count-based violation adds: whose mm, which VMA, and
 * the counts that disagreed (from the judgement's diff).
 */
struct ss_evidence {
	struct mm_struct *mm;		/* NULL: not known */
	bool child;			/* @mm is the child a fork is making */
	unsigned long vm_start, vm_end;	/* vm_end 0: not known */
	const struct ss_count_diff *diff;	/* NULL: no counts */
	u8 pm_truth;			/* pagemap: SS_PMT_* + 1, 0: none */
};

/* Sample source past the probes: the pagemap comparison (process context). */
#define SS_SRC_PAGEMAP	SS_NR_PROBES
/* ... and the swap-slot audit of rule C2 (process context). */
#define SS_SRC_AUDIT	(SS_NR_PROBES + 1)
/*
 * A sample of @nr violations of @rule (the call's count of them, or 1 for
 * one PTE or slot): every one goes to tracefs (swapscope:swapscope_violation)
 * and the rule's first to the log with report_warn=1; the samples file
 * keeps some.
 */
void ss_sample(enum ss_rule rule, enum ss_probe probe, unsigned long addr,
	       u64 pte_before, u64 pte_after, const struct ss_pte_view *v,
	       u32 nr);
void ss_sample_ev(enum ss_rule rule, enum ss_probe probe, unsigned long addr,
		  u64 pte_before, u64 pte_after, const struct ss_pte_view *v,
		  const struct ss_evidence *ev, u32 nr);
/*
 * A pagemap entry @pme a reader was told about @addr of @ev->mm, whose
 * PTE was @pte and truth @truth (SS_PMT_*): it stands for @nr violations
 * of @rule.
 */
void ss_sample_pagemap(enum ss_rule rule, enum ss_probe probe,
		       unsigned long addr, u64 pte, u64 pme,
		       const struct ss_pte_view *v, struct ss_evidence *ev,
		       u8 truth, u32 nr);
void ss_evidence_vma(struct ss_evidence *ev, struct vm_area_struct *vma,
		     const struct ss_judgement *j);
size_t ss_samples_memory(void);
void ss_samples_reset(void);
int ss_samples_show(struct seq_file *m, void *v);

/* ---- control.c: the control file's commands ---- */

extern const struct file_operations ss_control_fops;
extern const struct ss_cmd_file ss_control_cmd;

/* ---- kv.c: debugfs command intake, task names as one word ---- */

/* The longest command any debugfs file takes, plus one. */
#define SS_CMD_MAX	80

/* A command written to a debugfs file, as ss_cmd_write() takes it in. */
struct ss_cmd {
	char buf[SS_CMD_MAX];	/* its words, each NUL-terminated */
	char text[SS_CMD_MAX];	/* the command trimmed, for log lines */
	char *word[4];		/* the first words; "" past the last */
	int nr;			/* words in the command, all of them */
	unsigned long arg[3];	/* ->check's to ->run's: the values parsed */
};

/* A debugfs file that takes commands (the languages: kv.c). */
struct ss_cmd_file {
	const char *name;	/* in log lines */
	size_t max;		/* the longest command + 1, at most SS_CMD_MAX */
	struct mutex *lock;	/* one command at a time */
	/* Optional, before the lock: 0, or why @c is refused (logged). */
	int (*check)(struct ss_cmd *c);
	/* Under the lock: 0, or the error, having changed nothing. */
	int (*run)(const struct ss_cmd *c);
};

ssize_t ss_cmd_write(struct file *file, const char __user *ubuf, size_t len,
		     loff_t *ppos);

/*
 * A character of a key=value record's value as shown: blanks, control
 * characters, bytes past ASCII, '=' and ',' (the separator of lists) are
 * '_'.
 */
static inline char ss_kv_char(char ch)
{
	unsigned char c = ch;

	return (c <= ' ' || c > '~' || c == '=' || c == ',') ? '_' : ch;
}

void ss_comm_word(char dst[TASK_COMM_LEN], const char *comm);
void ss_comm_copy(char dst[TASK_COMM_LEN], const char *comm);

/* ---- rsswatch.c: is anyone else changing this mm's RSS counters? ---- */

struct ss_watch;
struct ss_watch *ss_watch_begin(struct mm_struct *mm);
struct ss_watch *ss_watch_begin_for_walk(struct mm_struct *mm);
bool ss_watch_end(struct ss_watch *w);
bool ss_watch_end_alone(struct ss_watch *w, struct mm_struct *mm);
void ss_rss_read(struct mm_struct *mm, bool with_task_cache,
		 long rss[SS_NR_RSS]);
void ss_writer_begin(struct mm_struct *mm, bool even_own);
void ss_writer_end(struct mm_struct *mm);
void ss_watch_entry(struct ss_watch *w, swp_entry_t entry);
unsigned int ss_watch_freed(struct ss_watch *w);
void ss_swap_freed(swp_entry_t entry, unsigned int nr);
int ss_rsswatch_init(void);
void ss_rsswatch_exit(void);
bool ss_rss_watching(void);
u64 ss_watch_full(void);
void ss_watch_full_reset(void);
void ss_watch_interfered_call(void);
u64 ss_watch_interfered(void);
size_t ss_rsswatch_memory(void);

/* ---- swaprefs.c: swap references taken by a fork, dropped by a zap ---- */

struct ss_refs;
struct ss_refs *ss_refs_begin(struct vm_area_struct *vma, bool take,
			      bool judge_slots);
u32 ss_refs_end(struct ss_refs *r, bool *known);
struct ss_refs *ss_refs_counting(bool take);
void ss_refs_set_ready(bool ready);
u64 ss_refs_missed(void);
bool ss_refs_count(struct ss_refs *r, unsigned int nr);
void ss_refs_pause(bool pause);
void ss_refs_evidence(const struct ss_refs *r, struct ss_evidence *ev);
size_t ss_refs_memory(void);

/* ---- pagemap.c: /proc/PID/pagemap against the kernel (seed 002) ---- */

extern const struct file_operations ss_pagemap_fops;
extern const struct ss_cmd_file ss_pagemap_cmd;

/* ---- audit.c: the on-demand swap-slot audit of rule C2 (seed 004) ---- */

extern const struct file_operations ss_audit_fops;
extern const struct ss_cmd_file ss_audit_cmd;

/* ---- scope.c: watch one process tree only ---- */

bool ss_in_scope(struct mm_struct *mm);
int ss_scope_set(pid_t nr);
pid_t ss_scope(void);
u64 ss_scope_skipped_sum(void);
void ss_scope_reset(void);

/* ---- events.c: the live events stream ---- */

int ss_events_init(void);
void ss_events_exit(void);
size_t ss_events_memory(void);
u64 ss_events_dropped(void);
void ss_events_reset(void);
bool ss_events_followed(void);
extern bool ss_events_on;

/* Probe context: is anyone reading the events file (worth a record)? */
static inline bool ss_events_wanted(void)
{
	return READ_ONCE(ss_events_on);
}

void ss_event_observe(enum ss_source source, unsigned long addr, u32 obs,
		      u32 viol, u32 impact);
void ss_event_verdict(enum ss_rule rule, enum ss_verdict verdict,
		      enum ss_source source);
void ss_event_disabled(enum ss_rule rule, const char *reason);
extern const struct file_operations ss_events_fops;

/* ---- debugfs.c ---- */

int ss_debugfs_init(void);
void ss_debugfs_exit(void);

#endif /* SWAPSCOPE_PRIV_H */
