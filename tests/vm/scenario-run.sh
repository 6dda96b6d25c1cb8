#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest library (/scenario-run.sh): run one scenario program bounded in time and judge how it ended.
#
# Sourced by guest-check.sh and guest-matrix.sh (/run.sh).  Uses the
# caller's $limit (seconds per program), notok() and kmsg(), and sets
# failed=1 on a failure.
# shellcheck disable=SC2154,SC2034 # limit is the caller's, failed is for it
true

# run_bounded PROG LIMIT DIR: the kselftest collection's, shared
# (tests/kselftest/run-bounded.sh, installed as /run-bounded.sh).
# shellcheck source=tests/kselftest/run-bounded.sh
. /run-bounded.sh

# Run one test program ($1), relay its lines and judge how it ended.
run_program() {
	s=$1
	if [ ! -f "$s" ] || [ ! -x "$s" ]; then return 0; fi
	name=${s##*/}
	out=/tmp/.scenario.out
	mkdir -p /tmp/.scenario
	# Each program starts in an empty directory of its own.
	dir=/tmp/scenario.$name
	mkdir -p "$dir"
	kmsg "start $name"
	# Into a file, shown once the program is done: a tee beside it would
	# be one more process starting while it counts.
	(cd "$dir" && run_bounded "$s" "$limit" /tmp/.scenario) > "$out" 2>&1
	rc=$?
	cat "$out"
	kmsg "end $name rc=$rc"
	if [ -e /tmp/.scenario/.timeout ]; then
		notok "$name: timed out after ${limit}s"
	elif grep -q '^not ok' "$out"; then
		failed=1
	elif [ "$rc" -ne 0 ]; then
		notok "$name: exited $rc"
	elif ! grep -qE '^(ok|skip) ' "$out"; then
		notok "$name: reported no results"
	fi
}

