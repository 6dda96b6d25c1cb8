// SPDX-License-Identifier: GPL-2.0 OR MIT
/* samples.c: "swapscope samples": the violations the module kept, decoded. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

/* swap_map values of include/linux/swap.h with a name of their own. */
#define SWAP_MAP_BAD	0x3f
#define SWAP_MAP_SHMEM	0xbf

/* One line of "samples": a kept violation, or how many of a rule were dropped. */
struct sample {
	const char *rule;
	unsigned int line;
	bool is_dropped;
	uint64_t dropped;
	uint64_t seq;
	uint64_t pid;
	const char *comm;
	uint64_t addr;
	uint64_t pte_before;
	uint64_t pte_after;
	const char *kind;
	bool has_swp_type, has_swp_offset, has_swap_count;
	uint64_t swp_type;
	uint64_t swp_offset;
	uint64_t swap_count;
	const char *path;	/* the probed function */
	const char *caller;	/* frames separated by ',', "-" for none */
	/* count-based violations: whose mm, which VMA, which counts */
	const char *mm;		/* "PID:COMM", "child-of-PID:COMM", "-"; NULL: absent */
	const char *vma;	/* "0xSTART-0xEND", "-"; NULL: absent */
	const char *count;	/* SS_COUNTS name; NULL: absent */
	int64_t expected, actual;
};

/* ------------------------------------------------------------------ */
/* parsing                                                             */
/* ------------------------------------------------------------------ */

/* A key the module prints only when it knows the value. */
static int opt_u64(struct ss_file *f, const struct ss_record *r,
		   const char *key, bool *has, uint64_t *val)
{
	*has = ss_rec_get(r, key);
	return *has ? ss_rec_u64(f, r, key, val) : 0;
}

static int sample_parse(struct ss_file *f, const struct ss_record *r,
			struct sample *s)
{
	s->line = r->line;
	if (ss_rec_str(f, r, "rule", &s->rule))
		return ss_bad_record(f);
	if (ss_rec_get(r, "dropped")) {
		s->is_dropped = true;
		if (ss_rec_u64(f, r, "dropped", &s->dropped))
			return ss_bad_record(f);
		return 0;
	}
	if (ss_rec_u64(f, r, "seq", &s->seq) ||
	    ss_rec_u64(f, r, "pid", &s->pid) ||
	    ss_rec_str(f, r, "comm", &s->comm) ||
	    ss_rec_x64(f, r, "addr", &s->addr) ||
	    ss_rec_x64(f, r, "pte_before", &s->pte_before) ||
	    ss_rec_x64(f, r, "pte_after", &s->pte_after) ||
	    ss_rec_str(f, r, "kind", &s->kind) ||
	    opt_u64(f, r, "swp_type", &s->has_swp_type, &s->swp_type) ||
	    opt_u64(f, r, "swp_offset", &s->has_swp_offset, &s->swp_offset) ||
	    opt_u64(f, r, "swap_count", &s->has_swap_count, &s->swap_count) ||
	    ss_rec_str(f, r, "path", &s->path) ||
	    ss_rec_str(f, r, "caller", &s->caller))
		return ss_bad_record(f);
	s->mm = ss_rec_get(r, "mm");
	s->vma = ss_rec_get(r, "vma");
	s->count = ss_rec_get(r, "count");
	if (s->count && (ss_rec_s64(f, r, "expected", &s->expected) ||
			 ss_rec_s64(f, r, "actual", &s->actual)))
		return ss_bad_record(f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* decoding                                                            */
/* ------------------------------------------------------------------ */

struct strbuf {
	char *buf;
	size_t len;
	size_t size;
};

static __printf(2, 3) void sb_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n;
}

#if defined(__x86_64__)
/*
 * A PTE as Linux 6.1 lays it out on x86-64 (arch/x86/include/asm/
 * pgtable_types.h, pgtable_64.h, pgtable_64_types.h, pgtable-invert.h).
 */
#define PTE_PRESENT		(1ull << 0)
#define PTE_PROTNONE		(1ull << 8)	/* the global bit, when not present */
#define PTE_KNL_ERRATUM		(3ull << 5)	/* accessed, dirty: pte_none ignores them */
#define PTE_PFN_MASK		0x000ffffffffff000ull
#define SWP_TYPE_BITS		5
#define SWP_OFFSET_SHIFT	(8 + 1 + SWP_TYPE_BITS)

static const struct {
	unsigned int bit;
	const char *name;
} present_bits[] = {
	{ 1, "rw" }, { 2, "user" }, { 3, "pwt" }, { 4, "pcd" },
	{ 5, "accessed" }, { 6, "dirty" }, { 7, "pat" }, { 8, "global" },
	{ 9, "special" }, { 10, "uffd-wp" }, { 11, "soft-dirty" },
	{ 58, "devmap" }, { 63, "nx" },
}, swap_bits[] = {
	/* _PAGE_SWP_SOFT_DIRTY, _PAGE_SWP_UFFD_WP, _PAGE_SWP_EXCLUSIVE */
	{ 1, "soft-dirty" }, { 2, "uffd-wp" }, { 3, "exclusive" },
};

static bool pte_decode(uint64_t pte, struct strbuf *sb)
{
	size_t i;

	if (!(pte & ~PTE_KNL_ERRATUM)) {
		sb_add(sb, "none");
		return true;
	}
	if (pte & (PTE_PRESENT | PTE_PROTNONE)) {
		bool protnone = !(pte & PTE_PRESENT);
		/* L1TF: the PFN of a PROT_NONE entry is stored inverted. */
		uint64_t pfn = ((protnone ? ~pte : pte) & PTE_PFN_MASK) >> 12;

		sb_add(sb, "%s pfn=0x%" PRIx64, protnone ? "protnone" : "present",
		       pfn);
		for (i = 0; i < ARRAY_SIZE(present_bits); i++)
			if (pte & 1ull << present_bits[i].bit &&
			    !(protnone && present_bits[i].bit == 8))
				sb_add(sb, " %s", present_bits[i].name);
		return true;
	}
	/* Swap format: type on top, the offset inverted below it (L1TF). */
	sb_add(sb, "swp type=%" PRIu64 " offset=%" PRIu64,
	       pte >> (64 - SWP_TYPE_BITS),
	       (~pte << SWP_TYPE_BITS) >> SWP_OFFSET_SHIFT);
	for (i = 0; i < ARRAY_SIZE(swap_bits); i++)
		if (pte & 1ull << swap_bits[i].bit)
			sb_add(sb, " %s", swap_bits[i].name);
	return true;
}
#else
/* The layout is the architecture's: only x86-64's is known here. */
static bool pte_decode(uint64_t pte, struct strbuf *sb)
{
	(void)pte;
	(void)sb;
	return false;
}
#endif

/* NULL when this architecture's PTEs are not decoded; the caller frees it. */
static char *pte_text(uint64_t pte)
{
	char buf[256];
	struct strbuf sb = { buf, 0, sizeof(buf) };

	if (!pte_decode(pte, &sb))
		return NULL;
	return xasprintf("%s", buf);
}

static const char *swap_count_name(uint64_t count)
{
	if (count == SWAP_MAP_SHMEM)
		return " (SWAP_MAP_SHMEM)";
	if (count == SWAP_MAP_BAD)
		return " (SWAP_MAP_BAD)";
	return "";
}

/* ------------------------------------------------------------------ */
/* output                                                              */
/* ------------------------------------------------------------------ */

static void json_opt_u64(const char *name, bool has, uint64_t v)
{
	if (has)
		jsonw_u64_field(&json_wtr, name, v);
	else
		jsonw_null_field(&json_wtr, name);
}

static void json_pte(const char *name, uint64_t pte)
{
	char *text = pte_text(pte), *key = xasprintf("%s_decoded", name);

	jsonw_x64_field(&json_wtr, name, pte);
	if (text)
		jsonw_string_field(&json_wtr, key, text);
	else
		jsonw_null_field(&json_wtr, key);
	free(key);
	free(text);
}

static void json_caller(const char *caller)
{
	struct json_writer *w = &json_wtr;
	const char *p = caller;

	jsonw_name(w, "caller");
	jsonw_start_array(w);
	while (strcmp(caller, "-") && *p) {
		size_t n = strcspn(p, ",");
		char *frame = xasprintf("%.*s", (int)n, p);

		if (n)
			jsonw_string(w, frame);
		free(frame);
		p += n + !!p[n];
	}
	jsonw_end_array(w);
}

static void sample_json(const struct sample *s)
{
	struct json_writer *w = &json_wtr;

	jsonw_start_object(w);
	jsonw_string_field(w, "rule", s->rule);
	if (s->is_dropped) {
		jsonw_u64_field(w, "dropped", s->dropped);
		jsonw_end_object(w);
		return;
	}
	jsonw_u64_field(w, "seq", s->seq);
	jsonw_u64_field(w, "pid", s->pid);
	jsonw_string_field(w, "comm", s->comm);
	jsonw_x64_field(w, "addr", s->addr);
	jsonw_string_field(w, "kind", s->kind);
	json_opt_u64("swp_type", s->has_swp_type, s->swp_type);
	json_opt_u64("swp_offset", s->has_swp_offset, s->swp_offset);
	json_opt_u64("swap_count", s->has_swap_count, s->swap_count);
	json_pte("pte_before", s->pte_before);
	json_pte("pte_after", s->pte_after);
	jsonw_string_field(w, "path", s->path);
	json_caller(s->caller);
	if (s->mm && strcmp(s->mm, "-"))
		jsonw_string_field(w, "mm", s->mm);
	else
		jsonw_null_field(w, "mm");
	if (s->vma && strcmp(s->vma, "-"))
		jsonw_string_field(w, "vma", s->vma);
	else
		jsonw_null_field(w, "vma");
	if (s->count) {
		jsonw_string_field(w, "count", s->count);
		jsonw_s64_field(w, "expected", s->expected);
		jsonw_s64_field(w, "actual", s->actual);
	} else {
		jsonw_null_field(w, "count");
	}
	jsonw_end_object(w);
}

static void plain_pte(const char *name, uint64_t pte)
{
	char *text = pte_text(pte);

	printf("  %-10s  0x%" PRIx64, name, pte);
	if (text)
		printf(" (%s)", text);
	putchar('\n');
	free(text);
}

static void plain_caller(const char *caller)
{
	const char *p = caller, *label = "caller";
	bool any = false;

	while (strcmp(caller, "-") && *p) {
		size_t n = strcspn(p, ",");

		if (n) {
			printf("  %-10s  %.*s\n", label, (int)n, p);
			label = "";
			any = true;
		}
		p += n + !!p[n];
	}
	if (!any)
		printf("  %-10s  -\n", label);
}

static void sample_plain(const struct sample *s)
{
	if (s->is_dropped) {
		printf("%s: %" PRIu64 " older samples dropped\n", s->rule,
		       s->dropped);
		return;
	}
	printf("%s  seq %" PRIu64 "  pid %" PRIu64 "  comm %s  addr 0x%" PRIx64
	       "\n", s->rule, s->seq, s->pid, s->comm, s->addr);
	printf("  %-10s  %s\n", "kind", s->kind);
	if (s->has_swp_type)
		printf("  %-10s  %" PRIu64 "\n", "swp_type", s->swp_type);
	if (s->has_swp_offset)
		printf("  %-10s  %" PRIu64 "\n", "swp_offset", s->swp_offset);
	if (s->has_swap_count)
		printf("  %-10s  %" PRIu64 "%s\n", "swap_count", s->swap_count,
		       swap_count_name(s->swap_count));
	plain_pte("pte_before", s->pte_before);
	plain_pte("pte_after", s->pte_after);
	if (s->mm)
		printf("  %-10s  %s\n", "mm", s->mm);
	if (s->vma)
		printf("  %-10s  %s\n", "vma", s->vma);
	if (s->count)
		printf("  %-10s  %s: expected %" PRId64 ", actual %" PRId64
		       "\n", "count", s->count, s->expected, s->actual);
	printf("  %-10s  %s\n", "path", s->path);
	plain_caller(s->caller);
}

static void samples_print(const struct sample *s, size_t n, int rule)
{
	size_t i, shown = 0;

	if (json_output)
		jsonw_start_array(&json_wtr);
	for (i = 0; i < n; i++) {
		if (rule >= 0 && strcmp(s[i].rule, rule_ids[rule]))
			continue;
		if (json_output) {
			sample_json(&s[i]);
		} else {
			if (shown)
				putchar('\n');
			sample_plain(&s[i]);
		}
		shown++;
	}
	if (json_output) {
		jsonw_end_array(&json_wtr);
		jsonw_finish(&json_wtr);
	} else if (!shown && rule >= 0) {
		printf("no samples kept for %s\n", rule_ids[rule]);
	} else if (!shown) {
		printf("no samples kept\n");
	}
}

/* RULE, as the user typed it; -1 for every rule. */
static int samples_rule(int argc, char **argv, int *rule)
{
	char *list;

	*rule = -1;
	if (argc > 1) {
		p_err("samples takes at most one rule, got '%s' and '%s'",
		      argv[0], argv[1]);
		return -1;
	}
	if (!argc)
		return 0;
	*rule = rule_find(argv[0], true);
	if (*rule >= 0)
		return 0;
	list = rule_id_list();
	p_err("unknown rule '%s': the rules are %s", argv[0], list);
	free(list);
	return -1;
}

int do_samples(int argc, char **argv)
{
	struct sample *samples = NULL;
	struct ss_version v;
	struct ss_file f;
	int ret = SS_EXIT_USAGE, rule;
	size_t i;

	if (cmd_no_options(&argc, &argv, "samples") ||
	    samples_rule(argc, argv, &rule))
		return SS_EXIT_USAGE;
	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	if (ss_load(&f, "samples", SS_REC_WORDS))
		goto out_version;
	samples = xcalloc(f.nr, sizeof(*samples));
	for (i = 0; i < f.nr; i++)
		if (sample_parse(&f, &f.rec[i], &samples[i]))
			goto out_samples;
	samples_print(samples, f.nr, rule);
	ret = SS_EXIT_OK;
out_samples:
	free(samples);
	ss_unload(&f);
out_version:
	ss_unload(&v.file);
	return ret;
}
