// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 05-shmem: shmem pages (MAP_SHARED|MAP_ANONYMOUS, then a memfd) swapped out
 * while mapped, then touched back.
 *
 * Expected figures, from Debian's 6.1 source:
 * - MADV_PAGEOUT isolates each written shmem page (mapcount 1) and
 *   shrink_folio_list() unmaps it: try_to_unmap_one() once per page, the
 *   PTE present and writable (shared mapping, no write-notify on shmem), not
 *   anon.  A shmem folio takes the file branch: the PTE is cleared and left
 *   pte_none (no uffd-wp here), MM_SHMEMPAGES -1, MM_SWAPENTS untouched
 *   (VmSwap unchanged).  pageout() -> shmem_writepage() moves the folio to
 *   the swap cache and swap_writepage() writes it to zram: one pswpout each.
 * - pagemap (pte_to_pagemap_entry) sees pte_none: neither PM_PRESENT nor
 *   PM_SWAP for all N (seed 002, rule P1: the kernel diverges), while smaps
 *   Swap (shmem_swap_usage: info->swapped) shows all N.
 * - Touching a page again faults through shmem_fault() ->
 *   shmem_swapin_folio(), never do_swap_page(): the swapin probe does not
 *   fire.  Each page is read on its own fault (page-cluster 0): N pswpin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scenario.h"

#define N	256UL
#define HALF	(N / 2)

/* try_to_unmap_one() of N written shmem pages: PTE left none. */
static const struct sc_want want_pageout[] = {
	SC_WANT(RECLAIM, BEFORE, CALLS, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_WRITABLE, N),
	SC_WANT(RECLAIM, BEFORE, PRESENT_ANON, 0),
	SC_WANT(RECLAIM, AFTER, CALLS, N),
	SC_WANT(RECLAIM, AFTER, NONE, N),
	SC_WANT(RECLAIM, AFTER, PRESENT, 0),
	SC_WANT(RECLAIM, AFTER, SWAP, 0),
	SC_WANT(RECLAIM, AFTER, UFFD_WP_MARKER, 0),
	SC_WANT(RECLAIM, AFTER, FAILED, 0),
};

static void run(const char *kind, char *p, uint64_t seed)
{
	struct sc_snap s0, s1, s2;
	uint64_t out0, out1, in0, in1;
	long swap0;
	struct sc_pm pm;
	char ctx[64];

	sc_fill(p, N, seed);
	swap0 = sc_status_kb(0, "VmSwap");
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.present,
			  "%s: pagemap PM_PRESENT pages before pageout", kind);

	/* ---- swap out while mapped ---- */
	out0 = sc_vmstat("pswpout");
	sc_snap(&s0);
	if (sc_pageout(p, N))
		sc_bail("%s: madvise(MADV_PAGEOUT): %s", kind, strerror(errno));
	sc_snap(&s1);
	out1 = sc_vmstat("pswpout");

	snprintf(ctx, sizeof(ctx), "%s pageout", kind);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s0, &s1, SS_PROBE_RECLAIM, N, ctx);
	SC_EXPECT_STATS(&s0, &s1, want_pageout, ctx);
	sc_diag_path(&s0, &s1, SS_PATH_RECLAIM, ctx);
	EXPECT_EQ(N, out1 - out0, "%s: pswpout delta", ctx);
	if (!sc_pagemap(0, p, N, &pm)) {
		EXPECT_EQ(0, pm.present, "%s: pagemap PM_PRESENT pages", ctx);
		EXPECT_EQ(0, pm.swapped,
			  "%s: pagemap PM_SWAP pages (P1: swapped shmem unreported)",
			  ctx);
		EXPECT_EQ(N, pm.none,
			  "%s: pagemap pages neither present nor swapped", ctx);
	} else {
		sc_fail("%s: read pagemap", ctx);
	}
	EXPECT_EQ(N * 4, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);
	EXPECT_EQ_I(swap0, sc_status_kb(0, "VmSwap"),
		    "%s: VmSwap unchanged (kB)", ctx);

	/* ---- touch back: shmem_fault, not do_swap_page ---- */
	in0 = sc_vmstat("pswpin");
	sc_snap(&s1);
	sc_touch_read(p, 0, HALF);
	sc_touch_write(p, HALF, N - HALF, seed);
	sc_snap(&s2);
	in1 = sc_vmstat("pswpin");

	snprintf(ctx, sizeof(ctx), "%s touch", kind);
	sc_expect_hits_match(&s1, &s2, SC_ALL_PROBES, ctx);
	sc_expect_hits(&s1, &s2, SS_PROBE_SWAPIN, 0, ctx);
	sc_expect_stat(&s1, &s2, SS_PATH_SWAPIN, SS_PHASE_BEFORE, SS_CNT_CALLS,
		       0, ctx);
	EXPECT_EQ(N, in1 - in0, "%s: pswpin delta", ctx);
	EXPECT_EQ(0, sc_verify(p, 0, N, seed), "%s: pages with wrong data",
		  ctx);
	if (!sc_pagemap(0, p, N, &pm))
		EXPECT_EQ(N, pm.present, "%s: pagemap PM_PRESENT pages", ctx);
	EXPECT_EQ(0, sc_smaps_kb(0, p, N * SC_PAGE, "Swap"),
		  "%s: smaps Swap (kB)", ctx);
}

int main(void)
{
	char *p;
	int fd;

	sc_begin("05-shmem", 0);

	p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		sc_bail("mmap MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	run("shared-anon", p, 0x0505);
	munmap(p, N * SC_PAGE);

	fd = syscall(SYS_memfd_create, "swapscope-05", MFD_CLOEXEC);
	if (fd < 0)
		sc_bail("memfd_create: %s", strerror(errno));
	if (ftruncate(fd, N * SC_PAGE))
		sc_bail("ftruncate: %s", strerror(errno));
	p = mmap(NULL, N * SC_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		sc_bail("mmap memfd MAP_SHARED: %s", strerror(errno));
	run("memfd", p, 0x0550);
	munmap(p, N * SC_PAGE);
	close(fd);
	return sc_end();
}
