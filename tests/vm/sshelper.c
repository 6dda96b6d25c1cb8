// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sshelper: the workloads and the one-write() writer of tests/vm/stress.sh.
 *
 *   sshelper storm FILE ROUNDS INPUT...
 *       ROUNDS times, each INPUT file's whole content in one write() to
 *       FILE (opened afresh each time; an empty INPUT is a 0-byte write).
 *       INPUT's name starts with what that write must give: "ok." or an
 *       errno name ("EINVAL.", "E2BIG.", "ESRCH.", "EOPNOTSUPP.").  Prints
 *       "storm FILE writes=N ok=N refused=N unexpected=N" and one line per
 *       unexpected result; exit 1 if there was one.
 *   sshelper hold MB
 *       MB MiB of private anonymous memory, a pattern written, paged out
 *       (MADV_PAGEOUT); prints "held ADDR END" and waits for SIGUSR1, then
 *       reads everything back: exit 0 and "intact", or exit 1 and
 *       "corrupt" at the first bad word.
 *   sshelper hog MB SECONDS
 *       touches MB MiB of anonymous memory over and over for SECONDS at
 *       most (the memcg's OOM killer is expected to end it sooner).
 *   sshelper fault THREADS MB ROUNDS
 *       ROUNDS times: MB MiB written and paged out, then THREADS threads
 *       released at once each read their slice back (swap-ins on every
 *       CPU at the same time).
 *   sshelper swapon DEVICE PRIO
 *       swapon(2) with a priority (busybox's swapon may lack -p).
 *   sshelper pollwait FILE CONTROL MS
 *       scopes swapscope to this process's tree (CONTROL gets "scope
 *       PID"), forks a child that sleeps 1 s and exits (its exit is a
 *       judged call: a record), opens FILE (swapscope's events file: the
 *       stream starts there), poll()s it for POLLIN for MS ms at most and
 *       reads what is there: "pollwait ret=R revents=0xN waited_ms=N
 *       read=N first=LINE", then writes "scope none".  Exit 0 iff poll
 *       said POLLIN and the read returned a record.
 *   sshelper pollidle FILE CONTROL MS
 *       opens FILE, scopes swapscope to this process alone (CONTROL gets
 *       "scope PID", so no other task's calls make records), then for MS
 *       ms each: poll() with a timeout, and a blocking read() cut short by
 *       a timer signal; prints "pollidle poll=R poll_nvcsw=N read=R
 *       errno=NAME read_nvcsw=N" (the voluntary context switches of each
 *       wait: a reader that sleeps until woken makes one or two, one that
 *       looks again every few ms makes dozens) and writes "scope none".
 *       Exit 0 iff poll timed out and read was interrupted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/swap.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE 4096UL
#define MIB (1UL << 20)

static const struct { int err; const char *name; } errnames[] = {
	{ EINVAL, "EINVAL" }, { E2BIG, "E2BIG" }, { ESRCH, "ESRCH" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EBUSY, "EBUSY" }, { EFAULT, "EFAULT" },
	{ EINTR, "EINTR" }, { ENOENT, "ENOENT" }, { EPERM, "EPERM" },
};

static const char *errname(int err)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

static void fatal(const char *what)
{
	perror(what);
	exit(2);
}

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		fatal(path);
	buf = malloc(st.st_size + 1);
	if (!buf)
		fatal("malloc");
	*len = 0;
	while (*len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + *len, st.st_size - *len);

		if (n <= 0)
			fatal(path);
		*len += n;
	}
	close(fd);
	return buf;
}

static int storm(const char *file, int rounds, int n, char **inputs)
{
	unsigned long writes = 0, ok = 0, refused = 0, bad = 0;
	size_t *lens = calloc(n, sizeof(*lens));
	char **bufs = calloc(n, sizeof(*bufs));
	int r, i;

	if (!lens || !bufs)
		fatal("calloc");
	for (i = 0; i < n; i++)
		bufs[i] = slurp(inputs[i], &lens[i]);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			const char *base = strrchr(inputs[i], '/');
			const char *got;
			ssize_t w;
			int fd = open(file, O_WRONLY);

			if (fd < 0)
				fatal(file);
			w = write(fd, bufs[i], lens[i]);
			got = w < 0 ? errname(errno) : "ok";
			close(fd);
			writes++;
			if (w >= 0 && (size_t)w != lens[i])
				got = "short";
			w < 0 ? refused++ : ok++;
			base = base ? base + 1 : inputs[i];
			if (strncmp(base, got, strlen(got)) ||
			    base[strlen(got)] != '.') {
				bad++;
				printf("unexpected: %s: %s, want %.*s\n",
				       inputs[i], got,
				       (int)strcspn(base, "."), base);
			}
		}
	}
	printf("storm %s writes=%lu ok=%lu refused=%lu unexpected=%lu\n",
	       file, writes, ok, refused, bad);
	return bad ? 1 : 0;
}

static unsigned long *map(unsigned long len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fatal("mmap");
	return p;
}

static void fill(unsigned long *p, unsigned long len, unsigned long salt)
{
	unsigned long i;

	for (i = 0; i < len / sizeof(*p); i += PAGE / sizeof(*p))
		p[i] = (i ^ salt) * 2654435761UL;
}

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

/* Pages of [p, p + len) still mapped: PM_PRESENT in our own pagemap. */
static unsigned long mapped(void *p, unsigned long len)
{
	unsigned long i, n = 0, pages = len / PAGE;
	off_t off = (unsigned long)p / PAGE * sizeof(uint64_t);
	uint64_t e;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		fatal("open /proc/self/pagemap");
	for (i = 0; i < pages; i++) {
		if (pread(fd, &e, sizeof(e), off + i * sizeof(e)) != sizeof(e))
			fatal("read /proc/self/pagemap");
		n += e >> 63;
	}
	close(fd);
	return n;
}

/*
 * MADV_PAGEOUT skips a folio it cannot isolate at that moment: one still
 * in another CPU's LRU-add batch (it drains only its own CPU's), or one an
 * audit is looking at.  Seen: 64 of 4096 pages left mapped on 6.1.  So
 * page out again until no page is mapped, for up to 2 s.
 */
static void pageout_all(void *p, unsigned long len)
{
	int tries;

	for (tries = 0; tries < 20; tries++) {
		if (madvise(p, len, MADV_PAGEOUT))
			fatal("madvise(MADV_PAGEOUT)");
		if (!mapped(p, len))
			return;
		usleep(100 * 1000);
	}
	fprintf(stderr, "sshelper: %lu pages still mapped after MADV_PAGEOUT\n",
		mapped(p, len));
}

static int hold(unsigned long mb)
{
	unsigned long len = mb * MIB, i, *p = map(len);
	sigset_t set, old;

	signal(SIGUSR1, on_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	fill(p, len, 0x5a5a);
	pageout_all(p, len);
	printf("held %p %p\n", (void *)p, (void *)((char *)p + len));
	fflush(stdout);
	while (!go)
		sigsuspend(&old);
	for (i = 0; i < len / sizeof(*p); i += PAGE / sizeof(*p)) {
		if (p[i] != (i ^ 0x5a5a) * 2654435761UL) {
			printf("corrupt at %p\n", (void *)&p[i]);
			return 1;
		}
	}
	printf("intact\n");
	return 0;
}

static int hog(unsigned long mb, long seconds)
{
	unsigned long len = mb * MIB, salt = 0, *p = map(len);
	time_t end = time(NULL) + seconds;

	while (time(NULL) < end)
		fill(p, len, salt++);
	return 0;
}

struct slice {
	unsigned long *p, len;
	pthread_barrier_t *bar;
};

static void *reader(void *arg)
{
	struct slice *s = arg;
	unsigned long i, sum = 0;

	pthread_barrier_wait(s->bar);
	for (i = 0; i < s->len / sizeof(*s->p); i += PAGE / sizeof(*s->p))
		sum += s->p[i];
	return (void *)sum;
}

static int fault(int threads, unsigned long mb, int rounds)
{
	unsigned long len = mb * MIB, *p = map(len);
	unsigned long per = len / threads / PAGE * PAGE;
	pthread_t *tid = calloc(threads, sizeof(*tid));
	struct slice *sl = calloc(threads, sizeof(*sl));
	pthread_barrier_t bar;
	int r, t;

	if (!tid || !sl || !per)
		fatal("fault setup");
	for (r = 0; r < rounds; r++) {
		fill(p, len, r);
		if (madvise(p, len, MADV_PAGEOUT))
			fatal("madvise(MADV_PAGEOUT)");
		pthread_barrier_init(&bar, NULL, threads);
		for (t = 0; t < threads; t++) {
			sl[t] = (struct slice){ (unsigned long *)((char *)p + t * per),
						per, &bar };
			if (pthread_create(&tid[t], NULL, reader, &sl[t]))
				fatal("pthread_create");
		}
		for (t = 0; t < threads; t++)
			pthread_join(tid[t], NULL);
		pthread_barrier_destroy(&bar);
	}
	return 0;
}

static long nvcsw(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		fatal("getrusage");
	return ru.ru_nvcsw;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void scope(const char *control, const char *what)
{
	FILE *f = fopen(control, "w");

	if (!f || fprintf(f, "scope %s\n", what) < 0 || fclose(f))
		fatal(control);
}

static int pollwait(const char *file, const char *control, int ms)
{
	struct pollfd p = { .events = POLLIN };
	struct timespec t0;
	char buf[4096], pid[16];
	ssize_t n = -1;
	pid_t child;
	long waited;
	int ret;

	/* Nobody else's calls: the child's exit is the record awaited. */
	snprintf(pid, sizeof(pid), "%d", getpid());
	scope(control, pid);
	fflush(stdout);
	child = fork();
	if (child < 0)
		fatal("fork");
	if (!child) {
		sleep(1);
		_exit(0);
	}
	p.fd = open(file, O_RDONLY);
	if (p.fd < 0)
		fatal(file);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = poll(&p, 1, ms);
	waited = ms_since(&t0);
	if (ret == 1 && (p.revents & POLLIN))
		n = read(p.fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? strcspn(buf, "\n") : 0] = '\0';
	scope(control, "none");
	printf("pollwait ret=%d revents=0x%x waited_ms=%ld read=%zd first=%s\n",
	       ret, p.revents, waited, n, buf);
	close(p.fd);
	waitpid(child, NULL, 0);
	return !(ret == 1 && (p.revents & POLLIN) && n > 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int pollidle(const char *file, const char *control, int ms)
{
	struct itimerval it = { .it_value = { ms / 1000, ms % 1000 * 1000 } };
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct pollfd p = { .events = POLLIN };
	long c0, c1, c2;
	char buf[4096];
	int ret, err;
	ssize_t n;
	char pid[16];

	/* Scoped first: the stream starts at the open, with nobody else's. */
	snprintf(pid, sizeof(pid), "%d", getpid());
	scope(control, pid);
	p.fd = open(file, O_RDONLY);
	if (p.fd < 0)
		fatal(file);
	sigaction(SIGALRM, &sa, NULL);
	c0 = nvcsw();
	ret = poll(&p, 1, ms);
	c1 = nvcsw();
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(p.fd, buf, sizeof(buf));
	err = errno;
	c2 = nvcsw();
	scope(control, "none");
	printf("pollidle poll=%d poll_nvcsw=%ld read=%zd errno=%s read_nvcsw=%ld\n",
	       ret, c1 - c0, n, n < 0 ? errname(err) : "-", c2 - c1);
	close(p.fd);
	return !(ret == 0 && n < 0 && err == EINTR);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "storm"))
		return storm(argv[2], atoi(argv[3]), argc - 4, argv + 4);
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return hold(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "hog"))
		return hog(strtoul(argv[2], NULL, 0), atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "swapon")) {
		int prio = atoi(argv[3]);

		if (swapon(argv[2], SWAP_FLAG_PREFER |
			   ((prio << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK)))
			fatal(argv[2]);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "fault"))
		return fault(atoi(argv[2]), strtoul(argv[3], NULL, 0),
			     atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "pollwait"))
		return pollwait(argv[2], argv[3], atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "pollidle"))
		return pollidle(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: see the header of tests/vm/sshelper.c\n");
	return 2;
}
