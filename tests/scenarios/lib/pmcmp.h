/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * pmcmp.h: the module's pagemap comparison (its "pagemap" file), as
 * scenarios 09-pagemap and 11-seed002-criu drive it: write "PID START END",
 * read back one summary line of key=value figures, the page lines of the
 * mismatching pages (at most SC_PMCMP_MAX_LINES) and "dropped=N" for the
 * rest.
 */
#ifndef SWAPSCOPE_SC_PMCMP_H
#define SWAPSCOPE_SC_PMCMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scenario.h"

#define SC_PMCMP_FILE		SWAPSCOPE_DEBUGFS_DIR "/pagemap"
#define SC_PMCMP_MAX_LINES	64	/* page lines the module keeps */

/* Keys of the summary line, by name (new keys may come). */
#define SC_PMCMP_KEYS(X)						\
	X(PAGES, "pages") X(PRESENT, "present") X(SWAP, "swap")		\
	X(SHMEM_SWAPPED, "shmem_swapped") X(MIGRATION, "migration")	\
	X(MARKERS, "markers") X(P1_OBS, "p1_obs") X(P1_VIOL, "p1_viol")	\
	X(P2_OBS, "p2_obs") X(P2_VIOL, "p2_viol") X(P3_OBS, "p3_obs")	\
	X(P3_VIOL, "p3_viol") X(P1_IMPACT, "p1_impact") X(NONE, "none")	\
	X(UNMAPPED, "unmapped") X(HUGE, "huge") X(OTHER, "other")	\
	X(MIGRATION_HELD, "migration_held") X(MISMATCHES, "mismatches")	\
	X(ERR, "err") X(PID, "pid") X(START, "start") X(END, "end")

enum sc_pmcmp_key {
#define SC_X_PMK(id, name) PMK_##id,
	SC_PMCMP_KEYS(SC_X_PMK)
#undef SC_X_PMK
	PMK_NR
};

extern const char *const sc_pmcmp_key_names[PMK_NR];

struct sc_pmcmp {
	char state[16];			/* the summary's pagemap= */
	uint64_t v[PMK_NR];
	bool seen[PMK_NR];
	unsigned int lines;		/* "page ..." lines */
	const char *page[SC_PMCMP_MAX_LINES];	/* them, in the file's */
	size_t page_len[SC_PMCMP_MAX_LINES];	/* buffer: until the next read */
	uint64_t dropped;
	char summary[640];		/* the summary line, as read */
	char first[256];		/* the first page line */
};

/* Compare @pid's pages [p, p + npages); 0 or -errno of the write. */
int sc_pmcmp_run(pid_t pid, const void *p, size_t npages);
/* Read the last comparison's result; 0 or -errno. */
int sc_pmcmp_read(struct sc_pmcmp *s);
/* The page lines (of those kept) containing @what and, unless NULL, @and. */
unsigned int sc_pmcmp_lines_with(const struct sc_pmcmp *s, const char *what,
				 const char *and);

/* An expected summary figure, for tables of them. */
struct sc_pmcmp_want {
	enum sc_pmcmp_key key;
	uint64_t val;
};
/* One check per figure: "ctx: key = val". */
void sc_pmcmp_expect(const struct sc_pmcmp *s, const struct sc_pmcmp_want *w,
		     size_t n, const char *ctx);

#endif /* SWAPSCOPE_SC_PMCMP_H */
