// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * events.c: "swapscope events --follow": the module's live stream of
 * judged calls and verdict changes, filtered by path, rule and pid, until
 * Ctrl-C, --count or --timeout; records the module dropped are reported,
 * never hidden.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

/* events' options */
static const char *opt_path;	/* --path LIST */
static const char *opt_rules;	/* --rule LIST */
static long opt_pid;		/* --pid N, 0: any */
static long opt_count;		/* --count N, 0: no limit */
static long opt_timeout;	/* --timeout SECS, 0: none */

enum { OPT_FOLLOW = 256, OPT_PATH, OPT_RULE, OPT_PID, OPT_COUNT,
       OPT_TIMEOUT };

const struct option events_longopts[] = {
	{ "follow",	no_argument,		NULL, OPT_FOLLOW },
	{ "path",	required_argument,	NULL, OPT_PATH },
	{ "rule",	required_argument,	NULL, OPT_RULE },
	{ "pid",	required_argument,	NULL, OPT_PID },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ 0 }
};

#define EVENTS_CHUNK	(64u << 10)

static const char *const source_names[SS_NR_SOURCES] = {
#define SS_X_NAME(id, name) name,
	SS_SOURCES(SS_X_NAME)
#undef SS_X_NAME
};

struct events_filter {
	bool source[SS_NR_SOURCES];
	bool any_source;
	bool rule[SS_NR_RULES];
	bool any_rule;
	long pid;
};

struct events_tally {
	uint64_t read;		/* records read */
	uint64_t shown;		/* records that passed the filter */
	uint64_t dropped;	/* records the module could not keep */
};

static volatile sig_atomic_t events_stop;

static void events_on_signal(int sig)
{
	(void)sig;
	events_stop = 1;
}

static int source_find(const char *name)
{
	int i;

	for (i = 0; i < SS_NR_SOURCES; i++)
		if (!strcmp(name, source_names[i]))
			return i;
	return -1;
}

/* "a,b,c" with each item accepted by @find into @set; 0 or an exit code. */
static int parse_list(const char *opt, const char *list, bool *set,
		      int (*find)(const char *), const char *valid)
{
	char *copy = xasprintf("%s", list), *save = NULL, *item;
	int i, items = 0, ret = SS_EXIT_OK;

	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save), items++) {
		i = find(item);
		if (i < 0) {
			p_err("%s: unknown '%.40s': one of %s", opt, item, valid);
			ret = SS_EXIT_USAGE;
			break;
		}
		set[i] = true;
	}
	if (!ret && !items) {
		p_err("%s needs a comma-separated list: one of %s", opt, valid);
		ret = SS_EXIT_USAGE;
	}
	free(copy);
	return ret;
}

static int rule_find_any_case(const char *id)
{
	return rule_find(id, true);
}

static char *source_list(void)
{
	char *s = xasprintf("%s", source_names[0]), *t;
	int i;

	for (i = 1; i < SS_NR_SOURCES; i++) {
		t = xasprintf("%s, %s", s, source_names[i]);
		free(s);
		s = t;
	}
	return s;
}

int rules_filter(const char *opt, const char *list, bool rule[SS_NR_RULES])
{
	char *valid = rule_id_list();
	int ret = parse_list(opt, list, rule, rule_find_any_case, valid);

	free(valid);
	return ret;
}

static int filter_init(struct events_filter *flt)
{
	char *valid;
	int ret;

	memset(flt, 0, sizeof(*flt));
	if (opt_path) {
		valid = source_list();
		ret = parse_list("--path", opt_path, flt->source, source_find,
				 valid);
		free(valid);
		if (ret)
			return ret;
		flt->any_source = true;
	}
	if (opt_rules) {
		ret = rules_filter("--rule", opt_rules, flt->rule);
		if (ret)
			return ret;
		flt->any_rule = true;
	}
	flt->pid = opt_pid;
	return SS_EXIT_OK;
}

/* Does the comma list @val ("-" when empty) name a rule of the filter? */
static bool list_has_rule(const struct events_filter *flt, const char *val)
{
	char *copy, *save = NULL, *item;
	bool found = false;
	int r;

	if (!val || !strcmp(val, "-"))
		return false;
	copy = xasprintf("%s", val);
	for (item = strtok_r(copy, ",", &save); item && !found;
	     item = strtok_r(NULL, ",", &save)) {
		r = rule_find(item, false);
		found = r >= 0 && flt->rule[r];
	}
	free(copy);
	return found;
}

static bool event_wanted(const struct events_filter *flt,
			 const struct ss_record *r)
{
	const char *source = ss_rec_get(r, "source");
	const char *pid = ss_rec_get(r, "pid");
	int s;

	if (flt->any_source) {
		s = source ? source_find(source) : -1;
		if (s < 0 || !flt->source[s])
			return false;
	}
	if (flt->pid && (!pid || strtol(pid, NULL, 10) != flt->pid))
		return false;
	if (flt->any_rule) {
		const char *rule = ss_rec_get(r, "rule");
		int id = rule ? rule_find(rule, false) : -1;

		if (!(id >= 0 && flt->rule[id]) &&
		    !list_has_rule(flt, ss_rec_get(r, "observed")) &&
		    !list_has_rule(flt, ss_rec_get(r, "violated")) &&
		    !list_has_rule(flt, ss_rec_get(r, "impact")))
			return false;
	}
	return true;
}

static const char *get(const struct ss_record *r, const char *key)
{
	const char *v = ss_rec_get(r, key);

	return v ? v : "?";
}

static double event_seconds(const struct ss_record *r)
{
	uint64_t ns = 0;

	ss_parse_u64(get(r, "ns"), &ns);
	return ns / 1e9;
}

static void event_plain(const struct ss_record *r, const char *type)
{
	printf("[%12.6f] cpu%-2s ", event_seconds(r), get(r, "cpu"));
	if (!strcmp(type, "observe"))
		printf("%-11s pid %-7s %-15s addr %-16s observed %s violated %s impact %s\n",
		       get(r, "source"), get(r, "pid"), get(r, "comm"),
		       get(r, "addr"), get(r, "observed"), get(r, "violated"),
		       get(r, "impact"));
	else if (!strcmp(type, "verdict"))
		printf("VERDICT     %s %s (at %s, pid %s %s)\n", get(r, "rule"),
		       get(r, "verdict"), get(r, "source"), get(r, "pid"),
		       get(r, "comm"));
	else if (!strcmp(type, "disabled"))
		printf("DISABLED    %s: %s\n", get(r, "rule"), get(r, "reason"));
	else
		printf("%s\n", type);	/* a newer module's record */
}

static bool is_number_key(const char *key)
{
	static const char *const keys[] = { "seq", "ns", "cpu", "pid", "count" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

static bool is_list_key(const char *key)
{
	return !strcmp(key, "observed") || !strcmp(key, "violated") ||
	       !strcmp(key, "impact");
}

/* One JSON object per line (JSON Lines), every key of the record. */
static void event_json(const struct ss_record *r)
{
	struct json_writer w;
	char *copy, *save = NULL, *item;
	uint64_t n;
	size_t i;

	jsonw_init(&w, stdout, false);
	jsonw_start_object(&w);
	for (i = 0; i < r->nr_kv; i++) {
		const struct ss_kv *kv = &r->kv[i];

		if (is_number_key(kv->key) && !ss_parse_u64(kv->val, &n)) {
			jsonw_u64_field(&w, kv->key, n);
		} else if (is_list_key(kv->key)) {
			jsonw_name(&w, kv->key);
			jsonw_start_array(&w);
			copy = xasprintf("%s", kv->val);
			for (item = strtok_r(copy, ",", &save); item;
			     item = strtok_r(NULL, ",", &save))
				if (strcmp(item, "-"))
					jsonw_string(&w, item);
			free(copy);
			save = NULL;
			jsonw_end_array(&w);
		} else {
			jsonw_string_field(&w, kv->key, kv->val);
		}
	}
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

/* Parse and print one chunk of whole lines; 0 or -1 (reported). */
static int events_chunk(const char *buf, size_t len,
			const struct events_filter *flt,
			struct events_tally *tally)
{
	struct ss_file f;
	size_t i;
	uint64_t count;

	ss_file_init(&f, "events");
	if (ss_parse_buf(&f, buf, len, SS_REC_WORDS)) {
		ss_bad_record(&f);
		ss_file_free(&f);
		return -1;
	}
	for (i = 0; i < f.nr && !events_stop; i++) {
		const struct ss_record *r = &f.rec[i];
		const char *type = ss_rec_get(r, "event");

		tally->read++;
		if (type && !strcmp(type, "dropped")) {
			/* Losses are shown whatever the filter. */
			if (!ss_parse_u64(get(r, "count"), &count))
				tally->dropped += count;
			if (json_output)
				event_json(r);
			else
				printf("DROPPED     %s records: the reader was too slow\n",
				       get(r, "count"));
			continue;
		}
		if (!event_wanted(flt, r))
			continue;
		if (json_output)
			event_json(r);
		else
			event_plain(r, type ? type : "?");
		tally->shown++;
		if (opt_count && tally->shown >= (uint64_t)opt_count)
			events_stop = 1;
	}
	ss_file_free(&f);
	return 0;
}

static int events_open(void)
{
	char *path = xasprintf("%s/events", debugfs_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		if (err == EBUSY)
			p_err("%s: another reader is following the events; the module serves one at a time",
			      path);
		else if (err == EACCES || err == EPERM)
			p_err("%s: permission denied: events are readable by root only, run swapscope as root",
			      path);
		else if (err == ENOENT)
			p_err("%s does not exist, the module does not provide it: rebuild the CLI and the module from the same tree",
			      path);
		else
			p_err("%s: %s", path, strerror(err));
	}
	free(path);
	return fd;
}

static void events_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = events_on_signal;	/* no SA_RESTART: read returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
}

static int events_opt(void *ctx, int opt, char *arg)
{
	(void)ctx;
	switch (opt) {
	case OPT_FOLLOW:
		return 0;
	case OPT_PATH:
		opt_path = arg;
		return 0;
	case OPT_RULE:
		opt_rules = arg;
		return 0;
	case OPT_PID:
		return parse_positive("--pid", arg, 1L << 22, &opt_pid);
	case OPT_COUNT:
		return parse_positive("--count", arg, 1L << 30, &opt_count);
	case OPT_TIMEOUT:
		return parse_positive("--timeout", arg, 86400, &opt_timeout);
	}
	return SS_EXIT_USAGE;
}

int do_events(int argc, char **argv)
{
	static const struct cmd_opts opts = {
		.cmd = "events", .longopts = events_longopts,
	};
	struct events_tally tally = { 0 };
	struct events_filter flt;
	struct ss_version v;
	char *buf;
	ssize_t n;
	int fd, ret;

	ret = cmd_parse(&argc, &argv, &opts, events_opt, NULL);
	if (ret)
		return ret;
	if (argc) {
		p_err("events takes options only, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	ret = filter_init(&flt);
	if (ret)
		return ret;
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	ss_unload(&v.file);
	fd = events_open();
	if (fd < 0)
		return SS_EXIT_USAGE;
	events_signals();
	if (opt_timeout)
		alarm(opt_timeout);
	/* Each event as it comes, also into a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	buf = xcalloc(1, EVENTS_CHUNK);
	ret = SS_EXIT_OK;
	while (!events_stop) {
		n = read(fd, buf, EVENTS_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			p_err("reading events: %s", strerror(errno));
			ret = SS_EXIT_USAGE;
			break;
		}
		if (!n)
			break;	/* the module went away */
		if (events_chunk(buf, n, &flt, &tally)) {
			ret = SS_EXIT_USAGE;
			break;
		}
	}
	alarm(0);
	free(buf);
	close(fd);
	fflush(stdout);
	fprintf(stderr, "%s: %" PRIu64 " events shown of %" PRIu64 " read, %"
		PRIu64 " dropped by the module%s\n", SWAPSCOPE_NAME, tally.shown,
		tally.read, tally.dropped,
		tally.dropped ? ": follow fewer events (--path, --rule, --pid) or read faster" : "");
	if (!ret && tally.dropped)
		ret = SS_EXIT_PROBLEM;
	return ret;
}
