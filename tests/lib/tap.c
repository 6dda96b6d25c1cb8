// SPDX-License-Identifier: GPL-2.0 OR MIT
/* tap.c: TAP-like output and its tallies (see tap.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

static const char *tap_name = "test";
static unsigned int tap_nr_ok, tap_nr_fail, tap_nr_skip;
static pid_t tap_main_pid;
static char tap_stdout_buf[1 << 16];

void tap_begin(const char *name)
{
	tap_name = name;
	tap_main_pid = getpid();
	setvbuf(stdout, tap_stdout_buf, _IOLBF, sizeof(tap_stdout_buf));
}

void tap_child(const char *name)
{
	tap_name = name;
	tap_nr_ok = tap_nr_fail = tap_nr_skip = 0;
}

int tap_end(void)
{
	tap_diag("%s: %u ok, %u not ok, %u skipped", tap_name, tap_nr_ok,
		 tap_nr_fail, tap_nr_skip);
	fflush(stdout);
	return tap_nr_fail ? 1 : 0;
}

unsigned int tap_failures(void)
{
	return tap_nr_fail;
}

static void tap_vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline("# ", fmt, ap);
	va_end(ap);
}

void tap_pass(const char *fmt, ...)
{
	va_list ap;

	tap_nr_ok++;
	va_start(ap, fmt);
	tap_vline("ok - ", fmt, ap);
	va_end(ap);
}

void tap_fail(const char *fmt, ...)
{
	va_list ap;

	tap_nr_fail++;
	va_start(ap, fmt);
	tap_vline("not ok - ", fmt, ap);
	va_end(ap);
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	tap_nr_skip++;
	fputs("skip - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s)\n", why);
}

void tap_bail(const char *fmt, ...)
{
	va_list ap;

	tap_nr_fail++;
	va_start(ap, fmt);
	tap_vline("not ok - ", fmt, ap);
	va_end(ap);
	printf("Bail out! %s\n", tap_name);
	fflush(stdout);
	if (getpid() != tap_main_pid)
		_exit(1);
	exit(1);
}

/* "ok - " or "not ok - " and the caller's text, counted; no newline. */
static bool tap_vresult(bool ok, const char *fmt, va_list ap)
{
	if (ok)
		tap_nr_ok++;
	else
		tap_nr_fail++;
	fputs(ok ? "ok - " : "not ok - ", stdout);
	vprintf(fmt, ap);
	return ok;
}

bool tap_check(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(cond, fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

bool tap_expect_eq(uint64_t expected, uint64_t got, const char *fmt, ...)
{
	bool ok = expected == got;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	if (ok)
		printf(" = %llu\n", (unsigned long long)got);
	else
		printf(": expected %llu, got %llu\n",
		       (unsigned long long)expected, (unsigned long long)got);
	return ok;
}

bool tap_expect_eq_i(int64_t expected, int64_t got, const char *fmt, ...)
{
	bool ok = expected == got;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	if (ok)
		printf(" = %lld\n", (long long)got);
	else
		printf(": expected %lld, got %lld\n", (long long)expected,
		       (long long)got);
	return ok;
}

bool tap_expect_ge(uint64_t min, uint64_t got, const char *fmt, ...)
{
	bool ok = got >= min;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	if (ok)
		printf(" = %llu (>= %llu)\n", (unsigned long long)got,
		       (unsigned long long)min);
	else
		printf(": expected >= %llu, got %llu\n",
		       (unsigned long long)min, (unsigned long long)got);
	return ok;
}
