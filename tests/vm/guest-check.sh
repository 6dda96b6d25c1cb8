#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest test runner (/run.sh): load swapscope, arm the tracefs oracle, run /scenarios/*, unload.
#
# Output is TAP-like: "ok - ", "not ok - ", "skip - " and "# " lines; run.sh
# on the host picks them out of the serial console.  Exit 1 on any failure.
# SS_SCENARIO_TIMEOUT (kernel command line) bounds each scenario, in seconds.
set -u

ko=/swapscope/swapscope.ko
mod=swapscope
dbg=/sys/kernel/debug/swapscope
tr=/sys/kernel/tracing
probes=/swapscope/probes.list	# "name symbol" lines made from SS_PROBES
limit=${SS_SCENARIO_TIMEOUT:-120}
failed=0

notok() { echo "not ok - $*"; failed=1; }
diag() { sed 's/^/# /'; }
# A marker in dmesg, so kernel messages can be tied to the scenario.
kmsg() { echo "swapscope-test: $*" > /dev/kmsg; }

# --- load ----------------------------------------------------------------
if [ ! -f "$ko" ]; then
	notok "load $mod: $ko missing from the initramfs"
	exit 1
fi
if err=$(insmod "$ko" 2>&1); then
	echo "ok - load $mod"
else
	notok "load $mod: insmod failed: $err"
	dmesg | tail -n 5 | diag
	exit 1
fi
[ -r "$dbg/version" ] && diag < "$dbg/version"

# --- oracle --------------------------------------------------------------
# Independent of the module: tracefs kprobes on the same symbols.  With
# tracing_on=0 nothing is written to the ring buffer, but every hit is
# still counted in kprobe_profile, which scenarios may read.
oracle=0
if [ ! -r "$probes" ]; then
	notok "oracle: $probes missing (module/uapi/swapscope.h not found at build time)"
elif [ ! -w "$tr/kprobe_events" ]; then
	notok "oracle: $tr/kprobe_events not available"
else
	echo 0 > "$tr/tracing_on"
	bad=
	while read -r name sym; do
		echo "p:ssoracle/$name $sym" >> "$tr/kprobe_events" 2>/dev/null ||
			bad="$bad $name($sym)"
	done < "$probes"
	if [ -n "$bad" ]; then
		notok "oracle: cannot place kprobes on:$bad"
	elif echo 1 > "$tr/events/ssoracle/enable"; then
		oracle=1
		echo "ok - oracle kprobes armed ($(wc -l < "$probes"))"
	else
		notok "oracle: cannot enable events/ssoracle"
	fi
fi

# --- scenarios -----------------------------------------------------------
# Run $1 in a session (and process group) of its own so that on timeout,
# and after it exits, all its descendants go too: a straggler would keep
# the output pipe open and hang the run.  TERM first so a scenario can
# clean up, KILL 5 s later.
run_bounded() {
	setsid "$1" &
	pid=$!
	( sleep "$limit"; touch /tmp/.scenario.timeout
	  kill -TERM -"$pid"; sleep 5; kill -KILL -"$pid" ) >/dev/null 2>&1 &
	watcher=$!
	wait "$pid"
	rc=$?
	kill "$watcher" 2>/dev/null
	kill -KILL -"$pid" 2>/dev/null
	return $rc
}

for s in /scenarios/*; do
	if [ ! -f "$s" ] || [ ! -x "$s" ]; then continue; fi
	name=${s##*/}
	out=/tmp/.scenario.out
	rm -f /tmp/.scenario.timeout
	# Each scenario starts in an empty directory of its own.
	dir=/tmp/scenario.$name
	mkdir -p "$dir"
	kmsg "start $name"
	{ (cd "$dir" && run_bounded "$s") 2>&1
	  echo $? > /tmp/.scenario.rc; } | tee "$out"
	rc=$(cat /tmp/.scenario.rc)
	kmsg "end $name rc=$rc"
	if [ -e /tmp/.scenario.timeout ]; then
		notok "$name: timed out after ${limit}s"
	elif grep -q '^not ok' "$out"; then
		failed=1
	elif [ "$rc" -ne 0 ]; then
		notok "$name: exited $rc"
	elif ! grep -qE '^(ok|skip) ' "$out"; then
		notok "$name: reported no results"
	fi
done

# --- module state, unload, oracle off ------------------------------------
if [ -d "$dbg" ]; then
	for f in "$dbg"/*; do
		[ -f "$f" ] || continue
		echo "# $f:"
		diag < "$f"
	done
fi
if [ $oracle -eq 1 ]; then
	echo "# oracle hits (kprobe_profile: event hits misses):"
	diag < "$tr/kprobe_profile"
fi

if err=$(rmmod "$mod" 2>&1) && [ ! -e "$dbg" ] && [ ! -e "/sys/module/$mod" ]; then
	echo "ok - module unloads cleanly"
else
	notok "module unloads cleanly: ${err:-$dbg or /sys/module/$mod still present}"
fi

if [ $oracle -eq 1 ]; then
	echo 0 > "$tr/events/ssoracle/enable"
	while read -r name sym; do
		echo "-:ssoracle/$name" >> "$tr/kprobe_events"
	done < "$probes"
	echo 1 > "$tr/tracing_on"
fi

exit $failed
