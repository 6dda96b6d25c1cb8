#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest tests of swapscope's tracepoints (through tracefs) and of the events file's poll(); sourced by guest-check.sh with the module loaded.
#
# The violation events of a scenario whose figures are exact (05-shmem: U3
# and C1 diverge on every shmem page it pages out) are counted against the
# rules file: per rule, the events' nr sums to the violations counted; for
# U3 and C1, one event per violation, each with the scenario's pid.  The
# events go to a tracefs instance of their own, so the oracle's kprobes
# (guest-check.sh, tracing_on=0 in the top buffer) stay out of them.
# Uses guest-check.sh's notok, diag and failed when sourced.
dbg=${dbg:-/sys/kernel/debug/swapscope}
tr=${tr:-/sys/kernel/tracing}
# shellcheck disable=SC2034 # failed: guest-check.sh's exit status
command -v notok >/dev/null 2>&1 ||
	notok() { echo "not ok - $*"; failed=1; }
command -v diag >/dev/null 2>&1 || diag() { sed 's/^/# /'; }
tt_ev=$tr/events/swapscope
tt_inst=$tr/instances/swapscope-test
tt_scen=/scenarios/05-shmem

# --- the events' formats ----------------------------------------------------
for tt_e in swapscope_violation:"char rule[4]" swapscope_violation:"u32 nr" \
	    swapscope_violation:"pid_t pid" swapscope_violation:"u64 pte_before" \
	    swapscope_verdict:"char new_verdict[16]" swapscope_verdict:"u64 violations"; do
	tt_f=$tt_ev/${tt_e%%:*}/format
	if grep -qF "field:${tt_e#*:};" "$tt_f" 2>/dev/null; then
		echo "ok - trace: $tt_f has field ${tt_e#*:}"
	else
		notok "trace: $tt_f missing or without field ${tt_e#*:}"
	fi
done

# tt_rules: "RULE VERDICT VIOLATIONS" per rule, from the rules file.
tt_rules() {
	sed -n 's/^rule=\([A-Z][0-9]\) .*verdict=\([a-z-]*\) .* violations=\([0-9]*\) .*/\1 \2 \3/p' \
		"$dbg/rules"
}

# --- violations and verdict changes of 05-shmem, against the rules file ---
if [ ! -x "$tt_scen" ]; then
	notok "trace: $tt_scen missing from the initramfs"
elif ! mkdir "$tt_inst" 2>/dev/null; then
	notok "trace: cannot make the tracefs instance $tt_inst"
else
	echo 8192 > "$tt_inst/buffer_size_kb"
	tt_before=$(tt_rules | grep -cE ' (conforms|diverges) ')
	if ! echo 1 > "$tt_inst/events/swapscope/enable"; then
		notok "trace: cannot enable events/swapscope in $tt_inst"
	fi
	# A reset takes every rule that had a verdict back to not-observed.
	echo reset > "$dbg/control"
	tt_reset=$(grep -c 'swapscope_verdict: .* new=not-observed source=reset ' "$tt_inst/trace")
	if [ "$tt_reset" -eq "$tt_before" ]; then
		echo "ok - trace: reset gives one swapscope_verdict per rule that had a verdict ($tt_reset)"
	else
		notok "trace: reset gave $tt_reset swapscope_verdict events to not-observed, $tt_before rules had a verdict"
	fi
	# Counts start at 0 there: the rules file's counts are the deltas, and
	# the trace from the reset on holds every event they stand for.
	tt_rules | awk '{ print $1, $2, 0 }' > /tmp/.tt.r0
	(cd /tmp && exec "$tt_scen") > /tmp/.tt.out 2>&1 &
	tt_pid=$!
	wait $tt_pid
	tt_rc=$?
	tt_rules > /tmp/.tt.r1
	echo 0 > "$tt_inst/events/swapscope/enable"
	cp "$tt_inst/trace" /tmp/.tt.trace
	tt_overrun=$(cat "$tt_inst"/per_cpu/cpu*/stats 2>/dev/null |
		awk '/^overrun:/ { n += $2 } END { print n + 0 }')
	[ "$tt_rc" -eq 0 ] || {
		notok "trace: $tt_scen exited $tt_rc"
		grep '^not ok' /tmp/.tt.out | head -n 5 | diag
	}
	# Per rule: events, the sum of their nr, and those with the pid.
	awk -v pid="$tt_pid" '
		FILENAME == ARGV[1] { v0[$1] = $3; next }
		FILENAME == ARGV[2] { v1[$1] = $3; verdict[$1] = $2; order[++n] = $1; next }
		/swapscope_violation: / {
			r = nr = p = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^rule=/) r = substr($i, 6)
				if ($i ~ /^nr=/) nr = substr($i, 4)
				if ($i ~ /^pid=/) p = substr($i, 5)
			}
			ev[r]++; sum[r] += nr; if (p == pid) mine[r]++
		}
		/swapscope_verdict: / && !/ source=reset / {
			r = nv = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^rule=/) r = substr($i, 6)
				if ($i ~ /^new=/) nv = substr($i, 5)
			}
			vev[r]++; last[r] = nv; line[r] = $0
		}
		END {
			for (k = 1; k <= n; k++) {
				r = order[k]
				printf "%s %s %d %d %d %d %s %d\n", r, verdict[r],
					v1[r] - v0[r], ev[r] + 0, sum[r] + 0,
					mine[r] + 0, last[r] == "" ? "-" : last[r], vev[r] + 0
			}
		}' /tmp/.tt.r0 /tmp/.tt.r1 /tmp/.tt.trace > /tmp/.tt.table
	# RULE VERDICT DELTA EVENTS NRSUM MINE LASTVERDICTEVENT VERDICTEVENTS
	tt_bad=
	while read -r r v d _ s _ lv ve; do
		[ "$s" -eq "$d" ] || tt_bad="$tt_bad $r(violations +$d, events' nr $s)"
		case $v in
		conforms|diverges)
			[ "$lv" = "$v" ] && [ "$ve" -ge 1 ] ||
				tt_bad="$tt_bad $r(verdict $v, last swapscope_verdict $lv)" ;;
		*)	[ "$ve" -eq 0 ] ||
				tt_bad="$tt_bad $r(verdict $v, $ve swapscope_verdict events)" ;;
		esac
	done < /tmp/.tt.table
	if [ -z "$tt_bad" ] && [ -s /tmp/.tt.table ]; then
		echo "ok - trace: per rule, swapscope_violation's nr sums to the violation delta and swapscope_verdict's last is the verdict (19 rules, overrun $tt_overrun)"
	else
		notok "trace: events disagree with the rules file:$tt_bad (overrun $tt_overrun)"
	fi
	for tt_r in U3 C1; do
		# shellcheck disable=SC2046 # the line's fields
		set -- $(grep "^$tt_r " /tmp/.tt.table)
		if [ $# -eq 8 ] && [ "$3" -gt 0 ] && [ "$4" -eq "$3" ] && [ "$6" -eq "$3" ] &&
		   [ "$7" = diverges ] && [ "$8" -eq 1 ]; then
			echo "ok - trace: $tt_r: $4 swapscope_violation events for $3 violations, all pid $tt_pid (05-shmem), one swapscope_verdict to diverges"
		else
			notok "trace: $tt_r: want one event per violation with pid $tt_pid and one verdict event: ${*:-no line}"
		fi
	done
	if grep -q "swapscope_verdict: rule=U3 seed=002 old=not-observed new=diverges source=reclaim pid=$tt_pid " /tmp/.tt.trace &&
	   grep -q "swapscope_verdict: rule=C1 seed=004 old=not-observed new=diverges source=shmem_swap pid=$tt_pid " /tmp/.tt.trace &&
	   grep -q "swapscope_violation: rule=C1 seed=004 path=swap_shmem_alloc pid=$tt_pid comm=05-shmem addr=0x0 .* kind=swap swp_type=[0-9]* swp_offset=[0-9]" /tmp/.tt.trace; then
		echo "ok - trace: the fields name rule, seed, source, pid, comm, entry kind and swap slot"
	else
		notok "trace: fields: $(grep -m 2 -E 'rule=(U3|C1)' /tmp/.tt.trace | cut -c 1-300)"
	fi
	grep -m 1 'swapscope_violation: rule=U3' /tmp/.tt.trace | sed 's/^ */# trace: /'
	grep -m 1 'swapscope_verdict: rule=C1 .* new=diverges ' /tmp/.tt.trace | sed 's/^ */# trace: /'
	rmdir "$tt_inst" || notok "trace: cannot remove $tt_inst"
fi

# --- the events file: poll() sleeps until a record, and only then ---------
tt_reader() { sed -n 's/^events_reader=//p' "$dbg/health"; }
if [ ! -x /bin/sshelper ]; then
	notok "events poll: /bin/sshelper missing"
elif [ "$(tt_reader)" != 0 ]; then
	notok "events poll: the events file already has a reader"
else
	# Asleep in poll() for a second, until a child of the helper exits:
	# its teardown is a judged call, a record.  Scoped to the helper's
	# tree, so that nothing else makes one sooner.
	sshelper pollwait "$dbg/events" "$dbg/control" 30000 > /tmp/.tt.pw 2>&1
	tt_rc=$?
	tt_w=$(sed -n 's/.*waited_ms=\([0-9]*\) .*/\1/p' /tmp/.tt.pw)
	if [ "$tt_rc" -eq 0 ] && [ "${tt_w:-0}" -ge 900 ] && [ "$tt_w" -lt 10000 ] &&
	   grep -q ' first=seq=' /tmp/.tt.pw; then
		echo "ok - events: a reader blocked in poll() is woken by a record (after ${tt_w} ms asleep)"
	else
		notok "events: poll() wakeup: exit $tt_rc, $(tail -n 1 /tmp/.tt.pw)"
	fi
	sshelper pollidle "$dbg/events" "$dbg/control" 1000 > /tmp/.tt.pi 2>&1
	tt_rc=$?
	tt_pc=$(sed -n 's/.*poll_nvcsw=\([0-9]*\) .*/\1/p' /tmp/.tt.pi)
	tt_rd=$(sed -n 's/.*read_nvcsw=\([0-9]*\).*/\1/p' /tmp/.tt.pi)
	if [ "$tt_rc" -eq 0 ] && [ "${tt_pc:-99}" -le 3 ] && [ "${tt_rd:-99}" -le 3 ]; then
		echo "ok - events: an idle reader sleeps: 1 s in poll() $tt_pc, 1 s in read() $tt_rd voluntary context switches"
	else
		notok "events: idle reader: exit $tt_rc, $(cat /tmp/.tt.pi)"
	fi
	# pollidle scoped the module to itself; a helper that died did not undo it.
	echo "scope none" > "$dbg/control"
fi
