// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * args.c: a command's own options, parsed inside the command (bpftool
 * style) with getopt_long, and the errors every command words alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "main.h"

/* A long option of @opts by name or unique prefix; NULL: none or ambiguous. */
const struct option *opt_lookup(const struct option *opts, const char *name,
				size_t len)
{
	const struct option *o, *match = NULL;

	for (o = opts; o && o->name; o++) {
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
		if (len && !strncmp(o->name, name, len)) {
			if (match)
				return NULL;
			match = o;
		}
	}
	return match;
}

/* The option @arg (argv[optind - 1]) names, for an error. */
static void bad_option(const struct cmd_opts *o, const char *arg)
{
	const char *owner = NULL;
	const struct option *other = NULL;
	char buf[64];
	size_t len;

	if (optopt > 0 && optopt < 256) {	/* -c */
		other = cmd_option_elsewhere(o->cmd, NULL, 0, optopt, &owner);
		snprintf(buf, sizeof(buf), "-%c", optopt);
		arg = buf;
		len = 2;
	} else {
		len = strcspn(arg, "=");
		if (optopt) {	/* a known long option, given "=value" */
			p_err("option '%.*s' of '%s' takes no argument",
			      (int)len, arg, o->cmd);
			return;
		}
		if (len > 2 && arg[0] == '-' && arg[1] == '-')
			other = cmd_option_elsewhere(o->cmd, arg + 2, len - 2,
						     0, &owner);
	}
	if (other) {
		p_err("unknown option '%.*s': --%s is not an option of '%s' but of '%s': see '%s help %s'",
		      (int)len, arg, other->name, o->cmd, owner, SWAPSCOPE_NAME,
		      o->cmd);
		return;
	}
	p_err("unknown option '%.*s' for '%s': try '%s help %s'", (int)len,
	      arg, o->cmd, SWAPSCOPE_NAME, o->cmd);
}

/*
 * getopt_long takes a unique prefix of an option: run's --rules for
 * "--rule".  But an option of another command by its exact name is
 * refused as that command's ("--rule is not an option of 'run'").
 */
static bool other_commands_option(int argc, char **argv,
				  const struct cmd_opts *o)
{
	const struct option *mine;
	const char *owner;
	int a;

	for (a = 1; a < argc && strcmp(argv[a], "--"); a++) {
		const char *name = argv[a] + 2;
		size_t len = strcspn(name, "=");

		if (strncmp(argv[a], "--", 2))
			continue;
		mine = opt_lookup(o->longopts, name, len);
		if (!mine || strlen(mine->name) == len)
			continue;
		mine = cmd_option_elsewhere(o->cmd, name, len, 0, &owner);
		if (mine && strlen(mine->name) == len) {
			optopt = 0;
			bad_option(o, argv[a]);
			return true;
		}
	}
	return false;
}

int cmd_getopt(int argc, char **argv, const struct cmd_opts *o)
{
	static const struct option none[] = { { 0 } };
	const char *shortopts = o->shortopts ? o->shortopts : "";
	bool own_missing = *shortopts == ':';
	char sopts[64];
	int opt;

	snprintf(sopts, sizeof(sopts), ":%s", shortopts + own_missing);
	if (!optind && other_commands_option(argc, argv, o))
		return '?';
	opterr = 0;
	opt = getopt_long(argc, argv, sopts, o->longopts ? o->longopts : none,
			  NULL);
	if (opt == ':') {
		if (own_missing)
			return ':';
		p_err("option '%s' of '%s' needs an argument",
		      argv[optind - 1], o->cmd);
		return '?';
	}
	if (opt == '?')
		bad_option(o, argv[optind - 1]);
	return opt;
}

int cmd_parse(int *argc, char ***argv, const struct cmd_opts *o,
	      int (*fn)(void *ctx, int opt, char *arg), void *ctx)
{
	int opt, ret;

	while ((opt = cmd_getopt(*argc, *argv, o)) != -1) {
		if (opt == '?')
			return SS_EXIT_USAGE;
		ret = fn(ctx, opt, optarg);
		if (ret)
			return ret;
	}
	*argc -= optind;
	*argv += optind;
	return 0;
}

static int no_option(void *ctx, int opt, char *arg)
{
	(void)ctx;
	(void)opt;
	(void)arg;
	return SS_EXIT_USAGE;	/* cmd_getopt() has said why */
}

int cmd_no_options(int *argc, char ***argv, const char *cmd)
{
	const struct cmd_opts o = { .cmd = cmd };

	return cmd_parse(argc, argv, &o, no_option, NULL);
}

bool gate_opt(struct gate_opts *g, int opt)
{
	if (opt == OPT_ALLOW_MISSED)
		g->allow_missed = true;
	else if (opt == OPT_KTAP)
		g->ktap = true;
	else
		return false;
	return true;
}

int gate_opts_check(const struct gate_opts *g)
{
	if (g->ktap && json_output) {
		p_err("--ktap and --json are two outputs: give one");
		return SS_EXIT_USAGE;
	}
	return 0;
}

int parse_positive(const char *opt, const char *arg, long max, long *val)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > max) {
		p_err("%s takes a number from 1 to %ld, not '%.40s'", opt, max,
		      arg);
		return SS_EXIT_USAGE;
	}
	*val = v;
	return 0;
}
