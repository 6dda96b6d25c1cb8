// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * inject.c: the inject tests' shared code: swapscope's rules and samples
 * files, ssinject's cmd and status files.
 *
 * Like the scenario library it uses static buffers and plain read(2) and
 * write(2): a malloc could grow or trim the heap, and a trim is a zap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"


static char in_buf[1 << 16];

void in_begin(const char *name)
{
	static const char *const files[] = {
		SWAPSCOPE_DEBUGFS_DIR "/rules",
		SWAPSCOPE_DEBUGFS_DIR "/samples",
		SWAPSCOPE_DEBUGFS_DIR "/control",
		IN_CMD,
		IN_STATUS,
	};
	size_t i;

	sc_begin(name, 0);
	for (i = 0; i < SC_ARRAY_SIZE(files); i++)
		if (access(files[i], F_OK))
			tap_bail("%s: %s exists (swapscope with rules, ssinject loaded)",
				 name, files[i]);
}

/* The scenarios' consistent snapshot (lib/rules.c), in this lib's shape. */
void in_rules_read(struct in_rules *r)
{
	struct sc_rules s;
	int i;

	sc_rules_snap(&s);
	memset(r, 0, sizeof(*r));
	for (i = 0; i < SS_NR_RULES; i++) {
		if (!s.r[i].seen)
			tap_bail("%s/rules has a line rule=%s",
				 SWAPSCOPE_DEBUGFS_DIR, in_rule_names[i]);
		r->seen[i] = true;
		r->verdict[i] = s.r[i].verdict;
		r->obs[i] = s.r[i].obs;
		r->viol[i] = s.r[i].viol;
		r->unjudged[i] = s.r[i].unjudged;
		r->enabled[i] = s.r[i].enabled;
	}
}

void in_reset(void)
{
	int err = kv_write_file(SWAPSCOPE_DEBUGFS_DIR "/control", "reset");

	if (err)
		tap_bail("reset swapscope's counters: %s", strerror(-err));
}

int in_cmd(const char *fmt, ...)
{
	char cmd[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return kv_write_file(IN_CMD, cmd);
}

/* The status line of @injection (read into in_buf); NULL if none. */
static const char *in_status_line(const char *injection)
{
	if (kv_read_file(IN_STATUS, in_buf, sizeof(in_buf)) < 0)
		return NULL;
	return kv_find_line(in_buf, "injection", injection);
}

bool in_status(const char *injection, const char *key, uint64_t *val)
{
	const char *line = in_status_line(injection);

	return line && kv_u64(line, key, 0, val);
}

uint64_t in_status_val(const char *injection, const char *key)
{
	uint64_t v;

	return in_status(injection, key, &v) ? v : 0;
}

void in_diag_status(const char *injection, const char *ctx)
{
	const char *line = in_status_line(injection);

	if (line)
		tap_diag("%s: ssinject %.*s", ctx, (int)strcspn(line, "\n"),
			 line);
}

void in_expect_fired(const char *injection, uint64_t fired, const void *x,
		     const char *ctx)
{
	uint64_t addr;

	in_diag_status(injection, ctx);
	EXPECT_EQ(fired, in_status_val(injection, "fired"),
		  "%s: ssinject %s fired", ctx, injection);
	if (!x)
		return;
	addr = in_status_val(injection, "fired_addr");
	EXPECT_TRUE(addr == (uintptr_t)x, "%s: ssinject %s fired_addr 0x%llx is X",
		    ctx, injection, (unsigned long long)addr);
}

void in_expect_only(const struct in_rules *a, const struct in_rules *b,
		    enum ss_rule rule, uint64_t n, const char *ctx)
{
	const char *name = in_rule_names[rule];
	int v = b->verdict[rule];

	EXPECT_EQ(n, b->viol[rule] - a->viol[rule], "%s: %s violations delta",
		  ctx, name);
	EXPECT_TRUE(v == SS_VERDICT_DIVERGES, "%s: %s verdict %s", ctx, name,
		    v >= 0 ? in_verdict_names[v] : "?");
	in_expect_none_but(a, b, rule, ctx);
}

/* No rule but @except (SS_NR_RULES: none) moved. */
void in_expect_none_but(const struct in_rules *a, const struct in_rules *b,
			int except, const char *ctx)
{
	char moved[512] = "";
	size_t off = 0;
	int r;

	for (r = 0; r < SS_NR_RULES; r++) {
		if (r == except || a->viol[r] == b->viol[r])
			continue;
		off += snprintf(moved + off, sizeof(moved) - off,
				" %s %llu->%llu", in_rule_names[r],
				(unsigned long long)a->viol[r],
				(unsigned long long)b->viol[r]);
		if (off >= sizeof(moved))
			off = sizeof(moved) - 1;
	}
	if (except < SS_NR_RULES)
		EXPECT_TRUE(!moved[0], "%s: no rule but %s has new violations%s%s",
			    ctx, in_rule_names[except], moved[0] ? ":" : "",
			    moved);
	else
		EXPECT_TRUE(!moved[0], "%s: no rule has new violations%s%s",
			    ctx, moved[0] ? ":" : "", moved);
}

void in_expect_none(const struct in_rules *a, const struct in_rules *b,
		    const char *ctx)
{
	in_expect_none_but(a, b, SS_NR_RULES, ctx);
}

/* What in_find_sample() looks for in a sample line of its rule. */
struct in_sample_want {
	unsigned long addr;	/* with has_addr */
	bool has_addr;
	const char *count;	/* count=, or NULL */
	pid_t pid;
};

static bool in_sample_matches(const char *line, const struct in_sample_want *w)
{
	uint64_t v;

	if (w->has_addr && !(kv_u64(line, "addr", 16, &v) && v == w->addr))
		return false;
	if (w->count && !kv_is(line, "count", w->count))
		return false;
	return kv_u64(line, "pid", 10, &v) && v == (uint64_t)w->pid;
}

/*
 * The first sample of @rule that matches @w, copied to @out (NUL-ended);
 * false when the file cannot be read or none matches (then the rule's
 * lines are shown as diagnostics).  @samples: the rule's samples seen.
 */
static bool in_find_sample(enum ss_rule rule, const struct in_sample_want *w,
			   char *out, size_t size, unsigned int *samples,
			   const char *ctx)
{
	const char *pos = in_buf, *line;
	size_t len, vlen;

	*samples = 0;
	if (kv_read_file(SWAPSCOPE_DEBUGFS_DIR "/samples", in_buf,
			 sizeof(in_buf)) < 0) {
		tap_fail("%s: read %s/samples: %s", ctx, SWAPSCOPE_DEBUGFS_DIR,
			 strerror(errno));
		return false;
	}
	while ((line = kv_next_line(&pos, &len))) {
		if (!kv_is(line, "rule", in_rule_names[rule]) ||
		    !kv_get(line, "seq", &vlen))
			continue;
		(*samples)++;
		if (!in_sample_matches(line, w))
			continue;
		if (len >= size)
			len = size - 1;
		memcpy(out, line, len);
		out[len] = '\0';
		return true;
	}
	pos = in_buf;
	while ((line = kv_next_line(&pos, &len)))
		if (kv_is(line, "rule", in_rule_names[rule]))
			tap_diag("%.*s", (int)len, line);
	return false;
}

bool in_expect_sample(enum ss_rule rule, unsigned long addr, pid_t pid,
		      char *out, size_t size, const char *ctx)
{
	const struct in_sample_want w = { .addr = addr, .has_addr = true,
					  .pid = pid };
	char line[1024];
	unsigned int samples;

	if (!in_find_sample(rule, &w, line, sizeof(line), &samples, ctx)) {
		tap_fail("%s: samples has rule=%s addr=0x%lx pid=%d (%u %s samples, none matching)",
			 ctx, in_rule_names[rule], addr, (int)pid, samples,
			 in_rule_names[rule]);
		return false;
	}
	if (out && size)
		snprintf(out, size, "%s", line);
	tap_pass("%s: samples has rule=%s addr=0x%lx pid=%d", ctx,
		 in_rule_names[rule], addr, (int)pid);
	return true;
}

bool in_expect_count_sample(enum ss_rule rule, const char *count, pid_t pid,
			    long *expected, long *actual, char *out,
			    size_t size, const char *ctx)
{
	const struct in_sample_want w = { .count = count, .pid = pid };
	char line[1024], num[32];
	unsigned int samples;

	if (!in_find_sample(rule, &w, line, sizeof(line), &samples, ctx)) {
		tap_fail("%s: samples has rule=%s count=%s pid=%d (%u %s samples, none matching)",
			 ctx, in_rule_names[rule], count, (int)pid, samples,
			 in_rule_names[rule]);
		return false;
	}
	*expected = kv_str(line, "expected", num, sizeof(num)) ?
		    strtol(num, NULL, 10) : 0;
	*actual = kv_str(line, "actual", num, sizeof(num)) ?
		  strtol(num, NULL, 10) : 0;
	if (out && size)
		snprintf(out, size, "%s", line);
	tap_pass("%s: samples has rule=%s count=%s pid=%d", ctx,
		 in_rule_names[rule], count, (int)pid);
	return true;
}

pid_t in_fork_waiting(int go[2])
{
	pid_t child;
	char c;

	if (pipe(go))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	child = fork();
	if (child < 0)
		tap_bail("fork: %s", strerror(errno));
	if (child == 0) {
		close(go[1]);
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(go[0]);
	return child;
}

void in_child_exits(pid_t child, int go[2], const char *ctx)
{
	int status;

	close(go[1]);
	if (waitpid(child, &status, 0) != child)
		tap_bail("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status),
		    "%s: child exited 0 (status 0x%x)", ctx, status);
}

uint64_t in_pagemap(const void *addr)
{
	return sc_pagemap_entry(0, addr);
}

int in_mincore(const void *addr)
{
	unsigned char vec = 0;
	void *page = (void *)((uintptr_t)addr & ~(SC_PAGE - 1));

	if (mincore(page, SC_PAGE, &vec))
		return -1;
	return vec & 1;
}
