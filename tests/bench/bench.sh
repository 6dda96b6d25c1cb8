#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# swapscope: `make bench` — boot Debian's kernel once, time every workload without the module, with it and with bpftrace.
#
# Usage: tests/bench/bench.sh [--smoke]
#   Prints the table and writes build/bench.json (tests/bench/report.py).
#   --smoke: one round, tiny sizes, JSON to build/check/bench-smoke.json, and
#   "ok"/"not ok" lines checking that every workload ran under every
#   condition (make check); no timing is judged.
# Env: BENCH_ROUNDS (default 5), BENCH_ONLY, BENCH_CONDS, BENCH_SS_ARGS,
#      BENCH_FLOOR_ARGS (see guest-bench.sh), QEMU_ACCEL, VM_TIMEOUT
#      (default 5400), VM_BUILD
#      (the guest's files go to VM_BUILD/bench, default build/vm/bench).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/bench

smoke=0
case ${1:-} in
--smoke) smoke=1 ;;
"") ;;
*) echo "usage: $0 [--smoke]" >&2; exit 2 ;;
esac

# Build what the guest needs (setup.sh installs bpftrace among the rest).
"$top/tests/vm/setup.sh" >/dev/null
make -s -C "$top" module >/dev/null
make -s -C "$here" >/dev/null

# Its own VM directory, so the bench's console and initramfs never replace
# make check's; the kernel cache is shared.
vmbase=${VM_BUILD:-$top/build/vm}
mkdir -p "$vmbase/cache"
if [ $smoke = 1 ]; then
	vm=$vmbase/bench-smoke
	json=$top/build/check/bench-smoke.json
	append="BENCH_ROUNDS=1 BENCH_QUICK=1"
	timeout=${VM_TIMEOUT:-900}
else
	vm=$vmbase/bench
	json=$top/build/bench.json
	append="BENCH_ROUNDS=${BENCH_ROUNDS:-5}"
	timeout=${VM_TIMEOUT:-5400}
fi
mkdir -p "$vm" "$(dirname "$json")"
ln -sfn "$(cd "$vmbase/cache" && pwd)" "$vm/cache"
[ -z "${BENCH_ONLY:-}" ] || append+=" BENCH_ONLY=$BENCH_ONLY"
[ -z "${BENCH_CONDS:-}" ] || append+=" BENCH_CONDS=$BENCH_CONDS"
[ -z "${BENCH_SS_ARGS:-}" ] || append+=" BENCH_SS_ARGS=$BENCH_SS_ARGS"
[ -z "${BENCH_FLOOR_ARGS:-}" ] || append+=" BENCH_FLOOR_ARGS=$BENCH_FLOOR_ARGS"
# fork-256M keeps 256 MiB swapped; the default 512M zram is tight with the rest.
append+=" SS_ZRAM_SIZE=1G"

rc=0
VM_BUILD=$vm VM_TIMEOUT=$timeout VM_APPEND="$append ${VM_APPEND:-}" \
	BENCH_DIR=$here/bin WITH_BPFTRACE=1 WITH_STRESSNG=0 GUEST_SCRIPT=$here/guest-bench.sh \
	SWAPSCOPE_CLI='' SCENARIO_DIR='' INJECT_KO='' INJECT_DIR='' \
	"$top/tests/vm/run.sh" --ko "$top/swapscope.ko" || rc=1

echo "# bench: initramfs $(($(stat -c %s "$vm/initramfs.cpio.gz") >> 20)) MiB" \
	"(bpftrace and its libraries appended uncompressed)"
args=(--accel "${QEMU_ACCEL:-tcg}" --out "$json")
[ $smoke = 0 ] || args+=(--check)
python3 "$here/report.py" "${args[@]}" "$vm/console.log" || rc=1
exit $rc
