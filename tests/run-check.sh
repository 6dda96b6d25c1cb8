#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# swapscope: `make check` — host unit tests once, then for each Debian kernel
# the module build, the install/DKMS tests, the VM integration tests and the
# bench smoke, each kernel in boots of its own; the last line of output is
# "N passed, M failed, K skipped" over everything.  A last stage, make
# matrix over the same kernels, checks that they give the same verdicts.
#
# Env: SS_KERNELS  the kernel series to test, in turn (default: every supported
#                  one, module/uapi/swapscope.h's SWAPSCOPE_KERNELS, "6.1 6.12");
#                  e.g. SS_KERNELS=6.12 for one.  Each kernel's test lines
#                  carry it: "ok - [6.12] load swapscope".
#      KDIR        test the one kernel of those headers instead (KERNEL, a
#                  bzImage to boot, goes with it or with a single series)
#      VM_BUILD    base of the VM files (default build/vm): VM_BUILD/SERIES
# Stage logs: build/check/STAGE.log (stages vm-6.12, install-6.1...); the
# modules of each release are built in build/KVER/.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/check
mkdir -p "$out"
: >"$out/results.txt"

if [ -n "${KDIR:-}" ]; then
	kernels=kdir
else
	kernels=${SS_KERNELS:-$("$top/tests/vm/setup.sh" --list)}
	# shellcheck disable=SC2086 # a list
	set -- $kernels
	if [ -n "${KERNEL:-}" ] && [ $# -ne 1 ]; then
		echo "run-check.sh: KERNEL=$KERNEL boots one kernel: set SS_KERNELS to its series" >&2
		exit 2
	fi
fi
vmbase=${VM_BUILD:-$top/build/vm}
user_kernel=${KERNEL:-}

# Every test line of every stage lands in results.txt; the summary counts
# them (grep -a: a line may carry a byte a test wrote, see run.sh).  With
# a tag (the kernel's series), the stage's test lines carry it:
# "ok - [6.12] ...".
tag=
stage() {
	local name=$1; shift
	echo "== $name"
	"$@" 2>&1 | sed "${tag:+s/^\(ok\|not ok\|skip\) - /\1 - [$tag] /}" |
		tee "$out/$name.log" | grep -aE '^(ok|not ok|skip)\b' >>"$out/results.txt"
	local rc=${PIPESTATUS[0]}
	grep -aE '^(ok|not ok|skip|#)' "$out/$name.log" || true
	if [ "$rc" -ne 0 ] && ! grep -aq '^not ok' "$out/$name.log"; then
		result "not ok - ${tag:+[$tag] }$name stage failed with exit $rc (see build/check/$name.log)"
	fi
}
result() { echo "$1" | tee -a "$out/results.txt"; }
# passed DESC: a test line "ok - [TAG] DESC..." is in the results.
passed() {
	awk -v p="ok - ${tag:+[$tag] }$1" 'index($0, p) == 1 { f = 1 } END { exit !f }' \
		"$out/results.txt"
}

# Kernel-independent: the static CLI, the scenarios, the injection programs.
build_common() {
	set -e
	make -C "$top/userspace" STATIC=1
	make -C "$top/tests/scenarios"
	# Test-only fault injection programs (the module is per kernel).
	make -C "$top/tests/inject" progs
	echo "ok - build: static CLI, scenarios and fault injection programs"
}
# The kernel's modules, each from a copy under build/KVER/; a failure
# names its first error.
build_kernel() {
	local m ko log=$out/.build-$tag.make.log
	for m in swapscope inject; do
		ko=swapscope.ko
		[ $m = swapscope ] || ko=tests/inject/ssinject.ko
		if "$top/tests/vm/build-modules.sh" "$mods" "$m" >"$log" 2>&1; then
			echo "ok - build: $ko for $KVER"
		else
			echo "not ok - build: $ko for $KVER: $(grep -a -m 1 -E 'error|Error' "$log")"
			grep -a -m 8 -E 'error' "$log" | sed 's/^/# /'
		fi
		cat "$log"
	done
	rm -f "$log"
}

stage build build_common
stage unit "$top/tests/unit/run.sh"

dur() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }
times=()
for k in $kernels; do
	tag=$k
	# The kernel: its headers and image, resolved and fetched once here;
	# every stage below gets the same KDIR, KERNEL and VM_BUILD.
	t=$(date +%s.%N)
	if [ "$k" = kdir ]; then
		env=$("$top/tests/vm/setup.sh" 2>"$out/setup-kdir.log")
	else
		env=$(KDIR='' KERNEL=$user_kernel SS_KERNEL=$k VM_BUILD="$vmbase/$k" \
			"$top/tests/vm/setup.sh" 2>"$out/setup-$k.log")
	fi || {
		result "not ok - [$k] setup: tests/vm/setup.sh failed (see build/check/setup-$k.log)"
		tail -n 5 "$out/setup-$k.log"
		continue
	}
	eval "$env"
	tag=$SS_KERNEL
	if [ "$k" = kdir ]; then
		mv "$out/setup-kdir.log" "$out/setup-$tag.log"
		VM_BUILD=$vmbase/$tag
	fi
	export KVER KDIR KERNEL MODROOT VM_BUILD SS_KERNEL
	mods=$top/build/$KVER
	echo "# $tag: $KVER, headers $KDIR"

	stage "build-$tag" build_kernel
	if ! grep -aq '^ok - build: static CLI' "$out/results.txt" ||
	   ! passed "build: swapscope.ko"; then
		result "not ok - [$tag] install, vm and bench-smoke tests not run: the build failed"
		times+=("$tag: setup and build $(dur "$t" "$(date +%s.%N)") s, build failed")
		continue
	fi
	# Without ssinject.ko (its build failed, a not ok above) the guest
	# runs everything but the fault injection.
	inject=()
	passed "build: tests/inject/ssinject.ko" &&
		inject=(--inject-ko "$mods/tests/inject/ssinject.ko" --inject-dir "$top/tests/inject/bin")
	# make install/uninstall into a DESTDIR, dkms add/build/install/remove
	# for these headers, refusals of kernels without kprobes/debugfs.
	t1=$(date +%s.%N)
	stage "install-$tag" "$top/tests/install/check.sh"
	t2=$(date +%s.%N)
	stage "vm-$tag" "$top/tests/vm/run.sh" --ko "$mods/swapscope.ko" \
		--cli "$top/userspace/swapscope" \
		--scenarios "$top/tests/scenarios/bin" "${inject[@]}"
	# report_warn=1's WARNING reports, in a boot of their own: the vm
	# stage's kernel log must stay free of WARNINGs.
	tw=$(date +%s.%N)
	stage "warn-$tag" env SS_EXPECT_WARN=1 WITH_STRESSNG=0 VM_BUILD="$VM_BUILD/warn" \
		"$top/tests/vm/run.sh" --ko "$mods/swapscope.ko" \
		--scenarios "$top/tests/scenarios/bin" --script "$top/tests/vm/guest-warn.sh"
	# make bench in one round with tiny sizes, so it cannot rot: a boot
	# of its own (the bpftrace initramfs), about a minute under TCG.
	t3=$(date +%s.%N)
	stage "bench-smoke-$tag" "$top/tests/bench/bench.sh" --smoke
	t4=$(date +%s.%N)
	# The kselftest collection as kernel CI runs it: installed by the
	# kernel's lib.mk, run by its runner in a boot of its own, read by
	# its KTAP parser (tests/vm/kselftest.sh).
	stage "kselftest-$tag" "$top/tests/vm/kselftest.sh" --ko "$mods/swapscope.ko"
	t5=$(date +%s.%N)
	times+=("$tag: setup and build $(dur "$t" "$t1") s, install $(dur "$t1" "$t2") s, vm $(dur "$t2" "$tw") s, warn $(dur "$tw" "$t3") s, bench-smoke $(dur "$t3" "$t4") s, kselftest $(dur "$t4" "$t5") s")
	echo "# guest logs: ${VM_BUILD#"$top/"}/console.log ${VM_BUILD#"$top/"}/dmesg.log"
done
tag=

# The regression gate over the Debian kernels tested above: make matrix
# (tests/matrix/run.sh), one more boot per kernel with the modules and
# payload built above, must find no verdict change that
# tests/matrix/expected does not list (it lists none between 6.1 and
# 6.12), and build/matrix.json must have its documented shape and the
# stock picture.
matrix_check() {
	local rc
	"$top/tests/matrix/run.sh" "$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok - matrix: $* exits 0 with tests/matrix/expected (no unexpected verdict change)"
	else
		echo "not ok - matrix: $* exits $rc with tests/matrix/expected (see build/check/matrix.log)"
	fi
	python3 "$top/tests/matrix/check-json.py" "$top/build/matrix.json" "$@" --stock
}
if [ "$kernels" = kdir ] || [ -n "$user_kernel" ]; then
	result "skip - matrix: KDIR or KERNEL given (the matrix boots Debian's kernels: make matrix)"
else
	t=$(date +%s.%N)
	# shellcheck disable=SC2086 # a list
	stage matrix matrix_check $kernels
	times+=("matrix: $(dur "$t" "$(date +%s.%N)") s")
fi

for t in "${times[@]}"; do echo "# time $t"; done
pass=$(grep -ac '^ok' "$out/results.txt")
fail=$(grep -ac '^not ok' "$out/results.txt")
skip=$(grep -ac '^skip' "$out/results.txt")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
