// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * audit.c: "swapscope audit": seed 004's rule C2, every in-use swap slot's
 * count against the PTEs and shmem owner that reference it, through the
 * module's audit file: write "run", read the result back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

/* The summary line's figures, in the module's order (swapscope.h). */
#define AUDIT_KEYS(X)							\
	X(SLOTS, "slots") X(REFERENCED, "referenced") X(LEAKS, "leaks")	\
	X(OVERCOUNTS, "overcounts") X(UNDERCOUNTS, "undercounts")	\
	X(SHMEM_OWNED, "shmem_owned") X(SKIPPED_BUSY, "skipped_busy")	\
	X(DURATION_MS, "duration_ms") X(DEVICES, "devices") X(MMS, "mms") \
	X(SHMEM_INODES, "shmem_inodes") X(RECHECKED, "rechecked")	\
	X(SWAP_MAP_SHMEM, "swap_map_shmem") X(STRAY_REFS, "stray_refs")	\
	X(DROPPED, "dropped")

enum audit_key {
#define X(id, name) AK_##id,
	AUDIT_KEYS(X)
#undef X
	AK_NR
};

static const char *const audit_key_names[] = {
#define X(id, name) name,
	AUDIT_KEYS(X)
#undef X
};
_Static_assert(ARRAY_SIZE(audit_key_names) == AK_NR, "audit keys");

/* A slot whose count differs from its referents. */
struct audit_slot {
	uint64_t type;
	uint64_t offset;
	uint64_t swap_map;
	uint64_t count;
	uint64_t ptes;
	uint64_t shmem;
	const char *verdict;	/* leak, overcount, undercount */
	const char *owner;	/* pid:comm@0xaddr, shmem:INO or "-" */
};

struct audit {
	uint64_t v[AK_NR];
	struct audit_slot *slots;
	size_t nr_slots;
};

/* ------------------------------------------------------------------ */
/* parsing                                                             */
/* ------------------------------------------------------------------ */

static int audit_parse_slot(struct ss_file *f, const struct ss_record *r,
			    struct audit_slot *s)
{
	if (ss_rec_u64(f, r, "type", &s->type) ||
	    ss_rec_u64(f, r, "offset", &s->offset) ||
	    ss_rec_x64(f, r, "swap_map", &s->swap_map) ||
	    ss_rec_u64(f, r, "count", &s->count) ||
	    ss_rec_u64(f, r, "ptes", &s->ptes) ||
	    ss_rec_u64(f, r, "shmem", &s->shmem) ||
	    ss_rec_str(f, r, "verdict", &s->verdict) ||
	    ss_rec_str(f, r, "owner", &s->owner))
		return ss_bad_record(f);
	return 0;
}

/* @a points into @f, which must outlive it. */
static int audit_parse(struct ss_file *f, struct audit *a)
{
	const struct ss_record *r = ss_file_find(f, "audit");
	const char *state;
	size_t i;

	if (!r) {
		snprintf(f->err, sizeof(f->err), "%s: no audit= line", f->name);
		return ss_bad_record(f);
	}
	state = ss_rec_get(r, "audit");
	if (strcmp(state, "done")) {
		p_err("%s: no audit result after the run (audit=%.20s)",
		      f->name, state);
		return -1;
	}
	for (i = 0; i < AK_NR; i++)
		if (ss_rec_u64(f, r, audit_key_names[i], &a->v[i]))
			return ss_bad_record(f);
	a->slots = xcalloc(f->nr, sizeof(*a->slots));
	for (i = 0; i < f->nr; i++) {
		const struct ss_record *s = &f->rec[i];

		if (!s->tag || strcmp(s->tag, "slot"))
			continue;
		if (audit_parse_slot(f, s, &a->slots[a->nr_slots++]))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* output                                                              */
/* ------------------------------------------------------------------ */

static uint64_t audit_bad(const struct audit *a)
{
	return a->v[AK_LEAKS] + a->v[AK_OVERCOUNTS] + a->v[AK_UNDERCOUNTS];
}

static void audit_json(const struct audit *a)
{
	struct json_writer *w = &json_wtr;
	size_t i;

	jsonw_start_object(w);
	for (i = 0; i < AK_NR; i++)
		if (i != AK_DROPPED)
			jsonw_u64_field(w, audit_key_names[i], a->v[i]);
	jsonw_name(w, "bad_slots");
	jsonw_start_array(w);
	for (i = 0; i < a->nr_slots; i++) {
		const struct audit_slot *s = &a->slots[i];

		jsonw_start_object(w);
		jsonw_u64_field(w, "type", s->type);
		jsonw_u64_field(w, "offset", s->offset);
		jsonw_u64_field(w, "swap_map", s->swap_map);
		jsonw_u64_field(w, "count", s->count);
		jsonw_u64_field(w, "ptes", s->ptes);
		jsonw_u64_field(w, "shmem", s->shmem);
		jsonw_string_field(w, "verdict", s->verdict);
		if (strcmp(s->owner, "-"))
			jsonw_string_field(w, "owner", s->owner);
		else
			jsonw_null_field(w, "owner");
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_u64_field(w, "dropped", a->v[AK_DROPPED]);
	jsonw_string_field(w, "result", audit_bad(a) ? "fail" : "pass");
	jsonw_end_object(w);
	jsonw_finish(w);
}

static const unsigned char audit_align[] = {
	TABLE_RIGHT, TABLE_RIGHT, TABLE_LEFT, TABLE_RIGHT, TABLE_RIGHT,
	TABLE_RIGHT, TABLE_LEFT, TABLE_LEFT,
};

static void audit_plain_slots(const struct audit *a)
{
	struct table t;
	size_t i;

	if (!a->nr_slots && !a->v[AK_DROPPED])
		return;
	putchar('\n');
	table_init(&t, ARRAY_SIZE(audit_align), audit_align);
	table_add_row(&t);
	table_set(&t, 0, "type");
	table_set(&t, 1, "offset");
	table_set(&t, 2, "swap_map");
	table_set(&t, 3, "count");
	table_set(&t, 4, "ptes");
	table_set(&t, 5, "shmem");
	table_set(&t, 6, "verdict");
	table_set(&t, 7, "owner");
	for (i = 0; i < a->nr_slots; i++) {
		const struct audit_slot *s = &a->slots[i];

		table_add_row(&t);
		table_set(&t, 0, "%" PRIu64, s->type);
		table_set(&t, 1, "%" PRIu64, s->offset);
		table_set(&t, 2, "0x%02" PRIx64, s->swap_map);
		table_set(&t, 3, "%" PRIu64, s->count);
		table_set(&t, 4, "%" PRIu64, s->ptes);
		table_set(&t, 5, "%" PRIu64, s->shmem);
		table_set(&t, 6, "%s", s->verdict);
		table_set(&t, 7, "%s", s->owner);
	}
	table_print(&t);
	table_free(&t);
	if (a->v[AK_DROPPED])
		printf("%" PRIu64 " more not shown\n", a->v[AK_DROPPED]);
}

static void audit_plain(const struct audit *a)
{
	const uint64_t *v = a->v;
	uint64_t bad = audit_bad(a);

	printf("slots       %" PRIu64 " in use on %" PRIu64 " device%s, %" PRIu64 " referenced\n",
	       v[AK_SLOTS], v[AK_DEVICES], v[AK_DEVICES] == 1 ? "" : "s",
	       v[AK_REFERENCED]);
	printf("bad         %" PRIu64 " leaks, %" PRIu64 " overcounts, %" PRIu64 " undercounts\n",
	       v[AK_LEAKS], v[AK_OVERCOUNTS], v[AK_UNDERCOUNTS]);
	printf("shmem       %" PRIu64 " slots owned, %" PRIu64 " at SWAP_MAP_SHMEM, in %" PRIu64 " inodes\n",
	       v[AK_SHMEM_OWNED], v[AK_SWAP_MAP_SHMEM], v[AK_SHMEM_INODES]);
	printf("not judged  %" PRIu64 " busy (swap_map changed meanwhile), %" PRIu64 " stray references, %" PRIu64 " recounted\n",
	       v[AK_SKIPPED_BUSY], v[AK_STRAY_REFS], v[AK_RECHECKED]);
	printf("walked      %" PRIu64 " mms in %" PRIu64 " ms\n", v[AK_MMS],
	       v[AK_DURATION_MS]);
	audit_plain_slots(a);
	if (bad)
		printf("\naudit found %" PRIu64 " bad slot%s\n", bad,
		       bad == 1 ? "" : "s");
	else
		printf("\naudit clean: every slot's count matches its referents\n");
}

/* ------------------------------------------------------------------ */
/* the command                                                         */
/* ------------------------------------------------------------------ */

static const char *audit_explain(int err)
{
	if (err == EINVAL)
		return " (the module refused it, see dmesg)";
	return "";
}

int do_audit(int argc, char **argv)
{
	struct audit a = { 0 };
	struct ss_version v;
	struct ss_file f;
	int ret = SS_EXIT_USAGE;

	if (cmd_no_options(&argc, &argv, "audit"))
		return SS_EXIT_USAGE;
	if (argc) {
		p_err("audit takes no arguments, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	ss_unload(&v.file);
	if (ss_write("audit", "run", audit_explain))
		return SS_EXIT_USAGE;
	if (ss_load(&f, "audit", SS_REC_TAGGED))
		return SS_EXIT_USAGE;
	if (audit_parse(&f, &a))
		goto out;
	if (json_output)
		audit_json(&a);
	else
		audit_plain(&a);
	ret = audit_bad(&a) ? SS_EXIT_PROBLEM : SS_EXIT_OK;
out:
	free(a.slots);
	ss_unload(&f);
	return ret;
}
