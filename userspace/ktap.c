// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ktap.c: "check --ktap" and "run --ktap": the gate's result in KTAP
 * version 1 (the kernel's Documentation/dev-tools/ktap.rst), the format
 * kernel CI systems and kselftest read.
 *
 *   KTAP version 1
 *   # swapscope 0.1.0: module 0.1.0 (abi 1), kernel 6.1.0-57-amd64
 *   1..20
 *   ok 1 Z1 conforms
 *   ok 4 Z4 not-observed # SKIP not-implemented
 *   not ok 13 U3 diverges # violations=20 observations=23 impact=20
 *   ...
 *   ok 20 check # check passed: ...
 *
 * One test per rule, in SS_RULES order (then any rule this swapscope does
 * not know), named "ID VERDICT", then the gate itself.  A divergence the
 * baseline lists is "ok ... # XFAIL": the spec's directive for a test
 * expected to fail, which the kernel's parser (kunit.py) counts as passed,
 * as kselftest's ksft_test_result_xfail() does; TODO would not do, kunit.py
 * counts a "not ok ... # TODO" as failed.  Not-observed and not-applicable
 * rules are "# SKIP": there was nothing to judge.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static bool is_verdict(const struct rule_row *p, int v)
{
	return !strcmp(p->verdict, verdict_names[v]);
}

static bool known_divergence(const struct ktap *k, const char *rule)
{
	const struct base_rule *br;

	if (!k->baseline)
		return false;
	br = baseline_find(k->baseline, rule);
	return br && br->verdict == SS_VERDICT_DIVERGES;
}

/* A directive or diagnostic is one line: no newline may cut it. */
static void put_text(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i]; i++)
		putchar(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
}

static void ktap_rule(const struct ktap *k, const struct rule_row *p,
		      size_t num)
{
	const char *why;

	if (rule_failed(p)) {
		/* Neither a baseline nor --allow-missed accepts this. */
		printf("not ok %zu %s %s # rule failed: disabled itself: ", num,
		       p->rule, p->verdict);
		put_text(p->reason, strlen(p->reason));
		printf("; its verdict covers only the calls before\n");
		return;
	}
	if (is_verdict(p, SS_VERDICT_DIVERGES)) {
		bool known = known_divergence(k, p->rule);

		printf("%s %zu %s %s # %sviolations=%" PRIu64 " observations=%"
		       PRIu64 " impact=%" PRIu64 "\n", known ? "ok" : "not ok",
		       num, p->rule, p->verdict,
		       known ? "XFAIL known divergence, the baseline lists it: " : "",
		       p->viol, p->obs, p->impact);
		return;
	}
	if (is_verdict(p, SS_VERDICT_NOT_OBSERVED) ||
	    is_verdict(p, SS_VERDICT_NOT_APPLICABLE)) {
		why = strcmp(p->reason, "-") ? p->reason :
		      p->state == SS_STATE_DISABLED ? "disabled" :
		      "no call observed";
		printf("ok %zu %s %s # SKIP ", num, p->rule, p->verdict);
		put_text(why, strlen(why));
		putchar('\n');
		return;
	}
	printf("ok %zu %s %s\n", num, p->rule, p->verdict);
}

void ktap_print(const struct ktap *k)
{
	const char *d = k->details ? k->details : "", *line, *end, *last;
	size_t i;

	printf("KTAP version 1\n");
	printf("# swapscope %s: module %s (abi %" PRIu64 "), kernel %s\n",
	       SWAPSCOPE_VERSION, k->version->module, k->version->abi,
	       k->version->kernel);
	if (k->command) {
		printf("# command: ");
		put_text(k->command, strlen(k->command));
		putchar('\n');
	}
	if (!strcmp(k->what, "check"))
		printf("# baseline: %s\n", k->baseline_path ? k->baseline_path :
							      "none");
	printf("1..%zu\n", k->n + 1);
	for (i = 0; i < k->n; i++)
		ktap_rule(k, &k->rows[i], i + 1);

	/* The plain output's detail lines as diagnostics; its summary last. */
	last = d;
	for (line = d; *line; line = end + (*end == '\n')) {
		end = line + strcspn(line, "\n");
		if (!*end || !end[1]) {
			last = line;
			break;
		}
		if (end > line) {
			printf("# ");
			put_text(line, end - line);
			putchar('\n');
		}
	}
	printf("%s %zu %s # ", k->pass ? "ok" : "not ok", k->n + 1, k->what);
	put_text(last, strcspn(last, "\n"));
	putchar('\n');
}
