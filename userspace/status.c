// SPDX-License-Identifier: GPL-2.0 OR MIT
/* status.c: "swapscope status": module version and the state of each probe. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

struct probe_row {
	const char *probe;
	const char *symbol;
	const char *type;
	const char *state;
	const char *reason;	/* "-" while active */
	uint64_t hits;
	uint64_t nmissed;
	uint64_t maxactive;
	bool has_run_ns;	/* modules before time_handlers lack it */
	uint64_t run_ns;
};

struct probe_summary {
	size_t probes;
	size_t active;
	size_t unavailable;
	uint64_t nmissed;
};

static int probe_parse(struct ss_file *f, const struct ss_record *r,
		       struct probe_row *p)
{
	if (ss_rec_str(f, r, "probe", &p->probe) ||
	    ss_rec_str(f, r, "symbol", &p->symbol) ||
	    ss_rec_str(f, r, "type", &p->type) ||
	    ss_rec_str(f, r, "state", &p->state) ||
	    ss_rec_u64(f, r, "hits", &p->hits) ||
	    ss_rec_u64(f, r, "nmissed", &p->nmissed) ||
	    ss_rec_u64(f, r, "maxactive", &p->maxactive) ||
	    ss_rec_str(f, r, "reason", &p->reason))
		return ss_bad_record(f);
	p->has_run_ns = ss_rec_get(r, "run_ns");
	if (p->has_run_ns && ss_rec_u64(f, r, "run_ns", &p->run_ns))
		return ss_bad_record(f);
	return 0;
}

static const char *const probe_state_names[] = {
	SS_PROBE_STATES(SS_X_NAMES)
};

static void probe_summarize(const struct probe_row *p, size_t n,
			    struct probe_summary *sum)
{
	size_t i;

	memset(sum, 0, sizeof(*sum));
	sum->probes = n;
	for (i = 0; i < n; i++) {
		/* Other states may come; they are neither of these two. */
		if (!strcmp(p[i].state, probe_state_names[SS_PROBE_ACTIVE]))
			sum->active++;
		else if (!strcmp(p[i].state,
				 probe_state_names[SS_PROBE_UNAVAILABLE]))
			sum->unavailable++;
		sum->nmissed += p[i].nmissed;
	}
}

static void status_json_module(const struct ss_version *v)
{
	struct json_writer *w = &json_wtr;

	jsonw_name(w, "module");
	jsonw_start_object(w);
	jsonw_string_field(w, "version", v->module);
	jsonw_u64_field(w, "abi", v->abi);
	jsonw_string_field(w, "kernel", v->kernel);
	jsonw_string_field(w, "kernel_version", v->kernel_version);
	jsonw_string_field(w, "build", v->build);
	jsonw_end_object(w);

	jsonw_name(w, "cli");
	jsonw_start_object(w);
	jsonw_string_field(w, "version", SWAPSCOPE_VERSION);
	jsonw_u64_field(w, "abi", SWAPSCOPE_ABI);
	jsonw_end_object(w);
}

static void status_json_probe(const struct probe_row *p)
{
	struct json_writer *w = &json_wtr;

	jsonw_start_object(w);
	jsonw_string_field(w, "probe", p->probe);
	jsonw_string_field(w, "symbol", p->symbol);
	jsonw_string_field(w, "type", p->type);
	jsonw_string_field(w, "state", p->state);
	jsonw_u64_field(w, "hits", p->hits);
	jsonw_u64_field(w, "nmissed", p->nmissed);
	jsonw_u64_field(w, "maxactive", p->maxactive);
	if (p->has_run_ns)
		jsonw_u64_field(w, "run_ns", p->run_ns);
	else
		jsonw_null_field(w, "run_ns");
	if (strcmp(p->reason, "-"))
		jsonw_string_field(w, "reason", p->reason);
	else
		jsonw_null_field(w, "reason");
	jsonw_end_object(w);
}

/*
 * The rules that disabled themselves on an internal inconsistency
 * (state=failed in the rules file), read quietly: status does not fail
 * on a rules file it cannot read, 'report' says what is wrong with it.
 */
static void status_failed(void)
{
	char *path = xasprintf("%s/rules", debugfs_dir);
	struct ss_file f;
	size_t i;

	ss_file_init(&f, path);
	if (json_output) {
		jsonw_name(&json_wtr, "failed_rules");
		jsonw_start_array(&json_wtr);
	}
	if (ss_read_path(&f, path, SS_REC_WORDS))
		goto out;
	for (i = 0; i < f.nr; i++) {
		const char *rule = ss_rec_get(&f.rec[i], "rule");
		const char *state = ss_rec_get(&f.rec[i], "state");
		const char *reason = ss_rec_get(&f.rec[i], "reason");

		if (!rule || !state ||
		    strcmp(state, rule_state_names[SS_STATE_FAILED]))
			continue;
		reason = reason ? reason : "-";
		if (json_output) {
			jsonw_start_object(&json_wtr);
			jsonw_string_field(&json_wtr, "rule", rule);
			jsonw_string_field(&json_wtr, "reason", reason);
			jsonw_end_object(&json_wtr);
		} else {
			printf("rule %s disabled itself: %s (an internal inconsistency, see dmesg); its verdict covers only the calls before, 'swapscope reset' judges it again\n",
			       rule, reason);
		}
	}
out:
	if (json_output)
		jsonw_end_array(&json_wtr);
	ss_unload(&f);
}

static void status_json(const struct ss_version *v, const struct probe_row *p,
			const struct probe_summary *sum)
{
	struct json_writer *w = &json_wtr;
	size_t i;

	jsonw_start_object(w);
	status_json_module(v);
	jsonw_name(w, "probes");
	jsonw_start_array(w);
	for (i = 0; i < sum->probes; i++)
		status_json_probe(&p[i]);
	jsonw_end_array(w);
	jsonw_name(w, "summary");
	jsonw_start_object(w);
	jsonw_u64_field(w, "probes", sum->probes);
	jsonw_u64_field(w, "active", sum->active);
	jsonw_u64_field(w, "unavailable", sum->unavailable);
	jsonw_u64_field(w, "nmissed", sum->nmissed);
	jsonw_end_object(w);
	status_failed();
	jsonw_end_object(w);
	jsonw_finish(w);
}

/*
 * The module's own cost, when it was loaded with time_handlers=1: time in
 * each probe's handlers per hit.  Nothing is said without it.
 */
static void status_run_ns(const struct probe_row *p, size_t n)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (!p[i].run_ns || !p[i].hits)
			continue;
		if (!*sep)
			printf("\nhandler time per hit (time_handlers=1):");
		printf("%s %s %" PRIu64 " ns", sep, p[i].probe,
		       p[i].run_ns / p[i].hits);
		sep = ",";
	}
	if (*sep)
		printf("\n");
}

static const unsigned char probe_align[] = {
	TABLE_LEFT, TABLE_LEFT, TABLE_LEFT, TABLE_LEFT,
	TABLE_RIGHT, TABLE_RIGHT, TABLE_LEFT,
};

static void status_plain(const struct ss_version *v, const struct probe_row *p,
			 const struct probe_summary *sum)
{
	struct table t;
	size_t i;

	printf("module  %s (abi %" PRIu64 ", build %s)\n", v->module, v->abi,
	       v->build);
	printf("kernel  %s %s\n\n", v->kernel, v->kernel_version);

	table_init(&t, ARRAY_SIZE(probe_align), probe_align);
	table_add_row(&t);
	table_set(&t, 0, "probe");
	table_set(&t, 1, "symbol");
	table_set(&t, 2, "type");
	table_set(&t, 3, "state");
	table_set(&t, 4, "hits");
	table_set(&t, 5, "nmissed");
	table_set(&t, 6, "reason");
	for (i = 0; i < sum->probes; i++) {
		table_add_row(&t);
		table_set(&t, 0, "%s", p[i].probe);
		table_set(&t, 1, "%s", p[i].symbol);
		table_set(&t, 2, "%s", p[i].type);
		table_set(&t, 3, "%s", p[i].state);
		table_set(&t, 4, "%" PRIu64, p[i].hits);
		table_set(&t, 5, "%" PRIu64, p[i].nmissed);
		table_set(&t, 6, "%s", p[i].reason);
	}
	table_print(&t);
	table_free(&t);
	status_run_ns(p, sum->probes);
	printf("\n%zu of %zu probes unavailable, nmissed total %" PRIu64 "\n",
	       sum->unavailable, sum->probes, sum->nmissed);
}

/*
 * What restricts or hides observation, where the module says (its health
 * file): a scope left set (e.g. by a killed 'swapscope run') and events
 * that went unseen.  Said only when there is something to say.
 */
static void status_health(void)
{
	char *path = xasprintf("%s/health", debugfs_dir);
	struct health h;
	bool readable = !access(path, R_OK);

	free(path);
	if (!readable || health_load(&h))
		return;
	if (strcmp(h.scope, "none"))
		printf("scope: only process %s and its descendants are observed (%" PRIu64
		       " calls of others ignored); 'swapscope run' sets it, writing 'scope none' to the control file lifts it\n",
		       h.scope, h.scope_skipped);
	health_print_unseen(stdout, &h, false);
	if (h.watch_interfered)
		printf("not judged: %" PRIu64
		       " Z4/S4 calls overlapped by another writer of their mm (reclaim, a zap such as the OOM reaper's, migration): by design, not a loss\n",
		       h.watch_interfered);
	ss_unload(&h.file);
}

int do_status(int argc, char **argv)
{
	struct probe_summary sum;
	struct probe_row *rows = NULL;
	struct ss_version v;
	struct ss_file f;
	int ret = SS_EXIT_USAGE;
	size_t i;

	if (cmd_no_options(&argc, &argv, "status"))
		return SS_EXIT_USAGE;
	if (argc) {
		p_err("status takes no arguments, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	if (ss_load(&f, "probes", SS_REC_WORDS))
		goto out_version;
	rows = xcalloc(f.nr, sizeof(*rows));
	for (i = 0; i < f.nr; i++)
		if (probe_parse(&f, &f.rec[i], &rows[i]))
			goto out_probes;
	probe_summarize(rows, f.nr, &sum);
	if (json_output)
		status_json(&v, rows, &sum);
	else
		status_plain(&v, rows, &sum);
	if (!json_output) {
		status_health();
		status_failed();
	}
	ret = SS_EXIT_OK;
out_probes:
	free(rows);
	ss_unload(&f);
out_version:
	ss_unload(&v.file);
	return ret;
}
