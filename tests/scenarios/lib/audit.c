// SPDX-License-Identifier: GPL-2.0 OR MIT
/* audit.c: the module's swap count audit, read (see audit.h). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"

static char sc_audit_buf[64 * 1024];

bool sc_audit_read(struct sc_audit *a, bool quiet, const char *ctx)
{
	static const struct { const char *key; size_t off; } keys[] = {
#define K(k, f) { k, offsetof(struct sc_audit, f) }
		K("slots", slots), K("referenced", referenced),
		K("leaks", leaks), K("overcounts", overcounts),
		K("undercounts", undercounts), K("shmem_owned", shmem_owned),
		K("skipped_busy", busy), K("duration_ms", duration_ms),
#undef K
	};
	const char *pos = sc_audit_buf, *line;
	size_t i, len;

	memset(a, 0, sizeof(*a));
	if (kv_read_file(SC_AUDIT_FILE, sc_audit_buf, sizeof(sc_audit_buf)) <= 0 ||
	    strncmp(sc_audit_buf, "audit=done ", 11)) {
		tap_fail("%s: audit file starts with audit=done: '%.80s'", ctx,
			 sc_audit_buf);
		return false;
	}
	for (i = 0; i < SC_ARRAY_SIZE(keys); i++) {
		if (!kv_u64(sc_audit_buf, keys[i].key, 10,
			    (uint64_t *)((char *)a + keys[i].off))) {
			tap_fail("%s: audit summary has %s=", ctx, keys[i].key);
			return false;
		}
	}
	line = kv_next_line(&pos, &len);
	if (!quiet || a->leaks || a->overcounts || a->undercounts)
		tap_diag("%s: %.*s", ctx, (int)len, line);
	while ((line = kv_next_line(&pos, &len))) {
		if (strncmp(line, "slot ", 5))
			continue;
		if (a->nbad < SC_AUDIT_BAD_MAX)
			snprintf(a->bad[a->nbad], sizeof(a->bad[0]), "%.*s",
				 (int)len, line);
		a->nbad++;
		tap_diag("%s: %.*s", ctx, (int)len, line);
	}
	return true;
}
