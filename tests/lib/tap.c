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

/* The variadic functions' one shape: @call with their arguments as ap. */
#define TAP_VA(fmt, call)						\
	do {								\
		va_list ap;						\
									\
		va_start(ap, fmt);					\
		call;							\
		va_end(ap);						\
	} while (0)

/* "ok - " or "not ok - " and the caller's text, counted; no newline. */
static void tap_vresult(bool ok, const char *fmt, va_list ap)
{
	if (ok)
		tap_nr_ok++;
	else
		tap_nr_fail++;
	fputs(ok ? "ok - " : "not ok - ", stdout);
	vprintf(fmt, ap);
}

/* The same, a whole line. */
static void tap_vline(bool ok, const char *fmt, va_list ap)
{
	tap_vresult(ok, fmt, ap);
	putchar('\n');
}

void tap_diag(const char *fmt, ...)
{
	fputs("# ", stdout);
	TAP_VA(fmt, vprintf(fmt, ap));
	putchar('\n');
}

void tap_pass(const char *fmt, ...)
{
	TAP_VA(fmt, tap_vline(true, fmt, ap));
}

void tap_fail(const char *fmt, ...)
{
	TAP_VA(fmt, tap_vline(false, fmt, ap));
}

bool tap_check(bool cond, const char *fmt, ...)
{
	TAP_VA(fmt, tap_vline(cond, fmt, ap));
	return cond;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	tap_nr_skip++;
	fputs("skip - ", stdout);
	TAP_VA(fmt, vprintf(fmt, ap));
	printf(" (%s)\n", why);
}

void tap_bail(const char *fmt, ...)
{
	TAP_VA(fmt, tap_vline(false, fmt, ap));
	printf("Bail out! %s\n", tap_name);
	fflush(stdout);
	if (getpid() != tap_main_pid)
		_exit(1);
	exit(1);
}

bool tap_expect_eq(uint64_t expected, uint64_t got, const char *fmt, ...)
{
	bool ok = expected == got;

	TAP_VA(fmt, tap_vresult(ok, fmt, ap));
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

	TAP_VA(fmt, tap_vresult(ok, fmt, ap));
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

	TAP_VA(fmt, tap_vresult(ok, fmt, ap));
	if (ok)
		printf(" = %llu (>= %llu)\n", (unsigned long long)got,
		       (unsigned long long)min);
	else
		printf(": expected >= %llu, got %llu\n",
		       (unsigned long long)min, (unsigned long long)got);
	return ok;
}
