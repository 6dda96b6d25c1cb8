// SPDX-License-Identifier: GPL-2.0 OR MIT
/* main.c: swapscope command line: options, command dispatch and errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

bool json_output;		/* -j: JSON on stdout instead of tables */
bool pretty_output;		/* -p: indented JSON, implies -j */
bool show_all;			/* stats -a: every counter, not only non-zero */
const char *baseline_path;	/* check --baseline FILE */
bool allow_missed;		/* check, run --allow-missed */
const char *opt_path;		/* events --path LIST */
const char *opt_rules;		/* events --rule LIST, run --rules LIST */
long opt_pid;			/* events --pid N */
long opt_count;			/* events --count N */
long opt_timeout;		/* events --timeout SECS */
const char *debugfs_dir = SWAPSCOPE_DEBUGFS_DIR; /* --debugfs, $SWAPSCOPE_DEBUGFS */
const char *doctor_root;	/* doctor --root DIR: a recorded system */
const char *doctor_btf;		/* doctor --btf FILE */
const char *doctor_bpftool;	/* doctor --bpftool PATH */
struct json_writer json_wtr;	/* stdout, when json_output */

static const char *bin_name = SWAPSCOPE_NAME;
static bool error_reported;	/* stdout gets one error object at most */

/* ------------------------------------------------------------------ */
/* errors and allocation                                               */
/* ------------------------------------------------------------------ */

/* Like bpftool: the message on stderr, and as {"error": ...} on stdout. */
void p_err(const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fprintf(stderr, "%s: error: %s\n", bin_name, msg ? msg : fmt);
	if (json_output && !error_reported) {
		struct json_writer w;

		jsonw_init(&w, stdout, pretty_output);
		jsonw_start_object(&w);
		jsonw_string_field(&w, "error", msg ? msg : fmt);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	}
	error_reported = true;
	free(msg);
}

static __noreturn void out_of_memory(void)
{
	p_err("out of memory");
	exit(SS_EXIT_PROBLEM);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	return s;
}

/* ------------------------------------------------------------------ */
/* commands                                                            */
/* ------------------------------------------------------------------ */

static int do_help(int argc, char **argv);

/* Options a command accepts, besides the global ones. */
enum {
	OPTS_ALL	= 1 << 0,	/* -a/--all */
	OPTS_BASELINE	= 1 << 1,	/* --baseline */
	OPTS_MISSED	= 1 << 2,	/* --allow-missed */
	OPTS_EVENTS	= 1 << 3,	/* --follow --path --rule --pid --count --timeout */
	OPTS_RULES	= 1 << 4,	/* --rules */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned int opts;	/* OPTS_* */
	const char *args;	/* synopsis after the command name */
	const char *summary;	/* one line, for the command list */
	const char *help;	/* paragraph for "COMMAND --help" */
};

static const struct cmd cmds[] = {
	{ "status", do_status, 0, "",
	  "module version, abi and the state of every probe",
	  "Show the module's version, abi, kernel and build, then one row per\n"
	  "probe: its name, the kernel symbol it is attached to, kprobe or\n"
	  "kretprobe, its state (active or unavailable), hits, nmissed (hits\n"
	  "lost because no kretprobe instance was free or a probe was already\n"
	  "running) and why an unavailable probe could not be registered.\n"
	  "With the module loaded as time_handlers=1, a line gives each\n"
	  "probe's handler time per hit (JSON: \"run_ns\" per probe, the total).\n"
	  "A last line counts the unavailable probes and the missed hits;\n"
	  "then one line per rule that disabled itself on an internal\n"
	  "inconsistency (JSON: \"failed_rules\": [{\"rule\", \"reason\"}]).\n" },
	{ "stats", do_stats, OPTS_ALL, "[-a|--all]",
	  "counters per watched path and phase",
	  "Show one row per path and phase (before: what the path found,\n"
	  "after: what it left) with what the module counted there: calls,\n"
	  "the kind of every entry met, and tallies refining those kinds.\n"
	  "Only calls and the counters non-zero somewhere are shown unless\n"
	  "--all is given; JSON output always carries every counter.\n"
	  "\n"
	  "  -a, --all    show every counter\n" },
	{ "report", do_report, 0, "",
	  "the verdict of every rule",
	  "Show one row per rule (docs/rules.md, swapscope(8)), grouped by the\n"
	  "path it watches (Zap, Fork, Swap-in, Reclaim unmap, Pagemap, Swap\n"
	  "counts): its id, the seed thread it comes from, what it checks, its\n"
	  "verdict (not-observed, conforms, diverges or not-applicable), how\n"
	  "often it "
	  "was observed and violated, its impact (events where the semantics\n"
	  "before the seed's proposal would have acted differently) and, for a\n"
	  "rule not judged, why: the module's reason, \"disabled\" for a rule\n"
	  "turned off through the control file, or \"failed: REASON\" for a\n"
	  "rule that disabled itself on an internal inconsistency (its\n"
	  "verdict covers only the calls before; 'reset' judges it again).\n"
	  "A last line counts the verdicts.  The exit status does not depend\n"
	  "on the verdicts.\n" },
	{ "samples", do_samples, 0, "[RULE]",
	  "the violations kept, of every rule or of RULE",
	  "Show the violations the module kept, the last few of each rule,\n"
	  "oldest first, one block each: rule, sequence number, pid and comm of\n"
	  "the task, address, entry kind, swap type, offset and count when\n"
	  "known, the raw PTE before and after with its x86-64 bits decoded,\n"
	  "the probed function and the call chain that led there.  A line says\n"
	  "how many older samples of a rule were dropped.  With RULE (e.g. U3,\n"
	  "any case), only that rule's.  Reading samples needs root.\n"
	  "\n"
	  "JSON: an array of objects in the file's order, one per sample, and\n"
	  "{\"rule\", \"dropped\"} after a rule whose older samples were dropped.\n" },
	{ "check", do_check, OPTS_BASELINE | OPTS_MISSED,
	  "[--baseline FILE] [--allow-missed] [--ktap]",
	  "the CI gate: fail on a new divergence or a missed event",
	  "The CI gate.  Exit 0 when no rule diverges beyond the baseline\n"
	  "(without --baseline: when no rule diverges at all), 1 when a rule\n"
	  "diverges that the baseline does not list as verdict=diverges, or\n"
	  "when a probe missed events (nmissed > 0 in the probes file: an\n"
	  "unseen event can hide a divergence) unless --allow-missed is\n"
	  "given, or when a rule disabled itself on an internal inconsistency\n"
	  "(always: neither the baseline nor --allow-missed accepts that), 2\n"
	  "on a usage or environment error (unreadable or malformed\n"
	  "baseline, module not loaded, ...).  One line per new divergence,\n"
	  "per failed rule and per probe that missed events, then a summary\n"
	  "line.\n"
	  "\n"
	  "  --baseline FILE   the verdicts accepted, from 'baseline save'\n"
	  "  --allow-missed    do not fail on probes that missed events\n"
	  "  --ktap            KTAP version 1 instead of the lines, for kernel\n"
	  "                    CI (not with --json); the exit status is the same\n"
	  "\n"
	  "KTAP: '# ' lines name swapscope, the module, the kernel and the\n"
	  "baseline; the plan; one test per rule, in the rules reference's\n"
	  "order, named 'ID VERDICT': conforms is 'ok', diverges 'not ok' with\n"
	  "'# violations=V observations=O impact=I', or 'ok ... # XFAIL' when\n"
	  "the baseline lists the divergence (an expected failure, which\n"
	  "KTAP parsers count as passed); not-observed and not-applicable are\n"
	  "'ok ... # SKIP WHY'; a rule that disabled itself is 'not ok' with\n"
	  "its reason.  The lines above become '# ' diagnostics, and the last\n"
	  "test, 'check', is ok exactly when the gate passes, with the summary.\n"
	  "\n"
	  "JSON: {\"result\": \"pass\"|\"fail\", \"baseline\": FILE|null,\n"
	  "\"allow_missed\", \"rules\", \"new_divergences\": [{\"rule\", \"checks\",\n"
	  "\"observations\", \"violations\", \"baseline_verdict\"|null}],\n"
	  "\"known_divergences\": [RULE], \"resolved\": [RULE],\n"
	  "\"missed_probes\": [{\"probe\", \"symbol\", \"nmissed\"}], \"nmissed\",\n"
	  "\"unseen\", \"failed_rules\": [{\"rule\", \"checks\", \"reason\"}]}.\n" },
	{ "baseline", do_baseline, 0, "save FILE",
	  "save the current verdicts for check --baseline",
	  "Write the verdict of every rule to FILE (format 2): a line naming\n"
	  "the kernel release the verdicts were taken on, then one line per\n"
	  "rule:\n"
	  "\n"
	  "  kernel=6.1.0-57-amd64\n"
	  "  rule=U3 seed=002 verdict=diverges observations=23 violations=20 impact=20\n"
	  "\n"
	  "Only rule= and verdict= are compared by 'check --baseline FILE';\n"
	  "the kernel and the counts are for 'diff' and 'matrix', which set\n"
	  "baselines of several kernels side by side.  Lines starting with\n"
	  "'#' are comments.  Files of format 1 (no kernel=, seed= or impact=)\n"
	  "are still read.  FILE is written through a temporary file\n"
	  "and rename(), so it is replaced atomically if it exists.\n"
	  "Nothing is printed; JSON: {\"file\", \"rules\"}.\n" },
	{ "diff", do_diff, 0, "A B",
	  "compare two saved baselines: the rules whose verdict changed",
	  "Compare two baselines saved with 'baseline save' (on two kernels,\n"
	  "or two machines): a line naming both files and the kernels they\n"
	  "were taken on, then one row per rule whose verdict differs (rule,\n"
	  "seed, A's verdict, B's, observations/violations on each side), then\n"
	  "a summary line.  A rule in one file only is a change, its verdict\n"
	  "on the other side \"absent\".  Counts are not compared: two runs\n"
	  "never see the same events.  The module is not needed.  Exit 0 when\n"
	  "no verdict differs, 1 when one does, 2 on an error (a file\n"
	  "unreadable or malformed, not two files).\n"
	  "\n"
	  "JSON: {\"a\": {\"file\", \"kernel\"|null}, \"b\": {...}, \"rules\",\n"
	  "\"changes\": [{\"rule\", \"seed\", \"a\": CELL, \"b\": CELL}],\n"
	  "\"result\": \"same\"|\"changed\"}; a CELL is {\"verdict\",\n"
	  "\"observations\", \"violations\", \"impact\"}, a count null when the\n"
	  "file does not hold it (format 1, or the rule absent).\n" },
	{ "matrix", do_matrix, 0,
	  "[--expect FILE] [--source NAME=TEXT]... NAME=FILE...",
	  "the verdict of every rule on every kernel, from one baseline each",
	  "The verdict matrix across kernels: NAME=FILE gives the baseline\n"
	  "saved on one kernel and a short NAME for it (e.g. 6.1=a.base\n"
	  "6.12=b.base patched=c.base; letters, digits, '.', '_', '+', '-', up\n"
	  "to 32).  The first is the reference: every other kernel's verdicts\n"
	  "are compared with its.  One kernel is allowed (nothing to compare).\n"
	  "The release of each is the kernel= line of its baseline.  Shows the\n"
	  "kernels, a table of rule x kernel whose cells are 'verdict\n"
	  "observations/violations/impact', a '*' on each verdict that\n"
	  "differs from the reference's, one line per change ('U2: 6.1\n"
	  "conforms -> patched diverges (unexpected)', or '(expected: WHY)'),\n"
	  "one per expectation that did not happen, and a summary line.\n"
	  "Exit 0 when every change is expected (or none), 1 when a verdict\n"
	  "changed that --expect does not list, or an expectation for a\n"
	  "kernel of the matrix did not happen, 2 on an error (a file\n"
	  "unreadable or malformed, a NAME twice, an argument not NAME=FILE).\n"
	  "\n"
	  "  --expect FILE       the changes predicted, one a line, '#'\n"
	  "                      comments: RULE KERNEL FROM -> TO: WHY, e.g.\n"
	  "                      'U2 patched conforms -> diverges: the patch\n"
	  "                      drops the young-bit check'; FROM is the\n"
	  "                      reference's verdict, TO KERNEL's, either may\n"
	  "                      be absent; WHY is required; entries for a\n"
	  "                      KERNEL not in the matrix are ignored, one for\n"
	  "                      the reference is an error\n"
	  "  --source NAME=TEXT  where kernel NAME came from, free text (e.g.\n"
	  "                      debian:linux-image-6.1.0-57-amd64)\n"
	  "\n"
	  "JSON: {\"kernels\": [{\"name\", \"release\"|null, \"source\"|null}],\n"
	  "\"rules\": [{\"id\", \"seed\", \"results\": [{\"kernel\", \"verdict\",\n"
	  "\"observations\", \"violations\", \"impact\"}]}], \"changes\":\n"
	  "[{\"rule\", \"kernel\", \"from\", \"to\", \"expected\", \"why\"|null}],\n"
	  "\"unmet_expectations\": [{\"rule\", \"kernel\", \"from\", \"to\",\n"
	  "\"why\", \"line\"}], \"result\": \"same\"|\"expected\"|\"changed\"}.\n" },
	{ "enable", do_enable, 0, "RULE",
	  "judge RULE again (control file)",
	  "Write \"enable RULE\" to the control file: the module judges RULE\n"
	  "again.  RULE is a rule id (Z1 to C3), any case; an unknown id is\n"
	  "refused before the module is touched.  A rule this kernel lacks\n"
	  "cannot be enabled, nor one that disabled itself on an internal\n"
	  "inconsistency ('reset' judges that one again).  Needs root.\n" },
	{ "disable", do_disable, 0, "RULE",
	  "stop judging RULE, its verdict frozen (control file)",
	  "Write \"disable RULE\" to the control file: the module stops\n"
	  "judging RULE; its verdict and counts stay as they were.  RULE is a\n"
	  "rule id (Z1 to C3), any case; an unknown id is refused before the\n"
	  "module is touched.  Needs root.\n" },
	{ "reset", do_reset, 0, "",
	  "zero every count, verdict and sample (control file)",
	  "Write \"reset\" to the control file: the module zeroes every\n"
	  "counter, verdict, sample and path statistic, and judges the rules\n"
	  "that disabled themselves again.  Needs root.\n" },
	{ "events", do_events, OPTS_EVENTS,
	  "[--follow] [--path LIST] [--rule LIST] [--pid N] [--count N] [--timeout SECS]",
	  "follow judged calls and verdict changes live",
	  "Follow the module's live stream until Ctrl-C (or --count events\n"
	  "shown, or --timeout seconds): one line per judged call (time since\n"
	  "boot, cpu, path, pid, comm, address, the rules it observed, violated\n"
	  "and counted impact for), and VERDICT lines when a rule's verdict\n"
	  "changes (first observation: conforms, first violation: diverges).\n"
	  "The stream starts when it is opened and the module serves one\n"
	  "reader at a time.  When the reader falls behind, the module drops\n"
	  "records and says how many: a DROPPED line, always shown; the exit\n"
	  "status is then 1, else 0.  A summary goes to stderr at the end.\n"
	  "\n"
	  "  --follow          follow the stream (the default; for clarity)\n"
	  "  --path LIST       only these paths: zap_full, zap_mapping, fork,\n"
	  "                    swapin, reclaim, teardown, shmem_swap, pagemap,\n"
	  "                    audit (comma-separated)\n"
	  "  --rule LIST       only calls that observed one of these rules, and\n"
	  "                    their verdict changes (e.g. U3,F1)\n"
	  "  --pid N           only calls made by task N\n"
	  "  --count N         stop after N events shown\n"
	  "  --timeout SECS    stop after SECS seconds\n"
	  "\n"
	  "JSON: one object per line (JSON Lines), every field of the record:\n"
	  "{\"seq\", \"ns\", \"cpu\", \"event\": \"observe\"|\"verdict\"|\"disabled\"|\n"
	  "\"dropped\", \"source\", \"pid\", \"comm\", \"addr\", \"observed\": [RULE],\n"
	  "\"violated\": [RULE], \"impact\": [RULE], \"rule\", \"verdict\", \"count\"}.\n" },
	{ "run", do_run, OPTS_RULES | OPTS_MISSED,
	  "[--rules LIST] [--allow-missed] [--ktap] -- CMD [ARGS...]",
	  "run CMD, observing only its process tree, and report that run",
	  "Reset the module, watch only CMD's process tree (calls made by CMD\n"
	  "or its descendants, or on their memory, e.g. when kswapd reclaims\n"
	  "it), run CMD and wait for it, then print the report of that run.\n"
	  "Ctrl-C goes to CMD; SIGTERM is passed on to it.  The scope is\n"
	  "lifted afterwards, whatever happened.  The reset is global: other\n"
	  "users of the module lose their counts.\n"
	  "Exit 0 when no rule (of LIST) diverged and no event went unseen,\n"
	  "1 when one diverged or disabled itself during the run, or a probe\n"
	  "missed events or records were dropped (unless --allow-missed), 2\n"
	  "when CMD could not be started\n"
	  "or on a usage or environment error.  CMD's own exit status is\n"
	  "shown, not returned.\n"
	  "\n"
	  "  --rules LIST      report and judge only these rules (e.g. F1,S1)\n"
	  "  --allow-missed    do not fail on unseen events\n"
	  "  --ktap            KTAP version 1 instead of the report, as check\n"
	  "                    --ktap gives it (no baseline: every divergence\n"
	  "                    is 'not ok'), the last test named 'run'; a\n"
	  "                    '# command:' line says how CMD ended.  CMD's own\n"
	  "                    output comes first: redirect it if it may look\n"
	  "                    like KTAP.  Not with --json\n"
	  "\n"
	  "JSON: {\"command\": [ARG], \"pid\", \"exit_status\", \"signal\",\n"
	  "\"result\": \"pass\"|\"fail\", \"allow_missed\", \"nmissed\",\n"
	  "\"scope_skipped\" (calls of other processes ignored), \"unseen\":\n"
	  "{\"events_dropped\", \"watch_full\", \"walk_truncated\"}, \"rules\": [as\n"
	  "in report]}.\n" },
	{ "doctor", do_doctor, 0,
	  "[--root DIR] [--btf FILE] [--bpftool PATH]",
	  "preflight: can swapscope.ko load and probe this kernel?",
	  "The preflight to run before insmod.  One line per check, each ok,\n"
	  "problem (with how to fix it) or skipped (with why):\n"
	  "\n"
	  "  kernel     the release's series (VERSION.PATCHLEVEL) one of\n"
	  "             those swapscope supports, " SWAPSCOPE_KERNELS "; its Kbuild\n"
	  "             refuses any other\n"
	  "  config     CONFIG_MODULES, KPROBES, KRETPROBES, DEBUG_FS and SWAP\n"
	  "             set (optional: MODULE_UNLOAD, KPROBES_ON_FTRACE,\n"
	  "             DEBUG_INFO_BTF), from /boot/config-RELEASE or\n"
	  "             /proc/config.gz\n"
	  "  root       running as root\n"
	  "  debugfs    mounted on /sys/kernel/debug (per /proc/mounts)\n"
	  "  module     not loaded, or loaded, built for this kernel and of\n"
	  "             this swapscope's abi\n"
	  "  headers    /lib/modules/RELEASE/build, unless a swapscope.ko for\n"
	  "             this kernel is loaded or installed\n"
	  "  kprobes    /sys/kernel/debug/kprobes/enabled is 1\n"
	  "  btf        /sys/kernel/btf/vmlinux readable, through bpftool\n"
	  "  kallsyms   each probe's function a text symbol in /proc/kallsyms:\n"
	  "             the one swapscope.ko probes on this series (SS_PROBES;\n"
	  "             from 6.10 on swap_free_nr, free_swap_and_cache_nr)\n"
	  "  blacklist  ... and not in the kprobes blacklist\n"
	  "  prototype  ... and of the prototype its handlers were written\n"
	  "             for, per BTF (SS_PROTOS in module/uapi/swapscope.h;\n"
	  "             SS_PROBES_NR's, with nr, where the series batches:\n"
	  "             also swap_shmem_alloc's from 6.12 on)\n"
	  "\n"
	  "Exit 0 when no check found a problem, 1 when one did, 2 on a usage\n"
	  "error.\n"
	  "\n"
	  "  --root DIR      read a recorded system: DIR/proc/kallsyms,\n"
	  "                  DIR/proc/sys/kernel/osrelease, DIR/sys/..., ...\n"
	  "  --btf FILE      BTF (or an ELF vmlinux) to read with bpftool, or\n"
	  "                  the saved output of 'bpftool btf dump file F\n"
	  "                  format raw'; default /sys/kernel/btf/vmlinux\n"
	  "  --bpftool PATH  the bpftool to run (default: bpftool in PATH)\n"
	  "\n"
	  "JSON: {\"kernel\", \"checks\": [{\"check\", \"subject\", \"result\",\n"
	  "\"detail\", \"fix\"}], \"summary\": {\"checks\", \"ok\", \"problems\",\n"
	  "\"skipped\"}}; subject and fix are null where there is none.\n" },
	{ "pagemap", do_pagemap, 0,
	  "PID [START END | START-END]",
	  "seed 002: check /proc/PID/pagemap against each page's truth",
	  "Seed 002's check (rules P1-P3): the module compares what\n"
	  "/proc/PID/pagemap says of each page with the kernel's own state of\n"
	  "it (the PTE; for shmem, the swap entry in the mapping's xarray).\n"
	  "START and END are page-aligned addresses, hex with 0x or decimal;\n"
	  "bad input is refused before the module is touched.  Without a\n"
	  "range, every mapping of /proc/PID/maps but [vsyscall], adjacent\n"
	  "ones joined.  The module compares at most 2^20 pages per write, so\n"
	  "a longer range or mapping takes several, and the figures are their\n"
	  "sums (a process with huge reserved mappings takes long: give a\n"
	  "range).  Shows the pages compared by truth (present, swap,\n"
	  "shmem_swapped, migration, uffd_wp_marker, none, unmapped, huge,\n"
	  "other), the mismatches by rule (\"not judged\": those no rule\n"
	  "covers, such as a page that changed between the module's two reads\n"
	  "or the vvar page, a VM_PFNMAP mapping pagemap does not walk),\n"
	  "P1-P3's observations, violations and impact, then the mismatching\n"
	  "pages the module listed (64 per write; how many more are not\n"
	  "shown).  Exit 0 when P1-P3 hold, 1 when pagemap violates one of\n"
	  "them, 2 on an error (no such process, module not loaded, not root,\n"
	  "another comparison ran meanwhile, ...).  Needs root.\n"
	  "\n"
	  "JSON: {\"pid\", \"whole_process\", \"ranges\": [{\"start\", \"end\"}]\n"
	  "(one per write), \"compared\", \"truth\": {KIND: pages},\n"
	  "\"markers\", \"migration_held\", \"mismatches\", \"not_judged\",\n"
	  "\"rules\": [{\"rule\", \"checks\", \"observations\", \"violations\",\n"
	  "\"impact\"|null}], \"pages\": [{\"addr\", \"truth\", \"pagemap\",\n"
	  "\"present\", \"swap\", \"pte\"}], \"dropped\", \"result\": \"pass\"|\"fail\"}.\n" },
	{ "audit", do_audit, 0, "",
	  "seed 004: audit every in-use swap slot's count now",
	  "Seed 004's rule C2: the module audits every in-use swap slot now,\n"
	  "in this process: its count (swap cache bit out, continuations in,\n"
	  "SWAP_MAP_SHMEM as 1) against the PTEs and the shmem owner that\n"
	  "reference it.  Shows the slots in use and referenced, the leaks\n"
	  "(a count, no referent), overcounts and undercounts, the shmem-owned\n"
	  "slots, what was not judged (slots busy during the audit, stray\n"
	  "references), then one row per bad slot the module listed (type,\n"
	  "offset, swap_map, count, ptes, shmem, verdict, owner: the last\n"
	  "referencing PTE as pid:comm@addr, or shmem:INODE) and how many more\n"
	  "are not shown.  Exit 0 when every slot is right, 1 when a slot\n"
	  "leaks or is over- or undercounted, 2 on an error.  Needs root.\n"
	  "\n"
	  "JSON: {\"slots\", \"referenced\", \"leaks\", \"overcounts\",\n"
	  "\"undercounts\", \"shmem_owned\", \"skipped_busy\", \"duration_ms\",\n"
	  "\"devices\", \"mms\", \"shmem_inodes\", \"rechecked\",\n"
	  "\"swap_map_shmem\", \"stray_refs\", \"bad_slots\": [{\"type\",\n"
	  "\"offset\", \"swap_map\", \"count\", \"ptes\", \"shmem\", \"verdict\",\n"
	  "\"owner\"|null}], \"dropped\", \"result\": \"pass\"|\"fail\"}.\n" },
	{ "help", do_help, 0, "[COMMAND]",
	  "this text, or the help of COMMAND",
	  "Show the list of commands and options, or the help of COMMAND.\n" },
};

/* Exact name, else a unique prefix, as bpftool matches its commands. */
static const struct cmd *find_cmd(const char *name)
{
	const struct cmd *match = NULL;
	size_t i, n = 0, len = strlen(name);
	char list[256] = "";

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
		if (len && !strncmp(name, cmds[i].name, len)) {
			match = &cmds[i];
			n++;
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s", n > 1 ? ", " : "", cmds[i].name);
		}
	}
	if (n == 1)
		return match;
	if (n)
		p_err("ambiguous command '%s', it could be: %s", name, list);
	else
		p_err("unknown command '%s': try '%s help'", name, bin_name);
	return NULL;
}

static void print_help(void)
{
	size_t i;

	printf("Usage: %s [OPTIONS] COMMAND\n"
	       "       %s COMMAND --help\n"
	       "\n"
	       "Commands (any unique prefix will do):\n", bin_name, bin_name);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		printf("  %-8s  %s\n", cmds[i].name, cmds[i].summary);
	printf("\n"
	       "Options:\n"
	       "  -j, --json           JSON on stdout\n"
	       "  -p, --pretty         indented JSON, implies --json\n"
	       "      --debugfs DIR    the swapscope debugfs directory (default\n"
	       "                       $SWAPSCOPE_DEBUGFS, else %s)\n"
	       "  -h, --help           help; after a command, that command's help\n"
	       "  -V, --version        version and abi of this swapscope\n"
	       "\n"
	       "Exit status: 0 success, 1 a problem was found,\n"
	       "2 usage or environment error (module not loaded, debugfs not\n"
	       "mounted, permission denied, abi mismatch, malformed records).\n",
	       SWAPSCOPE_DEBUGFS_DIR);
}

static int cmd_help(const struct cmd *cmd)
{
	/* bpftool prints null for help in JSON mode: the text is for people. */
	if (json_output) {
		jsonw_null(&json_wtr);
		jsonw_finish(&json_wtr);
		return SS_EXIT_OK;
	}
	if (!cmd) {
		print_help();
		return SS_EXIT_OK;
	}
	printf("Usage: %s %s%s%s\n\n%s", bin_name, cmd->name,
	       *cmd->args ? " " : "", cmd->args, cmd->help);
	return SS_EXIT_OK;
}

static int do_help(int argc, char **argv)
{
	const struct cmd *cmd = NULL;

	if (argc > 1) {
		p_err("help takes at most one command");
		return SS_EXIT_USAGE;
	}
	if (argc == 1) {
		cmd = find_cmd(argv[0]);
		if (!cmd)
			return SS_EXIT_USAGE;
	}
	return cmd_help(cmd);
}

static int do_version(void)
{
	if (json_output) {
		jsonw_start_object(&json_wtr);
		jsonw_string_field(&json_wtr, "version", SWAPSCOPE_VERSION);
		jsonw_u64_field(&json_wtr, "abi", SWAPSCOPE_ABI);
		jsonw_end_object(&json_wtr);
		jsonw_finish(&json_wtr);
	} else {
		printf("%s %s (abi %d)\n", bin_name, SWAPSCOPE_VERSION,
		       SWAPSCOPE_ABI);
	}
	return SS_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* options                                                             */
/* ------------------------------------------------------------------ */

/*
 * Long options get values above any char, so that an error can tell
 * "-x" (optopt is the char) from "--xyz" or "--json=1" (it is not).
 */
enum {
	OPT_ALL = 256,
	OPT_ALLOW_MISSED,
	OPT_BASELINE,
	OPT_COUNT,
	OPT_BPFTOOL,
	OPT_BTF,
	OPT_DEBUGFS,
	OPT_FOLLOW,
	OPT_HELP,
	OPT_JSON,
	OPT_PATH,
	OPT_PID,
	OPT_PRETTY,
	OPT_RULE,
	OPT_RULES,
	OPT_TIMEOUT,
	OPT_ROOT,
	OPT_VERSION,
};

static const struct option options[] = {
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "allow-missed", no_argument,		NULL, OPT_ALLOW_MISSED },
	{ "baseline",	required_argument,	NULL, OPT_BASELINE },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ "bpftool",	required_argument,	NULL, OPT_BPFTOOL },
	{ "btf",	required_argument,	NULL, OPT_BTF },
	{ "debugfs",	required_argument,	NULL, OPT_DEBUGFS },
	{ "follow",	no_argument,		NULL, OPT_FOLLOW },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "path",	required_argument,	NULL, OPT_PATH },
	{ "pid",	required_argument,	NULL, OPT_PID },
	{ "pretty",	no_argument,		NULL, OPT_PRETTY },
	{ "rule",	required_argument,	NULL, OPT_RULE },
	{ "rules",	required_argument,	NULL, OPT_RULES },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "root",	required_argument,	NULL, OPT_ROOT },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ 0 }
};

static const char short_options[] = ":ahjpV";

static bool is_long_prefix(const char *arg, const char *opt)
{
	size_t len = strcspn(arg, "=");

	return len > 2 && !strncmp(arg, opt, len);
}

/* doctor's options, which take an argument */
static bool is_doctor_option(const char *arg)
{
	return is_long_prefix(arg, "--root") || is_long_prefix(arg, "--btf") ||
	       is_long_prefix(arg, "--bpftool");
}

/*
 * An option error may come before -j on the command line, yet must be
 * reported as JSON too: look for -j/-p before getopt runs.
 */
static void prescan_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--"))
			return;
		if (is_long_prefix(arg, "--json") ||
		    is_long_prefix(arg, "--pretty"))
			json_output = true;
		else if ((is_long_prefix(arg, "--debugfs") ||
			  is_long_prefix(arg, "--baseline") ||
			  is_long_prefix(arg, "--path") ||
			  is_long_prefix(arg, "--pid") ||
			  is_long_prefix(arg, "--rule") ||
			  is_long_prefix(arg, "--rules") ||
			  is_long_prefix(arg, "--count") ||
			  is_long_prefix(arg, "--timeout") ||
			  is_doctor_option(arg)) && !strchr(arg, '='))
			i++;	/* skip its argument */
		else if (arg[0] == '-' && arg[1] && arg[1] != '-' &&
			 !arg[strspn(arg + 1, short_options + 1) + 1] &&
			 strpbrk(arg, "jp"))
			json_output = true;
	}
}

static void bad_option(char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt > 0 && optopt < 256)
		p_err("unknown option '-%c': try '%s help'", optopt, bin_name);
	else if (optopt)	/* a known long option, given "=value" */
		p_err("option '%.*s' takes no argument", (int)strcspn(arg, "="),
		      arg);
	else
		p_err("unknown option '%s': try '%s help'", arg, bin_name);
}

static unsigned int opts_used;	/* OPTS_* given on the command line */

/* A positive decimal number for @opt; 0 or the exit code. */
static int parse_positive(const char *opt, const char *arg, long max,
			  long *val)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > max) {
		p_err("%s takes a number from 1 to %ld, not '%.40s'", opt, max,
		      arg);
		return SS_EXIT_USAGE;
	}
	*val = v;
	return 0;
}

/* Returns -1 when the options are fine, else the exit code. */
static int parse_options(int argc, char **argv, bool *help, bool *version)
{
	const char *env = getenv("SWAPSCOPE_DEBUGFS");
	int opt;

	if (env && *env)
		debugfs_dir = env;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, short_options, options,
				  NULL)) >= 0) {
		switch (opt) {
		case 'a': case OPT_ALL:
			show_all = true;
			opts_used |= OPTS_ALL;
			break;
		case OPT_FOLLOW:
			opts_used |= OPTS_EVENTS;
			break;
		case OPT_PATH:
			opt_path = optarg;
			opts_used |= OPTS_EVENTS;
			break;
		case OPT_RULE:
			opt_rules = optarg;
			opts_used |= OPTS_EVENTS;
			break;
		case OPT_RULES:
			opt_rules = optarg;
			opts_used |= OPTS_RULES;
			break;
		case OPT_PID:
			opts_used |= OPTS_EVENTS;
			if (parse_positive("--pid", optarg, 1L << 22, &opt_pid))
				return SS_EXIT_USAGE;
			break;
		case OPT_COUNT:
			opts_used |= OPTS_EVENTS;
			if (parse_positive("--count", optarg, 1L << 30, &opt_count))
				return SS_EXIT_USAGE;
			break;
		case OPT_TIMEOUT:
			opts_used |= OPTS_EVENTS;
			if (parse_positive("--timeout", optarg, 86400, &opt_timeout))
				return SS_EXIT_USAGE;
			break;
		case 'h': case OPT_HELP:
			*help = true;
			break;
		case 'j': case OPT_JSON:
			json_output = true;
			break;
		case 'p': case OPT_PRETTY:
			json_output = pretty_output = true;
			break;
		case 'V': case OPT_VERSION:
			*version = true;
			break;
		case OPT_ALLOW_MISSED:
			allow_missed = true;
			opts_used |= OPTS_MISSED;
			break;
		case OPT_BASELINE:
			baseline_path = optarg;
			opts_used |= OPTS_BASELINE;
			if (!*baseline_path) {
				p_err("--baseline needs a file");
				return SS_EXIT_USAGE;
			}
			break;
		case OPT_ROOT:
			doctor_root = optarg;
			break;
		case OPT_BTF:
			doctor_btf = optarg;
			break;
		case OPT_BPFTOOL:
			doctor_bpftool = optarg;
			break;
		case OPT_DEBUGFS:
			debugfs_dir = optarg;
			if (!*debugfs_dir) {
				p_err("--debugfs needs a directory");
				return SS_EXIT_USAGE;
			}
			break;
		case ':':
			p_err("option '%s' needs an argument", argv[optind - 1]);
			return SS_EXIT_USAGE;
		default:
			bad_option(argv);
			return SS_EXIT_USAGE;
		}
	}
	return -1;
}

static const char *opt_group_name(unsigned int group)
{
	if (group & OPTS_ALL)
		return "--all";
	if (group & OPTS_BASELINE)
		return "--baseline";
	if (group & OPTS_MISSED)
		return "--allow-missed";
	if (group & OPTS_RULES)
		return "--rules";
	return "--follow, --path, --rule, --pid, --count and --timeout";
}

/*
 * Options a command parses itself (bpftool style), rather than more
 * globals: "--name" a flag, "--name=" one that takes an argument.
 */
static const struct {
	int (*fn)(int argc, char **argv);
	const char *opts[3];
} cmd_own_opts[] = {
	{ do_check, { "--ktap" } },
	{ do_run, { "--ktap" } },
	{ do_matrix, { "--expect=", "--source=" } },
};

/* A global option whose argument is the next word, unless given "=". */
static bool takes_next(const char *arg)
{
	return (is_long_prefix(arg, "--debugfs") ||
		is_long_prefix(arg, "--baseline") ||
		is_long_prefix(arg, "--path") || is_long_prefix(arg, "--pid") ||
		is_long_prefix(arg, "--rule") || is_long_prefix(arg, "--rules") ||
		is_long_prefix(arg, "--count") ||
		is_long_prefix(arg, "--timeout") || is_doctor_option(arg)) &&
	       !strchr(arg, '=');
}

/* The command word: the first argument that is not an option or its value. */
static const char *const *own_opts_of(int argc, char **argv)
{
	size_t i, n, len;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--"))
			return NULL;
		if (argv[a][0] == '-' && argv[a][1]) {
			a += takes_next(argv[a]);
			continue;
		}
		/* Exact name, else a unique prefix, as find_cmd() matches. */
		len = strlen(argv[a]);
		for (i = n = 0; i < ARRAY_SIZE(cmds); i++)
			if (!strcmp(argv[a], cmds[i].name)) {
				n = 1;
				break;
			}
		if (i == ARRAY_SIZE(cmds))
			for (i = 0; i < ARRAY_SIZE(cmds); i++)
				if (len && !strncmp(argv[a], cmds[i].name, len))
					n++;
		if (n != 1)
			return NULL;
		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			if (!strcmp(argv[a], cmds[i].name) ||
			    (len && !strncmp(argv[a], cmds[i].name, len)))
				break;
		for (n = 0; n < ARRAY_SIZE(cmd_own_opts); n++)
			if (cmd_own_opts[n].fn == cmds[i].fn)
				return cmd_own_opts[n].opts;
		return NULL;
	}
	return NULL;
}

static char *own_opt_value;	/* "--opt=" made for an option without value */

/* 0: @arg is not in @own; 1: a flag or "--opt=V"; 2: "--opt V". */
static int own_opt(const char *const *own, const char *arg)
{
	size_t i, len;

	for (i = 0; i < 3 && own[i]; i++) {
		len = strcspn(own[i], "=");
		if (strncmp(arg, own[i], len))
			continue;
		if (!arg[len])
			return own[i][len] ? 2 : 1;
		if (arg[len] == '=' && own[i][len])
			return 1;
	}
	return 0;
}

/*
 * Moves the command's own options out of argv (before "--"), so that
 * getopt, which knows only the global ones, does not refuse them; they go
 * to the command in front of its arguments.  -1: the command has none.
 */
static int split_own_opts(int argc, char **argv, char **own)
{
	const char *const *opts = own_opts_of(argc, argv);
	int a, n = 1, nown = 0, k;

	if (!opts)
		return -1;
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--")) {
			while (a < argc)
				argv[n++] = argv[a++];
			break;
		}
		k = own_opt(opts, argv[a]);
		if (!k) {
			if (argv[a][0] == '-' && takes_next(argv[a]) &&
			    a + 1 < argc)
				argv[n++] = argv[a++];
			argv[n++] = argv[a];
			continue;
		}
		/* Without its value, "--opt=": the command says it is missing. */
		if (k == 2 && a + 1 >= argc)
			own[nown++] = own_opt_value = xasprintf("%s=", argv[a]);
		else
			own[nown++] = argv[a];
		if (k == 2 && a + 1 < argc)
			own[nown++] = argv[++a];
	}
	argv[n] = NULL;
	return nown;
}

static int run(int argc, char **argv, char **own, int nown)
{
	bool help = false, version = false;
	const struct cmd *cmd;
	char **args;
	int ret;

	prescan_json(argc, argv);
	ret = parse_options(argc, argv, &help, &version);
	if (ret >= 0)
		return ret;
	jsonw_init(&json_wtr, stdout, pretty_output);
	if (version)
		return do_version();
	argc -= optind;
	argv += optind;
	if (!argc) {
		if (help)
			return cmd_help(NULL);
		p_err("no command given: try '%s help'", bin_name);
		return SS_EXIT_USAGE;
	}
	cmd = find_cmd(argv[0]);
	if (!cmd)
		return SS_EXIT_USAGE;
	if (opts_used & ~cmd->opts) {
		p_err("%s is not an option of '%s': see '%s help %s'",
		      opt_group_name(opts_used & ~cmd->opts), cmd->name,
		      bin_name, cmd->name);
		return SS_EXIT_USAGE;
	}
	if ((doctor_root || doctor_btf || doctor_bpftool) &&
	    cmd->fn != do_doctor) {	/* options of doctor only */
		p_err("%s is not an option of '%s'", doctor_root ? "--root" :
		      doctor_btf ? "--btf" : "--bpftool", cmd->name);
		return SS_EXIT_USAGE;
	}
	if (help)
		return cmd_help(cmd);
	/* The command's own options first, then its arguments. */
	args = xcalloc(nown + argc, sizeof(*args));
	memcpy(args, own, nown * sizeof(*args));
	memcpy(args + nown, argv + 1, (argc - 1) * sizeof(*args));
	ret = cmd->fn(nown + argc - 1, args);
	free(args);
	return ret;
}

int main(int argc, char **argv)
{
	char **own = xcalloc(argc + 2, sizeof(*own));
	int ret, nown = split_own_opts(argc, argv, own);

	/*
	 * A command with options of its own gets them, then "--", then its
	 * arguments: "run -- --ktap" runs a program named --ktap.
	 */
	if (nown >= 0) {
		argc -= nown;
		own[nown++] = "--";
	} else {
		nown = 0;
	}
	ret = run(argc, argv, own, nown);
	free(own_opt_value);
	free(own);

	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) || ferror(stdout)) {
		json_output = false;
		p_err("writing standard output: %s", strerror(errno));
		return SS_EXIT_USAGE;
	}
	return ret;
}
