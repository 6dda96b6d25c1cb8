// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 08-audit: the on-demand swap-slot audit of rule C2 (seed 004) on a
 * known set of swapped pages.
 *
 * Expected figures, from Debian's 6.1 source (mm/swapfile.c, mm/shmem.c):
 * - MADV_PAGEOUT of N written private anonymous pages gives each a slot of
 *   count 1 referenced by one swap PTE; fork() duplicates every entry
 *   (copy_nonpresent_pte -> swap_duplicate): count 2, two PTEs, one slot.
 * - MADV_PAGEOUT of N written shared anonymous (shmem) pages moves each
 *   to swap: swap_shmem_alloc() puts its slot in the SWAP_MAP_SHMEM state
 *   (count one, its owner), the inode's xarray holds the swap entry and
 *   the PTE is left none.
 * So, against an audit just before, this adds exactly 2N slots, all
 * referenced, N of them shmem-owned, and none is a leak, an overcount or
 * an undercount.  Once the child exited and both ranges are unmapped,
 * the slots are free again: back to the first audit's figures.  The
 * exact comparisons hold when no slot was busy (the guest is otherwise
 * idle); with busy slots they are lower bounds.
 * C2's observations are the slots the audits judged, since it started.
 *
 * Then the same audit while two workers churn swap on both CPUs (private
 * anon pages swapped out, shared by a fork, swapped in and unmapped;
 * memfd pages swapped out, punched and truncated): slots change under the
 * walks, and the audit must skip them as busy, never report them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "rules.h"
#include "scenario.h"

#define N		256UL
#define SEED_ANON	0x0808
#define SEED_SHMEM	0x0880
#define CONTROL		SWAPSCOPE_DEBUGFS_DIR "/control"
#define CHURN_PAGES	64UL
#define CHURN_AUDITS	20

/* Under churn: one line per audit only when it went wrong. */
static bool quiet;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Run one audit, parse its summary; false (and a failure) if it did not.
 * Unless quiet, also check that it moved C2 by the slots it judged and
 * its bad ones, and no other rule at all.
 */
static bool run_audit(const char *ctx, struct sc_audit *r)
{
	struct sc_rules r0, r1;
	double t0, write_ms;
	int err;

	if (!quiet)
		sc_rules_snap(&r0);
	t0 = now_ms();
	err = kv_write_file(SC_AUDIT_FILE, "run");
	write_ms = now_ms() - t0;
	if (!quiet)
		sc_rules_snap(&r1);
	if (err || !quiet) {
		if (!tap_check(!err, "%s: write 'run' to audit (%s)", ctx,
			       err ? strerror(-err) : "ok"))
			return false;
	}
	if (!sc_audit_read(r, quiet, ctx))
		return false;
	if (quiet)
		return true;
	tap_diag("%s: write('run') took %.1f ms, audit duration_ms=%" PRIu64,
		 ctx, write_ms, r->duration_ms);
	{
		const struct sc_rule_want want[] = {
			SC_RULE(C2, r->slots,
				r->leaks + r->overcounts + r->undercounts, 0),
		};

		SC_EXPECT_RULES(&r0, &r1, want, ctx);
	}
	return true;
}

static void expect_clean(const char *ctx, const struct sc_audit *r)
{
	EXPECT_EQ(0, r->leaks, "%s: leaks", ctx);
	EXPECT_EQ(0, r->overcounts, "%s: overcounts", ctx);
	EXPECT_EQ(0, r->undercounts, "%s: undercounts", ctx);
	EXPECT_EQ(0, r->nbad, "%s: bad slot lines", ctx);
}

/* exp == got when no slot was busy in either audit, else exp <= got + busy. */
static void expect_delta(const char *what, uint64_t exp, uint64_t a,
			 uint64_t b, uint64_t busy)
{
	if (!busy)
		EXPECT_EQ_I((int64_t)exp, (int64_t)(b - a), "%s", what);
	else
		EXPECT_GE(exp, b + busy - a, "%s (%" PRIu64 " slots busy)",
			  what, busy);
}

/*
 * C2 as it was when the scenario started: the counts of the whole run are
 * kept (no reset), so `make demo` reports every scenario, and this one
 * compares against them.
 */
static struct sc_rules c2_base;

/* C2 since the start: every slot the audits judged, none of them bad. */
static void expect_c2(const char *ctx, uint64_t observations)
{
	struct sc_rules now;
	const struct sc_rule_line *c2 = &now.r[SS_RULE_C2];
	const struct sc_rule_line *b = &c2_base.r[SS_RULE_C2];

	sc_rules_snap(&now);
	EXPECT_TRUE(c2->enabled, "%s: C2 enabled", ctx);
	EXPECT_EQ(observations, c2->obs - b->obs,
		  "%s: C2 observations = slots the audits judged", ctx);
	EXPECT_EQ(0, c2->viol - b->viol, "%s: C2 violations", ctx);
	/* With no slot in use yet, nothing was judged: not-observed. */
	if (observations)
		SC_EXPECT_VERDICT(&now, C2, CONFORMS, ctx);
	else
		SC_EXPECT_VERDICT(&now, C2, NOT_OBSERVED, ctx);
}

/*
 * Malformed commands fail with EINVAL, an over-long one with E2BIG, and
 * they leave the last result as it was.
 */
static void bad_writes(void)
{
	static const struct { const char *cmd, *label; } bad[] = {
		{ "bogus", "bogus" }, { "run now", "run now" },
		{ "runrun", "runrun" }, { " ", "a blank" },
		{ "run\nrun", "run\\nrun" },
	};
	static char before[4096], after[4096];
	size_t i;
	int err;

	if (kv_read_file(SC_AUDIT_FILE, before, sizeof(before)) < 0)
		tap_bail("read %s: %s", SC_AUDIT_FILE, strerror(errno));
	if (!strcmp(before, "audit=never\n"))
		tap_pass("audit=never before a first run");
	else
		tap_skip("an audit ran before this scenario",
			 "audit=never before a first run");
	/* swapscope's error lines for these are expected. */
	kv_write_file("/dev/kmsg", "<3>swapscope-test: expect-errors-begin");
	for (i = 0; i < SC_ARRAY_SIZE(bad); i++) {
		err = kv_write_file(SC_AUDIT_FILE, bad[i].cmd);
		EXPECT_EQ_I(-EINVAL, err, "malformed write (%s) fails with EINVAL",
			    bad[i].label);
	}
	/* Over-long, as for control and pagemap: E2BIG. */
	err = kv_write_file(SC_AUDIT_FILE, "run run run run run run");
	EXPECT_EQ_I(-E2BIG, err, "an over-long write (24 bytes) fails with E2BIG");
	kv_write_file("/dev/kmsg", "<3>swapscope-test: expect-errors-end");
	if (kv_read_file(SC_AUDIT_FILE, after, sizeof(after)) < 0)
		tap_bail("read %s: %s", SC_AUDIT_FILE, strerror(errno));
	EXPECT_TRUE(!strcmp(before, after),
		    "malformed writes leave the audit file unchanged");
}

/* Run on every CPU, not just the one sc_begin pinned the scenario to. */
static void unpin(void)
{
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Private anon pages: swapped out, shared by a fork, swapped in, unmapped. */
static void __attribute__((noreturn)) churn_anon(void)
{
	pid_t pid;
	char *p;

	for (;;) {
		p = sc_map_anon(CHURN_PAGES);
		sc_fill(p, CHURN_PAGES, 1);
		sc_pageout(p, CHURN_PAGES);
		pid = fork();
		if (pid == 0) {
			sc_touch_write(p, 0, CHURN_PAGES / 4, 1);
			sc_pageout(p, CHURN_PAGES);
			_exit(0);
		}
		sc_touch_read(p, CHURN_PAGES / 2, CHURN_PAGES / 4);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		sc_pageout(p, CHURN_PAGES);
		munmap(p, CHURN_PAGES * SC_PAGE);
	}
}

/* memfd pages: swapped out, partly read back, punched, truncated. */
static void __attribute__((noreturn)) churn_shmem(void)
{
	int fd = syscall(SYS_memfd_create, "swapscope-08", 0);
	char *p;

	for (;;) {
		if (fd < 0 || ftruncate(fd, CHURN_PAGES * SC_PAGE))
			_exit(1);
		p = mmap(NULL, CHURN_PAGES * SC_PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			_exit(1);
		sc_fill(p, CHURN_PAGES, 2);
		sc_pageout(p, CHURN_PAGES);
		sc_touch_read(p, 0, CHURN_PAGES / 4);
		fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  CHURN_PAGES / 4 * SC_PAGE, CHURN_PAGES / 4 * SC_PAGE);
		sc_pageout(p, CHURN_PAGES);
		munmap(p, CHURN_PAGES * SC_PAGE);
		if (ftruncate(fd, 0))
			_exit(1);
	}
}

/* Audits while the workers churn: none may report a bad slot. */
static uint64_t churn(void)
{
	uint64_t judged = 0, busy = 0, bad = 0, ms = 0;
	struct sc_audit r;
	pid_t w[2];
	char ctx[32];
	int i, n;

	fflush(stdout);
	for (i = 0; i < 2; i++) {
		w[i] = fork();
		if (w[i] < 0)
			tap_bail("fork: %s", strerror(errno));
		if (w[i] == 0) {
			tap_child("08-audit churn");
			unpin();
			if (i)
				churn_shmem();
			churn_anon();
		}
	}
	usleep(200 * 1000);
	quiet = true;
	for (n = 0; n < CHURN_AUDITS; n++) {
		snprintf(ctx, sizeof(ctx), "churn %d", n);
		if (!run_audit(ctx, &r))
			break;
		judged += r.slots;
		busy += r.busy;
		bad += r.leaks + r.overcounts + r.undercounts;
		ms = r.duration_ms > ms ? r.duration_ms : ms;
	}
	quiet = false;
	for (i = 0; i < 2; i++) {
		kill(w[i], SIGKILL);
		waitpid(w[i], NULL, 0);
	}
	tap_diag("churn: %d audits, %" PRIu64 " slots judged, %" PRIu64
		 " skipped as busy, the longest took %" PRIu64 " ms", n, judged,
		 busy, ms);
	EXPECT_EQ(0, bad, "churn: bad slots reported under churn");
	return judged;
}

int main(void)
{
	struct sc_audit a0, a1, a2;
	uint64_t judged = 0, busy;
	int go[2], status;
	struct sc_pm pm;
	char *anon, *shm;
	pid_t pid;
	char c;

	sc_begin("08-audit", 0);
	bad_writes();
	sc_rules_snap(&c2_base);

	/* ---- baseline ---- */
	if (!run_audit("baseline", &a0))
		return tap_end();
	expect_clean("baseline", &a0);
	judged += a0.slots;
	expect_c2("baseline", judged);

	/* ---- N anon pages shared by a fork, N shmem pages, swapped ---- */
	anon = sc_map_anon(N);
	sc_fill(anon, N, SEED_ANON);
	if (sc_pageout(anon, N))
		tap_bail("madvise(MADV_PAGEOUT) anon: %s", strerror(errno));
	if (sc_pagemap(0, anon, N, &pm) || pm.swapped != N)
		tap_bail("setup: %zu of %lu anon pages swapped out", pm.swapped, N);
	shm = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		tap_bail("mmap MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	sc_fill(shm, N, SEED_SHMEM);
	if (sc_pageout(shm, N))
		tap_bail("madvise(MADV_PAGEOUT) shmem: %s", strerror(errno));
	if (sc_smaps_kb(0, shm, N * SC_PAGE, "Swap") != (long)(N * 4))
		tap_bail("setup: shmem smaps Swap %ld kB, want %lu",
			 sc_smaps_kb(0, shm, N * SC_PAGE, "Swap"), N * 4);
	if (pipe(go))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		tap_child("08-audit child");
		close(go[1]);
		/* Hold the shared swap entries until the parent is done. */
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	EXPECT_EQ_I(N * 4, sc_status_kb(pid, "VmSwap"),
		    "child: VmSwap after fork (kB)");

	if (run_audit("swapped", &a1)) {
		expect_clean("swapped", &a1);
		busy = a0.busy + a1.busy;
		expect_delta("swapped: new slots = N anon (shared) + N shmem",
			     2 * N, a0.slots, a1.slots, busy);
		expect_delta("swapped: new referenced slots", 2 * N,
			     a0.referenced, a1.referenced, busy);
		expect_delta("swapped: new shmem-owned slots", N,
			     a0.shmem_owned, a1.shmem_owned, busy);
		EXPECT_GE(2 * N, a1.referenced, "swapped: referenced slots");
		judged += a1.slots;
		expect_c2("swapped", judged);
	}

	/* ---- all gone: the child exits, both ranges are unmapped ---- */
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid)
		tap_bail("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child exited (status 0x%x)", status);
	EXPECT_EQ(0, sc_verify(anon, 0, N, SEED_ANON),
		  "anon pages with wrong data after the audits");
	EXPECT_EQ(0, sc_verify(shm, 0, N, SEED_SHMEM),
		  "shmem pages with wrong data after the audits");
	munmap(anon, N * SC_PAGE);
	munmap(shm, N * SC_PAGE);

	if (run_audit("released", &a2)) {
		expect_clean("released", &a2);
		busy = a0.busy + a2.busy;
		if (!busy)
			EXPECT_EQ(a0.slots, a2.slots,
				  "released: slots back to the baseline");
		judged += a2.slots;
		expect_c2("released", judged);
	}

	/* ---- under churn ---- */
	judged += churn();
	expect_c2("churn", judged);
	return tap_end();
}
