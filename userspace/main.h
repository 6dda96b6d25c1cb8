/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* main.h: private interface between the files of the swapscope CLI. */
#ifndef SWAPSCOPE_CLI_H
#define SWAPSCOPE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compiler.h"
#include "swapscope.h"	/* module/uapi: names, ids and record layouts */
#include "json.h"
#include "records.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum ss_exit {
	SS_EXIT_OK	= 0,
	SS_EXIT_PROBLEM	= 1,	/* ran, and found a problem (check, doctor) */
	SS_EXIT_USAGE	= 2,	/* usage or environment error */
};

/* main.c: options and error reporting */
extern bool json_output;
extern bool pretty_output;
extern const char *debugfs_dir;
extern struct json_writer json_wtr;

__printf(1, 2) void p_err(const char *fmt, ...);
void *xcalloc(size_t n, size_t size);
__printf(1, 2) char *xasprintf(const char *fmt, ...);

/*
 * textfile.c: the whole of @path, NUL-terminated, its length in *@lenp
 * (may be NULL).  NULL when it cannot be read, is larger than @max bytes or
 * holds a NUL byte: errno says why, and "@what PATH: why" is reported
 * unless @what is NULL.
 */
char *read_text_file(const char *path, const char *what, size_t max,
		     size_t *lenp);
/*
 * Calls @fn on each line of read_text_file(@path, ...) but blank ones and
 * '#' comments, its leading blanks skipped, @nr its line number; stops at
 * the first non-zero return, returns it (-1: the file could not be read).
 */
int read_text_lines(const char *path, const char *what, size_t max,
		    int (*fn)(void *ctx, char *line, unsigned int nr),
		    void *ctx);

/*
 * args.c: a command parses its own options, argv[0] its name: call
 * cmd_getopt() until -1 (optind is reset before each command), then
 * argc - optind arguments are left at argv + optind.  An error is reported
 * (naming the command and the option) and returned as '?'; a missing
 * argument is returned as ':', unreported, if shortopts starts with ':'.
 */
struct cmd_opts {
	const char *cmd;		/* its name, for errors */
	const char *shortopts;		/* as getopt's; NULL: none */
	const struct option *longopts;	/* NULL: none; values from 256 */
};

int cmd_getopt(int argc, char **argv, const struct cmd_opts *o);
/*
 * The loop over cmd_getopt(): @fn gets each option (and ':' if asked
 * for) and returns 0 or an exit code, which ends it; then *argc and
 * *argv are the arguments.  0, or the exit code (an error reported).
 */
int cmd_parse(int *argc, char ***argv, const struct cmd_opts *o,
	      int (*fn)(void *ctx, int opt, char *arg), void *ctx);
/* For a command without options: 0, *argc and *argv its arguments, or 2. */
int cmd_no_options(int *argc, char ***argv, const char *cmd);
/* check's and run's options --allow-missed and --ktap; theirs follow. */
enum { OPT_ALLOW_MISSED = 256, OPT_KTAP, OPT_GATE_NEXT };

#define GATE_LONGOPTS \
	{ "allow-missed", no_argument,		NULL, OPT_ALLOW_MISSED }, \
	{ "ktap",	  no_argument,		NULL, OPT_KTAP }

struct gate_opts {
	bool allow_missed;
	bool ktap;
};

/* Takes @opt if it is one of them: true. */
bool gate_opt(struct gate_opts *g, int opt);
/* --ktap with --json is refused: 0 or SS_EXIT_USAGE, reported. */
int gate_opts_check(const struct gate_opts *g);
/* A decimal number from 1 to @max for option @opt: 0, or 2 reported. */
int parse_positive(const char *opt, const char *arg, long max, long *val);
/* A long option of @opts by its name's first @len chars: exact or unique. */
const struct option *opt_lookup(const struct option *opts, const char *name,
				size_t len);

/*
 * main.c: the long option @name (@len chars; or the short @c) of another
 * command than @cmd, its name in *@owner; NULL: no command has it.
 */
const struct option *cmd_option_elsewhere(const char *cmd, const char *name,
					  size_t len, int c,
					  const char **owner);

/* The commands' own options, which main.c sees only to find the command. */
extern const struct option stats_longopts[], check_longopts[],
	matrix_longopts[], events_longopts[], run_longopts[],
	doctor_longopts[];

/* debugfs.c: the swapscope directory and its files */
struct ss_version {
	struct ss_file file;
	const char *module;
	uint64_t abi;
	const char *kernel;
	const char *kernel_version;
	const char *build;
};

int ss_load(struct ss_file *f, const char *name, enum ss_rec_mode mode);
int ss_load_version(struct ss_version *v);
void ss_unload(struct ss_file *f);
int ss_bad_record(const struct ss_file *f);
int ss_write(const char *name, const char *cmd, const char *(*explain)(int err));

/* health.c: what the module could not see or judge, its scope, memory */
enum { UNSEEN_EVENTS_DROPPED, UNSEEN_WATCH_FULL, UNSEEN_WALK_TRUNCATED,
       UNSEEN_PAGEMAP_BUSY, UNSEEN_PAGEMAP_UNSEEN, NR_UNSEEN };

struct unseen_kind {
	const char *key;	/* in the health file */
	const char *what;	/* for people */
	bool optional;		/* a module before it has no such line: 0 */
};

extern const struct unseen_kind unseen_kinds[NR_UNSEEN];

struct health {
	struct ss_file file;
	uint64_t nmissed;	/* every probe's, summed */
	uint64_t unseen[NR_UNSEEN];
	const char *scope;	/* "none" or a tgid */
	uint64_t scope_skipped;
	uint64_t memory_bytes;
	/* Z4/S4 calls another writer of the mm overlapped; 0 if not said. */
	uint64_t watch_interfered;
};

int health_load(struct health *h);
uint64_t health_unseen_total(const struct health *h);
void health_print_unseen(FILE *fp, const struct health *h, bool allowed);
void health_json_unseen(const struct health *h);

/* report.c: the rules file, one row per rule */
struct rule_row {
	const char *rule;
	const char *seed;
	const char *verdict;
	const char *reason;	/* "-" when there is none */
	uint64_t obs;
	uint64_t viol;
	uint64_t impact;
	uint64_t unjudged;	/* judgements not made exactly (0: module without) */
	bool enabled;
	int state;		/* enum ss_rule_state */
	int known;		/* index in SS_RULES, -1: unknown to this CLI */
	size_t group;
	unsigned int line;
};

int rules_load(struct ss_file *f, struct rule_row **rowsp);
/* The rule disabled itself on an internal inconsistency (state=failed). */
bool rule_failed(const struct rule_row *p);
/* "failed: U1 (folio-larger-than-pmd), U3 (...)" for people; NULL: none */
char *rules_failed_list(const struct rule_row *rows, size_t n);
void rules_failed_json(struct json_writer *w, const struct rule_row *rows,
		       size_t n);
void report_print(const struct rule_row *rows, size_t n);
void report_plain(const struct rule_row *rows, size_t n);
void report_json_array(struct json_writer *w, const struct rule_row *rows,
		       size_t n);

/* table.c: fixed-column text tables */
enum { TABLE_LEFT, TABLE_RIGHT };

struct table {
	size_t cols;
	size_t rows;
	char **cell;		/* rows * cols, row-major */
	const unsigned char *align;	/* TABLE_LEFT or TABLE_RIGHT per column */
};

void table_init(struct table *t, size_t cols, const unsigned char *align);
void table_add_row(struct table *t);
__printf(3, 4) void table_set(struct table *t, size_t col, const char *fmt,
			      ...);
void table_print(const struct table *t);
void table_free(struct table *t);

/* ruletab.c: the rules (docs/rules.md), in SS_RULES order */
extern const char *const rule_ids[SS_NR_RULES];
extern const char *const rule_seeds[SS_NR_RULES];
extern const char *const verdict_names[SS_NR_VERDICTS];
extern const char *const rule_state_names[SS_NR_STATES];

int rule_find(const char *id, bool ignore_case);	/* -1: unknown */
const char *rule_checks(int rule);	/* a few words, "?" if none */
size_t rule_nr_groups(void);
size_t rule_group(const char *id);	/* by the id's first letter */
const char *rule_group_name(size_t group);
char *rule_id_list(void);
int verdict_find(const char *name);	/* -1: unknown */
int rule_state_find(const char *name);	/* -1: unknown */

/* gate.c: baseline files, format 1 (no kernel=) or 2 */
struct base_rule {
	char *rule;
	char *seed;		/* NULL: not in the file (format 1) */
	int verdict;		/* enum ss_verdict */
	bool has_obs, has_viol, has_impact;	/* false: not in the file */
	uint64_t obs, viol, impact;
	unsigned int line;
};

struct baseline {
	char *kernel;		/* kernel=, NULL: not in the file (format 1) */
	unsigned int kernel_line;
	size_t nr;
	struct base_rule *rules;	/* in the file's order */
};

/* An id a baseline may hold: letters, digits, '_', '-', up to 32. */
bool rule_id_ok(const char *s);
/* 0, or -1 with a "FILE:LINE: what" error reported. */
int baseline_load(struct baseline *b, const char *path);
void baseline_free(struct baseline *b);
const struct base_rule *baseline_find(const struct baseline *b,
				      const char *rule);

/* ktap.c: check --ktap, run --ktap */
struct ktap {
	const char *what;		/* the last test: "check" or "run" */
	const struct ss_version *version;
	const struct baseline *baseline;	/* NULL: none */
	const char *baseline_path;
	const char *command;		/* run: CMD and how it ended, else NULL */
	const struct rule_row *rows;
	size_t n;
	bool pass;			/* the gate's verdict */
	char *details;	/* the plain output's lines, the summary last */
	size_t details_len;
};

void ktap_print(const struct ktap *k);

/* commands */
int do_status(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_report(int argc, char **argv);
int do_samples(int argc, char **argv);
int do_baseline(int argc, char **argv);
int do_check(int argc, char **argv);
int do_diff(int argc, char **argv);
int do_matrix(int argc, char **argv);
int do_enable(int argc, char **argv);
int do_disable(int argc, char **argv);
int do_reset(int argc, char **argv);
int do_events(int argc, char **argv);
/* events.c: "--rule A,B" into a set of rule ids; 0 or an exit code */
int rules_filter(const char *opt, const char *list, bool rule[SS_NR_RULES]);
int do_run(int argc, char **argv);
int do_doctor(int argc, char **argv);
int do_pagemap(int argc, char **argv);
int do_audit(int argc, char **argv);

/* control.c: one command to the module's control file */
int control_command(const char *cmd);

#endif /* SWAPSCOPE_CLI_H */
