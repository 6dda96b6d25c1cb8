#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# swapscope kselftest: load the module, run the scenario programs, judge the 19 rules; KTAP out.
#
# Usage: swapscope.sh [SCENARIO...]   default: every NN-* program beside it
#   (the runner passes KSELFTEST_SWAPSCOPE_SH_ARGS as the arguments)
# Env: SWAPSCOPE_BASELINE  the known divergences (default: stock.baseline
#                          beside it, Debian 12's stock kernels'); "none"
#                          judges without one, so every divergence fails
#      SWAPSCOPE_KO        the module (default: swapscope.ko beside it,
#                          else "modprobe swapscope")
#      SWAPSCOPE_ZRAM_SIZE the zram swap set up when no swap is on (512M)
#      SWAPSCOPE_SCENARIO_TIMEOUT  seconds per scenario (default 300)
# KTAP version 1: one test per scenario, then "rules", whose subtests are
# `swapscope check --ktap`'s (one per rule, then "check", the gate).
# Exit 0 all passed, 1 a failure, 4 (kselftest's skip) when this machine
# cannot run it: not root, no kprobes or debugfs, no module, no swap.
# Whatever it set up (module, zram swap, vm.page-cluster) it undoes.

ksft_skip=4
here=$(cd "$(dirname "$0")" && pwd)
dbg=/sys/kernel/debug
ss=$dbg/swapscope
cli=$here/swapscope
limit=${SWAPSCOPE_SCENARIO_TIMEOUT:-300}

loaded=
zram_dev=
zram_mod=
cluster=
work=
dbg_mounted=

diag() { sed 's/^/# /'; }
skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit "$ksft_skip"
}

# --- undo what was set up, on every exit ---------------------------------
# An open debugfs file pins the module and rmmod says EAGAIN: retry 10 s.
# shellcheck disable=SC2317 # called from the EXIT trap
unload() {
	n=0
	until rmmod swapscope 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || { rmmod swapscope 2>&1 | diag; return 1; }
		sleep 0.1
	done
}
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	[ -n "$loaded" ] && { unload || echo "# cleanup: swapscope would not unload"; }
	if [ -n "$zram_dev" ]; then
		swapoff "/dev/$zram_dev" 2>&1 | diag
		echo 1 > "/sys/block/$zram_dev/reset" 2>/dev/null
		[ -w /sys/class/zram-control/hot_remove ] && [ "$zram_dev" != zram0 ] &&
			echo "${zram_dev#zram}" > /sys/class/zram-control/hot_remove 2>/dev/null
		[ -n "$zram_mod" ] && rmmod zram 2>/dev/null
	fi
	[ -n "$cluster" ] && echo "$cluster" > /proc/sys/vm/page-cluster
	[ -n "$work" ] && rm -rf "$work"
	[ -n "$dbg_mounted" ] && umount "$dbg"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- can this machine run it? --------------------------------------------
[ "$(id -u)" -eq 0 ] || skip_all "must be run as root"
if [ ! -d "$dbg/kprobes" ] && ! grep -qs " $dbg debugfs " /proc/mounts; then
	mount -t debugfs debugfs "$dbg" 2>/dev/null ||
		skip_all "debugfs is not mounted and cannot be (CONFIG_DEBUG_FS)"
	dbg_mounted=1
fi
[ -d "$dbg/kprobes" ] || skip_all "no kprobes on this kernel (CONFIG_KPROBES)"
[ "$(cat "$dbg/kprobes/enabled" 2>/dev/null)" = 1 ] ||
	skip_all "kprobes are disabled ($dbg/kprobes/enabled)"
[ -x "$cli" ] || skip_all "$cli missing: build the collection (make)"

# The module: given, beside this script, or installed.  One built for
# another kernel is this machine's problem, not a test failure.
ko=${SWAPSCOPE_KO:-$here/swapscope.ko}
if [ -d "$ss" ]; then
	# Loaded by someone else: judged from a reset, left loaded.
	echo reset > "$ss/control" || skip_all "swapscope is loaded and cannot be reset"
	how="already loaded, reset"
elif [ -f "$ko" ]; then
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	[ -z "$vermagic" ] || [ "$vermagic" = "$(uname -r)" ] ||
		skip_all "$ko is built for $vermagic, this kernel is $(uname -r)"
	err=$(insmod "$ko" 2>&1) || {
		echo "# insmod $ko: $err"
		dmesg | tail -n 5 | diag
		echo "KTAP version 1"
		echo "1..1"
		echo "not ok 1 load swapscope"
		exit 1
	}
	loaded=1
	how="insmod $ko"
elif modprobe -q swapscope 2>/dev/null; then
	loaded=1
	how="modprobe swapscope"
else
	skip_all "no swapscope.ko beside $0 and no installed module (modprobe swapscope)"
fi
[ -r "$ss/rules" ] || { echo "# $ss/rules missing after $how"; exit 1; }

# Swap: what is on, else a zram device of our own.
if [ "$(wc -l < /proc/swaps)" -le 1 ]; then
	if [ ! -d /sys/class/zram-control ]; then
		modprobe zram num_devices=1 2>/dev/null ||
			skip_all "no swap on, and no zram to set one up (CONFIG_ZRAM)"
		zram_mod=1
	fi
	if [ -r /sys/class/zram-control/hot_add ] && [ "$(cat /sys/block/zram0/disksize 2>/dev/null)" != 0 ]; then
		zram_dev=zram$(cat /sys/class/zram-control/hot_add)
	else
		zram_dev=zram0
	fi
	{ echo "${SWAPSCOPE_ZRAM_SIZE:-512M}" > "/sys/block/$zram_dev/disksize" &&
	  mkswap "/dev/$zram_dev" >/dev/null && swapon "/dev/$zram_dev"; } 2>/dev/null ||
		skip_all "no swap on, and a zram swap on $zram_dev could not be set up"
	swap_how="zram swap on /dev/$zram_dev, set up for this run"
else
	swap_how="swap already on: $(sed -n 2p /proc/swaps | tr -s ' \t' ' ')"
fi
# Swap-ins one page at a time: each fault maps the entry a scenario expects.
cluster=$(cat /proc/sys/vm/page-cluster)
echo 0 > /proc/sys/vm/page-cluster

if [ $# -gt 0 ]; then
	scenarios=$*
else
	scenarios=$(cd "$here" && ls -d [0-9][0-9]-* 2>/dev/null)
fi
[ -n "$scenarios" ] || { echo "# no scenario programs beside $0: build the collection (make)"; exit 1; }

baseline=${SWAPSCOPE_BASELINE:-$here/stock.baseline}
[ "$baseline" = none ] || [ -r "$baseline" ] ||
	{ echo "# baseline $baseline not readable"; exit 1; }

# run_bounded PROG LIMIT DIR, group_alive, kill_group: nothing else
# starts or ends in the system while a scenario runs.
# shellcheck source=tests/kselftest/run-bounded.sh
. "$here/run-bounded.sh"

# --- the run ---------------------------------------------------------------
echo "KTAP version 1"
echo "1..$(($(echo "$scenarios" | wc -w) + 1))"
echo "# swapscope: $how; $(sed -n 's/^module=/module /p;s/^build=/build /p' "$ss/version" | tr '\n' ' ')on $(uname -r)"
echo "# $swap_how"
work=$(mktemp -d)
failed=0
n=0
for s in $scenarios; do
	n=$((n + 1))
	name=${s##*/}
	prog=$s
	case $prog in /*) ;; *) prog=$here/$prog ;; esac
	if [ ! -x "$prog" ]; then
		echo "# $name: $prog is not an executable"
		echo "not ok $n $name"
		failed=1
		continue
	fi
	mkdir -p "$work/$name"
	# Each in an empty directory.  Its output to a file, shown afterwards: a
	# scenario counts every zap and exit in the system, and the pipes of
	# a live relay (here and in the runner) would wake processes up in
	# its windows.
	(cd "$work/$name" && run_bounded "$prog" "$limit" "$work" > "$work/$name.out" 2>&1)
	rc=$?
	diag < "$work/$name.out"
	if [ -e "$work/.timeout" ]; then
		echo "not ok $n $name # TIMEOUT $limit seconds"
		failed=1
	elif [ "$rc" -ne 0 ] || grep -q '^not ok' "$work/$name.out"; then
		echo "not ok $n $name # exit=$rc"
		failed=1
	elif grep -q '^ok ' "$work/$name.out"; then
		echo "ok $n $name"
	elif grep -q '^skip ' "$work/$name.out"; then
		echo "ok $n $name # SKIP $(sed -n 's/^skip - [^(]*(\(.*\))$/\1/p' "$work/$name.out" | head -n 1)"
	else
		echo "not ok $n $name # no results"
		failed=1
	fi
done

# The rules, as a subtest of their own: check --ktap's document, one
# level (two spaces) in.
n=$((n + 1))
if [ "$baseline" = none ]; then
	echo "# rules: swapscope check --ktap, no baseline"
	"$cli" check --ktap > "$work/check.out" 2> "$work/check.err"
else
	echo "# rules: swapscope check --ktap --baseline $baseline"
	"$cli" check --ktap --baseline "$baseline" > "$work/check.out" 2> "$work/check.err"
fi
rc=$?
sed 's/^/  /' "$work/check.out"
diag < "$work/check.err"
case $rc in
0) echo "ok $n rules" ;;
1) echo "not ok $n rules"; failed=1 ;;
*) echo "not ok $n rules # swapscope check exit=$rc"; failed=1 ;;
esac
exit $failed
