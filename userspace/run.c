// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * run.c: "swapscope run [--rules LIST] -- CMD ARGS": reset, watch only
 * CMD's process tree, run it, and report what that run alone did.  The
 * exit status says whether a rule diverged (or an event went unseen).
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
#include <sys/wait.h>
#include <unistd.h>

#include "main.h"

/* run's options */
static const char *opt_rules;	/* --rules LIST */
static bool allow_missed;	/* --allow-missed */

enum { OPT_RULES = OPT_GATE_NEXT };

const struct option run_longopts[] = {
	{ "rules",	  required_argument,	NULL, OPT_RULES },
	GATE_LONGOPTS,
	{ 0 }
};

static int run_opt(void *ctx, int opt, char *arg)
{
	if (gate_opt(ctx, opt))
		return 0;
	if (opt != OPT_RULES)
		return SS_EXIT_USAGE;
	opt_rules = arg;
	return 0;
}

static volatile sig_atomic_t run_child;	/* its pid, for forwarding */

static void run_forward(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/*
 * The child waits on @go until its scope is set, then execs; an exec
 * failure goes back through the close-on-exec pipe @err.
 */
static __noreturn void run_child_exec(int go, int err, char **argv)
{
	char c;
	int e;

	if (read(go, &c, 1) != 1)
		_exit(127);	/* the parent gave up */
	close(go);
	execvp(argv[0], argv);
	e = errno;
	if (write(err, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Ctrl-C and Ctrl-\ reach CMD through the terminal; TERM/HUP are passed on. */
static void run_signals(bool running, struct sigaction old[3])
{
	static const int sigs[3] = { SIGINT, SIGQUIT, SIGTERM };
	struct sigaction sa;
	int i;

	for (i = 0; i < 3; i++) {
		if (!running) {
			sigaction(sigs[i], &old[i], NULL);
			continue;
		}
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = sigs[i] == SIGTERM ? run_forward : SIG_IGN;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, &old[i]);
	}
}

struct run_result {
	int status;		/* from waitpid */
	pid_t pid;
	bool scoped;		/* the module's scope was set: unset it */
};

static void run_describe(const struct run_result *res, char *buf, size_t size)
{
	if (WIFEXITED(res->status))
		snprintf(buf, size, "exited %d", WEXITSTATUS(res->status));
	else if (WIFSIGNALED(res->status))
		snprintf(buf, size, "killed by signal %d (%s)",
			 WTERMSIG(res->status), strsignal(WTERMSIG(res->status)));
	else
		snprintf(buf, size, "ended (status 0x%x)", res->status);
}

/* Reset, scope, start, wait.  0 or an exit code (reported). */
static int run_command(char **argv, struct run_result *res)
{
	struct sigaction old[3];
	int go[2], err[2], e, ret;
	char *cmd;
	ssize_t n;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		p_err("pipe: %s", strerror(errno));
		return SS_EXIT_USAGE;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("fork: %s", strerror(errno));
		return SS_EXIT_USAGE;
	}
	if (!pid) {
		close(go[1]);
		close(err[0]);
		run_child_exec(go[0], err[1], argv);
	}
	close(go[0]);
	close(err[1]);
	res->pid = pid;
	ret = control_command("reset");
	if (!ret) {
		cmd = xasprintf("scope %d", (int)pid);
		ret = control_command(cmd);
		res->scoped = !ret;
		free(cmd);
	}
	if (!ret) {
		run_child = pid;
		run_signals(true, old);
		if (write(go[1], "g", 1) != 1)
			ret = SS_EXIT_USAGE;
	}
	close(go[1]);	/* on error the child reads EOF and leaves */
	n = read(err[0], &e, sizeof(e));
	close(err[0]);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
	if (run_child) {
		run_signals(false, old);
		run_child = 0;
	}
	if (!ret && n == sizeof(e)) {
		p_err("cannot run '%s': %s", argv[0], strerror(e));
		ret = SS_EXIT_USAGE;
	}
	return ret;
}

static bool run_diverges(const struct rule_row *p)
{
	return !strcmp(p->verdict, verdict_names[SS_VERDICT_DIVERGES]);
}

static void run_json(char **argv, const struct run_result *res,
		     const struct rule_row *rows, size_t n,
		     const struct health *h, bool pass)
{
	struct json_writer *w = &json_wtr;

	jsonw_start_object(w);
	jsonw_name(w, "command");
	jsonw_start_array(w);
	for (; *argv; argv++)
		jsonw_string(w, *argv);
	jsonw_end_array(w);
	jsonw_u64_field(w, "pid", res->pid);
	if (WIFEXITED(res->status))
		jsonw_u64_field(w, "exit_status", WEXITSTATUS(res->status));
	else
		jsonw_null_field(w, "exit_status");
	if (WIFSIGNALED(res->status))
		jsonw_u64_field(w, "signal", WTERMSIG(res->status));
	else
		jsonw_null_field(w, "signal");
	jsonw_string_field(w, "result", pass ? "pass" : "fail");
	jsonw_bool_field(w, "allow_missed", allow_missed);
	jsonw_u64_field(w, "nmissed", h->nmissed);
	jsonw_u64_field(w, "scope_skipped", h->scope_skipped);
	health_json_unseen(h);
	rules_failed_json(w, rows, n);
	jsonw_name(w, "rules");
	report_json_array(w, rows, n);
	jsonw_end_object(w);
	jsonw_finish(w);
}

/* What the gate found, the summary line last: after the table, or KTAP's. */
static void run_summary(FILE *fp, const struct rule_row *rows, size_t n,
			const struct health *h, bool pass)
{
	char *failed;
	size_t i, div = 0;

	if (h->nmissed)
		fprintf(fp, "missed events%s: nmissed=%" PRIu64
			" (see 'swapscope status'): an unseen event can hide a divergence\n",
			allow_missed ? " (allowed)" : "", h->nmissed);
	health_print_unseen(fp, h, allow_missed);
	fprintf(fp, "run %s:", pass ? "passed" : "FAILED");
	for (i = 0; i < n; i++)
		if (run_diverges(&rows[i]))
			fprintf(fp, "%s %s", div++ ? "," : " diverges:", rows[i].rule);
	if (!div)
		fprintf(fp, " no rule diverged");
	failed = rules_failed_list(rows, n);
	if (failed)
		fprintf(fp, "; failed (disabled themselves): %s", failed);
	free(failed);
	if (h->nmissed + health_unseen_total(h))
		fprintf(fp, "; %" PRIu64 " events unseen%s",
			h->nmissed + health_unseen_total(h),
			allow_missed ? " (allowed by --allow-missed)" :
				       " (--allow-missed accepts them)");
	fprintf(fp, "\n");
}

static void run_plain(char **argv, const struct run_result *res,
		      const struct rule_row *rows, size_t n,
		      const struct health *h, bool pass)
{
	char how[96];

	run_describe(res, how, sizeof(how));
	printf("%s (pid %d) %s; only its process tree was observed (%" PRIu64
	       " calls of others ignored)\n\n", argv[0], (int)res->pid, how,
	       h->scope_skipped);
	report_plain(rows, n);
	run_summary(stdout, rows, n, h, pass);
}

/* KTAP: one test per rule of the run, then the run's gate. */
static void run_ktap(char **argv, const struct run_result *res,
		     const struct ss_version *v, const struct rule_row *rows,
		     size_t n, const struct health *h, bool pass)
{
	struct ktap k = {
		.what = "run", .version = v, .rows = rows, .n = n,
		.pass = pass,
	};
	char how[96], *cmd;
	FILE *fp;

	run_describe(res, how, sizeof(how));
	cmd = xasprintf("%s (pid %d) %s; %" PRIu64 " calls of other processes ignored",
			argv[0], (int)res->pid, how, h->scope_skipped);
	k.command = cmd;
	fp = open_memstream(&k.details, &k.details_len);
	if (!fp) {
		p_err("out of memory");
		exit(SS_EXIT_PROBLEM);
	}
	run_summary(fp, rows, n, h, pass);
	fclose(fp);
	ktap_print(&k);
	free(k.details);
	free(cmd);
}

/* The report for this run: its rules, the selected ones only. */
static int run_report(char **argv, const struct run_result *res,
		      const bool *want, const struct ss_version *v, bool ktap)
{
	struct rule_row *rows = NULL, *sel;
	struct ss_file rf;
	struct health h;
	size_t i, n = 0;
	bool pass = true;

	if (rules_load(&rf, &rows))
		return SS_EXIT_USAGE;
	if (health_load(&h)) {
		free(rows);
		ss_unload(&rf);
		return SS_EXIT_USAGE;
	}
	sel = xcalloc(rf.nr, sizeof(*sel));
	for (i = 0; i < rf.nr; i++) {
		if (want && (rows[i].known < 0 || !want[rows[i].known]))
			continue;
		sel[n++] = rows[i];
		if (run_diverges(&rows[i]) || rule_failed(&rows[i]))
			pass = false;
	}
	if ((h.nmissed || health_unseen_total(&h)) && !allow_missed)
		pass = false;
	if (json_output)
		run_json(argv, res, sel, n, &h, pass);
	else if (ktap)
		run_ktap(argv, res, v, sel, n, &h, pass);
	else
		run_plain(argv, res, sel, n, &h, pass);
	free(sel);
	free(rows);
	ss_unload(&h.file);
	ss_unload(&rf);
	return pass ? SS_EXIT_OK : SS_EXIT_PROBLEM;
}

int do_run(int argc, char **argv)
{
	bool want[SS_NR_RULES] = { false };
	struct gate_opts g = { 0 };
	struct run_result res = { 0 };
	struct ss_version v;
	static const struct cmd_opts opts = {
		.cmd = "run", .longopts = run_longopts,
	};
	char **cmd;
	int ret;

	/* Options, then CMD: after "--", or its words that are no options. */
	ret = cmd_parse(&argc, &argv, &opts, run_opt, &g);
	if (ret)
		return ret;
	allow_missed = g.allow_missed;
	if (gate_opts_check(&g))
		return SS_EXIT_USAGE;
	if (!argc) {
		p_err("run needs a command: %s run [--rules LIST] -- CMD [ARGS]",
		      SWAPSCOPE_NAME);
		return SS_EXIT_USAGE;
	}
	if (opt_rules) {
		ret = rules_filter("--rules", opt_rules, want);
		if (ret)
			return ret;
	}
	/* Kept for KTAP's header: the module and kernel the run was judged on. */
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	cmd = xcalloc(argc + 1, sizeof(*cmd));
	memcpy(cmd, argv, argc * sizeof(*cmd));
	ret = run_command(cmd, &res);
	/* Whatever happened, the next user must see everything again. */
	if (res.scoped && control_command("scope none") && !ret)
		ret = SS_EXIT_USAGE;
	if (!ret)
		ret = run_report(cmd, &res, opt_rules ? want : NULL, &v, g.ktap);
	free(cmd);
	ss_unload(&v.file);
	return ret;
}
