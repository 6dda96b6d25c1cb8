// SPDX-License-Identifier: GPL-2.0 OR MIT
/* stats.c: "swapscope stats": the module's counters per path and phase. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "main.h"

/* In enum order: the tables build both, and the sizes are checked below. */
static const char *const path_names[] = { SS_PATHS(SS_X_NAMES) };
static const char *const phase_names[] = { SS_PHASES(SS_X_NAMES) };
static const char *const counter_names[] = { SS_COUNTERS(SS_X_NAMES) };

_Static_assert(ARRAY_SIZE(path_names) == SS_NR_PATHS, "path names");
_Static_assert(ARRAY_SIZE(phase_names) == SS_NR_PHASES, "phase names");
_Static_assert(ARRAY_SIZE(counter_names) == SS_NR_COUNTERS, "counter names");

struct stats {
	uint64_t val[SS_NR_PATHS][SS_NR_PHASES][SS_NR_COUNTERS];
	unsigned int line[SS_NR_PATHS][SS_NR_PHASES];	/* 0: not seen */
};

static int name_index(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	return -1;
}

static int stats_record(struct ss_file *f, const struct ss_record *r,
			struct stats *st)
{
	const char *path, *phase;
	int pa, ph;
	size_t c;

	if (ss_rec_str(f, r, "path", &path) ||
	    ss_rec_str(f, r, "phase", &phase))
		return ss_bad_record(f);
	pa = name_index(path_names, SS_NR_PATHS, path);
	ph = name_index(phase_names, SS_NR_PHASES, phase);
	/* A newer module may add a path under the same abi: skip it. */
	if (pa < 0 || ph < 0)
		return 0;
	if (st->line[pa][ph]) {
		snprintf(f->err, sizeof(f->err),
			 "%s:%u: path=%s phase=%s again (first on line %u)",
			 f->name, r->line, path, phase, st->line[pa][ph]);
		return ss_bad_record(f);
	}
	st->line[pa][ph] = r->line;
	for (c = 0; c < SS_NR_COUNTERS; c++)
		if (ss_rec_u64(f, r, counter_names[c], &st->val[pa][ph][c]))
			return ss_bad_record(f);
	return 0;
}

static int stats_parse(struct ss_file *f, struct stats *st)
{
	size_t i;
	int pa, ph;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < f->nr; i++)
		if (stats_record(f, &f->rec[i], st))
			return -1;
	for (pa = 0; pa < SS_NR_PATHS; pa++) {
		for (ph = 0; ph < SS_NR_PHASES; ph++) {
			if (st->line[pa][ph])
				continue;
			snprintf(f->err, sizeof(f->err),
				 "%s: no line for path=%s phase=%s", f->name,
				 path_names[pa], phase_names[ph]);
			return ss_bad_record(f);
		}
	}
	return 0;
}

static void stats_json(const struct stats *st)
{
	struct json_writer *w = &json_wtr;
	int pa, ph, c;

	jsonw_start_array(w);
	for (pa = 0; pa < SS_NR_PATHS; pa++) {
		for (ph = 0; ph < SS_NR_PHASES; ph++) {
			jsonw_start_object(w);
			jsonw_string_field(w, "path", path_names[pa]);
			jsonw_string_field(w, "phase", phase_names[ph]);
			for (c = 0; c < SS_NR_COUNTERS; c++)
				jsonw_u64_field(w, counter_names[c],
						st->val[pa][ph][c]);
			jsonw_end_object(w);
		}
	}
	jsonw_end_array(w);
	jsonw_finish(w);
}

static bool show_all;		/* -a, --all: every counter, not only non-zero */

/* calls always; the rest when asked for, or when they say something. */
static bool stats_shown(const struct stats *st, int c)
{
	int pa, ph;

	if (show_all || c == SS_CNT_CALLS)
		return true;
	for (pa = 0; pa < SS_NR_PATHS; pa++)
		for (ph = 0; ph < SS_NR_PHASES; ph++)
			if (st->val[pa][ph][c])
				return true;
	return false;
}

static void stats_plain(const struct stats *st)
{
	unsigned char align[2 + SS_NR_COUNTERS];
	int shown[SS_NR_COUNTERS], nr = 0, pa, ph, c, i;
	struct table t;

	for (c = 0; c < SS_NR_COUNTERS; c++)
		if (stats_shown(st, c))
			shown[nr++] = c;
	memset(align, TABLE_RIGHT, sizeof(align));
	align[0] = align[1] = TABLE_LEFT;
	table_init(&t, 2 + nr, align);
	table_add_row(&t);
	table_set(&t, 0, "path");
	table_set(&t, 1, "phase");
	for (i = 0; i < nr; i++)
		table_set(&t, 2 + i, "%s", counter_names[shown[i]]);
	for (pa = 0; pa < SS_NR_PATHS; pa++) {
		for (ph = 0; ph < SS_NR_PHASES; ph++) {
			table_add_row(&t);
			table_set(&t, 0, "%s", path_names[pa]);
			table_set(&t, 1, "%s", phase_names[ph]);
			for (i = 0; i < nr; i++)
				table_set(&t, 2 + i, "%" PRIu64,
					  st->val[pa][ph][shown[i]]);
		}
	}
	table_print(&t);
	table_free(&t);
}

/* Long options get values above any char (see args.c's errors). */
enum { OPT_ALL = 256 };

const struct option stats_longopts[] = {
	{ "all",	no_argument,	NULL, OPT_ALL },
	{ 0 }
};

static int stats_opt(void *ctx, int opt, char *arg)
{
	(void)ctx;
	(void)arg;
	if (opt != 'a' && opt != OPT_ALL)
		return SS_EXIT_USAGE;
	show_all = true;
	return 0;
}

int do_stats(int argc, char **argv)
{
	static const struct cmd_opts opts = {
		.cmd = "stats", .shortopts = "a", .longopts = stats_longopts,
	};
	struct ss_version v;
	struct ss_file f;
	struct stats st;
	int ret = cmd_parse(&argc, &argv, &opts, stats_opt, NULL);

	if (ret)
		return ret;
	ret = SS_EXIT_USAGE;
	if (argc) {
		p_err("stats takes no arguments, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	if (ss_load(&f, "stats", SS_REC_WORDS))
		goto out_version;
	if (stats_parse(&f, &st))
		goto out_stats;
	if (json_output)
		stats_json(&st);
	else
		stats_plain(&st);
	ret = SS_EXIT_OK;
out_stats:
	ss_unload(&f);
out_version:
	ss_unload(&v.file);
	return ret;
}
