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

/* Value of "key=" among the space-separated words of a line. */
static const char *in_word(const char *line, size_t len, const char *key,
			   size_t *vlen)
{
	const char *p = line, *end = line + len, *w;
	size_t klen = strlen(key);

	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		w = p;
		while (p < end && *p != ' ')
			p++;
		if ((size_t)(p - w) > klen && w[klen] == '=' &&
		    !memcmp(w, key, klen)) {
			*vlen = p - w - klen - 1;
			return w + klen + 1;
		}
	}
	return NULL;
}

static bool in_word_is(const char *line, size_t len, const char *key,
		       const char *val)
{
	size_t vlen;
	const char *v = in_word(line, len, key, &vlen);

	return v && vlen == strlen(val) && !memcmp(v, val, vlen);
}

static uint64_t in_u64(const char *s, size_t len, int base)
{
	char tmp[32];

	if (len >= sizeof(tmp))
		len = sizeof(tmp) - 1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return strtoull(tmp, NULL, base);
}

/* Next line of a NUL-terminated buffer, NULL at the end. */
static const char *in_line(const char **pos, size_t *len)
{
	const char *s = *pos, *nl;

	if (!*s)
		return NULL;
	nl = strchr(s, '\n');
	*len = nl ? (size_t)(nl - s) : strlen(s);
	*pos = nl ? nl + 1 : s + *len;
	return s;
}

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
			sc_bail("%s: %s exists (swapscope with rules, ssinject loaded)",
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
			sc_bail("%s/rules has a line rule=%s",
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
	int err = sc_write_file(SWAPSCOPE_DEBUGFS_DIR "/control", "reset");

	if (err)
		sc_bail("reset swapscope's counters: %s", strerror(-err));
}

int in_cmd(const char *fmt, ...)
{
	char cmd[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return sc_write_file(IN_CMD, cmd);
}

bool in_status(const char *injection, const char *key, uint64_t *val)
{
	const char *pos = in_buf, *line, *v;
	size_t len, vlen;

	if (sc_read_file(IN_STATUS, in_buf, sizeof(in_buf)) < 0)
		return false;
	while ((line = in_line(&pos, &len))) {
		if (!in_word_is(line, len, "injection", injection))
			continue;
		v = in_word(line, len, key, &vlen);
		if (!v)
			return false;
		*val = in_u64(v, vlen, 0);
		return true;
	}
	return false;
}

uint64_t in_status_val(const char *injection, const char *key)
{
	uint64_t v;

	return in_status(injection, key, &v) ? v : 0;
}

void in_diag_status(const char *injection, const char *ctx)
{
	const char *pos = in_buf, *line;
	size_t len;

	if (sc_read_file(IN_STATUS, in_buf, sizeof(in_buf)) < 0)
		return;
	while ((line = in_line(&pos, &len)))
		if (in_word_is(line, len, "injection", injection))
			sc_diag("%s: ssinject %.*s", ctx, (int)len, line);
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

static bool in_sample_matches(const char *line, size_t len,
			      const struct in_sample_want *w)
{
	const char *v;
	size_t vlen;

	if (w->has_addr) {
		v = in_word(line, len, "addr", &vlen);
		if (!v || in_u64(v, vlen, 16) != w->addr)
			return false;
	}
	if (w->count && !in_word_is(line, len, "count", w->count))
		return false;
	v = in_word(line, len, "pid", &vlen);
	return v && in_u64(v, vlen, 10) == (uint64_t)w->pid;
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
	if (sc_read_file(SWAPSCOPE_DEBUGFS_DIR "/samples", in_buf,
			 sizeof(in_buf)) < 0) {
		sc_fail("%s: read %s/samples: %s", ctx, SWAPSCOPE_DEBUGFS_DIR,
			strerror(errno));
		return false;
	}
	while ((line = in_line(&pos, &len))) {
		if (!in_word_is(line, len, "rule", in_rule_names[rule]) ||
		    !in_word(line, len, "seq", &vlen))
			continue;
		(*samples)++;
		if (!in_sample_matches(line, len, w))
			continue;
		if (len >= size)
			len = size - 1;
		memcpy(out, line, len);
		out[len] = '\0';
		return true;
	}
	pos = in_buf;
	while ((line = in_line(&pos, &len)))
		if (in_word_is(line, len, "rule", in_rule_names[rule]))
			sc_diag("%.*s", (int)len, line);
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
		sc_fail("%s: samples has rule=%s addr=0x%lx pid=%d (%u %s samples, none matching)",
			ctx, in_rule_names[rule], addr, (int)pid, samples,
			in_rule_names[rule]);
		return false;
	}
	if (out && size)
		snprintf(out, size, "%s", line);
	sc_pass("%s: samples has rule=%s addr=0x%lx pid=%d", ctx,
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
		sc_fail("%s: samples has rule=%s count=%s pid=%d (%u %s samples, none matching)",
			ctx, in_rule_names[rule], count, (int)pid, samples,
			in_rule_names[rule]);
		return false;
	}
	*expected = in_sample_key(line, "expected", num, sizeof(num)) ?
		    strtol(num, NULL, 10) : 0;
	*actual = in_sample_key(line, "actual", num, sizeof(num)) ?
		  strtol(num, NULL, 10) : 0;
	if (out && size)
		snprintf(out, size, "%s", line);
	sc_pass("%s: samples has rule=%s count=%s pid=%d", ctx,
		in_rule_names[rule], count, (int)pid);
	return true;
}

pid_t in_fork_waiting(int go[2])
{
	pid_t child;
	char c;

	if (pipe(go))
		sc_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	child = fork();
	if (child < 0)
		sc_bail("fork: %s", strerror(errno));
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
		sc_bail("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status),
		    "%s: child exited 0 (status 0x%x)", ctx, status);
}

bool in_sample_key(const char *line, const char *key, char *val, size_t size)
{
	size_t vlen;
	const char *v = in_word(line, strlen(line), key, &vlen);

	if (!v || !size)
		return false;
	if (vlen >= size)
		vlen = size - 1;
	memcpy(val, v, vlen);
	val[vlen] = '\0';
	return true;
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
