#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Host unit tests of the swapscope CLI: build it, run it on recorded debugfs trees.
#
# Usage: tests/unit/run.sh
# Builds the CLI from userspace/ (plain, static, and with ASan+UBSan) and
# test_records in a scratch directory, leaving the tree alone, and runs
# them against fixtures/ (written by mkfixtures.py).  Prints "ok - ...",
# "not ok - ..." or "skip - ..." per check and last "N passed, M failed";
# exits 1 if any check failed.  SWAPSCOPE=/path/to/swapscope tests that
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

# --- the parser, directly ---------------------------------------------------

if [ -x "$tmp/test_records" ]; then
	"$tmp/test_records" >"$tmp/records.out" 2>&1
	records_rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <"$tmp/records.out"
	rc=$records_rc
	check "test_records exits 0 (no sanitizer or leak report)" rc_is 0
fi

check "fixtures/ is what mkfixtures.py writes from swapscope.h" \
	python3 "$here/mkfixtures.py" --check

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
	out_has '^zap +unmap_page_range +kprobe +active +120 +0 +-$'
check "status healthy: a kretprobe row" \
	out_has '^swapin +do_swap_page +kretprobe +active +256 +0 +-$'
check "status healthy: six probe rows" \
	[ "$(grep -Ec ' (kprobe|kretprobe) ' "$tmp/out")" -eq 6 ]
check "status healthy: summary line" \
	out_has '^0 of 6 probes unavailable, nmissed total 0$'
check "status healthy: unknown keys are not shown" out_lacks 'future'

run_on "$fx/degraded" status
check "status degraded: exit 0" rc_is 0
check "status degraded: unavailable row with its reason" \
	out_has '^reclaim +try_to_unmap_one +kretprobe +unavailable +0 +0 +not-in-kallsyms$'
check "status degraded: nmissed column" \
	out_has '^swapin +do_swap_page +kretprobe +active +256 +7 +-$'
check "status degraded: summary counts 2 unavailable, 9 missed" \
	out_has '^2 of 6 probes unavailable, nmissed total 9$'

run_on "$fx/healthy" --json status
check "status --json: exit 0" rc_is 0
check "status --json: nothing on stderr" err_empty
check "status --json: parses" json_ok
check "status --json: one line" out_lines 1
check "status --json: top-level keys" \
	json 'list(d) == ["module", "cli", "probes", "summary"]'
check "status --json: module object" \
	json 'd["module"] == {"version": "0.1.0", "abi": 1, "kernel": "6.1.0-56-amd64", "kernel_version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2", "build": "abc1234"}'
check "status --json: cli abi equals module abi" \
	json 'd["cli"]["abi"] == d["module"]["abi"] and d["cli"]["version"] == "0.1.0"'
check "status --json: probe objects carry exactly the documented keys" \
	json 'all(list(p) == ["probe", "symbol", "type", "state", "hits", "nmissed", "maxactive", "reason"] for p in d["probes"])'
check "status --json: an active probe has reason null" \
	json 'd["probes"][0]["reason"] is None and d["probes"][0]["hits"] == 120'
check "status --json: summary" \
	json 'd["summary"] == {"probes": 6, "active": 6, "unavailable": 0, "nmissed": 0}'

run_on "$fx/degraded" -j status
check "status -j degraded: summary" \
	json 'd["summary"] == {"probes": 6, "active": 4, "unavailable": 2, "nmissed": 9}'
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

# --- stats --------------------------------------------------------------------

# What the header's tables say a stats file holds.
# shellcheck disable=SC2046
set -- $(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkfixtures as m
print(len(m.PATHS) * len(m.PHASES), len(m.COUNTERS))' "$here" 2>/dev/null || echo 0 0)
nr_rows=$1
nr_counters=$2

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
	eval 'rc_is 0 && out_has "^2 of 6 probes unavailable"'
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
fi

# --- command line -------------------------------------------------------------

run help
check "help: exit 0, usage on stdout" eval 'rc_is 0 && out_has "^Usage: swapscope "'
check "help: lists every command" \
	eval 'out_has "^  status " && out_has "^  stats " && out_has "^  help "'
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
	eval 'rc_is 0 && out_has "^0 of 6 probes unavailable"'
run_on "$fx/healthy" stats
check "an exact name wins" eval 'rc_is 0 && out_has "^path "'
run_on "$fx/healthy" st
check "ambiguous prefix: exit 2" rc_is 2
check "ambiguous prefix: lists the candidates" \
	err_has "ambiguous command 'st', it could be: status, stats"
check "ambiguous prefix: nothing on stdout" out_empty
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

# --- hostile files, with the plain and the sanitizer build ----------------------

# robust LABEL: runs $ss on broken and random trees.
robust() {
	local label=$1 d=$tmp/hostile bad=0

	rm -rf "$d"
	mkdir -p "$d"
	cp "$fx/healthy/version" "$fx/healthy/probes" "$fx/healthy/stats" "$d/"

	run_on "$fx/healthy" status
	check "$label: status healthy" eval 'rc_is 0 && err_empty'
	run_on "$fx/degraded" -p stats --all
	check "$label: stats healthy" eval 'rc_is 0 && err_empty && json_ok'
	run_on "$fx/malformed-stats" stats
	check "$label: malformed stats, clean exit 2" eval 'rc_is 2 && no_crash'

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
}

robust "plain build"

if [ "$have_san" -eq 1 ] && [ -z "${SWAPSCOPE:-}" ]; then
	if make -C "$top/userspace" OUTPUT="$tmp/san/" \
		EXTRA_CFLAGS="$sanitize_flags" >"$build_log" 2>&1; then
		ok "build: swapscope with ASan and UBSan"
		ss_plain=$ss
		ss=$tmp/san/swapscope
		robust "ASan+UBSan build"
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
			eval 'rc_is 0 && out_has "^2 of 6 probes unavailable"'
	else
		not_ok "build: make STATIC=1"
		sed 's/^/#   /' "$build_log"
	fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
