#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kselftest collection the way kernel CI runs it: installed by the kernel's lib.mk, run by its runner in the VM, read by its KTAP parser.
#
# Usage: tests/vm/kselftest.sh [--ko FILE]
#   --ko  swapscope.ko for this kernel (default: built with build-modules.sh
#         into build/KVER/, as make check does)
# Env: SS_KERNEL, KDIR, KERNEL, VM_BUILD (setup.sh's); VM_TIMEOUT (1500).
# 1. tests/kselftest/ copied (make export-tree) into the kernel's selftests
#    tree that tests/kernel-tools.sh unpacks, then `make -C selftests
#    TARGETS=swapscope install`: the installed tree has what
#    run_kselftest.sh needs; the repository's own Makefile (no lib.mk)
#    installs the same files.
# 2. One boot (tests/vm/guest-kselftest.sh): run_kselftest.sh -c swapscope
#    with the stock baseline, then without one.
# 3. Each run's output through kunit.py parse: the runner's document, and
#    the program's, which the runner nests as "# " lines (kunit.py reads
#    those as diagnostics of the runner's test, so they are parsed again
#    with the prefix taken off): statuses asserted.
# Output: "ok - " / "not ok - " lines; files in build/kselftest/SERIES/.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
ko=
while [ $# -gt 0 ]; do
	case $1 in
	--ko) ko=${2:?--ko needs a file}; shift 2 ;;
	*) echo "kselftest.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

failed=0
ok() { echo "ok - kselftest: $*"; }
notok() { echo "not ok - kselftest: $*"; failed=1; }

eval "$("$here/setup.sh")" || { notok "setup.sh failed"; exit 1; }
export KVER KDIR KERNEL MODROOT SS_KERNEL
out=$top/build/kselftest/$SS_KERNEL
rm -rf "$out"
mkdir -p "$out"
if [ -z "$ko" ]; then
	ko=$top/build/$KVER/swapscope.ko
	"$here/build-modules.sh" "$top/build/$KVER" swapscope > "$out/module.log" 2>&1 ||
		{ notok "build swapscope.ko for $KVER (see $out/module.log)"; exit 1; }
fi
[ -f "$ko" ] || { notok "$ko missing"; exit 1; }
tools=$("$top/tests/kernel-tools.sh") || { notok "tests/kernel-tools.sh failed"; exit 1; }
kunit=$tools/tools/testing/kunit/kunit.py

# --- 1. lib.mk builds and installs it ---------------------------------------
tree=$out/tree
inst=$out/install
mkdir -p "$tree"
cp -a "$tools/tools" "$tools/scripts" "$tree/"
sel=$tree/tools/testing/selftests
if make -s -C "$top/tests/kselftest" export-tree DEST="$sel/swapscope" > "$out/export.log" 2>&1 &&
   make -C "$sel" TARGETS=swapscope install KSFT_INSTALL_PATH="$inst" \
	SWAPSCOPE_KO="$ko" > "$out/install.log" 2>&1; then
	ok "lib.mk builds and installs the collection (make -C selftests TARGETS=swapscope install)"
else
	notok "make -C selftests TARGETS=swapscope install failed: $(grep -a -m 1 -iE 'error' "$out/export.log" "$out/install.log")"
	exit 1
fi
scenarios=$(cd "$top/tests/scenarios" && for f in [0-9][0-9]-*.c; do echo "${f%.c}"; done)
nsc=$(echo "$scenarios" | wc -l)
if [ "$(cat "$inst/kselftest-list.txt")" = swapscope:swapscope.sh ] &&
   [ "$("$inst/run_kselftest.sh" -l)" = swapscope:swapscope.sh ]; then
	ok "kselftest-list.txt is swapscope:swapscope.sh, as run_kselftest.sh -l says"
else
	notok "kselftest-list.txt: $(tr '\n' ' ' < "$inst/kselftest-list.txt")"
fi
timeout=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$inst/swapscope/settings")
if [ -n "$timeout" ] && cmp -s "$inst/swapscope/settings" "$top/tests/kselftest/settings"; then
	ok "settings installed, timeout=$timeout"
else
	notok "settings: no timeout= in $inst/swapscope/settings"
fi
missing=
for f in swapscope.sh swapscope $scenarios; do
	[ -x "$inst/swapscope/$f" ] || missing+=" $f"
done
for f in stock.baseline run-bounded.sh config swapscope.ko ../kselftest/runner.sh ../run_kselftest.sh; do
	[ -f "$inst/swapscope/$f" ] || missing+=" $f"
done
if [ -z "$missing" ]; then
	ok "installed: swapscope.sh, the CLI, $nsc scenario programs, swapscope.ko, stock.baseline, run-bounded.sh, config, the runner"
else
	notok "missing from $inst/swapscope:$missing"
fi
vermagic=$(modinfo -F vermagic "$inst/swapscope/swapscope.ko" | cut -d' ' -f1)
if [ "$vermagic" = "$KVER" ]; then
	ok "the installed swapscope.ko is for $KVER"
else
	notok "installed swapscope.ko is for '$vermagic', not $KVER"
fi
# In the repository, no lib.mk: standalone.mk installs the same files.
if make -s -C "$top/tests/kselftest" OUTPUT="$out/standalone" install \
	INSTALL_PATH="$out/standalone-install" SWAPSCOPE_KO="$ko" > "$out/standalone.log" 2>&1 &&
   [ "$(ls "$out/standalone-install")" = "$(ls "$inst/swapscope")" ] &&
   [ "$(make -s -C "$top/tests/kselftest" OUTPUT="$out/standalone" emit_tests)" = swapscope:swapscope.sh ]; then
	ok "without lib.mk (make -C tests/kselftest install): the same files, emit_tests swapscope:swapscope.sh"
else
	notok "make -C tests/kselftest install without lib.mk: $(diff <(ls "$out/standalone-install") <(ls "$inst/swapscope") | tr '\n' ' ')"
fi

# And its run_tests, as someone who is not root: kselftest's skip (exit 4)
# with the reason, in the runner's conventions (deterministic on any host:
# as root it would load the module on the host).  From a copy in /tmp, as
# the repository may not be readable by nobody.
nb=$(mktemp -d)
make -s -C "$top/tests/kselftest" export-tree DEST="$nb/swapscope" > /dev/null &&
	cp -a "$out/standalone" "$nb/out" && chmod -R a+rwX "$nb"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	make -s -C "$nb/swapscope" OUTPUT="$nb/out" run_tests > "$out/standalone-run.log" 2>&1
rm -rf "$nb"
if [ "$(grep -v '^make' "$out/standalone-run.log")" = "$(printf '%s\n' 'TAP version 13' 1..1 \
	"# timeout set to $timeout" '# selftests: swapscope: swapscope.sh' '# KTAP version 1' \
	'# 1..0 # SKIP must be run as root' 'ok 1 selftests: swapscope: swapscope.sh # SKIP')" ]; then
	ok "make run_tests without lib.mk, not as root: skipped (exit 4), 'must be run as root'"
else
	notok "make run_tests without lib.mk, not as root: $(head -c 400 "$out/standalone-run.log")"
fi

# --- 2. the runner in the VM ------------------------------------------------
vm=$VM_BUILD/kselftest
VM_BUILD=$vm KSELFTEST_DIR=$inst WITH_STRESSNG=0 VM_TIMEOUT=${VM_TIMEOUT:-1500} \
	"$here/run.sh" --script "$here/guest-kselftest.sh" || failed=1
console=$vm/console.log

# --- 3. the kernel's KTAP parser ---------------------------------------------
# runner NAME: the runner's output of run NAME; program NAME: swapscope.sh's,
# the "# " lines between the runner's header and result lines, unprefixed.
runner_ktap() {
	sed -n "/^=====KSELFTEST-BEGIN $1=====\$/,/^=====KSELFTEST-END $1=====\$/p" "$console" |
		sed -n 's/^ksft| //p' | grep -v '^rc=' > "$out/$1.runner.ktap"
}
program_ktap() {
	sed -n '/^# selftests: swapscope: swapscope.sh$/,/^\(not \)\{0,1\}ok 1 selftests: swapscope: swapscope.sh/p' \
		"$out/$1.runner.ktap" | sed '1d;$d' | sed -n 's/^# \{0,1\}//p' > "$out/$1.ktap"
}
# parse FILE: kunit.py parse, JSON beside it; its exit status.
parse() {
	python3 "$kunit" parse --json="${1%.ktap}.json" "$1" > "${1%.ktap}.kunit.log" 2>&1
}
# expect JSON CASE...: every test case, in order, "NAME=STATUS" with
# STATUS one of PASS FAIL SKIP; NAME may end in a regex group "(a|b)".
# The rules group (sub_groups) follows the top-level cases.
expect() {
	python3 - "$@" <<-'EOF'
	import json, re, sys
	doc = json.load(open(sys.argv[1]))
	got = []
	def walk(g):
	    for c in g["test_cases"]:
	        got.append(f'{c["name"]}={c["status"]}')
	    for s in g["sub_groups"]:
	        walk(s)
	walk(doc)
	want = sys.argv[2:]
	bad = [f"{w!r} vs {g!r}" for w, g in zip(want, got) if not re.fullmatch(w, g)]
	if len(got) != len(want):
	    bad.append(f"{len(got)} test cases, {len(want)} expected")
	if bad:
	    print("; ".join(bad[:4]))
	    sys.exit(1)
	EOF
}
# What each rule is on Debian's stock kernels (as guest-check.sh says).
stock_rules() {	# stock_rules STATUS_OF_A_DIVERGENCE
	local d=$1
	printf '%s\n' "Z1 conforms=PASS" "Z2 conforms=PASS" "Z3 conforms=PASS" "Z4 conforms=PASS" \
		"F1 conforms=PASS" "F2 (conforms=PASS|not-observed=SKIP)" \
		"S1 conforms=PASS" "S2 conforms=PASS" "S3 conforms=PASS" "S4 conforms=PASS" \
		"U1 conforms=PASS" "U2 conforms=PASS" "U3 diverges=$d" \
		"P1 diverges=$d" "P2 (diverges=$d|not-observed=SKIP)" "P3 diverges=$d" \
		"C1 diverges=$d" "C2 conforms=PASS" "C3 not-applicable=SKIP"
}
check_parse() {	# check_parse FILE WANT_RC DESC CASE...
	local f=$1 want=$2 desc=$3 rc msg
	shift 3
	parse "$f"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		notok "$desc: kunit.py parse exited $rc, not $want (see ${f%.ktap}.kunit.log)"
	elif ! msg=$(expect "${f%.ktap}.json" "$@"); then
		notok "$desc: $msg"
	else
		ok "$desc"
	fi
	echo "# kunit.py parse ${f#"$out/"}: $(grep -a -m 1 'Testing complete' "${f%.ktap}.kunit.log" | sed 's/^\[[^]]*\] //')"
}

for run in stock nobase; do
	runner_ktap "$run"
	program_ktap "$run"
	if [ ! -s "$out/$run.ktap" ]; then
		notok "run $run: no swapscope.sh output in the runner's (see $console)"
		continue
	fi
	echo "# run $run: $(grep -c . "$out/$run.ktap") lines of KTAP from swapscope.sh; $(grep -a "^# kselftest: run $run took" "$console" | cut -c 3-)"
done
# mapfile: the scenario names, for the expectations.
# 13-large-folios needs mTHP's per-size controls, which 6.1 lacks: a skip there.
mapfile -t sc_pass < <(for s in $scenarios; do
	case $SS_KERNEL:$s in 6.1:13-large-folios) echo "$s=SKIP" ;; *) echo "$s=PASS" ;; esac
done)
mapfile -t rules_known < <(stock_rules PASS)
if [ -s "$out/stock.ktap" ]; then
	check_parse "$out/stock.runner.ktap" 0 \
		"stock baseline, runner's KTAP: selftests: swapscope: swapscope.sh passes" \
		"selftests: swapscope: swapscope.sh=PASS"
	check_parse "$out/stock.ktap" 0 \
		"stock baseline, swapscope.sh's KTAP: $nsc scenarios pass (or skip where the kernel lacks the feature), the rules as on a stock kernel, check passes" \
		"${sc_pass[@]}" "${rules_known[@]}" "check=PASS"
fi
if [ -s "$out/nobase.ktap" ]; then
	check_parse "$out/nobase.runner.ktap" 1 \
		"no baseline, runner's KTAP: selftests: swapscope: swapscope.sh fails (exit=1)" \
		"selftests: swapscope: swapscope.sh=FAIL"
	grep -qx 'not ok 1 selftests: swapscope: swapscope.sh # exit=1' "$out/nobase.runner.ktap" ||
		notok "no baseline: the runner's result line is not 'not ok 1 ... # exit=1'"
	# 05-shmem alone: what it diverges on fails, the rest of the
	# rules as it leaves them (not asserted), check fails.
	check_parse "$out/nobase.ktap" 1 \
		"no baseline, swapscope.sh's KTAP: 05-shmem passes, U3 and C1 diverge and fail, check fails" \
		"05-shmem=PASS" "Z1 .*" "Z2 .*" "Z3 .*" "Z4 .*" "F1 .*" "F2 .*" "S1 .*" "S2 .*" \
		"S3 .*" "S4 .*" "U1 .*" "U2 .*" "U3 diverges=FAIL" "P1 .*" "P2 .*" "P3 .*" \
		"C1 diverges=FAIL" "C2 .*" "C3 not-applicable=SKIP" "check=FAIL"
fi
exit $failed
