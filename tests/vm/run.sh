#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot Debian's kernel (SS_KERNEL) in QEMU with the swapscope payload, relay the guest's test lines, check its kernel log.
#
# Usage: tests/vm/run.sh [--ko FILE] [--cli FILE] [--scenarios DIR] [--script FILE]
#                        [--inject-ko FILE] [--inject-dir DIR]
#   The options set SWAPSCOPE_KO, SWAPSCOPE_CLI, SCENARIO_DIR, GUEST_SCRIPT,
#   INJECT_KO and INJECT_DIR, which may be given as env vars instead (see
#   mkinitramfs.sh).  GUEST_SCRIPT defaults to tests/vm/guest-check.sh; set
#   it empty to boot without one.
# Env: SS_KERNEL           the kernel series, 6.1 (default) or 6.12 (see setup.sh);
#                          the module given must be built for it
#      KERNEL, KDIR        guest bzImage / module build dir (see setup.sh)
#      QEMU_ACCEL          tcg,thread=single (default), tcg or kvm;
#                          QEMU_CPU overrides -cpu
#      VM_TIMEOUT          seconds for the whole VM run (default 900)
#      SS_SCENARIO_TIMEOUT seconds per scenario (default 120)
#      VM_APPEND           extra kernel command line
#      VM_VERBOSE=1        copy the whole serial console to stderr
#      VM_BUILD            output directory (default <repo>/build/vm/SERIES)
#      SS_EXPECT_WARN=1    the boot provokes swapscope's report_warn reports
#                          (tests/vm/guest-warn.sh): its WARNINGs, and only
#                          those, do not fail the kernel log check
# Prints the guest's "ok"/"not ok"/"skip"/"#" lines and its own verdicts;
# writes VM_BUILD/console.log and VM_BUILD/dmesg.log.  Exit 0 iff no "not ok".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The console is read as bytes: the kernel log holds whatever a test wrote
# to a debugfs file and the module echoed back (stress.sh writes \001,
# ESC[2J, \377 and the like), which GNU grep calls binary in a UTF-8
# locale: "binary file matches" on stderr, and nothing after that byte
# checked.  Hence LC_ALL=C and grep -a on the logs below.
export LC_ALL=C

die() { echo "run.sh: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--ko)		SWAPSCOPE_KO=$2 ;;
	--cli)		SWAPSCOPE_CLI=$2 ;;
	--scenarios)	SCENARIO_DIR=$2 ;;
	--script)	GUEST_SCRIPT=$2 ;;
	--inject-ko)	INJECT_KO=$2 ;;
	--inject-dir)	INJECT_DIR=$2 ;;
	*)		die "unknown argument '$1' (see the header of $0)" ;;
	esac
	[ $# -ge 2 ] || die "$1 needs a value"
	shift 2
done
GUEST_SCRIPT=${GUEST_SCRIPT-$here/guest-check.sh}
export SWAPSCOPE_KO=${SWAPSCOPE_KO:-} SWAPSCOPE_CLI=${SWAPSCOPE_CLI:-}
export SCENARIO_DIR=${SCENARIO_DIR:-} GUEST_SCRIPT
export INJECT_KO=${INJECT_KO:-} INJECT_DIR=${INJECT_DIR:-}

t0=$(date +%s.%N)
eval "$("$here/setup.sh")"
export KVER MODROOT VM_BUILD
initrd=$VM_BUILD/initramfs.cpio.gz
console=$VM_BUILD/console.log
dmesg=$VM_BUILD/dmesg.log
"$here/mkinitramfs.sh" "$initrd"

# --- QEMU ----------------------------------------------------------------
vm_timeout=${VM_TIMEOUT:-900}
# The guest stops /run.sh early enough to still dump dmesg and power off.
margin=60
[ "$vm_timeout" -ge 180 ] || margin=$((vm_timeout / 3))
# One host thread for both vCPUs.  Under multi-threaded TCG a vCPU can
# execute an int3 the kernel's text_poke_bp() has already taken out again
# (every kprobe arm and disarm, every tracepoint switched on or off): the
# kernel then dies with "Oops: int3", or returns to address 0 from an
# ftrace-site kprobe.  Measured: 6.12 crashed in 2 of 2 full runs, and a
# minimal one-kretprobe module crashes 6.1 and 6.12 within 40 load/unload
# cycles, as does a tracefs kprobe with no module; with thread=single, 150
# cycles and full runs were clean.  The vCPUs still interleave (the races
# the tests need happen), in turns instead of at once.
accel=${QEMU_ACCEL:-tcg,thread=single}
cpu=()
if [ -n "${QEMU_CPU:-}" ]; then
	cpu=(-cpu "$QEMU_CPU")
elif [ "${accel%%,*}" = tcg ]; then
	cpu=(-cpu max)
fi
# loglevel=4 keeps the console to errors and worse (oopses, BUG) so test
# lines stay readable; everything is still in the ring buffer, sized so a
# long run does not overwrite its beginning before the dump.
append="console=ttyS0 panic=-1 panic_on_warn=0 loglevel=4 log_buf_len=4M"
append+=" SS_RUN_TIMEOUT=$((vm_timeout - margin))"
append+=" SS_SCENARIO_TIMEOUT=${SS_SCENARIO_TIMEOUT:-120}"
append+=" ${VM_APPEND:-}"
# Two nodes with one single-core socket each: NUMA makes migration (and so
# migration entries) testable; one socket per node avoids the
# topology_sane WARNING that "-smp 2" alone triggers.
# shellcheck disable=SC2054 # the commas are QEMU's, not array separators
qemu=(qemu-system-x86_64 -accel "$accel" "${cpu[@]}"
	-m 2048 -smp 2,sockets=2,cores=1,threads=1
	-object memory-backend-ram,id=m0,size=1024M
	-object memory-backend-ram,id=m1,size=1024M
	-numa node,nodeid=0,cpus=0,memdev=m0
	-numa node,nodeid=1,cpus=1,memdev=m1
	-kernel "$KERNEL" -initrd "$initrd" -append "$append"
	-nographic -no-reboot -nic none)

# Save the console, relay test lines (but not the dmesg dump) as they come
# and note when the guest's tests start, for the boot time.  Done line by
# line here: a filter like tr would buffer and delay everything.
relay() {
	local line in_dmesg=0
	exec 3>"$console"
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >&3
		# What reaches a terminal shows control bytes as cat -v does
		# (an echoed ESC[2J would clear the screen); the log keeps them.
		[[ $line == *[$'\001'-$'\010'$'\013'-$'\037'$'\177']* ]] &&
			line=$(printf '%s' "$line" | cat -v)
		[ "${VM_VERBOSE:-0}" = 1 ] && printf '%s\n' "$line" >&2
		case $line in
		=====SWAPSCOPE-START=====) date +%s.%N > "$VM_BUILD/.started" ;;
		=====DMESG-BEGIN=====) in_dmesg=1 ;;
		=====DMESG-END=====) in_dmesg=0 ;;
		"ok "*|"not ok"*|"skip "*|"#"*) [ $in_dmesg = 1 ] || printf '%s\n' "$line" ;;
		esac
	done
}

rm -f "$VM_BUILD/.started"
# --foreground keeps QEMU in our process group, so killing run.sh's group
# (Ctrl-C, a CI cancel) takes the VM down too.
t1=$(date +%s.%N)
set +e
timeout --foreground -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | relay
qemu_rc=${PIPESTATUS[0]}
set -e
t2=$(date +%s.%N)

# --- verdicts ------------------------------------------------------------
failed=0
notok() { echo "not ok - $*"; failed=1; }

case $qemu_rc in
0) ;;
124|137) notok "VM timed out after ${vm_timeout}s" ;;
*) notok "qemu exited $qemu_rc (see $console)" ;;
esac

sed -n '/^=====DMESG-BEGIN=====$/,/^=====DMESG-END=====$/p' "$console" |
	sed '1d;/^=====DMESG-END=====$/d' > "$dmesg"
if ! grep -aqx '=====DMESG-BEGIN=====' "$console" ||
   ! grep -aqx '=====DMESG-END=====' "$console"; then
	notok "guest dmesg markers missing: guest crashed or timed out (see $console)"
fi

guest_rc=$(sed -n 's/^SWAPSCOPE-RC=\([0-9]*\)$/\1/p' "$console" | head -n 1)
if [ -z "$guest_rc" ]; then
	notok "guest printed no SWAPSCOPE-RC: /run.sh did not finish"
elif [ "$guest_rc" -ne 0 ] && ! grep -aq '^not ok' "$console"; then
	notok "guest script exited $guest_rc without a failing test"
fi

# The dmesg dump, plus console lines that are not the guest's test output
# (the console holds the only trace of a guest that died before the dump).
bad='BUG:|WARNING:|Oops|Kernel panic|general protection|Bad rss-counter|swap_info_get|Call Trace|hung_task|lockdep|swapscope: (ERROR|load failed|no probe|probe .* unavailable|invalid |rule [A-Z][0-9] disabled itself)'
# Expected for an out-of-tree, unsigned module; not a kernel problem.
benign='loading out-of-tree module taints kernel|module verification failed|Command line:'
# Tests that provoke swapscope's own error messages on purpose (a bad
# module parameter, a missing symbol) bracket them with these markers;
# only swapscope's lines inside the brackets are excused.  Between the
# expect-oom markers (stress.sh's memory pressure test) the OOM killer's
# reports are expected: only their stack dumps' "Call Trace:" is excused.
# Between the expect-selfdisable markers (guest-check.sh's self-disable
# test, run with warn_on_fail=0) a rule disabling itself is expected: its
# "swapscope: rule X disabled itself" lines are excused, nothing else (a
# WARNING there fails the run like any other).  With SS_EXPECT_WARN=1 a
# report of report_warn=1 is excused, from its WARNING line (at the
# reporting function of one rule, ss_rule_XX_diverges) to its end-of-trace
# line; any other WARNING still fails.
expected_errors() {
	awk -v warn="${SS_EXPECT_WARN:-0}" '
	     warn == 1 && /WARNING: CPU: [0-9]+ PID: [0-9]+ at .* ss_rule_[A-Z][0-9]_diverges\+0x/ { rep = 1 }
	     rep { if (/---\[ end trace /) rep = 0; next }
	     /swapscope-test: expect-errors-begin/ { skip = 1 }
	     /swapscope-test: expect-errors-end/ { skip = 0 }
	     /swapscope-test: expect-oom-begin/ { oom = 1 }
	     /swapscope-test: expect-oom-end/ { oom = 0 }
	     /swapscope-test: expect-selfdisable-begin/ { sd = 1 }
	     /swapscope-test: expect-selfdisable-end/ { sd = 0 }
	     sd && /swapscope: rule [A-Z][0-9] disabled itself: / { next }
	     !(skip && /swapscope: /) && !(oom && /Call Trace:/)' "${1:--}"
}
# On the console a kernel message can land in the middle of a test line
# ("ok - ...[  332.78] swapscope-test: expect-errors-begin"): each message
# is put on a line of its own first, or its marker would be dropped with
# the test line.
offending=$({ expected_errors "$dmesg"
	     sed '/^=====DMESG-BEGIN=====$/,/^=====DMESG-END=====$/d' "$console" |
		sed 's/\(.\)\(\[ *[0-9][0-9]*\.[0-9]\{6\}\] \)/\1\n\2/g' |
		grep -avE '^(ok |not ok|skip |#)' | expected_errors ; } |
	grep -avE "$benign" | grep -a -m 1 -E "$bad" || true)
if [ -n "$offending" ]; then
	notok "guest kernel log: $(printf '%s' "$offending" | cat -v)"
else
	echo "ok - guest kernel log is clean"
fi

started=$(cat "$VM_BUILD/.started" 2>/dev/null || true)
awk -v kver="$KVER" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v ts="$started" 'BEGIN {
	boot = ts == "" ? "-" : sprintf("%.1f", ts - t1)
	printf "# vm: %s: boot %s s, VM %.1f s, total with setup %.1f s\n",
		kver, boot, t2 - t1, t2 - t0 }'

grep -aq '^not ok' "$console" && failed=1
exit $failed
