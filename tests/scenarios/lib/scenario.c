// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * scenario.c: the scenario programs' shared library.
 *
 * Everything a scenario calls between its two snapshots runs on static
 * buffers with plain open/read/close: a malloc could grow or trim the heap
 * (brk shrink and munmap are zaps) and would show up in the figures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/mempolicy.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "scenario.h"

/* ==== names from the shared header ==================================== */

#define SC_X_PATH(id, name, what)	[SS_PATH_##id] = name,
const char *const sc_path_names[SS_NR_PATHS] = { SS_PATHS(SC_X_PATH) };
#undef SC_X_PATH

#define SC_X_NAME(id, name)		[SS_PHASE_##id] = name,
const char *const sc_phase_names[SS_NR_PHASES] = { SS_PHASES(SC_X_NAME) };
#undef SC_X_NAME

#define SC_X_NAME(id, name)		[SS_CNT_##id] = name,
const char *const sc_counter_names[SS_NR_COUNTERS] = { SS_COUNTERS(SC_X_NAME) };
#undef SC_X_NAME

#define SC_X_PROBE(id, name, sym, ret)	[SS_PROBE_##id] = name,
const char *const sc_probe_names[SS_NR_PROBES] = { SS_PROBES(SC_X_PROBE) };
#undef SC_X_PROBE

/* ==== start ============================================================ */

static pid_t sc_main_pid;
static char sc_numa_saved[32];
static bool sc_numa_changed;

static void sc_restore_numa(void)
{
	if (getpid() != sc_main_pid || !sc_numa_changed)
		return;
	kv_write_file("/proc/sys/kernel/numa_balancing", sc_numa_saved);
	sc_numa_changed = false;
}

static void sc_quiesce_numa(void)
{
	const char *f = "/proc/sys/kernel/numa_balancing";
	ssize_t n;

	n = kv_read_file(f, sc_numa_saved, sizeof(sc_numa_saved));
	if (n <= 0)
		return;		/* no NUMA balancing on this kernel */
	if (!strcmp(sc_numa_saved, "0\n") || !strcmp(sc_numa_saved, "0"))
		return;
	if (kv_write_file(f, "0")) {
		tap_diag("cannot turn NUMA balancing off; figures may drift");
		return;
	}
	sc_numa_changed = true;
	atexit(sc_restore_numa);
}

void sc_begin(const char *name, unsigned int flags)
{
	cpu_set_t set;

	tap_begin(name);
	sc_main_pid = getpid();
	tap_diag("scenario %s (swapscope abi %d)", name, SWAPSCOPE_ABI);
	if (access(SWAPSCOPE_DEBUGFS_DIR "/stats", R_OK) ||
	    access(SWAPSCOPE_DEBUGFS_DIR "/probes", R_OK))
		tap_bail("%s: %s/{stats,probes} readable (module loaded)", name,
			 SWAPSCOPE_DEBUGFS_DIR);
	if (!(flags & SC_NO_PIN)) {
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			tap_diag("cannot pin to CPU 0: %s", strerror(errno));
	}
	sc_quiesce_numa();
	if (!sc_oracle_available())
		tap_diag("oracle (tracefs kprobe_profile, group %s) missing",
			 SC_ORACLE_GROUP);
}

/* ==== snapshots ========================================================= */

static char sc_probes_buf[16384];
static char sc_stats_buf[65536];
static char sc_oracle_buf[16384];

struct sc_probe_read {
	uint64_t hits[SS_NR_PROBES];
	uint64_t nmissed[SS_NR_PROBES];
	bool active[SS_NR_PROBES];
};

static int sc_read_probes(struct sc_probe_read *r)
{
	const char *pos = sc_probes_buf, *line;
	size_t len;
	int id;

	memset(r, 0, sizeof(*r));
	if (kv_read_file(SWAPSCOPE_DEBUGFS_DIR "/probes", sc_probes_buf,
			 sizeof(sc_probes_buf)) < 0)
		return -1;
	while ((line = kv_next_line(&pos, &len))) {
		id = kv_index(line, "probe", sc_probe_names, SS_NR_PROBES);
		if (id < 0)
			continue;
		kv_u64(line, "hits", 10, &r->hits[id]);
		kv_u64(line, "nmissed", 10, &r->nmissed[id]);
		r->active[id] = kv_is(line, "state", "active");
	}
	return 0;
}

static int sc_read_stats(struct sc_snap *s)
{
	const char *pos = sc_stats_buf, *line;
	int path, phase, c;
	size_t len;

	memset(s->st, 0, sizeof(s->st));
	memset(s->st_seen, 0, sizeof(s->st_seen));
	if (kv_read_file(SWAPSCOPE_DEBUGFS_DIR "/stats", sc_stats_buf,
			 sizeof(sc_stats_buf)) < 0)
		return -1;
	while ((line = kv_next_line(&pos, &len))) {
		path = kv_index(line, "path", sc_path_names, SS_NR_PATHS);
		phase = kv_index(line, "phase", sc_phase_names, SS_NR_PHASES);
		if (path < 0 || phase < 0)
			continue;
		s->st_seen[path][phase] = true;
		for (c = 0; c < SS_NR_COUNTERS; c++)
			kv_u64(line, sc_counter_names[c], 10,
			       &s->st[path][phase][c]);
	}
	return 0;
}

static const char *const sc_oracle_files[] = {
	"/sys/kernel/tracing/kprobe_profile",
	"/sys/kernel/debug/tracing/kprobe_profile",
};

/*
 * kprobe_profile: "  %-44s %15lu %15lu" per event, the event name without
 * its group, then hits and misses (probes_profile_seq_show).
 */
static int sc_read_oracle(uint64_t *hits, uint64_t *missed, bool *seen)
{
	const char *pos = sc_oracle_buf, *line;
	unsigned long long h, m;
	char name[128];
	unsigned int i;
	size_t len;
	int id;

	for (i = 0; i < SS_NR_PROBES; i++) {
		hits[i] = missed[i] = 0;
		seen[i] = false;
	}
	for (i = 0; i < SC_ARRAY_SIZE(sc_oracle_files); i++)
		if (kv_read_file(sc_oracle_files[i], sc_oracle_buf,
				 sizeof(sc_oracle_buf)) >= 0)
			break;
	if (i == SC_ARRAY_SIZE(sc_oracle_files))
		return -1;
	while ((line = kv_next_line(&pos, &len))) {
		if (sscanf(line, "%127s %llu %llu", name, &h, &m) != 3)
			continue;
		id = kv_lookup(sc_probe_names, SS_NR_PROBES, name,
			       strlen(name));
		if (id < 0)
			continue;
		hits[id] = h;
		missed[id] = m;
		seen[id] = true;
	}
	return 0;
}

bool sc_oracle_available(void)
{
	uint64_t h[SS_NR_PROBES], m[SS_NR_PROBES];
	bool seen[SS_NR_PROBES];
	int i;

	if (sc_read_oracle(h, m, seen))
		return false;
	for (i = 0; i < SS_NR_PROBES; i++)
		if (seen[i])
			return true;
	return false;
}

void sc_snap(struct sc_snap *s)
{
	static struct sc_probe_read p1, p2;
	static uint64_t oh2[SS_NR_PROBES], om2[SS_NR_PROBES];
	static bool os2[SS_NR_PROBES];
	unsigned int tries;

	memset(s, 0, sizeof(*s));
	for (tries = 1; tries <= 200; tries++) {
		if (sc_read_probes(&p1))
			tap_bail("read %s/probes", SWAPSCOPE_DEBUGFS_DIR);
		sc_read_oracle(s->ohits, s->omissed, s->oseen);
		if (sc_read_stats(s))
			tap_bail("read %s/stats", SWAPSCOPE_DEBUGFS_DIR);
		sc_read_oracle(oh2, om2, os2);
		if (sc_read_probes(&p2))
			tap_bail("read %s/probes", SWAPSCOPE_DEBUGFS_DIR);
		if (!memcmp(p1.hits, p2.hits, sizeof(p1.hits)) &&
		    !memcmp(p1.nmissed, p2.nmissed, sizeof(p1.nmissed)) &&
		    !memcmp(s->ohits, oh2, sizeof(oh2))) {
			s->consistent = true;
			break;
		}
		sched_yield();
	}
	if (tries > 200)
		tries = 200;
	s->tries = tries;
	memcpy(s->hits, p2.hits, sizeof(s->hits));
	memcpy(s->nmissed, p2.nmissed, sizeof(s->nmissed));
	memcpy(s->active, p2.active, sizeof(s->active));
	if (!s->consistent)
		tap_diag("snapshot inconsistent after %u reads: probes kept firing",
			 tries);
}

uint64_t sc_d_stat(const struct sc_snap *a, const struct sc_snap *b,
		   enum ss_path path, enum ss_phase phase, enum ss_counter cnt)
{
	return b->st[path][phase][cnt] - a->st[path][phase][cnt];
}

uint64_t sc_d_hits(const struct sc_snap *a, const struct sc_snap *b,
		   enum ss_probe probe)
{
	return b->hits[probe] - a->hits[probe];
}

uint64_t sc_d_ohits(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_probe probe)
{
	return b->ohits[probe] - a->ohits[probe];
}

uint64_t sc_d_migration(const struct sc_snap *a, const struct sc_snap *b,
			enum ss_path path, enum ss_phase phase)
{
	return sc_d_stat(a, b, path, phase, SS_CNT_MIGRATION_READ) +
	       sc_d_stat(a, b, path, phase, SS_CNT_MIGRATION_READ_EXCL) +
	       sc_d_stat(a, b, path, phase, SS_CNT_MIGRATION_WRITE);
}

/* The path whose before.calls a probe's hits must equal, -1 for none. */
static int sc_probe_path(enum ss_probe p)
{
	switch (p) {
	case SS_PROBE_FORK:
		return SS_PATH_FORK;
	case SS_PROBE_SWAPIN:
		return SS_PATH_SWAPIN;
	case SS_PROBE_RECLAIM:
		return SS_PATH_RECLAIM;
	default:
		return -1;
	}
}

void sc_expect_hits_match(const struct sc_snap *a, const struct sc_snap *b,
			  unsigned int mask, const char *ctx)
{
	uint64_t dm, dor, nm, om, calls;
	unsigned int no_oracle = 0;
	bool oracle, ok;
	char books[96];
	int p, path;

	for (p = 0; p < SS_NR_PROBES; p++) {
		if (!(mask & (1U << p)))
			continue;
		if (!b->active[p]) {
			tap_fail("%s: probe %s active in the module", ctx,
				 sc_probe_names[p]);
			continue;
		}
		dm = sc_d_hits(a, b, p);
		nm = b->nmissed[p] - a->nmissed[p];
		oracle = a->oseen[p] && b->oseen[p];
		dor = oracle ? sc_d_ohits(a, b, p) : 0;
		om = oracle ? b->omissed[p] - a->omissed[p] : 0;
		/* The module's own books: calls of the path(s) it feeds. */
		books[0] = '\0';
		calls = dm;
		path = sc_probe_path(p);
		if (p == SS_PROBE_ZAP) {
			calls = sc_d_stat(a, b, SS_PATH_ZAP_FULL,
					  SS_PHASE_BEFORE, SS_CNT_CALLS) +
				sc_d_stat(a, b, SS_PATH_ZAP_MAPPING,
					  SS_PHASE_BEFORE, SS_CNT_CALLS);
			snprintf(books, sizeof(books),
				 ", zap_full+zap_mapping calls %llu",
				 (unsigned long long)calls);
		} else if (path >= 0) {
			calls = sc_d_stat(a, b, path, SS_PHASE_BEFORE,
					  SS_CNT_CALLS);
			snprintf(books, sizeof(books),
				 ", %s before.calls %llu", sc_path_names[path],
				 (unsigned long long)calls);
		}
		ok = (!oracle || dm == dor) && !nm && !om && calls == dm;
		if (oracle) {
			tap_check(ok, "%s: probe %s hits %llu, oracle %llu, "
				  "nmissed %llu, oracle misses %llu%s", ctx,
				  sc_probe_names[p], (unsigned long long)dm,
				  (unsigned long long)dor,
				  (unsigned long long)nm,
				  (unsigned long long)om, books);
		} else {
			tap_check(ok, "%s: probe %s hits %llu, nmissed %llu%s",
				  ctx, sc_probe_names[p], (unsigned long long)dm,
				  (unsigned long long)nm, books);
			no_oracle++;
		}
	}
	if (no_oracle)
		tap_skip("no tracefs kprobe events " SC_ORACLE_GROUP "/*",
			 "%s: module hits == oracle hits for %u probe(s)", ctx,
			 no_oracle);
}

void sc_expect_hits(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_probe probe, uint64_t n, const char *ctx)
{
	EXPECT_EQ(n, sc_d_hits(a, b, probe), "%s: probe %s hits", ctx,
		  sc_probe_names[probe]);
}

bool sc_expect_stat(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_path path, enum ss_phase phase, enum ss_counter cnt,
		    uint64_t expected, const char *ctx)
{
	if (!b->st_seen[path][phase]) {
		tap_fail("%s: stats line path=%s phase=%s present", ctx,
			 sc_path_names[path], sc_phase_names[phase]);
		return false;
	}
	return EXPECT_EQ(expected, sc_d_stat(a, b, path, phase, cnt),
			 "%s: %s %s.%s", ctx, sc_path_names[path],
			 sc_phase_names[phase], sc_counter_names[cnt]);
}

void sc_expect_stats(const struct sc_snap *a, const struct sc_snap *b,
		     const struct sc_want *want, size_t n, const char *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		sc_expect_stat(a, b, want[i].path, want[i].phase, want[i].cnt,
			       want[i].val, ctx);
}

void sc_want_stat(struct sc_want *w, size_t n, enum ss_path path,
		  enum ss_phase phase, enum ss_counter cnt, uint64_t v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (w[i].path == path && w[i].phase == phase && w[i].cnt == cnt) {
			w[i].val = v;
			return;
		}
	}
	tap_bail("sc_want_stat: %s %s.%s not in the table", sc_path_names[path],
		 sc_phase_names[phase], sc_counter_names[cnt]);
}

void sc_expect_path(const struct sc_snap *a, const struct sc_snap *b,
		    enum ss_probe probe, uint64_t n, const struct sc_want *want,
		    size_t nwant, enum ss_path path, const char *ctx)
{
	sc_expect_hits_match(a, b, SC_ALL_PROBES, ctx);
	sc_expect_hits(a, b, probe, n, ctx);
	sc_expect_stats(a, b, want, nwant, ctx);
	sc_diag_path(a, b, path, ctx);
}

void sc_diag_path(const struct sc_snap *a, const struct sc_snap *b,
		  enum ss_path path, const char *ctx)
{
	char line[1024];
	size_t off;
	uint64_t d;
	int ph, c;

	for (ph = 0; ph < SS_NR_PHASES; ph++) {
		off = snprintf(line, sizeof(line), "%s: %s %s", ctx,
			       sc_path_names[path], sc_phase_names[ph]);
		for (c = 0; c < SS_NR_COUNTERS; c++) {
			d = sc_d_stat(a, b, path, ph, c);
			if (d && off < sizeof(line))
				off += snprintf(line + off, sizeof(line) - off,
						" %s=%llu", sc_counter_names[c],
						(unsigned long long)d);
		}
		tap_diag("%s", line);
	}
}

/* ==== /proc readers ===================================================== */

static char sc_proc_buf[1 << 18];

static const char *sc_proc_path(char *buf, size_t size, pid_t pid,
				const char *file)
{
	if (pid)
		snprintf(buf, size, "/proc/%d/%s", (int)pid, file);
	else
		snprintf(buf, size, "/proc/self/%s", file);
	return buf;
}

uint64_t sc_vmstat(const char *key)
{
	const char *pos = sc_proc_buf, *line;
	size_t len, klen = strlen(key);

	if (kv_read_file("/proc/vmstat", sc_proc_buf, sizeof(sc_proc_buf)) < 0)
		return UINT64_MAX;
	while ((line = kv_next_line(&pos, &len)))
		if (len > klen && line[klen] == ' ' && !memcmp(line, key, klen))
			return kv_dec(line + klen + 1, len - klen - 1);
	return UINT64_MAX;
}

/* Value of a "Key:   N kB" line starting at line, -1 if not that key. */
static long sc_kb_field(const char *line, size_t len, const char *key)
{
	size_t klen = strlen(key), i;

	if (len <= klen || line[klen] != ':' || memcmp(line, key, klen))
		return -1;
	for (i = klen + 1; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	return (long)kv_dec(line + i, len - i);
}

long sc_status_kb(pid_t pid, const char *key)
{
	const char *pos = sc_proc_buf, *line;
	char path[64];
	size_t len;
	long v;

	if (kv_read_file(sc_proc_path(path, sizeof(path), pid, "status"),
			 sc_proc_buf, sizeof(sc_proc_buf)) < 0)
		return -1;
	while ((line = kv_next_line(&pos, &len)))
		if ((v = sc_kb_field(line, len, key)) >= 0)
			return v;
	return -1;
}

static int sc_hex_range(const char *line, size_t len, uintptr_t *start,
			uintptr_t *end)
{
	unsigned long long s, e;

	if (!len || !((line[0] >= '0' && line[0] <= '9') ||
		      (line[0] >= 'a' && line[0] <= 'f')))
		return -1;
	if (sscanf(line, "%llx-%llx", &s, &e) != 2)
		return -1;
	*start = s;
	*end = e;
	return 0;
}

long sc_smaps_kb(pid_t pid, const void *start, size_t len, const char *key)
{
	uintptr_t a = (uintptr_t)start, b = a + len, vs, ve;
	const char *pos = sc_proc_buf, *line;
	bool in = false;
	char path[64];
	long sum = 0, v;
	size_t l;

	if (kv_read_file(sc_proc_path(path, sizeof(path), pid, "smaps"),
			 sc_proc_buf, sizeof(sc_proc_buf)) < 0)
		return -1;
	while ((line = kv_next_line(&pos, &l))) {
		if (!sc_hex_range(line, l, &vs, &ve)) {
			in = vs < b && ve > a;
			continue;
		}
		if (in && (v = sc_kb_field(line, l, key)) >= 0)
			sum += v;
	}
	return sum;
}

int sc_vma_count(pid_t pid)
{
	const char *pos = sc_proc_buf, *line;
	char path[64];
	size_t len;
	int n = 0;

	if (kv_read_file(sc_proc_path(path, sizeof(path), pid, "maps"),
			 sc_proc_buf, sizeof(sc_proc_buf)) < 0)
		return -1;
	while ((line = kv_next_line(&pos, &len)))
		if (len && !memmem(line, len, "[vsyscall]", 10))
			n++;
	return n;
}

static uint64_t sc_pm_buf[4096];

int sc_pagemap(pid_t pid, const void *addr, size_t npages, struct sc_pm *pm)
{
	uintptr_t va = (uintptr_t)addr;
	char path[64];
	size_t done = 0, chunk, i;
	ssize_t n;
	uint64_t e;
	int fd;

	memset(pm, 0, sizeof(*pm));
	fd = open(sc_proc_path(path, sizeof(path), pid, "pagemap"),
		  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done < npages) {
		chunk = npages - done;
		if (chunk > sizeof(sc_pm_buf) / sizeof(sc_pm_buf[0]))
			chunk = sizeof(sc_pm_buf) / sizeof(sc_pm_buf[0]);
		n = pread(fd, sc_pm_buf, chunk * 8,
			  (off_t)((va / SC_PAGE + done) * 8));
		if (n != (ssize_t)(chunk * 8)) {
			n = n < 0 ? -errno : -EIO;
			close(fd);
			return n;
		}
		for (i = 0; i < chunk; i++) {
			e = sc_pm_buf[i];
			pm->pages++;
			if (e & SC_PM_PRESENT)
				pm->present++;
			if (e & SC_PM_SWAP)
				pm->swapped++;
			if (!(e & (SC_PM_PRESENT | SC_PM_SWAP)))
				pm->none++;
			if (e & SC_PM_UFFD_WP)
				pm->uffd_wp++;
			if (e & SC_PM_FILE)
				pm->file++;
			if (e & SC_PM_MMAP_EXCLUSIVE)
				pm->exclusive++;
		}
		done += chunk;
	}
	close(fd);
	return 0;
}

uint64_t sc_pagemap_entry(pid_t pid, const void *addr)
{
	char path[64];
	uint64_t e = 0;
	int fd;

	fd = open(sc_proc_path(path, sizeof(path), pid, "pagemap"),
		  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / SC_PAGE * 8)) != 8)
		e = 0;
	close(fd);
	return e;
}

/* ==== memory helpers ==================================================== */

void *sc_map_anon(size_t npages)
{
	void *p = mmap(NULL, npages * SC_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		tap_bail("mmap %zu anonymous pages: %s", npages,
			 strerror(errno));
	/* THP is "always" on Debian: keep the range PTE-mapped. */
	if (madvise(p, npages * SC_PAGE, MADV_NOHUGEPAGE))
		tap_bail("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	return p;
}

uint64_t sc_pattern(uint64_t seed, size_t page, size_t word)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + ((uint64_t)page << 20) +
		     word + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define SC_WORDS (SC_PAGE / sizeof(uint64_t))

void sc_fill(void *p, size_t npages, uint64_t seed)
{
	uint64_t *w = p;
	size_t i, j;

	for (i = 0; i < npages; i++)
		for (j = 0; j < SC_WORDS; j++)
			w[i * SC_WORDS + j] = sc_pattern(seed, i, j);
}

size_t sc_verify(const void *p, size_t first, size_t count, uint64_t seed)
{
	const uint64_t *w = p;
	size_t i, j, bad = 0;

	for (i = first; i < first + count; i++)
		for (j = 0; j < SC_WORDS; j++)
			if (w[i * SC_WORDS + j] != sc_pattern(seed, i, j)) {
				bad++;
				break;
			}
	return bad;
}

static volatile uint64_t sc_sink;

void sc_touch_read(const void *p, size_t first, size_t count)
{
	const volatile uint64_t *w = p;
	uint64_t sum = 0;
	size_t i;

	for (i = first; i < first + count; i++)
		sum += w[i * SC_WORDS];
	sc_sink = sum;
}

void sc_touch_write(void *p, size_t first, size_t count, uint64_t seed)
{
	volatile uint64_t *w = p;
	size_t i;

	for (i = first; i < first + count; i++)
		w[i * SC_WORDS] = sc_pattern(seed, i, 0);
}

/*
 * Faults keep RSS deltas in a per-task cache (SPLIT_RSS_COUNTING), synced
 * every 64 faults; zap_pte_range()'s add_mm_rss_vec() syncs it first when
 * it zaps its own mm.  So touch and zap one scratch page.
 */
void sc_sync_rss(void)
{
	static char *scratch;

	if (!scratch) {
		scratch = mmap(NULL, SC_PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (scratch == MAP_FAILED)
			tap_bail("mmap scratch page: %s", strerror(errno));
	}
	*(volatile char *)scratch = 1;
	if (madvise(scratch, SC_PAGE, MADV_DONTNEED))
		tap_bail("madvise(MADV_DONTNEED) scratch page: %s",
			 strerror(errno));
}

int sc_pageout(void *p, size_t npages)
{
	return madvise(p, npages * SC_PAGE, MADV_PAGEOUT) ? -errno : 0;
}

int sc_kernel(void)
{
	static int series;
	struct utsname u;
	int v, p;

	if (!series) {
		if (uname(&u) || sscanf(u.release, "%d.%d", &v, &p) != 2)
			tap_bail("uname: cannot read the kernel release");
		series = SC_KERNEL(v, p);
	}
	return series;
}

bool sc_pageout_leaves_young(void)
{
	return sc_kernel() >= SC_KERNEL(6, 10);
}

bool sc_swapin_read_maps_writable(void)
{
	return sc_kernel() >= SC_KERNEL(6, 12);
}

long sc_move_pages(size_t count, void **pages, const int *nodes, int *status,
		   int flags)
{
	return syscall(SYS_move_pages, 0, count, pages, nodes, status, flags);
}

size_t sc_move_region(char *p, size_t npages, int node)
{
	void **pages = calloc(npages, sizeof(*pages));
	int *nodes = calloc(npages, sizeof(*nodes));
	int *status = calloc(npages, sizeof(*status));
	size_t i, moved = 0;

	if (!pages || !nodes || !status)
		tap_bail("sc_move_region: out of memory");
	for (i = 0; i < npages; i++) {
		pages[i] = p + i * SC_PAGE;
		nodes[i] = node;
	}
	sc_move_pages(npages, pages, nodes, status, MPOL_MF_MOVE);
	for (i = 0; i < npages; i++)
		moved += status[i] == node;
	free(pages);
	free(nodes);
	free(status);
	return moved;
}

void sc_pin_thread(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

bool sc_node_exists(int node)
{
	/* "0-1" or "0,2-3": the nodes with memory */
	char buf[256];
	const char *p = buf;
	long a, b;
	char *end;

	if (kv_read_file("/sys/devices/system/node/has_memory", buf,
			 sizeof(buf)) <= 0)
		return node == 0;
	while (*p >= '0' && *p <= '9') {
		a = strtol(p, &end, 10);
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (node >= a && node <= b)
			return true;
		if (*end != ',')
			break;
		p = end + 1;
	}
	return false;
}
