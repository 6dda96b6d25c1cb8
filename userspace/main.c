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
const char *debugfs_dir = SWAPSCOPE_DEBUGFS_DIR; /* --debugfs, $SWAPSCOPE_DEBUGFS */
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

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct option *opts;	/* its own, which it parses itself */
	const char *shortopts;	/* each the long option of opts so starting */
	const char *args;	/* synopsis after the command name */
	const char *summary;	/* one line, for the command list */
	const char *help;	/* paragraph for "COMMAND --help" */
};

static const struct cmd cmds[] = {
	{ "status", do_status, NULL, NULL, "",
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
	{ "stats", do_stats, stats_longopts, "a", "[-a|--all]",
	  "counters per watched path and phase",
	  "Show one row per path and phase (before: what the path found,\n"
	  "after: what it left) with what the module counted there: calls,\n"
	  "the kind of every entry met, and tallies refining those kinds.\n"
	  "Only calls and the counters non-zero somewhere are shown unless\n"
	  "--all is given; JSON output always carries every counter.\n"
	  "\n"
	  "  -a, --all    show every counter\n" },
	{ "report", do_report, NULL, NULL, "",
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
	{ "samples", do_samples, NULL, NULL, "[RULE]",
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
	{ "check", do_check, check_longopts, NULL,
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
	{ "baseline", do_baseline, NULL, NULL, "save FILE",
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
	{ "diff", do_diff, NULL, NULL, "A B",
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
	{ "matrix", do_matrix, matrix_longopts, NULL,
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
	{ "enable", do_enable, NULL, NULL, "RULE",
	  "judge RULE again (control file)",
	  "Write \"enable RULE\" to the control file: the module judges RULE\n"
	  "again.  RULE is a rule id (Z1 to C3), any case; an unknown id is\n"
	  "refused before the module is touched.  A rule this kernel lacks\n"
	  "cannot be enabled, nor one that disabled itself on an internal\n"
	  "inconsistency ('reset' judges that one again).  Needs root.\n" },
	{ "disable", do_disable, NULL, NULL, "RULE",
	  "stop judging RULE, its verdict frozen (control file)",
	  "Write \"disable RULE\" to the control file: the module stops\n"
	  "judging RULE; its verdict and counts stay as they were.  RULE is a\n"
	  "rule id (Z1 to C3), any case; an unknown id is refused before the\n"
	  "module is touched.  Needs root.\n" },
	{ "reset", do_reset, NULL, NULL, "",
	  "zero every count, verdict and sample (control file)",
	  "Write \"reset\" to the control file: the module zeroes every\n"
	  "counter, verdict, sample and path statistic, and judges the rules\n"
	  "that disabled themselves again.  Needs root.\n" },
	{ "events", do_events, events_longopts, NULL,
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
	{ "run", do_run, run_longopts, NULL,
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
	  "{\"events_dropped\", \"watch_full\", \"walk_truncated\",\n"
	  "\"pagemap_watch_busy\", \"pagemap_watch_unseen\"}, \"rules\": [as in\n"
	  "report]}.\n" },
	{ "doctor", do_doctor, doctor_longopts, NULL,
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
	  "  lockdown   /sys/kernel/security/lockdown: at integrity or\n"
	  "             confidentiality, unsigned modules are refused and\n"
	  "             debugfs opens only read-only files: control, pagemap\n"
	  "             and audit fail (enable, disable, reset, run, pagemap,\n"
	  "             audit); confidentiality refuses swapscope nothing more\n"
	  "  secureboot the EFI variable SecureBoot; with module signatures\n"
	  "             enforced (sig_enforce=Y, or lockdown) an unsigned\n"
	  "             swapscope.ko is refused: how to sign it (MOK, sign-file)\n"
	  "             unless it is loaded or the installed one is signed\n"
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
	{ "pagemap", do_pagemap, NULL, NULL,
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
	{ "audit", do_audit, NULL, NULL, "",
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
	{ "help", do_help, NULL, NULL, "[COMMAND]",
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

	if (cmd_no_options(&argc, &argv, "help"))
		return SS_EXIT_USAGE;
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

const struct option *cmd_option_elsewhere(const char *cmd, const char *name,
					  size_t len, int c,
					  const char **owner)
{
	const struct option *o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (!strcmp(cmds[i].name, cmd))
			continue;
		if (!name && !(cmds[i].shortopts && strchr(cmds[i].shortopts, c)))
			continue;
		for (o = cmds[i].opts; o && o->name; o++)
			if (name ? strlen(o->name) >= len &&
				   !strncmp(o->name, name, len) :
				   o->name[0] == c) {
				*owner = cmds[i].name;
				return o;
			}
	}
	return NULL;
}

/*
 * The global options, parsed here; every other option is the command's.
 * Long options get values above any char, so that an error can tell
 * "-x" (optopt is the char) from "--xyz" or "--json=1" (it is not).
 */
enum {
	OPT_DEBUGFS = 256,
	OPT_HELP,
	OPT_JSON,
	OPT_PRETTY,
	OPT_VERSION,
};

static const struct option global_options[] = {
	{ "debugfs",	required_argument,	NULL, OPT_DEBUGFS },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "pretty",	no_argument,		NULL, OPT_PRETTY },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ 0 }
};

static const char global_short[] = "hjpV";

/*
 * The long option @arg ("--name" or "--name=value") names: a global one
 * (*global set), a command's, or none (unknown, or a prefix of several).
 */
static const struct option *long_option(const char *arg, bool *global)
{
	const char *name = arg + 2;
	size_t len = strcspn(name, "="), i;
	const struct option *o, *match = NULL;
	int n = 0;

	*global = false;
	o = opt_lookup(global_options, name, len);
	if (o && strlen(o->name) == len) {
		*global = true;
		return o;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		const struct option *c = opt_lookup(cmds[i].opts, name, len);

		if (c && strlen(c->name) == len)
			return c;
	}
	/* A unique prefix among every option there is, as getopt_long's. */
	if (o) {
		match = o;
		n++;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		const struct option *c;

		for (c = cmds[i].opts; c && c->name; c++)
			if (!strncmp(c->name, name, len) &&
			    (!match || strcmp(match->name, c->name))) {
				match = c;
				n++;
			}
	}
	if (n != 1)
		return NULL;
	*global = match == o;
	return match;
}

struct split {
	int gargc, cargc;
	char **gargv;		/* argv[0], the global options */
	char **cargv;		/* the command, then its options and arguments */
	char **shorts;		/* "-ab" clusters made, to free */
	int nshorts;
};

/*
 * Splits the command line: the global options, wherever they are (before
 * or after the command, as "-j report" and "report --json"), for getopt
 * here; the command's name, then the rest in their order for the command.
 * Before "--", "-abc" is split into its global and its command's letters.
 * An option before the command that takes the next word as its value
 * keeps it, so that "--baseline FILE check" finds check.  Sets
 * json_output as soon as -j or -p is seen: an error in an option before
 * them is JSON too.
 */
static void split_args(int argc, char **argv, struct split *sp)
{
	char *cmd = NULL;
	int a;

	sp->gargv = xcalloc(argc + 1, sizeof(char *));
	sp->cargv = xcalloc(argc + 2, sizeof(char *));
	sp->shorts = xcalloc(argc + 1, sizeof(char *));
	sp->gargv[sp->gargc++] = argv[0];
	sp->cargc = 1;		/* cargv[0], the command, set at the end */
	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];
		const struct option *o;
		bool global;

		if (!strcmp(arg, "--")) {
			a++;
			if (!cmd && a < argc)
				cmd = argv[a++];
			sp->cargv[sp->cargc++] = "--";
			while (a < argc)
				sp->cargv[sp->cargc++] = argv[a++];
			break;
		}
		if (arg[0] == '-' && arg[1] == '-') {
			o = long_option(arg, &global);
			if (global && (o->val == OPT_JSON || o->val == OPT_PRETTY))
				json_output = true;
			if (global)
				sp->gargv[sp->gargc++] = argv[a];
			else
				sp->cargv[sp->cargc++] = argv[a];
			if (o && o->has_arg == required_argument &&
			    !strchr(arg, '=') && a + 1 < argc) {
				a++;
				if (global)
					sp->gargv[sp->gargc++] = argv[a];
				else
					sp->cargv[sp->cargc++] = argv[a];
			}
			continue;
		}
		if (arg[0] == '-' && arg[1]) {
			char *g = xcalloc(strlen(arg) + 1, 1);
			char *c = xcalloc(strlen(arg) + 1, 1);
			const char *p;

			g[0] = c[0] = '-';
			for (p = arg + 1; *p; p++) {
				char *to = strchr(global_short, *p) ? g : c;

				to[strlen(to)] = *p;
				if (*p == 'j' || *p == 'p')
					json_output = true;
			}
			if (g[1])
				sp->gargv[sp->gargc++] = sp->shorts[sp->nshorts++] = g;
			else
				free(g);
			if (c[1])
				sp->cargv[sp->cargc++] = sp->shorts[sp->nshorts++] = c;
			else
				free(c);
			continue;
		}
		if (!cmd)
			cmd = argv[a];
		else
			sp->cargv[sp->cargc++] = argv[a];
	}
	sp->cargv[0] = cmd;
	if (!cmd)
		sp->cargc = 0;
}

static void split_free(struct split *sp)
{
	while (sp->nshorts)
		free(sp->shorts[--sp->nshorts]);
	free(sp->shorts);
	free(sp->gargv);
	free(sp->cargv);
}

/* Returns -1 when the global options are fine, else the exit code. */
static int parse_global(int argc, char **argv, bool *help, bool *version)
{
	const char *env = getenv("SWAPSCOPE_DEBUGFS");
	int opt;

	if (env && *env)
		debugfs_dir = env;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hjpV", global_options,
				  NULL)) >= 0) {
		switch (opt) {
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
		default:	/* only a global option taking no "=value" */
			p_err("option '%.*s' takes no argument",
			      (int)strcspn(argv[optind - 1], "="),
			      argv[optind - 1]);
			return SS_EXIT_USAGE;
		}
	}
	return -1;
}

static int run(int argc, char **argv)
{
	bool help = false, version = false;
	const struct cmd *cmd;
	struct split sp = { 0 };
	int ret;

	split_args(argc, argv, &sp);
	ret = parse_global(sp.gargc, sp.gargv, &help, &version);
	if (ret >= 0)
		goto out;
	jsonw_init(&json_wtr, stdout, pretty_output);
	if (version) {
		ret = do_version();
		goto out;
	}
	if (!sp.cargc) {
		if (help) {
			ret = cmd_help(NULL);
			goto out;
		}
		p_err("no command given: try '%s help'", bin_name);
		ret = SS_EXIT_USAGE;
		goto out;
	}
	cmd = find_cmd(sp.cargv[0]);
	ret = SS_EXIT_USAGE;
	if (!cmd)
		goto out;
	if (help) {
		ret = cmd_help(cmd);
		goto out;
	}
	/* The command parses its options: getopt starts afresh, at argv[1]. */
	sp.cargv[0] = (char *)cmd->name;
	optind = 0;
	ret = cmd->fn(sp.cargc, sp.cargv);
out:
	split_free(&sp);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) || ferror(stdout)) {
		json_output = false;
		p_err("writing standard output: %s", strerror(errno));
		return SS_EXIT_USAGE;
	}
	return ret;
}
