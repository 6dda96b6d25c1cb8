/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * inject.h: rules/samples readers and ssinject commands for the inject
 * tests; a sample line's keys are read with kv.h's kv_str() and kv_u64().
 */
#ifndef SWAPSCOPE_INJECT_H
#define SWAPSCOPE_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scenario.h"
#include "rules.h"

#define IN_DEBUGFS_DIR	"/sys/kernel/debug/ssinject"
#define IN_CMD		IN_DEBUGFS_DIR "/cmd"
#define IN_STATUS	IN_DEBUGFS_DIR "/status"

/* The scenarios' name tables (lib/rules.c), under this lib's names. */
#define in_rule_names		sc_rule_names
#define in_verdict_names	sc_verdict_names

/* The swapscope "rules" file, one entry per rule. */
struct in_rules {
	bool seen[SS_NR_RULES];
	int verdict[SS_NR_RULES];	/* enum ss_verdict, -1 if unknown */
	uint64_t obs[SS_NR_RULES];
	uint64_t viol[SS_NR_RULES];
	uint64_t unjudged[SS_NR_RULES];
	bool enabled[SS_NR_RULES];
};

/*
 * sc_begin(), then bail unless swapscope's rules, samples and control
 * files and ssinject's cmd and status files are there.
 */
void in_begin(const char *name);
/* Read the rules file; bails if it cannot be read or lacks a rule. */
void in_rules_read(struct in_rules *r);
/* "reset" to swapscope's control file; bails on failure. */
void in_reset(void);
/* One ssinject command; 0 or -errno of the write. */
int in_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Value of @key on the status line of @injection; false if absent. */
bool in_status(const char *injection, const char *key, uint64_t *val);
/* Value of @key on that line, 0 if absent (diagnosed as a failure later). */
uint64_t in_status_val(const char *injection, const char *key);
/* Print the status line of @injection as a "# " line. */
void in_diag_status(const char *injection, const char *ctx);
/*
 * The status line of @injection as a "# " line, then one check: its
 * fired= is @fired; unless @x is NULL, one more: its fired_addr= is @x
 * (the page the test calls X).
 */
void in_expect_fired(const char *injection, uint64_t fired, const void *x,
		     const char *ctx);

/*
 * Between snapshots @a and @b: rule @rule's violations rose by exactly
 * @n (n > 0) and its verdict is diverges, and no other rule's violations
 * moved.  Three check lines.
 */
void in_expect_only(const struct in_rules *a, const struct in_rules *b,
		    enum ss_rule rule, uint64_t n, const char *ctx);
/* No rule's violations moved between @a and @b (one check line). */
void in_expect_none(const struct in_rules *a, const struct in_rules *b,
		    const char *ctx);
/* The same, except rule @except (SS_NR_RULES: no exception). */
void in_expect_none_but(const struct in_rules *a, const struct in_rules *b,
			int except, const char *ctx);

/*
 * One check: the samples file has a line "rule=@rule" with addr=@addr and
 * pid=@pid.  The line found is copied to @line (if non-NULL).
 */
bool in_expect_sample(enum ss_rule rule, unsigned long addr, pid_t pid,
		      char *line, size_t size, const char *ctx);
/*
 * One check: the samples file has a line "rule=@rule" from @pid whose
 * count=@count, with its expected= and actual= stored (copied to @line).
 */
bool in_expect_count_sample(enum ss_rule rule, const char *count, pid_t pid,
			    long *expected, long *actual, char *line,
			    size_t size, const char *ctx);

/*
 * fork() a child that touches nothing and exits 0 at EOF on the pipe
 * @go; the caller keeps its write end, go[1].  Bails on failure.
 */
pid_t in_fork_waiting(int go[2]);
/* Close go[1] and reap @child; one check: it exited 0. */
void in_child_exits(pid_t child, int go[2], const char *ctx);

/* pagemap and mincore of one page, for the preconditions. */
uint64_t in_pagemap(const void *addr);
/* 1 if the page is resident (mapped or in the swap cache), 0 if not, -1. */
int in_mincore(const void *addr);

#endif /* SWAPSCOPE_INJECT_H */
