// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gate.c: "swapscope baseline save FILE" and "swapscope check": the CI gate.
 *
 * A baseline file is text, one rule a line, '#' starts a comment line and
 * blank lines are ignored.  Format 2 (what save writes) names the kernel
 * the verdicts were taken on, so that baselines of two kernels can be
 * compared (diff, matrix):
 *
 *   # swapscope baseline, format 2
 *   kernel=6.1.0-57-amd64
 *   rule=U3 seed=002 verdict=diverges observations=23 violations=20 impact=20
 *
 * Format 1 had no kernel= line and no seed= or impact=; it is still read.
 * rule= and verdict= are what the gate compares; observations=,
 * violations= and impact= are numbers for people (diff and matrix show
 * them), seed= the thread the rule comes from; keys this swapscope does not
 * know are ignored.  Each rule at most once; at least one rule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "main.h"

#define BASELINE_FORMAT	2
#define BASELINE_MAX	(1u << 20)	/* a baseline has ~20 short lines */

void baseline_free(struct baseline *b)
{
	size_t i;

	for (i = 0; i < b->nr; i++) {
		free(b->rules[i].rule);
		free(b->rules[i].seed);
	}
	free(b->rules);
	free(b->kernel);
	memset(b, 0, sizeof(*b));
}

const struct base_rule *baseline_find(const struct baseline *b,
				      const char *rule)
{
	size_t i;

	for (i = 0; i < b->nr; i++)
		if (!strcmp(b->rules[i].rule, rule))
			return &b->rules[i];
	return NULL;
}

bool rule_id_ok(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

	return *s && !s[n] && n <= 32;
}

/* A release as uname -r gives it: printable, no blanks, not too long. */
static bool release_ok(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	return p > s && p - s <= 64;
}

/* A number of observations=, violations= or impact=; 0 or -1 (reported). */
static int baseline_u64(const char *path, unsigned int nr, const char *key,
			const char *val, uint64_t *out, bool *has)
{
	char *end;

	if (*has) {
		p_err("%s:%u: %s= twice", path, nr, key);
		return -1;
	}
	errno = 0;
	*out = strtoull(val, &end, 10);
	if (errno || end == val || *end || *val < '0' || *val > '9') {
		p_err("%s:%u: %s=%.40s is not a number", path, nr, key, val);
		return -1;
	}
	*has = true;
	return 0;
}

/* "kernel=RELEASE", alone on its line, at most once. */
static int baseline_kernel(struct baseline *b, const char *path, char *line,
			   unsigned int nr)
{
	char *rel = line + strlen("kernel=");

	rel[strcspn(rel, "\r")] = '\0';
	if (rel[strcspn(rel, " \t")]) {
		p_err("%s:%u: a kernel= line holds only kernel=RELEASE", path, nr);
		return -1;
	}
	if (b->kernel) {
		p_err("%s:%u: kernel= again (first on line %u)", path, nr,
		      b->kernel_line);
		return -1;
	}
	if (!release_ok(rel)) {
		p_err("%s:%u: kernel=%.40s is not a kernel release", path, nr,
		      rel);
		return -1;
	}
	b->kernel = xasprintf("%s", rel);
	b->kernel_line = nr;
	return 0;
}

/* One line, split in place; 0 or -1 with the error reported. */
static int baseline_line(struct baseline *b, const char *path, char *line,
			 unsigned int nr)
{
	const char *rule = NULL, *verdict = NULL, *seed = NULL;
	struct base_rule br = { 0 };
	const struct base_rule *dup;
	char *save = NULL, *tok;
	int v;

	if (!strncmp(line, "kernel=", strlen("kernel=")))
		return baseline_kernel(b, path, line, nr);
	for (tok = strtok_r(line, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		char *eq = strchr(tok, '=');
		const char **slot = NULL;

		if (!eq || eq == tok) {
			p_err("%s:%u: '%.40s' is not key=value: a baseline line is 'rule=ID verdict=VERDICT'",
			      path, nr, tok);
			return -1;
		}
		*eq = '\0';
		if (!strcmp(tok, "rule"))
			slot = &rule;
		else if (!strcmp(tok, "verdict"))
			slot = &verdict;
		else if (!strcmp(tok, "seed"))
			slot = &seed;
		else if (!strcmp(tok, "observations") ||
			 !strcmp(tok, "violations") || !strcmp(tok, "impact")) {
			uint64_t *val = tok[0] == 'o' ? &br.obs :
					tok[1] == 'i' ? &br.viol : &br.impact;
			bool *has = tok[0] == 'o' ? &br.has_obs :
				    tok[1] == 'i' ? &br.has_viol : &br.has_impact;

			if (baseline_u64(path, nr, tok, eq + 1, val, has))
				return -1;
		}
		if (slot) {
			if (*slot) {
				p_err("%s:%u: %s= twice", path, nr, tok);
				return -1;
			}
			*slot = eq + 1;
		}
	}
	if (!rule || !verdict) {
		p_err("%s:%u: missing %s=: a baseline line is 'rule=ID verdict=VERDICT'",
		      path, nr, rule ? "verdict" : "rule");
		return -1;
	}
	if (!rule_id_ok(rule)) {
		p_err("%s:%u: rule=%.40s is not a rule id", path, nr, rule);
		return -1;
	}
	if (seed && !rule_id_ok(seed)) {
		p_err("%s:%u: seed=%.40s is not a seed thread number", path, nr,
		      seed);
		return -1;
	}
	v = verdict_find(verdict);
	if (v < 0) {
		p_err("%s:%u: verdict=%.40s is not one of %s, %s, %s, %s", path,
		      nr, verdict, verdict_names[0], verdict_names[1],
		      verdict_names[2], verdict_names[3]);
		return -1;
	}
	dup = baseline_find(b, rule);
	if (dup) {
		p_err("%s:%u: rule=%s again (first on line %u)", path, nr, rule,
		      dup->line);
		return -1;
	}
	b->rules = realloc(b->rules, (b->nr + 1) * sizeof(*b->rules));
	if (!b->rules) {
		p_err("out of memory");
		exit(SS_EXIT_USAGE);
	}
	br.rule = xasprintf("%s", rule);
	br.seed = seed ? xasprintf("%s", seed) : NULL;
	br.verdict = v;
	br.line = nr;
	b->rules[b->nr++] = br;
	return 0;
}
_Static_assert(SS_NR_VERDICTS == 4, "the message names all verdicts");

struct baseline_ctx {
	struct baseline *b;
	const char *path;
};

static int baseline_line_cb(void *ctx, char *line, unsigned int nr)
{
	struct baseline_ctx *c = ctx;

	return baseline_line(c->b, c->path, line, nr);
}

int baseline_load(struct baseline *b, const char *path)
{
	struct baseline_ctx c = { .b = b, .path = path };

	memset(b, 0, sizeof(*b));
	if (read_text_lines(path, "baseline", BASELINE_MAX, baseline_line_cb,
			    &c))
		goto fail;
	if (!b->nr) {
		p_err("baseline %s: no 'rule=ID verdict=VERDICT' line: write one with 'swapscope baseline save FILE'",
		      path);
		goto fail;
	}
	return 0;
fail:
	baseline_free(b);
	return -1;
}

/* ------------------------------------------------------------------ */
/* baseline save                                                       */
/* ------------------------------------------------------------------ */

static void baseline_write(FILE *fp, const struct ss_version *v,
			   const struct rule_row *rows, size_t n)
{
	size_t i;

	fprintf(fp,
		"# swapscope baseline, format %d\n"
		"# written by swapscope %s (abi %d) from module %s, kernel %s\n"
		"# kernel= is the release the verdicts were taken on; then one\n"
		"# line per rule: rule=ID seed=THREAD verdict=VERDICT and counts.\n"
		"# 'swapscope check --baseline FILE' fails only on a rule that\n"
		"# diverges and is not verdict=diverges here.  observations=,\n"
		"# violations= and impact= are for information ('swapscope diff'\n"
		"# and 'swapscope matrix' show them) and are not compared.\n"
		"# '#' starts a comment.\n"
		"kernel=%s\n",
		BASELINE_FORMAT, SWAPSCOPE_VERSION, SWAPSCOPE_ABI, v->module,
		v->kernel, v->kernel);
	for (i = 0; i < n; i++)
		fprintf(fp, "rule=%s seed=%s verdict=%s observations=%" PRIu64
			" violations=%" PRIu64 " impact=%" PRIu64 "\n",
			rows[i].rule, rows[i].seed, rows[i].verdict,
			rows[i].obs, rows[i].viol, rows[i].impact);
}

/* Through a temporary file in the same directory and rename(): atomic. */
static int baseline_save(const char *path, const struct ss_version *v,
			 const struct rule_row *rows, size_t n)
{
	char *tmp = xasprintf("%s.tmpXXXXXX", path);
	mode_t mask;
	FILE *fp;
	int fd, err;

	fd = mkstemp(tmp);
	if (fd < 0) {
		p_err("baseline %s: creating a temporary file: %s", path,
		      strerror(errno));
		free(tmp);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		goto fail_fd;
	fp = fdopen(fd, "w");
	if (!fp)
		goto fail_fd;
	baseline_write(fp, v, rows, n);
	if (fflush(fp) || ferror(fp) || fsync(fileno(fp))) {
		err = errno;
		fclose(fp);
		goto fail;
	}
	if (fclose(fp)) {
		err = errno;
		goto fail;
	}
	if (rename(tmp, path)) {
		err = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail_fd:
	err = errno;
	close(fd);
fail:
	unlink(tmp);
	p_err("baseline %s: %s", path, strerror(err));
	free(tmp);
	return -1;
}

int do_baseline(int argc, char **argv)
{
	struct rule_row *rows = NULL;
	struct ss_version v;
	struct ss_file f;
	int ret = SS_EXIT_USAGE;
	size_t i;

	if (cmd_no_options(&argc, &argv, "baseline"))
		return SS_EXIT_USAGE;
	if (argc < 1 || strcmp(argv[0], "save")) {
		p_err("usage: baseline save FILE%s%s%s", argc ? " (got '" : "",
		      argc ? argv[0] : "", argc ? "')" : "");
		return SS_EXIT_USAGE;
	}
	if (argc != 2 || !*argv[1]) {
		p_err("baseline save takes one FILE");
		return SS_EXIT_USAGE;
	}
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	/* What save writes, load must read back. */
	if (!release_ok(v.kernel)) {
		p_err("the module's version file says kernel=%.40s, not a kernel release",
		      v.kernel);
		goto out_version;
	}
	if (rules_load(&f, &rows))
		goto out_version;
	for (i = 0; i < f.nr; i++)
		if (!rule_id_ok(rows[i].rule) || !rule_id_ok(rows[i].seed)) {
			p_err("the module's rules file has rule=%.40s seed=%.40s: not ids a baseline can hold",
			      rows[i].rule, rows[i].seed);
			goto out_rows;
		}
	if (!baseline_save(argv[1], &v, rows, f.nr)) {
		ret = SS_EXIT_OK;
		if (json_output) {
			jsonw_start_object(&json_wtr);
			jsonw_string_field(&json_wtr, "file", argv[1]);
			jsonw_u64_field(&json_wtr, "rules", f.nr);
			jsonw_end_object(&json_wtr);
			jsonw_finish(&json_wtr);
		}
	}
out_rows:
	free(rows);
	ss_unload(&f);
out_version:
	ss_unload(&v.file);
	return ret;
}

/* ------------------------------------------------------------------ */
/* check                                                               */
/* ------------------------------------------------------------------ */

struct missed {
	const char *probe;
	const char *symbol;
	uint64_t nmissed;
};

static int probes_missed(struct ss_file *f, struct missed **mp, size_t *np)
{
	struct missed *m;
	size_t i, n = 0;

	*mp = NULL;
	*np = 0;
	if (ss_load(f, "probes", SS_REC_WORDS))
		return -1;
	m = xcalloc(f->nr, sizeof(*m));
	for (i = 0; i < f->nr; i++) {
		const struct ss_record *r = &f->rec[i];

		if (ss_rec_str(f, r, "probe", &m[n].probe) ||
		    ss_rec_str(f, r, "symbol", &m[n].symbol) ||
		    ss_rec_u64(f, r, "nmissed", &m[n].nmissed)) {
			ss_bad_record(f);
			free(m);
			ss_unload(f);
			return -1;
		}
		if (m[n].nmissed)
			n++;
	}
	*mp = m;
	*np = n;
	return 0;
}

/* check's options */
static const char *baseline_path;	/* --baseline FILE */
static bool allow_missed;		/* --allow-missed */

static bool diverges(const char *verdict)
{
	return !strcmp(verdict, verdict_names[SS_VERDICT_DIVERGES]);
}

static bool base_diverges(const struct baseline *b, const char *rule)
{
	const struct base_rule *br = baseline_find(b, rule);

	return br && br->verdict == SS_VERDICT_DIVERGES;
}

static const char *base_verdict(const struct baseline *b, const char *rule)
{
	const struct base_rule *br = baseline_find(b, rule);

	return br ? verdict_names[br->verdict] : NULL;
}

static const char *checks_of(const struct rule_row *p)
{
	return p->known >= 0 ? rule_checks(p->known) : "unknown to this swapscope";
}

static void check_json(const struct baseline *b, const struct rule_row *rows,
		       size_t n, const struct missed *m, size_t nm,
		       const struct health *h, bool pass)
{
	struct json_writer *w = &json_wtr;
	uint64_t total = 0;
	size_t i;

	jsonw_start_object(w);
	jsonw_string_field(w, "result", pass ? "pass" : "fail");
	if (baseline_path)
		jsonw_string_field(w, "baseline", baseline_path);
	else
		jsonw_null_field(w, "baseline");
	jsonw_bool_field(w, "allow_missed", allow_missed);
	jsonw_u64_field(w, "rules", n);

	jsonw_name(w, "new_divergences");
	jsonw_start_array(w);
	for (i = 0; i < n; i++) {
		const char *bv = base_verdict(b, rows[i].rule);

		if (!diverges(rows[i].verdict) || base_diverges(b, rows[i].rule))
			continue;
		jsonw_start_object(w);
		jsonw_string_field(w, "rule", rows[i].rule);
		jsonw_string_field(w, "checks", checks_of(&rows[i]));
		jsonw_u64_field(w, "observations", rows[i].obs);
		jsonw_u64_field(w, "violations", rows[i].viol);
		if (bv)
			jsonw_string_field(w, "baseline_verdict", bv);
		else
			jsonw_null_field(w, "baseline_verdict");
		jsonw_end_object(w);
	}
	jsonw_end_array(w);

	jsonw_name(w, "known_divergences");
	jsonw_start_array(w);
	for (i = 0; i < n; i++)
		if (diverges(rows[i].verdict) && base_diverges(b, rows[i].rule))
			jsonw_string(w, rows[i].rule);
	jsonw_end_array(w);

	jsonw_name(w, "resolved");
	jsonw_start_array(w);
	for (i = 0; i < n; i++)
		if (!diverges(rows[i].verdict) && base_diverges(b, rows[i].rule))
			jsonw_string(w, rows[i].rule);
	jsonw_end_array(w);

	jsonw_name(w, "missed_probes");
	jsonw_start_array(w);
	for (i = 0; i < nm; i++) {
		jsonw_start_object(w);
		jsonw_string_field(w, "probe", m[i].probe);
		jsonw_string_field(w, "symbol", m[i].symbol);
		jsonw_u64_field(w, "nmissed", m[i].nmissed);
		jsonw_end_object(w);
		total += m[i].nmissed;
	}
	jsonw_end_array(w);
	jsonw_u64_field(w, "nmissed", total);
	health_json_unseen(h);
	rules_failed_json(w, rows, n);
	jsonw_end_object(w);
	jsonw_finish(w);
}

static void check_plain(FILE *fp, const struct baseline *b,
			const struct rule_row *rows, size_t n,
			const struct missed *m, size_t nm, const struct health *h,
			bool pass)
{
	size_t i, nnew = 0, known = 0, resolved = 0, failed = 0;
	uint64_t total = 0;

	for (i = 0; i < n; i++) {
		const struct rule_row *p = &rows[i];
		const char *bv = base_verdict(b, p->rule);

		if (!diverges(p->verdict)) {
			resolved += base_diverges(b, p->rule);
			continue;
		}
		if (base_diverges(b, p->rule)) {
			known++;
			continue;
		}
		nnew++;
		fprintf(fp, "new divergence: %s (%s): %" PRIu64 " violations in %"
		       PRIu64 " observations; baseline: %s\n", p->rule,
		       checks_of(p), p->viol, p->obs,
		       baseline_path ? (bv ? bv : "not listed") : "none");
	}
	for (i = 0; i < n; i++) {
		const struct rule_row *p = &rows[i];

		if (!rule_failed(p))
			continue;
		failed++;
		fprintf(fp, "rule failed: %s (%s) disabled itself: %s; its verdict (%s, %" PRIu64
		       " observations) covers only the calls before: see dmesg, 'swapscope reset' judges it again\n",
		       p->rule, checks_of(p), p->reason, p->verdict, p->obs);
	}
	for (i = 0; i < nm; i++) {
		total += m[i].nmissed;
		fprintf(fp, "missed events%s: probe %s (%s) nmissed=%" PRIu64
		       ": an unseen event can hide a divergence\n",
		       allow_missed ? " (allowed)" : "", m[i].probe,
		       m[i].symbol, m[i].nmissed);
	}
	health_print_unseen(fp, h, allow_missed);
	total += health_unseen_total(h);
	fprintf(fp, "check %s: %zu new divergence%s, %zu known, %zu resolved; ",
	       pass ? "passed" : "FAILED", nnew, nnew == 1 ? "" : "s", known,
	       resolved);
	if (failed)
		fprintf(fp, "%zu rule%s failed; ", failed, failed == 1 ? "" : "s");
	fprintf(fp, "%zu probe%s missed, %" PRIu64
	       " event%s unseen%s\n", nm, nm == 1 ? "" : "s",
	       total, total == 1 ? "" : "s",
	       total && allow_missed ? " (allowed by --allow-missed)" :
	       total ? " (--allow-missed accepts them)" : "");
}

enum { OPT_BASELINE = OPT_GATE_NEXT };

const struct option check_longopts[] = {
	{ "baseline",	  required_argument,	NULL, OPT_BASELINE },
	GATE_LONGOPTS,
	{ 0 }
};

static int check_opt(void *ctx, int opt, char *arg)
{
	if (gate_opt(ctx, opt))
		return 0;
	if (opt != OPT_BASELINE)
		return SS_EXIT_USAGE;
	baseline_path = arg;
	if (!*baseline_path) {
		p_err("--baseline needs a file");
		return SS_EXIT_USAGE;
	}
	return 0;
}

int do_check(int argc, char **argv)
{
	static const struct cmd_opts opts = {
		.cmd = "check", .longopts = check_longopts,
	};
	struct gate_opts g = { 0 };
	struct baseline b = { 0 };
	struct rule_row *rows = NULL;
	struct missed *m = NULL;
	struct ss_file rf, pf;
	struct ss_version v;
	struct health h;
	size_t i, nm;
	bool pass = true;
	int ret = cmd_parse(&argc, &argv, &opts, check_opt, &g);

	if (ret)
		return ret;
	ret = SS_EXIT_USAGE;
	allow_missed = g.allow_missed;
	if (argc) {
		p_err("check takes no arguments, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	if (gate_opts_check(&g))
		return SS_EXIT_USAGE;
	/* A bad baseline is a usage error, whatever the module says. */
	if (baseline_path && baseline_load(&b, baseline_path))
		return SS_EXIT_USAGE;
	if (ss_load_version(&v))
		goto out_base;
	if (rules_load(&rf, &rows))
		goto out_version;
	if (probes_missed(&pf, &m, &nm))
		goto out_rules;
	if (health_load(&h))
		goto out_probes;
	for (i = 0; i < rf.nr; i++)
		if ((diverges(rows[i].verdict) &&
		     !base_diverges(&b, rows[i].rule)) || rule_failed(&rows[i]))
			pass = false;
	if ((nm || health_unseen_total(&h)) && !allow_missed)
		pass = false;
	if (json_output) {
		check_json(&b, rows, rf.nr, m, nm, &h, pass);
	} else if (g.ktap) {
		struct ktap k = {
			.what = "check", .version = &v, .baseline = &b,
			.baseline_path = baseline_path, .rows = rows,
			.n = rf.nr, .pass = pass,
		};
		FILE *fp = open_memstream(&k.details, &k.details_len);

		if (!fp) {
			p_err("out of memory");
			exit(SS_EXIT_PROBLEM);
		}
		check_plain(fp, &b, rows, rf.nr, m, nm, &h, pass);
		fclose(fp);
		ktap_print(&k);
		free(k.details);
	} else {
		check_plain(stdout, &b, rows, rf.nr, m, nm, &h, pass);
	}
	ret = pass ? SS_EXIT_OK : SS_EXIT_PROBLEM;
	ss_unload(&h.file);
out_probes:
	free(m);
	ss_unload(&pf);
out_rules:
	free(rows);
	ss_unload(&rf);
out_version:
	ss_unload(&v.file);
out_base:
	baseline_free(&b);
	return ret;
}
