// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject-z1: rule Z1 ("full zap clears everything") must fire when a zap
 * without zap_details, or with even_cows, leaves a non-present entry
 * behind in a plain anon VMA, and only Z1.
 *
 * ssinject's zap_marker_next writes a uffd-wp PTE marker at page Z right
 * after zap_pte_range() cleared it, still under its PTE lock (from
 * add_mm_rss_vec()'s mm_trace_rss_stat()).  A marker references no page
 * and no swap slot, so nothing leaks and no counter is off.  First a shot
 * armed and taken back with disarm must not fire; then two zaps:
 * - MADV_DONTNEED (zap_page_range: no details).  The marker stays in the
 *   VMA until exit_mmap()'s zap (ZAP_FLAG_DROP_MARKER) drops it; the page
 *   must not be touched meanwhile: handle_pte_marker() warns about a
 *   marker in an anon VMA.
 * - munmap (unmap_vmas: details with even_cows).  The range is mapped
 *   again and unmapped once more, which drops the marker if its page table
 *   outlived the first munmap, so no later mapping can fault on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inject.h"

#define N	16UL
#define PZ	7UL	/* the page the MADV_DONTNEED zap leaves a marker at */
#define PM	3UL	/* the page the munmap zap leaves a marker at */
#define PD	1UL	/* zapped while disarmed */
#define SEED	0x0021

static void expect_marker_sample(const char *line, const char *ctx)
{
	char val[64];

	if (!line[0])
		return;
	EXPECT_TRUE(kv_str(line, "kind", val, sizeof(val)) &&
		    !strcmp(val, "uffd_wp_marker"),
		    "%s: sample kind=uffd_wp_marker (got %s)", ctx,
		    kv_str(line, "kind", val, sizeof(val)) ? val : "none");
	EXPECT_TRUE(kv_str(line, "path", val, sizeof(val)) &&
		    !strcmp(val, "unmap_page_range"),
		    "%s: sample path=unmap_page_range", ctx);
}

int main(void)
{
	struct in_rules r0, r1, r2, r3, rp;
	uint64_t e, fired0;
	char line[1024] = "";
	pid_t me = getpid();
	struct sc_pm pm;
	char *p, *q, *z, *m, *again;

	in_begin("inject-z1");
	EXPECT_EQ_I(-EINVAL, in_cmd("zap_marker_next %d", me),
		    "zap_marker_next without an address fails with EINVAL");
	EXPECT_EQ_I(-EINVAL, in_cmd("zap_marker_next %d 0", me),
		    "zap_marker_next at address 0 fails with EINVAL");

	p = sc_map_anon(N);
	z = p + PZ * SC_PAGE;
	sc_fill(p, N, SEED);
	if (sc_pagemap(0, p, N, &pm) || pm.present != N)
		tap_bail("setup: %zu of %lu pages present", pm.present, N);

	/* ---- disarm: an armed shot that is taken back does not fire ---- */
	in_reset();
	in_rules_read(&r0);
	fired0 = in_status_val("zap_marker", "fired");
	EXPECT_EQ_I(0, in_cmd("zap_marker_next %d 0x%lx", me,
			      (unsigned long)(p + PD * SC_PAGE)),
		    "zap_marker_next armed for page D");
	EXPECT_EQ_I(0, in_cmd("disarm"), "disarm");
	EXPECT_EQ_I(-EINVAL, in_cmd("disarm now"),
		    "disarm with an argument fails with EINVAL");
	if (madvise(p + PD * SC_PAGE, SC_PAGE, MADV_DONTNEED))
		tap_bail("madvise(MADV_DONTNEED): %s", strerror(errno));
	in_rules_read(&r1);
	EXPECT_EQ(fired0, in_status_val("zap_marker", "fired"),
		  "disarmed: ssinject zap_marker fired");
	EXPECT_EQ(0, in_pagemap(p + PD * SC_PAGE) & (SC_PM_SWAP | SC_PM_PRESENT),
		  "disarmed: page D neither present nor swapped after the zap");
	in_expect_none(&r0, &r1, "disarmed");

	/* ---- MADV_DONTNEED ---- */
	in_reset();
	in_rules_read(&r0);
	EXPECT_EQ_I(0, in_cmd("zap_marker_next %d 0x%lx", me, (unsigned long)z),
		    "zap_marker_next armed for page Z");
	if (madvise(p, N * SC_PAGE, MADV_DONTNEED))
		tap_bail("madvise(MADV_DONTNEED): %s", strerror(errno));
	in_rules_read(&r1);
	in_expect_fired("zap_marker", fired0 + 1, NULL, "MADV_DONTNEED");
	in_expect_only(&r0, &r1, SS_RULE_Z1, 1, "MADV_DONTNEED");
	if (in_expect_sample(SS_RULE_Z1, (unsigned long)z, me, line,
			     sizeof(line), "MADV_DONTNEED"))
		expect_marker_sample(line, "MADV_DONTNEED");
	/* pagemap reports a marker as PM_SWAP | PM_UFFD_WP (scenario 07). */
	e = in_pagemap(z);
	EXPECT_TRUE((e & SC_PM_SWAP) && (e & SC_PM_UFFD_WP) &&
		    !(e & SC_PM_PRESENT),
		    "MADV_DONTNEED: the marker sits at Z (pagemap 0x%llx)",
		    (unsigned long long)e);
	if (sc_pagemap(0, p, N, &pm))
		tap_bail("read pagemap: %s", strerror(errno));
	EXPECT_EQ(N - 1, pm.none, "MADV_DONTNEED: pages neither present nor swapped");
	/*
	 * swapscope judges every pagemap read: both of ours met the marker
	 * and were told PM_SWAP (P3).  The munmap's window starts after.
	 */
	in_rules_read(&rp);
	EXPECT_EQ(2, rp.viol[SS_RULE_P3] - r1.viol[SS_RULE_P3],
		  "pagemap reads: P3 +2 (the marker read twice as swap)");
	r1 = rp;

	/* ---- munmap ---- */
	q = sc_map_anon(N);
	m = q + PM * SC_PAGE;
	sc_fill(q, N, SEED + 1);
	line[0] = '\0';
	EXPECT_EQ_I(0, in_cmd("zap_marker_next %d 0x%lx", me, (unsigned long)m),
		    "zap_marker_next armed for page M");
	if (munmap(q, N * SC_PAGE))
		tap_bail("munmap: %s", strerror(errno));
	in_rules_read(&r2);
	in_expect_fired("zap_marker", fired0 + 2, NULL, "munmap");
	in_expect_only(&r1, &r2, SS_RULE_Z1, 1, "munmap");
	if (in_expect_sample(SS_RULE_Z1, (unsigned long)m, me, line,
			     sizeof(line), "munmap"))
		expect_marker_sample(line, "munmap");

	/* Map it again, untouched, and unmap: drops a surviving marker. */
	again = mmap(q, N * SC_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (again != q)
		tap_bail("mmap the unmapped range again: %s",
			 again == MAP_FAILED ? strerror(errno) : "moved");
	e = in_pagemap(m);
	tap_diag("munmap: page table of M %s the munmap (pagemap 0x%llx)",
		 e & SC_PM_SWAP ? "outlived" : "did not outlive",
		 (unsigned long long)e);
	/* A surviving marker was read as swap: P3 +1 (see above). */
	in_rules_read(&rp);
	EXPECT_EQ(e & SC_PM_SWAP ? 1 : 0, rp.viol[SS_RULE_P3] - r2.viol[SS_RULE_P3],
		  "munmap: pagemap read of M: P3 +1 per marker read as swap");
	r2 = rp;
	if (munmap(q, N * SC_PAGE))
		tap_bail("munmap: %s", strerror(errno));
	in_rules_read(&r3);
	in_expect_none(&r2, &r3, "munmap of the range mapped again");
	return tap_end();
}
