// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 10-stable-writes: swap-ins of folios still under writeback on a swap
 * device with SWP_STABLE_WRITES (rule S2, seed 001).
 *
 * zram has stable writes but cannot show it: it writes through rw_page,
 * and bdev_write_page() ends writeback before it unlocks the folio, so no
 * fault ever meets a zram-backed folio under writeback.  A disk with
 * DIF/DIX protection can: blk_integrity_register() sets stable writes,
 * bdev_write_page() refuses an integrity device, and the bio path of
 * __swap_writepage() unlocks the folio before submit_bio(); writeback ends
 * when the bio completes.  scsi_debug (dif=1 dix=1) is such a disk, and
 * its response delay (delay= jiffies) holds the window open.
 *
 * The scenario loads scsi_debug and sd_mod, makes a swap of the disk with
 * a priority above zram's, and runs a race: the main thread (CPU 0) dirties
 * a region and pages it out with MADV_PAGEOUT, reader threads (CPU 1) read
 * it.  A read fault that finds the folio in the swap cache under writeback
 * maps it with exclusivity dropped, read-only, and the folio is still
 * under writeback when do_swap_page returns: S2 is observed.  (A write
 * fault copies the page, so only reads observe.)  The race stops once S2
 * has been observed MIN_OBS times, or after MAX_SECONDS.
 *
 * Asserted: the disk has stable writes; S2 observed; no S2 violation
 * (stock 6.1 drops exclusivity); no new violation of S1, S3, U1, F1;
 * the swap and scsi_debug are gone at the end (also on failure, via
 * atexit, and on SIGTERM from the guest's timeout).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

#define NPAGES		64
#define NREADERS	2
#define MAX_SECONDS	20
#define MIN_OBS		32
#define SETUP_SECONDS	10
#define RULES		SWAPSCOPE_DEBUGFS_DIR "/rules"
#define SDEBUG		"/sys/module/scsi_debug"
/* 16 MiB of RAM disk; one jiffy (4 ms at HZ=250) per command. */
#define SDEBUG_ARGS	"dev_size_mb=16", "dif=1", "dix=1", "delay=1"

static char *region;
static atomic_bool stop;
static volatile sig_atomic_t terminated;
static atomic_ulong nr_reads;

/* Set up by setup_swap(), undone by teardown(). */
static char disk[32];		/* "sda" */
static char devnode[64];	/* "/dev/sda" */
static bool loaded_sdebug, loaded_sd, swap_on;
static pid_t main_pid;

static const char *const watched[] = { "S1", "S2", "S3", "U1", "F1" };
#define NW SC_ARRAY_SIZE(watched)

struct rule_counts {
	uint64_t obs[NW], viol[NW], impact[NW];
};

static bool read_rules(struct rule_counts *rc)
{
	static char buf[16384];
	const char *line;
	size_t i;

	if (kv_read_file(RULES, buf, sizeof(buf)) <= 0)
		return false;
	memset(rc, 0, sizeof(*rc));
	for (i = 0; i < NW; i++) {
		line = kv_find_line(buf, "rule", watched[i]);
		if (!line)
			return false;
		kv_u64(line, "observations", 10, &rc->obs[i]);
		kv_u64(line, "violations", 10, &rc->viol[i]);
		kv_u64(line, "impact", 10, &rc->impact[i]);
	}
	return true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Run a program from PATH, its output kept; its exit status or -1. */
static int run(char *const argv[])
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(STDOUT_FILENO, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool module_loaded(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

static int unload(const char *name)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		nap_ms(100);
	}
	return -errno;
}

/* Idempotent; only the main process undoes what it did. */
static void teardown(void)
{
	int err;

	if (getpid() != main_pid)
		return;
	if (swap_on) {
		if (region)
			munmap(region, NPAGES * SC_PAGE);
		region = NULL;
		if (swapoff(devnode))
			tap_fail("swapoff %s: %s", devnode, strerror(errno));
		swap_on = false;
	}
	if (loaded_sdebug) {
		err = unload("scsi_debug");
		if (err)
			tap_fail("rmmod scsi_debug: %s", strerror(-err));
		loaded_sdebug = false;
	}
	if (loaded_sd) {
		/* Another disk driver's user may hold it: not an error here. */
		if (unload("sd_mod"))
			tap_diag("sd_mod left loaded: %s", strerror(errno));
		loaded_sd = false;
	}
	fflush(stdout);
}

static void on_term(int sig)
{
	(void)sig;
	terminated = 1;
	atomic_store(&stop, true);
}

/* The scsi_debug disk's name under /sys/block, once sd has attached it. */
static bool find_disk(void)
{
	char path[300], model[64];
	struct dirent *de;
	bool found = false;
	DIR *d;

	d = opendir("/sys/block");
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (strncmp(de->d_name, "sd", 2) || strlen(de->d_name) >= sizeof(disk))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/device/model", de->d_name);
		if (kv_read_file(path, model, sizeof(model)) > 0 &&
		    !strncmp(model, "scsi_debug", 10)) {
			strcpy(disk, de->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

static int read_int(const char *fmt, const char *name)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), fmt, name);
	if (kv_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

static int max_swap_prio(void)
{
	static char buf[4096];
	char *line, *save = NULL, *last;
	int prio, max = -1;

	if (kv_read_file("/proc/swaps", buf, sizeof(buf)) <= 0)
		return max;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		last = strrchr(line, '\t');
		if (!last)
			last = strrchr(line, ' ');
		if (last && sscanf(last, "%d", &prio) == 1 && prio > max)
			max = prio;
	}
	return max;
}

/*
 * Load scsi_debug with DIF/DIX and sd_mod, make a swap of the disk above
 * every other swap.  false (with a skip) where this kernel cannot.
 */
static bool setup_swap(void)
{
	char *sdebug[] = { "modprobe", "scsi_debug", SDEBUG_ARGS, NULL };
	char *sd[] = { "modprobe", "sd_mod", NULL };
	char *mkswap[] = { "mkswap", devnode, NULL };
	char integrity[64], path[96];
	double deadline;
	int prio, rc;

	if (module_loaded("scsi_debug")) {
		tap_skip("scsi_debug already loaded: not ours to reconfigure",
			 "S2 observed on a stable-writes swap");
		return false;
	}
	loaded_sd = !module_loaded("sd_mod");
	if (loaded_sd && run(sd)) {
		loaded_sd = false;
		tap_skip("modprobe sd_mod failed", "S2 observed on a stable-writes swap");
		return false;
	}
	rc = run(sdebug);
	if (rc) {
		tap_skip("modprobe scsi_debug failed (CONFIG_SCSI_DEBUG=m needed)",
			 "S2 observed on a stable-writes swap");
		return false;
	}
	loaded_sdebug = true;

	deadline = now() + SETUP_SECONDS;
	while (!find_disk() && now() < deadline)
		nap_ms(50);
	if (!disk[0])
		tap_bail("no scsi_debug disk under /sys/block within %d s", SETUP_SECONDS);
	snprintf(devnode, sizeof(devnode), "/dev/%s", disk);
	while (access(devnode, F_OK) && now() < deadline)
		nap_ms(50);
	if (access(devnode, F_OK))
		tap_bail("%s did not appear within %d s", devnode, SETUP_SECONDS);

	snprintf(path, sizeof(path), "/sys/block/%s/integrity/format", disk);
	if (kv_read_file(path, integrity, sizeof(integrity)) <= 0)
		strcpy(integrity, "unreadable\n");
	integrity[strcspn(integrity, "\n")] = 0;
	/*
	 * 6.1 sets the queue's stable_writes flag for an integrity profile;
	 * 6.12's bdev_stable_writes() (include/linux/blkdev.h) answers true
	 * for any checksumming profile without setting the flag, and that is
	 * what swapon turns into SWP_STABLE_WRITES.
	 */
	if (read_int("/sys/block/%s/queue/stable_writes", disk) != 1 &&
	    !(sc_kernel() >= SC_KERNEL(6, 12) &&
	      !strncmp(integrity, "T10-DIF-", 8))) {
		tap_skip("no stable writes: CONFIG_BLK_DEV_INTEGRITY off?",
			 "%s has stable writes (integrity %s)", disk, integrity);
		return false;
	}
	tap_pass("%s (scsi_debug dif=1 dix=1) has stable writes, integrity %s",
		 disk, integrity);

	if (run(mkswap))
		tap_bail("mkswap %s failed", devnode);
	prio = max_swap_prio() + 1;
	if (prio > SWAP_FLAG_PRIO_MASK)
		prio = SWAP_FLAG_PRIO_MASK;
	if (prio < 0)
		prio = 0;
	if (swapon(devnode, SWAP_FLAG_PREFER |
		   ((prio << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK)))
		tap_bail("swapon %s: %s", devnode, strerror(errno));
	swap_on = true;
	tap_diag("swap on %s at priority %d, above every other swap", devnode, prio);
	return true;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		tap_diag("cannot pin to CPU %d: %s", cpu, strerror(errno));
}

static void *reader(void *arg)
{
	volatile char *p = region;
	unsigned long sum = 0, n = 0;
	size_t i;

	pin(sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		for (i = 0; i < NPAGES; i++)
			sum += p[((i + (size_t)arg * 7) % NPAGES) * SC_PAGE];
		n++;
	}
	atomic_fetch_add(&nr_reads, n);
	return (void *)sum;
}

int main(void)
{
	struct rule_counts a, b;
	pthread_t t[NREADERS];
	struct sigaction sa;
	unsigned long rounds = 0, pageout_err = 0;
	double t0, t1;
	size_t i;
	bool ok;

	sc_begin("10-stable-writes", SC_NO_PIN);
	main_pid = getpid();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	atexit(teardown);

	if (!read_rules(&a))
		tap_bail("cannot read rules S1 S2 S3 U1 F1 from %s", RULES);
	if (!setup_swap())
		return tap_end();

	region = sc_map_anon(NPAGES);
	pin(0);
	if (!read_rules(&a))
		tap_bail("cannot read rules from %s", RULES);
	for (i = 0; i < NREADERS; i++)
		if (pthread_create(&t[i], NULL, reader, (void *)i))
			tap_bail("pthread_create failed");

	t0 = now();
	do {
		for (i = 0; i < NPAGES; i++)
			region[i * SC_PAGE] = (char)rounds;
		if (sc_pageout(region, NPAGES))
			pageout_err++;
		rounds++;
		if (read_rules(&b) && b.obs[1] - a.obs[1] >= MIN_OBS)
			break;
	} while (now() - t0 < MAX_SECONDS && !terminated);
	atomic_store(&stop, true);
	for (i = 0; i < NREADERS; i++)
		pthread_join(t[i], NULL);
	t1 = now();

	ok = read_rules(&b);
	teardown();
	if (!ok)
		tap_bail("cannot read rules from %s", RULES);
	if (terminated)
		tap_fail("terminated by a signal during the race");

	tap_diag("%.1f s, %lu pageout rounds (%lu failed), %lu read sweeps",
		 t1 - t0, rounds, pageout_err, atomic_load(&nr_reads));
	for (i = 0; i < NW; i++)
		tap_diag("%s: observations +%llu, violations +%llu, impact +%llu",
			 watched[i], (unsigned long long)(b.obs[i] - a.obs[i]),
			 (unsigned long long)(b.viol[i] - a.viol[i]),
			 (unsigned long long)(b.impact[i] - a.impact[i]));
	EXPECT_GE(1, b.impact[1] - a.impact[1],
		  "S2 impact: exclusive swap-ins from the swap cache of a stable-writes device");
	EXPECT_GE(1, b.obs[1] - a.obs[1],
		  "S2 observed: read faults mapped a folio still under writeback");
	EXPECT_EQ(0, b.viol[1] - a.viol[1],
		  "S2: no folio under writeback mapped exclusive");
	for (i = 0; i < NW; i++)
		if (i != 1)
			EXPECT_EQ(0, b.viol[i] - a.viol[i],
				  "%s: no new violations during the race", watched[i]);
	EXPECT_TRUE(!module_loaded("scsi_debug"), "scsi_debug unloaded");
	return tap_end();
}
