// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * health.c: the module's health file: what it could not see or judge
 * (each can hide a divergence, so check and run fail on it), its scope
 * and the memory it holds.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "main.h"

/* Counters of unseen events, in the order they are reported. */
const struct unseen_kind unseen_kinds[NR_UNSEEN] = {
	{ "events_dropped",
	  "event records dropped: the events reader was too slow", false },
	{ "watch_full",
	  "calls not judged for Z4/S4: the RSS watch table was full", false },
	{ "walk_truncated",
	  "page-table walks cut short by walk_budget: figures are a floor",
	  false },
	{ "pagemap_watch_busy",
	  "pagemap reads not judged: every reader slot was taken", true },
	{ "pagemap_watch_unseen",
	  "pagemap entries made past every lock-site probe, not judged", true },
};

/* The record of @key (the file has one key a line); NULL, f->err set. */
static const struct ss_record *health_find(struct ss_file *f, const char *key)
{
	const struct ss_record *r = ss_file_find(f, key);

	if (!r)
		snprintf(f->err, sizeof(f->err), "%s: no %s= line", f->name,
			 key);
	return r;
}

static int health_u64(struct ss_file *f, const char *key, uint64_t *val)
{
	const struct ss_record *r = health_find(f, key);

	return r ? ss_rec_u64(f, r, key, val) : -1;
}

/* 0, or -1 with the error reported. */
int health_load(struct health *h)
{
	struct ss_file *f = &h->file;
	const struct ss_record *r;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (ss_load(f, "health", SS_REC_LINE))
		return -1;
	for (i = 0; i < NR_UNSEEN; i++) {
		if (unseen_kinds[i].optional &&
		    !ss_file_find(f, unseen_kinds[i].key))
			continue;
		if (health_u64(f, unseen_kinds[i].key, &h->unseen[i]))
			goto bad;
	}
	r = health_find(f, "scope");
	if (!r || ss_rec_str(f, r, "scope", &h->scope) ||
	    health_u64(f, "nmissed", &h->nmissed) ||
	    health_u64(f, "scope_skipped", &h->scope_skipped) ||
	    health_u64(f, "memory_bytes", &h->memory_bytes))
		goto bad;
	/* Optional: a module before it has no such line. */
	if (ss_file_find(f, "watch_interfered") &&
	    health_u64(f, "watch_interfered", &h->watch_interfered))
		goto bad;
	return 0;
bad:
	ss_bad_record(f);
	ss_unload(f);
	return -1;
}

uint64_t health_unseen_total(const struct health *h)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < NR_UNSEEN; i++)
		sum += h->unseen[i];
	return sum;
}

void health_print_unseen(FILE *fp, const struct health *h, bool allowed)
{
	size_t i;

	for (i = 0; i < NR_UNSEEN; i++)
		if (h->unseen[i])
			fprintf(fp, "unseen%s: %s=%" PRIu64 " (%s): an unseen event can hide a divergence\n",
			       allowed ? " (allowed)" : "", unseen_kinds[i].key,
			       h->unseen[i], unseen_kinds[i].what);
}

void health_json_unseen(const struct health *h)
{
	size_t i;

	jsonw_name(&json_wtr, "unseen");
	jsonw_start_object(&json_wtr);
	for (i = 0; i < NR_UNSEEN; i++)
		jsonw_u64_field(&json_wtr, unseen_kinds[i].key, h->unseen[i]);
	jsonw_end_object(&json_wtr);
}
