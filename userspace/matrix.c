// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * matrix.c: "swapscope diff A B" and "swapscope matrix NAME=FILE...": the
 * verdicts of baselines saved on different kernels (or machines), side by
 * side.  Neither touches the module: they read only the files named.
 *
 * The regression question across kernels is "did a verdict change?", so
 * both compare verdicts only; the counts are shown for people, since two
 * runs never see the same number of events.
 *
 * An expectations file (matrix --expect FILE) lists the changes that are
 * predicted, one a line, '#' comments and blank lines ignored:
 *
 *   RULE KERNEL FROM -> TO: WHY
 *   U2 patched conforms -> diverges: the patch drops the young-bit check
 *
 * KERNEL is a NAME of the matrix; FROM is the verdict on the reference
 * (the first NAME=FILE), TO the one on KERNEL; a verdict is one of the four
 * or "absent" (the rule is not in that baseline).  WHY is required: an
 * expected change must say what predicts it.  Entries for a KERNEL not in
 * the matrix are ignored, so one file serves several matrices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

#define EXPECT_MAX	(1u << 20)
#define NAME_MAX_LEN	32	/* a label: 6.1, 6.12, patched */
#define VERDICT_ABSENT	SS_NR_VERDICTS	/* not in that baseline */

static const char *verdict_str(int v)
{
	return v == VERDICT_ABSENT ? "absent" : verdict_names[v];
}

static int verdict_of(const struct base_rule *br)
{
	return br ? br->verdict : VERDICT_ABSENT;
}

/* The verdict names an expectation may use; -1: none. */
static int verdict_or_absent(const char *s)
{
	return !strcmp(s, "absent") ? VERDICT_ABSENT : verdict_find(s);
}

/*
 * Every rule of @nb baselines once: those this swapscope knows in SS_RULES
 * order, then the others in order of appearance.  @ids points into the
 * baselines or rule_ids; the caller frees the array.
 */
static size_t rule_union(const struct baseline *b, size_t nb,
			 const char ***idsp)
{
	size_t i, j, k, n = 0, max = SS_NR_RULES;
	const char **ids;
	int r;

	for (i = 0; i < nb; i++)
		max += b[i].nr;
	ids = xcalloc(max, sizeof(*ids));
	for (r = 0; r < SS_NR_RULES; r++)
		for (i = 0; i < nb; i++)
			if (baseline_find(&b[i], rule_ids[r])) {
				ids[n++] = rule_ids[r];
				break;
			}
	for (i = 0; i < nb; i++)
		for (j = 0; j < b[i].nr; j++) {
			const char *id = b[i].rules[j].rule;

			if (rule_find(id, false) >= 0)
				continue;
			for (k = 0; k < n && strcmp(ids[k], id); k++)
				;
			if (k == n)
				ids[n++] = id;
		}
	*idsp = ids;
	return n;
}

/* The seed a baseline gives (format 2), else this swapscope's, else "-". */
static const char *rule_seed(const struct baseline *b, size_t nb,
			     const char *id)
{
	int r = rule_find(id, false);
	size_t i;

	for (i = 0; i < nb; i++) {
		const struct base_rule *br = baseline_find(&b[i], id);

		if (br && br->seed)
			return br->seed;
	}
	return r >= 0 ? rule_seeds[r] : "-";
}

static char *counts_str(const struct base_rule *br)
{
	char o[24] = "-", v[24] = "-";

	if (br && br->has_obs)
		snprintf(o, sizeof(o), "%" PRIu64, br->obs);
	if (br && br->has_viol)
		snprintf(v, sizeof(v), "%" PRIu64, br->viol);
	return xasprintf("%s/%s", o, v);
}

static void json_count(struct json_writer *w, const char *name, bool has,
		       uint64_t val)
{
	if (has)
		jsonw_u64_field(w, name, val);
	else
		jsonw_null_field(w, name);
}

/* "verdict", "observations", "violations", "impact" of one cell. */
static void json_cell(struct json_writer *w, const struct base_rule *br)
{
	jsonw_string_field(w, "verdict", verdict_str(verdict_of(br)));
	json_count(w, "observations", br && br->has_obs, br ? br->obs : 0);
	json_count(w, "violations", br && br->has_viol, br ? br->viol : 0);
	json_count(w, "impact", br && br->has_impact, br ? br->impact : 0);
}

static void json_release(struct json_writer *w, const char *name,
			 const char *kernel)
{
	if (kernel)
		jsonw_string_field(w, name, kernel);
	else
		jsonw_null_field(w, name);
}

/* ------------------------------------------------------------------ */
/* diff                                                                */
/* ------------------------------------------------------------------ */

static void diff_json(const char *const *path, const struct baseline *b,
		      const char **ids, size_t n, size_t nchanged)
{
	struct json_writer *w = &json_wtr;
	size_t i, s;

	jsonw_start_object(w);
	for (s = 0; s < 2; s++) {
		jsonw_name(w, s ? "b" : "a");
		jsonw_start_object(w);
		jsonw_string_field(w, "file", path[s]);
		json_release(w, "kernel", b[s].kernel);
		jsonw_end_object(w);
	}
	jsonw_u64_field(w, "rules", n);
	jsonw_name(w, "changes");
	jsonw_start_array(w);
	for (i = 0; i < n; i++) {
		const struct base_rule *ra = baseline_find(&b[0], ids[i]);
		const struct base_rule *rb = baseline_find(&b[1], ids[i]);

		if (verdict_of(ra) == verdict_of(rb))
			continue;
		jsonw_start_object(w);
		jsonw_string_field(w, "rule", ids[i]);
		jsonw_string_field(w, "seed", rule_seed(b, 2, ids[i]));
		jsonw_name(w, "a");
		jsonw_start_object(w);
		json_cell(w, ra);
		jsonw_end_object(w);
		jsonw_name(w, "b");
		jsonw_start_object(w);
		json_cell(w, rb);
		jsonw_end_object(w);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_string_field(w, "result", nchanged ? "changed" : "same");
	jsonw_end_object(w);
	jsonw_finish(w);
}

static void diff_plain(const char *const *path, const struct baseline *b,
		       const char **ids, size_t n, size_t nchanged)
{
	static const unsigned char align[] = {
		TABLE_LEFT, TABLE_LEFT, TABLE_LEFT, TABLE_LEFT, TABLE_RIGHT,
		TABLE_RIGHT,
	};
	struct table t;
	size_t i;

	printf("a: %s (kernel %s)  b: %s (kernel %s)\n", path[0],
	       b[0].kernel ? b[0].kernel : "not recorded", path[1],
	       b[1].kernel ? b[1].kernel : "not recorded");
	if (nchanged) {
		table_init(&t, ARRAY_SIZE(align), align);
		table_add_row(&t);
		table_set(&t, 0, "rule");
		table_set(&t, 1, "seed");
		table_set(&t, 2, "a");
		table_set(&t, 3, "b");
		table_set(&t, 4, "a obs/viol");
		table_set(&t, 5, "b obs/viol");
		for (i = 0; i < n; i++) {
			const struct base_rule *ra = baseline_find(&b[0], ids[i]);
			const struct base_rule *rb = baseline_find(&b[1], ids[i]);
			char *ca, *cb;

			if (verdict_of(ra) == verdict_of(rb))
				continue;
			ca = counts_str(ra);
			cb = counts_str(rb);
			table_add_row(&t);
			table_set(&t, 0, "%s", ids[i]);
			table_set(&t, 1, "%s", rule_seed(b, 2, ids[i]));
			table_set(&t, 2, "%s", verdict_str(verdict_of(ra)));
			table_set(&t, 3, "%s", verdict_str(verdict_of(rb)));
			table_set(&t, 4, "%s", ca);
			table_set(&t, 5, "%s", cb);
			free(ca);
			free(cb);
		}
		table_print(&t);
		table_free(&t);
	}
	if (nchanged)
		printf("changed: %zu of %zu rule%s differ%s in verdict\n",
		       nchanged, n, n == 1 ? "" : "s", nchanged == 1 ? "s" : "");
	else
		printf("same: no verdict changed (%zu rule%s)\n", n,
		       n == 1 ? "" : "s");
}

int do_diff(int argc, char **argv)
{
	struct baseline b[2] = { { 0 } };
	const char **ids = NULL;
	size_t i, n, nchanged = 0;
	int ret = SS_EXIT_USAGE;

	if (cmd_no_options(&argc, &argv, "diff"))
		return SS_EXIT_USAGE;
	if (argc != 2) {
		p_err("diff takes two baseline files: diff A B (got %d argument%s)",
		      argc, argc == 1 ? "" : "s");
		return SS_EXIT_USAGE;
	}
	if (baseline_load(&b[0], argv[0]))
		return SS_EXIT_USAGE;
	if (baseline_load(&b[1], argv[1]))
		goto out;
	n = rule_union(b, 2, &ids);
	for (i = 0; i < n; i++)
		if (verdict_of(baseline_find(&b[0], ids[i])) !=
		    verdict_of(baseline_find(&b[1], ids[i])))
			nchanged++;
	if (json_output)
		diff_json((const char *const *)argv, b, ids, n, nchanged);
	else
		diff_plain((const char *const *)argv, b, ids, n, nchanged);
	ret = nchanged ? SS_EXIT_PROBLEM : SS_EXIT_OK;
	free(ids);
out:
	baseline_free(&b[1]);
	baseline_free(&b[0]);
	return ret;
}

/* ------------------------------------------------------------------ */
/* matrix: expectations                                                */
/* ------------------------------------------------------------------ */

struct expect {
	char *rule;
	char *kernel;
	int from, to;		/* verdicts, VERDICT_ABSENT for "absent" */
	char *why;
	unsigned int line;
	bool met;
};

struct expects {
	const char *path;
	size_t nr;
	struct expect *e;
};

static void expects_free(struct expects *x)
{
	size_t i;

	for (i = 0; i < x->nr; i++) {
		free(x->e[i].rule);
		free(x->e[i].kernel);
		free(x->e[i].why);
	}
	free(x->e);
	x->e = NULL;
	x->nr = 0;
}

/* A kernel NAME: short, and free of what the formats use (= : # blanks). */
static bool name_ok(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && (strchr("abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-",
				  s[n]) && s[n]))
		n++;
	/* Not from '-': it would read as an option. */
	return len && n == len && len <= NAME_MAX_LEN && s[0] != '-';
}

#define EXPECT_SHAPE	"an entry is 'RULE KERNEL FROM -> TO: WHY'"

static int expect_verdict(const struct expects *x, unsigned int nr,
			  const char *s, int *v)
{
	*v = verdict_or_absent(s);
	if (*v < 0) {
		p_err("%s:%u: '%.40s' is not a verdict: one of %s, %s, %s, %s or absent",
		      x->path, nr, s, verdict_names[0], verdict_names[1],
		      verdict_names[2], verdict_names[3]);
		return -1;
	}
	return 0;
}

static int expect_line(struct expects *x, char *line, unsigned int nr)
{
	char *colon = strchr(line, ':'), *save = NULL, *tok[6], *why, *head;
	struct expect e = { 0 };
	size_t i, ntok = 0;
	char *ids;

	if (!colon) {
		p_err("%s:%u: no ':' before the reason: " EXPECT_SHAPE, x->path,
		      nr);
		return -1;
	}
	*colon = '\0';
	why = colon + 1 + strspn(colon + 1, " \t");
	why[strcspn(why, "\r")] = '\0';
	for (i = strlen(why); i && (why[i - 1] == ' ' || why[i - 1] == '\t'); i--)
		why[i - 1] = '\0';
	head = xasprintf("%s", line);	/* for the message: strtok cuts line */
	/* Up to 6 words: a sixth is an error too. */
	for (tok[0] = strtok_r(line, " \t", &save); tok[ntok] && ++ntok < 6;
	     tok[ntok] = strtok_r(NULL, " \t", &save))
		;
	if (ntok != 5 || strcmp(tok[3], "->")) {
		p_err("%s:%u: '%.60s' is not RULE KERNEL FROM -> TO: " EXPECT_SHAPE,
		      x->path, nr, head);
		free(head);
		return -1;
	}
	free(head);
	/*
	 * A rule this swapscope does not know may still be in a newer
	 * module's baselines: matrix_compare() looks for it there.
	 */
	if (!rule_id_ok(tok[0])) {
		ids = rule_id_list();
		p_err("%s:%u: '%.40s' is not a rule id: the rules are %s",
		      x->path, nr, tok[0], ids);
		free(ids);
		return -1;
	}
	if (!name_ok(tok[1], strlen(tok[1]))) {
		p_err("%s:%u: kernel '%.40s' is not a NAME (up to %d letters, digits, '.', '_', '+', '-')",
		      x->path, nr, tok[1], NAME_MAX_LEN);
		return -1;
	}
	if (expect_verdict(x, nr, tok[2], &e.from) ||
	    expect_verdict(x, nr, tok[4], &e.to))
		return -1;
	if (e.from == e.to) {
		p_err("%s:%u: %s -> %s is not a change", x->path, nr, tok[2],
		      tok[4]);
		return -1;
	}
	if (!*why) {
		p_err("%s:%u: no reason after ':': say why the verdict is expected to change",
		      x->path, nr);
		return -1;
	}
	for (i = 0; i < x->nr; i++)
		if (!strcmp(x->e[i].rule, tok[0]) &&
		    !strcmp(x->e[i].kernel, tok[1])) {
			p_err("%s:%u: %s on %s again (first on line %u)",
			      x->path, nr, tok[0], tok[1], x->e[i].line);
			return -1;
		}
	x->e = realloc(x->e, (x->nr + 1) * sizeof(*x->e));
	if (!x->e) {
		p_err("out of memory");
		exit(SS_EXIT_USAGE);
	}
	e.rule = xasprintf("%s", tok[0]);
	e.kernel = xasprintf("%s", tok[1]);
	e.why = xasprintf("%s", why);
	e.line = nr;
	x->e[x->nr++] = e;
	return 0;
}

static int expect_line_cb(void *ctx, char *line, unsigned int nr)
{
	return expect_line(ctx, line, nr);
}

static int expects_load(struct expects *x, const char *path)
{
	memset(x, 0, sizeof(*x));
	x->path = path;
	if (read_text_lines(path, "expectations", EXPECT_MAX, expect_line_cb,
			    x)) {
		expects_free(x);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* matrix                                                              */
/* ------------------------------------------------------------------ */

struct mkernel {
	const char *name;	/* in argv */
	const char *file;
	const char *source;	/* --source, NULL if not given */
	struct baseline b;
};

struct mchange {
	const char *rule;
	size_t kernel;
	int from, to;
	const struct expect *expect;	/* NULL: unexpected */
};

struct matrix {
	struct mkernel *k;
	size_t nk;
	const char **ids;
	size_t nrules;
	struct mchange *c;
	size_t nc, nexpected, nunexpected, nunmet;
	struct expects x;
	bool have_expect;
};

/* The seed any kernel's baseline gives, else this swapscope's. */
static const char *matrix_seed(const struct matrix *m, const char *id)
{
	size_t k;

	for (k = 0; k < m->nk; k++) {
		const struct base_rule *br = baseline_find(&m->k[k].b, id);

		if (br && br->seed)
			return br->seed;
	}
	return rule_seed(NULL, 0, id);
}

static const struct base_rule *mcell(const struct matrix *m, size_t k,
				     size_t rule)
{
	return baseline_find(&m->k[k].b, m->ids[rule]);
}

static const struct mkernel *kernel_named(const struct matrix *m,
					  const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < m->nk; i++)
		if (strlen(m->k[i].name) == len && !strncmp(m->k[i].name, name, len))
			return &m->k[i];
	return NULL;
}

static bool matrix_has_rule(const struct matrix *m, const char *id)
{
	size_t r;

	for (r = 0; r < m->nrules; r++)
		if (!strcmp(m->ids[r], id))
			return true;
	return false;
}

/* The changes against the reference, and which expectations they meet. */
static int matrix_compare(struct matrix *m)
{
	size_t r, k, i;

	for (i = 0; i < m->x.nr; i++) {
		const struct expect *e = &m->x.e[i];

		if (rule_find(e->rule, false) < 0 && !matrix_has_rule(m, e->rule)) {
			char *ids = rule_id_list();

			p_err("%s:%u: unknown rule '%s': not in any baseline of the matrix, and the rules are %s",
			      m->x.path, e->line, e->rule, ids);
			free(ids);
			return -1;
		}
		if (!strcmp(e->kernel, m->k[0].name)) {
			p_err("%s:%u: %s is the reference (the first NAME=FILE): the others are compared with it, it changes against nothing",
			      m->x.path, e->line, e->kernel);
			return -1;
		}
	}
	m->c = xcalloc(m->nrules * m->nk, sizeof(*m->c));
	for (r = 0; r < m->nrules; r++) {
		int from = verdict_of(mcell(m, 0, r));

		for (k = 1; k < m->nk; k++) {
			int to = verdict_of(mcell(m, k, r));
			struct mchange *c;

			if (to == from)
				continue;
			c = &m->c[m->nc++];
			c->rule = m->ids[r];
			c->kernel = k;
			c->from = from;
			c->to = to;
			for (i = 0; i < m->x.nr; i++) {
				struct expect *e = &m->x.e[i];

				if (!strcmp(e->rule, c->rule) &&
				    !strcmp(e->kernel, m->k[k].name) &&
				    e->from == from && e->to == to) {
					e->met = true;
					c->expect = e;
				}
			}
			if (c->expect)
				m->nexpected++;
			else
				m->nunexpected++;
		}
	}
	for (i = 0; i < m->x.nr; i++)
		if (!m->x.e[i].met &&
		    kernel_named(m, m->x.e[i].kernel, strlen(m->x.e[i].kernel)))
			m->nunmet++;
	return 0;
}

static const char *matrix_result(const struct matrix *m)
{
	if (m->nunexpected || m->nunmet)
		return "changed";
	return m->nexpected ? "expected" : "same";
}

static bool unmet(const struct matrix *m, const struct expect *e)
{
	return !e->met && kernel_named(m, e->kernel, strlen(e->kernel));
}

static void matrix_json(const struct matrix *m)
{
	struct json_writer *w = &json_wtr;
	size_t r, k, i;

	jsonw_start_object(w);
	jsonw_name(w, "kernels");
	jsonw_start_array(w);
	for (k = 0; k < m->nk; k++) {
		jsonw_start_object(w);
		jsonw_string_field(w, "name", m->k[k].name);
		json_release(w, "release", m->k[k].b.kernel);
		json_release(w, "source", m->k[k].source);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "rules");
	jsonw_start_array(w);
	for (r = 0; r < m->nrules; r++) {
		jsonw_start_object(w);
		jsonw_string_field(w, "id", m->ids[r]);
		jsonw_string_field(w, "seed",
				   matrix_seed(m, m->ids[r]));
		jsonw_name(w, "results");
		jsonw_start_array(w);
		for (k = 0; k < m->nk; k++) {
			jsonw_start_object(w);
			jsonw_string_field(w, "kernel", m->k[k].name);
			json_cell(w, mcell(m, k, r));
			jsonw_end_object(w);
		}
		jsonw_end_array(w);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "changes");
	jsonw_start_array(w);
	for (i = 0; i < m->nc; i++) {
		const struct mchange *c = &m->c[i];

		jsonw_start_object(w);
		jsonw_string_field(w, "rule", c->rule);
		jsonw_string_field(w, "kernel", m->k[c->kernel].name);
		jsonw_string_field(w, "from", verdict_str(c->from));
		jsonw_string_field(w, "to", verdict_str(c->to));
		jsonw_bool_field(w, "expected", c->expect);
		json_release(w, "why", c->expect ? c->expect->why : NULL);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "unmet_expectations");
	jsonw_start_array(w);
	for (i = 0; i < m->x.nr; i++) {
		const struct expect *e = &m->x.e[i];

		if (!unmet(m, e))
			continue;
		jsonw_start_object(w);
		jsonw_string_field(w, "rule", e->rule);
		jsonw_string_field(w, "kernel", e->kernel);
		jsonw_string_field(w, "from", verdict_str(e->from));
		jsonw_string_field(w, "to", verdict_str(e->to));
		jsonw_string_field(w, "why", e->why);
		jsonw_u64_field(w, "line", e->line);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_string_field(w, "result", matrix_result(m));
	jsonw_end_object(w);
	jsonw_finish(w);
}

static void matrix_plain(const struct matrix *m)
{
	unsigned char *align = xcalloc(m->nk + 2, 1);
	const char *ref = m->k[0].name;
	size_t r, k, i, ndiff = 0;
	struct table t;

	for (k = 0; k < m->nk; k++)
		printf("kernel %s: %s%s%s%s\n", m->k[k].name,
		       m->k[k].b.kernel ? m->k[k].b.kernel : "release not recorded",
		       m->k[k].source ? ", " : "",
		       m->k[k].source ? m->k[k].source : "",
		       k ? "" : " (the reference)");
	printf("\n");
	table_init(&t, m->nk + 2, align);	/* calloc: all TABLE_LEFT */
	table_add_row(&t);
	table_set(&t, 0, "rule");
	table_set(&t, 1, "seed");
	for (k = 0; k < m->nk; k++)
		table_set(&t, k + 2, "%s", m->k[k].name);
	for (r = 0; r < m->nrules; r++) {
		int v0 = verdict_of(mcell(m, 0, r));

		table_add_row(&t);
		table_set(&t, 0, "%s", m->ids[r]);
		table_set(&t, 1, "%s", matrix_seed(m, m->ids[r]));
		for (k = 0; k < m->nk; k++) {
			const struct base_rule *br = mcell(m, k, r);
			bool differs = verdict_of(br) != v0;
			char *counts = counts_str(br), imp[24] = "-";

			if (br && br->has_impact)
				snprintf(imp, sizeof(imp), "%" PRIu64, br->impact);
			ndiff += differs;
			if (br)
				table_set(&t, k + 2, "%s%s %s/%s", differs ? "*" : "",
					  verdict_str(verdict_of(br)), counts, imp);
			else
				table_set(&t, k + 2, "%sabsent", differs ? "*" : "");
			free(counts);
		}
	}
	table_print(&t);
	table_free(&t);
	free(align);
	printf("\ncells: verdict observations/violations/impact; '-': not recorded; absent: no such rule in that baseline\n");
	if (ndiff)
		printf("*: the verdict differs from the reference's (%s)\n", ref);
	if (m->nc || m->nunmet)
		printf("\n");
	for (i = 0; i < m->nc; i++) {
		const struct mchange *c = &m->c[i];

		printf("%s: %s %s -> %s %s (%s%s)\n", c->rule, ref,
		       verdict_str(c->from), m->k[c->kernel].name,
		       verdict_str(c->to), c->expect ? "expected: " : "unexpected",
		       c->expect ? c->expect->why : "");
	}
	for (i = 0; i < m->x.nr; i++) {
		const struct expect *e = &m->x.e[i];
		const struct mkernel *mk;
		const struct base_rule *bf, *bt;

		if (!unmet(m, e))
			continue;
		mk = kernel_named(m, e->kernel, strlen(e->kernel));
		bf = baseline_find(&m->k[0].b, e->rule);
		bt = baseline_find(&mk->b, e->rule);
		printf("%s: expected %s %s -> %s %s did not happen (%s: %s, %s: %s; %s:%u: %s)\n",
		       e->rule, ref, verdict_str(e->from), e->kernel,
		       verdict_str(e->to), ref, verdict_str(verdict_of(bf)),
		       e->kernel, verdict_str(verdict_of(bt)), m->x.path,
		       e->line, e->why);
	}
	if (!strcmp(matrix_result(m), "same"))
		printf("matrix same: every verdict as on %s (%zu kernel%s, %zu rules)\n",
		       ref, m->nk, m->nk == 1 ? "" : "s", m->nrules);
	else
		printf("matrix %s: %zu unexpected change%s, %zu expected, %zu unmet expectation%s (%zu kernels, %zu rules)\n",
		       strcmp(matrix_result(m), "changed") ? "expected" : "CHANGED",
		       m->nunexpected, m->nunexpected == 1 ? "" : "s",
		       m->nexpected, m->nunmet, m->nunmet == 1 ? "" : "s",
		       m->nk, m->nrules);
}

enum { OPT_EXPECT = 256, OPT_SOURCE };

const struct option matrix_longopts[] = {
	{ "expect",	required_argument,	NULL, OPT_EXPECT },
	{ "source",	required_argument,	NULL, OPT_SOURCE },
	{ 0 }
};

struct matrix_opts {
	const char **expect;
	const char **src;
	size_t nsrc;
};

static int matrix_opt(void *ctx, int opt, char *arg)
{
	struct matrix_opts *o = ctx;

	switch (opt) {
	case OPT_EXPECT:
		if (*o->expect) {
			p_err("--expect given twice");
			return SS_EXIT_USAGE;
		}
		if (!*arg) {
			p_err("--expect needs a file");
			return SS_EXIT_USAGE;
		}
		*o->expect = arg;
		return 0;
	case OPT_SOURCE:
		o->src[o->nsrc++] = arg;
		return 0;
	case ':':
		if (optopt == OPT_EXPECT)
			p_err("--expect needs a file");
		else
			p_err("option '--source' of 'matrix' needs an argument");
		return SS_EXIT_USAGE;
	}
	return SS_EXIT_USAGE;
}

static int matrix_args(struct matrix *m, int argc, char **argv,
		       const char **expect)
{
	static const struct cmd_opts opts = {
		.cmd = "matrix", .shortopts = ":", .longopts = matrix_longopts,
	};
	struct matrix_opts o = {
		.expect = expect, .src = xcalloc(argc, sizeof(*o.src)),
	};
	const char **src = o.src;
	size_t nsrc, i, k;
	int a, ret = -1;

	m->k = xcalloc(argc, sizeof(*m->k));
	if (cmd_parse(&argc, &argv, &opts, matrix_opt, &o))
		goto out;
	nsrc = o.nsrc;
	for (a = 0; a < argc; a++) {
		const char *eq;

		eq = strchr(argv[a], '=');
		if (!eq) {
			p_err("'%.60s' is not NAME=FILE: give each kernel's baseline as NAME=FILE (e.g. 6.1=build/6.1.base)",
			      argv[a]);
			goto out;
		}
		if (!name_ok(argv[a], eq - argv[a])) {
			p_err("'%.*s' is not a kernel NAME (up to %d letters, digits, '.', '_', '+', '-')",
			      (int)(eq - argv[a]) < 40 ? (int)(eq - argv[a]) : 40,
			      argv[a], NAME_MAX_LEN);
			goto out;
		}
		if (!eq[1]) {
			p_err("%s has no FILE after '='", argv[a]);
			goto out;
		}
		if (kernel_named(m, argv[a], eq - argv[a])) {
			p_err("kernel %.*s given twice", (int)(eq - argv[a]),
			      argv[a]);
			goto out;
		}
		m->k[m->nk].name = xasprintf("%.*s", (int)(eq - argv[a]), argv[a]);
		m->k[m->nk].file = eq + 1;
		m->nk++;
	}
	if (!m->nk) {
		p_err("matrix needs a baseline per kernel: matrix [--expect FILE] [--source NAME=TEXT]... NAME=FILE...");
		goto out;
	}
	for (i = 0; i < nsrc; i++) {
		const char *eq = strchr(src[i], '=');
		struct mkernel *mk;

		if (!eq || eq == src[i] || !eq[1]) {
			p_err("--source '%.60s' is not NAME=TEXT", src[i]);
			goto out;
		}
		mk = (struct mkernel *)kernel_named(m, src[i], eq - src[i]);
		if (!mk) {
			p_err("--source %.*s: no kernel of that NAME in the matrix",
			      (int)(eq - src[i]) < 40 ? (int)(eq - src[i]) : 40,
			      src[i]);
			goto out;
		}
		if (mk->source) {
			p_err("--source %s given twice", mk->name);
			goto out;
		}
		mk->source = eq + 1;
	}
	for (k = 0; k < m->nk; k++)
		if (baseline_load(&m->k[k].b, m->k[k].file))
			goto out;
	ret = 0;
out:
	free(src);
	return ret;
}

int do_matrix(int argc, char **argv)
{
	struct matrix m = { 0 };
	const char *expect = NULL;
	int ret = SS_EXIT_USAGE;
	size_t k;

	if (matrix_args(&m, argc, argv, &expect))
		goto out;
	if (expect) {
		if (expects_load(&m.x, expect))
			goto out;
		m.have_expect = true;
	}
	{
		struct baseline *bs = xcalloc(m.nk, sizeof(*bs));

		for (k = 0; k < m.nk; k++)
			bs[k] = m.k[k].b;
		m.nrules = rule_union(bs, m.nk, &m.ids);
		free(bs);
	}
	if (matrix_compare(&m))
		goto out;
	if (json_output)
		matrix_json(&m);
	else
		matrix_plain(&m);
	ret = strcmp(matrix_result(&m), "changed") ? SS_EXIT_OK :
						     SS_EXIT_PROBLEM;
out:
	for (k = 0; k < m.nk; k++) {
		baseline_free(&m.k[k].b);
		free((char *)m.k[k].name);
	}
	free(m.k);
	free(m.ids);
	free(m.c);
	expects_free(&m.x);
	return ret;
}
