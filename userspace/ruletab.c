// SPDX-License-Identifier: GPL-2.0 OR MIT
/* ruletab.c: the rules (docs/rules.md) as the CLI names, groups and explains them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "main.h"

/* In enum order, from the header's tables. */
const char *const rule_ids[] = { SS_RULES(SS_X_IDS) };

const char *const rule_seeds[] = {
#define X(id, seed) seed,
	SS_RULES(X)
#undef X
};

const char *const verdict_names[] = { SS_VERDICTS(SS_X_NAMES) };
const char *const rule_state_names[] = { SS_RULE_STATES(SS_X_NAMES) };

_Static_assert(ARRAY_SIZE(rule_state_names) == SS_NR_STATES, "state names");
_Static_assert(ARRAY_SIZE(rule_ids) == SS_NR_RULES, "rule ids");
_Static_assert(ARRAY_SIZE(rule_seeds) == SS_NR_RULES, "rule seeds");
_Static_assert(ARRAY_SIZE(verdict_names) == SS_NR_VERDICTS, "verdict names");

/*
 * A few words on what each rule checks: the titles of docs/rules.md.  Keyed by
 * rule id, so a rule added to the header without words here shows "?" (the
 * unit tests look for that).
 */
static const char *const rule_words[SS_NR_RULES] = {
	[SS_RULE_Z1] = "full zap clears and accounts everything",
	[SS_RULE_Z2] = "mapping zap keeps only private COW state",
	[SS_RULE_Z3] = "teardown leaves zero counters",
	[SS_RULE_Z4] = "accounting matches clearing",
	[SS_RULE_F1] = "a copied swap entry is shared",
	[SS_RULE_F2] = "COW migration entries turn readable",
	[SS_RULE_S1] = "writable implies exclusive",
	[SS_RULE_S2] = "stable writes drop exclusivity",
	[SS_RULE_S3] = "a fresh page is exclusive",
	[SS_RULE_S4] = "swap-in accounting",
	[SS_RULE_U1] = "exclusivity survives swap-out",
	[SS_RULE_U2] = "the access bit does not rescue",
	[SS_RULE_U3] = "swapped shmem leaves a trace",
	[SS_RULE_P1] = "swapped shmem is reported",
	[SS_RULE_P2] = "migration is not swap",
	[SS_RULE_P3] = "a marker is not swap",
	[SS_RULE_C1] = "shmem entries are plain count 1",
	[SS_RULE_C2] = "no leaked or over-counted slots",
	[SS_RULE_C3] = "batched duplicate",
};

/* The paths of docs/rules.md, by the first letter of their rule ids. */
static const struct {
	char letter;
	const char *name;
} rule_groups[] = {
	{ 'Z', "Zap" },
	{ 'F', "Fork" },
	{ 'S', "Swap-in" },
	{ 'U', "Reclaim unmap" },
	{ 'P', "Pagemap" },
	{ 'C', "Swap counts" },
};

int rule_find(const char *id, bool ignore_case)
{
	int r;

	for (r = 0; r < SS_NR_RULES; r++)
		if (ignore_case ? !strcasecmp(id, rule_ids[r]) :
				  !strcmp(id, rule_ids[r]))
			return r;
	return -1;
}

const char *rule_checks(int rule)
{
	if (rule < 0 || rule >= SS_NR_RULES || !rule_words[rule])
		return "?";
	return rule_words[rule];
}

size_t rule_nr_groups(void)
{
	return ARRAY_SIZE(rule_groups) + 1;	/* and "Other" */
}

size_t rule_group(const char *id)
{
	size_t g;

	for (g = 0; g < ARRAY_SIZE(rule_groups); g++)
		if (id[0] == rule_groups[g].letter)
			return g;
	return ARRAY_SIZE(rule_groups);
}

const char *rule_group_name(size_t group)
{
	return group < ARRAY_SIZE(rule_groups) ? rule_groups[group].name :
						 "Other";
}

/* "Z1, Z2, ..., C3", for messages; the caller frees it. */
char *rule_id_list(void)
{
	size_t len = 1;
	char *s;
	int r;

	for (r = 0; r < SS_NR_RULES; r++)
		len += strlen(rule_ids[r]) + 2;
	s = xcalloc(len, 1);
	for (r = 0; r < SS_NR_RULES; r++) {
		if (r)
			strcat(s, ", ");
		strcat(s, rule_ids[r]);
	}
	return s;
}

int rule_state_find(const char *name)
{
	int s;

	for (s = 0; s < SS_NR_STATES; s++)
		if (!strcmp(name, rule_state_names[s]))
			return s;
	return -1;
}

int verdict_find(const char *name)
{
	int v;

	for (v = 0; v < SS_NR_VERDICTS; v++)
		if (!strcmp(name, verdict_names[v]))
			return v;
	return -1;
}
