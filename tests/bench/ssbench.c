// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ssbench: the workloads of `make bench`, one per run, timed from inside.
 *
 *   ssbench WORKLOAD SIZE_MIB ITERATIONS
 *
 * Prints one line "seconds=S pages=N swapped_kib=K": S is the time spent in
 * the measured part only (the swap-ins, the MADV_PAGEOUT calls, the forks,
 * the munmaps...), never in the setup that prepares it; N the pages the
 * measured part handled; K what VmSwap showed after the last setup (0
 * where a child swaps), so a run whose pages did not reach swap shows.  Exit 1 on any failure.
 *
 * Every page is filled with one repeated byte: zram stores such a page as
 * a single value, so the figures measure the mm paths swapscope probes,
 * not compression.  Single-threaded workloads pin themselves to CPU 0 so
 * that MADV_PAGEOUT's lru_add_drain() drains the CPU that faulted the
 * pages in; "mixed" runs one thread per CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define PAGE		4096UL
#define MIB		(1024UL * 1024UL)
/* The sparse layout: one page touched every SPARSE_STRIDE of the range. */
#define SPARSE_STRIDE	(64 * MIB)

static unsigned long size_mib;	/* SIZE_MIB argument */
static unsigned long iters;	/* ITERATIONS argument */
static unsigned long pages_done; /* pages the measured part handled */
static unsigned long swapped_kib; /* VmSwap after the last setup */

static void fatal(const char *what)
{
	fprintf(stderr, "ssbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* A single-CPU guest has no CPU 1: run unpinned there. */
	sched_setaffinity(0, sizeof(set), &set);
}

static unsigned long vmswap_kib(void)
{
	char line[256];
	unsigned long kib = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSwap: %lu", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static char *map_anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		fatal("mmap");
	/*
	 * Debian's THP default is "always": a touched page would fault in
	 * a whole 2 MiB huge page, making the sparse layout dense and
	 * adding splits to every pageout.
	 */
	if (madvise(p, len, MADV_NOHUGEPAGE))
		fatal("madvise(MADV_NOHUGEPAGE)");
	return p;
}

/* Fault in every stride-th page of [p, p+len) with a same-filled page. */
static void fill(char *p, size_t len, size_t stride)
{
	size_t off;

	for (off = 0; off < len; off += stride)
		memset(p + off, 1 + (off / PAGE) % 251, PAGE);
}

static void pageout(char *p, size_t len)
{
	if (madvise(p, len, MADV_PAGEOUT))
		fatal("madvise(MADV_PAGEOUT)");
}

/* Read each page, then write the byte back: the page stays same-filled. */
static void fault_back(char *p, size_t len)
{
	volatile char *v = (volatile char *)p;
	size_t off;

	for (off = 0; off < len; off += PAGE) {
		char c = v[off];

		v[off] = c;
	}
}

/* A mapping of size_mib, dense or sparse, filled and swapped out. */
static char *swapped_region(size_t len, size_t stride)
{
	char *p = map_anon(len);

	fill(p, len, stride);
	pageout(p, len);
	swapped_kib = vmswap_kib();
	return p;
}

/* ---- workloads ------------------------------------------------------- */

/* (1) swap-in faults: page out (untimed), fault back by read and write. */
static double w_swapin(size_t len, size_t stride)
{
	char *p = map_anon(len);
	double t = 0, t0;
	unsigned long i;

	(void)stride;
	fill(p, len, PAGE);
	for (i = 0; i < iters; i++) {
		pageout(p, len);
		swapped_kib = vmswap_kib();
		t0 = now();
		fault_back(p, len);
		t += now() - t0;
		pages_done += len / PAGE;
	}
	return t;
}

/* (2) swap-out: fault back (untimed), MADV_PAGEOUT. */
static double w_swapout(size_t len, size_t stride)
{
	char *p = map_anon(len);
	double t = 0, t0;
	unsigned long i;

	(void)stride;
	fill(p, len, PAGE);
	for (i = 0; i < iters; i++) {
		if (i)
			fault_back(p, len);
		t0 = now();
		pageout(p, len);
		t += now() - t0;
		pages_done += len / PAGE;
	}
	return t;
}

/* (3) fork of a process whose memory is swapped out: fork() itself. */
static double w_fork(size_t len, size_t stride)
{
	char *p = swapped_region(len, stride);
	double t = 0, t0;
	unsigned long i;
	pid_t pid;

	for (i = 0; i < iters; i++) {
		t0 = now();
		pid = fork();
		if (pid == 0)
			_exit(0);
		t += now() - t0;
		if (pid < 0)
			fatal("fork");
		if (waitpid(pid, NULL, 0) != pid)
			fatal("waitpid");
		pages_done += len / stride;
	}
	munmap(p, len);
	return t;
}

/* (4a) munmap of a swapped-out mapping. */
static double w_munmap(size_t len, size_t stride)
{
	double t = 0, t0;
	unsigned long i;
	char *p;

	for (i = 0; i < iters; i++) {
		p = swapped_region(len, stride);
		t0 = now();
		if (munmap(p, len))
			fatal("munmap");
		t += now() - t0;
		pages_done += len / stride;
	}
	return t;
}

/*
 * (4b) exit of a process whose memory is swapped out: from the parent's
 * go (closing the pipe) to waitpid() returning.
 */
static double w_exit(size_t len, size_t stride)
{
	double t = 0, t0;
	unsigned long i;
	int go[2], ready[2];
	pid_t pid;
	char c;

	for (i = 0; i < iters; i++) {
		if (pipe(go) || pipe(ready))
			fatal("pipe");
		pid = fork();
		if (pid < 0)
			fatal("fork");
		if (pid == 0) {
			close(go[1]);
			close(ready[0]);
			swapped_region(len, stride);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			while (read(go[0], &c, 1) > 0)
				;
			_exit(0);
		}
		close(go[0]);
		close(ready[1]);
		if (read(ready[0], &c, 1) != 1)
			fatal("child setup");
		close(ready[0]);
		t0 = now();
		close(go[1]);
		if (waitpid(pid, NULL, 0) != pid)
			fatal("waitpid");
		t += now() - t0;
		pages_done += len / stride;
	}
	return t;
}

/* (5) shmem: MADV_PAGEOUT of a memfd mapping, then punch the hole. */
static double w_shmem(size_t len, size_t stride)
{
	int fd = memfd_create("ssbench", MFD_CLOEXEC);
	double t = 0, t0;
	unsigned long i;
	char *p;

	(void)stride;
	if (fd < 0)
		fatal("memfd_create");
	if (ftruncate(fd, len))
		fatal("ftruncate");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		fatal("mmap memfd");
	for (i = 0; i < iters; i++) {
		fill(p, len, PAGE);
		t0 = now();
		pageout(p, len);
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      0, len))
			fatal("fallocate(PUNCH_HOLE)");
		t += now() - t0;
		pages_done += len / PAGE;
	}
	munmap(p, len);
	close(fd);
	return t;
}

/*
 * (6) mixed, one thread per CPU, each on its own half: page out, fault
 * back, fork, and map/page out/unmap a small region, every iteration.
 */
static pthread_barrier_t mixed_start;

static void *mixed_thread(void *arg)
{
	size_t len = (size_t)arg;
	size_t small = len / 8 ? len / 8 : PAGE;
	static int next_cpu;
	char *p, *q;
	unsigned long i;
	pid_t pid;

	pin(__atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED));
	p = map_anon(len);
	fill(p, len, PAGE);
	pthread_barrier_wait(&mixed_start);
	for (i = 0; i < iters; i++) {
		pageout(p, len);
		fault_back(p, len);
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			fatal("fork");
		q = swapped_region(small, PAGE);
		munmap(q, small);
	}
	munmap(p, len);
	return NULL;
}

static double w_mixed(size_t len, size_t stride)
{
	pthread_t th[2];
	double t0;
	int i;

	(void)stride;
	if (pthread_barrier_init(&mixed_start, NULL, 3))
		fatal("pthread_barrier_init");
	for (i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, mixed_thread,
				   (void *)(len / 2)))
			fatal("pthread_create");
	pthread_barrier_wait(&mixed_start);
	t0 = now();
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pages_done = iters * (len / PAGE) * 2;
	return now() - t0;
}

static const struct {
	const char *name;
	double (*run)(size_t len, size_t stride);
	int sparse;	/* one page per SPARSE_STRIDE, not every page */
	int unpinned;	/* runs on both CPUs */
} workloads[] = {
	{ "swapin",		w_swapin,	0, 0 },
	{ "swapout",		w_swapout,	0, 0 },
	{ "fork",		w_fork,		0, 0 },
	{ "fork-sparse",	w_fork,		1, 0 },
	{ "munmap",		w_munmap,	0, 0 },
	{ "munmap-sparse",	w_munmap,	1, 0 },
	{ "exit",		w_exit,		0, 0 },
	{ "shmem",		w_shmem,	0, 0 },
	{ "mixed",		w_mixed,	0, 1 },
};

int main(int argc, char **argv)
{
	unsigned int i;
	double secs;

	if (argc != 4) {
		fprintf(stderr, "usage: ssbench WORKLOAD SIZE_MIB ITERATIONS\n");
		return 2;
	}
	size_mib = strtoul(argv[2], NULL, 0);
	iters = strtoul(argv[3], NULL, 0);
	if (!size_mib || !iters) {
		fprintf(stderr, "ssbench: SIZE_MIB and ITERATIONS must be > 0\n");
		return 2;
	}
	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		size_t len = size_mib * MIB;
		size_t stride = PAGE;

		if (strcmp(argv[1], workloads[i].name))
			continue;
		if (workloads[i].sparse) {
			stride = SPARSE_STRIDE;
			if (len < stride)
				len = stride;
		}
		if (!workloads[i].unpinned)
			pin(0);
		secs = workloads[i].run(len, stride);
		printf("seconds=%.6f pages=%lu swapped_kib=%lu\n",
		       secs, pages_done, swapped_kib);
		return 0;
	}
	fprintf(stderr, "ssbench: unknown workload '%s'\n", argv[1]);
	return 2;
}
