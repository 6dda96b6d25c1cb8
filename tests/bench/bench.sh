#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# swapscope: `make bench` — boot Debian's kernel once, time every workload without the module, with it and with bpftrace.
#
# Usage: tests/bench/bench.sh [--smoke]
#   Prints the table and writes build/bench-SERIES.json (tests/bench/report.py),
#   for each kernel in turn, one boot each.
#   --smoke: one round, tiny sizes, JSON to build/check/bench-smoke-SERIES.json,
#   and "ok"/"not ok" lines checking that every workload ran under every
#   condition (make check); no timing is judged.
# Env: SS_KERNELS (default: every supported one, "6.1 6.12"): the kernel
#      series to run, in turn;
#      KDIR: the one kernel of those headers instead (as setup.sh; make
#      check runs the smoke so, for each of its kernels);
#      BENCH_ROUNDS (default 5), BENCH_ONLY, BENCH_CONDS, BENCH_SS_ARGS,
#      BENCH_FLOOR_ARGS (see guest-bench.sh), QEMU_ACCEL, VM_TIMEOUT
#      (default 5400), VM_BUILD (the guest's files go to VM_BUILD/bench or
#      bench-smoke; VM_BUILD is setup.sh's, build/vm/SERIES, and with
#      SS_KERNELS a base: VM_BUILD/SERIES/bench).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/bench

smoke=0
case ${1:-} in
--smoke) smoke=1 ;;
"") ;;
*) echo "usage: $0 [--smoke]" >&2; exit 2 ;;
esac

# bench_kernel: one boot of the kernel setup.sh picks from the environment.
bench_kernel() {
	# setup.sh installs bpftrace among the rest, and fetches the kernel.
	local env
	env=$("$top/tests/vm/setup.sh") || return 1
	eval "$env"
	export KVER KDIR KERNEL MODROOT SS_KERNEL
	# The modules from copies under build/KVER (tests/vm/build-modules.sh);
	# the workloads and the floor module in build/KVER/bench, with the
	# floor module put there first, so tests/bench's Makefile does not
	# build it in the tree.
	local mods=$top/build/$KVER bin=$top/build/$KVER/bench
	mkdir -p "$mods"
	"$top/tests/vm/build-modules.sh" "$mods" swapscope floor >"$mods/bench-build.log" 2>&1 ||
		{ cat "$mods/bench-build.log" >&2; return 1; }
	mkdir -p "$bin"
	cp "$mods/tests/bench/floor/ssfloor.ko" "$bin/ssfloor.ko" || return 1
	make -s -C "$here" O="$bin" KDIR="$KDIR" >/dev/null || return 1

	# Its own VM directory, so the bench's console and initramfs never
	# replace make check's; the kernel cache is shared (VM_CACHE).
	local vm json append timeout rc=0
	if [ $smoke = 1 ]; then
		vm=$VM_BUILD/bench-smoke
		json=$top/build/check/bench-smoke-$SS_KERNEL.json
		append="BENCH_ROUNDS=1 BENCH_QUICK=1"
		timeout=${VM_TIMEOUT:-900}
	else
		vm=$VM_BUILD/bench
		json=$top/build/bench-$SS_KERNEL.json
		append="BENCH_ROUNDS=${BENCH_ROUNDS:-5}"
		timeout=${VM_TIMEOUT:-5400}
	fi
	mkdir -p "$vm" "$(dirname "$json")"
	[ -z "${BENCH_ONLY:-}" ] || append+=" BENCH_ONLY=$BENCH_ONLY"
	[ -z "${BENCH_CONDS:-}" ] || append+=" BENCH_CONDS=$BENCH_CONDS"
	[ -z "${BENCH_SS_ARGS:-}" ] || append+=" BENCH_SS_ARGS=$BENCH_SS_ARGS"
	[ -z "${BENCH_FLOOR_ARGS:-}" ] || append+=" BENCH_FLOOR_ARGS=$BENCH_FLOOR_ARGS"
	# fork-256M keeps 256 MiB swapped; the default 512M zram is tight with the rest.
	append+=" SS_ZRAM_SIZE=1G"

	VM_BUILD=$vm VM_TIMEOUT=$timeout VM_APPEND="$append ${VM_APPEND:-}" \
		BENCH_DIR=$bin WITH_BPFTRACE=1 WITH_STRESSNG=0 GUEST_SCRIPT=$here/guest-bench.sh \
		SWAPSCOPE_CLI='' SCENARIO_DIR='' INJECT_KO='' INJECT_DIR='' \
		"$top/tests/vm/run.sh" --ko "$mods/swapscope.ko" || rc=1

	echo "# bench: initramfs $(($(stat -c %s "$vm/initramfs.cpio.gz") >> 20)) MiB" \
		"(bpftrace and its libraries appended uncompressed)"
	local args=(--accel "${QEMU_ACCEL:-tcg}" --out "$json")
	[ $smoke = 0 ] || args+=(--check)
	python3 "$here/report.py" "${args[@]}" "$vm/console.log" || rc=1
	return $rc
}

rc=0
if [ -n "${KDIR:-}" ]; then
	bench_kernel || rc=1
else
	kernels=${SS_KERNELS:-$("$top/tests/vm/setup.sh" --list)}
	# shellcheck disable=SC2086 # a list
	set -- $kernels
	if [ -n "${KERNEL:-}" ] && [ $# -ne 1 ]; then
		echo "bench.sh: KERNEL=$KERNEL boots one kernel: set SS_KERNELS to its series" >&2
		exit 2
	fi
	for k in $kernels; do
		echo "# bench: Debian $k"
		(SS_KERNEL=$k VM_BUILD=${VM_BUILD:-$top/build/vm}/$k bench_kernel) || rc=1
	done
fi
exit $rc
