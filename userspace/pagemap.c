// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pagemap.c: "swapscope pagemap PID [RANGE]": seed 002's check (rules
 * P1-P3) of /proc/PID/pagemap against the kernel's own state of each page,
 * through the module's pagemap file: write "PID START END", read it back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

/* The module compares at most this many pages per write (swapscope.h). */
#define PM_MAX_PAGES	(1ull << 20)
/* The highest pid the module takes: PID_MAX_LIMIT of a 64-bit kernel. */
#define PM_PID_MAX	4194304ull

/*
 * What a page is, as the module's page lines name it (SS_PM_TRUTHS), in
 * its order; the summary line counts each under the same key but
 * uffd_wp_marker, which is what the others leave of pages= (its markers=
 * counts marker PTEs, also those over a swapped shmem page).
 */
static const char *const pm_truth_names[] = { SS_PM_TRUTHS(SS_X_NAMES) };
_Static_assert(ARRAY_SIZE(pm_truth_names) == SS_PMT_NR, "truth names");

/* The rules the comparison judges, with their summary keys' prefix. */
static const struct {
	enum ss_rule rule;
	const char *key;
} pm_rules[] = {
	{ SS_RULE_P1, "p1" },
	{ SS_RULE_P2, "p2" },
	{ SS_RULE_P3, "p3" },
};
#define PM_NR_RULES	ARRAY_SIZE(pm_rules)

struct pm_range {
	uint64_t start;
	uint64_t end;
};

/* A page whose pagemap entry differs from what its truth calls for. */
struct pm_page {
	uint64_t addr;
	char *truth;
	uint64_t pagemap;
	uint64_t present;
	uint64_t swap;
	uint64_t pte;
};

/* Every write's figures, summed. */
struct pm_total {
	uint64_t pid;
	bool whole;			/* no RANGE: every mapping */
	size_t nr_maps;			/* whole: mappings in /proc/PID/maps */
	struct pm_range *ranges;	/* one per write */
	size_t nr_ranges;
	uint64_t pages;
	uint64_t truth[SS_PMT_NR];
	uint64_t markers;
	uint64_t migration_held;
	uint64_t mismatches;
	uint64_t obs[PM_NR_RULES];
	uint64_t viol[PM_NR_RULES];
	uint64_t impact[PM_NR_RULES];
	bool has_impact[PM_NR_RULES];	/* the module printed it every time */
	struct pm_page *lines;
	size_t nr_lines;
	uint64_t dropped;		/* mismatching pages not listed */
};

/* ------------------------------------------------------------------ */
/* arguments                                                           */
/* ------------------------------------------------------------------ */

static uint64_t page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (uint64_t)n : 4096;
}

/* "0x" hex or decimal, as the module takes them. */
static int pm_parse_addr(const char *s, uint64_t *val)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return ss_parse_x64(s, val);
	return ss_parse_u64(s, val);
}

static int pm_parse_pid(const char *s, uint64_t *pid)
{
	if (ss_parse_u64(s, pid) || !*pid || *pid > PM_PID_MAX) {
		p_err("bad pid '%.40s': a process id, 1 to %llu", s, PM_PID_MAX);
		return -1;
	}
	return 0;
}

/* The range split into writes the module takes. */
static void pm_add_range(struct pm_total *t, uint64_t start, uint64_t end)
{
	uint64_t max = PM_MAX_PAGES * page_size(), next;

	for (; start < end; start = next) {
		next = end - start > max ? start + max : end;
		t->ranges = realloc(t->ranges,
				    (t->nr_ranges + 1) * sizeof(*t->ranges));
		if (!t->ranges) {
			p_err("out of memory");
			exit(SS_EXIT_USAGE);
		}
		t->ranges[t->nr_ranges].start = start;
		t->ranges[t->nr_ranges].end = next;
		t->nr_ranges++;
	}
}

/* START END or START-END, checked whole before anything is written. */
static int pm_parse_range(int argc, char **argv, struct pm_total *t)
{
	const char *s_start = argv[0], *s_end;
	uint64_t start, end, psz = page_size();
	char *copy = NULL, *dash;
	int ret = -1;

	if (argc == 1) {
		dash = strchr(argv[0], '-');
		if (!dash) {
			p_err("bad range '%.60s': give START END or START-END",
			      argv[0]);
			return -1;
		}
		copy = xasprintf("%s", argv[0]);
		dash = copy + (dash - argv[0]);
		*dash = '\0';
		s_start = copy;
		s_end = dash + 1;
	} else {
		s_end = argv[1];
	}
	if (pm_parse_addr(s_start, &start)) {
		p_err("bad start address '%.40s': hex with 0x, or decimal",
		      s_start);
		goto out;
	}
	if (pm_parse_addr(s_end, &end)) {
		p_err("bad end address '%.40s': hex with 0x, or decimal", s_end);
		goto out;
	}
	if (start % psz || end % psz) {
		p_err("range 0x%" PRIx64 "-0x%" PRIx64 " is not page-aligned (%" PRIu64 "-byte pages)",
		      start, end, psz);
		goto out;
	}
	if (end <= start) {
		p_err("range 0x%" PRIx64 "-0x%" PRIx64 ": END must be above START",
		      start, end);
		goto out;
	}
	pm_add_range(t, start, end);
	ret = 0;
out:
	free(copy);
	return ret;
}

/* "[vsyscall]": a gate area above the task size, not in the mm. */
static bool pm_gate_area(const char *line)
{
	static const char gate[] = " [vsyscall]";
	size_t len = strcspn(line, "\n"), n = sizeof(gate) - 1;

	return len >= n && !strncmp(line + len - n, gate, n);
}

/* Without RANGE: every mapping of /proc/PID/maps, adjacent ones joined. */
static int pm_read_maps(struct pm_total *t)
{
	char *path = xasprintf("/proc/%" PRIu64 "/maps", t->pid);
	uint64_t start, end, cur_start = 0, cur_end = 0;
	size_t cap = 0, nr = 0;
	char *line = NULL;
	int ret = -1;
	FILE *fp;

	fp = fopen(path, "re");
	if (!fp) {
		if (errno == ENOENT)
			p_err("no process %" PRIu64 " (no %s)", t->pid, path);
		else if (errno == EACCES || errno == EPERM)
			p_err("%s: permission denied: run swapscope as root",
			      path);
		else
			p_err("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &start, &end) != 2 ||
		    end <= start) {
			p_err("%s:%zu: not a mapping: '%.60s'", path, nr + 1,
			      line);
			goto out;
		}
		nr++;
		if (pm_gate_area(line))
			continue;
		t->nr_maps++;
		if (cur_end && start == cur_end) {
			cur_end = end;
			continue;
		}
		if (cur_end)
			pm_add_range(t, cur_start, cur_end);
		cur_start = start;
		cur_end = end;
	}
	if (ferror(fp)) {
		p_err("%s: %s", path, strerror(errno));
		goto out;
	}
	if (cur_end)
		pm_add_range(t, cur_start, cur_end);
	if (!t->nr_ranges) {
		p_err("process %" PRIu64 " has no user mappings (a kernel thread?)",
		      t->pid);
		goto out;
	}
	ret = 0;
out:
	free(line);
	fclose(fp);
	free(path);
	return ret;
}

/* ------------------------------------------------------------------ */
/* one write, its result read back                                      */
/* ------------------------------------------------------------------ */

static int pm_bad(struct ss_file *f, const struct ss_record *r,
		  const char *what)
{
	snprintf(f->err, sizeof(f->err), "%s:%u: %s", f->name, r->line, what);
	return ss_bad_record(f);
}

static int pm_parse_page(struct ss_file *f, const struct ss_record *r,
			 struct pm_total *t)
{
	struct pm_page pg = { 0 };
	const char *truth;

	if (ss_rec_x64(f, r, "addr", &pg.addr) ||
	    ss_rec_str(f, r, "truth", &truth) ||
	    ss_rec_x64(f, r, "pagemap", &pg.pagemap) ||
	    ss_rec_u64(f, r, "present", &pg.present) ||
	    ss_rec_u64(f, r, "swap", &pg.swap) ||
	    ss_rec_x64(f, r, "pte", &pg.pte))
		return ss_bad_record(f);
	pg.truth = xasprintf("%s", truth);
	t->lines = realloc(t->lines, (t->nr_lines + 1) * sizeof(*t->lines));
	if (!t->lines) {
		p_err("out of memory");
		exit(SS_EXIT_USAGE);
	}
	t->lines[t->nr_lines++] = pg;
	return 0;
}

/* The summary line of one write, added to @t. */
static int pm_parse_summary(struct ss_file *f, const struct ss_record *r,
			    struct pm_total *t)
{
	uint64_t v, pages, sum = 0;
	char key[16];
	size_t i;

	if (ss_rec_u64(f, r, "pages", &pages))
		return ss_bad_record(f);
	for (i = 0; i < SS_PMT_NR; i++) {
		if (i == SS_PMT_MARKER)
			continue;
		if (ss_rec_u64(f, r, pm_truth_names[i], &v))
			return ss_bad_record(f);
		t->truth[i] += v;
		sum += v;
	}
	if (sum > pages)
		return pm_bad(f, r, "the pages of each kind add up to more than pages=");
	t->truth[SS_PMT_MARKER] += pages - sum;
	t->pages += pages;
	if (ss_rec_u64(f, r, "markers", &v))
		return ss_bad_record(f);
	t->markers += v;
	if (ss_rec_u64(f, r, "migration_held", &v))
		return ss_bad_record(f);
	t->migration_held += v;
	if (ss_rec_u64(f, r, "mismatches", &v))
		return ss_bad_record(f);
	t->mismatches += v;
	for (i = 0; i < PM_NR_RULES; i++) {
		snprintf(key, sizeof(key), "%s_obs", pm_rules[i].key);
		if (ss_rec_u64(f, r, key, &v))
			return ss_bad_record(f);
		t->obs[i] += v;
		snprintf(key, sizeof(key), "%s_viol", pm_rules[i].key);
		if (ss_rec_u64(f, r, key, &v))
			return ss_bad_record(f);
		t->viol[i] += v;
		/* Only P1 has an impact (docs/rules.md); others may come. */
		snprintf(key, sizeof(key), "%s_impact", pm_rules[i].key);
		if (!ss_rec_get(r, key) && i) {
			t->has_impact[i] = false;
			continue;
		}
		if (ss_rec_u64(f, r, key, &v))
			return ss_bad_record(f);
		t->impact[i] += v;
	}
	return 0;
}

static int pm_parse(struct ss_file *f, const struct pm_range *rg,
		    struct pm_total *t)
{
	const struct ss_record *r = ss_file_find(f, "pagemap"), *sum = r;
	uint64_t pid, start, end, v;
	const char *state, *err;
	size_t i;

	if (!r) {
		snprintf(f->err, sizeof(f->err), "%s: no pagemap= line", f->name);
		return ss_bad_record(f);
	}
	state = ss_rec_get(r, "pagemap");
	if (!strcmp(state, "never")) {
		p_err("%s: no comparison kept after the write (pagemap=never)",
		      f->name);
		return -1;
	}
	if (ss_rec_u64(f, r, "pid", &pid) || ss_rec_x64(f, r, "start", &start) ||
	    ss_rec_x64(f, r, "end", &end))
		return ss_bad_record(f);
	/* The file holds the last comparison of anybody's. */
	if (pid != t->pid || start != rg->start || end != rg->end) {
		p_err("%s holds the comparison of pid %" PRIu64 " 0x%" PRIx64 "-0x%" PRIx64 ", not the one written: another ran meanwhile, run again",
		      f->name, pid, start, end);
		return -1;
	}
	if (strcmp(state, "done")) {
		err = ss_rec_get(r, "err");
		p_err("%s: the comparison ended pagemap=%.20s, err=%.20s",
		      f->name, state, err ? err : "?");
		return -1;
	}
	if (pm_parse_summary(f, r, t))
		return -1;
	for (i = 0; i < f->nr; i++) {
		r = &f->rec[i];
		if (r->tag && !strcmp(r->tag, "page")) {
			if (pm_parse_page(f, r, t))
				return -1;
		} else if (!r->tag && r != sum && ss_rec_get(r, "dropped")) {
			if (ss_rec_u64(f, r, "dropped", &v))
				return ss_bad_record(f);
			t->dropped += v;
		}
	}
	return 0;
}

static const char *pm_explain(int err)
{
	if (err == ESRCH)
		return " (no process with that pid)";
	if (err == EINVAL)
		return " (the module refused it, see dmesg: a kernel thread, or a range beyond the task size)";
	return "";
}

static int pm_compare(struct pm_total *t, const struct pm_range *rg)
{
	char *cmd = xasprintf("%" PRIu64 " 0x%" PRIx64 " 0x%" PRIx64, t->pid,
			      rg->start, rg->end);
	struct ss_file f;
	int ret = -1;

	if (ss_write("pagemap", cmd, pm_explain))
		goto out;
	if (ss_load(&f, "pagemap", SS_REC_TAGGED))
		goto out;
	ret = pm_parse(&f, rg, t);
	ss_unload(&f);
out:
	free(cmd);
	return ret;
}

/* ------------------------------------------------------------------ */
/* output                                                              */
/* ------------------------------------------------------------------ */

static uint64_t pm_violations(const struct pm_total *t)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < PM_NR_RULES; i++)
		n += t->viol[i];
	return n;
}

/*
 * Mismatches no rule covers: a page that changed between the module's two
 * reads, or one pagemap does not walk (the vvar page: VM_PFNMAP, present
 * to the module, a hole to pagemap).
 */
static uint64_t pm_unjudged(const struct pm_total *t)
{
	uint64_t v = pm_violations(t);

	return t->mismatches > v ? t->mismatches - v : 0;
}

static void pm_json(const struct pm_total *t)
{
	struct json_writer *w = &json_wtr;
	size_t i;

	jsonw_start_object(w);
	jsonw_u64_field(w, "pid", t->pid);
	jsonw_bool_field(w, "whole_process", t->whole);
	jsonw_name(w, "ranges");
	jsonw_start_array(w);
	for (i = 0; i < t->nr_ranges; i++) {
		jsonw_start_object(w);
		jsonw_x64_field(w, "start", t->ranges[i].start);
		jsonw_x64_field(w, "end", t->ranges[i].end);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_u64_field(w, "compared", t->pages);
	jsonw_name(w, "truth");
	jsonw_start_object(w);
	for (i = 0; i < SS_PMT_NR; i++)
		jsonw_u64_field(w, pm_truth_names[i], t->truth[i]);
	jsonw_end_object(w);
	jsonw_u64_field(w, "markers", t->markers);
	jsonw_u64_field(w, "migration_held", t->migration_held);
	jsonw_u64_field(w, "mismatches", t->mismatches);
	jsonw_u64_field(w, "not_judged", pm_unjudged(t));
	jsonw_name(w, "rules");
	jsonw_start_array(w);
	for (i = 0; i < PM_NR_RULES; i++) {
		jsonw_start_object(w);
		jsonw_string_field(w, "rule", rule_ids[pm_rules[i].rule]);
		jsonw_string_field(w, "checks", rule_checks(pm_rules[i].rule));
		jsonw_u64_field(w, "observations", t->obs[i]);
		jsonw_u64_field(w, "violations", t->viol[i]);
		if (t->has_impact[i])
			jsonw_u64_field(w, "impact", t->impact[i]);
		else
			jsonw_null_field(w, "impact");
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "pages");
	jsonw_start_array(w);
	for (i = 0; i < t->nr_lines; i++) {
		const struct pm_page *pg = &t->lines[i];

		jsonw_start_object(w);
		jsonw_x64_field(w, "addr", pg->addr);
		jsonw_string_field(w, "truth", pg->truth);
		jsonw_x64_field(w, "pagemap", pg->pagemap);
		jsonw_u64_field(w, "present", pg->present);
		jsonw_u64_field(w, "swap", pg->swap);
		jsonw_x64_field(w, "pte", pg->pte);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_u64_field(w, "dropped", t->dropped);
	jsonw_string_field(w, "result", pm_violations(t) ? "fail" : "pass");
	jsonw_end_object(w);
	jsonw_finish(w);
}

static const unsigned char pm_rule_align[] = {
	TABLE_LEFT, TABLE_LEFT, TABLE_RIGHT, TABLE_RIGHT, TABLE_RIGHT,
};

static void pm_plain_rules(const struct pm_total *t)
{
	struct table tb;
	size_t i;

	table_init(&tb, ARRAY_SIZE(pm_rule_align), pm_rule_align);
	table_add_row(&tb);
	table_set(&tb, 0, "rule");
	table_set(&tb, 1, "checks");
	table_set(&tb, 2, "observations");
	table_set(&tb, 3, "violations");
	table_set(&tb, 4, "impact");
	for (i = 0; i < PM_NR_RULES; i++) {
		table_add_row(&tb);
		table_set(&tb, 0, "%s", rule_ids[pm_rules[i].rule]);
		table_set(&tb, 1, "%s", rule_checks(pm_rules[i].rule));
		table_set(&tb, 2, "%" PRIu64, t->obs[i]);
		table_set(&tb, 3, "%" PRIu64, t->viol[i]);
		if (t->has_impact[i])
			table_set(&tb, 4, "%" PRIu64, t->impact[i]);
		else
			table_set(&tb, 4, "-");
	}
	table_print(&tb);
	table_free(&tb);
}

static const unsigned char pm_page_align[] = {
	TABLE_LEFT, TABLE_LEFT, TABLE_LEFT, TABLE_RIGHT, TABLE_RIGHT,
	TABLE_LEFT,
};

static void pm_plain_pages(const struct pm_total *t)
{
	struct table tb;
	size_t i;

	if (!t->nr_lines && !t->dropped)
		return;
	putchar('\n');
	table_init(&tb, ARRAY_SIZE(pm_page_align), pm_page_align);
	table_add_row(&tb);
	table_set(&tb, 0, "addr");
	table_set(&tb, 1, "truth");
	table_set(&tb, 2, "pagemap");
	table_set(&tb, 3, "present");
	table_set(&tb, 4, "swap");
	table_set(&tb, 5, "pte");
	for (i = 0; i < t->nr_lines; i++) {
		const struct pm_page *pg = &t->lines[i];

		table_add_row(&tb);
		table_set(&tb, 0, "0x%" PRIx64, pg->addr);
		table_set(&tb, 1, "%s", pg->truth);
		table_set(&tb, 2, "0x%" PRIx64, pg->pagemap);
		table_set(&tb, 3, "%" PRIu64, pg->present);
		table_set(&tb, 4, "%" PRIu64, pg->swap);
		table_set(&tb, 5, "0x%" PRIx64, pg->pte);
	}
	table_print(&tb);
	table_free(&tb);
	if (t->dropped)
		printf("%" PRIu64 " more not shown\n", t->dropped);
}

static void pm_plain(const struct pm_total *t)
{
	uint64_t viol = pm_violations(t);
	const char *sep = "";
	size_t i;

	printf("pid         %" PRIu64 "\n", t->pid);
	if (t->whole)
		printf("range       every mapping: %zu in /proc/%" PRIu64 "/maps, %zu writes\n",
		       t->nr_maps, t->pid, t->nr_ranges);
	else if (t->nr_ranges > 1)
		printf("range       0x%" PRIx64 "-0x%" PRIx64 " (%zu writes)\n",
		       t->ranges[0].start, t->ranges[t->nr_ranges - 1].end,
		       t->nr_ranges);
	else
		printf("range       0x%" PRIx64 "-0x%" PRIx64 "\n",
		       t->ranges[0].start, t->ranges[0].end);
	printf("pages       %" PRIu64 "\n", t->pages);
	/* The kinds met; JSON has them all. */
	printf("truth       ");
	for (i = 0; i < SS_PMT_NR; i++) {
		if (!t->truth[i])
			continue;
		printf("%s%s %" PRIu64, sep, pm_truth_names[i], t->truth[i]);
		sep = ", ";
	}
	printf("\nentries     uffd-wp markers %" PRIu64 ", migration entries held %" PRIu64 "\n",
	       t->markers, t->migration_held);
	printf("mismatches  %" PRIu64, t->mismatches);
	sep = " (";
	for (i = 0; i < PM_NR_RULES; i++) {
		printf("%s%s %" PRIu64, sep, rule_ids[pm_rules[i].rule],
		       t->viol[i]);
		sep = ", ";
	}
	printf(", not judged %" PRIu64 ")\n\n", pm_unjudged(t));
	pm_plain_rules(t);
	pm_plain_pages(t);
	if (viol)
		printf("\npagemap differs from the truth: %" PRIu64 " violation%s of P1-P3\n",
		       viol, viol == 1 ? "" : "s");
	else
		printf("\npagemap agrees with the truth on P1-P3\n");
}

/* ------------------------------------------------------------------ */
/* the command                                                         */
/* ------------------------------------------------------------------ */

static void pm_free(struct pm_total *t)
{
	size_t i;

	for (i = 0; i < t->nr_lines; i++)
		free(t->lines[i].truth);
	free(t->lines);
	free(t->ranges);
}

int do_pagemap(int argc, char **argv)
{
	struct pm_total t = { 0 };
	struct ss_version v;
	int ret = SS_EXIT_USAGE;
	size_t i;

	if (cmd_no_options(&argc, &argv, "pagemap"))
		return SS_EXIT_USAGE;
	if (argc < 1 || argc > 3) {
		p_err("pagemap takes PID [START END | START-END], e.g. 'pagemap 1234 0x7f0000000000-0x7f0000200000'");
		return SS_EXIT_USAGE;
	}
	for (i = 0; i < PM_NR_RULES; i++)
		t.has_impact[i] = true;
	if (pm_parse_pid(argv[0], &t.pid) ||
	    (argc > 1 && pm_parse_range(argc - 1, argv + 1, &t)))
		goto out;
	t.whole = argc == 1;
	if (ss_load_version(&v))
		goto out;
	ss_unload(&v.file);
	if (t.whole && pm_read_maps(&t))
		goto out;
	for (i = 0; i < t.nr_ranges; i++)
		if (pm_compare(&t, &t.ranges[i]))
			goto out;
	if (json_output)
		pm_json(&t);
	else
		pm_plain(&t);
	ret = pm_violations(&t) ? SS_EXIT_PROBLEM : SS_EXIT_OK;
out:
	pm_free(&t);
	return ret;
}
