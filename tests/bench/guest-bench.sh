#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest bench runner (/run.sh of make bench): every workload with no module, with swapscope, with its bare probes, with bpftrace; rounds interleaved.
#
# Machine-readable lines for tests/bench/report.py ("BENCH-..." key=value),
# "# " progress lines and "not ok - " on failure, all on the console.
# Kernel command line settings (environment here):
#   BENCH_ROUNDS  rounds (default 5)
# A round pairs every run with a baseline taken right next to it, so that
# drift (other VMs on the host) cancels out of the ratios: first each
# workload without the module, with it (insmod before, rmmod after) and
# with ssfloor.ko ("probes": the same probes with handlers that only count
# hits, the floor of any handler design on these probes); then bpftrace is attached once and each workload runs with its probes
# disarmed (/sys/kernel/debug/kprobes/enabled 0: "bpftrace-off", the
# kernel paths as without it) and armed.  The order inside a group
# rotates by workload and round.
#   BENCH_QUICK   1: tiny sizes and one iteration (make check's smoke)
#   BENCH_ONLY    comma-separated workload names to run (default all)
#   BENCH_CONDS   comma-separated conditions (default
#                 baseline,swapscope,probes,bpftrace)
#   BENCH_TIMEOUT seconds per workload run (default 600)
#   BENCH_FLOOR_ARGS  ssfloor.ko's parameters, comma-separated, e.g.
#                 hook=taskwork,sym=do_swap_page: the probes condition
#                 then measures that one way of hooking one function
#                 (tests/bench/floor/ssfloor.c) instead of swapscope's probes
#   BENCH_SS_ARGS one module parameter for swapscope's insmod, e.g.
#                 time_handlers=1: a "# bench: handlers" line per run with
#                 each probe's hits and handler time (a profile; the
#                 timing itself costs, so not for the ratios)
set -u

ko=/swapscope/swapscope.ko
mod=swapscope
dbg=/sys/kernel/debug/swapscope
klist=/sys/kernel/debug/kprobes/list
bench=/bench/ssbench
floor=/bench/ssfloor.ko
script=/bench/counts.bt
rounds=${BENCH_ROUNDS:-5}
limit=${BENCH_TIMEOUT:-600}
failed=0

notok() { echo "not ok - bench: $*"; failed=1; }
diag() { sed "s/^/# $1/"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# name workload size_mib iterations: sized for a few seconds each under TCG
# (the sparse ones reserve SIZE_MIB and touch one page per 64 MiB).
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	table="swapin swapin 1 1
swapout swapout 1 1
fork-1M fork 1 1
fork-sparse fork-sparse 256 1
munmap-1M munmap 1 1
munmap-sparse munmap-sparse 256 1
exit-1M exit 1 1
shmem shmem 1 1
mixed mixed 2 1"
else
	table="swapin swapin 32 6
swapout swapout 32 8
fork-16M fork 16 250
fork-64M fork 64 100
fork-256M fork 256 30
fork-sparse fork-sparse 4096 200
munmap-16M munmap 16 24
munmap-64M munmap 64 6
munmap-256M munmap 256 2
munmap-sparse munmap-sparse 4096 200
exit-64M exit 64 6
shmem shmem 32 6
mixed mixed 32 4"
fi
if [ -n "${BENCH_ONLY:-}" ]; then
	table=$(printf '%s\n' "$table" |
		awk -v only="$BENCH_ONLY" 'BEGIN { n = split(only, w, ","); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
			keep[$1]')
fi

for f in "$ko" "$bench" "$script" "$floor"; do
	[ -f "$f" ] || { notok "$f missing from the initramfs"; exit 1; }
done
command -v bpftrace >/dev/null || { notok "bpftrace missing from the initramfs"; exit 1; }
nprobes=$(grep -o 'k[a-z]*probe:[a-z_0-9]*' "$script" | wc -l)
vcpus=$(grep -c '^processor' /proc/cpuinfo)
echo "BENCH-META kernel=$(uname -r) vcpus=$vcpus rounds=$rounds bpftrace_probes=$nprobes bpftrace=$(bpftrace --version | tr ' ' _)"
echo "# bench: zram $(sed -n 2p /proc/swaps | tr -s ' \t' ' '); MemTotal $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
printf '%s\n' "$table" | while read -r w_name w_prog w_size w_iters; do
	echo "BENCH-WORKLOAD name=$w_name prog=$w_prog size_mib=$w_size iterations=$w_iters"
done

# --- module memory ---------------------------------------------------------
# Taken around the first load only: meminfo deltas (kB) across insmod, and
# again after the first pass over the workloads (growth with events).
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
mem_snap() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	m_percpu=$(meminfo Percpu) m_sunr=$(meminfo SUnreclaim)
	m_vmalloc=$(meminfo VmallocUsed)
}
mem_report() {
	p0=$m_percpu s0=$m_sunr v0=$m_vmalloc
	mem_snap
	vbytes=$(awk '/\[swapscope\]/ { s += $2 } END { print s + 0 }' /proc/vmallocinfo)
	echo "BENCH-MEM phase=$1 coresize=$(cat /sys/module/$mod/coresize)" \
		"percpu_kib=$((m_percpu - p0)) sunreclaim_kib=$((m_sunr - s0))" \
		"vmalloc_used_kib=$((m_vmalloc - v0)) vmalloc_swapscope_bytes=$vbytes"
	m_percpu=$p0 m_sunr=$s0 m_vmalloc=$v0
	if [ -r "$dbg/memory" ]; then
		echo "BENCH-MEMFILE phase=$1 $(tr '\n' ' ' < "$dbg/memory")"
	fi
}
memdone=0

# --- conditions ------------------------------------------------------------
ss_start() {
	[ $memdone = 1 ] || mem_snap
	# shellcheck disable=SC2086 # word splitting intended: parameters
	if ! err=$(insmod "$ko" ${BENCH_SS_ARGS:-} 2>&1); then
		notok "insmod: $err"
		return 1
	fi
	sed -n 's/^rule=\([A-Z0-9]*\) .*/\1/p' "$dbg/rules" | while read -r r; do
		echo "enable $r" > "$dbg/control" 2>/dev/null
	done
	[ $memdone = 1 ] || {
		echo "# bench: swapscope loaded, $(grep -c ' enabled=1 ' "$dbg/rules") rules enabled," \
			"$(grep -c 'state=active' "$dbg/probes") probes active"
		mem_report load
	}
}
ss_stop() {
	# After the first loaded run: the memory it holds after many events.
	[ $memdone = 1 ] || { mem_report "after-$name"; memdone=1; }
	n=0
	until rmmod "$mod" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 50 ] || { notok "rmmod: $(rmmod $mod 2>&1)"; return 1; }
		sleep 0.1
	done
}

# The probes condition: ssfloor.ko loaded around the run; its hits and
# misses are logged at rmmod (dmesg), as proof its probes ran.
fl_start() {
	# shellcheck disable=SC2046 # word splitting intended: parameters
	if ! err=$(insmod "$floor" $(printf '%s' "${BENCH_FLOOR_ARGS:-}" | tr ',' ' ') 2>&1); then
		notok "insmod ssfloor: $err"
		return 1
	fi
}
fl_stop() {
	n=0
	until rmmod ssfloor 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 50 ] || { notok "rmmod ssfloor: $(rmmod ssfloor 2>&1)"; return 1; }
		sleep 0.1
	done
	echo "BENCH-FLOOR round=$round name=$name $(dmesg | sed -n 's/.*ssfloor: \(.*hits=.*\)$/\1/p' | tail -n 1)"
}

# bpftrace prints "Attaching N probes..." before it attaches; the probes
# are in place once kprobes/list has grown by N.  Only then do the
# workloads start: neither attach nor detach is timed.
bt_start() {
	before=$(wc -l < "$klist")
	t0=$(uptime_s)
	bpftrace "$script" > /tmp/bt.out 2>&1 &
	btpid=$!
	n=0
	until grep -q '^Attaching' /tmp/bt.out; do
		if ! kill -0 "$btpid" 2>/dev/null || [ $n -ge $((limit * 10)) ]; then
			notok "bpftrace did not attach: $(head -c 400 /tmp/bt.out)"
			kill -KILL "$btpid" 2>/dev/null
			return 1
		fi
		n=$((n + 1))
		sleep 0.1
	done
	n=0
	while [ $(($(wc -l < "$klist") - before)) -lt "$nprobes" ] && [ $n -lt 300 ]; do
		n=$((n + 1))
		sleep 0.1
	done
	listed=$(($(wc -l < "$klist") - before))
	# "Attaching" is printed before the probes are placed: a probe
	# bpftrace cannot place ends it then (a function the kernel lacks).
	if ! kill -0 "$btpid" 2>/dev/null; then
		notok "bpftrace exited after attaching: $(head -c 400 /tmp/bt.out)"
		return 1
	fi
	echo "BENCH-BPFTRACE round=$round attach_s=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { print b - a }')" \
		"kprobes_listed=$listed expected=$nprobes" \
		"rss_kib=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$btpid/status")" \
		"memavailable_kib=$(meminfo MemAvailable)"
	[ "$listed" -ge "$nprobes" ] ||
		echo "# bench: kprobes/list grew by $listed, not $nprobes: bpftrace may attach another way"
}
bt_stop() {
	kill -INT "$btpid" 2>/dev/null
	wait "$btpid"
	[ "$round" = 1 ] && grep '^@' /tmp/bt.out | diag "bpftrace round 1: "
}

# --- per-workload counters (swapscope) -------------------------------------
probes_snap() { sed -n 's/^probe=\([a-z_]*\) .* hits=\([0-9]*\) nmissed=\([0-9]*\).*/\1 \2 \3/p' "$dbg/probes"; }
# dropped: what the module lost (health: event records, calls its watch
# table or walk budget could not judge); samples_dropped: violation
# samples its 8-entry rings and rate limit did not keep, by design.
dropped() { awk -F= '$1 == "events_dropped" || $1 == "watch_full" || $1 == "walk_truncated" { s += $2 } END { print s + 0 }' "$dbg/health"; }
samples_dropped() { sed -n 's/^rule=[A-Z0-9]* dropped=\([0-9]*\)$/\1/p' "$dbg/samples" | awk '{ s += $1 } END { print s + 0 }'; }

run_one() {	# cond name prog size iters
	cond=$1 name=$2
	if [ "$cond" = swapscope ]; then
		probes_snap > /tmp/p0
		d0=$(dropped)
		sd0=$(samples_dropped)
	fi
	out=$(cd /tmp && timeout -s KILL "$limit" "$bench" "$3" "$4" "$5" 2>&1 </dev/null)
	rc=$?
	secs=$(printf '%s\n' "$out" | sed -n 's/^seconds=\([0-9.]*\) .*/\1/p')
	if [ $rc -ne 0 ] || [ -z "$secs" ]; then
		notok "$name under $cond, round $round: exit $rc: $(printf '%s' "$out" | head -c 300)"
		return
	fi
	extra=
	if [ "$cond" = swapscope ]; then
		probes_snap > /tmp/p1
		extra=$(awk -v d="$(($(dropped) - d0))" -v sd="$(($(samples_dropped) - sd0))" 'NR == FNR { h[$1] = $2; m[$1] = $3; next }
			{ dh += $2 - h[$1]; dm = $3 - m[$1]; tm += dm
			  l = l (l == "" ? "" : ",") $1 ":" dm }
			END { printf "hits=%d nmissed=%d dropped=%d samples_dropped=%d missed_by_probe=%s", dh, tm, d, sd, l }' /tmp/p0 /tmp/p1)
	fi
	echo "BENCH-RUN round=$round cond=$cond name=$name $(printf '%s\n' "$out" | tail -n 1) $extra"
	case "$cond ${BENCH_SS_ARGS:-}" in
	swapscope*time_handlers=1*)
		echo "# bench: handlers $name round $round: $(sed -n 's/^probe=\([a-z_]*\) .* hits=\([0-9]*\) .* run_ns=\([0-9]*\).*/\1 \2 \3/p' "$dbg/probes" |
			awk '$2 > 0 { printf "%s %d hits %.0f ns/hit; ", $1, $2, $3 / $2 }')" ;;
	esac
}

# --- rounds ----------------------------------------------------------------
conds=",${BENCH_CONDS:-baseline,swapscope,probes,bpftrace},"
want() { case $conds in *",$1,"*) return 0 ;; esac; return 1; }
printf '%s\n' "$table" > /tmp/table
pair() {	# pair N A B: "A B" or "B A", alternating with N
	if [ $(($1 % 2)) = 0 ]; then echo "$2 $3"; else echo "$3 $2"; fi
}
rotate() {	# rotate N A B C: the three in an order that turns with N
	case $(($1 % 3)) in
	0) echo "$2 $3 $4" ;;
	1) echo "$3 $4 $2" ;;
	*) echo "$4 $2 $3" ;;
	esac
}
round=1
while [ "$round" -le "$rounds" ]; do
	echo "# bench: round $round/$rounds: baseline, swapscope and its bare probes"
	i=$round
	while read -r name prog size iters; do
		i=$((i + 1))
		for cond in $(rotate $i baseline swapscope probes); do
			want "$cond" || continue
			case $cond in
			swapscope) ss_start || continue ;;
			probes) fl_start || continue ;;
			esac
			run_one "$cond" "$name" "$prog" "$size" "$iters"
			case $cond in
			swapscope) ss_stop ;;
			probes) fl_stop ;;
			esac
		done
	done < /tmp/table
	if want bpftrace; then
		echo "# bench: round $round/$rounds: bpftrace"
		if bt_start; then
			i=$round
			while read -r name prog size iters; do
				i=$((i + 1))
				for cond in $(pair $i bpftrace-off bpftrace); do
					if [ "$cond" = bpftrace ]; then
						echo 1 > /sys/kernel/debug/kprobes/enabled
					else
						echo 0 > /sys/kernel/debug/kprobes/enabled
					fi
					run_one "$cond" "$name" "$prog" "$size" "$iters"
				done
			done < /tmp/table
			echo 1 > /sys/kernel/debug/kprobes/enabled
			bt_stop
		fi
	fi
	round=$((round + 1))
done
[ -d "$dbg" ] && rmmod "$mod" 2>/dev/null
echo "BENCH-DONE failed=$failed"
[ $failed = 0 ] && echo "ok - bench: $rounds round(s) of $(wc -l < /tmp/table) workloads"
exit $failed
