#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Library (sourced): run one program bounded in time, with nothing else in the system starting or ending while it runs.
#
# Sourced by swapscope.sh (installed beside it as a TEST_FILES entry) and
# by the VM harness's scenario runner (tests/vm/scenario-run.sh), so the
# collection on a real machine and make check run scenarios alike.  POSIX
# sh; uses /proc, setsid and sleep.
#
# A scenario counts every fork, exec, zap and exit in the system, so no
# other process may start or end while it runs.  The watcher that bounds
# it is therefore started first, and the program only once the watcher's
# sleep runs (its fork and exec used to land in a scenario's first
# window: fork +3, teardown +1, Z3 +1 and Z4 +10); afterwards whatever is
# left of the program's group, and the watcher, are killed and waited for
# (an orphaned sleep would exit LIMIT seconds later, inside another
# scenario's window).  Not timeout(1): busybox's leaves a watcher in a
# session of its own that exits up to a second after the program.
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

# run_bounded PROG LIMIT DIR: PROG in a session (and process group) of
# its own, TERM after LIMIT seconds and KILL 5 s later; DIR/.timeout is
# created when the limit was hit.  Returns PROG's exit status.
run_bounded() {
	rb_dir=$3
	rm -f "$rb_dir/.timeout" "$rb_dir/.pgid"
	setsid sh -c "sleep $2; pg=\$(cat '$rb_dir/.pgid'); touch '$rb_dir/.timeout'; kill -TERM -\$pg; sleep 5; kill -KILL -\$pg" \
		>/dev/null 2>&1 &
	rb_watcher=$!
	rb_n=0
	while ! group_alive "$rb_watcher" sleep && [ $rb_n -lt 100 ]; do
		sleep 0.1
		rb_n=$((rb_n + 1))
	done
	setsid "$1" &
	rb_pgid=$!
	echo "$rb_pgid" > "$rb_dir/.pgid"
	wait "$rb_pgid"
	rb_rc=$?
	kill_group "$rb_watcher"
	kill_group "$rb_pgid"
	wait "$rb_watcher" 2>/dev/null
	return $rb_rc
}
