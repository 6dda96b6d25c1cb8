// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 11-seed002-criu: seed 002's six-step fork/unmap sequence, played for
 * real (David Hildenbrand's example for why PM_SWAP must be accurate, not
 * a hint):
 *   1) A sets up shared memory and writes data to it;
 *   2) the system swaps it out;
 *   3) A forks B;
 *   4) A unmaps the shared memory;
 *   5) a CRIU-style dumper keeps only the pages /proc/PID/pagemap calls
 *      PRESENT or SWAPPED;
 *   6) B uses the memory: what the dumper skipped would be lost.
 * Once with MAP_SHARED|MAP_ANONYMOUS, once with a memfd, N pages each, the
 * mapping alone in one 2 MiB-aligned page table (N = 512), so fork's walk
 * of it is measured alone.
 *
 * Expected figures, from Debian's 6.1 source:
 * - Step 2, MADV_PAGEOUT (A is the only mapper, mapcount 1): as in
 *   05-shmem, try_to_unmap_one() once per page clears the present shmem
 *   PTE and leaves pte_none (no marker without uffd-wp), shmem_writepage()
 *   puts the swap entry in the mapping's xarray and swap_shmem_alloc()
 *   leaves the slot at SWAP_MAP_SHMEM: U2 obs +N, U3 +N/+N/+N, C1
 *   +N/+N/+N; N pswpout; smaps Swap N*4 kB.
 * - Step 3, fork: dup_mmap() calls copy_page_range() once per VMA, and
 *   vma_needs_copy() (mm/memory.c) returns false for this one: shared, no
 *   anon_vma (never COW-faulted), no uffd-wp, not PFNMAP/MIXEDMAP.  B gets
 *   no page table for the range.  Measured as the difference of two forks
 *   in the same state, the control one with MADV_DONTFORK on the range
 *   (dup_mmap() skips a VM_DONTCOPY VMA before copy_page_range()):
 *   copy_page_range() calls +1 (nvma against nvma - 1); before (A's walk)
 *   none +N (A's page table keeps the N PTEs reclaim cleared), present,
 *   swap, huge +0; after (B's walk) calls +1 and nothing else: none,
 *   present, swap +0.  No swap PTE anywhere (F1 obs +0), no rule moves.
 *   B's smaps: Rss 0, Swap N*4 kB (shmem_swap_usage(): the whole inode).
 * - The pagemap comparison (module/pagemap.c) of B's range, then A's: each
 *   PTE none (B: no table at all), the xarray holds a swap entry: truth
 *   shmem_swapped = N.  pte_to_pagemap_entry() (A) and pagemap_pte_hole()
 *   (B) give neither PM_PRESENT nor PM_SWAP: P1 obs +N viol +N impact +N
 *   (the PTE was none), N mismatches (64 lines kept, N - 64 dropped).  The
 *   comparison reads pagemap into a buffer it vm_mmap()s in the writer's
 *   mm (A) and vm_munmap()s at the end: one full zap of one present page.
 *   Z4 judges it when A's mm has one user: comparing B, +1 obs, 0 viol;
 *   comparing A itself, the comparison holds a reference to A's mm
 *   (mm_users 2) until after that zap, so Z4 does not judge it: +0.
 * - Step 4, A's munmap: unmap_vmas() -> one unmap_page_range() (a full zap,
 *   even_cows) over N none PTEs: Z1 obs +0 (nothing non-present), Z4 +1.
 *   B's comparison after it: the same N/N/N as before.
 * - Step 5, the dumper, reading /proc/B/pagemap: PRESENT 0, SWAP 0, so it
 *   saves 0 pages and skips N.  swapscope judges the dumper's own read as
 *   it happens (module/pmwatch.c): N shmem pages in swap told neither,
 *   P1 obs +N viol +N impact +N, the very pages the dumper skipped; no
 *   other rule moves.
 *   CRIU's mincore() fallback (its shmem dump ORs in mincore) finds none
 *   resident in B either: the folios left the swap cache once zram had
 *   written them (filemap_get_incore_folio() finds no swap-cache folio).
 * - Step 6, B reads every page: shmem_fault() -> shmem_swapin_folio(),
 *   never do_swap_page(): no probe fires, no rule moves, N pswpin, and all
 *   N pages hold the data A wrote.  So the dumper lost exactly N pages of
 *   live data: skipped by it, intact in the kernel.  After that, B's
 *   comparison has N present pages, P1 obs +0, no mismatch (Z4 +1 again).
 * A kernel that conforms to P1 (pagemap consulting the shmem xarray) would
 * show B N PM_SWAP pages: the dumper would save N and lose 0.  Seed 002's
 * marker (a hint in the PTE) would not: fork skips the VMA, so B never has
 * the markers, and A's munmap drops A's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmcmp.h"
#include "rules.h"
#include "scenario.h"

#define N		512UL	/* one whole page table of PTEs */
#define PMD_SIZE_	(N * SC_PAGE)
#define NAME		"11-seed002-criu"

/* ---- the module's pagemap comparison (as 09-pagemap drives it) ---- */

/*
 * Compare @pid's [p, p + N pages) inside a rules window; check the run,
 * the summary figures @w and the rule deltas @rw.
 */
static void pm_window(const char *ctx, pid_t pid, const void *p,
		      const struct sc_pmcmp_want *w, size_t nw,
		      const struct sc_rule_want *rw, size_t nrw,
		      struct sc_pmcmp *s)
{
	static struct sc_rules r0, r1;
	int ret;

	sc_rules_snap(&r0);
	ret = sc_pmcmp_run(pid, p, N);
	sc_rules_snap(&r1);
	if (ret)
		tap_bail("%s: write '%d 0x%lx 0x%lx' to %s: %s", ctx, (int)pid,
			 (unsigned long)p, (unsigned long)p + N * SC_PAGE,
			 SC_PMCMP_FILE, strerror(-ret));
	if (sc_pmcmp_read(s))
		tap_bail("%s: read %s", ctx, SC_PMCMP_FILE);
	EXPECT_TRUE(!strcmp(s->state, "done") && s->seen[PMK_P1_IMPACT] &&
		    s->v[PMK_PID] == (uint64_t)pid &&
		    s->v[PMK_START] == (uintptr_t)p &&
		    s->v[PMK_END] == (uintptr_t)p + N * SC_PAGE &&
		    !s->v[PMK_ERR],
		    "%s: pagemap=%s, pid %d and range as asked", ctx, s->state,
		    (int)pid);
	EXPECT_EQ(N, s->v[PMK_PAGES], "%s: pages compared", ctx);
	sc_pmcmp_expect(s, w, nw, ctx);
	tap_diag("%s: %s", ctx, s->summary);
	sc_expect_rules(&r0, &r1, rw, nrw, ctx);
}

#define PM_WINDOW(ctx, pid, p, s, rules, ...) do {			\
	const struct sc_pmcmp_want w_[] = { __VA_ARGS__ };		\
	pm_window(ctx, pid, p, w_, SC_ARRAY_SIZE(w_), rules,		\
		  SC_ARRAY_SIZE(rules), s);				\
} while (0)

/* All N pages swapped shmem, reported neither present nor swap. */
#define PM_ALL_LOST							\
	{ PMK_PRESENT, 0 }, { PMK_SWAP, 0 }, { PMK_SHMEM_SWAPPED, N },	\
	{ PMK_MIGRATION, 0 }, { PMK_MARKERS, 0 }, { PMK_NONE, 0 },	\
	{ PMK_UNMAPPED, 0 }, { PMK_HUGE, 0 }, { PMK_OTHER, 0 },		\
	{ PMK_P1_OBS, N }, { PMK_P1_VIOL, N }, { PMK_P1_IMPACT, N },	\
	{ PMK_P2_OBS, 0 }, { PMK_P3_OBS, 0 }, { PMK_MISMATCHES, N }

static void pm_expect_lines(const char *ctx, const struct sc_pmcmp *s)
{
	EXPECT_EQ(SC_PMCMP_MAX_LINES, s->lines, "%s: page lines kept", ctx);
	EXPECT_EQ(SC_PMCMP_MAX_LINES,
		  sc_pmcmp_lines_with(s, " truth=shmem_swapped ",
				      " present=0 swap=0 "),
		  "%s: page lines 'truth=shmem_swapped ... present=0 swap=0'",
		  ctx);
	EXPECT_EQ(N - SC_PMCMP_MAX_LINES, s->dropped,
		  "%s: page lines dropped", ctx);
}

/* Comparing B: P1 on every page; the buffer's zap in A (one user): Z4. */
static const struct sc_rule_want rules_cmp_b[] = {
	SC_RULE(P1, N, N, N),
	SC_RULE(Z4, 1, 0, 0),
};
/* Comparing A itself: the zap runs with mm_users 2, Z4 does not judge. */
static const struct sc_rule_want rules_cmp_a[] = {
	SC_RULE(P1, N, N, N),
};
/* Comparing B once it read everything back: nothing for P1. */
static const struct sc_rule_want rules_cmp_b_back[] = {
	SC_RULE(Z4, 1, 0, 0),
};

/* ---- step 2: reclaim, as 05-shmem ---- */

static const struct sc_want want_pageout[] = {
	SC_WANT(RECLAIM, BEFORE, CALLS, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON, 0),
	SC_WANT(RECLAIM, AFTER, CALLS, N),
	SC_WANT(RECLAIM, AFTER, NONE, N),
	SC_WANT(RECLAIM, AFTER, PRESENT, 0),
	SC_WANT(RECLAIM, AFTER, SWAP, 0),
	SC_WANT(RECLAIM, AFTER, UFFD_WP_MARKER, 0),
	SC_WANT(RECLAIM, AFTER, FAILED, 0),
};

static struct sc_rule_want rules_pageout[] = {
	SC_RULE(U2, N, 0, 0),
	SC_RULE(U3, N, N, N),
	SC_RULE(C1, N, N, N),
};

/* ---- step 4: A's munmap ---- */

static const struct sc_want want_munmap[] = {
	SC_WANT(ZAP_FULL, BEFORE, CALLS, 1),
	SC_WANT(ZAP_FULL, BEFORE, NONE, N),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT, 0),
	SC_WANT(ZAP_FULL, BEFORE, SWAP, 0),
	SC_WANT(ZAP_FULL, BEFORE, UFFD_WP_MARKER, 0),
	SC_WANT(ZAP_FULL, BEFORE, TRUNCATED, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 0),
};

static const struct sc_rule_want rules_munmap[] = {
	SC_RULE(Z4, 1, 0, 0),
};

/* ---- step 5: the dumper's read of B's pagemap, judged as it reads ---- */

static const struct sc_rule_want rules_dump[] = {
	SC_RULE(P1, N, N, N),
};

/* ---- forks ---- */

/* The current kind: what B works on. */
static const char *kind;
static char *region;
static uint64_t seed;

/* Pipes: idle children wait on idle_go; B on b_go; B answers on b_res. */
static int idle_go[2], b_go[2], b_res[2];

static struct sc_snap fs0[3], fs1[3];
static struct sc_rules fr0[3], fr1[3];
static int fnvma[3];
enum { F_WARM, F_CONTROL, F_REAL };

static void wait_go(int fd, const char *who)
{
	char c;

	if (read(fd, &c, 1) != 1)
		tap_bail("%s: read go pipe: %s", who, strerror(errno));
}

static void go(int fd)
{
	if (write(fd, "g", 1) != 1)
		tap_bail("write go pipe: %s", strerror(errno));
}

static void child_b(void) __attribute__((noreturn));

/*
 * One fork between snapshots.  The same code runs for the warm-up, the
 * control and the real fork, so the control and the real one find the
 * rest of A's address space in the same state (the warm-up faults in
 * every page the window itself touches).  The child waits until
 * released, so nothing it does falls inside the window.
 */
static pid_t fork_window(int which)
{
	pid_t pid;

	fnvma[which] = sc_vma_count(0);
	fflush(stdout);
	sc_snap(&fs0[which]);
	sc_rules_snap(&fr0[which]);
	pid = fork();
	if (pid == 0) {
		if (which == F_REAL)
			child_b();
		wait_go(idle_go[0], "idle child");
		_exit(0);
	}
	sc_rules_snap(&fr1[which]);
	sc_snap(&fs1[which]);
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	return pid;
}

static void reap(pid_t pid, const char *who)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		tap_bail("waitpid %s: %s", who, strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: %s exited 0 (status 0x%x)", kind, who, status);
}

/* Fork counter delta of the real fork minus that of the control fork. */
static int64_t fork_diff(enum ss_phase ph, enum ss_counter c)
{
	return (int64_t)sc_d_stat(&fs0[F_REAL], &fs1[F_REAL], SS_PATH_FORK,
				  ph, c) -
	       (int64_t)sc_d_stat(&fs0[F_CONTROL], &fs1[F_CONTROL],
				  SS_PATH_FORK, ph, c);
}

static void expect_fork_diff(enum ss_phase ph, enum ss_counter c,
			     int64_t want)
{
	EXPECT_EQ_I(want, fork_diff(ph, c),
		    "%s fork: %s %s, real fork minus control", kind,
		    sc_phase_names[ph], sc_counter_names[c]);
}

static const struct sc_want want_fork_abs[] = {
	SC_WANT(FORK, BEFORE, SWAP, 0),
	SC_WANT(FORK, BEFORE, UFFD_WP_MARKER, 0),
	SC_WANT(FORK, BEFORE, TRUNCATED, 0),
	SC_WANT(FORK, AFTER, SWAP, 0),
	SC_WANT(FORK, AFTER, UFFD_WP_MARKER, 0),
	SC_WANT(FORK, AFTER, TRUNCATED, 0),
	SC_WANT(FORK, AFTER, FAILED, 0),
};

static void check_forks(void)
{
	char ctx[64];
	int w;

	for (w = F_CONTROL; w <= F_REAL; w++) {
		snprintf(ctx, sizeof(ctx), "%s fork (%s)", kind,
			 w == F_REAL ? "real" : "control, MADV_DONTFORK");
		sc_expect_hits_match(&fs0[w], &fs1[w], SC_ALL_PROBES, ctx);
		/* dup_mmap(): one call per VMA, none for a VM_DONTCOPY one. */
		sc_expect_hits(&fs0[w], &fs1[w], SS_PROBE_FORK,
			       fnvma[w] - (w == F_CONTROL), ctx);
		SC_EXPECT_STATS(&fs0[w], &fs1[w], want_fork_abs, ctx);
		sc_diag_path(&fs0[w], &fs1[w], SS_PATH_FORK, ctx);
		SC_EXPECT_RULES_QUIET(&fr0[w], &fr1[w], ctx);
	}
	EXPECT_EQ_I(fnvma[F_CONTROL], fnvma[F_REAL],
		    "%s fork: same VMAs for control and real fork", kind);
	/* The range's share: A's N cleared PTEs read; nothing made in B. */
	expect_fork_diff(SS_PHASE_BEFORE, SS_CNT_CALLS, 1);
	expect_fork_diff(SS_PHASE_BEFORE, SS_CNT_NONE, N);
	expect_fork_diff(SS_PHASE_BEFORE, SS_CNT_PRESENT, 0);
	expect_fork_diff(SS_PHASE_BEFORE, SS_CNT_HUGE, 0);
	expect_fork_diff(SS_PHASE_AFTER, SS_CNT_CALLS, 1);
	expect_fork_diff(SS_PHASE_AFTER, SS_CNT_NONE, 0);
	expect_fork_diff(SS_PHASE_AFTER, SS_CNT_PRESENT, 0);
	expect_fork_diff(SS_PHASE_AFTER, SS_CNT_HUGE, 0);
}

/* ---- step 5: a CRIU-style dumper ---- */

static uint64_t dump_pme[N];
static uint8_t dump_saved[N];
static char *dump_buf;		/* N pages, mapped before any window */

struct dump {
	size_t saved, skipped, saved_ok;
};

/*
 * What CRIU does for shared memory ("Dumping present pages"): look at the
 * owner's pagemap and keep only the pages with PRESENT or SWAPPED, read
 * through /proc/PID/mem.  Returns 0 or -errno.
 */
static int criu_dump(pid_t pid, const char *p, struct dump *d)
{
	char path[64];
	ssize_t n;
	size_t i;
	int pm, mem;

	memset(d, 0, sizeof(*d));
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	if (pm < 0)
		return -errno;
	n = pread(pm, dump_pme, sizeof(dump_pme),
		  (off_t)((uintptr_t)p / SC_PAGE * 8));
	close(pm);
	if (n != (ssize_t)sizeof(dump_pme))
		return n < 0 ? -errno : -EIO;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	if (mem < 0)
		return -errno;
	for (i = 0; i < N; i++) {
		dump_saved[i] = !!(dump_pme[i] & (SC_PM_PRESENT | SC_PM_SWAP));
		if (!dump_saved[i]) {
			d->skipped++;
			continue;
		}
		d->saved++;
		n = pread(mem, dump_buf + i * SC_PAGE, SC_PAGE,
			  (off_t)(uintptr_t)(p + i * SC_PAGE));
		if (n == (ssize_t)SC_PAGE && !sc_verify(dump_buf, i, 1, seed))
			d->saved_ok++;
	}
	close(mem);
	return 0;
}

/* ---- step 6, in B ---- */

static uint8_t b_intact[N];
static unsigned char b_vec[N];

static void child_b(void)
{
	static struct sc_snap s0, s1;
	static struct sc_rules r0, r1;
	uint64_t in0, in1;
	size_t i, resident = 0, intact = 0;
	char ctx[64];

	tap_child(NAME " B");
	memset(b_intact, 0, sizeof(b_intact));
	memset(b_vec, 0, sizeof(b_vec));
	wait_go(b_go[0], "B");

	snprintf(ctx, sizeof(ctx), "%s B before use", kind);
	/* CRIU's other source for shmem: mincore() in the owner. */
	if (mincore(region, N * SC_PAGE, b_vec))
		tap_bail("%s: mincore: %s", ctx, strerror(errno));
	for (i = 0; i < N; i++)
		resident += b_vec[i] & 1;
	EXPECT_EQ(0, resident, "%s: mincore() resident pages", ctx);
	EXPECT_EQ(0, sc_smaps_kb(0, region, N * SC_PAGE, "Rss"),
		  "%s: smaps Rss (kB)", ctx);
	EXPECT_EQ(N * 4, sc_smaps_kb(0, region, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);

	/* Step 6: B uses the memory. */
	snprintf(ctx, sizeof(ctx), "%s B reads the memory", kind);
	in0 = sc_vmstat("pswpin");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	for (i = 0; i < N; i++)
		b_intact[i] = !sc_verify(region, i, 1, seed);
	sc_rules_snap(&r1);
	sc_snap(&s1);
	in1 = sc_vmstat("pswpin");
	for (i = 0; i < N; i++)
		intact += b_intact[i];
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_SWAPIN, 0, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, 0, ctx);
	EXPECT_EQ(N, in1 - in0, "%s: pswpin delta (shmem_swapin_folio)", ctx);
	SC_EXPECT_RULES_QUIET(&r0, &r1, ctx);
	EXPECT_EQ(N, intact, "%s: pages holding A's data (kernel kept them)",
		  ctx);
	EXPECT_EQ(N * 4, sc_smaps_kb(0, region, N * SC_PAGE, "Rss"),
		  "%s: smaps Rss (kB)", ctx);
	EXPECT_EQ(0, sc_smaps_kb(0, region, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);

	fflush(stdout);
	if (write(b_res[1], b_intact, N) != (ssize_t)N)
		tap_bail("B: write result pipe: %s", strerror(errno));
	/* A compares B's range once more, then lets B go. */
	wait_go(b_go[0], "B");
	_exit(tap_end());
}

/* ---- the six steps for one kind of shared memory ---- */

/*
 * Map the region at a 2 MiB-aligned address inside a 4 MiB reservation,
 * so that its N pages fill one page table alone, then drop the rest.
 */
static char *map_aligned(int memfd)
{
	size_t len = 2 * PMD_SIZE_;
	char *r, *a, *p;

	r = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		tap_bail("mmap reservation: %s", strerror(errno));
	a = (char *)(((uintptr_t)r + PMD_SIZE_ - 1) & ~(PMD_SIZE_ - 1));
	p = mmap(a, N * SC_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED | (memfd < 0 ? MAP_ANONYMOUS : 0),
		 memfd, 0);
	if (p != a)
		tap_bail("%s: mmap MAP_SHARED at %p: %s", kind, (void *)a,
			 strerror(errno));
	if (a > r && munmap(r, a - r))
		tap_bail("munmap reservation head: %s", strerror(errno));
	if (a + PMD_SIZE_ < r + len &&
	    munmap(a + PMD_SIZE_, r + len - (a + PMD_SIZE_)))
		tap_bail("munmap reservation tail: %s", strerror(errno));
	return a;
}

static void six_steps(const char *k, int memfd)
{
	static struct sc_snap s0, s1;
	static struct sc_rules r0, r1;
	struct sc_pmcmp pms;
	struct sc_pm pm;
	struct dump d;
	uint64_t out0, out1;
	size_t i, lost, lost_data;
	uint64_t fixed;
	char ctx[80];
	pid_t b, idle;
	int ret;

	kind = k;
	/* ---- 1) A sets up shared memory and writes data to it ---- */
	region = map_aligned(memfd);
	if (memfd >= 0)
		close(memfd);	/* only the mappings hold it now */
	sc_fill(region, N, seed);
	if (sc_pagemap(0, region, N, &pm) || pm.present != N)
		tap_bail("%s: setup: %zu of %lu pages present", kind,
			 pm.present, N);

	/* ---- 2) the system swaps it out ---- */
	snprintf(ctx, sizeof(ctx), "%s step 2 pageout", kind);
	out0 = sc_vmstat("pswpout");
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (sc_pageout(region, N))
		tap_bail("%s: madvise(MADV_PAGEOUT): %s", ctx, strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	out1 = sc_vmstat("pswpout");
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, N, ctx);
	SC_EXPECT_STATS(&s0, &s1, want_pageout, ctx);
	EXPECT_EQ(N, out1 - out0, "%s: pswpout delta", ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_pageout, ctx);
	EXPECT_EQ(N * 4, sc_smaps_kb(0, region, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);

	/* ---- 3) A forks B (after a warm-up and a control fork) ---- */
	if (madvise(region, N * SC_PAGE, MADV_DONTFORK))
		tap_bail("%s: madvise(MADV_DONTFORK): %s", kind, strerror(errno));
	idle = fork_window(F_WARM);
	go(idle_go[1]);
	reap(idle, "warm-up child");
	idle = fork_window(F_CONTROL);
	go(idle_go[1]);
	reap(idle, "control child");
	if (madvise(region, N * SC_PAGE, MADV_DOFORK))
		tap_bail("%s: madvise(MADV_DOFORK): %s", kind, strerror(errno));
	b = fork_window(F_REAL);
	check_forks();
	snprintf(ctx, sizeof(ctx), "%s step 3 B after fork", kind);
	EXPECT_EQ(0, sc_smaps_kb(b, region, N * SC_PAGE, "Rss"),
		  "%s: smaps Rss (kB): fork copied no PTE", ctx);
	EXPECT_EQ(N * 4, sc_smaps_kb(b, region, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);

	PM_WINDOW(ctx, b, region, &pms, rules_cmp_b, PM_ALL_LOST);
	pm_expect_lines(ctx, &pms);
	snprintf(ctx, sizeof(ctx), "%s step 3 A after fork", kind);
	PM_WINDOW(ctx, getpid(), region, &pms, rules_cmp_a, PM_ALL_LOST);
	pm_expect_lines(ctx, &pms);

	/* ---- 4) A unmaps the shared memory ---- */
	snprintf(ctx, sizeof(ctx), "%s step 4 A munmap", kind);
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (munmap(region, N * SC_PAGE))
		tap_bail("%s: munmap: %s", ctx, strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 1, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP_SINGLE, 0, ctx);
	SC_EXPECT_STATS(&s0, &s1, want_munmap, ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_munmap, ctx);

	snprintf(ctx, sizeof(ctx), "%s step 4 B after A's munmap", kind);
	PM_WINDOW(ctx, b, region, &pms, rules_cmp_b, PM_ALL_LOST);
	pm_expect_lines(ctx, &pms);
	/* What pagemap would report B if it told the kernel's truth (P1). */
	fixed = pms.v[PMK_PRESENT] + pms.v[PMK_SWAP] + pms.v[PMK_SHMEM_SWAPPED];

	/* ---- 5) the dumper keeps PRESENT or SWAPPED pages only ---- */
	snprintf(ctx, sizeof(ctx), "%s step 5 dumper", kind);
	sc_snap(&s0);
	sc_rules_snap(&r0);
	ret = criu_dump(b, region, &d);
	sc_rules_snap(&r1);
	sc_snap(&s1);
	if (ret)
		tap_bail("%s: %s", ctx, strerror(-ret));
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_SWAPIN, 0, ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_dump, ctx);
	/* The dumper's own view: each page it skipped is one it was told wrong. */
	EXPECT_EQ((uint64_t)d.skipped,
		  (uint64_t)sc_d_impact(&r0, &r1, SS_RULE_P1),
		  "%s: P1 impact is the dumper's own count of pages skipped", ctx);
	EXPECT_EQ(0, d.saved, "%s: pages saved (PRESENT or SWAP in B's pagemap)",
		  ctx);
	EXPECT_EQ(N, d.skipped, "%s: pages skipped (neither)", ctx);
	EXPECT_EQ(d.saved, d.saved_ok, "%s: saved pages read back intact",
		  ctx);

	/* ---- 6) B uses the memory ---- */
	go(b_go[1]);
	if (read(b_res[0], b_intact, N) != (ssize_t)N)
		tap_bail("%s: read B's result: %s", kind, strerror(errno));
	lost = lost_data = 0;
	for (i = 0; i < N; i++) {
		lost += !dump_saved[i];
		lost_data += !dump_saved[i] && b_intact[i];
	}
	snprintf(ctx, sizeof(ctx), "%s step 6", kind);
	EXPECT_EQ(N, lost_data,
		  "%s: pages the dumper lost (skipped, yet B found A's data there)",
		  ctx);
	EXPECT_EQ(lost, lost_data, "%s: every skipped page held data", ctx);

	snprintf(ctx, sizeof(ctx), "%s step 6 B after use", kind);
	PM_WINDOW(ctx, b, region, &pms, rules_cmp_b_back,
		  { PMK_PRESENT, N }, { PMK_SHMEM_SWAPPED, 0 }, { PMK_SWAP, 0 },
		  { PMK_P1_OBS, 0 }, { PMK_P1_VIOL, 0 }, { PMK_MISMATCHES, 0 });
	go(b_go[1]);
	reap(b, "B");

	tap_diag("%s: stock 6.1: the dumper saved %zu of %lu pages and lost "
		 "%zu that B still had in the kernel", kind, d.saved, N,
		 lost_data);
	tap_diag("%s: a kernel conforming to P1 (PM_SWAP from the shmem "
		 "xarray) would show B %llu pages PRESENT or SWAP: the dumper "
		 "would save %llu and lose %llu", kind,
		 (unsigned long long)fixed, (unsigned long long)fixed,
		 (unsigned long long)(N - fixed));
	tap_diag("%s: seed 002's PTE marker, a hint, would not help: fork "
		 "copied nothing of the VMA (vma_needs_copy(): shared, no "
		 "anon_vma), so B never holds one, and A's munmap drops A's: "
		 "still %zu lost", kind, lost_data);
}

int main(void)
{
	struct sc_rules r;
	int fd;

	sc_begin(NAME, 0);
	/* 6.10+: MADV_PAGEOUT leaves the PTEs young (lib: scenario.h). */
	if (sc_pageout_leaves_young())
		SC_SET_IMPACT(rules_pageout, U2, N);
	if (access(SC_PMCMP_FILE, W_OK))
		tap_bail("%s writable (module with the pagemap comparison)",
			 SC_PMCMP_FILE);
	if (pipe(idle_go) || pipe(b_go) || pipe(b_res))
		tap_bail("pipe: %s", strerror(errno));
	dump_buf = sc_map_anon(N);

	seed = 0x1101;
	six_steps("shared-anon", -1);

	fd = syscall(SYS_memfd_create, "swapscope-11", MFD_CLOEXEC);
	if (fd < 0)
		tap_bail("memfd_create: %s", strerror(errno));
	if (ftruncate(fd, N * SC_PAGE))
		tap_bail("ftruncate: %s", strerror(errno));
	seed = 0x1102;
	six_steps("memfd", fd);

	sc_rules_snap(&r);
	SC_EXPECT_VERDICT(&r, P1, DIVERGES, "end");
	SC_EXPECT_VERDICT(&r, U3, DIVERGES, "end");
	SC_EXPECT_VERDICT(&r, C1, DIVERGES, "end");
	sc_expect_rules_sane(&r, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
