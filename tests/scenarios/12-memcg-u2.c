// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 12-memcg-u2: memcg reclaim of pages charged to memcg A while a process
 * of memcg B maps them with young PTEs (seed 003, rule U2): Hugh's "a
 * recent reference in a foreign vma has rescued that page" no longer holds.
 *
 * Set-up, twice: N anonymous pages shared after fork ("anon-fork"), then N
 * memfd pages mapped MAP_SHARED by both processes ("memfd").
 * - The owner (forked from this process, still in the root cgroup) faults
 *   and mlock()s everything it has (mlockall(MCL_CURRENT)), joins A, and
 *   only then maps and writes the N test pages: they are the only pages
 *   charged to A that sit on an evictable LRU.  (Its other pages were all
 *   faulted while it was in the root cgroup; the copies its own writes
 *   make later are charged to A but land in VM_LOCKED VMAs, so
 *   folio_add_lru_vma() mlocks them, mm/swap.c:543: unevictable, never
 *   scanned.  Without this, a page the owner COW-copies after the clone
 *   would stay mapped only by the toucher, charged to A and evictable.)
 * - It clones the toucher with clone3(CLONE_INTO_CGROUP) straight into B,
 *   so not one page the toucher writes is ever charged to A, and B's mm
 *   has the toucher as mm->owner.  dup_mmap() drops VM_LOCKED in the child
 *   (kernel/fork.c:676).  The toucher reads every word of every test page
 *   once and then blocks: each of its N PTEs is young (anon-fork: fork
 *   copied the PTE old, mm/memory.c:995, and the CPU set the accessed bit
 *   on the read; memfd: the read faults map the pages, x86 PAGE_SHARED
 *   carries _PAGE_ACCESSED).  smaps "Referenced" of both processes shows
 *   it before the reclaim, as an oracle independent of the module.
 * - Then this process (root cgroup) writes to A's memory.reclaim.
 *
 * What the kernel does (Debian's 6.1 source):
 * - memory_reclaim() (mm/memcontrol.c:6622) calls
 *   try_to_free_mem_cgroup_pages() with .target_mem_cgroup = A
 *   (mm/vmscan.c:6775) until the amount asked is reclaimed or 16 retries
 *   made no progress, then -EAGAIN (6655-6656).  We ask for 4N pages, so
 *   every write ends -EAGAIN after reclaiming all N.
 * - shrink_inactive_list() -> shrink_folio_list(): folio_check_references()
 *   (vmscan.c:1457) calls folio_referenced(folio, 1, A, ...) (1463), which
 *   sets rwc.invalid_vma = invalid_folio_referenced_vma (mm/rmap.c:933-935):
 *   a VMA whose mm->owner is not in A's subtree (mm_match_cgroup(),
 *   include/linux/memcontrol.h:868) is skipped by the rmap walk
 *   (rmap.c:2449 anon, 2509 file).  So only the owner's PTE is looked at,
 *   and ptep_clear_flush_young_notify() (rmap.c:836) makes it old.  The
 *   first check finds it young: FOLIOREF_KEEP, PG_referenced set
 *   (vmscan.c:1493-1504).  The next one finds it old: FOLIOREF_RECLAIM
 *   (1511) -- anon and shmem folios are swap-backed, never file-LRU.  The
 *   toucher's young PTE in B is never consulted and never cleared
 *   (shrink_active_list()'s folio_referenced() skips it too).
 * - try_to_unmap() (rmap.c:1823) has no invalid_vma: try_to_unmap_one()
 *   runs for both VMAs of every folio, 2N calls, TTU_BATCH_FLUSH
 *   (vmscan.c:1887), and since TTU_IGNORE_ACCESS became the rule it does not
 *   look at the accessed bit (rmap.c:1474-): every call succeeds.  At its
 *   entry the owner's PTE is old (cleared by the folio_check_references()
 *   of the same shrink_folio_list() pass; the owner sleeps in read()), the
 *   toucher's is young: exactly N of the 2N calls meet a young PTE.  Before
 *   seed 003 (!TTU_IGNORE_ACCESS) ptep_clear_flush_young_notify() there
 *   would have failed each of those N unmaps: the foreign reference would
 *   have rescued the page.
 * - anon-fork: fork made the pages shared (page_try_dup_anon_rmap(),
 *   memory.c:966, clears PageAnonExclusive) and write-protected both PTEs
 *   (984-985): 2N present anon PTEs, none writable or exclusive; each
 *   becomes a non-exclusive swap PTE (swap_duplicate for the second).
 *   memfd: 2N present shmem PTEs, writable (no write-notify on shmem),
 *   each left pte_none; shmem_writepage() -> swap_shmem_alloc() once per
 *   folio.  pageout() -> zram: pswpout +N; each folio's swap charged to A
 *   (memory.swap.current +N pages); pgsteal counted for A's lruvec, and
 *   globally only in pgsteal_anon, not pgsteal_direct/_kswapd, which
 *   count global reclaim only (vmscan.c:2518-2521).
 *
 * Expected rule figures (module/rules.c), per reclaim window:
 * - U2 (ss_judge_unmap_call(), once per try_to_unmap_one()): obs +2N,
 *   viol +0 (no call failed), impact +N (successful reclaim unmaps whose
 *   PTE in that VMA was young at entry: the toucher's, B's).
 * - anon-fork: U1 obs +2N (present anon -> swap), viol 0, impact 0 (not
 *   exclusive after fork).  memfd: U3 obs/viol/impact +2N (pte_none
 *   left, seed 002's marker not in 6.1), C1 obs/viol/impact +N
 *   (SWAP_MAP_SHMEM).  Every other rule +0.
 * Afterwards both processes read their pages back (data intact; anon-fork:
 * 2N do_swap_page(), the second through the swap cache; memfd: shmem
 * swap-in, no do_swap_page()), pswpin +N, and no rule gains a violation.
 * At the end U2 conforms.  Skipped without the cgroup2 memory controller,
 * memory.reclaim or swap; with MGLRU on (6.12's default) it is switched
 * off for the run, the figures being the classic LRU's.  The two cgroups are removed and the root's subtree_control is
 * restored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules.h"
#include "scenario.h"

#define N		256UL
#define CG		"/sys/fs/cgroup"
#define CG_A		CG "/swapscope-12a"
#define CG_B		CG "/swapscope-12b"
/* 4N pages: more than A can give, so every write ends in -EAGAIN. */
#define RECLAIM_ASK	"4M"
#define RECLAIM_WRITES	8

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3	435
#endif

struct sc12_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* One record on the pipe to the main process (atomic: < PIPE_BUF). */
struct sc12_msg {
	int tag;		/* 'O' owner ready, 'T' toucher ready, 'V' verified */
	int val;		/* pages with wrong data */
	long pid;
	uintptr_t addr;
};

enum sc12_kind { K_ANON, K_MEMFD };
static const char *const sc12_kind_name[] = { "anon-fork", "memfd" };

static pid_t sc12_owner = -1, sc12_toucher = -1;
static bool sc12_cg_made, sc12_memory_enabled;

/* ---- expected figures ------------------------------------------------ */

/* 2N unmaps of shared anon pages: present, read-only, not exclusive. */
static const struct sc_want want_anon[] = {
	SC_WANT(RECLAIM, BEFORE, CALLS, 2 * N),
	SC_WANT(RECLAIM, BEFORE, PRESENT, 2 * N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_WRITABLE, 0),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON, 2 * N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON_EXCL, 0),
	SC_WANT(RECLAIM, BEFORE, SWAP, 0),
	SC_WANT(RECLAIM, AFTER, CALLS, 2 * N),
	SC_WANT(RECLAIM, AFTER, PRESENT, 0),
	SC_WANT(RECLAIM, AFTER, SWAP, 2 * N),
	SC_WANT(RECLAIM, AFTER, SWAP_EXCLUSIVE, 0),
	SC_WANT(RECLAIM, AFTER, NONE, 0),
	SC_WANT(RECLAIM, AFTER, FAILED, 0),
};

static const struct sc_rule_want rules_anon[] = {
	SC_RULE(U1, 2 * N, 0, 0),
	SC_RULE(U2, 2 * N, 0, N),
};

/* 2N unmaps of shmem pages: present, writable, left pte_none. */
static const struct sc_want want_memfd[] = {
	SC_WANT(RECLAIM, BEFORE, CALLS, 2 * N),
	SC_WANT(RECLAIM, BEFORE, PRESENT, 2 * N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_WRITABLE, 2 * N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON, 0),
	SC_WANT(RECLAIM, AFTER, CALLS, 2 * N),
	SC_WANT(RECLAIM, AFTER, PRESENT, 0),
	SC_WANT(RECLAIM, AFTER, NONE, 2 * N),
	SC_WANT(RECLAIM, AFTER, SWAP, 0),
	SC_WANT(RECLAIM, AFTER, UFFD_WP_MARKER, 0),
	SC_WANT(RECLAIM, AFTER, FAILED, 0),
};

static const struct sc_rule_want rules_memfd[] = {
	SC_RULE(U2, 2 * N, 0, N),
	SC_RULE(U3, 2 * N, 2 * N, 2 * N),
	SC_RULE(C1, N, N, N),
};

/* ---- small helpers ---------------------------------------------------- */

static bool sc12_has_word(const char *buf, const char *word)
{
	size_t len = strlen(word);
	const char *p = buf;

	while ((p = strstr(p, word))) {
		if ((p == buf || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
			return true;
		p += len;
	}
	return false;
}

/* A file holding one decimal number; -1 if unreadable. */
static int64_t sc12_read_num(const char *path)
{
	char buf[64];

	if (kv_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

static void sc12_send(int fd, int tag, int val, long pid, const void *addr)
{
	struct sc12_msg m = { tag, val, pid, (uintptr_t)addr };

	if (write(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
		tap_bail("write message '%c': %s", tag, strerror(errno));
}

static void sc12_recv(int fd, struct sc12_msg *m, const char *what)
{
	ssize_t n;

	do
		n = read(fd, m, sizeof(*m));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*m))
		tap_bail("%s: no message (%zd: %s)", what, n,
			 n < 0 ? strerror(errno) : "a helper process died");
}

static void sc12_cmd(int fd, char c)
{
	fflush(stdout);
	if (write(fd, &c, 1) != 1)
		tap_bail("write command '%c': %s", c, strerror(errno));
}

/* ---- the toucher: memcg B --------------------------------------------- */

static __attribute__((noreturn)) void toucher(char *p, int up, int cmd,
					      uint64_t seed)
{
	cpu_set_t set;
	char c;
	int bad;

	tap_child("12-memcg-u2 toucher");
	/* The other vCPU, where present; where it runs does not matter. */
	CPU_ZERO(&set);
	CPU_SET(1, &set);
	sched_setaffinity(0, sizeof(set), &set);
	/* Read every word of every page: every PTE of ours turns young. */
	bad = (int)sc_verify(p, 0, N, seed);
	sc12_send(up, 'T', bad, getpid(), p);
	while (read(cmd, &c, 1) == 1 && c == 'v') {
		bad = (int)sc_verify(p, 0, N, seed);
		sc12_send(up, 'V', bad, getpid(), p);
	}
	_exit(tap_end());
}

/* ---- the owner: memcg A ------------------------------------------------- */

/* Fault in the stack the owner will ever use while still in the root. */
static __attribute__((noinline)) void sc12_pretouch_stack(void)
{
	volatile char buf[256 * 1024];
	size_t i;

	for (i = 0; i < sizeof(buf); i += SC_PAGE)
		buf[i] = 1;
}

static __attribute__((noreturn)) void owner(enum sc12_kind k, int up, int cmd,
					    int tcmd, int bfd, uint64_t seed)
{
	struct sc12_clone_args args;
	int status, fd, bad;
	long pid;
	char *p, c;

	tap_child("12-memcg-u2 owner");
	sc12_pretouch_stack();
	if (mlockall(MCL_CURRENT))
		tap_bail("owner: mlockall(MCL_CURRENT): %s", strerror(errno));
	if ((status = kv_write_file(CG_A "/cgroup.procs", "0")))
		tap_bail("owner: join %s: %s", CG_A, strerror(-status));

	/* The only evictable pages charged to A from here on. */
	if (k == K_ANON) {
		p = sc_map_anon(N);
	} else {
		fd = syscall(SYS_memfd_create, "swapscope-12", 0);
		if (fd < 0 || ftruncate(fd, N * SC_PAGE))
			tap_bail("owner: memfd: %s", strerror(errno));
		p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			tap_bail("owner: mmap memfd: %s", strerror(errno));
	}
	sc_fill(p, N, seed);

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)bfd;
	fflush(stdout);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		tap_bail("owner: clone3(CLONE_INTO_CGROUP): %s", strerror(errno));
	if (pid == 0)
		toucher(p, up, tcmd, seed);
	sc12_send(up, 'O', 0, pid, p);

	while (read(cmd, &c, 1) == 1 && c == 'v') {
		bad = (int)sc_verify(p, 0, N, seed);
		sc12_send(up, 'V', bad, getpid(), p);
	}
	if (waitpid(pid, &status, 0) != pid)
		tap_bail("owner: waitpid toucher: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "owner: toucher exited cleanly (status 0x%x)", status);
	_exit(tap_end());
}

/* ---- one run ------------------------------------------------------------- */

/* All N pages of the owner's range are out. */
static bool sc12_all_out(enum sc12_kind k, const char *p)
{
	struct sc_pm pm;

	if (k == K_ANON)
		return !sc_pagemap(sc12_owner, p, N, &pm) && pm.swapped == N;
	return sc_smaps_kb(sc12_owner, p, N * SC_PAGE, "Swap") == (long)(N * 4);
}

static void sc12_expect_pm(pid_t pid, const char *who, const char *p,
			   size_t present, size_t swapped, const char *ctx)
{
	struct sc_pm pm;

	if (sc_pagemap(pid, p, N, &pm)) {
		tap_fail("%s: read %s's pagemap", ctx, who);
		return;
	}
	EXPECT_EQ(present, pm.present, "%s: %s's pagemap PM_PRESENT pages",
		  ctx, who);
	EXPECT_EQ(swapped, pm.swapped, "%s: %s's pagemap PM_SWAP pages",
		  ctx, who);
}

static void run(enum sc12_kind k, int bfd, uint64_t seed)
{
	const char *kind = sc12_kind_name[k];
	int up[2], ocmd[2], tcmd[2], status, err[RECLAIM_WRITES], writes, i;
	uint64_t out0, out1, in0, in1, st0, st1, sd0, sd1, sk0, sk1;
	int64_t swa0, swa1, swb0, swb1;
	long vso0, vso1, vst0, vst1;
	struct sc_rules r0, r1, r2, r3;
	struct sc_snap s0, s1, s2, s3;
	struct sc12_msg m, mo = { 0 }, mt = { 0 };
	bool got_o = false, got_t = false, all_out;
	int64_t dv;
	char ctx[64];
	char *p;

	if (pipe(up) || pipe(ocmd) || pipe(tcmd))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	sc12_owner = fork();
	if (sc12_owner < 0)
		tap_bail("fork: %s", strerror(errno));
	if (sc12_owner == 0) {
		close(up[0]);
		close(ocmd[1]);
		close(tcmd[1]);
		owner(k, up[1], ocmd[0], tcmd[0], bfd, seed);
	}
	close(up[1]);
	close(ocmd[0]);
	close(tcmd[0]);
	while (!got_o || !got_t) {
		sc12_recv(up[0], &m, kind);
		if (m.tag == 'O') {
			mo = m;
			got_o = true;
			sc12_toucher = (pid_t)m.pid;
		} else if (m.tag == 'T') {
			mt = m;
			got_t = true;
		} else {
			tap_bail("%s: unexpected message '%c'", kind, m.tag);
		}
	}
	p = (char *)mo.addr;
	EXPECT_TRUE(mt.addr == mo.addr, "%s: the toucher maps the range at the owner's address",
		    kind);
	EXPECT_EQ(0, mt.val, "%s: toucher (memcg B) read the pages: pages with wrong data",
		  kind);

	/* ---- before: both PTEs young, all pages present ---- */
	snprintf(ctx, sizeof(ctx), "%s before", kind);
	EXPECT_EQ_I(N * 4, sc_smaps_kb(sc12_toucher, p, N * SC_PAGE, "Referenced"),
		    "%s: toucher's smaps Referenced (kB): its PTEs are young", ctx);
	EXPECT_EQ_I(N * 4, sc_smaps_kb(sc12_owner, p, N * SC_PAGE, "Referenced"),
		    "%s: owner's smaps Referenced (kB)", ctx);
	sc12_expect_pm(sc12_owner, "owner", p, N, 0, ctx);
	sc12_expect_pm(sc12_toucher, "toucher", p, N, 0, ctx);
	vso0 = sc_status_kb(sc12_owner, "VmSwap");
	vst0 = sc_status_kb(sc12_toucher, "VmSwap");
	swa0 = sc12_read_num(CG_A "/memory.swap.current");
	swb0 = sc12_read_num(CG_B "/memory.swap.current");

	/* ---- memcg reclaim of A ---- */
	out0 = sc_vmstat("pswpout");
	in0 = sc_vmstat("pswpin");
	st0 = sc_vmstat("pgsteal_anon");
	sd0 = sc_vmstat("pgsteal_direct");
	sk0 = sc_vmstat("pgsteal_kswapd");
	fflush(stdout);
	sc_snap(&s0);
	sc_rules_snap(&r0);
	for (writes = 0, all_out = false; writes < RECLAIM_WRITES && !all_out;) {
		err[writes++] = kv_write_file(CG_A "/memory.reclaim", RECLAIM_ASK);
		all_out = sc12_all_out(k, p);
	}
	sc_rules_snap(&r1);
	sc_snap(&s1);
	out1 = sc_vmstat("pswpout");
	in1 = sc_vmstat("pswpin");
	st1 = sc_vmstat("pgsteal_anon");
	sd1 = sc_vmstat("pgsteal_direct");
	sk1 = sc_vmstat("pgsteal_kswapd");

	snprintf(ctx, sizeof(ctx), "%s reclaim", kind);
	for (i = 0; i < writes; i++)
		EXPECT_TRUE(err[i] == 0 || err[i] == -EAGAIN,
			    "%s: write %d of %s to memory.reclaim: %s (EAGAIN: asked more than A holds)",
			    ctx, i + 1, RECLAIM_ASK, err[i] ? strerror(-err[i]) : "ok");
	EXPECT_TRUE(all_out, "%s: all %lu pages reclaimed after %d write(s)",
		    ctx, N, writes);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, 2 * N, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_SHMEM_SWAP, k == K_MEMFD ? N : 0, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_SWAPIN, 0, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_FORK, 0, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 0, ctx);
	if (k == K_ANON)
		SC_EXPECT_STATS(&s0, &s1, want_anon, ctx);
	else
		SC_EXPECT_STATS(&s0, &s1, want_memfd, ctx);
	sc_diag_path(&s0, &s1, SS_PATH_RECLAIM, ctx);
	if (k == K_ANON)
		SC_EXPECT_RULES(&r0, &r1, rules_anon, ctx);
	else
		SC_EXPECT_RULES(&r0, &r1, rules_memfd, ctx);
	EXPECT_EQ(N, out1 - out0, "%s: pswpout delta", ctx);
	EXPECT_EQ(0, in1 - in0, "%s: pswpin delta", ctx);
	EXPECT_EQ(N, st1 - st0, "%s: pgsteal_anon delta", ctx);
	EXPECT_EQ(0, (sd1 - sd0) + (sk1 - sk0),
		  "%s: pgsteal_direct + pgsteal_kswapd delta (global reclaim only)",
		  ctx);
	swa1 = sc12_read_num(CG_A "/memory.swap.current");
	swb1 = sc12_read_num(CG_B "/memory.swap.current");
	if (swa0 >= 0 && swa1 >= 0 && swb0 >= 0 && swb1 >= 0) {
		EXPECT_EQ_I(N * SC_PAGE, swa1 - swa0,
			    "%s: A's memory.swap.current delta (bytes)", ctx);
		EXPECT_EQ_I(0, swb1 - swb0,
			    "%s: B's memory.swap.current delta (bytes)", ctx);
	} else {
		tap_skip("no memory.swap.current", "%s: memcg swap charges", ctx);
	}
	if (k == K_ANON) {
		sc12_expect_pm(sc12_owner, "owner", p, 0, N, ctx);
		sc12_expect_pm(sc12_toucher, "toucher", p, 0, N, ctx);
		vso1 = sc_status_kb(sc12_owner, "VmSwap");
		vst1 = sc_status_kb(sc12_toucher, "VmSwap");
		EXPECT_EQ_I(N * 4, vso1 - vso0, "%s: owner's VmSwap delta (kB)", ctx);
		EXPECT_EQ_I(N * 4, vst1 - vst0, "%s: toucher's VmSwap delta (kB)", ctx);
	} else {
		/* pte_none on both sides (seed 002); the xarray holds the swap. */
		sc12_expect_pm(sc12_owner, "owner", p, 0, 0, ctx);
		sc12_expect_pm(sc12_toucher, "toucher", p, 0, 0, ctx);
		EXPECT_EQ_I(N * 4, sc_smaps_kb(sc12_owner, p, N * SC_PAGE, "Swap"),
			    "%s: owner's smaps Swap (kB)", ctx);
		EXPECT_EQ_I(N * 4, sc_smaps_kb(sc12_toucher, p, N * SC_PAGE, "Swap"),
			    "%s: toucher's smaps Swap (kB)", ctx);
	}

	/* ---- both read their pages back: toucher first, then owner ---- */
	snprintf(ctx, sizeof(ctx), "%s read back", kind);
	in0 = sc_vmstat("pswpin");
	sc_snap(&s2);
	sc_rules_snap(&r2);
	sc12_cmd(tcmd[1], 'v');
	sc12_recv(up[0], &mt, ctx);
	sc12_cmd(ocmd[1], 'v');
	sc12_recv(up[0], &mo, ctx);
	sc_rules_snap(&r3);
	sc_snap(&s3);
	in1 = sc_vmstat("pswpin");
	EXPECT_TRUE(mt.tag == 'V' && mt.val == 0,
		    "%s: toucher's pages intact (%d wrong)", ctx, mt.val);
	EXPECT_TRUE(mo.tag == 'V' && mo.val == 0,
		    "%s: owner's pages intact (%d wrong)", ctx, mo.val);
	sc_expect_hits_match(&s2, &s3, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s2, &s3, SS_PROBE_SWAPIN, k == K_ANON ? 2 * N : 0, ctx);
	sc_expect_hits(&s2, &s3, SS_PROBE_RECLAIM, 0, ctx);
	EXPECT_EQ(N, in1 - in0, "%s: pswpin delta", ctx);
	for (i = 0, dv = 0; i < SS_NR_RULES; i++)
		dv += sc_d_viol(&r2, &r3, i) ? 1 : 0;
	EXPECT_EQ(0, dv, "%s: rules that gained a violation", ctx);
	sc_diag_rules(&r2, &r3, ctx);

	/* ---- both exit ---- */
	sc12_cmd(tcmd[1], 'x');
	sc12_cmd(ocmd[1], 'x');
	if (waitpid(sc12_owner, &status, 0) != sc12_owner)
		tap_bail("waitpid owner: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: owner and toucher checks passed (status 0x%x)", kind,
		    status);
	sc12_owner = sc12_toucher = -1;
	close(up[0]);
	close(ocmd[1]);
	close(tcmd[1]);
}

/* ---- cgroups ------------------------------------------------------------ */

#define LRU_GEN	"/sys/kernel/mm/lru_gen/enabled"
static char sc12_lru_gen[32];

static void sc12_restore_lru_gen(void)
{
	sc12_lru_gen[strcspn(sc12_lru_gen, "\n")] = '\0';
	if (kv_write_file(LRU_GEN, sc12_lru_gen))
		tap_diag("could not restore %s to %s", LRU_GEN, sc12_lru_gen);
}

static char sc12_buf[4096];

/* Returns false (after a skip line) when the scenario cannot run here. */
static bool sc12_setup(void)
{
	int64_t v;

	if (kv_read_file(CG "/cgroup.controllers", sc12_buf, sizeof(sc12_buf)) < 0 ||
	    !sc12_has_word(sc12_buf, "memory")) {
		tap_skip("no cgroup2 memory controller at " CG,
			 "memcg reclaim with a foreign young PTE");
		return false;
	}
	if (kv_read_file("/proc/swaps", sc12_buf, sizeof(sc12_buf)) < 0 ||
	    !strchr(sc12_buf, '\n') || !strchr(strchr(sc12_buf, '\n') + 1, '\n')) {
		tap_skip("no swap device", "memcg reclaim with a foreign young PTE");
		return false;
	}
	/*
	 * MGLRU (on by default in 6.12's config) ages pages its own way and
	 * clears neighbours' young bits in lru_gen_look_around(): the figures
	 * below are the classic LRU's, so it is switched off for the run and
	 * back on at exit (MGLRU reclaim is exercised by the stress stages).
	 */
	if (kv_read_file(LRU_GEN, sc12_lru_gen, sizeof(sc12_lru_gen)) > 0 &&
	    strtoul(sc12_lru_gen, NULL, 0)) {
		if (kv_write_file(LRU_GEN, "n")) {
			tap_skip("MGLRU enabled and cannot be switched off",
				 "memcg reclaim with a foreign young PTE");
			return false;
		}
		tap_diag("MGLRU switched off for this scenario (was %.*s)",
			 (int)strcspn(sc12_lru_gen, "\n"), sc12_lru_gen);
		atexit(sc12_restore_lru_gen);
	}
	v = sc12_read_num("/proc/sys/vm/swappiness");
	if (!v) {
		tap_skip("vm.swappiness is 0: memcg reclaim would not swap",
			 "memcg reclaim with a foreign young PTE");
		return false;
	}
	if (kv_read_file(CG "/cgroup.subtree_control", sc12_buf,
			 sizeof(sc12_buf)) < 0)
		tap_bail("read " CG "/cgroup.subtree_control");
	if (!sc12_has_word(sc12_buf, "memory")) {
		if (kv_write_file(CG "/cgroup.subtree_control", "+memory")) {
			tap_skip("cannot enable the memory controller for children",
				 "memcg reclaim with a foreign young PTE");
			return false;
		}
		sc12_memory_enabled = true;
	}
	rmdir(CG_A);	/* left over from an interrupted run */
	rmdir(CG_B);
	if (mkdir(CG_A, 0755) || mkdir(CG_B, 0755))
		tap_bail("mkdir %s, %s: %s", CG_A, CG_B, strerror(errno));
	sc12_cg_made = true;
	if (access(CG_A "/memory.reclaim", W_OK)) {
		tap_skip("no memory.reclaim on this kernel",
			 "memcg reclaim with a foreign young PTE");
		return false;
	}
	return true;
}

static int sc12_rmdir(const char *path)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		usleep(20000);
	}
	return -errno;
}

/* Idempotent; also the atexit handler when a check bails out. */
static void sc12_cleanup(void)
{
	static bool done;
	int ea, eb, ec = 0;

	if (done)
		return;
	done = true;
	if (sc12_toucher > 0)
		kill(sc12_toucher, SIGKILL);
	if (sc12_owner > 0) {
		kill(sc12_owner, SIGKILL);
		waitpid(sc12_owner, NULL, 0);
	}
	if (sc12_cg_made) {
		ea = sc12_rmdir(CG_A);
		eb = sc12_rmdir(CG_B);
		if (sc12_memory_enabled)
			ec = kv_write_file(CG "/cgroup.subtree_control", "-memory");
		EXPECT_TRUE(!ea && !eb, "cleanup: cgroups %s and %s removed (%s, %s)",
			    CG_A, CG_B, ea ? strerror(-ea) : "ok",
			    eb ? strerror(-eb) : "ok");
		if (sc12_memory_enabled)
			EXPECT_TRUE(!ec, "cleanup: memory controller off again in the root's subtree_control (%s)",
				    ec ? strerror(-ec) : "ok");
	} else if (sc12_memory_enabled) {
		kv_write_file(CG "/cgroup.subtree_control", "-memory");
	}
	fflush(stdout);
}

int main(void)
{
	struct sc_rules r;
	int bfd;

	sc_begin("12-memcg-u2", 0);
	atexit(sc12_cleanup);
	if (!sc12_setup()) {
		sc12_cleanup();
		return tap_end();
	}
	bfd = open(CG_B, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		tap_bail("open %s: %s", CG_B, strerror(errno));

	run(K_ANON, bfd, 0x1212);
	run(K_MEMFD, bfd, 0x1221);
	close(bfd);

	/* ---- verdicts this scenario fixes on the stock kernel ---- */
	sc_rules_snap(&r);
	SC_EXPECT_VERDICT(&r, U2, CONFORMS, "end");
	sc_expect_rules_sane(&r, SC_STOCK_61_DIVERGES, "end");
	sc12_cleanup();
	return tap_end();
}
