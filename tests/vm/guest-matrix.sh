#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script for make matrix (/run.sh): load swapscope, run the scenarios once, print the baseline they leave.
#
# Only the scenarios (/scenarios/*): not the fault injection, which
# corrupts swap counts on purpose, nor the stress stages, whose verdicts
# depend on timing.  What the rules say afterwards is the kernel's
# picture; `swapscope baseline save` writes it and it goes to the console
# between =====BASELINE-BEGIN===== and =====BASELINE-END=====, where
# tests/matrix/run.sh takes it.
#
# A scenario's own assertions hold the figures of Debian's stock kernels;
# on another kernel some may fail and still leave a baseline worth
# comparing (that is the point of the matrix).  So a scenario's failure
# is reported as "# matrix: scenario NAME failed ..." and the program's
# lines as "# " lines, never as a failing test; only what leaves no
# baseline (the module does not load, baseline save fails) is a "not ok".
set -u

ko=/swapscope/swapscope.ko
mod=swapscope
dbg=/sys/kernel/debug/swapscope
# shellcheck disable=SC2034 # read by /scenario-run.sh's run_bounded
limit=${SS_SCENARIO_TIMEOUT:-120}
failed=0

notok() { echo "not ok - $*"; failed=1; }
# shellcheck disable=SC2317 # called by /scenario-run.sh
kmsg() { echo "swapscope-test: $*" > /dev/kmsg; }

# shellcheck source=tests/vm/scenario-run.sh
. /scenario-run.sh

echo "# matrix: kernel $(uname -r)"
if ! err=$(insmod "$ko" 2>&1); then
	notok "matrix: insmod $ko: $err"
	dmesg | tail -n 5 | sed 's/^/# /'
	exit 1
fi
echo "ok - matrix: load $mod on $(uname -r)"
# A probe that could not be placed (a function inlined or renamed in a
# kernel built from source) leaves its rules unjudged: say which.
if [ -r "$dbg/probes" ]; then
	echo "# matrix: probes active: $(grep -c ' state=active ' "$dbg/probes") of $(grep -c '^probe=' "$dbg/probes")"
	sed -n 's/^probe=\([^ ]*\) symbol=\([^ ]*\) .*state=unavailable.* reason=\([^ ]*\).*/# matrix: probe \1 (\2) unavailable: \3/p' "$dbg/probes"
fi

ran=0 bad=''
for s in /scenarios/*; do
	if [ ! -f "$s" ] || [ ! -x "$s" ]; then continue; fi
	name=${s##*/}
	failed=0
	run_program "$s" > /tmp/.matrix.prog 2>&1
	ran=$((ran + 1))
	sed 's/^/# /' /tmp/.matrix.prog
	if [ $failed -ne 0 ]; then
		bad="$bad $name"
		echo "# matrix: scenario $name failed: $(grep -c '^not ok' /tmp/.matrix.prog) failing assertions (its figures are the stock kernels'; the verdicts below are what this kernel did)"
	fi
done
failed=0
echo "# matrix: scenarios: $ran ran, failed:${bad:- none}"

if [ -x /bin/swapscope ] && swapscope baseline save /tmp/matrix.baseline > /tmp/.matrix.save 2>&1; then
	echo "ok - matrix: baseline saved on $(uname -r)"
	echo "=====BASELINE-BEGIN====="
	cat /tmp/matrix.baseline
	echo "=====BASELINE-END====="
else
	notok "matrix: swapscope baseline save failed: $(cat /tmp/.matrix.save 2>/dev/null)"
fi
echo "SCENARIOS-FAILED=${bad# }"
rmmod "$mod" 2>/dev/null || echo "# matrix: rmmod $mod failed (the baseline is saved)"
exit $failed
