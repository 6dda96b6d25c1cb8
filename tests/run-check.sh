#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# swapscope: `make check` — host unit tests, then the VM integration tests
# with Debian's kernel; the last line of output is "N passed, M failed[, K skipped]".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/check
mkdir -p "$out"
: >"$out/results.txt"

# Every test line of every stage lands in results.txt; the summary counts them.
stage() {
	local name=$1; shift
	echo "== $name"
	"$@" 2>&1 | tee "$out/$name.log" | grep -E '^(ok|not ok|skip)\b' >>"$out/results.txt"
	local rc=${PIPESTATUS[0]}
	grep -E '^(ok|not ok|skip|#)' "$out/$name.log" || true
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out/$name.log"; then
		echo "not ok - $name stage failed with exit $rc (see build/check/$name.log)" |
			tee -a "$out/results.txt"
	fi
}

build() {
	set -e
	"$top/tests/vm/setup.sh" >/dev/null
	make -C "$top" module
	make -C "$top/userspace" STATIC=1
	make -C "$top/tests/scenarios"
	# Test-only fault injection: ssinject.ko and its programs, never shipped.
	make -C "$top/tests/inject"
	echo "ok - build: module, static CLI, scenarios and fault injection"
}

stage build build
stage unit "$top/tests/unit/run.sh"
# make install/uninstall into a DESTDIR, dkms add/build/install/remove for
# the headers the VM uses, refusals of kernels without kprobes/debugfs.
if grep -q '^ok - build' "$out/results.txt"; then
	stage install "$top/tests/install/check.sh"
else
	echo "not ok - install tests not run: the build failed" | tee -a "$out/results.txt"
fi
if grep -q '^ok - build' "$out/results.txt"; then
	stage vm "$top/tests/vm/run.sh" --ko "$top/swapscope.ko" \
		--cli "$top/userspace/swapscope" \
		--scenarios "$top/tests/scenarios/bin" \
		--inject-ko "$top/tests/inject/ssinject.ko" \
		--inject-dir "$top/tests/inject/bin"
	# make bench in one round with tiny sizes, so it cannot rot: a boot
	# of its own (the bpftrace initramfs), about a minute under TCG.
	stage bench-smoke "$top/tests/bench/bench.sh" --smoke
else
	echo "not ok - vm tests not run: the build failed" | tee -a "$out/results.txt"
fi

pass=$(grep -c '^ok' "$out/results.txt")
fail=$(grep -c '^not ok' "$out/results.txt")
skip=$(grep -c '^skip' "$out/results.txt")
echo "guest logs: build/vm/console.log build/vm/dmesg.log"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
