/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * tap.h: TAP-like output for the test programs (scenarios, inject tests):
 * "ok - ", "not ok - ", "skip - ... (why)" and "# " lines, their tallies,
 * a summary line and the exit status.  The host-side scripts grep these
 * lines: their text is the interface.
 */
#ifndef SWAPSCOPE_TAP_H
#define SWAPSCOPE_TAP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Start: line-buffered stdout on a static buffer (no malloc later), @name
 * for the summary and "Bail out!" lines.
 */
void tap_begin(const char *name);
/* Print the summary; the exit code: 0 if nothing failed, else 1. */
int tap_end(void);
/* In a forked child: forget the parent's tallies (children _exit(tap_end())). */
void tap_child(const char *name);

void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "not ok", "Bail out!" and exit 1 (_exit in a forked child). */
void tap_bail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
bool tap_check(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "ok - what = got" or "not ok - what: expected E, got G". */
bool tap_expect_eq(uint64_t expected, uint64_t got, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tap_expect_eq_i(int64_t expected, int64_t got, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tap_expect_ge(uint64_t min, uint64_t got, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define EXPECT_EQ(exp, got, ...) \
	tap_expect_eq((uint64_t)(exp), (uint64_t)(got), __VA_ARGS__)
#define EXPECT_EQ_I(exp, got, ...) \
	tap_expect_eq_i((int64_t)(exp), (int64_t)(got), __VA_ARGS__)
#define EXPECT_GE(min, got, ...) \
	tap_expect_ge((uint64_t)(min), (uint64_t)(got), __VA_ARGS__)
#define EXPECT_TRUE(cond, ...) tap_check(!!(cond), __VA_ARGS__)

unsigned int tap_failures(void);

#endif /* SWAPSCOPE_TAP_H */
