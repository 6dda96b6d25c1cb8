#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest library (/scenario-run.sh): run one scenario program bounded in time and judge how it ended.
#
# Sourced by guest-check.sh and guest-matrix.sh (/run.sh).  Uses the
# caller's $limit (seconds per program), notok() and kmsg(), and sets
# failed=1 on a failure.
# shellcheck disable=SC2154,SC2034 # limit is the caller's, failed is for it
true

# group_alive PGID [COMM]: a process of that group (named COMM, if given)
# that has not exited yet (a zombie has: its mm is gone).
group_alive() {
	ga=$1
	gc=${2:-}
	for st in /proc/[0-9]*/stat; do
		{ read -r line < "$st"; } 2>/dev/null || continue
		gn=${line#*(}
		gn=${gn%%)*}
		# shellcheck disable=SC2086 # the fields after "(comm) ": state ppid pgrp
		set -- ${line##*) }
		[ "${3:-}" = "$ga" ] && [ "$1" != Z ] &&
			{ [ -z "$gc" ] || [ "$gn" = "$gc" ]; } && return 0
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
# the output open and hang the run.  TERM first so a scenario can clean
# up, KILL 5 s later.
#
# A scenario counts every fork, exec, zap and exit in the system, so no
# other process may start or end while it runs.  The watcher is therefore
# started first, and the scenario only once the watcher's sleep runs (its
# fork and exec used to land in a scenario's first window: fork +3,
# teardown +1, Z3 +1 and Z4 +10 in 01-swapin's and 11-seed002-criu's
# pageout); afterwards the watcher is killed whole and waited for (its
# orphaned sleep would otherwise exit $limit seconds later, inside another
# scenario's window).
run_bounded() {
	rm -f /tmp/.scenario.pgid
	setsid sh -c "sleep $limit; pg=\$(cat /tmp/.scenario.pgid); touch /tmp/.scenario.timeout; kill -TERM -\$pg; sleep 5; kill -KILL -\$pg" \
		>/dev/null 2>&1 &
	watcher=$!
	wn=0
	while ! group_alive "$watcher" sleep && [ $wn -lt 100 ]; do
		sleep 0.1
		wn=$((wn + 1))
	done
	setsid "$1" &
	pid=$!
	echo "$pid" > /tmp/.scenario.pgid
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
	# Into a file, shown once the program is done: a tee beside it would
	# be one more process starting while it counts.
	(cd "$dir" && run_bounded "$s") > "$out" 2>&1
	rc=$?
	cat "$out"
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

