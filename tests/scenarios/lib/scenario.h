/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * scenario.h: snapshots and /proc readers for the scenarios; their TAP
 * output is tap.h's, their file reading kv.h's (tests/lib).
 */
#ifndef SWAPSCOPE_SCENARIO_H
#define SWAPSCOPE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "kv.h"
#include "swapscope.h"
#include "tap.h"

#define SC_PAGE		4096UL
#define SC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SC_ORACLE_GROUP	"ssoracle"

#ifndef MADV_COLD
#define MADV_COLD	20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/* pagemap bits, Documentation/admin-guide/mm/pagemap.rst */
#define SC_PM_SOFT_DIRTY	(1ULL << 55)
#define SC_PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define SC_PM_UFFD_WP		(1ULL << 57)
#define SC_PM_FILE		(1ULL << 61)
#define SC_PM_SWAP		(1ULL << 62)
#define SC_PM_PRESENT		(1ULL << 63)

/* ---- start --------------------------------------------------------- */

/* sc_begin() flags */
#define SC_NO_PIN	(1U << 0)	/* do not pin the process to CPU 0 */

/*
 * Start a scenario: tap_begin() (line-buffered stdout; its end is
 * tap_end()), check the module is loaded (bail out if not), pin to CPU 0 so
 * per-cpu LRU batches are drained by MADV_PAGEOUT's lru_add_drain(), and
 * turn NUMA balancing off (its hinting faults and PROT_NONE PTEs would
 * change the figures) until exit.
 */
void sc_begin(const char *name, unsigned int flags);

/* ---- names from the shared header ------------------------------------ */

extern const char *const sc_path_names[SS_NR_PATHS];
extern const char *const sc_phase_names[SS_NR_PHASES];
extern const char *const sc_counter_names[SS_NR_COUNTERS];
extern const char *const sc_probe_names[SS_NR_PROBES];

/* ---- snapshots -------------------------------------------------------- */

struct sc_snap {
	/* module: probes file */
	uint64_t hits[SS_NR_PROBES];
	uint64_t nmissed[SS_NR_PROBES];
	bool active[SS_NR_PROBES];
	/* module: stats file */
	uint64_t st[SS_NR_PATHS][SS_NR_PHASES][SS_NR_COUNTERS];
	bool st_seen[SS_NR_PATHS][SS_NR_PHASES];
	/* oracle: tracefs kprobe_profile */
	uint64_t ohits[SS_NR_PROBES];
	uint64_t omissed[SS_NR_PROBES];
	bool oseen[SS_NR_PROBES];
	unsigned int tries;	/* reads needed for a consistent snapshot */
	bool consistent;
};

/*
 * Consistent snapshot of the module's probes and stats and the oracle:
 * module, oracle, module again, retried until both module reads agree, so
 * no probed function ran in between.  No malloc or mmap on this path
 * (munmap would itself be a zap): static buffers and plain read(2).
 */
void sc_snap(struct sc_snap *s);

uint64_t sc_d_stat(const struct sc_snap *a, const struct sc_snap *b,
		   enum ss_path path, enum ss_phase phase, enum ss_counter cnt);
uint64_t sc_d_hits(const struct sc_snap *a, const struct sc_snap *b,
		   enum ss_probe probe);
uint64_t sc_d_ohits(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_probe probe);
bool sc_oracle_available(void);

#define SC_PROBE_BIT(p)	(1U << SS_PROBE_##p)
#define SC_ALL_PROBES	((1U << SS_NR_PROBES) - 1)

/*
 * For each probe in @mask, one check: module hits delta == oracle hits
 * delta, no misses on either side, and the module's own books agree
 * (unmap_page_range hits == zap_full + zap_mapping calls, fork/swapin/
 * reclaim hits == their before calls).  Without the oracle's events the
 * comparison is one "skip" line and the rest is still checked.
 */
void sc_expect_hits_match(const struct sc_snap *a, const struct sc_snap *b,
			  unsigned int mask, const char *ctx);
/* Module hits delta of @probe is exactly @n (oracle checked by the above). */
void sc_expect_hits(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_probe probe, uint64_t n, const char *ctx);
/* "ok - ctx: path phase.counter = n" */
bool sc_expect_stat(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_path path, enum ss_phase phase, enum ss_counter cnt,
		    uint64_t expected, const char *ctx);
/* One expected counter delta, for tables of them. */
struct sc_want {
	enum ss_path path;
	enum ss_phase phase;
	enum ss_counter cnt;
	uint64_t val;
};
#define SC_WANT(path, phase, cnt, val) \
	{ SS_PATH_##path, SS_PHASE_##phase, SS_CNT_##cnt, (val) }
void sc_expect_stats(const struct sc_snap *a, const struct sc_snap *b,
		     const struct sc_want *want, size_t n, const char *ctx);
#define SC_EXPECT_STATS(a, b, want, ctx) \
	sc_expect_stats(a, b, want, sizeof(want) / sizeof((want)[0]), ctx)
/* Set one counter's wanted delta (it must be listed; bails if not). */
void sc_want_stat(struct sc_want *w, size_t n, enum ss_path path,
		  enum ss_phase phase, enum ss_counter cnt, uint64_t v);
#define SC_SET_STAT(want, path, phase, cnt, v)				\
	sc_want_stat(want, sizeof(want) / sizeof((want)[0]), SS_PATH_##path, \
		     SS_PHASE_##phase, SS_CNT_##cnt, (v))

/*
 * The checks of a window that runs one path: every probe's hits as the
 * oracle saw them (sc_expect_hits_match), @probe hit @n times, @want's
 * counter deltas, then @path's deltas as diagnostics (sc_diag_path).
 */
void sc_expect_path(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_probe probe, uint64_t n, const struct sc_want *want,
		    size_t nwant, enum ss_path path, const char *ctx);
#define SC_EXPECT_PATH(a, b, probe, n, want, path, ctx)			\
	sc_expect_path(a, b, SS_PROBE_##probe, n, want, SC_ARRAY_SIZE(want), \
		       SS_PATH_##path, ctx)
/* Print the non-zero counter deltas of @path: "# ctx: path phase k=v ...". */
void sc_diag_path(const struct sc_snap *a, const struct sc_snap *b,
		  enum ss_path path, const char *ctx);
/* Sum of the three migration kinds of (path, phase). */
uint64_t sc_d_migration(const struct sc_snap *a, const struct sc_snap *b,
			enum ss_path path, enum ss_phase phase);

/* ---- /proc readers (static buffers, no malloc) ------------------------ */

/* A /proc/vmstat counter, UINT64_MAX if absent. */
uint64_t sc_vmstat(const char *key);
/* A "Key:   N kB" line of /proc/PID/status (pid 0: self), -1 if absent. */
long sc_status_kb(pid_t pid, const char *key);
/* Sum of a "Key: N kB" smaps field over the VMAs overlapping [start,end). */
long sc_smaps_kb(pid_t pid, const void *start, size_t len, const char *key);
/* VMAs in the mm (maps lines, without the [vsyscall] gate area). */
int sc_vma_count(pid_t pid);

struct sc_pm {
	size_t pages;
	size_t present;
	size_t swapped;		/* PM_SWAP */
	size_t none;		/* neither PRESENT nor SWAP */
	size_t uffd_wp;
	size_t file;
	size_t exclusive;
};
/* Count pagemap flags of npages pages from addr; 0 or -errno. */
int sc_pagemap(pid_t pid, const void *addr, size_t npages, struct sc_pm *pm);
/* Raw pagemap entry of one page, 0 on error. */
uint64_t sc_pagemap_entry(pid_t pid, const void *addr);

/* ---- memory helpers -------------------------------------------------- */

/* Anonymous private mapping of npages, MADV_NOHUGEPAGE; bails on failure. */
void *sc_map_anon(size_t npages);
/* Word j of page i for a given seed: distinct per page and per word. */
uint64_t sc_pattern(uint64_t seed, size_t page, size_t word);
void sc_fill(void *p, size_t npages, uint64_t seed);
/* Pages in [first, first+count) whose content is not the pattern. */
size_t sc_verify(const void *p, size_t first, size_t count, uint64_t seed);
/* First access to each page a read of word 0. */
void sc_touch_read(const void *p, size_t first, size_t count);
/* First access to each page a store of its own pattern word 0. */
void sc_touch_write(void *p, size_t first, size_t count, uint64_t seed);
/*
 * Flush this task's cached RSS deltas (faults count MM_SWAPENTS etc. in a
 * per-task cache synced every 64 faults) into the mm, so VmSwap/VmRSS are
 * exact.  It zaps a scratch page: never call it between two snapshots.
 */
void sc_sync_rss(void);
/* madvise(MADV_PAGEOUT); 0 or -errno. */
int sc_pageout(void *p, size_t npages);
/* Whether NUMA node @node has memory. */
bool sc_node_exists(int node);
/* move_pages(2) on this process (libc has no wrapper). */
long sc_move_pages(size_t count, void **pages, const int *nodes, int *status,
		   int flags);
/*
 * Move the @npages pages at @p to node @node (MPOL_MF_MOVE): the number
 * that ended there.  For a thread racing migrations against a reader.
 */
size_t sc_move_region(char *p, size_t npages, int node);
/* Pin the calling thread to @cpu. */
void sc_pin_thread(int cpu);
/*
 * The running kernel's series as VERSION * 1000 + PATCHLEVEL (6.1: 6001,
 * 6.12: 6012), from uname; the scenarios' figures differ per kernel
 * where its source says so, and each such place names why.
 */
int sc_kernel(void);
#define SC_KERNEL(v, p)	((v) * 1000 + (p))
/*
 * Kernel differences the scenarios' figures follow, each read in the
 * source of both supported kernels:
 * - a forced page-out (MADV_PAGEOUT) clears the young bits of the PTEs it
 *   targets on 6.1 (madvise_cold_or_pageout_pte_range); since 6.10 it
 *   leaves them, so try_to_unmap_one() unmaps young PTEs: U2's impact
 *   counts each such call;
 * - 6.12's do_swap_page() maps an exclusive page writable on a read fault
 *   too, in a VMA with VM_WRITE (not uffd-wp, no soft-dirty tracking);
 *   6.1 only on a write fault.
 */
bool sc_pageout_leaves_young(void);
bool sc_swapin_read_maps_writable(void);

#endif /* SWAPSCOPE_SCENARIO_H */
