// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 13-large-folios: the paths only 6.12 has.  64 kB anonymous folios (mTHP)
 * swapped out whole and swapped back in one fault each, their swap
 * entries zapped in batches, and a shmem 64 kB folio swapped out whole.
 * On 6.1 (no per-size THP controls, no large swap-in) it skips.
 *
 * Expected figures, from Debian's 6.12 source:
 * - hugepages-64kB/enabled=always: a write fault in an aligned 64 kB range
 *   of the VMA allocates a 16-page folio (alloc_anon_folio; the size's
 *   stats/anon_fault_alloc +1 each): 16 folios for 1 MiB.
 * - MADV_PAGEOUT keeps a large folio whole when the range covers it and
 *   it is mapped once (madvise_cold_or_pageout_pte_range), and
 *   reclaim_pages() ignores references (young PTEs stay young).
 *   add_to_swap() gives it 16 contiguous slots (THP_SWAP), and
 *   try_to_unmap_one() runs once per folio, unmapping its 16 PTEs one by
 *   one: 16 reclaim hits; swap_writepage() writes it whole (stats/swpout
 *   +1 per folio, pswpout +16).  Rules: U1 obs +256 viol 0 impact +256
 *   (each page exclusive, each swap PTE exclusive); U2 obs +16 (one per
 *   call) viol 0 impact +16 (every call unmapped young PTEs: the PTEs of
 *   a freshly written page are young and MADV_PAGEOUT no longer clears
 *   them since 6.10).
 * - Reading one word of each folio: do_swap_page() finds no folio in the
 *   swap cache; zram is SWP_SYNCHRONOUS_IO and every slot has count 1, so
 *   alloc_swap_folio() allocates a 64 kB folio (zswap never enabled, the
 *   offset aligned with the address, the 16 PTEs alike), reads it and maps
 *   the 16 PTEs at once (set_ptes), then swap_free_nr(entry, 16).  One
 *   do_swap_page() per folio: swapin hits +16, pswpin +256 (stats/swpin
 *   +16 where the kernel has that counter), pagemap: all 256 pages present
 *   after 16 faults.  Rules, per page mapped: F1
 *   obs +256 (each was an exclusive swap PTE, a sighting), S1 obs +256,
 *   S3 obs +256 (a fresh folio), S4 obs +256 (16 faults, each +16 anon
 *   pages, -16 swap entries, 16 references freed); no violation.
 * - munmap after a second page-out: unmap_vmas() -> one unmap_page_range()
 *   (a full zap) over 256 exclusive swap PTEs with consecutive offsets:
 *   zap_pte_range() frees them with free_swap_and_cache_nr(entry, nr)
 *   per batch of swap_pte_batch() (contiguous offsets, same bits; at most
 *   one per folio, at least one in all): free_swap hits 1..16, every slot
 *   losing one reference.  Rules: Z1 obs +256 viol 0, Z4 obs +1 viol 0.
 * - shmem: hugepages-64kB/shmem_enabled=always, a 1 MiB memfd mapped
 *   shared and written: 16 shmem 64 kB folios (stats/shmem_alloc +16).
 *   MADV_PAGEOUT: try_to_unmap_one() per folio leaves its 16 PTEs none
 *   (shmem, no uffd-wp), shmem_writepage() swaps the folio out whole:
 *   swap_shmem_alloc(entry, 16) puts all 16 slots at SWAP_MAP_SHMEM, and
 *   the mapping's xarray holds one order-4 value entry.  Rules: U3 obs
 *   +256 viol +256 impact +256, C1 obs +256 viol +256 impact +256 (16
 *   calls, per slot), U2 obs +16 impact +16.  smaps Swap 1024 kB; the
 *   swap-slot audit finds every one of the 256 slots owned (no leak: it
 *   counts an order-4 entry as 16 slots).  Reading it back faults through
 *   shmem_swapin_folio() (no probed path: no rule moves) and the data
 *   comes back intact.
 * - uffd-wp markers on anonymous memory (UFFD_FEATURE_WP_UNPOPULATED):
 *   UFFDIO_WRITEPROTECT over N never-touched pages of a private anonymous
 *   mapping installs a PTE_MARKER_UFFD_WP in each none PTE
 *   (change_pte_range(), userfaultfd_wp_use_markers()); pagemap shows
 *   each as PM_SWAP | PM_UFFD_WP.  MADV_DONTNEED zaps them without
 *   details: zap_pte_range() drops an anonymous VMA's markers whatever the
 *   details (6.1 kept them unless ZAP_FLAG_DROP_MARKER; it had no anon
 *   markers): zap_full before.uffd_wp_marker +N, Z1 obs +N viol 0, Z4 obs
 *   +1 viol 0 (markers count in no RSS counter), no swap slot freed; the
 *   pages read as none afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rules.h"
#include "scenario.h"

#define FOLIO	16UL			/* pages of a 64 kB folio */
#define NF	16UL			/* folios */
#define N	(FOLIO * NF)		/* pages */
#define SEED	0x1313
#define MTHP	"/sys/kernel/mm/transparent_hugepage/hugepages-64kB"

/* Debian 12's userspace headers are 6.1's: the 6.12 uapi value. */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif

static char old_enabled[32], old_shmem[32];

/* The bracketed word of a sysfs choice file: "always [never]" -> never. */
static void sysfs_choice(const char *path, char *out, size_t len)
{
	char buf[256], *a, *b;

	out[0] = '\0';
	if (kv_read_file(path, buf, sizeof(buf)) < 0)
		return;
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b && (size_t)(b - a) < len) {
		memcpy(out, a + 1, b - a - 1);
		out[b - a - 1] = '\0';
	}
}

static void restore_mthp(void)
{
	if (old_enabled[0])
		kv_write_file(MTHP "/enabled", old_enabled);
	if (old_shmem[0])
		kv_write_file(MTHP "/shmem_enabled", old_shmem);
}

static uint64_t mthp_stat(const char *name)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), MTHP "/stats/%s", name);
	if (kv_read_file(path, buf, sizeof(buf)) < 0)
		return UINT64_MAX;
	return strtoull(buf, NULL, 0);
}

/* A VMA of exactly @len bytes whose start is aligned to 64 kB. */
static void *map_aligned(size_t len, int flags, int fd)
{
	size_t align = FOLIO * SC_PAGE;
	char *p, *q;

	p = mmap(NULL, len + align, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap %zu bytes: %s", len + align, strerror(errno));
	q = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (fd >= 0) {
		/* A file mapping: map the file again at the aligned spot. */
		munmap(p, len + align);
		q = mmap(q, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, 0);
		if (q == MAP_FAILED)
			tap_bail("mmap fixed: %s", strerror(errno));
		return q;
	}
	if (q > p)
		munmap(p, q - p);
	if (p + len + align > q + len)
		munmap(q + len, p + len + align - (q + len));
	return q;
}

static const struct sc_rule_want rules_anon_pageout[] = {
	SC_RULE(U1, N, 0, N),
	SC_RULE(U2, NF, 0, NF),
};

static const struct sc_rule_want rules_swapin[] = {
	SC_RULE(F1, N, 0, 0),
	SC_RULE(S1, N, 0, 0),
	SC_RULE(S3, N, 0, 0),
	SC_RULE(S4, N, 0, 0),
};

static const struct sc_rule_want rules_zap[] = {
	SC_RULE(Z1, N, 0, 0),
	SC_RULE(Z4, 1, 0, 0),
};

static const struct sc_rule_want rules_shmem_pageout[] = {
	SC_RULE(U2, NF, 0, NF),
	SC_RULE(U3, N, N, N),
	SC_RULE(C1, N, N, N),
};

static const struct sc_rule_want rules_none[] = { };

static const struct sc_rule_want rules_marker_zap[] = {
	SC_RULE(Z1, N, 0, 0),
	SC_RULE(Z4, 1, 0, 0),
};

static const struct sc_want want_marker_zap[] = {
	SC_WANT(ZAP_FULL, BEFORE, CALLS, 1),
	SC_WANT(ZAP_FULL, BEFORE, UFFD_WP_MARKER, N),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT, 0),
	SC_WANT(ZAP_FULL, BEFORE, SWAP, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 0),
};

/* Page out [p, p + N pages); false (and said) if the folios did not stay whole. */
static bool pageout_whole(char *p, const char *ctx)
{
	uint64_t out0 = mthp_stat("swpout"), fb0 = mthp_stat("swpout_fallback");
	uint64_t pswp0 = sc_vmstat("pswpout");

	EXPECT_EQ(0, sc_pageout(p, N), "%s: MADV_PAGEOUT", ctx);
	EXPECT_EQ(N, sc_vmstat("pswpout") - pswp0, "%s: pswpout delta", ctx);
	if (!EXPECT_EQ(NF, mthp_stat("swpout") - out0,
		       "%s: hugepages-64kB swpout delta (folios written whole)", ctx)) {
		tap_diag("%s: swpout_fallback delta %" PRIu64, ctx,
			 mthp_stat("swpout_fallback") - fb0);
		return false;
	}
	return true;
}

static void anon(void)
{
	struct sc_snap s0, s1, s2, s3, s4, s5;
	struct sc_rules r0, r1, r2, r3, r4, r5;
	uint64_t alloc0, in0, pswpin0;
	struct sc_pm pm;
	char *p;
	size_t i;

	alloc0 = mthp_stat("anon_fault_alloc");
	p = map_aligned(N * SC_PAGE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	sc_fill(p, N, SEED);
	if (!EXPECT_EQ(NF, mthp_stat("anon_fault_alloc") - alloc0,
		       "anon: 64 kB folios allocated by the write faults")) {
		munmap(p, N * SC_PAGE);
		return;
	}
	sc_sync_rss();

	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (!pageout_whole(p, "anon pageout"))
		goto out;
	sc_snap(&s1);
	sc_rules_snap(&r1);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "anon pageout");
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, NF, "anon pageout");
	SC_EXPECT_RULES(&r0, &r1, rules_anon_pageout, "anon pageout");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.swapped, "anon pageout: pagemap PM_SWAP pages");

	/* One read per folio, at its first page. */
	in0 = mthp_stat("swpin");
	pswpin0 = sc_vmstat("pswpin");
	sc_snap(&s2);
	sc_rules_snap(&r2);
	for (i = 0; i < NF; i++)
		sc_touch_read(p, i * FOLIO, 1);
	sc_snap(&s3);
	sc_rules_snap(&r3);
	sc_expect_hits_match(&s2, &s3, SC_ALL_PROBES, "large swap-in");
	sc_expect_hits(&s2, &s3, SS_PROBE_SWAPIN, NF, "large swap-in");
	/* The per-size swpin counter came after 6.12.118's stats set. */
	if (in0 != UINT64_MAX)
		EXPECT_EQ(NF, mthp_stat("swpin") - in0,
			  "large swap-in: hugepages-64kB swpin delta");
	EXPECT_EQ(N, sc_vmstat("pswpin") - pswpin0, "large swap-in: pswpin delta");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.present,
			  "large swap-in: pagemap PM_PRESENT pages after %lu faults", NF);
	SC_EXPECT_RULES(&r2, &r3, rules_swapin, "large swap-in");
	EXPECT_EQ(0, sc_verify(p, 0, N, SEED), "large swap-in: pages intact");

	/* The batch zap: swapped out again, then unmapped. */
	if (!pageout_whole(p, "anon pageout 2"))
		goto out;
	sc_sync_rss();
	sc_snap(&s4);
	sc_rules_snap(&r4);
	munmap(p, N * SC_PAGE);
	sc_snap(&s5);
	sc_rules_snap(&r5);
	sc_expect_hits_match(&s4, &s5, SC_ALL_PROBES, "batch zap");
	sc_expect_hits(&s4, &s5, SS_PROBE_ZAP, 1, "batch zap");
	EXPECT_TRUE(sc_d_hits(&s4, &s5, SS_PROBE_FREE_SWAP) >= 1 &&
		    sc_d_hits(&s4, &s5, SS_PROBE_FREE_SWAP) <= NF,
		    "batch zap: free_swap_and_cache_nr calls %" PRIu64 " in [1, %lu] for %lu entries",
		    sc_d_hits(&s4, &s5, SS_PROBE_FREE_SWAP), NF, N);
	sc_expect_stat(&s4, &s5, SS_PATH_ZAP_FULL, SS_PHASE_BEFORE, SS_CNT_SWAP,
		       N, "batch zap");
	SC_EXPECT_RULES(&r4, &r5, rules_zap, "batch zap");
	return;
out:
	munmap(p, N * SC_PAGE);
}

/* The audit's summary value @key, UINT64_MAX when absent. */
static uint64_t audit_value(const char *buf, const char *key)
{
	char pat[40];
	const char *v;

	snprintf(pat, sizeof(pat), " %s=", key);
	v = strstr(buf, pat);
	return v ? strtoull(v + strlen(pat), NULL, 10) : UINT64_MAX;
}

static void shmem(void)
{
	static char buf[4096];
	struct sc_rules r0, r1, r2, r3;
	struct sc_snap s0, s1;
	uint64_t alloc0;
	char *p;
	int fd;

	fd = memfd_create("13-large-folios", 0);
	if (fd < 0 || ftruncate(fd, N * SC_PAGE))
		tap_bail("memfd of %lu pages: %s", N, strerror(errno));
	alloc0 = mthp_stat("shmem_alloc");
	p = map_aligned(N * SC_PAGE, MAP_SHARED, fd);
	sc_fill(p, N, SEED + 1);
	if (!EXPECT_EQ(NF, mthp_stat("shmem_alloc") - alloc0,
		       "shmem: 64 kB folios allocated by the writes"))
		goto out;

	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (!pageout_whole(p, "shmem pageout"))
		goto out;
	sc_snap(&s1);
	sc_rules_snap(&r1);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "shmem pageout");
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, NF, "shmem pageout");
	sc_expect_hits(&s0, &s1, SS_PROBE_SHMEM_SWAP, NF, "shmem pageout");
	SC_EXPECT_RULES(&r0, &r1, rules_shmem_pageout, "shmem pageout");
	EXPECT_EQ_I(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		    "shmem pageout: smaps Swap (kB)");

	/* The audit: an order-4 value entry owns its 16 slots. */
	if (EXPECT_EQ(0, kv_write_file(SWAPSCOPE_DEBUGFS_DIR "/audit", "run"),
		      "shmem audit: run") &&
	    kv_read_file(SWAPSCOPE_DEBUGFS_DIR "/audit", buf, sizeof(buf)) > 0) {
		EXPECT_EQ(0, audit_value(buf, "leaks"), "shmem audit: leaks");
		EXPECT_EQ(0, audit_value(buf, "undercounts"), "shmem audit: undercounts");
		EXPECT_EQ(0, audit_value(buf, "overcounts"), "shmem audit: overcounts");
		EXPECT_GE(N, audit_value(buf, "shmem_owned"),
			  "shmem audit: slots owned by shmem");
	}

	sc_rules_snap(&r2);
	sc_touch_read(p, 0, N);
	sc_rules_snap(&r3);
	SC_EXPECT_RULES(&r2, &r3, rules_none, "shmem read back");
	EXPECT_EQ(0, sc_verify(p, 0, N, SEED + 1), "shmem read back: pages intact");
out:
	munmap(p, N * SC_PAGE);
	close(fd);
}

static void anon_markers(void)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_UNPOPULATED,
	};
	struct uffdio_register reg = { 0 };
	struct uffdio_writeprotect wp = { 0 };
	struct sc_rules r0, r1;
	struct sc_snap s0, s1;
	struct sc_pm pm;
	char *p;
	int uffd;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		tap_skip(strerror(errno), "anon uffd-wp markers (UFFD_FEATURE_WP_UNPOPULATED)");
		if (uffd >= 0)
			close(uffd);
		return;
	}
	p = sc_map_anon(N);
	reg.range.start = (uintptr_t)p;
	reg.range.len = N * SC_PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		tap_bail("UFFDIO_REGISTER_MODE_WP on anon: %s", strerror(errno));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
		tap_bail("UFFDIO_WRITEPROTECT: %s", strerror(errno));
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(N, pm.swapped, "anon markers: pagemap PM_SWAP pages");
		EXPECT_EQ(N, pm.uffd_wp, "anon markers: pagemap PM_UFFD_WP pages");
	}

	sc_sync_rss();
	sc_snap(&s0);
	sc_rules_snap(&r0);
	EXPECT_EQ(0, madvise(p, N * SC_PAGE, MADV_DONTNEED) ? errno : 0,
		  "anon marker zap: MADV_DONTNEED");
	sc_snap(&s1);
	sc_rules_snap(&r1);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "anon marker zap");
	sc_expect_hits(&s0, &s1, SS_PROBE_FREE_SWAP, 0, "anon marker zap");
	SC_EXPECT_STATS(&s0, &s1, want_marker_zap, "anon marker zap");
	SC_EXPECT_RULES(&r0, &r1, rules_marker_zap, "anon marker zap");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.none, "anon marker zap: pages neither present nor swap");
	munmap(p, N * SC_PAGE);
	close(uffd);
}

int main(void)
{
	sc_begin("13-large-folios", 0);
	sysfs_choice(MTHP "/enabled", old_enabled, sizeof(old_enabled));
	if (!old_enabled[0]) {
		tap_skip("no per-size THP controls (" MTHP ": 6.1 has none)",
			 "large folios: mTHP swap-in, batch zap, shmem large folio");
		return tap_end();
	}
	sysfs_choice(MTHP "/shmem_enabled", old_shmem, sizeof(old_shmem));
	atexit(restore_mthp);
	if (kv_write_file(MTHP "/enabled", "always"))
		tap_bail("cannot enable 64 kB anonymous folios");
	anon();
	if (!old_shmem[0] || kv_write_file(MTHP "/shmem_enabled", "always"))
		tap_skip("no hugepages-64kB/shmem_enabled", "shmem large folio");
	else
		shmem();
	anon_markers();
	return tap_end();
}
