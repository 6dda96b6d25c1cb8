// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject-forkrace: the false F1 under memory pressure, on demand.
 *
 * F1 holds a fork to "the child's MM_SWAPENTS rose by the swap entries
 * copied".  copy_page_range() copies one VMA; MM_SWAPENTS is the whole
 * child's.  Reclaim needs no mmap_lock: the child's VMAs are on the
 * anon_vma chains before their PTEs are copied, so reclaim may swap out a
 * page the fork has already mapped in the child, in a VMA copied before,
 * while a later VMA is being copied.  The counter then rose by more than
 * that VMA's copies, through no fault of the kernel.  A swapscope that
 * compared the two anyway reported F1 diverging (seen under stress-ng's
 * fork workers in a memcg at its limit, a few times in 10^5 forks).
 *
 * Here the window is held open: in a memcg of its own, this process maps
 * A (NA present pages) below B (NB pages paged out), 4 MiB apart so that
 * they have page tables of their own.  ssinject's fork_delay_next holds
 * the fork in its first swap_duplicate() of B for DELAY_MS, status
 * state=busy, A already copied; meanwhile a thread of this process asks
 * the memcg to reclaim (memory.reclaim), which swaps out A's pages in
 * parent and child alike.  So the child's MM_SWAPENTS rises by NB plus
 * what reclaim took from A during the copy of B.
 *
 * The swapscope before the fix counted that as one F1 violation per such
 * fork (docs/reliability.md, the false F1 under memory pressure).  Now the child's watch sees
 * the other writer and B's NB entries are counted as not judged: F1's
 * violations must not move, its unjudged count must, and the oracles say
 * the race did happen: pswpout rose while the fork was held, and the
 * child's VmSwap exceeds B.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"

#define NA		512UL		/* A: 2 MiB, present */
#define NB		64UL		/* B: paged out */
#define GAP		(4UL << 20)	/* A and B in page tables of their own */
#define DELAY_MS	300
#define SEED		0xf0a7

#define CG		"/sys/fs/cgroup"
#define CG_R		CG "/ss-forkrace"

static bool memory_enabled, cg_made;
static volatile int stop;
static char buf[4096];		/* the main thread's */

/*
 * The reclaimer thread's memory: its stack (and so its TLS), its buffer
 * and its counters, all in one MADV_DONTFORK mapping.  The fork it races
 * with holds the mmap_lock for write and write-protects every private
 * page it copies: one write of the thread to such a page would fault and
 * wait for the fork to end.  A VMA fork does not copy is not touched.
 */
#define RECLAIMER_MAP	(1UL << 20)
#define RECLAIMER_STACK	(RECLAIMER_MAP - 65536)

struct reclaimer {
	pthread_t thread;
	unsigned int writes, ok, waits;
	bool saw_busy;
	volatile int ready;
	cpu_set_t cpu;
	int pin_err;
	char buf[4096];
};

static bool status_busy(char *sbuf, size_t size)
{
	const char *l;

	if (kv_read_file(IN_STATUS, sbuf, size) < 0)
		return false;
	l = strstr(sbuf, "injection=swap_ref state=");
	return l && !strncmp(l + strlen("injection=swap_ref state="), "busy", 4);
}

/*
 * While the fork is held in B's copy: reclaim from the memcg, A included.
 * The fork holds this process's mmap_lock for write, so a page fault of
 * this thread would wait for the fork to end: everything it touches is
 * touched once first (its stack, the buffer, both paths to the kernel).
 */
static void *reclaim_while_held(void *arg)
{
	struct reclaimer *r = arg;

	/* The other CPU than the fork's, held with preemption off. */
	if (sched_setaffinity(0, sizeof(r->cpu), &r->cpu))
		r->pin_err = errno;
	status_busy(r->buf, sizeof(r->buf));
	kv_write_file(CG_R "/memory.reclaim", "0");
	r->ready = 1;
	while (!stop && !status_busy(r->buf, sizeof(r->buf))) {
		r->waits++;
		usleep(1000);
	}
	while (!stop && status_busy(r->buf, sizeof(r->buf))) {
		r->saw_busy = true;
		r->writes++;
		r->ok += !kv_write_file(CG_R "/memory.reclaim", "4M");
	}
	return NULL;
}

static void cleanup(void)
{
	int i;

	kv_write_file(CG "/cgroup.procs", "0");
	for (i = 0; cg_made && i < 100; i++) {
		if (!rmdir(CG_R) || errno == ENOENT)
			break;
		usleep(20000);
	}
	if (memory_enabled)
		kv_write_file(CG "/cgroup.subtree_control", "-memory");
}

static bool setup_cgroup(void)
{
	if (kv_read_file(CG "/cgroup.controllers", buf, sizeof(buf)) < 0 ||
	    !strstr(buf, "memory")) {
		tap_skip("no cgroup2 memory controller", "the false F1 on demand");
		return false;
	}
	if (kv_read_file(CG "/cgroup.subtree_control", buf, sizeof(buf)) < 0)
		tap_bail("read " CG "/cgroup.subtree_control");
	if (!strstr(buf, "memory")) {
		if (kv_write_file(CG "/cgroup.subtree_control", "+memory"))
			tap_bail("enable the memory controller for children");
		memory_enabled = true;
	}
	rmdir(CG_R);
	if (mkdir(CG_R, 0755))
		tap_bail("mkdir " CG_R ": %s", strerror(errno));
	cg_made = true;
	atexit(cleanup);
	if (access(CG_R "/memory.reclaim", W_OK)) {
		tap_skip("no memory.reclaim", "the false F1 on demand");
		return false;
	}
	if (kv_write_file(CG_R "/cgroup.procs", "0"))
		tap_bail("join " CG_R);
	return true;
}

int main(void)
{
	struct in_rules r0, r1, r2;
	struct reclaimer *rec;
	pthread_attr_t attr;
	char *rmap;
	uint64_t out0, out1, unj0, unj1, fired0;
	pid_t me = getpid(), child;
	char *area, *a, *b, c;
	struct sc_pm pm;
	long vmswap;
	int go[2], status;

	in_begin("inject-forkrace");
	if (!setup_cgroup())
		return tap_end();
	/* A below B, 2 MiB aligned, a hole between them. */
	area = mmap(NULL, 4 * GAP, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	a = (char *)(((unsigned long)area + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	b = a + GAP;
	if (mprotect(a, NA * SC_PAGE, PROT_READ | PROT_WRITE) ||
	    mprotect(b, NB * SC_PAGE, PROT_READ | PROT_WRITE))
		tap_bail("mprotect: %s", strerror(errno));
	madvise(a, NA * SC_PAGE, MADV_NOHUGEPAGE);
	sc_fill(a, NA, SEED);
	sc_fill(b, NB, SEED + 1);
	if (sc_pageout(b, NB))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	if (sc_pagemap(0, b, NB, &pm) || pm.swapped != NB)
		tap_bail("setup: %zu of %lu pages of B swapped out", pm.swapped, NB);
	if (sc_pagemap(0, a, NA, &pm) || pm.present != NA)
		tap_bail("setup: %zu of %lu pages of A present", pm.present, NA);

	in_reset();
	in_rules_read(&r0);
	fired0 = in_status_val("swap_ref", "fork_delay_fired");
	out0 = sc_vmstat("pswpout");
	rmap = mmap(NULL, RECLAIMER_MAP, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rmap == MAP_FAILED || madvise(rmap, RECLAIMER_MAP, MADV_DONTFORK))
		tap_bail("the reclaimer's mapping: %s", strerror(errno));
	memset(rmap, 0, RECLAIMER_MAP);		/* every page present */
	/* ... and kept: a page reclaim took would fault on the fork's lock. */
	if (mlock(rmap, RECLAIMER_MAP))
		tap_diag("mlock the reclaimer's mapping: %s", strerror(errno));
	rec = (struct reclaimer *)rmap;
	if (pthread_attr_init(&attr) ||
	    pthread_attr_setstack(&attr, rmap + RECLAIMER_MAP - RECLAIMER_STACK,
				  RECLAIMER_STACK))
		tap_bail("pthread_attr_setstack");
	/* The fork on CPU 0, the reclaimer on CPU 1 (the VM has two). */
	CPU_ZERO(&rec->cpu);
	CPU_SET(1, &rec->cpu);
	{
		cpu_set_t zero;

		CPU_ZERO(&zero);
		CPU_SET(0, &zero);
		if (sched_setaffinity(0, sizeof(zero), &zero))
			tap_bail("sched_setaffinity: %s", strerror(errno));
	}
	if (pthread_create(&rec->thread, &attr, reclaim_while_held, rec))
		tap_bail("pthread_create");
	while (!rec->ready)
		usleep(1000);
	if (rec->pin_err)
		tap_bail("pin the reclaimer to CPU 1: %s", strerror(rec->pin_err));
	EXPECT_EQ_I(-EINVAL, in_cmd("fork_delay_next %d 0", me),
		    "fork_delay_next with 0 ms fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("fork_delay_next %d", me),
		    "fork_delay_next without MS fails with EINVAL");
	EXPECT_EQ_I(0, in_cmd("fork_delay_next %d %d", me, DELAY_MS),
		    "fork_delay_next armed");

	if (pipe(go))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	/*
	 * A raw clone, not glibc's fork(): the child of fork() walks the
	 * thread list, whose reclaimer entry is in the mapping the child
	 * does not get.  The child only waits for EOF and exits.
	 */
	child = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	if (child < 0)
		tap_bail("clone: %s", strerror(errno));
	if (child == 0) {
		syscall(SYS_close, go[1]);
		while (syscall(SYS_read, go[0], &c, 1) > 0)
			;
		syscall(SYS_exit_group, 0);
	}
	close(go[0]);
	stop = 1;
	pthread_join(rec->thread, NULL);
	out1 = sc_vmstat("pswpout");
	in_rules_read(&r1);
	vmswap = sc_status_kb(child, "VmSwap");
	in_diag_status("swap_ref", "fork held");
	tap_diag("reclaimer: waited %u ms, %u memory.reclaim writes while the fork was held (%u succeeded); pswpout +%llu; child VmSwap %ld kB (B alone: %lu kB)",
		 rec->waits, rec->writes, rec->ok,
		 (unsigned long long)(out1 - out0), vmswap, NB * SC_PAGE / 1024);

	/* The race happened: these are the oracles, not swapscope. */
	EXPECT_EQ(fired0 + 1, in_status_val("swap_ref", "fork_delay_fired"),
		  "the fork was held once in B's copy");
	/* A write asking more than the memcg can give fails with EAGAIN. */
	EXPECT_TRUE(rec->saw_busy && rec->writes > 0,
		    "memory.reclaim ran while the fork was held (%u writes)",
		    rec->writes);
	EXPECT_TRUE(out1 > out0, "pswpout rose while the fork was held (+%llu)",
		    (unsigned long long)(out1 - out0));
	EXPECT_TRUE(vmswap > (long)(NB * SC_PAGE / 1024),
		    "the child's VmSwap (%ld kB) is more than B's %lu kB: reclaim swapped out the child's copies of A",
		    vmswap, NB * SC_PAGE / 1024);

	/* swapscope: not judged, never a violation. */
	EXPECT_EQ(r0.viol[SS_RULE_F1], r1.viol[SS_RULE_F1],
		  "F1 violations after the fork reclaim raced with");
	in_expect_none(&r0, &r1, "the fork reclaim raced with");
	unj0 = r0.unjudged[SS_RULE_F1];
	unj1 = r1.unjudged[SS_RULE_F1];
	EXPECT_TRUE(unj1 >= unj0 + NB,
		    "F1: B's %lu swap entries counted as not judged (unjudged +%llu)",
		    NB, (unsigned long long)(unj1 - unj0));

	close(go[1]);
	if (waitpid(child, &status, 0) != child)
		tap_bail("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status),
		    "child exited 0 (status 0x%x)", status);
	EXPECT_EQ(0, sc_verify(a, 0, NA, SEED), "pages of A with wrong data");
	EXPECT_EQ(0, sc_verify(b, 0, NB, SEED + 1), "pages of B with wrong data");
	in_rules_read(&r2);
	in_expect_none(&r1, &r2, "child exit");
	munmap(area, 4 * GAP);
	return tap_end();
}
