#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Third-party stress (/stressng.sh): Debian's stress-ng in a memcg near its limit, sourced by guest-check.sh with swapscope loaded.
#
# stress.sh's tests are ours: they do what we thought of.  This stage runs
# a stress suite written by others, stress-ng 0.15 as Debian ships it
# (mkinitramfs.sh copies /usr/bin/stress-ng and its libraries in), with
# workers for the paths swapscope judges: fork, mremap, madvise (its
# random advice includes MADV_PAGEOUT and, in instance 0, MADV_HWPOISON
# and MADV_SOFT_OFFLINE), memfd (shmem, MADV_PAGEOUT, truncation),
# userfaultfd and numa (mbind, move_pages, migrate_pages between the VM's
# two nodes), plus vm workers that keep the memcg at its limit: reclaim
# to zram, swap-ins and OOM kills, over and over.  Asserted: those three
# happened many times; swapscope finds no divergence the stock picture
# lacks; nothing it should see went unseen; stress-ng's own verdict
# (--verify) is a success; the kernel log is clean.
#
# Uses guest-check.sh's notok, diag, health and $dbg, $ko, $mod; needs
# /tmp/stock.baseline (guest-check.sh's CI gate section).  Prints
# "ok"/"not ok"/"skip" lines and "# stress-ng:" figures.  Kernel command
# line (VM_APPEND): SS_SKIP_STRESSNG=1 skips it (guest-check.sh);
# SS_STRESSNG_SECS sets the stress-ng run (default 50 s).

sn_secs=${SS_STRESSNG_SECS:-50}
# The outer bound: stress-ng's own --timeout ends the workers at
# sn_secs; its shutdown waits for every worker, and a worker stuck in an
# OOM storm could keep it waiting.  Past this it is SIGKILLed and the
# cgroup killed (cgroup.kill), so the stage always ends.
sn_hard=$((sn_secs + 40))
sn_cg=/sys/fs/cgroup
sn_g=$sn_cg/ssstressng
sn_log=/tmp/stressng.log
sn_tmp=/tmp/stressng

# Kernel trouble since sn_mark, as stress.sh's ss_logcheck, plus what a
# memory-failure and migration load could show: bad page state or map
# (both "BUG:"), bad swap entries, soft lockups and RCU stalls, failed
# allocations outside the memcg.  Not "Call Trace": every OOM kill's
# report has one (run.sh excuses it between the expect-oom markers),
# and every real problem has its own header above.  MADV_HWPOISON's
# lines ("Injecting memory failure ...", "Memory failure: 0x...:
# recovery action for dirty LRU page: Recovered", "Sending SIGBUS ... due
# to hardware memory corruption" when a worker touches its poisoned
# page) are what the injection does, matched by none of these; they are
# counted below instead.
sn_bad='BUG:|WARNING:|Oops|general protection|hung_task|blocked for more than|lockdep|circular locking|Bad rss-counter|Bad page|Bad swap|Unused swap|swap_info_get|soft lockup|rcu.*stall|page allocation failure|Kernel panic'
sn_mark() { sn_mark_at=$(dmesg | wc -l); }
sn_since() { dmesg | sed -n "$((sn_mark_at + 1)),\$p"; }
sn_vmstat() { sed -n "s/^$1 //p" /proc/vmstat; }
sn_event() { sed -n "s/^$1 //p" "$sn_g/memory.events"; }
sn_hits() { sed -n "s/^probe=$1 .* hits=\([0-9]*\) .*/\1/p" "$dbg/probes"; }
sn_rule() {	# sn_rule RULE: "RULE OBS/VIOL/UNJUDGED"
	sed -n "s/^rule=$1 .* observations=\([0-9]*\) violations=\([0-9]*\) .* unjudged=\([0-9]*\).*/$1 \1\/\2\/\3/p" "$dbg/rules"
}
sn_verdict() { sed -n "s/^rule=$1 .* verdict=\([a-z-]*\) .*/\1/p" "$dbg/rules"; }
sn_procs() { cat "$sn_g/cgroup.procs" 2>/dev/null; }

# Whatever is left in the cgroup goes, for at most 30 s.
sn_killall() {
	sn_kills=0
	while [ -n "$(sn_procs)" ] && [ $sn_kills -lt 150 ]; do
		echo 1 > "$sn_g/cgroup.kill"
		sleep 0.2
		sn_kills=$((sn_kills + 1))
	done
	[ -z "$(sn_procs)" ]
}

sn_stage() {
	sn_start=$(date +%s)
	if [ ! -x /usr/bin/stress-ng ]; then
		echo "skip - stress-ng: not in the initramfs (WITH_STRESSNG=0)"
		return
	fi
	if ! ver=$(stress-ng --version 2>&1); then
		notok "stress-ng: does not start in the guest: $(printf '%s' "$ver" | head -c 300)"
		return
	fi
	if ! grep -q " $sn_cg cgroup2 " /proc/mounts &&
	   ! mount -t cgroup2 cgroup2 "$sn_cg"; then
		notok "stress-ng: cannot mount cgroup2 on $sn_cg"
		return
	fi
	if ! grep -qw memory "$sn_cg/cgroup.controllers" ||
	   ! echo +memory > "$sn_cg/cgroup.subtree_control"; then
		notok "stress-ng: no cgroup2 memory controller"
		return
	fi
	nodes=0
	for n in /sys/devices/system/node/node[0-9]*; do
		[ -d "$n" ] && nodes=$((nodes + 1))
	done
	# run.sh gives the VM two nodes; with one the numa stressor only
	# moves pages to where they are.
	numa="--numa 1"
	if [ "$nodes" -lt 2 ]; then
		echo "skip - stress-ng: numa stressor: $nodes NUMA node(s)"
		numa=
	fi

	# The memcg: 32 MiB of memory and 96 MiB of swap, for workers that
	# want about 200 MiB together, 128 MiB of it the four vm workers'.
	# Reclaim to zram runs all the time (memory.max is hit 20000 to
	# 280000 times a run) and the OOM killer acts whenever memory and
	# swap are both full, which a vm worker refills within seconds of a
	# kill, since stress-ng starts a new one in its place.  Hence no
	# --oomable: with it an OOM-killed worker is not replaced and the
	# kills stop after the first few.  memory.swap.max is three times
	# memory.max, so reclaim has room; it is there to make the OOM
	# killer act before the guest's 512 MiB zram fills up for everyone.
	rmdir "$sn_g" 2>/dev/null
	mkdir -p "$sn_g" "$sn_tmp"
	echo 32M > "$sn_g/memory.max"
	echo 96M > "$sn_g/memory.swap.max"

	# A clean slate, so the verdicts are this run's own.  nmissed is the
	# kernel's kretprobe count, not zeroed by a reset: reload the module
	# when an earlier test left some.
	if [ "$(health nmissed)" != 0 ]; then
		echo "# stress-ng: nmissed=$(health nmissed) before the run: module reloaded"
		if ! { unload && insmod "$ko"; }; then
			notok "stress-ng: cannot reload $mod"
			return
		fi
	fi
	echo reset > "$dbg/control"
	pswpout0=$(sn_vmstat pswpout)
	pswpin0=$(sn_vmstat pswpin)
	for p in reclaim swapin fork migrate teardown; do
		eval "sn_h0_$p=\$(sn_hits $p)"
	done
	sn_mark
	echo "<3>swapscope-test: expect-oom-begin" > /dev/kmsg

	# The workers (sizes are per stressor, shared by its instances):
	# vm 4 x 32 MiB, the pressure: every method pass writes and reads
	# the whole buffer, so pages go out to zram and come back (S1, S3,
	# S4, U1, U2), and each pass ends in a munmap of swapped-out pages
	# (Z1, Z4).  fork 4 with --fork-vm: the parents' pages are in swap,
	# so every fork copies swap entries (F1), and each child madvises
	# all its pages (MADV_PAGEOUT among them) and reads them back
	# (which makes the children the OOM killer's other usual victims).
	# Four, not two: more forks racing reclaim of the child's pages,
	# which F1's count check must get right (the module of 8d082e6
	# judged that race wrongly: a false F1 in 9 of 11 runs with four
	# fork workers, 3 of 8 with two).
	# mremap 16 MiB moves swapped-out ranges; madvise (random advice
	# per page, process_madvise MADV_PAGEOUT, and in instance 0 a few
	# MADV_HWPOISON and MADV_SOFT_OFFLINE); memfd 16 MiB in 16 files:
	# shmem paged out (U3, C1) and truncated, with stress-ng's own data
	# check for the zap bug of Linux commit 5abfd71d936a; userfaultfd
	# 4 MiB; numa: mbind, move_pages and migrate_pages between the two
	# nodes (migration entries).  vm, mremap, memfd and userfaultfd
	# workers are restarted when the OOM killer ends them, the others
	# are not.  Temporary files on /tmp (tmpfs: shmem again).  -v: its
	# debug lines name a worker that a signal ended, and which.
	sn_t0=$(date +%s)
	timeout -s KILL "$sn_hard" sh -c "echo \$\$ > $sn_g/cgroup.procs &&
		exec stress-ng --timeout ${sn_secs}s --verify --metrics-brief -v \
			--temp-path $sn_tmp \
			--vm 4 --vm-bytes 128M \
			--fork 4 --fork-vm \
			--mremap 1 --mremap-bytes 16M \
			--madvise 1 \
			--memfd 1 --memfd-bytes 16M --memfd-fds 16 \
			--userfaultfd 1 --userfaultfd-bytes 4M \
			$numa" > "$sn_log" 2>&1
	rc=$?
	sn_t1=$(date +%s)
	sn_killall
	left=$?
	sn_t2=$(date +%s)
	echo "<3>swapscope-test: expect-oom-end" > /dev/kmsg

	ooms=$(sn_event oom_kill)
	maxed=$(sn_event max)
	pswpout=$(( $(sn_vmstat pswpout) - pswpout0 ))
	pswpin=$(( $(sn_vmstat pswpin) - pswpin0 ))
	hits=
	for p in reclaim swapin fork migrate teardown; do
		eval "h0=\$sn_h0_$p"
		hits="$hits $p +$(( $(sn_hits $p) - h0 )),"
	done
	injected=$(sn_since | grep -c 'Injecting memory failure')
	recovered=$(sn_since | grep -c 'Memory failure: .*: recovery action for .*: Recovered')
	mfother=$(sn_since | grep 'Memory failure: .*: recovery action for ' | grep -vc ': Recovered$')
	sigbus=$(sn_since | grep -c 'due to hardware memory corruption')
	stressors=$(sed -n 's/.* dispatching hogs: //p' "$sn_log")

	echo "# stress-ng: $(printf '%s' "$ver" | sed 's/ (.*//'): $stressors; ${sn_secs} s asked, stress-ng took $((sn_t1 - sn_t0)) s (exit $rc), the cgroup emptied $((sn_t2 - sn_t1)) s later ($sn_kills kill rounds)"
	echo "# stress-ng: pswpout +$pswpout, pswpin +$pswpin, memcg oom_kill $ooms, memory.max hit $maxed times"
	echo "# stress-ng: MADV_HWPOISON: $injected injected, $recovered recovered, $mfother other outcomes, $sigbus SIGBUS on a poisoned page"
	echo "# stress-ng: probe hits:${hits%,}"
	echo "# stress-ng: rules (observations/violations/unjudged): $(for r in F1 F2 Z1 Z2 Z3 Z4 S1 S3 S4 U1 U2 U3 C1; do sn_rule $r; done | tr '\n' ' ')"
	echo "# stress-ng: health: $(tr '\n' ' ' < "$dbg/health")"
	sed -n 's/^stress-ng: metrc: \[[0-9]*\] /# stress-ng: metrics: /p' "$sn_log"

	# stress-ng ended by itself, within its shutdown margin, and the
	# cgroup emptied.
	if [ $rc -eq 137 ]; then
		notok "stress-ng: SIGKILLed after $((sn_t1 - sn_t0)) s (bound ${sn_hard}s for a ${sn_secs}s run): $(grep -vE '^stress-ng: (debug|metrc):' "$sn_log" | tail -n 2 | tr '\n' ' ')"
	elif [ $left -ne 0 ]; then
		notok "stress-ng: processes left in the cgroup after 30 s of cgroup.kill: $(sn_procs | tr '\n' ' ')"
	else
		echo "ok - stress-ng: ended after $((sn_t1 - sn_t0)) s, cgroup empty"
	fi
	# Its own verdict: every stressor ran, and with --verify every one
	# checked its data (the vm workers' through swap, memfd's after
	# MADV_PAGEOUT and truncation); no "fail:" or "error:" line.  An
	# OOM kill (SIGKILL) is not a failure to it.  One death is
	# excused, and shown: madvise's worker threads block SIGBUS, so
	# when one of them, not the worker's main thread (which catches
	# SIGBUS), touches a page the worker poisoned, the kernel's SIGBUS
	# ("MCE: Killing stress-ng-madvi:PID due to hardware memory
	# corruption" at the fault, or memory_failure()'s "Sending SIGBUS to
	# stress-ng-madvi:PID ..." at the injection, seen on 6.12) ends the
	# whole worker and stress-ng calls the run unsuccessful (seen in 2 of
	# 13 runs on 6.1, 1 of 1 on 6.12).  That is MADV_HWPOISON
	# doing what it does; any other death or failure is not excused.
	fails=$(grep -E '^stress-ng: (fail|error):' "$sn_log" | head -n 3)
	deaths=$(sed -n 's/.* process \[[0-9]*\] (\([a-z0-9-]*\)) terminated on signal: \([0-9]*\).*/\1:\2/p' "$sn_log" |
		grep -v ':9$' | sort | uniq -c | awk '{ printf " %s x%d", $2, $1 }')
	[ -n "$deaths" ] && echo "# stress-ng: workers ended by a signal other than the OOM killer's:$deaths"
	if [ $rc -eq 137 ]; then
		:	# SIGKILLed, no verdict: failed above
	elif [ $rc -eq 0 ] && [ -z "$fails" ] && grep -q 'successful run completed' "$sn_log"; then
		echo "ok - stress-ng: successful run (--verify): $stressors"
	elif [ $rc -eq 2 ] && [ -z "$fails" ] && [ "$deaths" = " madvise:7 x1" ] &&
	     sn_since | grep -qE '(MCE: Killing|Sending SIGBUS to) stress-ng-madvi:[0-9]* due to hardware memory corruption'; then
		echo "ok - stress-ng: successful run (--verify) but for the madvise worker's SIGBUS on the page it poisoned: $stressors"
	else
		notok "stress-ng: exit $rc:${deaths:+ signals:$deaths;} $(printf '%s\n' "$fails" | tr '\n' ' ')$(grep -o 'unsuccessful run completed' "$sn_log")"
		grep -vE '^stress-ng: (debug|metrc):' "$sn_log" | tail -n 20 | sed 's/^/# stress-ng: log: /'
	fi

	# (a) The pressure did what it is there for.  Measured in this VM
	# under TCG (50 s run, ten runs): pswpout +158561 to +452251,
	# pswpin +55243 to +223308, 23 to 86 OOM kills.  The bounds are
	# about a tenth of the least (a fifth for the kills), so a machine
	# several times slower still passes and a run where the memcg
	# never filled, or the kills stopped, does not.
	if [ "$pswpout" -ge 15000 ] && [ "$pswpin" -ge 5000 ] && [ "${ooms:-0}" -ge 5 ]; then
		echo "ok - stress-ng: reclaim to swap, swap-ins and OOM kills, many times (pswpout +$pswpout, pswpin +$pswpin, oom_kill $ooms)"
	else
		notok "stress-ng: too little pressure: pswpout +$pswpout (want >= 15000), pswpin +$pswpin (>= 5000), oom_kill ${ooms:-0} (>= 5): $(tr '\n' ' ' < "$sn_g/memory.events")"
	fi
	# Every probed path saw the workers (numa's migrations included).
	case "$hits" in
	*" +0,"*) notok "stress-ng: a probed path saw nothing:${hits%,}" ;;
	*) echo "ok - stress-ng: the workers reached every probed path:${hits%,}" ;;
	esac
	# Measured: 2 or 3 injections a run (madvise's instance 0 stops
	# after about two: its count is per process and not atomic).
	if [ "$injected" -ge 1 ]; then
		echo "ok - stress-ng: madvise injected memory failures ($injected MADV_HWPOISON)"
	else
		notok "stress-ng: madvise injected no memory failure (MADV_HWPOISON)"
	fi

	# (b) No divergence the stock picture lacks; a rule that disabled
	# itself fails it too.  --allow-missed: what went unseen is (d)'s,
	# which fails on any of it; together they are the strict check.
	if [ -r /tmp/stock.baseline ]; then
		out=$(swapscope check --baseline /tmp/stock.baseline --allow-missed 2>&1)
		crc=$?
		if [ $crc -eq 0 ]; then
			echo "ok - stress-ng: check against the stock baseline, no new divergence"
		else
			for r in $(printf '%s\n' "$out" | sed -nE 's/^(new divergence|rule failed): ([A-Z][0-9]) .*/\2/p'); do
				grep "^rule=$r seq=" "$dbg/samples" | head -n 3 | sed "s/^/# stress-ng: sample: /"
				grep "^rule=$r dropped=" "$dbg/samples" | sed "s/^/# stress-ng: sample: /"
			done
			notok "stress-ng: check against the stock baseline (exit $crc): $(printf '%s\n' "$out" | grep -E '^(new divergence|rule failed|check)' | tr '\n' ' ')"
		fi
	else
		notok "stress-ng: no /tmp/stock.baseline to check against"
	fi
	# The stock picture itself, rule by rule, for the rules this load
	# reaches every time: the gate above only says nothing new diverged.
	picture=
	for r in F1 Z1 Z3 Z4 S1 S3 S4 U1 U2; do
		[ "$(sn_verdict $r)" = conforms ] || picture="$picture $r=$(sn_verdict $r)"
	done
	for r in U3 C1; do
		[ "$(sn_verdict $r)" = diverges ] || picture="$picture $r=$(sn_verdict $r)"
	done
	if [ -z "$picture" ]; then
		echo "ok - stress-ng: the stock picture: F1 Z1 Z3 Z4 S1 S3 S4 U1 U2 conform, U3 C1 diverge"
	else
		notok "stress-ng: not the stock picture:$picture"
	fi

	# (d) Nothing went unseen: no kretprobe miss (an entry with no free
	# instance, maxactive of them busy: sleeping in direct reclaim
	# inside a fault or a fork, say), no dropped event, no RSS watch
	# refused for want of a slot, no walk cut short.  All were 0 in
	# every run measured (the default maxactive=128 is plenty for two
	# vCPUs and this many tasks), so any of them fails.
	unseen=
	for k in nmissed events_dropped watch_full walk_truncated; do
		v=$(health $k)
		[ "$v" = 0 ] || unseen="$unseen $k=$v"
	done
	if [ -z "$unseen" ]; then
		echo "ok - stress-ng: health: nothing unseen (nmissed, events_dropped, watch_full, walk_truncated 0; $(health watch_interfered) Z4/S4 calls not judged, another writer of the mm in flight)"
	else
		notok "stress-ng: health:$unseen: $(grep 'nmissed=[1-9]' "$dbg/probes" | sed 's/^probe=\([a-z_]*\) .* nmissed=\([0-9]*\) .*/\1:\2/' | tr '\n' ' ')"
	fi

	# (c) The kernel log since the stage started.
	bad=$(sn_since | grep -E "$sn_bad" | head -n 3)
	if [ -z "$bad" ]; then
		echo "ok - stress-ng: kernel log clean"
	else
		notok "stress-ng: kernel log: $bad"
	fi

	rmdir "$sn_g" 2>/dev/null || notok "stress-ng: cannot remove $sn_g"
	rm -rf "$sn_tmp" "$sn_log"
	echo "# stress-ng: seconds: stage $(( $(date +%s) - sn_start )), stress-ng $((sn_t1 - sn_t0))"
}

sn_stage
