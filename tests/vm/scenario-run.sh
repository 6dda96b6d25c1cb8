#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest library (/scenario-run.sh): run one scenario program bounded in time and judge how it ended.
#
# Sourced by guest-check.sh and guest-matrix.sh (/run.sh).  Uses the
# caller's $limit (seconds per program), notok() and kmsg(), and sets
# failed=1 on a failure.
# shellcheck disable=SC2154,SC2034 # limit is the caller's, failed is for it
true

# group_alive PGID: a process of that group that has not exited yet (a
# zombie has: its mm is gone).
group_alive() {
	ga=$1
	for st in /proc/[0-9]*/stat; do
		{ read -r line < "$st"; } 2>/dev/null || continue
		# shellcheck disable=SC2086 # the fields after "(comm) ": state ppid pgrp
		set -- ${line##*) }
		[ "${3:-}" = "$ga" ] && [ "$1" != Z ] && return 0
	done
	return 1
}

# kill_group PGID: kill the whole group and wait (up to 5 s) until none
# of it is left.
kill_group() {
	kg=$1
	kill -KILL -"$kg" 2>/dev/null
	kn=0
	while group_alive "$kg" && [ $kn -lt 50 ]; do
		sleep 0.1
		kn=$((kn + 1))
	done
}

# Run $1 in a session (and process group) of its own so that on timeout,
# and after it exits, all its descendants go too: a straggler would keep
# the output pipe open and hang the run.  TERM first so a scenario can
# clean up, KILL 5 s later.  The watcher is a session of its own too, and
# is killed whole and waited for: a scenario counts every exit and zap in
# the system, and a watcher's orphaned sleep used to exit $limit seconds
# later inside another scenario's window (Z3 +1, Z4 +10 in its counts).
run_bounded() {
	setsid "$1" &
	pid=$!
	setsid sh -c "sleep $limit; touch /tmp/.scenario.timeout; kill -TERM -$pid; sleep 5; kill -KILL -$pid" \
		>/dev/null 2>&1 &
	watcher=$!
	wait "$pid"
	rc=$?
	kill_group "$watcher"
	kill_group "$pid"
	wait "$watcher" 2>/dev/null
	return $rc
}

# Run one test program ($1), relay its lines and judge how it ended.
run_program() {
	s=$1
	if [ ! -f "$s" ] || [ ! -x "$s" ]; then return 0; fi
	name=${s##*/}
	out=/tmp/.scenario.out
	rm -f /tmp/.scenario.timeout
	# Each program starts in an empty directory of its own.
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
}

