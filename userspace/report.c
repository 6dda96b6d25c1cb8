// SPDX-License-Identifier: GPL-2.0 OR MIT
/* report.c: "swapscope report": the verdict of every rule (docs/rules.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

/* ------------------------------------------------------------------ */
/* parsing                                                             */
/* ------------------------------------------------------------------ */

static char *verdict_list(void)
{
	return xasprintf("%s, %s, %s, %s", verdict_names[0], verdict_names[1],
			 verdict_names[2], verdict_names[3]);
}
_Static_assert(SS_NR_VERDICTS == 4, "verdict_list names all verdicts");
_Static_assert(SS_NR_STATES == 4, "rule_parse names all states");

static int rule_bad_value(struct ss_file *f, const struct ss_record *r,
			  const char *what)
{
	snprintf(f->err, sizeof(f->err), "%s:%u: %s", f->name, r->line, what);
	return ss_bad_record(f);
}

static int rule_parse(struct ss_file *f, const struct ss_record *r,
		      struct rule_row *row)
{
	const char *state;
	uint64_t enabled;
	char *msg;
	int ret;

	if (ss_rec_str(f, r, "rule", &row->rule) ||
	    ss_rec_str(f, r, "seed", &row->seed) ||
	    ss_rec_str(f, r, "verdict", &row->verdict) ||
	    ss_rec_u64(f, r, "observations", &row->obs) ||
	    ss_rec_u64(f, r, "violations", &row->viol) ||
	    ss_rec_u64(f, r, "impact", &row->impact) ||
	    ss_rec_u64(f, r, "enabled", &enabled) ||
	    ss_rec_str(f, r, "reason", &row->reason))
		return ss_bad_record(f);
	if (!*row->rule)
		return rule_bad_value(f, r, "rule= has no id");
	if (verdict_find(row->verdict) < 0) {
		char *list = verdict_list();

		msg = xasprintf("verdict=%.40s is not one of %s", row->verdict,
				list);
		free(list);
		ret = rule_bad_value(f, r, msg);
		free(msg);
		return ret;
	}
	if (enabled > 1) {
		msg = xasprintf("enabled=%" PRIu64 " is not 0 or 1", enabled);
		ret = rule_bad_value(f, r, msg);
		free(msg);
		return ret;
	}
	row->enabled = enabled;
	/* unjudged= came later: a module without it judged everything it saw. */
	row->unjudged = 0;
	if (ss_rec_get(r, "unjudged") && ss_rec_u64(f, r, "unjudged", &row->unjudged))
		return ss_bad_record(f);
	state = ss_rec_get(r, "state");
	if (state) {
		row->state = rule_state_find(state);
		if (row->state < 0) {
			msg = xasprintf("state=%.40s is not one of %s, %s, %s, %s",
					state, rule_state_names[0],
					rule_state_names[1], rule_state_names[2],
					rule_state_names[3]);
			ret = rule_bad_value(f, r, msg);
			free(msg);
			return ret;
		}
	} else {
		/* A module from before state=: what its other keys imply. */
		row->state = verdict_find(row->verdict) == SS_VERDICT_NOT_APPLICABLE ?
			     SS_STATE_NOT_APPLICABLE :
			     enabled ? SS_STATE_ENABLED :
			     strcmp(row->reason, "-") ? SS_STATE_FAILED :
			     SS_STATE_DISABLED;
	}
	row->known = rule_find(row->rule, false);
	row->group = rule_group(row->rule);
	row->line = r->line;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct rule_row *x = a, *y = b;
	int c = strcmp(x->rule, y->rule);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Groups in the rules reference's order (docs/rules.md); in a group, SS_RULES order, then unknown rules. */
static int by_group(const void *a, const void *b)
{
	const struct rule_row *x = a, *y = b;
	long kx = x->known >= 0 ? x->known : SS_NR_RULES;
	long ky = y->known >= 0 ? y->known : SS_NR_RULES;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (kx != ky)
		return kx < ky ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Each rule once; every rule this CLI knows present. */
static int rules_check(struct ss_file *f, struct rule_row *rows, size_t n)
{
	bool seen[SS_NR_RULES] = { false };
	size_t i;
	int r;

	qsort(rows, n, sizeof(*rows), by_name);
	for (i = 0; i < n; i++) {
		if (i && !strcmp(rows[i].rule, rows[i - 1].rule)) {
			snprintf(f->err, sizeof(f->err),
				 "%s:%u: rule=%.40s again (first on line %u)",
				 f->name, rows[i].line, rows[i].rule,
				 rows[i - 1].line);
			return ss_bad_record(f);
		}
		if (rows[i].known >= 0)
			seen[rows[i].known] = true;
	}
	for (r = 0; r < SS_NR_RULES; r++) {
		if (seen[r])
			continue;
		snprintf(f->err, sizeof(f->err), "%s: no line for rule=%s",
			 f->name, rule_ids[r]);
		return ss_bad_record(f);
	}
	qsort(rows, n, sizeof(*rows), by_group);
	return 0;
}

/* The rules file, parsed and checked, in report order; 0 or -1 (reported). */
int rules_load(struct ss_file *f, struct rule_row **rowsp)
{
	struct rule_row *rows;
	size_t i;

	*rowsp = NULL;
	if (ss_load(f, "rules", SS_REC_WORDS))
		return -1;
	rows = xcalloc(f->nr, sizeof(*rows));
	for (i = 0; i < f->nr; i++)
		if (rule_parse(f, &f->rec[i], &rows[i]))
			goto err;
	if (rules_check(f, rows, f->nr))
		goto err;
	*rowsp = rows;
	return 0;
err:
	free(rows);
	ss_unload(f);
	return -1;
}

bool rule_failed(const struct rule_row *p)
{
	return p->state == SS_STATE_FAILED;
}

char *rules_failed_list(const struct rule_row *rows, size_t n)
{
	char *list = NULL, *next;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!rule_failed(&rows[i]))
			continue;
		next = xasprintf("%s%s%s (%s)", list ? list : "",
				 list ? ", " : "", rows[i].rule,
				 rows[i].reason);
		free(list);
		list = next;
	}
	return list;
}

void rules_failed_json(struct json_writer *w, const struct rule_row *rows,
		       size_t n)
{
	size_t i;

	jsonw_name(w, "failed_rules");
	jsonw_start_array(w);
	for (i = 0; i < n; i++) {
		if (!rule_failed(&rows[i]))
			continue;
		jsonw_start_object(w);
		jsonw_string_field(w, "rule", rows[i].rule);
		if (rows[i].known >= 0)
			jsonw_string_field(w, "checks", rule_checks(rows[i].known));
		else
			jsonw_null_field(w, "checks");
		jsonw_string_field(w, "reason", rows[i].reason);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

/* ------------------------------------------------------------------ */
/* output                                                              */
/* ------------------------------------------------------------------ */

void report_json_array(struct json_writer *w, const struct rule_row *rows,
		       size_t n)
{
	size_t i;

	jsonw_start_array(w);
	for (i = 0; i < n; i++) {
		const struct rule_row *p = &rows[i];

		jsonw_start_object(w);
		jsonw_string_field(w, "rule", p->rule);
		jsonw_string_field(w, "seed", p->seed);
		jsonw_string_field(w, "group", rule_group_name(p->group));
		if (p->known >= 0)
			jsonw_string_field(w, "checks", rule_checks(p->known));
		else
			jsonw_null_field(w, "checks");
		jsonw_string_field(w, "verdict", p->verdict);
		jsonw_u64_field(w, "observations", p->obs);
		jsonw_u64_field(w, "violations", p->viol);
		jsonw_u64_field(w, "impact", p->impact);
		jsonw_u64_field(w, "unjudged", p->unjudged);
		jsonw_bool_field(w, "enabled", p->enabled);
		jsonw_string_field(w, "state", rule_state_names[p->state]);
		if (strcmp(p->reason, "-"))
			jsonw_string_field(w, "reason", p->reason);
		else
			jsonw_null_field(w, "reason");
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static const unsigned char report_align[] = {
	TABLE_LEFT, TABLE_LEFT, TABLE_LEFT, TABLE_LEFT, TABLE_LEFT,
	TABLE_RIGHT, TABLE_RIGHT, TABLE_RIGHT, TABLE_RIGHT, TABLE_LEFT,
};

/*
 * Why a rule is not judged: the kernel's reason, that it disabled itself
 * (and why), or that it was turned off by hand.
 */
static void report_reason(struct table *t, size_t col,
			  const struct rule_row *p)
{
	if (rule_failed(p))
		table_set(t, col, "failed: %s", p->reason);
	else if (strcmp(p->reason, "-"))
		table_set(t, col, "%s", p->reason);
	else
		table_set(t, col, "%s", p->enabled ? "" : "disabled");
}

static void report_summary(const struct rule_row *rows, size_t n)
{
	size_t count[SS_NR_VERDICTS] = { 0 }, disabled = 0, failed = 0, i;
	int v;

	for (i = 0; i < n; i++) {
		v = verdict_find(rows[i].verdict);
		count[v]++;
		/* A rule this kernel lacks is counted as not-applicable only. */
		disabled += !rows[i].enabled && v != SS_VERDICT_NOT_APPLICABLE;
		failed += rule_failed(&rows[i]);
	}
	printf("\n%zu rules:", n);
	for (v = 0; v < SS_NR_VERDICTS; v++)
		printf("%s %zu %s", v ? "," : "", count[v], verdict_names[v]);
	printf("; %zu disabled", disabled);
	if (failed)
		printf(", %zu of them failed (disabled themselves on an internal inconsistency: their verdicts cover only the calls before; see dmesg)",
		       failed);
	printf("\n");
}

void report_plain(const struct rule_row *rows, size_t n)
{
	struct table t;
	size_t i;

	table_init(&t, ARRAY_SIZE(report_align), report_align);
	table_add_row(&t);
	table_set(&t, 0, "group");
	table_set(&t, 1, "rule");
	table_set(&t, 2, "seed");
	table_set(&t, 3, "checks");
	table_set(&t, 4, "verdict");
	table_set(&t, 5, "observations");
	table_set(&t, 6, "violations");
	table_set(&t, 7, "impact");
	table_set(&t, 8, "unjudged");
	table_set(&t, 9, "reason");
	for (i = 0; i < n; i++) {
		const struct rule_row *p = &rows[i];

		table_add_row(&t);
		/* The group once, on its first rule. */
		if (!i || p->group != rows[i - 1].group)
			table_set(&t, 0, "%s", rule_group_name(p->group));
		table_set(&t, 1, "%s", p->rule);
		table_set(&t, 2, "%s", p->seed);
		table_set(&t, 3, "%s", p->known >= 0 ? rule_checks(p->known) :
							"(unknown to this swapscope)");
		table_set(&t, 4, "%s", p->verdict);
		table_set(&t, 5, "%" PRIu64, p->obs);
		table_set(&t, 6, "%" PRIu64, p->viol);
		table_set(&t, 7, "%" PRIu64, p->impact);
		table_set(&t, 8, "%" PRIu64, p->unjudged);
		report_reason(&t, 9, p);
	}
	table_print(&t);
	table_free(&t);
	report_summary(rows, n);
}

void report_print(const struct rule_row *rows, size_t n)
{
	if (json_output) {
		report_json_array(&json_wtr, rows, n);
		jsonw_finish(&json_wtr);
	} else
		report_plain(rows, n);
}

int do_report(int argc, char **argv)
{
	struct rule_row *rows = NULL;
	struct ss_version v;
	struct ss_file f;
	int ret = SS_EXIT_USAGE;

	if (cmd_no_options(&argc, &argv, "report"))
		return SS_EXIT_USAGE;
	if (argc) {
		p_err("report takes no arguments, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	if (rules_load(&f, &rows))
		goto out_version;
	report_print(rows, f.nr);
	ret = SS_EXIT_OK;
	free(rows);
	ss_unload(&f);
out_version:
	ss_unload(&v.file);
	return ret;
}
