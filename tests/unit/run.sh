#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Host unit tests of the swapscope CLI and of the verdict logic: build them,
# run the CLI on recorded debugfs trees.
#
# Usage: tests/unit/run.sh
# Builds the CLI from userspace/ (plain, static, and with ASan+UBSan),
# test_records (userspace/records.c) and test_rules (module/rules.c) in a
# scratch directory, leaving the tree alone, and runs them, the CLI against
# fixtures/ (written by mkfixtures.py).  Prints "ok - ...", "not ok - ..." or
# "skip - ..." per check and last "N passed, M failed"; exits 1 if any check
# failed.  A test_rules "skip" is a place where module/rules.c disagrees
# with docs/rules.md: the test says what docs/rules.md says, the lead decides.  SWAPSCOPE=/path/to/swapscope tests that
# binary instead of the scratch build.
# check runs its eval strings later: their $vars must not expand early.
# shellcheck disable=SC2016
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
fx=$here/fixtures
tmp=$(mktemp -d)
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
# nobody runs some checks below and must reach the scratch directory.
chmod 755 "$tmp"

pass=0
fail=0

ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
# Not counted: the project's "skip" lines are tallied by tests/run-check.sh.
skip() { echo "skip - $1 ($2)"; }

# check DESC COMMAND...: one test line, passing when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		# The context a failure needs, as TAP comments.
		echo "#   rc=$rc; stdout:"
		head -n 8 "$tmp/out" | cut -c 1-160 | sed 's/^/#     /'
		echo "#   stderr:"
		head -n 8 "$tmp/err" | cut -c 1-160 | sed 's/^/#     /'
	fi
}

# --- running the CLI ------------------------------------------------------

rc=0
: >"$tmp/out"
: >"$tmp/err"

# run ARGS...: the CLI under test, output in $tmp/out and $tmp/err, exit in $rc.
run() {
	"$ss" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# run_on FIXTURE ARGS...
run_on() {
	local dir=$1
	shift
	run --debugfs "$dir" "$@"
}

rc_is() { [ "$rc" -eq "$1" ]; }
out_has() { grep -Eq -- "$1" "$tmp/out"; }
out_lacks() { ! grep -Eq -- "$1" "$tmp/out"; }
err_has() { grep -Eq -- "$1" "$tmp/err"; }
out_empty() { [ ! -s "$tmp/out" ]; }
err_empty() { [ ! -s "$tmp/err" ]; }
out_lines() { [ "$(wc -l <"$tmp/out")" -eq "$1" ]; }
# Sanitizer builds report to stderr and exit non-zero; neither may happen.
no_crash() {
	[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || return 1
	! grep -Eq 'Sanitizer|runtime error' "$tmp/err"
}

json_ok() {
	python3 -c 'import json, sys; json.load(sys.stdin)' <"$tmp/out"
}

# json EXPR: EXPR, with d the JSON document on stdout, holds.
json() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" <"$tmp/out"
}

# An error in JSON mode: stdout holds {"error": MSG} and nothing else,
# stderr the same message.
json_error_has() {
	python3 -c '
import json, re, sys
d = json.load(sys.stdin)
sys.exit(0 if list(d) == ["error"] and re.search(sys.argv[1], d["error"]) else 1)' "$1" <"$tmp/out"
}

# --- builds ---------------------------------------------------------------

build_log=$tmp/build.log

build_cli() {
	if [ -n "${SWAPSCOPE:-}" ]; then
		ss=$SWAPSCOPE
		[ -x "$ss" ]
		return
	fi
	# A scratch build: the tree's own binary may be the static one
	# that tests/run-check.sh puts into the VM.
	ss=$tmp/cli/swapscope
	make -C "$top/userspace" OUTPUT="$tmp/cli/" >"$build_log" 2>&1
}

sanitize_flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"

sanitizer_works() {
	echo 'int main(void) { return 0; }' >"$tmp/probe.c"
	# shellcheck disable=SC2086
	${CC:-cc} $sanitize_flags "$tmp/probe.c" -o "$tmp/probe" 2>/dev/null &&
		"$tmp/probe"
}

if build_cli; then
	ok "build: swapscope"
else
	not_ok "build: swapscope"
	sed 's/^/#   /' "$build_log"
	echo "$pass passed, $fail failed"
	exit 1
fi

if sanitizer_works; then
	have_san=1
	rec_flags=$sanitize_flags
else
	have_san=0
	rec_flags=-O2
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1

# shellcheck disable=SC2086
check "build: test_records" \
	${CC:-cc} -Wall -Wextra -Werror -std=gnu11 $rec_flags \
	-I"$top/userspace" -I"$top/module/uapi" \
	-o "$tmp/test_records" "$here/test_records.c" "$top/userspace/records.c"

# shellcheck disable=SC2086
check "build: test_rules (module/rules.c in userspace)" \
	${CC:-cc} -Wall -Wextra -Werror -std=gnu11 $rec_flags \
	-I"$top/module" -I"$top/module/uapi" \
	-o "$tmp/test_rules" "$here/test_rules.c" "$top/module/rules.c"

# shellcheck disable=SC2086
check "build: test_spans (module/spans.c in userspace)" \
	${CC:-cc} -Wall -Wextra -Werror -std=gnu11 $rec_flags \
	-I"$top/module" \
	-o "$tmp/test_spans" "$here/test_spans.c" "$top/module/spans.c"

# --- the parser and the verdict logic, directly ------------------------------

# unit NAME: runs $tmp/NAME, counting its "ok - " and "not ok - " lines;
# its "skip - " lines (a docs/rules.md disagreement left to the lead) pass through.
unit() {
	local bin=$tmp/$1 line unit_rc

	[ -x "$bin" ] || return 0
	"$bin" >"$tmp/$1.out" 2>&1
	unit_rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$tmp/$1.out"
	rc=$unit_rc
	check "$1 exits 0 (no sanitizer or leak report)" rc_is 0
}

unit test_records
unit test_rules
unit test_spans

check "fixtures/ is what mkfixtures.py writes from swapscope.h" \
	python3 "$here/mkfixtures.py" --check

# What the header's tables say the trees hold.
# shellcheck disable=SC2046
set -- $(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkfixtures as m
print(len(m.PATHS) * len(m.PHASES), len(m.COUNTERS), len(m.PROBE_ROWS), len(m.RULES))' "$here" 2>/dev/null || echo 0 0 0 0)
nr_rows=$1
nr_counters=$2
nr_probes=$3
nr_rules=$4

# --- status -------------------------------------------------------------------

run_on "$fx/healthy" status
check "status healthy: exit 0" rc_is 0
check "status healthy: nothing on stderr" err_empty
check "status healthy: module line" out_has '^module +0\.1\.0 \(abi 1, build abc1234\)$'
check "status healthy: kernel line" \
	out_has '^kernel +6\.1\.0-56-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6\.1\.192-2$'
check "status healthy: header row" \
	out_has '^probe +symbol +type +state +hits +nmissed +reason$'
check "status healthy: a kprobe row" \
	out_has '^zap_single +zap_page_range_single +kprobe +active +7 +0 +-$'
check "status healthy: a kretprobe row" \
	out_has '^swapin +do_swap_page +kretprobe +active +256 +0 +-$'
check "status healthy: zap is a kretprobe" \
	out_has '^zap +unmap_page_range +kretprobe +active +120 +0 +-$'
check "status healthy: the teardown and shmem_swap probes" \
	eval 'out_has "^teardown +exit_mmap +kretprobe +active +40 +0 +-$" &&
	      out_has "^shmem_swap +swap_shmem_alloc +kretprobe +active +20 +0 +-$"'
check "status healthy: one row per SS_PROBES entry ($nr_probes)" \
	[ "$(grep -Ec ' (kprobe|kretprobe) ' "$tmp/out")" -eq "$nr_probes" ]
check "status healthy: summary line" \
	out_has "^0 of $nr_probes probes unavailable, nmissed total 0$"
check "status healthy: unknown keys are not shown" out_lacks 'future'

run_on "$fx/degraded" status
check "status degraded: exit 0" rc_is 0
check "status degraded: unavailable row with its reason" \
	out_has '^reclaim +try_to_unmap_one +kretprobe +unavailable +0 +0 +not-in-kallsyms$'
check "status degraded: nmissed column" \
	out_has '^swapin +do_swap_page +kretprobe +active +256 +7 +-$'
check "status degraded: summary counts 2 unavailable, 9 missed" \
	out_has "^2 of $nr_probes probes unavailable, nmissed total 9$"

run_on "$fx/healthy" --json status
check "status --json: exit 0" rc_is 0
check "status --json: nothing on stderr" err_empty
check "status --json: parses" json_ok
check "status --json: one line" out_lines 1
check "status --json: top-level keys" \
	json 'list(d) == ["module", "cli", "probes", "summary", "failed_rules"] and d["failed_rules"] == []'
check "status --json: module object" \
	json 'd["module"] == {"version": "0.1.0", "abi": 1, "kernel": "6.1.0-56-amd64", "kernel_version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2", "build": "abc1234"}'
check "status --json: cli abi equals module abi" \
	json 'd["cli"]["abi"] == d["module"]["abi"] and d["cli"]["version"] == "0.1.0"'
check "status --json: probe objects carry exactly the documented keys" \
	json 'all(list(p) == ["probe", "symbol", "type", "state", "hits", "nmissed", "maxactive", "run_ns", "reason"] for p in d["probes"])'
check "status --json: run_ns null from a module without it" \
	json 'all(p["run_ns"] is None for p in d["probes"])'
check "status --json: an active probe has reason null" \
	json 'd["probes"][0]["reason"] is None and d["probes"][0]["hits"] == 120'
check "status --json: summary" \
	json "d['summary'] == {'probes': $nr_probes, 'active': $nr_probes, 'unavailable': 0, 'nmissed': 0}"

run_on "$fx/degraded" -j status
check "status -j degraded: summary" \
	json "d['summary'] == {'probes': $nr_probes, 'active': $((nr_probes - 2)), 'unavailable': 2, 'nmissed': 9}"
check "status -j degraded: unavailable probe keeps its reason" \
	json '[p["reason"] for p in d["probes"] if p["state"] == "unavailable"] == ["ENOENT", "not-in-kallsyms"]'
check "status -j degraded: maxactive" \
	json '{p["probe"]: p["maxactive"] for p in d["probes"]}["swapin"] == 128'
cp "$tmp/out" "$tmp/compact.json"

run_on "$fx/degraded" -p status
check "status -p: parses and is indented" \
	eval 'json_ok && grep -q "^    \"probes\": \[$" "$tmp/out"'
check "status -p: same document as -j" \
	python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
	"$tmp/out" "$tmp/compact.json"

run_on "$fx/healthy" status --json
check "options after the command work too" eval 'rc_is 0 && json_ok'

# time_handlers=1: run_ns in probes, handler time per hit in status.
rm -rf "$tmp/timed" && cp -r "$fx/healthy" "$tmp/timed"
sed -i 's/$/ run_ns=0/; s/^\(probe=swapin .*\) run_ns=0$/\1 run_ns=1280000/; s/^\(probe=zap .*\) run_ns=0$/\1 run_ns=2400000/' "$tmp/timed/probes"
run_on "$tmp/timed" status
check "status, timed: handler time per hit of the probes with hits and time" \
	eval 'rc_is 0 && out_has "^handler time per hit \(time_handlers=1\): zap 20000 ns, swapin 5000 ns$"'
run_on "$fx/healthy" status
check "status, untimed: no handler time line" out_lacks 'handler time'
run_on "$tmp/timed" -j status
check "status -j, timed: run_ns per probe" \
	json '{p["probe"]: p["run_ns"] for p in d["probes"]}["swapin"] == 1280000 and {p["probe"]: p["run_ns"] for p in d["probes"]}["fork"] == 0'
sed -i 's/^\(probe=fork .*\) run_ns=0$/\1 run_ns=12x/' "$tmp/timed/probes"
run_on "$tmp/timed" status
check "status, a malformed run_ns: exit 2 naming the file" \
	eval 'rc_is 2 && grep -q "probes" "$tmp/err"'

# --- stats --------------------------------------------------------------------

run_on "$fx/healthy" -j stats
check "stats --json: exit 0" rc_is 0
check "stats --json: parses" json_ok
check "stats --json: an array of objects, path and phase first, then calls" \
	json 'isinstance(d, list) and all(list(r)[:3] == ["path", "phase", "calls"] for r in d)'
check "stats --json: every row has the same keys" \
	json 'all(list(r) == list(d[0]) for r in d)'
check "stats --json: one row per path x phase, each once" \
	json "len({(r['path'], r['phase']) for r in d}) == len(d) == $nr_rows"
check "stats --json: values of swapin/before" \
	json '[r for r in d if r["path"] == "swapin" and r["phase"] == "before"][0]["swap_exclusive"] == 240'
check "stats --json: unknown keys are dropped" \
	json 'not any("future_counter" in r for r in d)'
check "stats --json: every SS_COUNTERS entry, nothing else" \
	json "len(d[0]) == 2 + $nr_counters"
cp "$tmp/out" "$tmp/stats.json"

run_on "$fx/healthy" stats --json --all
check "stats --json --all: the same document" cmp -s "$tmp/out" "$tmp/stats.json"

run_on "$fx/healthy" stats
check "stats: exit 0" rc_is 0
check "stats: nothing on stderr" err_empty
check "stats: a header row and one row per path x phase" \
	out_lines $((nr_rows + 1))
check "stats: header starts with path, phase, calls" out_has '^path +phase +calls '
check "stats: a row" out_has '^swapin +before +256 +0 +256 '
check "stats: zero-everywhere counters are hidden" out_lacks 'device_private|hwpoison'
check "stats: counters non-zero somewhere are shown" \
	out_has ' uffd_wp_marker .* huge$'
check "stats: fewer columns than counters" \
	[ "$(head -n 1 "$tmp/out" | wc -w)" -lt "$((nr_counters + 2))" ]

run_on "$fx/healthy" stats --all
check "stats --all: exit 0" rc_is 0
check "stats --all: every counter is a column" \
	[ "$(head -n 1 "$tmp/out" | wc -w)" -eq "$((nr_counters + 2))" ]
check "stats --all: the columns are the JSON keys, in order" \
	[ "$(head -n 1 "$tmp/out" | tr -s ' ' '\n')" = \
	  "$(python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)[0]))' <"$tmp/stats.json")" ]

run_on "$fx/healthy" stats -a
check "stats -a: same as --all" out_has 'device_private'

# --- report -------------------------------------------------------------------

# Header order of the rules, and the fields of a report row.
rule_order=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkfixtures as m
print(repr([r for r, _ in m.RULES]))' "$here" 2>/dev/null || echo '[]')
report_keys='["rule", "seed", "group", "checks", "verdict", "observations", "violations", "impact", "unjudged", "enabled", "state", "reason"]'

run_on "$fx/healthy" report
check "report healthy: exit 0" rc_is 0
check "report healthy: nothing on stderr" err_empty
check "report healthy: header row" \
	out_has '^group +rule +seed +checks +verdict +observations +violations +impact +unjudged +reason$'
check "report healthy: one row per SS_RULES entry ($nr_rules)" \
	[ "$(grep -Ec '^[A-Za-z -]* [A-Z][0-9] +[0-9]{3} ' "$tmp/out")" -eq "$nr_rules" ]
check "report healthy: the group named on its first rule" \
	out_has '^Zap +Z1 +000 +full zap clears and accounts everything +conforms +37 +0 +2 +0$'
check "report healthy: and left blank on the next" \
	out_has '^ +Z2 +000 +mapping zap keeps only private COW state +conforms +5 +0 +1 +0$'
check "report healthy: U3 diverges with its impact" \
	out_has '^ +U3 +002 +swapped shmem leaves a trace +diverges +23 +20 +20 +0$'
check "report healthy: C1 diverges" \
	out_has '^Swap counts +C1 +004 +shmem entries are plain count 1 +diverges +20 +20 +20 +0$'
check "report healthy: C3 not-applicable with its reason" \
	out_has '^ +C3 +004 +batched duplicate +not-applicable +0 +0 +0 +0 +no-batched-swap-duplicate$'
check "report healthy: a rule not implemented says so" \
	out_has '^ +Z4 +000 +accounting matches clearing +not-observed +0 +0 +0 +0 +not-implemented$'
check "report healthy: S2 not-observed, no reason" \
	out_has '^ +S2 +001 +stable writes drop exclusivity +not-observed +0 +0 +0 +0$'
check "report healthy: the seeds of the other paths" \
	eval 'out_has "^Reclaim unmap +U1 +001 " && out_has "^ +U2 +003 " &&
	      out_has "^Fork +F1 +001 " && out_has "^Swap-in +S1 +001 " &&
	      out_has "^Pagemap +P1 +002 "'
# The first column, on the rows that name a group.
groups() {
	awk 'NR == 1 { w = index($0, " rule ") }
	     NR > 1 && /^[A-Z]/ { g = substr($0, 1, w); sub(/ +$/, "", g); printf "%s,", g }' "$tmp/out"
}
check "report healthy: groups in docs/rules.md order" \
	[ "$(groups)" = "Zap,Fork,Swap-in,Reclaim unmap,Pagemap,Swap counts," ]
check "report healthy: summary line" \
	out_has "^$nr_rules rules: $((nr_rules - 12)) not-observed, 9 conforms, 2 diverges, 1 not-applicable; 6 disabled$"
check "report healthy: no trailing blanks" out_lacks ' $'
check "report healthy: unknown keys are not shown" out_lacks 'future'
cp "$tmp/out" "$tmp/report.txt"

run_on "$fx/healthy" -j report
check "report --json: exit 0, nothing on stderr" eval 'rc_is 0 && err_empty'
check "report --json: parses, one line" eval 'json_ok && out_lines 1'
check "report --json: an array of one object per rule, in SS_RULES order" \
	json "[r['rule'] for r in d] == $rule_order"
check "report --json: every object has exactly the documented keys" \
	json "all(list(r) == $report_keys for r in d)"
check "report --json: a row, every field" \
	json 'd[0] == {"rule": "Z1", "seed": "000", "group": "Zap", "checks": "full zap clears and accounts everything", "verdict": "conforms", "observations": 37, "violations": 0, "impact": 2, "unjudged": 0, "enabled": True, "state": "enabled", "reason": None}'
check "report --json: a not-applicable row" \
	json '[r for r in d if r["rule"] == "C3"] == [{"rule": "C3", "seed": "004", "group": "Swap counts", "checks": "batched duplicate", "verdict": "not-applicable", "observations": 0, "violations": 0, "impact": 0, "unjudged": 0, "enabled": False, "state": "not-applicable", "reason": "no-batched-swap-duplicate"}]'
check "report --json: verdicts as the fixture has them" \
	json '{r["rule"]: r["verdict"] for r in d if r["verdict"] not in ("conforms", "not-observed")} == {"U3": "diverges", "C1": "diverges", "C3": "not-applicable"}'
check "report --json: every rule has a few words on what it checks" \
	json 'all(isinstance(r["checks"], str) and r["checks"] not in ("", "?") for r in d)'
check "report --json: the seeds are the header's" \
	python3 -c 'import json, sys; sys.path.insert(0, sys.argv[2]); import mkfixtures as m
sys.exit([(r["rule"], r["seed"]) for r in json.load(open(sys.argv[1]))] != [tuple(r) for r in m.RULES])' "$tmp/out" "$here"
check "report --json: the rows the text shows, in the same order" \
	[ "$(python3 -c 'import json, sys; print(" ".join(r["rule"] for r in json.load(sys.stdin)))' <"$tmp/out")" = \
	  "$(grep -Eo ' [A-Z][0-9] +[0-9]{3} ' "$tmp/report.txt" | awk '{printf "%s%s", n++ ? " " : "", $1}')" ]

cp "$tmp/out" "$tmp/report.json"

run_on "$fx/healthy" -p report
check "report -p: parses and is indented" \
	eval 'json_ok && grep -q "^        \"rule\": \"Z1\",$" "$tmp/out"'
check "report -p: same document as -j" \
	python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
	"$tmp/out" "$tmp/report.json"

run_on "$fx/degraded" report
check "report degraded: exit 0 with diverging rules" eval 'rc_is 0 && err_empty'
check "report degraded: F1 and Z3 diverge" \
	eval 'out_has "^Fork +F1 +001 +a copied swap entry is shared +diverges +262 +2 +0 +0$" &&
	      out_has "^ +Z3 +000 +teardown leaves zero counters +diverges +41 +1 +0 +0$"'
check "report degraded: a rule disabled by hand says disabled" \
	out_has '^ +S2 +001 +stable writes drop exclusivity +conforms +3 +0 +3 +0 +disabled$'
check "report degraded: C1 not-applicable on a kernel without SWAP_MAP_SHMEM" \
	out_has '^Swap counts +C1 +004 +shmem entries are plain count 1 +not-applicable +0 +0 +0 +0 +no-swap-map-shmem$'
check "report degraded: a rule this CLI does not know, shown under Other" \
	out_has '^Other +Q1 +005 +\(unknown to this swapscope\) +conforms +7 +0 +1 +0$'
check "report degraded: summary line" \
	out_has "^$((nr_rules + 1)) rules: $((nr_rules - 13)) not-observed, 10 conforms, 2 diverges, 2 not-applicable; 8 disabled, 1 of them failed \(disabled themselves on an internal inconsistency: their verdicts cover only the calls before; see dmesg\)$"
check "report degraded: a rule that disabled itself says failed and why" \
	out_has '^Reclaim unmap +U1 +001 +exclusivity survives swap-out +conforms +480 +0 +450 +0 +failed: folio-larger-than-pmd$'

run_on "$fx/degraded" -j report
check "report --json degraded: the unknown rule last, group Other, checks null" \
	json 'd[-1] == {"rule": "Q1", "seed": "005", "group": "Other", "checks": None, "verdict": "conforms", "observations": 7, "violations": 0, "impact": 1, "unjudged": 0, "enabled": True, "state": "enabled", "reason": None}'
check "report --json degraded: state per rule: failed, disabled by hand, not-applicable, enabled" \
	json '[(r["rule"], r["enabled"], r["state"], r["reason"]) for r in d if r["rule"] in ("U1", "S2", "C1", "Z1")] == [("Z1", True, "enabled", None), ("S2", False, "disabled", None), ("U1", False, "failed", "folio-larger-than-pmd"), ("C1", False, "not-applicable", "no-swap-map-shmem")]'
check "report --json degraded: disabled by hand is enabled false, reason null" \
	json '[(r["enabled"], r["reason"]) for r in d if r["rule"] == "S2"] == [(False, None)]'

run_on "$fx/fresh" report
check "report fresh: every rule not-observed but C3" \
	eval 'rc_is 0 && out_has "^$nr_rules rules: $((nr_rules - 1)) not-observed, 0 conforms, 0 diverges, 1 not-applicable; 6 disabled$"'

run_on "$fx/healthy" report extra
check "report with an argument: exit 2" \
	eval 'rc_is 2 && out_empty && err_has "report takes no arguments, got .extra."'
run_on "$fx/healthy" report --all
check "--all on report: exit 2" \
	eval 'rc_is 2 && err_has "--all is not an option of .report."'
run_on "$fx/malformed-samples" report
check "a broken samples file does not stop report" rc_is 0
run_on "$fx/malformed-rules" status
check "a broken rules file does not stop status" rc_is 0
run_on "$fx/malformed-rules" stats
check "a broken rules file does not stop stats" rc_is 0

# --- samples ------------------------------------------------------------------

sample_keys='["rule", "seq", "pid", "comm", "addr", "kind", "swp_type", "swp_offset", "swap_count", "pte_before", "pte_before_decoded", "pte_after", "pte_after_decoded", "path", "caller", "mm", "vma", "count"]'
# The PTE bits are decoded on x86-64 only.
if [ "$(uname -m)" = x86_64 ]; then x86=1; else x86=0; fi

run_on "$fx/healthy" samples
check "samples healthy: exit 0" rc_is 0
check "samples healthy: nothing on stderr" err_empty
check "samples healthy: 16 blocks, one per sample" \
	[ "$(grep -Ec '^[A-Z][0-9]  seq [0-9]+  pid ' "$tmp/out")" -eq 16 ]
check "samples healthy: a block's first line" \
	out_has '^U3  seq 25  pid 1234  comm 05-shmem  addr 0x7f000000c000$'
check "samples healthy: kind, path" \
	eval 'out_has "^  kind        none$" && out_has "^  path        try_to_unmap_one$"'
check "samples healthy: the call chain, one frame a line" \
	eval 'grep -m1 -A3 "^  caller      shrink_folio_list+0x5b1/0xc90$" "$tmp/out" | tail -n 3 | tr -d " " | tr "\n" , |
	      grep -qx "reclaim_folio_list+0x3d/0xd0,reclaim_pages+0xb6/0x120,madvise_cold_or_pageout_pte_range+0x1f3/0x5f0,"'
check "samples healthy: the dropped counts" \
	eval 'out_has "^U3: 12 older samples dropped$" && out_has "^C1: 12 older samples dropped$"'
check "samples healthy: the file's order, C1's dropped line last" \
	eval '[ "$(head -n 1 "$tmp/out")" = "U3  seq 25  pid 1234  comm 05-shmem  addr 0x7f000000c000" ] &&
	      [ "$(tail -n 1 "$tmp/out")" = "C1: 12 older samples dropped" ]'
check "samples healthy: a blank line between blocks" \
	[ "$(grep -c '^$' "$tmp/out")" -eq 17 ]
check "samples healthy: a swap sample's type, offset and count" \
	eval 'out_has "^  swp_type    0$" && out_has "^  swp_offset  4242$" &&
	      out_has "^  swap_count  191 \(SWAP_MAP_SHMEM\)$"'
check "samples healthy: no trailing blanks, no unknown keys" \
	eval 'out_lacks " $" && out_lacks future'
if [ "$x86" -eq 1 ]; then
	check "samples healthy: a present PTE decoded" \
		out_has '^  pte_before  0x8000000123462867 \(present pfn=0x123462 rw user accessed dirty soft-dirty nx\)$'
	check "samples healthy: pte_none decoded" out_has '^  pte_after   0x0 \(none\)$'
	check "samples healthy: a swap PTE decoded" \
		out_has '^  pte_before  0x7ffffffffdeda00 \(swp type=0 offset=4242\)$'
else
	skip "samples healthy: PTE bits decoded" "not x86-64"
fi
cp "$tmp/out" "$tmp/samples.txt"

run_on "$fx/healthy" -j samples
check "samples --json: exit 0, parses, one line" \
	eval 'rc_is 0 && err_empty && json_ok && out_lines 1'
check "samples --json: 16 samples and 2 dropped counts, in the file's order" \
	json '[(s["rule"], s.get("seq", "dropped")) for s in d] == [("U3", n) for n in range(25, 41, 2)] + [("U3", "dropped")] + [("C1", n) for n in range(26, 41, 2)] + [("C1", "dropped")]'
check "samples --json: every sample has exactly the documented keys" \
	json "all(list(s) == $sample_keys for s in d if 'dropped' not in s)"
check "samples --json: a dropped count is {rule, dropped}" \
	json '[s for s in d if "dropped" in s] == [{"rule": "U3", "dropped": 12}, {"rule": "C1", "dropped": 12}]'
check "samples --json: a U3 sample, every field" \
	json 'd[1] == {"rule": "U3", "seq": 27, "pid": 1234, "comm": "05-shmem", "addr": "0x7f000000d000", "kind": "none", "swp_type": None, "swp_offset": None, "swap_count": None, "pte_before": "0x8000000123463867", "pte_before_decoded": d[1]["pte_before_decoded"], "pte_after": "0x0", "pte_after_decoded": d[1]["pte_after_decoded"], "path": "try_to_unmap_one", "caller": ["shrink_folio_list+0x5b1/0xc90", "reclaim_folio_list+0x3d/0xd0"], "mm": None, "vma": None, "count": None}'
check "samples --json: a C1 sample's swap fields are numbers" \
	json '[(s["swp_type"], s["swp_offset"], s["swap_count"], s["path"]) for s in d if s["rule"] == "C1" and "seq" in s][0] == (0, 4242, 191, "swap_shmem_alloc")'
if [ "$x86" -eq 1 ]; then
	check "samples --json: decoded swap PTEs agree with swp_type and swp_offset" \
		json 'all(s["pte_before_decoded"] == "swp type=%d offset=%d" % (s["swp_type"], s["swp_offset"]) for s in d if s.get("kind") == "swap")'
	check "samples --json: decoded present PTE" \
		json 'd[0]["pte_before_decoded"] == "present pfn=0x123462 rw user accessed dirty soft-dirty nx" and d[0]["pte_after_decoded"] == "none"'
fi
cp "$tmp/out" "$tmp/samples.json"

run_on "$fx/healthy" samples U3
check "samples U3: only U3's 8 blocks and its dropped line" \
	eval 'rc_is 0 && [ "$(grep -Ec "^U3  seq " "$tmp/out")" -eq 8 ] &&
	      out_lacks "^C1" && out_has "^U3: 12 older samples dropped$"'
cp "$tmp/out" "$tmp/samples-u3.txt"
run_on "$fx/healthy" samples u3
check "samples u3: any case" cmp -s "$tmp/out" "$tmp/samples-u3.txt"
run_on "$fx/healthy" samples S1
check "samples S1: none kept, exit 0" \
	eval 'rc_is 0 && err_empty && [ "$(cat "$tmp/out")" = "no samples kept for S1" ]'
run_on "$fx/healthy" -j samples C1
check "samples -j C1: C1's 8 samples and its dropped count" \
	json 'len(d) == 9 and all(s["rule"] == "C1" for s in d) and d[-1] == {"rule": "C1", "dropped": 12}'
run_on "$fx/healthy" -j samples S1
check "samples -j S1: an empty array" eval 'rc_is 0 && json "d == []"'

run_on "$fx/fresh" samples
check "samples fresh: none kept, exit 0" \
	eval 'rc_is 0 && err_empty && [ "$(cat "$tmp/out")" = "no samples kept" ]'
run_on "$fx/fresh" -j samples
check "samples -j fresh: an empty array" eval 'rc_is 0 && json "d == []"'

run_on "$fx/degraded" samples
check "samples degraded: no caller frames is a dash" \
	eval 'rc_is 0 && grep -A8 "^Z3  seq 3  pid 99  comm ssinject  addr 0x0$" "$tmp/out" | grep -q "^  caller      -$"'
check "samples degraded: a count-based violation names the mm, the VMA and the counts" \
	eval 'grep -A8 "^Z3  seq 3 " "$tmp/out" | grep -q "^  mm          99:ssinject$" &&
	      grep -A8 "^Z3  seq 3 " "$tmp/out" | grep -q "^  vma         -$" &&
	      grep -A8 "^Z3  seq 3 " "$tmp/out" | grep -q "^  count       rss_swapents: expected 0, actual -1$"'
run_on "$fx/degraded" -j samples Z3
check "samples --json degraded: the counts of a Z3 sample, signed" \
	json 'd[0]["mm"] == "99:ssinject" and d[0]["vma"] is None and (d[0]["count"], d[0]["expected"], d[0]["actual"]) == ("rss_swapents", 0, -1)'
run_on "$fx/degraded" samples
check "samples degraded: swap_count only where the module read it" \
	[ "$(grep -c '^  swap_count  2$' "$tmp/out")" -eq 1 ]
if [ "$x86" -eq 1 ]; then
	check "samples degraded: the exclusive bit of a swap PTE decoded" \
		out_has '^  pte_before  0xfffffffffff6408 \(swp type=1 offset=77 exclusive\)$'
fi
run_on "$fx/degraded" -j samples
check "samples -j degraded: no frames is an empty caller list" \
	json 'd[0]["caller"] == [] and d[0]["rule"] == "Z3" and d[1]["swap_count"] is None and d[2]["swap_count"] == 2'

all_rules=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkfixtures as m
print(", ".join(r for r, _ in m.RULES))' "$here" 2>/dev/null)
run_on "$fx/healthy" samples Q9
check "samples Q9: exit 2, nothing on stdout" eval 'rc_is 2 && out_empty'
check "samples Q9: the message names every valid rule" \
	err_has "^swapscope: error: unknown rule 'Q9': the rules are $all_rules$"
run_on "$fx/healthy" -j samples Q9
check "samples -j Q9: the error object" \
	eval 'rc_is 2 && json_error_has "unknown rule .Q9.: the rules are Z1, "'
run_on "$fx/root-no-module/swapscope" samples Q9
check "samples Q9: a usage error comes before the environment's" \
	eval 'rc_is 2 && err_has "unknown rule .Q9." && ! err_has "not loaded"'
run_on "$fx/healthy" samples U3 C1
check "samples with two rules: exit 2" \
	eval 'rc_is 2 && out_empty && err_has "samples takes at most one rule, got .U3. and .C1."'
run_on "$fx/healthy" samples --all
check "--all on samples: exit 2" rc_is 2
run_on "$fx/malformed-samples" stats
check "a broken samples file does not stop stats" rc_is 0

# --- broken trees: exit 2, a message naming file and line, stdout empty --------

# expect_error FIXTURE COMMAND REGEX DESC
expect_error() {
	local want=$3

	run_on "$fx/$1" "$2"
	check "$4: exit 2" rc_is 2
	check "$4: nothing on stdout" out_empty
	check "$4: message on stderr" err_has "^swapscope: error: .*$want"
	run_on "$fx/$1" --json "$2"
	check "$4 --json: {\"error\"} on stdout, exit 2" \
		eval 'rc_is 2 && json_error_has "$want"'
	check "$4 --json: message on stderr too" err_has "$want"
}

expect_error malformed-probes status "probes:2: missing key 'nmissed'" \
	"status, probe line without nmissed"
check "status, probe line without nmissed: says how to fix it" err_has 'from the same tree'
expect_error malformed-syntax status "probes:3: 'kprobe' is not key=value" \
	"status, bare word in probes"
expect_error malformed-stats stats "stats:8: present=25x6 is not an unsigned decimal" \
	"stats, non-numeric counter"
expect_error stats-missing-row stats "stats: no line for path=reclaim phase=after" \
	"stats, missing row"
expect_error version-no-abi status "version: missing key 'abi'" \
	"status, version without abi"
expect_error wrong-abi status "module abi 2 .* is not the abi 1 of this swapscope: rebuild the CLI and the module from the same tree" \
	"status, wrong abi"
expect_error wrong-abi stats "module abi 2" "stats, wrong abi"
expect_error root-no-module/swapscope status \
	"module is not loaded .*'modprobe swapscope' or 'insmod swapscope.ko'" \
	"status, debugfs without swapscope"

expect_error malformed-rules report "rules:6: missing key 'impact'" \
	"report, rule line without impact"
check "report, rule line without impact: says how to fix it" err_has 'from the same tree'
expect_error rules-bad-verdict report \
	"rules:3: verdict=fine is not one of not-observed, conforms, diverges, not-applicable" \
	"report, unknown verdict"
expect_error rules-missing-row report "rules: no line for rule=S3" \
	"report, missing rule"
expect_error old-module report \
	"old-module/rules does not exist, the module does not provide it: rebuild the CLI and the module from the same tree" \
	"report, module without rules"
expect_error wrong-abi report "module abi 2 .* is not the abi 1" "report, wrong abi"
expect_error version-no-abi report "version: missing key 'abi'" \
	"report, version without abi"
expect_error root-no-module/swapscope report \
	"module is not loaded .*'modprobe swapscope' or 'insmod swapscope.ko'" \
	"report, debugfs without swapscope"
expect_error malformed-samples samples \
	"samples:2: addr=0x7f00zz00d000 is not a hexadecimal number" \
	"samples, address not hexadecimal"
expect_error samples-missing-key samples "samples:3: missing key 'caller'" \
	"samples, sample without caller"
expect_error old-module samples "old-module/samples does not exist" \
	"samples, module without samples"
expect_error wrong-abi samples "module abi 2" "samples, wrong abi"
expect_error root-no-module/swapscope samples "module is not loaded" \
	"samples, debugfs without swapscope"

# bad_tree FILE LINE...: a healthy tree whose FILE holds LINE...; in $tmp/bad.
bad_tree() {
	local file=$1

	shift
	rm -rf "$tmp/bad"
	cp -r "$fx/healthy" "$tmp/bad"
	printf '%s\n' "$@" >"$tmp/bad/$file"
}

# The healthy rules file, and one more line.
mapfile -t good_rules <"$fx/healthy/rules"
bad_tree rules "${good_rules[@]}" "${good_rules[2]}"
run_on "$tmp/bad" report
check "report, a rule twice: exit 2 naming both lines" \
	eval 'rc_is 2 && out_empty && err_has "rules:$((nr_rules + 1)): rule=Z3 again \(first on line 3\)"'
bad_tree rules "${good_rules[@]}" \
	"rule=Q1 seed=005 verdict=conforms observations=1 violations=0 impact=0 enabled=2 reason=-"
run_on "$tmp/bad" report
check "report, enabled=2: exit 2" \
	eval 'rc_is 2 && err_has "rules:$((nr_rules + 1)): enabled=2 is not 0 or 1"'
bad_tree rules "${good_rules[@]}" \
	"rule= seed=005 verdict=conforms observations=1 violations=0 impact=0 enabled=1 reason=-"
run_on "$tmp/bad" report
check "report, a rule without id: exit 2" \
	eval 'rc_is 2 && err_has "rules:$((nr_rules + 1)): rule= has no id"'
bad_tree rules "${good_rules[@]}" \
	"rule=Q1 seed=005 verdict=conforms observations=-1 violations=0 impact=0 enabled=1 reason=-"
run_on "$tmp/bad" -j report
check "report, negative count: exit 2, JSON error" \
	eval 'rc_is 2 && json_error_has "observations=-1 is not an unsigned decimal"'
bad_tree rules
run_on "$tmp/bad" report
check "report, empty rules file: exit 2, the first rule missing" \
	eval 'rc_is 2 && err_has "rules: no line for rule=Z1"'
bad_tree samples "rule=U3 dropped=many"
run_on "$tmp/bad" samples
check "samples, dropped not a number: exit 2" \
	eval 'rc_is 2 && err_has "samples:1: dropped=many is not an unsigned decimal"'
bad_tree samples "rule=U3 seq=1 pid=1 comm=x addr=0x0 pte_before=0x0 pte_after=0x0 kind=swap swap_count=lots path=p caller=-"
run_on "$tmp/bad" samples
check "samples, swap_count not a number: exit 2" \
	eval 'rc_is 2 && err_has "samples:1: swap_count=lots is not an unsigned decimal"'
bad_tree samples "rule=U3 seq=1 pid=1 comm=x addr=0x0 pte_before=0x10000000000000000 pte_after=0x0 kind=none path=p caller=-"
run_on "$tmp/bad" samples
check "samples, a PTE wider than 64 bits: exit 2" \
	eval 'rc_is 2 && err_has "samples:1: pte_before=0x10000000000000000 does not fit in 64 bits"'
bad_tree samples "seq=1 dropped=3"
run_on "$tmp/bad" samples
check "samples, a line without rule: exit 2" \
	eval 'rc_is 2 && err_has "samples:1: missing key .rule."'
bad_tree samples "rule=U3 seq=1 pid=1 comm=x addr=0x0 pte_before=0x0 pte_after=0x0 kind=none path=p caller=a,,b,"
run_on "$tmp/bad" -j samples
check "samples, empty frames in caller are skipped" \
	eval 'rc_is 0 && json "d[0][\"caller\"] == [\"a\", \"b\"]"'

run_on "$fx/malformed-stats" status
check "a broken stats file does not stop status" rc_is 0
run_on "$fx/malformed-probes" stats
check "a broken probes file does not stop stats" rc_is 0

mkdir -p "$tmp/unmounted"
run_on "$tmp/unmounted/swapscope" status
check "empty debugfs mount point: exit 2" rc_is 2
check "empty debugfs mount point: says how to mount it" \
	err_has "debugfs is not mounted on $tmp/unmounted: mount it with 'mount -t debugfs none $tmp/unmounted'"
check "empty debugfs mount point: nothing on stdout" out_empty

run_on "$tmp/no/such/dir/swapscope" stats
check "missing directory: exit 2 and the mount hint" \
	eval 'rc_is 2 && err_has "mount -t debugfs none $tmp/no/such/dir"'

run_on "$fx/healthy/version" status
check "--debugfs on a file: exit 2, not a directory" \
	eval 'rc_is 2 && err_has "is not a directory"'

if [ -e /sys/kernel/debug/swapscope ]; then
	skip "default directory: an environment error when swapscope is absent" \
		"swapscope is loaded here"
else
	(unset SWAPSCOPE_DEBUGFS; "$ss" status >"$tmp/out" 2>"$tmp/err")
	rc=$?
	check "default directory without swapscope: exit 2 with a fix" \
		eval 'rc_is 2 && out_empty && err_has "mount -t debugfs|modprobe swapscope|run swapscope as root"'
fi

SWAPSCOPE_DEBUGFS=$fx/degraded run status
check "\$SWAPSCOPE_DEBUGFS picks the directory" \
	eval 'rc_is 0 && out_has "^2 of $nr_probes probes unavailable"'
SWAPSCOPE_DEBUGFS=$fx/wrong-abi run --debugfs "$fx/healthy" status
check "--debugfs wins over \$SWAPSCOPE_DEBUGFS" rc_is 0

# EACCES needs a user that is not root; as root, drop to nobody.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null &&
	   setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	else
		as_user=(none)
	fi
fi
if [ "${as_user[0]:-}" = none ]; then
	skip "permission denied: exit 2, run as root" "root, and no setpriv to drop it"
else
	cp "$ss" "$tmp/swapscope-copy"
	chmod 755 "$tmp/swapscope-copy"
	mkdir -p "$tmp/locked" "$tmp/open"
	cp -r "$fx/healthy" "$tmp/locked/swapscope"
	cp -r "$fx/healthy" "$tmp/open/swapscope"
	chmod 700 "$tmp/locked"
	chmod 755 "$tmp/open" "$tmp/open/swapscope"
	chmod 600 "$tmp/open/swapscope/stats"

	"${as_user[@]}" "$tmp/swapscope-copy" --debugfs "$tmp/locked/swapscope" \
		status >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "permission denied on the directory: exit 2" rc_is 2
	check "permission denied on the directory: says run as root" \
		err_has 'permission denied: .*run swapscope as root'
	check "permission denied on the directory: nothing on stdout" out_empty

	"${as_user[@]}" "$tmp/swapscope-copy" --debugfs "$tmp/open/swapscope" \
		-j stats >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "permission denied on a file, --json: exit 2 and the error object" \
		eval 'rc_is 2 && json_error_has "swapscope/stats: permission denied"'

	chmod 400 "$tmp/open/swapscope/samples"
	"${as_user[@]}" "$tmp/swapscope-copy" --debugfs "$tmp/open/swapscope" \
		samples >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "samples readable by root only (0400): exit 2, says run as root" \
		eval 'rc_is 2 && out_empty && err_has "swapscope/samples: permission denied: .*run swapscope as root"'
	"${as_user[@]}" "$tmp/swapscope-copy" --debugfs "$tmp/open/swapscope" \
		report >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "report does not need samples: exit 0 as another user" rc_is 0
fi

# --- command line -------------------------------------------------------------

run help
check "help: exit 0, usage on stdout" eval 'rc_is 0 && out_has "^Usage: swapscope "'
check "help: lists every command" \
	eval 'out_has "^  status " && out_has "^  stats " && out_has "^  report " &&
	      out_has "^  samples " && out_has "^  help "'
check "help: nothing on stderr" err_empty
run --help
check "--help: the same text as help" \
	eval 'rc_is 0 && out_has "^Usage: swapscope "'
run status --help
check "status --help: its own usage" eval 'rc_is 0 && out_has "^Usage: swapscope status$"'
run stats --help
cp "$tmp/out" "$tmp/stats-help"
check "stats --help: documents --all" eval 'rc_is 0 && out_has "^  -a, --all "'
run help stats
check "help stats: same text as stats --help" cmp -s "$tmp/out" "$tmp/stats-help"
run report --help
check "report --help: its own usage" \
	eval 'rc_is 0 && err_empty && out_has "^Usage: swapscope report$" && out_has "not-applicable"'
run samples --help
cp "$tmp/out" "$tmp/samples-help"
check "samples --help: its usage with RULE, and the JSON shape" \
	eval 'rc_is 0 && out_has "^Usage: swapscope samples \[RULE\]$" && out_has "\"dropped\""'
run help samples
check "help samples: same text as samples --help" cmp -s "$tmp/out" "$tmp/samples-help"
run_on "$fx/root-no-module/swapscope" report --help
check "report --help needs no module" eval 'rc_is 0 && out_has "^Usage: swapscope report$"'
run -j help
check "help --json: null, as bpftool" eval 'rc_is 0 && json "d is None"'

run --version
check "--version: name, version and abi" \
	eval 'rc_is 0 && out_has "^swapscope [0-9]+\.[0-9]+\.[0-9]+ \(abi [0-9]+\)$"'
ver_text=$(cat "$tmp/out")
run -V --json
check "--version --json: an object with version and abi" \
	json "d == {'version': d['version'], 'abi': d['abi']} and 'swapscope %s (abi %d)' % (d['version'], d['abi']) == '''$ver_text'''"

run_on "$fx/healthy" statu
check "a unique prefix selects the command" \
	eval 'rc_is 0 && out_has "^0 of $nr_probes probes unavailable"'
run_on "$fx/healthy" stats
check "an exact name wins" eval 'rc_is 0 && out_has "^path "'
run_on "$fx/healthy" st
check "ambiguous prefix: exit 2" rc_is 2
check "ambiguous prefix: lists the candidates" \
	err_has "ambiguous command 'st', it could be: status, stats"
check "ambiguous prefix: nothing on stdout" out_empty
run_on "$fx/healthy" s
check "ambiguous prefix s: status, stats, samples" \
	eval 'rc_is 2 && err_has "ambiguous command .s., it could be: status, stats, samples"'
run_on "$fx/healthy" rep
check "a unique prefix selects report" \
	eval 'rc_is 0 && out_has "^group +rule "'
run_on "$fx/healthy" sa U3
check "a unique prefix selects samples, arguments follow" \
	eval 'rc_is 0 && out_has "^U3  seq 25 "'
run -j stat
check "ambiguous prefix --json: error object" \
	eval 'rc_is 2 && json_error_has "ambiguous command"'

run frobnicate
check "unknown command: exit 2 and a hint" \
	eval 'rc_is 2 && out_empty && err_has "unknown command .frobnicate.: try .swapscope help."'
run
check "no command: exit 2 and a hint" \
	eval 'rc_is 2 && out_empty && err_has "no command given"'
run --frob status
check "unknown long option: exit 2" \
	eval 'rc_is 2 && out_empty && err_has "unknown option .--frob."'
run -x status
check "unknown short option: exit 2" \
	eval 'rc_is 2 && err_has "unknown option .-x."'
run --frob --json status
check "an option error before --json is still JSON" \
	eval 'rc_is 2 && json_error_has "unknown option"'
run --json=1 status
check "an argument to a flag: exit 2" \
	eval 'rc_is 2 && json_error_has "takes no argument"'
run status --debugfs
check "--debugfs without a directory: exit 2" \
	eval 'rc_is 2 && err_has "needs an argument"'
run_on "$fx/healthy" status --all
check "--all on status: exit 2" \
	eval 'rc_is 2 && err_has "--all is not an option of .status."'
run_on "$fx/healthy" status extra
check "status with an argument: exit 2" \
	eval 'rc_is 2 && err_has "takes no arguments"'

if [ -w /dev/full ]; then
	"$ss" --debugfs "$fx/healthy" status >/dev/full 2>"$tmp/err"
	rc=$?
	: >"$tmp/out"
	check "a failed write to stdout is an error" \
		eval 'rc_is 2 && err_has "writing standard output"'
fi

# --- baseline save, check, enable/disable/reset --------------------------------

gate=$tmp/gate
mkdir -p "$gate"
# tree NAME FROM: a writable copy of fixture FROM, edited by the caller.
tree() {
	rm -rf "${gate:?}/$1"
	cp -r "$fx/$2" "$gate/$1"
	chmod -R u+w "$gate/$1"
}

run_on "$fx/healthy" baseline save "$gate/healthy.base"
check "baseline save: exit 0, nothing on stdout or stderr" \
	eval 'rc_is 0 && out_empty && err_empty'
check "baseline save: format 2, one rule=ID seed=N verdict=V line per rule, comments" \
	eval '[ "$(grep -c "^rule=[A-Z][0-9] seed=[0-9]* verdict=[a-z-]* " "$gate/healthy.base")" -eq 19 ] &&
	      grep -qx "# swapscope baseline, format 2" "$gate/healthy.base" &&
	      grep -qx "rule=U3 seed=002 verdict=diverges observations=23 violations=20 impact=20" "$gate/healthy.base" &&
	      grep -qx "rule=S1 seed=001 verdict=conforms observations=256 violations=0 impact=0" "$gate/healthy.base"'
check "baseline save: the kernel= line, once, before the rules, from the version file" \
	eval '[ "$(grep -c "^kernel=" "$gate/healthy.base")" -eq 1 ] &&
	      [ "$(grep -v "^#" "$gate/healthy.base" | head -n 1)" = kernel=6.1.0-56-amd64 ]'
check "baseline save: no temporary file left" \
	eval '[ "$(ls "$gate")" = healthy.base ]'
# The round trip: what report says is what the baseline holds.
run_on "$fx/healthy" -j report
check "baseline round trip: the saved verdicts are report's" \
	python3 -c '
import json, sys
rep = {r["rule"]: r["verdict"] for r in json.load(open(sys.argv[1]))}
base = {}
for line in open(sys.argv[2]):
    if line.startswith("#") or line.startswith("kernel=") or not line.strip():
        continue
    kv = dict(w.split("=", 1) for w in line.split())
    base[kv["rule"]] = kv["verdict"]
sys.exit(0 if rep == base else 1)' "$tmp/out" "$gate/healthy.base"
echo "# an old one" >"$gate/over.base"
run_on "$fx/healthy" -j baseline save "$gate/over.base"
check "baseline save: replaces a file, JSON {file, rules}" \
	eval 'rc_is 0 && json "d == {\"file\": \"$gate/over.base\", \"rules\": 19}" &&
	      cmp -s "$gate/over.base" "$gate/healthy.base"'
run_on "$fx/healthy" baseline save "$gate/no/such/dir"
check "baseline save into a missing directory: exit 2" \
	eval 'rc_is 2 && out_empty && err_has "no/such/dir"'
run_on "$fx/healthy" baseline
check "baseline without save FILE: exit 2" eval 'rc_is 2 && err_has "baseline save FILE"'
run_on "$fx/root-no-module/swapscope" baseline save "$gate/x.base"
check "baseline save, module not loaded: exit 2, no file" \
	eval 'rc_is 2 && err_has "not loaded" && [ ! -e "$gate/x.base" ]'

run_on "$fx/healthy" check --baseline "$gate/healthy.base"
check "check: healthy tree against its own baseline: exit 0" \
	eval 'rc_is 0 && out_lines 1 && out_has "^check passed: 0 new divergences, 2 known"'
run_on "$fx/healthy" check
check "check without a baseline: every divergence fails, exit 1" \
	eval 'rc_is 1 && out_has "^new divergence: U3 " && out_has "^new divergence: C1 " &&
	      out_has "^check FAILED: 2 new divergences"'
run_on "$fx/healthy" -j check --baseline "$gate/healthy.base"
check "check --json: pass object" \
	json 'd["result"] == "pass" and d["new_divergences"] == [] and d["known_divergences"] == ["U3", "C1"] and d["missed_probes"] == [] and d["nmissed"] == 0 and d["rules"] == 19 and d["allow_missed"] is False and d["baseline"].endswith("healthy.base")'

tree s1 healthy
sed -i 's/^rule=S1 .*/rule=S1 seed=001 verdict=diverges observations=256 violations=3 impact=3 enabled=1 reason=-/' \
	"$gate/s1/rules"
run_on "$gate/s1" check --baseline "$gate/healthy.base"
check "check: a new divergence (S1) against the healthy baseline: exit 1 naming S1" \
	eval 'rc_is 1 && out_lines 2 && out_has "^new divergence: S1 .*3 violations in 256 observations; baseline: conforms$" &&
	      out_has "^check FAILED: 1 new divergence, 2 known"'
run_on "$gate/s1" -j check --baseline "$gate/healthy.base"
check "check --json: the new divergence, with its baseline verdict" \
	eval 'rc_is 1 && json "d[\"result\"] == \"fail\" and [r[\"rule\"] for r in d[\"new_divergences\"]] == [\"S1\"] and d[\"new_divergences\"][0][\"baseline_verdict\"] == \"conforms\" and d[\"new_divergences\"][0][\"violations\"] == 3"'
grep -v '^rule=S1 ' "$gate/healthy.base" >"$gate/nos1.base"
run_on "$gate/s1" check --baseline "$gate/nos1.base"
check "check: a rule the baseline does not list diverges: exit 1" \
	eval 'rc_is 1 && out_has "^new divergence: S1 .*baseline: not listed$"'
run_on "$fx/degraded" check --baseline "$gate/healthy.base" --allow-missed
check "check: degraded tree against the healthy baseline: exit 1, Z3 and F1 new" \
	eval 'rc_is 1 && out_has "^new divergence: Z3 " && out_has "^new divergence: F1 " &&
	      out_has "2 resolved"'
run_on "$fx/degraded" baseline save "$gate/degraded.base"
run_on "$fx/healthy" check --baseline "$gate/degraded.base"
check "check: healthy tree against the degraded baseline: U3, C1 new" \
	eval 'rc_is 1 && out_has "^new divergence: U3 " && out_has "^new divergence: C1 "'

# A rule that disabled itself (state=failed) fails the gate whatever the
# baseline and --allow-missed say: its verdict covers only the calls before.
run_on "$fx/degraded" check --baseline "$gate/degraded.base" --allow-missed
check "check: a failed rule (U1) fails even against its own baseline, with --allow-missed: exit 1" \
	eval 'rc_is 1 && out_has "^rule failed: U1 \(exclusivity survives swap-out\) disabled itself: folio-larger-than-pmd; its verdict \(conforms, 480 observations\) covers only the calls before" &&
	      out_has "^check FAILED: 0 new divergences, 2 known, 0 resolved; 1 rule failed; 2 probes missed, 14 events unseen \(allowed by --allow-missed\)$"'
run_on "$fx/degraded" -j check --baseline "$gate/degraded.base" --allow-missed
check "check --json: failed_rules names U1 and why, no new divergence" \
	json 'd["result"] == "fail" and d["new_divergences"] == [] and d["failed_rules"] == [{"rule": "U1", "checks": "exclusivity survives swap-out", "reason": "folio-larger-than-pmd"}]'
tree rearmed degraded
sed -i 's/^\(rule=U1 .*\) enabled=0 reason=folio-larger-than-pmd state=failed /\1 enabled=1 reason=- state=enabled /' \
	"$gate/rearmed/rules"
run_on "$gate/rearmed" check --baseline "$gate/degraded.base" --allow-missed
check "check: the same tree with U1 judged again (after a reset): exit 0" \
	eval 'rc_is 0 && out_lacks "rule failed" && out_has "^check passed: 0 new divergences, 2 known"'
run_on "$fx/healthy" -j check --baseline "$gate/healthy.base"
check "check --json: failed_rules empty when no rule failed" json 'd["failed_rules"] == []'
run_on "$fx/degraded" status
check "status: names the rule that disabled itself" \
	eval 'rc_is 0 && out_has "^rule U1 disabled itself: folio-larger-than-pmd \(an internal inconsistency, see dmesg\)"'
run_on "$fx/degraded" -j status
check "status --json: failed_rules" \
	json 'd["failed_rules"] == [{"rule": "U1", "reason": "folio-larger-than-pmd"}]'
tree badstate healthy
sed -i 's/^\(rule=Z2 .*\)state=enabled /\1state=sleeping /' "$gate/badstate/rules"
run_on "$gate/badstate" report
check "report: a state= no swapscope knows: exit 2 naming it" \
	eval 'rc_is 2 && err_has "state=sleeping is not one of enabled, disabled, failed, not-applicable"'
# A module from before state=: the CLI infers it from enabled, reason, verdict.
tree nostate degraded
sed -i 's/ state=[a-z-]* / /' "$gate/nostate/rules"
run_on "$gate/nostate" -j report
check "report --json, rules without state=: failed, disabled, not-applicable, enabled inferred" \
	json '[(r["rule"], r["state"]) for r in d if r["rule"] in ("U1", "S2", "C1", "Z1")] == [("Z1", "enabled"), ("S2", "disabled"), ("U1", "failed"), ("C1", "not-applicable")]'

tree missed healthy
sed -i 's/^\(probe=swapin .*\)nmissed=0/\1nmissed=5/' "$gate/missed/probes"
run_on "$gate/missed" check --baseline "$gate/healthy.base"
check "check: a probe with nmissed > 0 fails: exit 1, says why" \
	eval 'rc_is 1 && out_has "^missed events: probe swapin \(do_swap_page\) nmissed=5: an unseen event can hide a divergence$" &&
	      out_has "^check FAILED: 0 new divergences.*1 probe missed, 5 events unseen"'
run_on "$gate/missed" check --baseline "$gate/healthy.base" --allow-missed
check "check --allow-missed: the same tree passes, the probe still shown" \
	eval 'rc_is 0 && out_has "^missed events \(allowed\): probe swapin " && out_has "^check passed: "'
run_on "$gate/missed" -j check --allow-missed --baseline "$gate/healthy.base"
check "check --json --allow-missed: missed_probes and nmissed" \
	eval 'rc_is 0 && json "d[\"result\"] == \"pass\" and d[\"allow_missed\"] is True and d[\"missed_probes\"] == [{\"probe\": \"swapin\", \"symbol\": \"do_swap_page\", \"nmissed\": 5}] and d[\"nmissed\"] == 5"'

tree unseen healthy
sed -i 's/^events_dropped=0/events_dropped=3/; s/^walk_truncated=0/walk_truncated=2/' \
	"$gate/unseen/health"
run_on "$gate/unseen" check --baseline "$gate/healthy.base"
check "check: dropped event records and cut walks fail it: exit 1, each named" \
	eval 'rc_is 1 && out_has "^unseen: events_dropped=3 \(event records dropped" &&
	      out_has "^unseen: walk_truncated=2 \(page-table walks cut short" &&
	      out_has "^check FAILED: 0 new divergences.*5 events unseen \(--allow-missed accepts them\)$"'
run_on "$gate/unseen" -j check --baseline "$gate/healthy.base" --allow-missed
check "check --json --allow-missed: unseen counts, pass" \
	eval 'rc_is 0 && json "d[\"result\"] == \"pass\" and d[\"unseen\"] == {\"events_dropped\": 3, \"watch_full\": 0, \"walk_truncated\": 2, \"pagemap_watch_busy\": 0, \"pagemap_watch_unseen\": 0}"'
tree nohealth healthy
rm "$gate/nohealth/health"
run_on "$gate/nohealth" check --baseline "$gate/healthy.base"
check "check: a module without the health file: exit 2, not a silent pass" \
	eval 'rc_is 2 && err_has "health does not exist"'
tree badhealth healthy
sed -i '/^watch_full=/d' "$gate/badhealth/health"
run_on "$gate/badhealth" check --baseline "$gate/healthy.base"
check "check: a health file lacking watch_full: exit 2" \
	eval 'rc_is 2 && err_has "watch_full"'

tree scoped healthy
sed -i 's/^scope=none/scope=4242/; s/^scope_skipped=0/scope_skipped=17/; s/^watch_full=0/watch_full=5/' \
	"$gate/scoped/health"
run_on "$gate/scoped" status
check "status: a scope left set and unseen events are said, exit 0" \
	eval 'rc_is 0 && out_has "^scope: only process 4242 and its descendants are observed \(17 calls of others ignored\)" &&
	      out_has "^unseen: watch_full=5 "'
run_on "$fx/healthy" status
check "status: nothing about scope or unseen events when there is none" \
	eval 'rc_is 0 && out_lacks "^(scope|unseen):"'

# events and run: what is refused before the module is touched
run_on "$fx/healthy" events --path zap_full,bogus
check "events --path with an unknown path: exit 2, lists the paths" \
	eval 'rc_is 2 && err_has "--path: unknown .bogus.: one of zap_full, zap_mapping, fork, swapin, reclaim, teardown, shmem_swap, pagemap, audit"'
run_on "$fx/healthy" events --rule Q9
check "events --rule with an unknown rule: exit 2" \
	eval 'rc_is 2 && err_has "--rule: unknown .Q9."'
run_on "$fx/healthy" events --path ,
check "events --path with an empty list: exit 2" eval 'rc_is 2 && err_has "needs a comma-separated list"'
for bad in 0 -1 12x ""; do
	run_on "$fx/healthy" events --count "$bad"
	check "events --count '$bad': exit 2" eval 'rc_is 2 && err_has "--count takes a number from 1"'
done
run_on "$fx/healthy" events --timeout 100000
check "events --timeout over a day: exit 2" eval 'rc_is 2 && err_has "--timeout takes a number from 1 to 86400"'
run_on "$fx/healthy" events now
check "events with an argument: exit 2" eval 'rc_is 2 && err_has "events takes options only"'
run_on "$fx/healthy" events --rules U3
check "--rules is run's, not events': exit 2" eval 'rc_is 2 && err_has "--rules is not an option of .events."'
run_on "$fx/healthy" run --rule U3 -- true
check "--rule is events', not run's: exit 2" eval 'rc_is 2 && err_has "is not an option of .run."'
run_on "$fx/healthy" status --follow
check "--follow on status: exit 2" eval 'rc_is 2 && err_has "not an option of .status."'
run_on "$fx/healthy" run
check "run without a command: exit 2, shows the synopsis" \
	eval 'rc_is 2 && err_has "run needs a command: swapscope run \[--rules LIST\] -- CMD"'
run_on "$fx/healthy" run --rules U3,nope -- true
check "run --rules with an unknown rule: exit 2" eval 'rc_is 2 && err_has "--rules: unknown .nope."'
run_on "$fx/root-no-module/swapscope" run -- true
check "run, module not loaded: exit 2, the command is not run" \
	eval 'rc_is 2 && err_has "not loaded"'
run_on "$fx/root-no-module/swapscope" events
check "events, module not loaded: exit 2" eval 'rc_is 2 && err_has "not loaded"'

# the man page: clean troff, an entry for every command, installed
man8=$top/userspace/swapscope.8
check "man page: groff -man -ww finds nothing to warn about" \
	eval '[ -z "$(groff -man -ww -z "$man8" 2>&1)" ]'
run_on "$fx/healthy" help
sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$tmp/out" >"$tmp/cmds"
# The first line of each .TP entry in COMMANDS names its command(s).
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$man8" | sed -n '/^\.TP/{n;p}' >"$tmp/entries"
check "man page: 'help' lists the commands ($(wc -l <"$tmp/cmds"))" \
	eval '[ "$(wc -l <"$tmp/cmds")" -ge 12 ]'
while read -r c; do
	check "man page: an entry for '$c'" grep -qw -- "$c" "$tmp/entries"
done <"$tmp/cmds"
rm -rf "$tmp/inst"
check "make -C userspace install: binary and man page under DESTDIR" \
	eval 'make -s -C "$top/userspace" install OUTPUT="$tmp/cli/" DESTDIR="$tmp/inst" PREFIX=/usr >/dev/null &&
	      [ -x "$tmp/inst/usr/sbin/swapscope" ] &&
	      [ -f "$tmp/inst/usr/share/man/man8/swapscope.8" ] &&
	      make -s -C "$top/userspace" uninstall OUTPUT="$tmp/cli/" DESTDIR="$tmp/inst" PREFIX=/usr >/dev/null &&
	      [ ! -e "$tmp/inst/usr/sbin/swapscope" ] &&
	      [ ! -e "$tmp/inst/usr/share/man/man8/swapscope.8" ]'

# check_bad NAME CONTENT PATTERN: a malformed baseline is exit 2.
check_bad() {
	bad_pat=$3
	printf '%b' "$2" >"$gate/$1.base"
	run_on "$fx/healthy" check --baseline "$gate/$1.base"
	check "check, malformed baseline ($1): exit 2, names the problem" \
		eval 'rc_is 2 && out_empty && err_has "$bad_pat"'
}
check_bad bad-verdict 'rule=U3 verdict=bogus\n' ':1: verdict=bogus is not one of'
check_bad no-verdict '# c\nrule=U3 observations=1\n' ':2: missing verdict='
check_bad no-rule 'verdict=diverges\n' ':1: missing rule='
check_bad not-kv 'rule=U3 verdict=diverges junk\n' ":1: 'junk' is not key=value"
check_bad twice 'rule=U3 verdict=diverges\nrule=U3 verdict=conforms\n' ':2: rule=U3 again \(first on line 1\)'
check_bad empty '# nothing\n\n' 'no .rule=ID verdict=VERDICT. line'
check_bad nul 'rule=U3 verdict=diverges\n\0\n' 'NUL byte'
check_bad kernel-twice 'kernel=6.1.0-57-amd64\nkernel=6.12.118+deb12-amd64\nrule=U3 verdict=diverges\n' ':2: kernel= again \(first on line 1\)'
check_bad kernel-words 'kernel=6.1.0-57-amd64 rule=U3\nrule=U3 verdict=diverges\n' ':1: a kernel= line holds only kernel=RELEASE'
check_bad kernel-empty 'kernel=\nrule=U3 verdict=diverges\n' ':1: kernel= is not a kernel release'
check_bad bad-number 'rule=U3 verdict=diverges observations=12x\n' ':1: observations=12x is not a number'
check_bad neg-impact 'rule=U3 verdict=diverges impact=-1\n' ':1: impact=-1 is not a number'
check_bad seed-twice 'rule=U3 seed=002 seed=003 verdict=diverges\n' ':1: seed= twice'
# Format 1, as swapscope wrote it before kernel=, seed= and impact=.
printf '%s\n' '# swapscope baseline, format 1' \
	'rule=U3 verdict=diverges observations=23 violations=20' \
	'rule=C1 verdict=diverges observations=20 violations=20' >"$gate/format1.base"
run_on "$fx/healthy" check --baseline "$gate/format1.base"
check "check --baseline, a format 1 file (no kernel=, seed=, impact=): read, exit 0" \
	eval 'rc_is 0 && err_empty && out_has "^check passed: 0 new divergences, 2 known"'
run_on "$fx/healthy" check --baseline "$gate/absent.base"
check "check, unreadable baseline: exit 2" \
	eval 'rc_is 2 && err_has "absent.base: No such file"'
run_on "$fx/healthy" -j check --baseline "$gate/bad-verdict.base"
check "check --json, malformed baseline: error object" \
	eval 'rc_is 2 && json_error_has "verdict=bogus"'
run_on "$fx/root-no-module/swapscope" check
check "check, module not loaded: exit 2" eval 'rc_is 2 && err_has "not loaded"'
run_on "$fx/malformed-probes" check --allow-missed
check "check, malformed probes: exit 2" eval 'rc_is 2 && out_empty'
run_on "$fx/healthy" check extra
check "check with an argument: exit 2" eval 'rc_is 2 && err_has "takes no arguments"'
run_on "$fx/healthy" status --allow-missed
check "--allow-missed on status: exit 2" \
	eval 'rc_is 2 && err_has "--allow-missed is not an option of .status."'
run_on "$fx/healthy" check --baseline
check "check --baseline without a file: exit 2" eval 'rc_is 2 && err_has "needs an argument"'

tree ctl healthy
ctl=$gate/ctl/control
: >"$ctl"
run_on "$gate/ctl" enable s1
check "enable s1: writes 'enable S1' to control, exit 0, silent" \
	eval 'rc_is 0 && out_empty && err_empty && [ "$(cat "$ctl")" = "enable S1" ]'
: >"$ctl"
run_on "$gate/ctl" disable U3
check "disable U3: writes 'disable U3'" \
	eval 'rc_is 0 && [ "$(cat "$ctl")" = "disable U3" ]'
: >"$ctl"
run_on "$gate/ctl" -j reset
check "reset --json: writes 'reset', prints null" \
	eval 'rc_is 0 && json "d is None" && [ "$(cat "$ctl")" = "reset" ]'
: >"$ctl"
run_on "$gate/ctl" disable Q9
check "disable of an unknown rule: exit 2 naming the ids, control untouched" \
	eval 'rc_is 2 && err_has "unknown rule .Q9.: the rules are Z1, Z2, .*C3" && [ ! -s "$ctl" ]'
run_on "$gate/ctl" enable
check "enable without RULE: exit 2" eval 'rc_is 2 && err_has "takes one RULE"'
run_on "$gate/ctl" reset now
check "reset with an argument: exit 2" eval 'rc_is 2 && err_has "takes no arguments"'
run_on "$fx/root-no-module/swapscope" reset
check "reset, module not loaded: exit 2" eval 'rc_is 2 && err_has "not loaded"'
rm -f "$ctl"
run_on "$gate/ctl" reset
check "reset without a control file: exit 2" eval 'rc_is 2 && err_has "control does not exist"'
if [ -w /dev/full ]; then
	ln -s /dev/full "$ctl"
	run_on "$gate/ctl" enable U3
	check "a failed write to control: exit 2 with the errno text" \
		eval 'rc_is 2 && err_has "writing .enable U3. to .*control: No space left on device"'
	rm -f "$ctl"
fi
for c in check baseline enable disable reset; do
	run "$c" --help
	check "$c --help: its own usage" eval 'rc_is 0 && out_has "^Usage: swapscope $c"'
done
run help
check "help lists check, baseline, enable, disable, reset" \
	eval 'out_has "^  check " && out_has "^  baseline " && out_has "^  enable " &&
	      out_has "^  disable " && out_has "^  reset "'

# --- doctor: the preflight, on a recorded Debian 6.1 system ---------------------

# tests/unit/doctor/debian-6.1: files recorded in the VM (see tests/unit/doctor/README).
dfx=$here/doctor/debian-6.1
doc=$tmp/doctor
mkdir -p "$doc"
kv=$(cat "$dfx/root/proc/sys/kernel/osrelease")
# The header's probe symbols, and how many lines doctor prints: kernel,
# 8 config options, root, debugfs, module, lockdown, secureboot, headers,
# kprobes, btf, 3 per probe.  The recordings have no EFI and no securityfs
# mounted: secureboot ok, lockdown skipped.
# shellcheck disable=SC2034 # read by check's eval strings
probe_syms=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkfixtures as m
print(" ".join(r[2] for r in m.PROBE_ROWS))' "$here" 2>/dev/null)
nr_doc=$((17 + 3 * nr_probes))

# dtree NAME [RECORDING]: a writable copy of the recording ($dfx).
dtree() {
	rm -rf "${doc:?}/$1"
	cp -r "${2:-$dfx}" "$doc/$1"
	chmod -R u+w "$doc/$1"
}
# doctor_on NAME ARGS...: doctor on that copy (or the recording: -).
doctor_on() {
	local d=$doc/$1
	[ "$1" = - ] && d=$dfx
	shift
	run --root "$d/root" --btf "$d/btf.txt" "$@" doctor
}
# line_is CHECK SUBJECT RESULT [DETAIL-ERE]: doctor's line for that check.
line_is() {
	out_has "^$1 +$2 +$3( +${4:-.*})?$"
}
# lines_for CHECK RESULT DETAIL-ERE SUBJECT...: that line for each subject.
lines_for() {
	local c=$1 r=$2 e=$3 s
	shift 3
	for s; do line_is "$c" "$s" "$r" "$e" || return 1; done
	[ $# -gt 0 ]
}
problems_are() {	# problems_are "check subject" ...: exactly these
	[ "$(awk '$3 == "problem" { print $1 " " $2 }' "$tmp/out" | sort)" = \
	  "$(printf '%s\n' "$@" | sort)" ]
}

doctor_on -
check "doctor, Debian 6.1 recorded: exit 0, nothing on stderr" \
	eval 'rc_is 0 && err_empty'
check "doctor: the kernel line and a header row" \
	eval 'out_has "^kernel +$kv$" && out_has "^check +subject +result +detail$"'
check "doctor: one line per check ($nr_doc), summary" \
	eval '[ "$(grep -cE " (ok|problem|skipped) " "$tmp/out")" -eq $nr_doc ] &&
	      out_has "^$nr_doc checks: $((nr_doc - 2)) ok, 0 problems, 2 skipped$"'
check "doctor: kernel 6.1: a supported series, the supported ones named" \
	eval 'line_is kernel 6\.1 ok "series 6\.1: supported \(swapscope is written for 6\.1 and 6\.12\)"'
check "doctor: every required and optional CONFIG_ option read from /boot/config-$kv" \
	eval 'lines_for config ok "y \(.*/boot/config-$kv\)" CONFIG_MODULES CONFIG_KPROBES \
		CONFIG_KRETPROBES CONFIG_DEBUG_FS CONFIG_SWAP &&
	      lines_for config ok "y \(.*\), optional" CONFIG_MODULE_UNLOAD \
		CONFIG_KPROBES_ON_FTRACE CONFIG_DEBUG_INFO_BTF'
check "doctor: root skipped under --root, debugfs, module, headers, kprobes, btf ok" \
	eval 'line_is root - skipped "--root: .*" &&
	      line_is debugfs /sys/kernel/debug ok "mounted .*" &&
	      line_is module swapscope ok "loaded: 0\.1\.0, abi 1, built for $kv" &&
	      line_is headers "/lib/modules/$kv/build" ok installed &&
	      line_is kprobes enabled ok "1 .*" &&
	      line_is btf ".*/btf\.txt" ok "[0-9]+ types \(saved dump, .*\)"'
check "doctor: every SS_PROBES symbol: in kallsyms, not blacklisted, prototype as in 6.1" \
	eval 'lines_for kallsyms ok "text symbol" $probe_syms &&
	      lines_for blacklist ok "not blacklisted" $probe_syms &&
	      lines_for prototype ok ".*" $probe_syms'
check "doctor: the prototypes in one spelling (DWARF's long unsigned int, loff_t const)" \
	eval 'line_is prototype try_to_unmap_one ok "bool\(struct folio \*, struct vm_area_struct \*, unsigned long, void \*\)" &&
	      line_is prototype unmap_mapping_range ok "void\(struct address_space \*, const loff_t, const loff_t, int\)" &&
	      line_is prototype do_swap_page ok "vm_fault_t\(struct vm_fault \*\)" &&
	      line_is prototype swap_free ok "void\(swp_entry_t\)"'
cp "$tmp/out" "$tmp/doctor.txt"

doctor_on - -j
check "doctor --json: exit 0, parses, one line" \
	eval 'rc_is 0 && err_empty && json_ok && out_lines 1'
check "doctor --json: kernel, checks, summary" \
	json "list(d) == ['kernel', 'checks', 'summary'] and d['kernel'] == '$kv' and d['summary'] == {'checks': $nr_doc, 'ok': $((nr_doc - 2)), 'problems': 0, 'skipped': 2}"
check "doctor --json: each check has exactly check, subject, result, detail, fix" \
	json 'all(list(c) == ["check", "subject", "result", "detail", "fix"] and c["result"] in ("ok", "problem", "skipped") and isinstance(c["detail"], str) and c["fix"] is None for c in d["checks"])'
check "doctor --json: the lines the text shows, in the same order" \
	[ "$(python3 -c 'import json, sys; print("\n".join("%s %s %s" % (c["check"], c["subject"] or "-", c["result"]) for c in json.load(sys.stdin)["checks"]))' <"$tmp/out")" = \
	  "$(awk 'NR > 3 && NF >= 3 && $3 ~ /^(ok|problem|skipped)$/ { print $1, $2, $3 }' "$tmp/doctor.txt")" ]
check "doctor --json: root has subject null" \
	json '[c["subject"] for c in d["checks"] if c["check"] == "root"] == [None]'
cp "$tmp/out" "$tmp/doctor.json"
doctor_on - -p
check "doctor -p: indented, the same document" \
	eval 'grep -q "^    \"checks\": \[$" "$tmp/out" &&
	      python3 -c "import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" "$tmp/out" "$tmp/doctor.json"'

# A kernel that changed: one thing broken per tree, then all at once.
break_proto() {		# try_to_unmap_one gets copy_page_range's prototype
	local id
	id=$(sed -n "s/^\[[0-9]*\] FUNC 'copy_page_range' type_id=\([0-9]*\) .*/\1/p" "$1/btf.txt")
	sed -i "s/^\(\[[0-9]*\] FUNC 'try_to_unmap_one' type_id=\)[0-9]*/\1$id/" "$1/btf.txt"
}
break_kallsyms() { sed -i '/ do_swap_page$/d' "$1/root/proc/kallsyms"; }
break_blacklist() {	# as root's view shows it; others see zero addresses
	printf '0x0000000000000000-0x0000000000000000\tswap_free\n' \
		>>"$1/root/sys/kernel/debug/kprobes/blacklist"
}
break_config() {
	sed -i 's/^CONFIG_KPROBES=y$/# CONFIG_KPROBES is not set/' \
		"$1/root/boot/config-$kv"
}

dtree proto
break_proto "$doc/proto"
doctor_on proto
check "doctor, try_to_unmap_one's prototype changed in BTF: exit 1, that probe only" \
	eval 'rc_is 1 && problems_are "prototype try_to_unmap_one" &&
	      line_is prototype try_to_unmap_one problem "BTF has int\(struct vm_area_struct \*, struct vm_area_struct \*\), probe reclaim was written for bool\(struct folio \*, struct vm_area_struct \*, unsigned long, void \*\); fix: .*module/probes\.c and SS_PROTOS.*" &&
	      line_is prototype try_to_migrate_one ok'
dtree kallsyms
break_kallsyms "$doc/kallsyms"
doctor_on kallsyms
check "doctor, do_swap_page missing from kallsyms: exit 1, says what to do" \
	eval 'rc_is 1 && problems_are "kallsyms do_swap_page" &&
	      line_is kallsyms do_swap_page problem "not in .*/proc/kallsyms: inlined, renamed or compiled out; fix: probe swapin will be unavailable .*symbols=swapin=NEWNAME"'
dtree blacklist
break_blacklist "$doc/blacklist"
doctor_on blacklist
check "doctor, swap_free in the kprobes blacklist: exit 1" \
	eval 'rc_is 1 && problems_are "blacklist swap_free" &&
	      line_is blacklist swap_free problem "listed in .*/kprobes/blacklist: the kernel refuses kprobes there; fix: .*probe swap_free stays unavailable.*"'
dtree config
break_config "$doc/config"
doctor_on config
check "doctor, CONFIG_KPROBES not set: exit 1, names the option and the fix" \
	eval 'rc_is 1 && problems_are "config CONFIG_KPROBES" &&
	      line_is config CONFIG_KPROBES problem "not set \(.*\): swapscope.s probes are kprobes; fix: boot a kernel built with CONFIG_KPROBES=y"'

dtree bad
for b in proto kallsyms blacklist config; do "break_$b" "$doc/bad"; done
doctor_on bad
check "doctor, all four at once: exit 1 naming each problem, the rest ok" \
	eval 'rc_is 1 && problems_are "prototype try_to_unmap_one" "kallsyms do_swap_page" "blacklist swap_free" "config CONFIG_KPROBES" &&
	      out_has "^$nr_doc checks: $((nr_doc - 6)) ok, 4 problems, 2 skipped$"'
doctor_on bad --json
check "doctor --json, all four: the problems with their fixes, summary" \
	eval 'rc_is 1 && json "sorted((c[\"check\"], c[\"subject\"]) for c in d[\"checks\"] if c[\"result\"] == \"problem\") == sorted([(\"prototype\", \"try_to_unmap_one\"), (\"kallsyms\", \"do_swap_page\"), (\"blacklist\", \"swap_free\"), (\"config\", \"CONFIG_KPROBES\")]) and all(c[\"fix\"] for c in d[\"checks\"] if c[\"result\"] == \"problem\") and d[\"summary\"][\"problems\"] == 4"'

# More ways a kernel can differ.
dtree range
addr=$(awk '$3 == "try_to_unmap_one" { print $1 }' "$doc/range/root/proc/kallsyms")
printf '0x%s-0x%x\tsome_notrace_area\n' "$addr" $((0x$addr + 0x100)) \
	>>"$doc/range/root/sys/kernel/debug/kprobes/blacklist"
doctor_on range
check "doctor: a target inside a blacklisted address range, under another name" \
	eval 'rc_is 1 && problems_are "blacklist try_to_unmap_one" &&
	      line_is blacklist try_to_unmap_one problem "inside a blacklisted range .*some_notrace_area.*"'
dtree clone
sed -i 's/ try_to_unmap_one$/ try_to_unmap_one.isra.0/' "$doc/clone/root/proc/kallsyms"
doctor_on clone
check "doctor: only a compiler clone (.isra.0) in kallsyms" \
	eval 'rc_is 1 && problems_are "kallsyms try_to_unmap_one" &&
	      line_is kallsyms try_to_unmap_one problem ".*only the compiler.s clone try_to_unmap_one\.isra\.0.*"'
dtree twice
twin=$(grep ' exit_mmap$' "$doc/twice/root/proc/kallsyms" | sed 's/^ffffffffb70/ffffffffb71/')
echo "$twin" >>"$doc/twice/root/proc/kallsyms"
printf 'ffffffffb7100000 t swap_free_extra\nffffffffb7100010 t swap_fre\n' \
	>>"$doc/twice/root/proc/kallsyms"
doctor_on twice
check "doctor: two functions named exit_mmap; longer or shorter names do not count" \
	eval 'rc_is 1 && problems_are "kallsyms exit_mmap" &&
	      line_is kallsyms exit_mmap problem "2 text symbols of that name.*" &&
	      line_is kallsyms swap_free ok'
dtree modsym
sed -i '/ swap_free$/d' "$doc/modsym/root/proc/kallsyms"
printf 'ffffffffc0000000 t swap_free\t[other]\n' >>"$doc/modsym/root/proc/kallsyms"
doctor_on modsym
check "doctor: a module's symbol of the name is not the kernel's" \
	eval 'rc_is 1 && problems_are "kallsyms swap_free"'
dtree nokprobes
echo 0 >"$doc/nokprobes/root/sys/kernel/debug/kprobes/enabled"
doctor_on nokprobes
check "doctor: kprobes disarmed: exit 1, echo 1 > .../enabled" \
	eval 'rc_is 1 && problems_are "kprobes enabled" &&
	      line_is kprobes enabled problem ".*fix: echo 1 > /sys/kernel/debug/kprobes/enabled"'

dtree other
sed -i "s/^built_for=.*/built_for=6.1.0-56-amd64/" "$doc/other/root/sys/kernel/debug/swapscope/version"
doctor_on other
check "doctor: the loaded module was built for another kernel" \
	eval 'rc_is 1 && problems_are "module swapscope" &&
	      line_is module swapscope problem "loaded, built for 6\.1\.0-56-amd64, this kernel is $kv; fix: rebuild .*"'
sed -i "s/^abi=.*/abi=99/" "$doc/other/root/sys/kernel/debug/swapscope/version"
doctor_on other
check "doctor: the loaded module has another abi" \
	eval 'rc_is 1 && line_is module swapscope problem "loaded, abi 99, this swapscope reads abi 1; .*"'
sed -i "/^built_for=/d; s/^abi=.*/abi=1/" "$doc/other/root/sys/kernel/debug/swapscope/version"
doctor_on other
check "doctor: a module without built_for=" \
	eval 'rc_is 1 && line_is module swapscope problem ".*no built_for=.*"'

dtree unloaded
rm -r "$doc/unloaded/root/sys/kernel/debug/swapscope"
doctor_on unloaded
check "doctor: module not loaded is no problem" \
	eval 'rc_is 0 && line_is module swapscope ok "not loaded \(insmod swapscope\.ko\)"'
rm -r "$doc/unloaded/root/lib/modules/$kv/build"
doctor_on unloaded
check "doctor: no headers and no module built for this kernel: apt-get install linux-headers-$kv" \
	eval 'rc_is 1 && problems_are "headers /lib/modules/$kv/build" &&
	      line_is headers "/lib/modules/$kv/build" problem "not installed .*; fix: apt-get install linux-headers-$kv"'
mkdir -p "$doc/unloaded/root/lib/modules/$kv/updates"
: >"$doc/unloaded/root/lib/modules/$kv/updates/swapscope.ko"
doctor_on unloaded
check "doctor: no headers, but swapscope.ko installed for this kernel" \
	eval 'rc_is 0 && line_is headers "/lib/modules/$kv/build" ok "not installed, not needed: .*/updates/swapscope\.ko is installed"'
dtree noheaders
rm -r "$doc/noheaders/root/lib/modules/$kv/build"
doctor_on noheaders
check "doctor: no headers, but the loaded module was built for this kernel" \
	eval 'rc_is 0 && line_is headers "/lib/modules/$kv/build" ok "not installed, not needed: the loaded swapscope was built for $kv"'

dtree nodebugfs
sed -i '/ debugfs /d' "$doc/nodebugfs/root/proc/mounts"
doctor_on nodebugfs
check "doctor: debugfs not mounted: the mount command; what needs it is skipped" \
	eval 'rc_is 1 && problems_are "debugfs /sys/kernel/debug" &&
	      line_is debugfs /sys/kernel/debug problem "not mounted .*; fix: mount -t debugfs none /sys/kernel/debug" &&
	      line_is module swapscope skipped "debugfs is not mounted.*" &&
	      line_is kprobes enabled skipped ".*" && line_is blacklist swap_free skipped ".*"'
echo "debugfs /mnt/dbg debugfs rw 0 0" >>"$doc/nodebugfs/root/proc/mounts"
doctor_on nodebugfs
check "doctor: debugfs mounted elsewhere only" \
	eval 'rc_is 1 && line_is debugfs /sys/kernel/debug problem "mounted on /mnt/dbg only.*"'

dtree gz
cfg=$doc/gz/root/boot/config-$kv
sed -i 's/^CONFIG_KPROBES_ON_FTRACE=y$/# CONFIG_KPROBES_ON_FTRACE is not set/' "$cfg"
gzip -c "$cfg" >"$doc/gz/root/proc/config.gz"
rm "$cfg"
doctor_on gz
check "doctor: config from /proc/config.gz; an optional option unset is no problem" \
	eval 'rc_is 0 && line_is config CONFIG_KPROBES ok "y \(.*/proc/config\.gz\)" &&
	      line_is config CONFIG_KPROBES_ON_FTRACE ok "not set \(.*\), optional: probes use int3.*"'
rm "$doc/gz/root/proc/config.gz"
doctor_on gz
check "doctor: no config at all: the config lines skipped, saying why" \
	eval 'rc_is 0 && line_is config CONFIG_KPROBES skipped "neither .*/boot/config-$kv nor .*/proc/config\.gz .*"'

# BTF through bpftool: the blob is stood for by a file with BTF's magic.
printf '\237\353\001\000' >"$doc/vmlinux.btf"
run --root "$dfx/root" --btf "$doc/vmlinux.btf" --bpftool "$doc/no-such-bpftool" doctor
check "doctor: no bpftool: btf and the prototypes skipped (install bpftool), exit 0" \
	eval 'rc_is 0 && line_is btf ".*/vmlinux\.btf" skipped ".*no-such-bpftool not found: install bpftool \(apt-get install bpftool\)" &&
	      line_is prototype do_swap_page skipped "no bpftool to read BTF with"'
cat >"$doc/bpftool" <<EOT
#!/bin/sh
# bpftool as doctor runs it: btf dump file FILE format raw
[ "\$*" = "btf dump file $doc/vmlinux.btf format raw" ] || { echo "bad arguments: \$*" >&2; exit 2; }
cat "$dfx/btf.txt"
EOT
chmod +x "$doc/bpftool"
run --root "$dfx/root" --btf "$doc/vmlinux.btf" --bpftool "$doc/bpftool" doctor
check "doctor: BTF through bpftool btf dump file FILE format raw" \
	eval 'rc_is 0 && line_is btf ".*/vmlinux\.btf" ok "[0-9]+ types \(bpftool, .*\)" &&
	      line_is prototype try_to_unmap_one ok'
printf '#!/bin/sh\necho "Error: failed to load BTF from %s: Invalid argument" >&2\nexit 255\n' "$doc/vmlinux.btf" >"$doc/bpftool"
run --root "$dfx/root" --btf "$doc/vmlinux.btf" --bpftool "$doc/bpftool" doctor
check "doctor: bpftool fails: btf skipped with its message" \
	eval 'rc_is 0 && line_is btf ".*/vmlinux\.btf" skipped ".*failed \(exit status\): Error: failed to load BTF.*" &&
	      line_is prototype swap_free skipped "BTF not readable"'
run --root "$dfx/root" doctor
check "doctor: no /sys/kernel/btf/vmlinux: no CONFIG_DEBUG_INFO_BTF, prototypes skipped" \
	eval 'rc_is 0 && line_is btf /sys/kernel/btf/vmlinux skipped ".*absent: the kernel has no CONFIG_DEBUG_INFO_BTF" &&
	      line_is prototype exit_mmap skipped ".*"'
echo "just some text" >"$doc/junk.txt"
run --root "$dfx/root" --btf "$doc/junk.txt" doctor
check "doctor: --btf of something else: skipped, saying what it is not" \
	eval 'rc_is 0 && line_is btf ".*junk\.txt" skipped ".*neither BTF, nor ELF, nor a saved .bpftool btf dump.*"'
sed '5s/.*/garbage line/' "$dfx/btf.txt" >"$doc/garbled.txt"
run --root "$dfx/root" --btf "$doc/garbled.txt" doctor
check "doctor: a garbled dump names the line" \
	eval 'rc_is 0 && line_is btf ".*garbled\.txt" skipped "line 5 is not bpftool.s raw format: garbage line"'
grep -v "FUNC 'remove_migration_pte'" "$dfx/btf.txt" >"$doc/nofunc.txt"
run --root "$dfx/root" --btf "$doc/nofunc.txt" doctor
check "doctor: a target without a FUNC in BTF cannot be checked: a problem" \
	eval 'rc_is 1 && problems_are "prototype remove_migration_pte" &&
	      line_is prototype remove_migration_pte problem "no FUNC remove_migration_pte in BTF: .*"'

# shellcheck source=tests/unit/doctor-secure.sh
. "$here/doctor-secure.sh"

# --- doctor on a recorded Debian 12 6.12 system ---------------------------------

# tests/unit/doctor/debian-6.12: recorded in QEMU like debian-6.1 (tests/unit/doctor/README).
dfx12=$here/doctor/debian-6.12
kv12=$(cat "$dfx12/root/proc/sys/kernel/osrelease")
# shellcheck disable=SC2034 # read by check's eval strings
kv12re=$(printf '%s' "$kv12" | sed 's/[.+]/\\&/g')	# 6\.12\.118\+deb12-amd64
# What swapscope.ko probes there (docs/harness.md, Kernels: swap_free and free_swap_and_cache
# are inlines over their _nr functions since 6.10), in SS_PROBES order.
# shellcheck disable=SC2034
syms12="unmap_page_range zap_page_range_single unmap_mapping_range copy_page_range
do_swap_page try_to_unmap_one exit_mmap swap_shmem_alloc try_to_migrate_one
remove_migration_pte swap_free_nr swap_duplicate free_swap_and_cache_nr
pagemap_read pagemap_pmd_range pagemap_pte_hole"
run --root "$dfx12/root" --btf "$dfx12/btf.txt" doctor
check "doctor, Debian 6.12 recorded: exit 0, nothing on stderr, every check ok but root and lockdown" \
	eval 'rc_is 0 && err_empty && out_has "^kernel +$kv12re$" &&
	      [ "$(grep -cE " (ok|problem|skipped) " "$tmp/out")" -eq $nr_doc ] &&
	      out_has "^$nr_doc checks: $((nr_doc - 2)) ok, 0 problems, 2 skipped$"'
check "doctor: kernel 6.12: a supported series" \
	eval 'line_is kernel 6\.12 ok "series 6\.12: supported \(swapscope is written for 6\.1 and 6\.12\)"'
check "doctor, 6.12: the loaded module built for it, headers, btf" \
	eval 'line_is module swapscope ok "loaded: 0\.1\.0, abi 1, built for $kv12re" &&
	      line_is headers "/lib/modules/$kv12re/build" ok installed &&
	      line_is btf ".*/debian-6\.12/btf\.txt" ok "[0-9]+ types \(saved dump, .*\)"'
check "doctor, 6.12: the batched functions are the targets, in SS_PROBES order; 6.1's names nowhere" \
	eval '[ "$(awk "\$1 == \"kallsyms\" { print \$2 }" "$tmp/out" | tr "\n" " ")" = "$(echo $syms12) " ] &&
	      [ "$(awk "\$1 == \"prototype\" { print \$2 }" "$tmp/out" | tr "\n" " ")" = "$(echo $syms12) " ] &&
	      lines_for blacklist ok "not blacklisted" $syms12 &&
	      out_lacks "^[a-z]+ +(swap_free|free_swap_and_cache) "'
check "doctor, 6.12: swap_free_nr and free_swap_and_cache_nr say whose function they are" \
	eval 'line_is kallsyms swap_free_nr ok "text symbol; probe swap_free.s function from 6\.10 on \(SS_PROBES_NR\)" &&
	      line_is kallsyms free_swap_and_cache_nr ok "text symbol; probe free_swap.s function from 6\.10 on \(SS_PROBES_NR\)" &&
	      line_is kallsyms swap_shmem_alloc ok "text symbol" && line_is kallsyms do_swap_page ok "text symbol"'
check "doctor, 6.12: SS_PROBES_NR's prototypes, the others as on 6.1" \
	eval 'line_is prototype swap_free_nr ok "void\(swp_entry_t, int\)" &&
	      line_is prototype free_swap_and_cache_nr ok "void\(swp_entry_t, int\)" &&
	      line_is prototype swap_shmem_alloc ok "void\(swp_entry_t, int\)" &&
	      line_is prototype remove_migration_pte ok "bool\(struct folio \*, struct vm_area_struct \*, unsigned long, void \*\)" &&
	      line_is prototype swap_duplicate ok "int\(swp_entry_t\)" &&
	      line_is prototype do_swap_page ok "vm_fault_t\(struct vm_fault \*\)"'
run -j --root "$dfx12/root" --btf "$dfx12/btf.txt" doctor
check "doctor --json, 6.12: kernel, the kernel check first, summary" \
	json "d['kernel'] == '$kv12' and d['checks'][0] == {'check': 'kernel', 'subject': '6.12', 'result': 'ok', 'detail': 'series 6.12: supported (swapscope is written for 6.1 and 6.12)', 'fix': None} and d['summary'] == {'checks': $nr_doc, 'ok': $((nr_doc - 2)), 'problems': 0, 'skipped': 2}"

# retag NAME RELEASE: the copy NAME recorded under another kernel release.
retag() {
	local r=$doc/$1/root old
	old=$(cat "$r/proc/sys/kernel/osrelease")
	echo "$2" >"$r/proc/sys/kernel/osrelease"
	mv "$r/boot/config-$old" "$r/boot/config-$2"
	mv "$r/lib/modules/$old" "$r/lib/modules/$2"
	sed -i "s/^kernel=.*/kernel=$2/; s/^built_for=.*/built_for=$2/" \
		"$r/sys/kernel/debug/swapscope/version"
}
# shellcheck disable=SC2034 # read by check's eval strings
unsupported_fix='boot a kernel of series 6\.1 or 6\.12 \(Debian 12.s: install its linux-image and linux-headers packages\) and run doctor there; or add this kernel to swapscope: its differences in module/compat/, its series in SWAPSCOPE_KERNELS \(module/uapi/swapscope\.h\)'

dtree v66
retag v66 6.6.15-amd64
doctor_on v66
check "doctor, a 6.6 kernel: the unsupported series the only problem, Kbuild's refusal and the fix" \
	eval 'rc_is 1 && problems_are "kernel 6.6" &&
	      line_is kernel 6\.6 problem "series 6\.6 is not supported: swapscope is written for 6\.1 and 6\.12 only, and its Kbuild refuses to build swapscope\.ko for 6\.6\.15-amd64; fix: $unsupported_fix" &&
	      out_has "^$nr_doc checks: $((nr_doc - 3)) ok, 1 problem, 2 skipped$"'
check "doctor, 6.6: before 6.10, 6.1's functions and prototypes" \
	eval 'line_is kallsyms swap_free ok "text symbol" && line_is prototype swap_free ok "void\(swp_entry_t\)" &&
	      line_is prototype free_swap_and_cache ok "int\(swp_entry_t\)" &&
	      line_is prototype swap_shmem_alloc ok "void\(swp_entry_t\)"'
doctor_on v66 -j
check "doctor --json, 6.6: the kernel problem with its fix" \
	json "[(c['subject'], c['result']) for c in d['checks'] if c['check'] == 'kernel'] == [('6.6', 'problem')] and d['checks'][0]['fix'].startswith('boot a kernel of series 6.1 or 6.12 ') and d['summary']['problems'] == 1"

dtree v610 "$dfx12"
retag v610 6.10.11-amd64
doctor_on v610
check "doctor, a 6.10 kernel: unsupported; batched swap frees, but swap_shmem_alloc without nr expected" \
	eval 'rc_is 1 && problems_are "kernel 6.10" "prototype swap_shmem_alloc" &&
	      line_is kernel 6\.10 problem "series 6\.10 is not supported: .*" &&
	      line_is kallsyms swap_free_nr ok "text symbol; .*" &&
	      line_is prototype swap_shmem_alloc problem "BTF has void\(swp_entry_t, int\), the prototype probe shmem_swap expects from 6\.12 on; before 6\.12, as on 6\.10\.11-amd64, it expects void\(swp_entry_t\); fix: .*module/compat/probes\.h \(which picks probe shmem_swap.s form by kernel version\) and SS_PROTOS in module/uapi/swapscope\.h.*"'

dtree odd
retag odd linux-custom
doctor_on odd
check "doctor, a release without VERSION.PATCHLEVEL: a problem, 6.1's functions assumed" \
	eval 'rc_is 1 && problems_are "kernel -" &&
	      line_is kernel - problem "release linux-custom does not begin with VERSION\.PATCHLEVEL: swapscope is written for the series 6\.1 and 6\.12 only, and its Kbuild refuses any other; fix: $unsupported_fix" &&
	      line_is kallsyms swap_free ok'

# A kernel whose functions disagree with its series (a backport): named.
dtree nr12 "$dfx12"
sed -i 's/ swap_free_nr$/ swap_free/' "$doc/nr12/root/proc/kallsyms"
doctor_on nr12
check "doctor, 6.12 with swap_free but no swap_free_nr: the batched target missing, the other form named" \
	eval 'rc_is 1 && problems_are "kallsyms swap_free_nr" &&
	      line_is kallsyms swap_free_nr problem "not in .*/proc/kallsyms, but swap_free is: swapscope\.ko probes swap_free_nr from 6\.10 on \(module/compat/probes\.h\), and this kernel is $kv12re; fix: probe swap_free will be unavailable \(the others still load\); pointing it at swap_free with symbols= would misread the nr argument: module/compat/probes\.h must learn this kernel first"'
dtree nr61
sed -i 's/ free_swap_and_cache$/ free_swap_and_cache_nr/' "$doc/nr61/root/proc/kallsyms"
doctor_on nr61
check "doctor, 6.1 with free_swap_and_cache_nr only: 6.1's target missing, the batched one named" \
	eval 'rc_is 1 && problems_are "kallsyms free_swap_and_cache" &&
	      line_is kallsyms free_swap_and_cache problem "not in .*, but free_swap_and_cache_nr is: swapscope\.ko probes free_swap_and_cache before 6\.10 \(module/compat/probes\.h\), and this kernel is $kv; fix: probe free_swap will be unavailable .*"'

# swap_shmem_alloc of the other series' prototype, both ways.
cp "$dfx12/btf.txt" "$doc/shmem12.txt"
printf "[900000] FUNC_PROTO '(anon)' ret_type_id=0 vlen=1\n\t'entry' type_id=715\n" >>"$doc/shmem12.txt"
sed -i "s/^\(\[[0-9]*\] FUNC 'swap_shmem_alloc' type_id=\)[0-9]*/\1900000/" "$doc/shmem12.txt"
run --root "$dfx12/root" --btf "$doc/shmem12.txt" doctor
check "doctor, 6.12 whose swap_shmem_alloc has no nr: 6.1's prototype named as such" \
	eval 'rc_is 1 && problems_are "prototype swap_shmem_alloc" &&
	      line_is prototype swap_shmem_alloc problem "BTF has void\(swp_entry_t\), the prototype probe shmem_swap expects before 6\.12; from 6\.12 on, as on $kv12re, it expects void\(swp_entry_t, int\); fix: do not load swapscope on this kernel before module/probes\.c, module/compat/probes\.h \(which picks probe shmem_swap.s form by kernel version\) and SS_PROBES_NR in module/uapi/swapscope\.h are adapted to swap_shmem_alloc.s prototype"'
cp "$dfx/btf.txt" "$doc/shmem61.txt"
printf "[900000] FUNC_PROTO '(anon)' ret_type_id=0 vlen=2\n\t'entry' type_id=15690\n\t'nr' type_id=28\n" >>"$doc/shmem61.txt"
sed -i "s/^\(\[[0-9]*\] FUNC 'swap_shmem_alloc' type_id=\)[0-9]*/\1900000/" "$doc/shmem61.txt"
run --root "$dfx/root" --btf "$doc/shmem61.txt" doctor
check "doctor, 6.1 whose swap_shmem_alloc takes nr: 6.12's prototype named as such" \
	eval 'rc_is 1 && problems_are "prototype swap_shmem_alloc" &&
	      line_is prototype swap_shmem_alloc problem "BTF has void\(swp_entry_t, int\), the prototype probe shmem_swap expects from 6\.12 on; before 6\.12, as on $kv, it expects void\(swp_entry_t\); fix: .*SS_PROTOS in module/uapi/swapscope\.h.*"'
grep -v "FUNC 'swap_free_nr'" "$dfx12/btf.txt" >"$doc/nofunc12.txt"
run --root "$dfx12/root" --btf "$doc/nofunc12.txt" doctor
check "doctor, 6.12 without swap_free_nr in BTF: checked against SS_PROBES_NR" \
	eval 'rc_is 1 && problems_are "prototype swap_free_nr" &&
	      line_is prototype swap_free_nr problem "no FUNC swap_free_nr in BTF: .*; expected void\(swp_entry_t, int\); fix: check swap_free_nr in this kernel.s source against SS_PROBES_NR in module/uapi/swapscope\.h before trusting probe swap_free"'

# Usage errors are exit 2.
run doctor extra
check "doctor with an argument: exit 2" eval 'rc_is 2 && out_empty && err_has "doctor takes no arguments"'
run --root "$doc/none" doctor
check "doctor --root of no directory: exit 2" eval 'rc_is 2 && err_has "--root .*none: not a directory"'
run -j --root "$doc" doctor
check "doctor --root without osrelease: exit 2, JSON error" \
	eval 'rc_is 2 && json_error_has "cannot read the kernel release"'
run --root "$dfx/root" --btf "$doc/none.btf" doctor
check "doctor --btf of a missing file: exit 2" eval 'rc_is 2 && err_has "--btf .*none\.btf: No such file"'
run --root "$dfx/root" status
check "--root on status: exit 2" eval 'rc_is 2 && err_has "--root is not an option of .status."'
run --btf "$dfx/btf.txt" report
check "--btf on report: exit 2" eval 'rc_is 2 && err_has "--btf is not an option of .report."'
run doctor --help
check "doctor --help: its usage and the checks" \
	eval 'rc_is 0 && out_has "^Usage: swapscope doctor \[--root DIR\] \[--btf FILE\] \[--bpftool PATH\]$" && out_has "^  prototype "'
run help
check "help lists doctor" out_has '^  doctor +preflight'

# Not root: the live system, whatever it has; only the root line is certain.
if [ "$(id -u)" -ne 0 ]; then
	run doctor
elif [ "${as_user[0]:-}" != none ]; then
	"${as_user[@]}" "$tmp/swapscope-copy" doctor >"$tmp/out" 2>"$tmp/err"
	rc=$?
fi
if [ "$(id -u)" -ne 0 ] || [ "${as_user[0]:-}" != none ]; then
	check "doctor as a user: the root problem, exit 1" \
		eval 'rc_is 1 && line_is root - problem "euid [1-9][0-9]*: .*; fix: run as root, e.g. sudo swapscope doctor"'
else
	skip "doctor as a user" "root, and no setpriv to drop it"
fi

# doctor_robust LABEL: random and damaged inputs, never a crash.
doctor_robust() {
	local label=$1 d=$doc/hostile bad=0 i
	dtree hostile
	for i in $(seq 1 30); do
		{ echo '[1] INT'; head -c $((RANDOM % 4000)) /dev/urandom; } >"$d/btf.txt"
		head -c $((RANDOM % 4000)) /dev/urandom >"$d/root/proc/kallsyms"
		head -c $((RANDOM % 2000)) /dev/urandom >"$d/root/sys/kernel/debug/kprobes/blacklist"
		head -c $((RANDOM % 2000)) /dev/urandom >"$d/root/proc/mounts"
		doctor_on hostile
		{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && ! grep -Eq 'Sanitizer|runtime error' "$tmp/err" ||
			bad=$((bad + 1))
	done
	python3 -c '
import random, re, sys
random.seed(2)
src = open(sys.argv[1]).read().split("\n")
for i in range(30):
    lines = list(src)
    for _ in range(random.randrange(1, 6)):
        k = random.randrange(len(lines))
        lines[k] = re.sub(r"type_id=\d+", "type_id=%d" % random.choice([0, 1, 7, 15, 99999999, 16777215, 4294967296]), lines[k])
        if random.random() < 0.3:
            lines[k] = lines[k][:random.randrange(len(lines[k]) + 1)]
    open("%s.%d" % (sys.argv[2], i), "w").write("\n".join(lines))' "$dfx/btf.txt" "$doc/damaged"
	dtree hostile
	for i in $(seq 0 29); do
		run --root "$d/root" --btf "$doc/damaged.$i" doctor
		{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && ! grep -Eq 'Sanitizer|runtime error' "$tmp/err" ||
			bad=$((bad + 1))
	done
	# a type that refers to itself
	printf "[1] PTR '(anon)' type_id=2\n[2] CONST '(anon)' type_id=1\n[3] FUNC_PROTO '(anon)' ret_type_id=1 vlen=1\n\t'x' type_id=2\n[4] FUNC 'swap_free' type_id=3 linkage=static\n" >"$doc/loop.txt"
	run --root "$d/root" --btf "$doc/loop.txt" doctor
	{ [ "$rc" -eq 1 ] && line_is prototype swap_free problem ".*"; } || bad=$((bad + 1))
	check "$label: 61 doctor runs on random and damaged inputs, never a crash" \
		[ "$bad" -eq 0 ]
}
doctor_robust "plain build"

# --- hostile files, with the plain and the sanitizer build ----------------------

# robust LABEL: runs $ss on broken and random trees.
robust() {
	local label=$1 d=$tmp/hostile bad=0 i

	rm -rf "$d" "$d.damaged"
	mkdir -p "$d"
	cp "$fx/healthy/version" "$fx/healthy/probes" "$fx/healthy/stats" \
		"$fx/healthy/rules" "$fx/healthy/samples" "$d/"

	run_on "$fx/healthy" status
	check "$label: status healthy" eval 'rc_is 0 && err_empty'
	run_on "$fx/degraded" -p stats --all
	check "$label: stats healthy" eval 'rc_is 0 && err_empty && json_ok'
	run_on "$fx/malformed-stats" stats
	check "$label: malformed stats, clean exit 2" eval 'rc_is 2 && no_crash'
	run_on "$fx/healthy" -p report
	check "$label: report healthy" eval 'rc_is 0 && err_empty && json_ok'
	run_on "$fx/degraded" samples
	check "$label: samples degraded" eval 'rc_is 0 && err_empty'
	run_on "$fx/healthy" -j samples
	check "$label: samples healthy" eval 'rc_is 0 && err_empty && json_ok'
	run_on "$fx/malformed-samples" samples
	check "$label: malformed samples, clean exit 2" eval 'rc_is 2 && no_crash'

	python3 -c 'print("rule=U3 seq=1 pid=1 comm=" + "c" * 100000 + " addr=0xffffffffffffffff pte_before=0xffffffffffffffff pte_after=0x100 kind=swap swp_type=99 path=p caller=" + ",".join(["f+0x1/0x2"] * 5000))' >"$d/samples"
	run_on "$d" samples
	check "$label: a 100000-byte comm and 5000 frames are printed whole" \
		eval 'rc_is 0 && no_crash && [ "$(grep -c " f+0x1/0x2$" "$tmp/out")" -eq 5000 ] &&
		      [ "$(awk "length(\$7) == 100000" "$tmp/out")" ]'
	run_on "$d" -j samples
	check "$label: ... and as JSON" \
		eval 'rc_is 0 && no_crash && json "len(d[0][\"comm\"]) == 100000 and len(d[0][\"caller\"]) == 5000"'
	cp "$fx/healthy/samples" "$d/samples"

	printf 'probe=zap symbol=a\0b type=kprobe\n' >"$d/probes"
	run_on "$d" status
	check "$label: a NUL byte in probes" \
		eval 'rc_is 2 && no_crash && err_has "probes:1: line contains a NUL byte"'

	head -c $((5 << 20)) /dev/zero | tr '\0' 'x' >"$d/probes"
	run_on "$d" status
	check "$label: a 5 MiB probes file is refused" \
		eval 'rc_is 2 && no_crash && err_has "larger than"'

	python3 -c 'print("probe=zap symbol=" + "s" * 100000 + " type=kprobe state=active hits=1 nmissed=0 maxactive=0 reason=-")' >"$d/probes"
	run_on "$d" status
	check "$label: a 100000-byte symbol is printed whole" \
		eval 'rc_is 0 && no_crash && [ "$(awk "length(\$2) == 100000" "$tmp/out")" ]'

	printf 'probe=zap symbol=\xff\xfe\x01"\\ type=kprobe state=active hits=1 nmissed=0 maxactive=0 reason=-\n' >"$d/probes"
	run_on "$d" -j status
	check "$label: invalid UTF-8 and control bytes still make valid JSON" \
		eval 'rc_is 0 && no_crash && json "d[\"probes\"][0][\"symbol\"] == \"\\ufffd\\ufffd\\x01\\\"\\\\\""'

	for _ in $(seq 1 40); do
		head -c $((RANDOM % 3000)) /dev/urandom >"$d/probes"
		head -c $((RANDOM % 3000)) /dev/urandom >"$d/stats"
		run_on "$d" status
		no_crash || bad=$((bad + 1))
		run_on "$d" -j stats
		no_crash || bad=$((bad + 1))
		if [ "$rc" -eq 2 ] && ! json_error_has . 2>/dev/null; then
			bad=$((bad + 1))
		fi
	done
	check "$label: 80 runs on random files end in exit 0 or 2, never a crash" \
		[ "$bad" -eq 0 ]

	# Damaged copies of good rules and samples: the likelier garbage.
	bad=0
	cp "$fx/healthy/probes" "$fx/healthy/stats" "$d/"
	mkdir -p "$d.damaged"
	# Even runs damage bytes, odd runs only values: both paths get garbage.
	python3 -c '
import random, sys
random.seed(1)
VALUES = [b"", b"-", b"0", b"0x", b"0x0", b"0xffffffffffffffff", b",", b",,a,",
          b"18446744073709551615", b"18446744073709551616", b"\xff\xfe\x01",
          b"diverges", b"not-applicable", b"Z1", b"=", b"x" * 3000]
for i in range(40):
    for src, name in ((sys.argv[1], "rules"), (sys.argv[2], "samples")):
        b = bytearray(open(src, "rb").read())
        if i % 2:
            words = bytes(b).split(b" ")
            for _ in range(random.randrange(1, 3)):
                k = random.randrange(len(words))
                key, eq, val = words[k].partition(b"=")
                nl = b"\n" if val.endswith(b"\n") else b""
                words[k] = key + b"=" + random.choice(VALUES) + nl
            b = bytearray(b" ".join(words))
        for _ in range(0 if i % 2 else random.randrange(1, 6)):
            op = random.randrange(3)
            k = random.randrange(len(b))
            if op == 0:
                b[k] = random.choice(b"=, x0\n\t-\xff\x00")
            elif op == 1:
                del b[k:k + random.randrange(1, 40)]
            else:
                b[k:k] = bytes(random.randrange(256)
                               for _ in range(random.randrange(1, 8)))
        open("%s/%s.%d" % (sys.argv[3], name, i), "wb").write(b)' \
		"$fx/healthy/rules" "$fx/healthy/samples" "$d.damaged"
	for i in $(seq 0 39); do
		cp "$d.damaged/rules.$i" "$d/rules"
		cp "$d.damaged/samples.$i" "$d/samples"
		run_on "$d" report
		no_crash || bad=$((bad + 1))
		run_on "$d" -j samples
		no_crash || bad=$((bad + 1))
		if [ "$rc" -eq 2 ] && ! json_error_has . 2>/dev/null; then
			bad=$((bad + 1))
		fi
		run_on "$d" samples C1
		no_crash || bad=$((bad + 1))
	done
	check "$label: 120 runs on damaged rules and samples, never a crash" \
		[ "$bad" -eq 0 ]
}

robust "plain build"

if [ "$have_san" -eq 1 ] && [ -z "${SWAPSCOPE:-}" ]; then
	if make -C "$top/userspace" OUTPUT="$tmp/san/" \
		EXTRA_CFLAGS="$sanitize_flags" >"$build_log" 2>&1; then
		ok "build: swapscope with ASan and UBSan"
		ss_plain=$ss
		ss=$tmp/san/swapscope
		robust "ASan+UBSan build"
		doctor_robust "ASan+UBSan build"
		ss=$ss_plain
	else
		not_ok "build: swapscope with ASan and UBSan"
		sed 's/^/#   /' "$build_log"
	fi
else
	skip "ASan+UBSan build" "no sanitizer support, or SWAPSCOPE given"
fi

# --- static build for the VM initramfs ------------------------------------------

if [ -z "${SWAPSCOPE:-}" ]; then
	if make -C "$top/userspace" STATIC=1 OUTPUT="$tmp/static/" \
		>"$build_log" 2>&1; then
		ok "build: make STATIC=1"
		check "STATIC=1: no program interpreter" \
			eval '! readelf -l "$tmp/static/swapscope" | grep -q INTERP'
		"$tmp/static/swapscope" --debugfs "$fx/degraded" status \
			>"$tmp/out" 2>"$tmp/err"
		rc=$?
		check "STATIC=1: the static binary runs status" \
			eval 'rc_is 0 && out_has "^2 of $nr_probes probes unavailable"'
	else
		not_ok "build: make STATIC=1"
		sed 's/^/#   /' "$build_log"
	fi
fi

# --- pagemap and audit: write a command, read the result back ------------------

# shellcheck source=tests/unit/pagemap-audit.sh
. "$here/pagemap-audit.sh"

# --- baselines across kernels: diff, matrix, KTAP ----------------------------------

# shellcheck source=tests/unit/gate-matrix.sh
. "$here/gate-matrix.sh"

# --- the CLI's help, man page and docs/cli.md agree ------------------------------

# shellcheck source=tests/unit/cli-docs.sh
. "$here/cli-docs.sh"

# --- the repository is its own reference: no outside pointers, links resolve ---

# shellcheck source=tests/unit/repo-docs.sh
. "$here/repo-docs.sh"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
