// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pmcmp.c: the module's pagemap comparison, run and read (see pmcmp.h).
 * Static buffers and plain read(2), like the rest of the library.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "pmcmp.h"

#define SC_X_PMK(id, name) [PMK_##id] = name,
const char *const sc_pmcmp_key_names[PMK_NR] = { SC_PMCMP_KEYS(SC_X_PMK) };
#undef SC_X_PMK

static char sc_pmcmp_buf[32768];

int sc_pmcmp_run(pid_t pid, const void *p, size_t npages)
{
	char cmd[80];

	snprintf(cmd, sizeof(cmd), "%d 0x%lx 0x%lx", (int)pid,
		 (unsigned long)p, (unsigned long)p + npages * SC_PAGE);
	return kv_write_file(SC_PMCMP_FILE, cmd);
}

int sc_pmcmp_read(struct sc_pmcmp *s)
{
	const char *pos = sc_pmcmp_buf, *line;
	size_t len;
	ssize_t n;
	int k;

	memset(s, 0, sizeof(*s));
	n = kv_read_file(SC_PMCMP_FILE, sc_pmcmp_buf, sizeof(sc_pmcmp_buf));
	if (n < 0)
		return n;
	while ((line = kv_next_line(&pos, &len))) {
		if (!len)
			continue;
		if (!strncmp(line, "page ", 5)) {
			if (!s->lines)
				snprintf(s->first, sizeof(s->first), "%.*s",
					 (int)len, line);
			if (s->lines < SC_PMCMP_MAX_LINES) {
				s->page[s->lines] = line;
				s->page_len[s->lines] = len;
			}
			s->lines++;
			continue;
		}
		if (!strncmp(line, "dropped=", 8)) {
			kv_u64(line, "dropped", 10, &s->dropped);
			continue;
		}
		snprintf(s->summary, sizeof(s->summary), "%.*s", (int)len, line);
		kv_str(line, "pagemap", s->state, sizeof(s->state));
		for (k = 0; k < PMK_NR; k++)
			s->seen[k] = kv_u64(line, sc_pmcmp_key_names[k], 0,
					    &s->v[k]);
	}
	return 0;
}

unsigned int sc_pmcmp_lines_with(const struct sc_pmcmp *s, const char *what,
				 const char *and)
{
	unsigned int i, n = 0;
	const char *l;
	size_t len;

	for (i = 0; i < s->lines && i < SC_PMCMP_MAX_LINES; i++) {
		l = s->page[i];
		len = s->page_len[i];
		n += memmem(l, len, what, strlen(what)) &&
		     (!and || memmem(l, len, and, strlen(and)));
	}
	return n;
}

void sc_pmcmp_expect(const struct sc_pmcmp *s, const struct sc_pmcmp_want *w,
		     size_t n, const char *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		EXPECT_EQ(w[i].val, s->v[w[i].key], "%s: %s", ctx,
			  sc_pmcmp_key_names[w[i].key]);
}
