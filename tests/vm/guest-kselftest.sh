#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest /run.sh of the kselftest stage: the installed collection through the kernel's run_kselftest.sh, twice.
#
# /kselftest is the tree `make -C tools/testing/selftests TARGETS=swapscope
# install` wrote (tests/vm/kselftest.sh).  Each run's output goes to the
# console between "=====KSELFTEST-BEGIN NAME=====" and "...-END NAME=====",
# every line prefixed "ksft| " (a runner's "not ok" must not read as one of
# this harness's test lines); the host parses it with the kernel's KTAP
# parser.  What can only be seen here (what swapscope.sh left behind) is
# checked here, as "ok - " / "not ok - " lines.
#   stock    every scenario, the shipped stock baseline: passes
#   nobase   05-shmem alone, SWAPSCOPE_BASELINE=none: fails on its divergences
set -u
k=/kselftest
failed=0
notok() { echo "not ok - $*"; failed=1; }

# The runner writes to /dev/stdout, a link udev makes on a real system;
# devtmpfs has none, and the runner would write to a file of that name.
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr

# Off, as on a test machine without swap: swapscope.sh sets up a zram
# swap of its own, and must take it down again.
swapoff -a
if [ "$(wc -l < /proc/swaps)" -eq 1 ]; then
	echo "ok - kselftest: swap off before the runs"
else
	notok "kselftest: swapoff -a left $(sed 1d /proc/swaps)"
fi
echo 3 > /proc/sys/vm/page-cluster

# run NAME [VAR=VALUE...]: run_kselftest.sh -c swapscope in that environment.
# Through a pipe: the runner appends to /dev/stdout, which on a file
# would write over its own earlier lines.
run() {
	name=$1
	shift
	echo "=====KSELFTEST-BEGIN $name====="
	start=$(date +%s)
	(cd "$k" && env "$@" ./run_kselftest.sh -c swapscope 2>&1; echo "rc=$?") |
		sed 's/^/ksft| /'
	echo "=====KSELFTEST-END $name====="
	echo "# kselftest: run $name took $(($(date +%s) - start)) s"
	# What swapscope.sh must have undone.
	if [ "$(wc -l < /proc/swaps)" -eq 1 ]; then
		echo "ok - kselftest $name: its zram swap is off again"
	else
		notok "kselftest $name: swap left on: $(sed 1d /proc/swaps)"
	fi
	if [ ! -d /sys/kernel/debug/swapscope ] && ! grep -q '^swapscope ' /proc/modules; then
		echo "ok - kselftest $name: swapscope unloaded"
	else
		notok "kselftest $name: swapscope still loaded"
	fi
	if [ "$(cat /proc/sys/vm/page-cluster)" = 3 ]; then
		echo "ok - kselftest $name: vm.page-cluster restored"
	else
		notok "kselftest $name: vm.page-cluster is $(cat /proc/sys/vm/page-cluster), was 3"
	fi
}

run stock SWAPSCOPE_SCENARIO_TIMEOUT="${SS_SCENARIO_TIMEOUT:-300}"
run nobase SWAPSCOPE_BASELINE=none KSELFTEST_SWAPSCOPE_SH_ARGS=05-shmem
exit $failed
