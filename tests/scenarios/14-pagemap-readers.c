// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 14-pagemap-readers: rules P1-P3 (seed 002, pagemap accuracy) judged
 * passively, as an ordinary process reads another one's /proc/PID/pagemap.
 *
 * Three processes.  The scenario (S) takes the rules snapshots and gives
 * the orders; a target (T, forked from S) holds the pages; a reader (R,
 * forked from S, so T is not its ancestor) opens /proc/T/pagemap and
 * pread()s ranges of it, as CRIU or any other dumper would, and counts for
 * itself what the entries say.  We run as root, so the frames are shown
 * (file_ns_capable(CAP_SYS_ADMIN) at open: pm->show_pfn): for an entry
 * with PM_SWAP, pte_to_pagemap_entry() writes swp_type(entry) |
 * offset << MAX_SWAPFILES_SHIFT (5) as its frame, the offset being the
 * pfn for a migration entry (is_pfn_swap_entry) and the marker bits for a
 * PTE marker.  Nothing else reads pagemap inside a window (no sc_pagemap()
 * in one): R's reads, and in window 4 the module's own, are the only ones.
 *
 * Swap types, include/linux/swap.h with Debian's configs (MIGRATION,
 * MEMORY_FAILURE and PTE_MARKER set, DEVICE_PRIVATE not set, so
 * SWP_DEVICE_NUM 0), counted down from 1 << 5:
 * - 6.1: MAX_SWAPFILES = 32 - 3 migration - 1 hwpoison - 1 marker - 1
 *   SWP_SWAPIN_ERROR = 26; SWP_HWPOISON 26, SWP_MIGRATION_READ 27,
 *   _READ_EXCLUSIVE 28, _WRITE 29, SWP_PTE_MARKER 30, SWP_SWAPIN_ERROR 31.
 * - 6.12: no SWP_SWAPIN_ERROR (a PTE_MARKER_POISONED since 6.2):
 *   MAX_SWAPFILES 27; SWP_HWPOISON 27, migration 28, 29, 30,
 *   SWP_PTE_MARKER 31.
 * A uffd-wp marker's offset is PTE_MARKER_UFFD_WP (BIT(0)) on both.
 *
 * What the module counts (the passive judging of pagemap_read(): its
 * probes on pagemap_pmd_range and pagemap_pte_hole), per entry the kernel
 * produces for a reader in scope:
 * - P1: a page of a shmem VMA whose PTE is none (or no page table) or a
 *   uffd-wp marker, with a swap entry at its index of the mapping's
 *   xarray: obs +1; neither PM_PRESENT nor PM_SWAP: viol +1, impact +1.
 * - P2: a PTE (or PMD) holding a migration entry when pagemap read it:
 *   obs +1; PM_SWAP: viol +1, impact +1.
 * - P3: a PTE holding a uffd-wp marker over a page not in swap: obs +1;
 *   PM_SWAP: viol +1, impact +1.
 * The scope ("scope PID" in the control file) is the reader's: only reads
 * by a task inside PID's process tree count, wherever the target is.
 *
 * Expected figures, from Debian's 6.1 and 6.12 sources:
 * - Setup, in T: each range at a 2 MiB boundary, alone in its page tables
 *   (map_aligned()).  NSHM written pages of a MAP_SHARED|MAP_ANONYMOUS
 *   mapping, MADV_PAGEOUT (again while smaps Swap is short, at most
 *   PAGEOUT_TRIES times): as in 05-shmem, try_to_unmap_one() leaves each
 *   PTE none (no marker without uffd-wp) and shmem_writepage() puts the
 *   swap entry in the xarray; smaps Swap (shmem_swap_usage) NSHM * 4 kB,
 *   pswpout +NSHM at least.  Outside any window.
 * - Window 1, R reads the NSHM entries once: pte_to_pagemap_entry() sees
 *   pte_none, sets neither PM_PRESENT nor PM_SWAP: R counts NSHM
 *   "neither"; P1 obs = viol = impact = NSHM (= smaps Swap / 4).  No
 *   migration entry, no marker: P2, P3 +0.
 * - Window 1b, R reads only the first NPART entries of the (2 MiB-aligned)
 *   range: R is told NPART "neither"; P1 obs = viol = impact = NPART.  On
 *   6.1 pagemap_read() walks on to the end of the page table (end_vaddr is
 *   task_size; the walk stops when its 512-entry buffer is full) and makes
 *   512 entries, of which it copies the NPART asked for: the other 448 are
 *   told to nobody and must not count.  6.12 ends the walk at the count.
 * - Window 2: NWP never-populated pages of another shmem mapping of T,
 *   registered with userfaultfd in WP mode (UFFD_FEATURE_WP_HUGETLBFS_SHMEM)
 *   and UFFDIO_WRITEPROTECT'ed: change_protection() -> change_pte_range()
 *   installs a PTE_MARKER_UFFD_WP in each none PTE of the file-backed VMA
 *   (07-uffd-wp).  pagemap takes a marker for a swap PTE (is_swap_pte:
 *   !none && !present): PM_SWAP | PM_UFFD_WP, frame SWP_PTE_MARKER | 1 << 5:
 *   R counts NWP marker-type PM_SWAP entries.  Never written, so nothing
 *   in the xarray: P1 +0; P3 obs = viol = impact = NWP; P2 +0.
 * - Window 3 (needs NUMA nodes 0 and 1): a thread of T moves NMIG private
 *   anon pages between nodes 0 and 1 with move_pages(2) while R reads their
 *   entries in a loop, until it has seen MIG_WANT migration entries or
 *   MIG_SECONDS passed.  try_to_migrate_one() installs a migration entry
 *   (SWP_MIGRATION_WRITE for these exclusive writable pages) until
 *   remove_migration_ptes(); pagemap meets it as a swap PTE: PM_SWAP with a
 *   migration type and the pfn as frame.  P2 obs = viol = impact = R's count
 *   of migration-type PM_SWAP entries, exactly (each entry R got is one the
 *   kernel read); anon, no marker: P1, P3 +0.  The migrations themselves
 *   read no pagemap and run none of the probed paths (06-migrate: no zap,
 *   no fork, no swap): every other rule +0; pgmigrate_success rises.
 * - Window 4: S writes "T START END" of the swapped range to the debugfs
 *   pagemap file (as 09/11 do): the module's own read of the pagemap is
 *   judged once, and its summary's p1_obs/p1_viol/p1_impact equal the
 *   rules file's P1 deltas over the write and window 1's figures (NSHM);
 *   p2/p3 0.  Its buffer, vm_mmap()ed in S's mm (one user) and
 *   vm_munmap()ed at the end, is one full zap of one present page: Z4 obs
 *   +1 viol 0 (11-seed002-criu, comparing another process).
 * - Window 5, the scope: "scope T" (T's tree holds T, not R): R's read of
 *   the swapped range counts nothing (P1 +0) although R sees NSHM
 *   "neither" again.  "scope S" (R and T both inside): P1 +NSHM.  "scope
 *   R" (R inside, the target outside): P1 +NSHM.  "scope none" after, and
 *   at exit on every path (atexit in S).
 * At the end P1 diverges, P3 diverges (window 2 ran) and P2 diverges when
 * window 3 caught an entry; C1 and U3 diverge from the setup's pageout
 * (SWAP_MAP_SHMEM slots, none PTEs), as in 05-shmem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mempolicy.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmcmp.h"
#include "rules.h"
#include "scenario.h"

#define NAME		"14-pagemap-readers"
#define NSHM		1024UL	/* shmem pages swapped out */
#define NWP		64UL	/* shmem pages under uffd-wp markers */
#define NMIG		256UL	/* anon pages moved between nodes */
#define MIG_WANT	8	/* migration entries R waits for */
#define MIG_SECONDS	30	/* at most */
#define PAGEOUT_TRIES	8
#define PMD_PAGES	512UL	/* PTEs per page table (x86-64) */
#define PMD_BYTES	(PMD_PAGES * SC_PAGE)
#define NPART		64UL	/* window 1b: the first pages of a table */
#define SEED		0x1414

#define CONTROL_FILE	SWAPSCOPE_DEBUGFS_DIR "/control"

#define PM_FRAME_MASK	((1ULL << 55) - 1)
#define SWP_TYPE(e)	((unsigned int)((e) & 31))
#define SWP_OFFSET(e)	(((e) & PM_FRAME_MASK) >> 5)
#define MARKER_UFFD_WP	1ULL	/* PTE_MARKER_UFFD_WP */

/* Swap types of the running kernel (see the top). */
static unsigned int mig_first, mig_last, marker_type;

static void swap_types(void)
{
	if (sc_kernel() < SC_KERNEL(6, 2)) {	/* SWP_SWAPIN_ERROR is 31 */
		mig_first = 27;
		mig_last = 29;
		marker_type = 30;
	} else {
		mig_first = 28;
		mig_last = 30;
		marker_type = 31;
	}
}

/* ---- pipes: orders down, answers up ---- */

static int t_cmd[2], t_res[2], r_cmd[2], r_res[2];

static void put(int fd, const void *p, size_t n, const char *who)
{
	if (write(fd, p, n) != (ssize_t)n)
		tap_bail("%s: write pipe: %s", who, strerror(errno));
}

/* false on EOF (the other side is gone) */
static bool get(int fd, void *p, size_t n, const char *who)
{
	ssize_t got = read(fd, p, n);

	if (got == 0)
		return false;
	if (got != (ssize_t)n)
		tap_bail("%s: read pipe: %s", who,
			 got < 0 ? strerror(errno) : "short read");
	return true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A forked helper: dies with S, and S's pipes ends it too. */
static void child_setup(const char *name)
{
	tap_child(name);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
}

/* ---- T, the target ---- */

enum t_op { T_PAGEOUT = 1, T_MIG_START, T_MIG_STOP };

struct t_setup {
	uintptr_t shm, wp, mig;
	int wp_ok;		/* markers installed */
	int wp_err;		/* errno when not */
};

struct t_mig {
	uint64_t rounds, moved;
	uint64_t bad;		/* pages not holding the pattern after */
};

static char *t_mig_region;
static atomic_bool t_mig_stop;
static atomic_ulong t_rounds, t_moved;

static void *t_mover(void *arg)
{
	unsigned long round;

	(void)arg;
	/* The other vCPU: moves overlap R's reads (R stays on CPU 0). */
	sc_pin_thread(1);
	for (round = 0; !atomic_load(&t_mig_stop); round++) {
		atomic_fetch_add(&t_moved, sc_move_region(t_mig_region, NMIG,
							  (round & 1) ? 0 : 1));
		atomic_fetch_add(&t_rounds, 1);
	}
	return NULL;
}

/* Markers over @n never-populated pages at @p; 0 or errno. */
static int t_uffd_wp(char *p, size_t n, int *uffdp)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
	};
	struct uffdio_register reg = { 0 };
	struct uffdio_writeprotect wp = { 0 };
	int uffd;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		return errno;
	reg.range.start = (uintptr_t)p;
	reg.range.len = n * SC_PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return errno;
	if (!(reg.ioctls & (1ULL << _UFFDIO_WRITEPROTECT)))
		return EOPNOTSUPP;
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
		return errno;
	*uffdp = uffd;		/* kept open: the registration stays */
	return 0;
}

/*
 * @npages at a 2 MiB boundary, inside a PROT_NONE reservation kept up to
 * the end of its last page table (the rest dropped): the page tables of the
 * range hold no other mapping's pages.  6.1's pagemap_read() makes entries
 * up to the end of a table whatever the count (window 1b): a read of a
 * range that ends inside one meets only the empty reservation after it.
 */
static char *map_aligned(size_t npages, int flags)
{
	size_t len = npages * SC_PAGE;
	size_t tables = (len + PMD_BYTES - 1) & ~(PMD_BYTES - 1);
	size_t rlen = tables + PMD_BYTES;
	char *r, *a, *p;

	r = mmap(NULL, rlen, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		tap_bail("target: mmap reservation: %s", strerror(errno));
	a = (char *)(((uintptr_t)r + PMD_BYTES - 1) & ~(PMD_BYTES - 1));
	p = mmap(a, len, PROT_READ | PROT_WRITE,
		 flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p != a)
		tap_bail("target: mmap at %p: %s", (void *)a, strerror(errno));
	if (madvise(a, len, MADV_NOHUGEPAGE))
		tap_bail("target: MADV_NOHUGEPAGE: %s", strerror(errno));
	if (a > r && munmap(r, a - r))
		tap_bail("target: munmap reservation head: %s", strerror(errno));
	if (a + tables < r + rlen &&
	    munmap(a + tables, r + rlen - (a + tables)))
		tap_bail("target: munmap reservation tail: %s", strerror(errno));
	return a;
}

static void target_main(void) __attribute__((noreturn));

static void target_main(void)
{
	struct t_setup su = { 0 };
	struct t_mig m;
	pthread_t mover;
	bool moving = false;
	char *shm, *wp;
	int op, ret, uffd = -1;

	child_setup(NAME " target");
	close(t_cmd[1]);
	close(t_res[0]);
	close(r_cmd[0]);	/* R's pipes: R must see S close them */
	close(r_cmd[1]);
	close(r_res[0]);
	close(r_res[1]);
	shm = map_aligned(NSHM, MAP_SHARED);
	wp = map_aligned(NWP, MAP_SHARED);
	t_mig_region = map_aligned(NMIG, MAP_PRIVATE);
	sc_fill(shm, NSHM, SEED);
	sc_fill(t_mig_region, NMIG, SEED + 1);
	ret = t_uffd_wp(wp, NWP, &uffd);
	su.shm = (uintptr_t)shm;
	su.wp = (uintptr_t)wp;
	su.mig = (uintptr_t)t_mig_region;
	su.wp_ok = !ret;
	su.wp_err = ret;
	put(t_res[1], &su, sizeof(su), "target");

	while (get(t_cmd[0], &op, sizeof(op), "target")) {
		switch (op) {
		case T_PAGEOUT:
			ret = sc_pageout(shm, NSHM);
			put(t_res[1], &ret, sizeof(ret), "target");
			break;
		case T_MIG_START:
			atomic_store(&t_mig_stop, false);
			ret = pthread_create(&mover, NULL, t_mover, NULL);
			moving = !ret;
			put(t_res[1], &ret, sizeof(ret), "target");
			break;
		case T_MIG_STOP:
			atomic_store(&t_mig_stop, true);
			if (moving)
				pthread_join(mover, NULL);
			moving = false;
			m.rounds = atomic_load(&t_rounds);
			m.moved = atomic_load(&t_moved);
			m.bad = sc_verify(t_mig_region, 0, NMIG, SEED + 1);
			put(t_res[1], &m, sizeof(m), "target");
			break;
		default:
			_exit(1);
		}
	}
	/* S closed the pipe: done.  (uffd and the mappings go with us.) */
	_exit(0);
}

/* ---- R, the reader ---- */

enum r_op { R_ONCE = 1, R_MIG_LOOP };

struct r_cmd {
	int op;
	uintptr_t start;
	uint64_t npages;
};

/* R's own view of the entries it got, summed over its reads. */
struct r_view {
	int err;		/* errno of open/pread, 0 if none */
	uint64_t reads, pages;
	uint64_t present, swap, neither, uffd_wp;
	uint64_t mig;		/* PM_SWAP, a migration type */
	uint64_t marker;	/* PM_SWAP, the marker type, offset UFFD_WP */
	uint64_t other;		/* PM_SWAP, any other type */
	uint64_t mig_type[3];	/* read, read exclusive, write */
	uint64_t first_mig, first_marker, first_other;	/* entries */
	double secs;
};

static uint64_t r_buf[NSHM];
static pid_t target_pid;

static void r_count(struct r_view *v, const uint64_t *e, size_t n)
{
	unsigned int t;
	size_t i;

	for (i = 0; i < n; i++) {
		v->uffd_wp += !!(e[i] & SC_PM_UFFD_WP);
		if (e[i] & SC_PM_PRESENT) {
			v->present++;
			continue;
		}
		if (!(e[i] & SC_PM_SWAP)) {
			v->neither++;
			continue;
		}
		v->swap++;
		t = SWP_TYPE(e[i]);
		if (t >= mig_first && t <= mig_last) {
			v->mig++;
			v->mig_type[t - mig_first]++;
			if (!v->first_mig)
				v->first_mig = e[i];
		} else if (t == marker_type &&
			   SWP_OFFSET(e[i]) == MARKER_UFFD_WP) {
			v->marker++;
			if (!v->first_marker)
				v->first_marker = e[i];
		} else {
			v->other++;
			if (!v->first_other)
				v->first_other = e[i];
		}
	}
}

static void r_read(struct r_view *v, int fd, const struct r_cmd *c)
{
	size_t len = c->npages * sizeof(uint64_t);
	ssize_t n;

	n = pread(fd, r_buf, len, (off_t)(c->start / SC_PAGE * 8));
	if (n != (ssize_t)len) {
		v->err = n < 0 ? errno : EIO;
		return;
	}
	v->reads++;
	v->pages += c->npages;
	r_count(v, r_buf, c->npages);
}

static void reader_main(void) __attribute__((noreturn));

static void reader_main(void)
{
	struct r_view v;
	struct r_cmd c;
	char path[64];
	double t0;
	int fd;

	child_setup(NAME " reader");
	close(r_cmd[1]);
	close(r_res[0]);
	close(t_cmd[1]);	/* T's pipes: T must see S close them */
	close(t_res[0]);
	memset(r_buf, 0, sizeof(r_buf));	/* faulted in before any window */
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)target_pid);
	while (get(r_cmd[0], &c, sizeof(c), "reader")) {
		memset(&v, 0, sizeof(v));
		t0 = now();
		if (c.npages > NSHM) {
			v.err = EINVAL;
		} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			v.err = errno;
		} else {
			do
				r_read(&v, fd, &c);
			while (c.op == R_MIG_LOOP && !v.err &&
			       v.mig < MIG_WANT && now() < t0 + MIG_SECONDS);
			close(fd);
		}
		v.secs = now() - t0;
		put(r_res[1], &v, sizeof(v), "reader");
	}
	_exit(0);
}

/* ---- S: orders ---- */

static pid_t reader_pid;

static int t_order(int op)
{
	int ret;

	put(t_cmd[1], &op, sizeof(op), "scenario");
	if (!get(t_res[0], &ret, sizeof(ret), "scenario"))
		tap_bail("target gone");
	return ret;
}

static void r_order(int op, uintptr_t start, size_t npages, struct r_view *v,
		    const char *ctx)
{
	struct r_cmd c = { .op = op, .start = start, .npages = npages };

	put(r_cmd[1], &c, sizeof(c), "scenario");
	if (!get(r_res[0], v, sizeof(*v), "scenario"))
		tap_bail("%s: reader gone", ctx);
	if (v->err)
		tap_bail("%s: reader: /proc/%d/pagemap: %s", ctx,
			 (int)target_pid, strerror(v->err));
}

static void r_diag(const struct r_view *v, const char *ctx)
{
	tap_diag("%s: reader: %llu reads, %llu entries in %.2f s: present %llu, "
		 "swap %llu (migration %llu [r %llu rx %llu w %llu], marker %llu, "
		 "other %llu), neither %llu, uffd_wp %llu", ctx,
		 (unsigned long long)v->reads, (unsigned long long)v->pages,
		 v->secs, (unsigned long long)v->present,
		 (unsigned long long)v->swap, (unsigned long long)v->mig,
		 (unsigned long long)v->mig_type[0],
		 (unsigned long long)v->mig_type[1],
		 (unsigned long long)v->mig_type[2],
		 (unsigned long long)v->marker, (unsigned long long)v->other,
		 (unsigned long long)v->neither, (unsigned long long)v->uffd_wp);
	if (v->first_mig)
		tap_diag("%s: first migration entry 0x%016llx (type %u)", ctx,
			 (unsigned long long)v->first_mig,
			 SWP_TYPE(v->first_mig));
	if (v->first_marker)
		tap_diag("%s: first marker entry 0x%016llx (type %u offset %llu)",
			 ctx, (unsigned long long)v->first_marker,
			 SWP_TYPE(v->first_marker),
			 (unsigned long long)SWP_OFFSET(v->first_marker));
	if (v->first_other)
		tap_diag("%s: first other swap entry 0x%016llx (type %u)", ctx,
			 (unsigned long long)v->first_other,
			 SWP_TYPE(v->first_other));
}

/* ---- scope ---- */

static bool scope_set;

static void scope(const char *what, pid_t pid)
{
	char cmd[32];
	int ret;

	if (pid)
		snprintf(cmd, sizeof(cmd), "scope %d", (int)pid);
	else
		snprintf(cmd, sizeof(cmd), "scope none");
	ret = kv_write_file(CONTROL_FILE, cmd);
	if (ret)
		tap_bail("write '%s' (%s) to %s: %s", cmd, what, CONTROL_FILE,
			 strerror(-ret));
	scope_set = pid != 0;
}

static pid_t main_pid;

static void at_exit(void)
{
	if (getpid() != main_pid || !scope_set)
		return;
	kv_write_file(CONTROL_FILE, "scope none");
	scope_set = false;
}

/* ---- windows ---- */

/* Unjudged judgements of P1-P3 over a window: none where all is exact. */
static uint64_t p_unjudged(const struct sc_rules *a, const struct sc_rules *b)
{
	return b->r[SS_RULE_P1].unjudged - a->r[SS_RULE_P1].unjudged +
	       b->r[SS_RULE_P2].unjudged - a->r[SS_RULE_P2].unjudged +
	       b->r[SS_RULE_P3].unjudged - a->r[SS_RULE_P3].unjudged;
}

/* R reads @npages at @start once, inside a rules window. */
static void read_window(const char *ctx, uintptr_t start, size_t npages,
			struct r_view *v, struct sc_rules *r0,
			struct sc_rules *r1)
{
	sc_rules_snap(r0);
	r_order(R_ONCE, start, npages, v, ctx);
	sc_rules_snap(r1);
	r_diag(v, ctx);
	EXPECT_EQ(npages, v->pages, "%s: reader got %zu entries", ctx, npages);
}

/* P@r's deltas equal R's own count @n, each figure. */
static void expect_p_is(const struct sc_rules *a, const struct sc_rules *b,
			enum ss_rule r, uint64_t n, const char *what,
			const char *ctx)
{
	const char *name = sc_rule_names[r];

	EXPECT_EQ_I(n, sc_d_obs(a, b, r), "%s: %s obs = reader's %s", ctx,
		    name, what);
	EXPECT_EQ_I(n, sc_d_viol(a, b, r), "%s: %s viol = reader's %s", ctx,
		    name, what);
	EXPECT_EQ_I(n, sc_d_impact(a, b, r), "%s: %s impact = reader's %s",
		    ctx, name, what);
}

static const struct sc_rule_want rules_shm[] = {
	SC_RULE(P1, NSHM, NSHM, NSHM),
};

static const struct sc_rule_want rules_wp[] = {
	SC_RULE(P3, NWP, NWP, NWP),
};

/* The module's comparison of another process: one zap in S's mm. */
static const struct sc_rule_want rules_agree[] = {
	SC_RULE(P1, NSHM, NSHM, NSHM),
	SC_RULE(Z4, 1, 0, 0),
};

static struct t_setup su;

static void window_swapped(int64_t *p1)
{
	static struct sc_rules r0, r1;
	struct r_view v;
	const char *ctx = "1 swapped shmem";

	read_window(ctx, su.shm, NSHM, &v, &r0, &r1);
	EXPECT_EQ(NSHM, v.neither,
		  "%s: reader: entries neither present nor swap", ctx);
	EXPECT_EQ(0, v.present + v.swap, "%s: reader: present or swap", ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_shm, ctx);
	expect_p_is(&r0, &r1, SS_RULE_P1, v.neither, "'neither' count", ctx);
	EXPECT_EQ(0, p_unjudged(&r0, &r1), "%s: P1-P3 unjudged +0", ctx);
	p1[0] = sc_d_obs(&r0, &r1, SS_RULE_P1);
	p1[1] = sc_d_viol(&r0, &r1, SS_RULE_P1);
	p1[2] = sc_d_impact(&r0, &r1, SS_RULE_P1);
}

static const struct sc_rule_want rules_part[] = {
	SC_RULE(P1, NPART, NPART, NPART),
};

/*
 * R asks for the first NPART entries of a page table whose other PTEs are
 * swapped shmem too.  6.1's pagemap_read() walks to the PMD's end whatever
 * the count (end_vaddr = task_size; the walk stops at the buffer's end,
 * pm.len = 512) and copies only the NPART asked for; 6.12 stops the walk
 * at the count (end_vaddr from count).  Either way R is told NPART.
 */
static void window_partial(void)
{
	static struct sc_rules r0, r1;
	struct r_view v;
	const char *ctx = "1b swapped shmem, first entries of a table";

	read_window(ctx, su.shm, NPART, &v, &r0, &r1);
	EXPECT_EQ(NPART, v.neither,
		  "%s: reader: entries neither present nor swap", ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_part, ctx);
	expect_p_is(&r0, &r1, SS_RULE_P1, v.neither, "'neither' count", ctx);
	EXPECT_EQ(0, p_unjudged(&r0, &r1), "%s: P1-P3 unjudged +0", ctx);
}

static bool window_markers(void)
{
	static struct sc_rules r0, r1;
	struct r_view v;
	const char *ctx = "2 uffd-wp markers";

	if (!su.wp_ok) {
		tap_skip(strerror(su.wp_err), "%s: uffd-wp on shmem", ctx);
		return false;
	}
	read_window(ctx, su.wp, NWP, &v, &r0, &r1);
	EXPECT_EQ(NWP, v.marker,
		  "%s: reader: PM_SWAP entries of marker type %u offset 1",
		  ctx, marker_type);
	EXPECT_EQ(NWP, v.swap, "%s: reader: PM_SWAP entries", ctx);
	EXPECT_EQ(NWP, v.uffd_wp, "%s: reader: PM_UFFD_WP entries", ctx);
	EXPECT_EQ(0, v.present + v.neither, "%s: reader: present or neither",
		  ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_wp, ctx);
	expect_p_is(&r0, &r1, SS_RULE_P3, v.marker, "marker count", ctx);
	EXPECT_EQ(0, p_unjudged(&r0, &r1), "%s: P1-P3 unjudged +0", ctx);
	return true;
}

static uint64_t window_migration(void)
{
	static struct sc_rules r0, r1;
	struct sc_rule_want want[1];
	uint64_t pg0, pg1;
	struct t_mig m;
	struct r_view v;
	const char *ctx = "3 migration";
	int ret, op = T_MIG_STOP;

	if (!sc_node_exists(0) || !sc_node_exists(1)) {
		tap_skip("needs NUMA nodes 0 and 1 with memory", "%s", ctx);
		return 0;
	}
	pg0 = sc_vmstat("pgmigrate_success");
	sc_rules_snap(&r0);
	ret = t_order(T_MIG_START);
	if (ret)
		tap_bail("%s: target: pthread_create: %s", ctx, strerror(ret));
	r_order(R_MIG_LOOP, su.mig, NMIG, &v, ctx);
	put(t_cmd[1], &op, sizeof(op), "scenario");
	if (!get(t_res[0], &m, sizeof(m), "scenario"))
		tap_bail("%s: target gone", ctx);
	sc_rules_snap(&r1);
	pg1 = sc_vmstat("pgmigrate_success");

	r_diag(&v, ctx);
	tap_diag("%s: target: %llu move_pages rounds, %llu pages moved; "
		 "pgmigrate_success +%llu", ctx, (unsigned long long)m.rounds,
		 (unsigned long long)m.moved, (unsigned long long)(pg1 - pg0));
	EXPECT_GE(1, v.mig, "%s: reader saw migration entries (wanted %d "
		  "within %d s)", ctx, MIG_WANT, MIG_SECONDS);
	EXPECT_EQ(0, v.other, "%s: reader: PM_SWAP entries of other types", ctx);
	EXPECT_EQ(0, v.neither, "%s: reader: entries neither present nor swap",
		  ctx);
	EXPECT_GE(1, m.moved, "%s: target: pages moved", ctx);
	EXPECT_GE(1, pg1 - pg0, "%s: vmstat pgmigrate_success rose", ctx);
	EXPECT_EQ(0, m.bad, "%s: target: data intact after migration", ctx);
	want[0] = (struct sc_rule_want)SC_RULE(P2, v.mig, v.mig, v.mig);
	SC_EXPECT_RULES(&r0, &r1, want, ctx);
	tap_diag("%s: P1-P3 unjudged +%llu", ctx,
		 (unsigned long long)p_unjudged(&r0, &r1));
	return v.mig;
}

static void window_agree(const int64_t *p1)
{
	static struct sc_rules r0, r1;
	struct sc_pmcmp s;
	const char *ctx = "4 agree";
	int ret;

	sc_rules_snap(&r0);
	ret = sc_pmcmp_run(target_pid, (const void *)su.shm, NSHM);
	sc_rules_snap(&r1);
	if (ret)
		tap_bail("%s: write '%d 0x%lx 0x%lx' to %s: %s", ctx,
			 (int)target_pid, (unsigned long)su.shm,
			 (unsigned long)(su.shm + NSHM * SC_PAGE), SC_PMCMP_FILE,
			 strerror(-ret));
	if (sc_pmcmp_read(&s))
		tap_bail("%s: read %s", ctx, SC_PMCMP_FILE);
	tap_diag("%s: %s", ctx, s.summary);
	EXPECT_TRUE(!strcmp(s.state, "done") && s.seen[PMK_P1_IMPACT] &&
		    s.v[PMK_PID] == (uint64_t)target_pid &&
		    s.v[PMK_START] == su.shm &&
		    s.v[PMK_END] == su.shm + NSHM * SC_PAGE && !s.v[PMK_ERR],
		    "%s: pagemap=%s, the target's pid and range", ctx, s.state);
	EXPECT_EQ(NSHM, s.v[PMK_PAGES], "%s: pages compared", ctx);
	EXPECT_EQ(NSHM, s.v[PMK_SHMEM_SWAPPED], "%s: shmem_swapped", ctx);
	EXPECT_EQ_I(sc_d_obs(&r0, &r1, SS_RULE_P1), s.v[PMK_P1_OBS],
		    "%s: p1_obs = rules P1 obs delta", ctx);
	EXPECT_EQ_I(sc_d_viol(&r0, &r1, SS_RULE_P1), s.v[PMK_P1_VIOL],
		    "%s: p1_viol = rules P1 viol delta", ctx);
	EXPECT_EQ_I(sc_d_impact(&r0, &r1, SS_RULE_P1), s.v[PMK_P1_IMPACT],
		    "%s: p1_impact = rules P1 impact delta", ctx);
	EXPECT_EQ_I(sc_d_obs(&r0, &r1, SS_RULE_P2), s.v[PMK_P2_OBS],
		    "%s: p2_obs = rules P2 obs delta", ctx);
	EXPECT_EQ_I(sc_d_viol(&r0, &r1, SS_RULE_P2), s.v[PMK_P2_VIOL],
		    "%s: p2_viol = rules P2 viol delta", ctx);
	EXPECT_EQ_I(sc_d_obs(&r0, &r1, SS_RULE_P3), s.v[PMK_P3_OBS],
		    "%s: p3_obs = rules P3 obs delta", ctx);
	EXPECT_EQ_I(sc_d_viol(&r0, &r1, SS_RULE_P3), s.v[PMK_P3_VIOL],
		    "%s: p3_viol = rules P3 viol delta", ctx);
	EXPECT_EQ_I(p1[0], s.v[PMK_P1_OBS], "%s: p1_obs = window 1's P1 obs",
		    ctx);
	EXPECT_EQ_I(p1[1], s.v[PMK_P1_VIOL],
		    "%s: p1_viol = window 1's P1 viol", ctx);
	EXPECT_EQ_I(p1[2], s.v[PMK_P1_IMPACT],
		    "%s: p1_impact = window 1's P1 impact", ctx);
	SC_EXPECT_RULES(&r0, &r1, rules_agree, ctx);
	EXPECT_EQ(0, p_unjudged(&r0, &r1), "%s: P1-P3 unjudged +0", ctx);
}

static void window_scope(void)
{
	static struct sc_rules r0, r1;
	const struct {
		const char *ctx;
		pid_t pid;
		bool counted;
	} step[] = {
		{ "5 scope target (reader outside)", target_pid, false },
		{ "5 scope scenario (reader and target inside)", main_pid, true },
		{ "5 scope reader (target outside)", reader_pid, true },
	};
	struct r_view v;
	size_t i;

	for (i = 0; i < SC_ARRAY_SIZE(step); i++) {
		scope(step[i].ctx, step[i].pid);
		read_window(step[i].ctx, su.shm, NSHM, &v, &r0, &r1);
		EXPECT_EQ(NSHM, v.neither,
			  "%s: reader: entries neither present nor swap",
			  step[i].ctx);
		if (step[i].counted) {
			SC_EXPECT_RULES(&r0, &r1, rules_shm, step[i].ctx);
			expect_p_is(&r0, &r1, SS_RULE_P1, v.neither,
				    "'neither' count", step[i].ctx);
		} else {
			SC_EXPECT_RULES_QUIET(&r0, &r1, step[i].ctx);
		}
		EXPECT_EQ(0, p_unjudged(&r0, &r1), "%s: P1-P3 unjudged +0",
			  step[i].ctx);
	}
	scope("restore", 0);
}

/* ---- setup: T's swapped shmem ---- */

static void pageout(void)
{
	uint64_t out0, out1;
	long kb = -1;
	int tries, ret;

	out0 = sc_vmstat("pswpout");
	for (tries = 1; tries <= PAGEOUT_TRIES; tries++) {
		ret = t_order(T_PAGEOUT);
		if (ret)
			tap_bail("setup: target: madvise(MADV_PAGEOUT): %s",
				 strerror(-ret));
		kb = sc_smaps_kb(target_pid, (void *)su.shm, NSHM * SC_PAGE,
				 "Swap");
		if (kb == (long)(NSHM * 4))
			break;
	}
	out1 = sc_vmstat("pswpout");
	tap_diag("setup: %d MADV_PAGEOUT call(s), smaps Swap %ld kB, pswpout "
		 "+%llu", tries > PAGEOUT_TRIES ? PAGEOUT_TRIES : tries, kb,
		 (unsigned long long)(out1 - out0));
	EXPECT_EQ(NSHM * 4, kb, "setup: target's smaps Swap (kB)");
	EXPECT_GE(NSHM, out1 - out0, "setup: vmstat pswpout rose by NSHM");
	EXPECT_EQ(0, sc_smaps_kb(target_pid, (void *)su.wp, NWP * SC_PAGE,
				 "Swap"),
		  "setup: smaps Swap of the marker range (kB): not swap");
}

int main(void)
{
	static struct sc_rules r;
	int64_t p1[3] = { 0, 0, 0 };
	struct r_view v;
	uint64_t mig;
	bool wp;
	int status;

	sc_begin(NAME, 0);
	main_pid = getpid();
	swap_types();
	tap_diag("swap types: migration %u-%u, PTE marker %u", mig_first,
		 mig_last, marker_type);
	if (access(SC_PMCMP_FILE, W_OK) || access(CONTROL_FILE, W_OK))
		tap_bail("%s and %s writable", SC_PMCMP_FILE, CONTROL_FILE);
	if (atexit(at_exit))
		tap_bail("atexit");
	if (pipe(t_cmd) || pipe(t_res) || pipe(r_cmd) || pipe(r_res))
		tap_bail("pipe: %s", strerror(errno));

	fflush(stdout);
	target_pid = fork();
	if (target_pid < 0)
		tap_bail("fork target: %s", strerror(errno));
	if (target_pid == 0)
		target_main();
	close(t_cmd[0]);
	close(t_res[1]);
	if (!get(t_res[0], &su, sizeof(su), "scenario"))
		tap_bail("target gone during setup");

	fflush(stdout);
	reader_pid = fork();
	if (reader_pid < 0)
		tap_bail("fork reader: %s", strerror(errno));
	if (reader_pid == 0)
		reader_main();
	close(r_cmd[0]);
	close(r_res[1]);

	/* Outside the windows: R's first read, of resident anon pages. */
	r_order(R_ONCE, su.mig, NMIG, &v, "setup");
	EXPECT_EQ(NMIG, v.present, "setup: reader: resident anon entries");

	pageout();
	window_swapped(p1);
	window_partial();
	wp = window_markers();
	mig = window_migration();
	window_agree(p1);
	window_scope();

	/* Outside the windows: the helpers go. */
	close(r_cmd[1]);
	close(t_cmd[1]);
	if (waitpid(reader_pid, &status, 0) != reader_pid || status)
		tap_fail("reader exit status 0x%x", status);
	if (waitpid(target_pid, &status, 0) != target_pid || status)
		tap_fail("target exit status 0x%x", status);

	sc_rules_snap(&r);
	SC_EXPECT_VERDICT(&r, P1, DIVERGES, "end");
	if (wp)
		SC_EXPECT_VERDICT(&r, P3, DIVERGES, "end");
	if (mig)
		SC_EXPECT_VERDICT(&r, P2, DIVERGES, "end");
	sc_expect_rules_sane(&r, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
