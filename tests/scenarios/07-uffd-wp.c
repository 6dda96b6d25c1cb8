// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 07-uffd-wp: uffd-wp on shmem leaves PTE markers.
 *
 * A MAP_SHARED|MAP_ANONYMOUS range of M + N pages: the first M written, the
 * last N never populated.  userfaultfd (UFFD_FEATURE_WP_HUGETLBFS_SHMEM)
 * registers it in WP mode and UFFDIO_WRITEPROTECT protects all of it.
 *
 * Expected figures, from Debian's 6.1 source:
 * - mwriteprotect_range() -> change_protection(MM_CP_UFFD_WP): the M
 *   present PTEs get the uffd-wp bit and lose write; for a file-backed VMA
 *   change_pmd_prepare() allocates the page tables and change_pte_range()
 *   installs a PTE_MARKER_UFFD_WP in each of the N none PTEs.
 * - pagemap: pte_to_pagemap_entry() treats a marker as a swap PTE
 *   (!pte_none && !pte_present): PM_SWAP and PM_UFFD_WP for the N (seed
 *   002, rule P3: a marker is reported as swap); PM_PRESENT and PM_UFFD_WP
 *   for the M.
 * - fork: copy_page_range() walks every parent VMA (N markers in ours); the
 *   child's VMA loses VM_UFFD_WP (dup_userfaultfd() without
 *   UFFD_FEATURE_EVENT_FORK) and shared shmem has no anon_vma, so
 *   vma_needs_copy() is false: the child has no marker.
 * - MADV_PAGEOUT of the M protected pages: try_to_unmap_one() clears each
 *   PTE and pte_install_uffd_wp_if_needed() puts a marker back (the PTE was
 *   uffd-wp, the VMA uffd-wp armed): after = M markers, not none.
 * - munmap: unmap_vmas() with ZAP_FLAG_DROP_MARKER and even_cows, one
 *   zap_full call that finds N + M markers and drops them.
 *
 * Expected rule figures (module/rules.c):
 * - writeprotect: change_protection() is none of the probed paths: no rule
 *   moves.
 * - fork: no swap PTE and no migration entry in the parent: F1 and F2
 *   +0.  The child exits at once, inside the window: its exit_mmap()
 *   leaves every counter zero (Z3 obs +1 viol 0) and zaps its nvma VMAs
 *   (the parent's, copied one for one), each judged by Z4 (mm_users 0):
 *   obs +nvma viol 0.  The child has no non-present entry (no marker was
 *   copied): Z1 +0.
 * - pageout: ss_judge_unmap_page() per page: a present shmem page whose
 *   PTE became a uffd-wp marker is a U3 observation that conforms (obs
 *   +M, viol 0, impact 0).  U2 obs +M (one per call), viol 0, impact 0.
 *   shmem_writepage() -> swap_shmem_alloc() leaves each slot at
 *   SWAP_MAP_SHMEM: C1 obs +M viol +M impact +M.
 * - munmap: one full zap meets N + M markers: Z1 obs +(N + M); unmap_vmas()
 *   passes ZAP_FLAG_DROP_MARKER, so all are dropped (viol 0) and it is not
 *   the old skip (impact 0).  Markers are worth no RSS: Z4 obs +1 viol 0.
 * At the end: C1 diverges (this scenario's own SWAP_MAP_SHMEM slots), Z1
 * conforms, U3 is observed (it diverges from 05's pte_none, not here).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules.h"
#include "scenario.h"

#define M	64UL		/* populated, then write-protected */
#define N	192UL		/* never populated: markers */
#define SEED	0x0707

/* The parent's markers are walked; the child gets none. */
static const struct sc_want want_fork[] = {
	SC_WANT(FORK, BEFORE, UFFD_WP_MARKER, N),
	SC_WANT(FORK, AFTER, UFFD_WP_MARKER, 0),
	SC_WANT(FORK, AFTER, FAILED, 0),
};

/* Reclaim of M uffd-wp protected shmem pages: a marker replaces each. */
static const struct sc_want want_pageout[] = {
	SC_WANT(RECLAIM, BEFORE, CALLS, M),
	SC_WANT(RECLAIM, BEFORE, PRESENT, M),
	SC_WANT(RECLAIM, BEFORE, PRESENT_WRITABLE, 0),
	SC_WANT(RECLAIM, AFTER, UFFD_WP_MARKER, M),
	SC_WANT(RECLAIM, AFTER, NONE, 0),
	SC_WANT(RECLAIM, AFTER, PRESENT, 0),
	SC_WANT(RECLAIM, AFTER, FAILED, 0),
};

/* munmap: one full zap meets every marker. */
static const struct sc_want want_munmap[] = {
	SC_WANT(ZAP_FULL, BEFORE, CALLS, 1),
	SC_WANT(ZAP_FULL, BEFORE, UFFD_WP_MARKER, N + M),
	SC_WANT(ZAP_FULL, BEFORE, PRESENT, 0),
	SC_WANT(ZAP_FULL, BEFORE, SWAP, 0),
	SC_WANT(ZAP_FULL, BEFORE, UNKNOWN, 0),
	SC_WANT(ZAP_FULL, BEFORE, TRUNCATED, 0),
	SC_WANT(ZAP_MAPPING, BEFORE, CALLS, 0),
};

/* Reclaim of M uffd-wp protected shmem pages: markers, SWAP_MAP_SHMEM. */
static struct sc_rule_want rules_pageout[] = {
	SC_RULE(U2, M, 0, 0),
	SC_RULE(U3, M, 0, 0),
	SC_RULE(C1, M, M, M),
};

/* munmap: N + M markers dropped. */
static const struct sc_rule_want rules_munmap[] = {
	SC_RULE(Z1, N + M, 0, 0),
	SC_RULE(Z4, 1, 0, 0),
};

int main(void)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
	};
	struct uffdio_register reg = { 0 };
	struct uffdio_writeprotect wp = { 0 };
	struct sc_rule_want rules_fork[] = {
		SC_RULE(Z3, 1, 0, 0),
		SC_RULE(Z4, 0, 0, 0),	/* nvma, once known */
	};
	struct sc_rules r0, r1;
	struct sc_snap s0, s1;
	struct sc_pm pm;
	int uffd, nvma, status;
	pid_t pid;
	char *p;

	sc_begin("07-uffd-wp", 0);
	/* 6.10+: MADV_PAGEOUT leaves the PTEs young (lib: scenario.h). */
	if (sc_pageout_leaves_young())
		SC_SET_IMPACT(rules_pageout, U2, M);
	p = mmap(NULL, (M + N) * SC_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		tap_bail("mmap MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	sc_fill(p, M, SEED);

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0) {
		tap_skip(strerror(errno), "userfaultfd(2)");
		return tap_end();
	}
	if (ioctl(uffd, UFFDIO_API, &api)) {
		tap_skip("UFFD_FEATURE_WP_HUGETLBFS_SHMEM not supported",
			 "uffd-wp on shmem (UFFDIO_API: %s)", strerror(errno));
		return tap_end();
	}
	reg.range.start = (uintptr_t)p;
	reg.range.len = (M + N) * SC_PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		tap_skip(strerror(errno), "UFFDIO_REGISTER_MODE_WP on shmem");
		return tap_end();
	}
	if (!(reg.ioctls & (1ULL << _UFFDIO_WRITEPROTECT))) {
		tap_skip("no UFFDIO_WRITEPROTECT for this range",
			 "uffd-wp on shmem");
		return tap_end();
	}

	/* ---- write-protect everything: markers on the none PTEs ---- */
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp))
		tap_bail("UFFDIO_WRITEPROTECT: %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "writeprotect");
	sc_expect_hits(&s0, &s1, SS_PROBE_ZAP, 0, "writeprotect");
	SC_EXPECT_RULES_QUIET(&r0, &r1, "writeprotect");
	if (!sc_pagemap(0, p, M + N, &pm)) {
		tap_diag("pagemap after WP: %zu present, %zu PM_SWAP, "
			 "%zu PM_UFFD_WP, %zu neither, %zu PM_FILE of %zu",
			 pm.present, pm.swapped, pm.uffd_wp, pm.none, pm.file,
			 pm.pages);
		EXPECT_EQ(M, pm.present,
			  "pagemap: PM_PRESENT pages (populated)");
		EXPECT_EQ(N, pm.swapped,
			  "pagemap: PM_SWAP pages (P3: markers shown as swap)");
		EXPECT_EQ(M + N, pm.uffd_wp, "pagemap: PM_UFFD_WP pages");
		EXPECT_EQ(0, pm.none,
			  "pagemap: pages neither present nor swap");
	} else {
		tap_fail("read pagemap");
	}
	EXPECT_EQ(0, sc_smaps_kb(0, p, (M + N) * SC_PAGE, "Swap"),
		  "smaps Swap (kB): markers are not swap");

	/* ---- fork: the parent's markers, none in the child ---- */
	nvma = sc_vma_count(0);
	fflush(stdout);
	sc_snap(&s0);
	sc_rules_snap(&r0);
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid)
		tap_bail("waitpid: %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	sc_expect_hits_match(&s0, &s1, SC_ALL_PROBES, "fork");
	sc_expect_hits(&s0, &s1, SS_PROBE_FORK, nvma, "fork (one per VMA)");
	SC_EXPECT_STATS(&s0, &s1, want_fork, "fork");
	sc_diag_path(&s0, &s1, SS_PATH_FORK, "fork");
	/* The child's exit_mmap(): one Z4 observation per VMA. */
	rules_fork[1].obs_min = rules_fork[1].obs_max = nvma;
	SC_EXPECT_RULES(&r0, &r1, rules_fork, "fork (child exits)");

	/* ---- reclaim of protected pages: a marker replaces the PTE ---- */
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (sc_pageout(p, M))
		tap_bail("madvise(MADV_PAGEOUT): %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	SC_EXPECT_PATH(&s0, &s1, RECLAIM, M, want_pageout, RECLAIM, "pageout");
	SC_EXPECT_RULES(&r0, &r1, rules_pageout, "pageout");
	if (!sc_pagemap(0, p, M + N, &pm)) {
		tap_diag("pagemap after pageout: %zu present, %zu PM_SWAP, "
			 "%zu PM_UFFD_WP of %zu",
			 pm.present, pm.swapped, pm.uffd_wp, pm.pages);
		EXPECT_EQ(M + N, pm.swapped,
			  "pagemap after pageout: PM_SWAP pages");
		EXPECT_EQ(M + N, pm.uffd_wp,
			  "pagemap after pageout: PM_UFFD_WP pages");
	}
	EXPECT_EQ(M * 4, sc_smaps_kb(0, p, (M + N) * SC_PAGE, "Swap"),
		  "smaps Swap after pageout (kB)");

	/* ---- munmap: one full zap drops every marker ---- */
	sc_snap(&s0);
	sc_rules_snap(&r0);
	if (munmap(p, (M + N) * SC_PAGE))
		tap_bail("munmap: %s", strerror(errno));
	sc_rules_snap(&r1);
	sc_snap(&s1);
	SC_EXPECT_PATH(&s0, &s1, ZAP, 1, want_munmap, ZAP_FULL, "munmap");
	SC_EXPECT_RULES(&r0, &r1, rules_munmap, "munmap");
	close(uffd);

	/* ---- verdicts this scenario fixes on the stock kernel ---- */
	sc_rules_snap(&r0);
	SC_EXPECT_VERDICT(&r0, C1, DIVERGES, "end");
	SC_EXPECT_VERDICT(&r0, Z1, CONFORMS, "end");
	/* Conforms on its own; diverges once 05 has run (pte_none there). */
	sc_expect_verdict(&r0, SS_RULE_U3,
			  SC_VERDICT(CONFORMS) | SC_VERDICT(DIVERGES), "end");
	sc_expect_rules_sane(&r0, SC_STOCK_61_DIVERGES, "end");
	return tap_end();
}
