// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 09-pagemap: /proc/self/pagemap against the kernel's own state of each
 * page, through swapscope's debugfs "pagemap" file (seed 002, P1-P3).
 *
 * Writing "PID START END" there makes the module read each page's PTE (and,
 * for a shmem VMA, the swap entry in the mapping's xarray) and then the
 * real /proc/PID/pagemap of the same range, and judge each entry.
 *
 * Expected figures, from Debian's 6.1 source:
 * - N written pages of a MAP_SHARED|MAP_ANONYMOUS mapping, then of a memfd,
 *   MADV_PAGEOUT: try_to_unmap_one() clears each PTE and leaves pte_none
 *   (no marker for shmem on 6.1), shmem_writepage() stores the swap entry
 *   in the xarray (swp_to_radix_entry).  pagemap_pmd_range() passes the
 *   none PTE to pte_to_pagemap_entry(), which sets neither PM_PRESENT nor
 *   PM_SWAP (only PM_SOFT_DIRTY from the VMA's VM_SOFTDIRTY): truth
 *   shmem_swapped = N, P1 observed N times, violated N times (impact N).
 * - uffd-wp (UFFD_FEATURE_WP_HUGETLBFS_SHMEM) over K written + M never
 *   populated shmem pages: change_pte_range() puts a PTE_MARKER_UFFD_WP in
 *   the M none PTEs; pte_to_pagemap_entry() takes a marker for a swap PTE
 *   (is_swap_pte: !none && !present) and sets PM_SWAP | PM_UFFD_WP: P3
 *   observed M times, violated M times.
 * - MADV_PAGEOUT of the K protected pages: the PTE becomes a marker again
 *   (pte_install_uffd_wp_if_needed) and the page goes to swap.  pagemap
 *   says PM_SWAP, by way of the marker: P1 observed K times, not violated,
 *   no impact (this is what seed 002's proposal would do for every page).
 * - P2 is best effort: a thread migrates pages between nodes 0 and 1 while
 *   the comparison loops; a migration entry lives microseconds, so what was
 *   caught is printed, not asserted (6.1 reports every one as PM_SWAP).
 * - Bad writes fail with EINVAL (E2BIG when too long, ESRCH for no such
 *   process) and leave the last comparison as it was.
 * - The rules file: every read of pagemap is judged as the kernel makes
 *   its entries (module/pmwatch.c), the comparison's own reads and ours
 *   (sc_pagemap) alike, and the comparison does not count its pages a
 *   second time.  P1: 2N + K from the comparisons, 2N from our own two
 *   reads of swapped shmem (impact: every page told wrong).  P3: 2M.
 *   P2: at least what the comparisons proved (a migration entry still
 *   there afterwards), since the watch judges each one under the PTE
 *   lock the entry was made under; every one diverges.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mempolicy.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pmcmp.h"
#include "rules.h"
#include "scenario.h"

#define N		256UL	/* shmem pages swapped out, per mapping kind */
#define K		64UL	/* uffd-wp: written, protected, then swapped */
#define M		192UL	/* uffd-wp: never populated: markers */
#define R		64UL	/* migration: private anon pages moved */
#define RACE_SECONDS	3

#define CONTROL_FILE	SWAPSCOPE_DEBUGFS_DIR "/control"
#define SAMPLES_FILE	SWAPSCOPE_DEBUGFS_DIR "/samples"

/* One comparison whose figures are asserted; bails if it cannot run. */
static void pm_run(const char *ctx, const void *p, size_t npages,
		   struct sc_pmcmp *s)
{
	int ret = sc_pmcmp_run(getpid(), p, npages);

	if (ret)
		tap_bail("%s: write %s: %s", ctx, SC_PMCMP_FILE, strerror(-ret));
	if (sc_pmcmp_read(s))
		tap_bail("%s: read %s", ctx, SC_PMCMP_FILE);
	EXPECT_TRUE(!strcmp(s->state, "done") && s->seen[PMK_PAGES] &&
		    s->seen[PMK_P3_VIOL] &&
		    s->v[PMK_PID] == (uint64_t)getpid() &&
		    s->v[PMK_START] == (uintptr_t)p &&
		    s->v[PMK_END] == (uintptr_t)p + npages * SC_PAGE,
		    "%s: pagemap=%s for our pid and range", ctx, s->state);
	EXPECT_EQ(npages, s->v[PMK_PAGES], "%s: pages compared", ctx);
}

#define PM_EXPECT(ctx, s, ...) do {					\
	const struct sc_pmcmp_want w_[] = { __VA_ARGS__ };		\
	sc_pmcmp_expect(s, w_, SC_ARRAY_SIZE(w_), ctx);			\
} while (0)

/* Lines kept for @mismatches mismatching pages: all match @what. */
static void pm_expect_lines(const char *ctx, const struct sc_pmcmp *s,
			    uint64_t mismatches, const char *what)
{
	uint64_t kept = mismatches < SC_PMCMP_MAX_LINES ? mismatches :
			SC_PMCMP_MAX_LINES;

	EXPECT_EQ(kept, s->lines, "%s: page lines kept", ctx);
	EXPECT_EQ(kept, sc_pmcmp_lines_with(s, what, NULL),
		  "%s: page lines with '%s'", ctx, what);
	EXPECT_EQ(mismatches - kept, s->dropped, "%s: page lines dropped", ctx);
}

/* ---- P1: shmem pages swapped out while mapped ---- */

static void shmem_swapped(const char *kind, char *p, uint64_t seed)
{
	static const char *const want[] = {
		"truth=shmem_swapped pagemap=0x", " present=0 swap=0 ",
	};
	struct sc_pmcmp s;
	struct sc_pm pm;
	char ctx[64];

	sc_fill(p, N, seed);
	snprintf(ctx, sizeof(ctx), "%s resident", kind);
	pm_run(ctx, p, N, &s);
	PM_EXPECT(ctx, &s, { PMK_PRESENT, N }, { PMK_SHMEM_SWAPPED, 0 },
		  { PMK_P1_OBS, 0 }, { PMK_MISMATCHES, 0 });

	if (sc_pageout(p, N))
		tap_bail("%s: madvise(MADV_PAGEOUT): %s", kind, strerror(errno));
	snprintf(ctx, sizeof(ctx), "%s swapped out", kind);
	/* Independent of the module: shmem_swap_usage() counts them. */
	EXPECT_EQ(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);
	pm_run(ctx, p, N, &s);
	PM_EXPECT(ctx, &s, { PMK_PRESENT, 0 }, { PMK_SWAP, 0 },
		  { PMK_SHMEM_SWAPPED, N }, { PMK_MARKERS, 0 },
		  { PMK_P1_OBS, N }, { PMK_P1_VIOL, N }, { PMK_P1_IMPACT, N },
		  { PMK_P3_OBS, 0 }, { PMK_MISMATCHES, N });
	tap_diag("%s: %s", ctx, s.summary);
	tap_diag("%s: %s", ctx, s.first);
	pm_expect_lines(ctx, &s, N, want[0]);
	EXPECT_EQ(s.lines, sc_pmcmp_lines_with(&s, want[1], NULL),
		  "%s: page lines say present=0 swap=0", ctx);
	/* Our own read of /proc/self/pagemap agrees with the module's. */
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.none,
			  "%s: own pagemap read: neither present nor swap", ctx);
	else
		tap_fail("%s: read /proc/self/pagemap", ctx);
	EXPECT_EQ(0, sc_verify(p, 0, N, seed), "%s: data intact", kind);
}

/* ---- P3 (and P1 through a marker): uffd-wp on shmem ---- */

static bool uffd_markers(void)
{
	static const char *const want[] = { "truth=uffd_wp_marker pagemap=0x" };
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
	};
	struct uffdio_register reg = { 0 };
	struct uffdio_writeprotect wp = { 0 };
	struct sc_pmcmp s;
	bool done = false;
	int uffd;
	char *p;

	p = mmap(NULL, (K + M) * SC_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	sc_fill(p, K, 0x0909);
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		tap_skip(strerror(errno), "P3: uffd-wp on shmem");
		goto out;
	}
	reg.range.start = (uintptr_t)p;
	reg.range.len = (K + M) * SC_PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    !(reg.ioctls & (1ULL << _UFFDIO_WRITEPROTECT))) {
		tap_skip("no UFFDIO_WRITEPROTECT on shmem", "P3: uffd-wp");
		goto out;
	}
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
		tap_bail("UFFDIO_WRITEPROTECT: %s", strerror(errno));

	pm_run("uffd-wp", p, K + M, &s);
	PM_EXPECT("uffd-wp", &s, { PMK_PRESENT, K }, { PMK_MARKERS, M },
		  { PMK_SHMEM_SWAPPED, 0 }, { PMK_SWAP, 0 },
		  { PMK_P3_OBS, M }, { PMK_P3_VIOL, M }, { PMK_P1_OBS, 0 },
		  { PMK_MISMATCHES, M });
	tap_diag("uffd-wp: %s", s.first);
	pm_expect_lines("uffd-wp", &s, M, want[0]);

	/* Reclaim of protected pages: a marker over a page in swap. */
	if (sc_pageout(p, K))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	EXPECT_EQ(K * 4, sc_smaps_kb(0, p, (K + M) * SC_PAGE, "Swap"),
		  "uffd-wp swapped out: smaps Swap (kB)");
	pm_run("uffd-wp swapped out", p, K + M, &s);
	PM_EXPECT("uffd-wp swapped out", &s, { PMK_PRESENT, 0 },
		  { PMK_MARKERS, K + M }, { PMK_SHMEM_SWAPPED, K },
		  { PMK_P1_OBS, K }, { PMK_P1_VIOL, 0 }, { PMK_P1_IMPACT, 0 },
		  { PMK_P3_OBS, M }, { PMK_P3_VIOL, M }, { PMK_MISMATCHES, M });
	tap_diag("uffd-wp swapped out: %s", s.summary);
	done = true;
out:
	if (uffd >= 0)
		close(uffd);
	munmap(p, (K + M) * SC_PAGE);
	return done;
}

/* ---- bad input: refused, nothing changed ---- */

static void bad_writes(void)
{
	static char before[32768], after[sizeof(before)];
	char cmd[160];
	const struct {
		const char *what;
		const char *fmt;	/* %d: our pid */
		int err;
	} bad[] = {
		{ "not a command", "garbage", EINVAL },
		{ "two fields", "%d 0x10000", EINVAL },
		{ "four fields", "%d 0x10000 0x20000 1", EINVAL },
		{ "pid 0", "0 0x10000 0x20000", EINVAL },
		{ "pid not a number", "x%d 0x10000 0x20000", EINVAL },
		{ "start not aligned", "%d 0x10001 0x20000", EINVAL },
		{ "end not aligned", "%d 0x10000 0x20fff", EINVAL },
		{ "end below start", "%d 0x20000 0x10000", EINVAL },
		{ "empty range", "%d 0x20000 0x20000", EINVAL },
		{ "range over 1<<20 pages", "%d 0x10000000 0x110001000", EINVAL },
		{ "beyond the task size",
		  "%d 0xffffffffffffd000 0xfffffffffffff000", EINVAL },
		{ "no such process", "4194303 0x10000 0x20000", ESRCH },
		{ "too long", "%d 0x10000 0x20000                                                                  ",
		  E2BIG },
	};
	size_t i;
	int ret;

	if (kv_read_file(SC_PMCMP_FILE, before, sizeof(before)) < 0)
		tap_bail("read %s", SC_PMCMP_FILE);
	/* swapscope's error messages below are provoked on purpose. */
	kv_write_file("/dev/kmsg", "<3>swapscope-test: expect-errors-begin");
	for (i = 0; i < SC_ARRAY_SIZE(bad); i++) {
		snprintf(cmd, sizeof(cmd), bad[i].fmt, (int)getpid());
		ret = kv_write_file(SC_PMCMP_FILE, cmd);
		EXPECT_EQ_I(-bad[i].err, ret, "bad write (%s) fails with %s",
			    bad[i].what, strerror(bad[i].err));
	}
	kv_write_file("/dev/kmsg", "<3>swapscope-test: expect-errors-end");
	if (kv_read_file(SC_PMCMP_FILE, after, sizeof(after)) < 0)
		tap_bail("read %s", SC_PMCMP_FILE);
	EXPECT_TRUE(!strcmp(before, after),
		    "bad writes leave the last comparison as it was");
}

/* ---- P2, best effort: migration entries ---- */

static char *mig_region;
static atomic_bool mig_stop;
static atomic_ulong mig_moved;

static void *mover(void *arg)
{
	unsigned long round;

	(void)arg;
	/* The other vCPU, so moves overlap the comparison in time. */
	sc_pin_thread(1);
	for (round = 0; !atomic_load(&mig_stop); round++)
		atomic_fetch_add(&mig_moved,
				 sc_move_region(mig_region, R, round & 1));
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void migration(uint64_t *p2_obs, uint64_t *p2_viol)
{
	static const char *const want[] = { "truth=migration " };
	uint64_t seen = 0, held = 0, runs = 0;
	bool shown = false;
	struct sc_pmcmp s;
	pthread_t t;
	double end;

	*p2_obs = *p2_viol = 0;
	if (!sc_node_exists(0) || !sc_node_exists(1)) {
		tap_skip("needs NUMA nodes 0 and 1 with memory",
			 "P2: migration entries");
		return;
	}
	mig_region = sc_map_anon(R);
	sc_fill(mig_region, R, 0x0990);
	if (pthread_create(&t, NULL, mover, NULL))
		tap_bail("pthread_create");
	for (end = now() + RACE_SECONDS; now() < end; runs++) {
		if (sc_pmcmp_run(getpid(), mig_region, R) || sc_pmcmp_read(&s))
			break;
		if (sc_pmcmp_lines_with(&s, want[0], NULL) && s.v[PMK_P2_OBS] &&
		    !shown) {
			tap_diag("P2: %s", s.summary);
			tap_diag("P2: %s", s.first);
			shown = true;
		}
		seen += s.v[PMK_MIGRATION];
		held += s.v[PMK_MIGRATION_HELD];
		*p2_obs += s.v[PMK_P2_OBS];
		*p2_viol += s.v[PMK_P2_VIOL];
	}
	atomic_store(&mig_stop, true);
	pthread_join(t, NULL);
	tap_diag("P2: %llu comparisons while %lu pages moved: %llu migration "
		 "entries seen, %llu still there after pagemap's read; P2 "
		 "observed %llu, violated %llu",
		 (unsigned long long)runs, atomic_load(&mig_moved),
		 (unsigned long long)seen, (unsigned long long)held,
		 (unsigned long long)*p2_obs, (unsigned long long)*p2_viol);
	EXPECT_GE(1, runs, "P2: comparisons ran during migration");
	EXPECT_EQ(0, sc_verify(mig_region, 0, R, 0x0990),
		  "P2: data intact after migration");
	munmap(mig_region, R * SC_PAGE);
}

/* ---- the rules file ---- */

/*
 * The rules as they were when the scenario started: no reset, so the
 * whole run's report (make demo) keeps every scenario's counts.
 */
static struct sc_rules base;

/* @obs exactly, or (at_least) @obs or more, with viol and impact alike. */
static void expect_rule_min(enum ss_rule r, const char *verdict, uint64_t obs,
			    uint64_t viol, uint64_t impact, bool at_least)
{
	static struct sc_rules now;
	const char *rule = sc_rule_names[r];
	int64_t got;
	int v;

	sc_rules_snap(&now);
	v = now.r[r].verdict;
	/* "*": any verdict (the race may have caught nothing to prove). */
	if (strcmp(verdict, "*"))
		EXPECT_TRUE(v >= 0 && !strcmp(sc_verdict_names[v], verdict),
			    "rules: %s verdict=%s (want %s)", rule,
			    v >= 0 ? sc_verdict_names[v] : "?", verdict);
	if (at_least) {
		got = sc_d_obs(&base, &now, r);
		EXPECT_GE(obs, got, "rules: %s observations", rule);
		EXPECT_EQ(got, sc_d_viol(&base, &now, r),
			  "rules: %s violations (each observation)", rule);
		EXPECT_EQ(got, sc_d_impact(&base, &now, r),
			  "rules: %s impact (each observation)", rule);
		return;
	}
	EXPECT_EQ(obs, sc_d_obs(&base, &now, r), "rules: %s observations", rule);
	EXPECT_EQ(viol, sc_d_viol(&base, &now, r), "rules: %s violations", rule);
	EXPECT_EQ(impact, sc_d_impact(&base, &now, r), "rules: %s impact", rule);
}

static void expect_rule(enum ss_rule r, const char *verdict, uint64_t obs,
			uint64_t viol, uint64_t impact)
{
	expect_rule_min(r, verdict, obs, viol, impact, false);
}

/*
 * A sample of @rule with kind=@kind, taken as pagemap made the entry
 * (path=pagemap_pmd_range or pagemap_pte_hole), naming the page's truth.
 */
static void expect_sample(const char *rule, const char *kind)
{
	static char samples[65536];
	const char *pos = samples, *line;
	bool found = false;
	size_t len, vlen;

	if (kv_read_file(SAMPLES_FILE, samples, sizeof(samples)) < 0) {
		tap_fail("read %s", SAMPLES_FILE);
		return;
	}
	while (!found && (line = kv_next_line(&pos, &len)))
		found = kv_is(line, "rule", rule) && kv_get(line, "seq", &vlen) &&
			kv_is(line, "kind", kind) && kv_get(line, "truth", &vlen) &&
			kv_get(line, "pagemap", &vlen) &&
			(kv_is(line, "path", "pagemap_pmd_range") ||
			 kv_is(line, "path", "pagemap_pte_hole"));
	EXPECT_TRUE(found, "samples: %s sample with kind=%s, truth= and pagemap=, from pagemap's walk",
		    rule, kind);
}

int main(void)
{
	uint64_t p2_obs, p2_viol;
	bool wp;
	char *p;
	int fd;

	sc_begin("09-pagemap", 0);
	if (access(SC_PMCMP_FILE, W_OK))
		tap_bail("%s writable (module with the pagemap comparison)",
			 SC_PMCMP_FILE);
	sc_rules_snap(&base);

	p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	shmem_swapped("shared-anon", p, 0x0901);
	munmap(p, N * SC_PAGE);

	fd = syscall(SYS_memfd_create, "swapscope-09", MFD_CLOEXEC);
	if (fd < 0)
		tap_bail("memfd_create: %s", strerror(errno));
	if (ftruncate(fd, N * SC_PAGE))
		tap_bail("ftruncate: %s", strerror(errno));
	p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap memfd MAP_SHARED: %s", strerror(errno));
	shmem_swapped("memfd", p, 0x0902);
	munmap(p, N * SC_PAGE);
	close(fd);

	wp = uffd_markers();
	bad_writes();
	migration(&p2_obs, &p2_viol);

	/* Every observation above went to the rules, nothing else did. */
	expect_rule(SS_RULE_P1, "diverges", 4 * N + (wp ? K : 0), 4 * N, 4 * N);
	expect_rule(SS_RULE_P3, wp ? "diverges" : "not-observed", wp ? 2 * M : 0,
		    wp ? 2 * M : 0, wp ? 2 * M : 0);
	expect_rule_min(SS_RULE_P2, p2_obs ? "diverges" : "*", p2_obs, p2_viol,
			p2_viol, true);
	expect_sample("P1", "none");
	if (wp)
		expect_sample("P3", "uffd_wp_marker");
	return tap_end();
}
