/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * audit.h: the module's swap count audit (its "audit" file), as scenario
 * 08-audit and inject-c2 read it: after "run" is written, one summary line
 * "audit=done slots=... leaks=... ..." and a "slot ..." line per bad slot.
 */
#ifndef SWAPSCOPE_SC_AUDIT_H
#define SWAPSCOPE_SC_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"

#define SC_AUDIT_FILE		SWAPSCOPE_DEBUGFS_DIR "/audit"
#define SC_AUDIT_BAD_MAX	8	/* slot lines kept in struct sc_audit */

struct sc_audit {
	uint64_t slots, referenced, leaks, overcounts, undercounts;
	uint64_t shmem_owned, busy, duration_ms;
	unsigned int nbad;			/* "slot ..." lines */
	char bad[SC_AUDIT_BAD_MAX][256];	/* the first of them */
};

/*
 * Read the last audit's result into @a: false, with a "not ok" line, when
 * the file does not say audit=done or its summary lacks a figure.  Then
 * "# ctx: " lines: the summary (unless @quiet and no slot is bad) and
 * every slot line.
 */
bool sc_audit_read(struct sc_audit *a, bool quiet, const char *ctx);

#endif /* SWAPSCOPE_SC_AUDIT_H */
