#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest test runner (/run.sh): load swapscope, arm the tracefs oracle, run /scenarios/* and /inject/*, unload.
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
# shellcheck disable=SC2034 # read by /scenario-run.sh's run_bounded
limit=${SS_SCENARIO_TIMEOUT:-120}
failed=0

notok() { echo "not ok - $*"; failed=1; }
diag() { sed 's/^/# /'; }
# A marker in dmesg, so kernel messages can be tied to the scenario.
kmsg() { echo "swapscope-test: $*" > /dev/kmsg; }
# An open debugfs file pins the module and rmmod answers EAGAIN, as for any
# module: retry for up to 10 s (stress.sh uses this too).
unload() {
	n=0
	until rmmod "$mod" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 100 ] || { rmmod "$mod"; return 1; }
		sleep 0.1
	done
}

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

# The functions the module probes on this kernel: SS_PROBES names 6.1's,
# and a kernel that batches swap frees has them under their _nr names
# (SS_PROBES_NR, module/compat/probes.h).  Every probe of the build-time
# list must be there, under its own name; the oracle, the ftrace-site and
# the CLI checks below then use the module's symbols.
uapi_probes=$probes
probes=/tmp/.probes.list
sed -n 's/^probe=\([^ ]*\) symbol=\([^ ]*\) .*/\1 \2/p' "$dbg/probes" > "$probes"
if [ "$(cut -d' ' -f1 "$uapi_probes")" = "$(cut -d' ' -f1 "$probes")" ]; then
	echo "ok - the module lists every probe of SS_PROBES, in order ($(wc -l < "$probes"))"
else
	notok "the module's probes differ from SS_PROBES: $(cut -d' ' -f1 "$probes" | tr '\n' ' ')"
fi
kseries=$(uname -r | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')

# Entry probes should sit on the function's ftrace site (KPROBES_ON_FTRACE):
# no int3, no single-stepping, the cheapest kind of kprobe.  With IBT (6.12)
# a function starts with ENDBR64 and its ftrace site, and so the probe, is
# at +0x4.
klist=/sys/kernel/debug/kprobes/list
while read -r name sym; do
	if grep -qE "^[0-9a-f]+ +[kr] +$sym\+0x[04] +.*\[FTRACE\]" "$klist"; then
		echo "ok - probe $name on $sym uses the ftrace site"
	else
		notok "probe $name on $sym is not on the ftrace site: $(grep " $sym+" "$klist")"
	fi
done < "$probes"

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
# run_bounded and run_program: shared with guest-matrix.sh.
# shellcheck source=tests/vm/scenario-run.sh
. /scenario-run.sh

for s in /scenarios/*; do
	run_program "$s"
done

# --- the expected picture on Debian's stock kernels -------------------------
# After every scenario, each rule's verdict as docs/rules.md explains it
# ("What Debian's stock kernels get"); a rule may name several verdicts
# only where its scenario is a race.  From
# reading both kernels' source, 6.12's picture is 6.1's: the same rules
# diverge, on more paths (large folios, batched zaps; scenario 13).
if [ -r "$dbg/rules" ]; then
	while read -r rule want; do
		got=$(sed -n "s/^rule=$rule .*verdict=\([a-z-]*\) .*/\1/p" "$dbg/rules")
		case "|$want|" in
		*"|$got|"*) echo "ok - stock $kseries: rule $rule $got" ;;
		*) notok "stock $kseries: rule $rule is ${got:-missing}, expected $want" ;;
		esac
	done <<-EOF
	Z1 conforms
	Z2 conforms
	Z3 conforms
	Z4 conforms
	F1 conforms
	F2 conforms|not-observed
	S1 conforms
	S2 conforms
	S3 conforms
	S4 conforms
	U1 conforms
	U2 conforms
	U3 diverges
	P1 diverges
	P2 diverges|not-observed
	P3 diverges
	C1 diverges
	C2 conforms
	C3 not-applicable
	EOF
fi

# --- the CLI against the real module ----------------------------------------
# Exit codes and content, not just "it ran"; the "# demo:" lines are what
# `make demo` shows.
cli_expect() {	# cli_expect RC DESC PATTERN CMD...: exit RC and PATTERN in output
	want=$1 desc=$2 pat=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -qE -- "$pat"; then
		echo "ok - cli: $desc"
	else
		notok "cli: $desc: exit $rc (want $want), output: $(printf '%s' "$out" | head -c 300)"
	fi
}
if [ -x /bin/swapscope ] && [ -d "$dbg" ]; then
	while read -r name sym; do
		cli_expect 0 "status shows probe $name active" \
			"^ *$name +$sym +k(ret)?probe +active" swapscope status
	done < "$probes"
	cli_expect 0 "status --json has every probe" \
		"\"active\": *$(wc -l < "$probes")," swapscope --json status
	for p in zap_full zap_mapping fork swapin reclaim; do
		cli_expect 0 "stats has path $p" "^ *$p +(before|after) " swapscope stats
	done
	cli_expect 0 "stats --json is an array of records" \
		'^\[\{"path": *"zap_full", *"phase": *"before", *"calls": *[0-9]+' \
		swapscope --json stats
	cli_expect 0 "report lists every rule with a verdict" \
		"^ *(Swap counts)? +C3 +004 .*not-applicable" swapscope report
	cli_expect 0 "report --json is an array of rules" \
		'^\[\{"rule": *"Z1", *"seed": *"000"' swapscope --json report
	cli_expect 0 "samples shows U3's kept violations" "U3" swapscope samples U3
	cli_expect 2 "samples rejects an unknown rule" "Z1" swapscope samples Q9
	{ echo '$ swapscope status'; swapscope status 2>&1
	  echo; echo '$ swapscope stats'; swapscope stats 2>&1
	  echo; echo '$ swapscope report'; swapscope report 2>&1; } |
		sed 's/^/# demo: /'
fi

# --- doctor: the preflight on Debian's 6.1, then on a doctored BTF ---------
# With the module loaded (so the missing kernel headers are not needed):
# exit 0, the config read from /boot, every probe's symbol a function in
# kallsyms, not blacklisted and of the prototype SS_PROTOS gives, per the
# BTF bpftool reads from /sys/kernel/btf/vmlinux.
if [ -x /bin/swapscope ] && [ -d "$dbg" ]; then
	kver=$(uname -r)
	# The release in a pattern: 6.12.118+deb12-amd64 has a "+".
	kre=$(printf '%s\n' "$kver" | sed 's/[.+]/\\&/g')
	doc=$(swapscope doctor 2>&1)
	rc=$?
	{ echo '$ swapscope doctor'; printf '%s\n' "$doc"; } | sed 's/^/# demo: /'
	doc_has() {	# doc_has DESC PATTERN: a line of the output above
		if printf '%s\n' "$doc" | grep -qE -- "$2"; then
			echo "ok - doctor: $1"
		else
			notok "doctor: $1: no line matches '$2'"
		fi
	}
	if [ "$rc" -eq 0 ] && ! printf '%s\n' "$doc" | grep -qE '^[a-z]+ +[^ ]+ +problem '; then
		echo "ok - doctor: exit 0 on $kver, no problem"
	else
		notok "doctor: exit $rc on $kver: $(printf '%s\n' "$doc" | grep ' problem ' | head -n 3)"
	fi
	for o in MODULES KPROBES KRETPROBES DEBUG_FS SWAP KPROBES_ON_FTRACE DEBUG_INFO_BTF; do
		doc_has "CONFIG_$o=y read from /boot/config-$kver" \
			"^config +CONFIG_$o +ok +y \(/boot/config-$kre\)"
	done
	doc_has "running as root" '^root +- +ok +euid 0$'
	doc_has "debugfs mounted" '^debugfs +/sys/kernel/debug +ok '
	doc_has "kprobes enabled" '^kprobes +enabled +ok '
	# The guest boots without EFI and does not mount securityfs.
	doc_has "no EFI: no Secure Boot" '^secureboot +- +ok +not booted through EFI'
	doc_has "lockdown not read without securityfs: skipped, not a problem" \
		'^lockdown +- +skipped +securityfs is not mounted '
	doc_has "the loaded module is built for $kver, abi matches" \
		"^module +swapscope +ok +loaded: .*, abi 1, built for $kre$"
	doc_has "no headers in the guest, not needed for the loaded module" \
		"^headers +/lib/modules/$kre/build +ok +not installed, not needed: "
	doc_has "BTF read with bpftool" \
		'^btf +/sys/kernel/btf/vmlinux +ok +[0-9]+ types \(bpftool, /sys/kernel/btf/vmlinux\)$'
	doc_bad=0
	while read -r name sym; do
		for c in kallsyms blacklist prototype; do
			printf '%s\n' "$doc" | grep -qE "^$c +$sym +ok " && continue
			notok "doctor: $c of $sym (probe $name) is not ok"
			doc_bad=1
		done
	done < "$probes"
	[ $doc_bad -eq 0 ] &&
		echo "ok - doctor: every probe's symbol in kallsyms, not blacklisted, prototype as BTF says ($(wc -l < "$probes") probes)"
	cli_expect 0 "doctor --json: no problem" '"problems": *0,' swapscope --json doctor

	# A saved dump reads as bpftool's; a prototype changed in it is caught.
	if bpftool btf dump file /sys/kernel/btf/vmlinux format raw > /tmp/btf.txt; then
		cli_expect 0 "doctor --btf of a saved bpftool dump" \
			"^prototype +try_to_unmap_one +ok +bool\(struct folio \*, struct vm_area_struct \*, unsigned long, void \*\)$" \
			swapscope doctor --btf /tmp/btf.txt
		id=$(sed -n "s/^\[[0-9]*\] FUNC 'copy_page_range' type_id=\([0-9]*\) .*/\1/p" /tmp/btf.txt)
		sed "s/^\(\[[0-9]*\] FUNC 'try_to_unmap_one' type_id=\)[0-9]*/\1$id/" \
			/tmp/btf.txt > /tmp/btf.bad
		out=$(swapscope doctor --btf /tmp/btf.bad 2>&1)
		rc=$?
		if [ "$rc" -eq 1 ] && [ "$(printf '%s\n' "$out" | grep -cE '^[a-z]+ +[^ ]+ +problem ')" -eq 1 ] &&
		   printf '%s\n' "$out" | grep -qE '^prototype +try_to_unmap_one +problem +BTF has int\(struct vm_area_struct \*, struct vm_area_struct \*\), probe reclaim was written for bool\('; then
			echo "ok - doctor: a doctored BTF (try_to_unmap_one's prototype changed): exit 1 naming that probe only"
		else
			notok "doctor on a doctored BTF: exit $rc (want 1): $(printf '%s\n' "$out" | grep -E ' (problem|skipped) ' | head -c 400)"
		fi
		rm -f /tmp/btf.txt /tmp/btf.bad
	else
		notok "doctor: bpftool btf dump of /sys/kernel/btf/vmlinux failed"
	fi
	# As if the module were not loaded: the module make install put in
	# /lib/modules (mkinitramfs.sh) makes the headers unneeded; without it,
	# they are missing.
	inst=/lib/modules/$kver/updates/swapscope.ko
	cli_expect 0 "doctor, no module loaded, no headers, $inst installed: not needed" \
		"^headers +/lib/modules/$kre/build +ok +not installed, not needed: /lib/modules/$kre/updates/swapscope\.ko is installed" \
		swapscope doctor --debugfs /sys/kernel/debug/no-swapscope
	mv "$inst" "$inst.aside"
	cli_expect 1 "doctor, no module loaded and no headers: apt-get install linux-headers-$kver" \
		"^headers +/lib/modules/$kre/build +problem .*fix: apt-get install linux-headers-$kre$" \
		swapscope doctor --debugfs /sys/kernel/debug/no-swapscope
	mv "$inst.aside" "$inst"
fi

# --- the control file: bad commands change nothing -------------------------
# Counts move with the guest's own processes, so only verdicts and the
# enabled flags are compared.
if [ -w "$dbg/control" ]; then
	flags() { sed 's/ observations=.* enabled=/ enabled=/' "$dbg/rules"; }
	before=$(flags)
	for cmd in bogus enable "enable Q9" "disable Z1 now" "disable" resetx \
		   "$(printf 'reset\001')" "$(printf '%0100d' 0)"; do
		if printf '%s' "$cmd" > "$dbg/control" 2>/dev/null; then
			notok "control: '$cmd' was accepted"
		fi
	done
	if [ "$(flags)" = "$before" ]; then
		echo "ok - control: malformed, binary and over-long writes fail and change nothing"
	else
		notok "control: a rejected write changed the rules"
	fi
	if echo "enable C3" > "$dbg/control" 2>/dev/null; then
		notok "control: a not-applicable rule was enabled"
	else
		echo "ok - control: a not-applicable rule cannot be enabled"
	fi
	echo "disable Z1" > "$dbg/control" &&
		grep -q '^rule=Z1 .* enabled=0 ' "$dbg/rules" &&
		echo "enable Z1" > "$dbg/control" &&
		grep -q '^rule=Z1 .* enabled=1 ' "$dbg/rules" &&
		echo "ok - control: disable and enable Z1" ||
		notok "control: disable/enable Z1 did not take effect"
fi

# The same through the CLI: enable/disable by id, refusals before and
# after the module is asked.
if [ -x /bin/swapscope ] && [ -w "$dbg/control" ]; then
	cli_expect 0 "disable z1 (any case) through the CLI" "" swapscope disable z1
	grep -q '^rule=Z1 .* enabled=0 ' "$dbg/rules" &&
		echo "ok - cli: disable Z1 took effect" || notok "cli: disable Z1 did not take effect"
	cli_expect 0 "enable Z1 through the CLI" "" swapscope enable Z1
	grep -q '^rule=Z1 .* enabled=1 ' "$dbg/rules" &&
		echo "ok - cli: enable Z1 took effect" || notok "cli: enable Z1 did not take effect"
	cli_expect 2 "enable C3: the module refuses a rule this kernel lacks" \
		"not applicable on this kernel" swapscope enable C3
	cli_expect 2 "disable Q9: refused before the module is touched" \
		"unknown rule 'Q9'" swapscope disable Q9
fi

# --- the CI gate: a baseline of stock 6.1, both directions -----------------
if [ -x /bin/swapscope ] && [ -d "$dbg" ]; then
	cli_expect 0 "baseline save of the stock picture" "" \
		swapscope baseline save /tmp/stock.baseline
	cli_expect 0 "check passes against the stock baseline" "passed" \
		swapscope check --baseline /tmp/stock.baseline
	cli_expect 1 "check without a baseline fails on stock 6.1's divergences" \
		"U3" swapscope check
fi

# --- events --follow and run -- CMD ------------------------------------------
# The live stream and the scoped run, against the real module.  Each
# starts from a reset, so the baseline gate above saw the scenarios' picture.
health() { sed -n "s/^$1=//p" "$dbg/health"; }
# Until the follower has the events file open (records start there).
await_reader() {
	n=0
	while [ "$(health events_reader)" != 1 ] && [ $n -lt 100 ]; do
		sleep 0.2
		n=$((n + 1))
	done
}
if [ -x /bin/swapscope ] && [ -r "$dbg/events" ]; then
	echo reset > "$dbg/control"
	swapscope events --path swapin --rule S1 --count 4 --timeout 120 \
		> /tmp/ev.out 2> /tmp/ev.err &
	evpid=$!
	await_reader
	cli_expect 2 "events: a second reader is refused while one follows" \
		"another reader is following" swapscope events --timeout 5
	/scenarios/01-swapin > /dev/null 2>&1
	wait "$evpid"
	evrc=$?
	if [ "$evrc" -eq 0 ] && [ "$(wc -l < /tmp/ev.out)" -eq 4 ] &&
	   ! grep -v ' swapin \| S1 ' /tmp/ev.out | grep -q . &&
	   grep -q 'VERDICT  *S1 conforms (at swapin' /tmp/ev.out &&
	   grep -q '4 events shown of' /tmp/ev.err; then
		echo "ok - events: --path swapin --rule S1 --count 4 shows S1's verdict change and swap-ins only"
	else
		notok "events --path swapin --rule S1 --count 4: exit $evrc, $(head -c 400 /tmp/ev.out) / $(cat /tmp/ev.err)"
	fi
	sed 's/^/# demo: events: /' /tmp/ev.out
	# After a reset, F1's first observation is a verdict change, then
	# the call itself: 02-fork forks one VMA holding swap entries.
	echo reset > "$dbg/control"
	swapscope -j events --path fork --count 2 --timeout 120 > /tmp/evj.out 2>/dev/null &
	evpid=$!
	await_reader
	/scenarios/02-fork > /dev/null 2>&1
	wait "$evpid"
	evrc=$?
	if [ "$evrc" -eq 0 ] && [ "$(wc -l < /tmp/evj.out)" -eq 2 ] &&
	   [ "$(grep -cE '^\{"seq": *[0-9]+, *"ns": *[0-9]+, *"cpu": *[0-9]+, *"event": *"(observe|verdict)",.*"source": *"fork".*\}$' /tmp/evj.out)" -eq 2 ] &&
	   grep -qE '"event": *"verdict", *"rule": *"F1", *"verdict": *"conforms"' /tmp/evj.out; then
		echo "ok - events --json: one object per line, fork only, F1's verdict change first"
	else
		notok "events --json --path fork: exit $evrc, $(wc -l < /tmp/evj.out) lines: $(head -c 600 /tmp/evj.out)"
	fi
	# A reader that stops reading: the module drops records, says so,
	# and the gate fails on it until a reset.
	swapscope events > /tmp/evd.out 2> /tmp/evd.err &
	evpid=$!
	await_reader
	kill -STOP "$evpid"
	i=0
	while [ "$i" -lt 3000 ] && [ "$(health events_dropped)" = 0 ]; do
		/bin/busybox true
		i=$((i + 1))
	done
	kill -CONT "$evpid"
	sleep 1
	kill -INT "$evpid"
	wait "$evpid"
	evrc=$?
	dropped=$(health events_dropped)
	if [ "$evrc" -eq 1 ] && [ "${dropped:-0}" -gt 0 ] &&
	   grep -q '^DROPPED  *[1-9][0-9]* records' /tmp/evd.out &&
	   grep -q "dropped by the module" /tmp/evd.err; then
		echo "ok - events: a stalled reader gets a DROPPED line and exit 1 ($dropped dropped after $i processes)"
	else
		notok "events, stalled reader: exit $evrc, events_dropped=$dropped after $i, $(tail -c 300 /tmp/evd.err)"
	fi
	[ -r /tmp/stock.baseline ] &&
		cli_expect 1 "check fails on dropped event records" \
			"^unseen: events_dropped=[1-9]" swapscope check --baseline /tmp/stock.baseline
	echo reset > "$dbg/control"
	[ "$(health events_dropped)" = 0 ] && echo "ok - reset zeroes events_dropped" ||
		notok "reset left events_dropped=$(health events_dropped)"

	cli_expect 0 "run: 01-swapin alone conforms, exit 0" \
		"^run passed: no rule diverged" swapscope run -- /scenarios/01-swapin
	# P1: 05-shmem reads the pagemap of its swapped shmem, a reader in
	# CMD's tree, and is told neither present nor swap (module/pmwatch.c).
	cli_expect 1 "run: 05-shmem diverges on U3, P1 (its own pagemap reads) and C1, exit 1" \
		"^run FAILED: diverges: U3, P1, C1$" swapscope run -- /scenarios/05-shmem
	cli_expect 0 "run --rules S1,F1: only those judged" \
		"^run passed: no rule diverged" swapscope run --rules S1,F1 -- /scenarios/05-shmem
	out=$(swapscope run --rules S1,F1 -- /scenarios/05-shmem 2>&1)
	[ "$(printf '%s\n' "$out" | grep -cE '^ *([A-Za-z -]+ +)?[A-Z][0-9] +00[0-9] ')" -eq 2 ] &&
		echo "ok - run --rules S1,F1: two rows" || notok "run --rules S1,F1 rows: $out"
	cli_expect 0 "run: CMD's exit status is shown, not returned" \
		"exited 3" swapscope run -- sh -c 'exit 3'
	cli_expect 2 "run: a command that cannot start is exit 2" \
		"cannot run '/no/such/cmd': No such file" swapscope run -- /no/such/cmd
	[ "$(health scope)" = none ] && echo "ok - run: the scope is lifted after a failed start" ||
		notok "run left scope=$(health scope)"
	# Scope: another process's swap-ins during the run are not counted.
	/scenarios/01-swapin > /dev/null 2>&1 &
	other=$!
	out=$(swapscope -j run -- sleep 4 2>/dev/null)
	wait "$other"
	if printf '%s' "$out" | grep -qE '"scope_skipped": *[1-9]' &&
	   printf '%s' "$out" | grep -qE '"rule": *"S1", *"seed": *"001", *"group": *"[^"]*", *"checks": *"[^"]*", *"verdict": *"not-observed", *"observations": *0,'; then
		echo "ok - run: another process's swap-ins are outside the scope (S1 not observed)"
	else
		notok "run scope: $(printf '%s' "$out" | head -c 600)"
	fi
	[ "$(health scope)" = none ] && echo "ok - run: the scope is lifted afterwards" ||
		notok "run left scope=$(health scope)"
	{ echo '$ swapscope run -- /scenarios/05-shmem'
	  swapscope run -- /scenarios/05-shmem 2>&1; } | grep -v '^\(ok\|not ok\|#\) ' |
		sed 's/^/# demo: /'
	echo reset > "$dbg/control"
fi

# --- pagemap and audit through the CLI, on a live process -------------------
# 05-shmem --hold keeps 2 x 256 shmem pages in swap (a shared anonymous
# mapping and a memfd) until killed.  Stock 6.1 loses their PM_SWAP (P1),
# so pagemap exits 1; every slot's count matches its referents (C2), so
# audit exits 0.
cli_run() {	# cli_run CMD...: output in $out, exit in $rc
	out=$("$@" 2>&1)
	rc=$?
}
cli_has() {	# cli_has DESC RC PATTERN...: the last cli_run exited RC, every PATTERN in $out
	desc=$1 want=$2
	shift 2
	for pat in "$@"; do
		printf '%s\n' "$out" | grep -qE -- "$pat" || break
		pat=
	done
	if [ "$rc" -eq "$want" ] && [ -z "$pat" ]; then
		echo "ok - cli: $desc"
	else
		notok "cli: $desc: exit $rc (want $want)${pat:+, no match for $pat}, output: $(printf '%s' "$out" | head -c 300)"
	fi
}
if [ -x /bin/swapscope ] && [ -w "$dbg/pagemap" ] && [ -x /scenarios/05-shmem ]; then
	hold_out=/tmp/.hold.out
	/scenarios/05-shmem --hold > "$hold_out" 2>&1 &
	hold=$!
	n=0
	while ! grep -q '^# hold pid=' "$hold_out" && kill -0 "$hold" 2>/dev/null &&
	      [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	# "pid P shared S E memfd S E pages N", one word each
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^# hold //p' "$hold_out" | tr '=-' '  ')
	if grep -q '^not ok' "$hold_out" || [ "${1:-}" != pid ] || [ "${2:-}" != "$hold" ]; then
		notok "05-shmem --hold: no process with its shmem in swap"
		diag < "$hold_out"
	else
		hpid=$2 sh_start=$4 sh_end=$5 mfd_start=$7 mfd_end=$8 np=${10}
		echo "ok - 05-shmem --hold: pid $hpid, 2 x $np shmem pages in swap"
		cli_run swapscope pagemap "$hpid" "$sh_start" "$sh_end"
		cli_has "pagemap of swapped-out shared anonymous memory: P1 diverges (exit 1)" 1 \
			"^pages +$np$" "^truth +shmem_swapped $np$" \
			"^mismatches +$np \(P1 $np, P2 0, P3 0, not judged 0\)$" \
			"^P1 +swapped shmem is reported +$np +$np +$np$" \
			"^$sh_start +shmem_swapped +0x[0-9a-f]+ +0 +0 +0x0$" \
			"^$((np - 64)) more not shown$" \
			"^pagemap differs from the truth: $np violations of P1-P3$"
		{ echo; echo "\$ swapscope pagemap $hpid $sh_start $sh_end"
		  printf '%s\n' "$out" | head -n 16; echo '...'; } | sed 's/^/# demo: /'
		cli_run swapscope --json pagemap "$hpid" "$mfd_start-$mfd_end"
		cli_has "pagemap --json of a swapped-out memfd (START-END): P1 diverges" 1 \
			"\"shmem_swapped\": *$np," "\"not_judged\": *0," \
			"\"rule\": *\"P1\", *\"checks\": *\"[a-z ]+\", *\"observations\": *$np, *\"violations\": *$np, *\"impact\": *$np" \
			"\"dropped\": *$((np - 64)), *\"result\": *\"fail\"}$"
		# Every mapping of the process: the two shmem ranges and the rest.
		cli_run swapscope pagemap "$hpid"
		cli_has "pagemap PID, every mapping: both ranges' $((2 * np)) pages, P1 only" 1 \
			"^range +every mapping: [0-9]+ in /proc/$hpid/maps, [0-9]+ writes$" \
			"^truth .*shmem_swapped $((2 * np))(,|$)" \
			"^P1 +swapped shmem is reported +$((2 * np)) +$((2 * np)) +$((2 * np))$" \
			"^P2 +migration is not swap +0 +0 +-$" "^P3 +a marker is not swap +0 +0 +-$"
		printf '%s\n' "$out" | sed -n '1,/^$/p' | sed 's/^/# /'

		# Refused, the module's last comparison left as it was.
		last=$(cat "$dbg/pagemap")
		gone=$(cat /proc/sys/kernel/pid_max)
		cli_run swapscope pagemap "$((gone - 1))" "$sh_start" "$sh_end"
		cli_has "pagemap of a pid that does not exist: exit 2 (the module's ESRCH)" 2 \
			"No such process"
		cli_run swapscope pagemap "$hpid" "$sh_start" "$((sh_end + 1))"
		cli_has "pagemap of a malformed range: exit 2 before any write" 2 \
			"not page-aligned"
		cli_run swapscope pagemap "$hpid" "$sh_end" "$sh_start"
		cli_has "pagemap of a reversed range: exit 2 before any write" 2 \
			"END must be above START"
		if [ "$(cat "$dbg/pagemap")" = "$last" ]; then
			echo "ok - cli: refused pagemap runs leave the module's last comparison"
		else
			notok "cli: a refused pagemap run changed the module's last comparison"
		fi

		# audit, with the 2 x np shmem slots in swap (SWAP_MAP_SHMEM on 6.1)
		cli_run swapscope audit
		cli_has "audit: every slot's count matches (exit 0)" 0 \
			"^slots +[0-9]+ in use on 1 device, [0-9]+ referenced$" \
			"^bad +0 leaks, 0 overcounts, 0 undercounts$" \
			"^audit clean: every slot's count matches its referents$"
		{ echo; echo '$ swapscope audit'; printf '%s\n' "$out"; } |
			sed 's/^/# demo: /'
		cli_run swapscope --json audit
		# The hold's slots at least: shmem-owned, at SWAP_MAP_SHMEM.
		figure() { printf '%s\n' "$out" | sed -n "s/.*\"$1\": *\([0-9]*\),.*/\1/p"; }
		if [ "$rc" -eq 0 ] && [ "$(figure slots)" -ge $((2 * np)) ] &&
		   [ "$(figure referenced)" -eq "$(figure slots)" ] &&
		   [ "$(figure shmem_owned)" -ge $((2 * np)) ] &&
		   [ "$(figure swap_map_shmem)" -ge $((2 * np)) ] &&
		   [ "$(figure devices)" -eq 1 ] &&
		   printf '%s\n' "$out" | grep -q '"bad_slots": *\[\], *"dropped": *0, *"result": *"pass"}$'; then
			echo "ok - cli: audit --json: the held slots counted ($(figure slots) in use, $(figure shmem_owned) shmem-owned), none bad"
		else
			notok "cli: audit --json: exit $rc, $(printf '%s' "$out" | head -c 400)"
		fi
		cli_run swapscope audit now
		cli_has "audit with an argument: exit 2" 2 "takes no arguments"
	fi
	kill "$hold" 2>/dev/null
	wait "$hold"
	hold_rc=$?
	if [ "$hold_rc" -eq 0 ]; then
		echo "ok - 05-shmem --hold ends cleanly on SIGTERM"
	else
		notok "05-shmem --hold exited $hold_rc"
		diag < "$hold_out"
	fi
fi

# --- a rule that disables itself ---------------------------------------------
# ssinject's big_folio_next shows swapscope's reclaim handler a PTE-mapped
# folio over a PMD, an internal inconsistency for its per-page bookkeeping:
# U1 and U3 disable themselves (state=failed), each with a message that
# run.sh excuses between the expect-selfdisable markers and nowhere else.
# The test runs with warn_on_fail=0 (as on a panic_on_warn machine), so
# the run's kernel log holds no WARNING at all; the default (1) only adds
# WARN_ON_ONCE's stack.  The CLI must say so and the gate fail; the other
# rules keep judging; a reset brings the two back.
sd_obs() {	# sd_obs RULE FILE: observations of RULE in a copy of rules
	sed -n "s/^rule=$1 .* observations=\([0-9]*\) .*/\1/p" "$2"
}
selfdisable_test() {
	wof=/sys/module/$mod/parameters/warn_on_fail
	if [ "$(cat "$wof")" = Y ] && ! echo maybe > "$wof" 2>/dev/null &&
	   [ "$(cat "$wof")" = Y ] && echo 0 > "$wof" && [ "$(cat "$wof")" = N ]; then
		echo "ok - warn_on_fail: Y by default, 'maybe' refused, 0 taken"
	else
		notok "warn_on_fail: $(cat "$wof" 2>&1)"
	fi
	echo "<3>swapscope-test: expect-selfdisable-begin" > /dev/kmsg
	swapscope events --timeout 120 > /tmp/sdev.out 2>/dev/null &
	sdev=$!
	await_reader
	run_program /inject/inject-selfdisable
	sleep 1
	kill -INT "$sdev"
	wait "$sdev"
	if grep -q 'DISABLED  *U1: folio-larger-than-pmd$' /tmp/sdev.out &&
	   grep -q 'DISABLED  *U3: folio-larger-than-pmd$' /tmp/sdev.out; then
		echo "ok - self-disable: events shows DISABLED U1 and U3 with the reason"
	else
		notok "self-disable: events: $(wc -l < /tmp/sdev.out) lines, DISABLED ones: $(grep DISABLED /tmp/sdev.out | head -c 300)"
	fi

	fails=$(grep -cE ' state=failed( |$)' "$dbg/rules")
	if grep -qE '^rule=U1 .* enabled=0 reason=folio-larger-than-pmd state=failed( |$)' "$dbg/rules" &&
	   grep -qE '^rule=U3 .* enabled=0 reason=folio-larger-than-pmd state=failed( |$)' "$dbg/rules" &&
	   [ "$fails" -eq 2 ]; then
		echo "ok - self-disable: rules has U1 and U3 enabled=0 reason=folio-larger-than-pmd state=failed, no other rule failed"
	else
		notok "self-disable: rules ($fails failed): $(grep -E '^rule=U[13] ' "$dbg/rules")"
	fi
	# The kernel log: one message per rule and, with warn_on_fail=0, no
	# WARNING.
	n1=$(dmesg | grep -c 'swapscope: rule U1 disabled itself: folio-larger-than-pmd (internal inconsistency)')
	n3=$(dmesg | grep -c 'swapscope: rule U3 disabled itself: folio-larger-than-pmd (internal inconsistency)')
	nw=$(dmesg | grep -c 'WARNING:')
	if [ "$n1" -eq 1 ] && [ "$n3" -eq 1 ] && [ "$nw" -eq 0 ]; then
		echo "ok - self-disable: dmesg has one message per rule and, with warn_on_fail=0, no WARNING"
	else
		notok "self-disable: dmesg: U1 message $n1, U3 message $n3, WARNING $nw (want 1, 1, 0)"
		dmesg | grep -E 'disabled itself|WARNING' | diag
	fi

	cli_expect 0 "self-disable: status names U1 and why" \
		"^rule U1 disabled itself: folio-larger-than-pmd \(an internal inconsistency" swapscope status
	cli_expect 0 "self-disable: status --json lists both" \
		'"failed_rules": *\[\{"rule": *"U1", *"reason": *"folio-larger-than-pmd"\}, *\{"rule": *"U3",' \
		swapscope --json status
	cli_expect 0 "self-disable: report shows U1 failed and why" \
		"^Reclaim unmap +U1 +001 .* failed: folio-larger-than-pmd$" swapscope report
	cli_expect 0 "self-disable: report counts the failed rules" \
		"; [0-9]+ disabled, 2 of them failed \(disabled themselves" swapscope report
	cli_expect 0 "self-disable: report --json has state failed" \
		'"rule": *"U3",[^}]*"enabled": *false, *"state": *"failed", *"reason": *"folio-larger-than-pmd"' \
		swapscope --json report
	# The gate fails on a rule that disabled itself, whatever the
	# baseline and --allow-missed say.
	if [ -r /tmp/stock.baseline ]; then
		cli_expect 1 "self-disable: check --baseline --allow-missed fails, naming U1" \
			"^rule failed: U1 \(exclusivity survives swap-out\) disabled itself: folio-larger-than-pmd" \
			swapscope check --baseline /tmp/stock.baseline --allow-missed
		cli_expect 1 "self-disable: check's summary counts 2 failed rules" \
			"^check FAILED: 0 new divergences, .*; 2 rules failed; " \
			swapscope check --baseline /tmp/stock.baseline --allow-missed
		cli_expect 1 "self-disable: check --json has failed_rules" \
			'"failed_rules": *\[\{"rule": *"U1", *"checks": *"exclusivity survives swap-out", *"reason": *"folio-larger-than-pmd"\}' \
			swapscope --json check --baseline /tmp/stock.baseline --allow-missed
	fi
	{ echo '$ swapscope report  (Reclaim unmap rows and summary)'
	  swapscope report 2>&1 | grep -E '^(Reclaim unmap)? +U[123] |^[0-9]+ rules:'
	  echo '$ swapscope check --baseline stock.baseline --allow-missed'
	  swapscope check --baseline /tmp/stock.baseline --allow-missed 2>&1
	} | sed 's/^/# self-disable: /'
	cli_expect 2 "self-disable: enable U1 is refused (EBUSY), reset is the way back" \
		"disabled itself on an internal inconsistency.*'swapscope reset' judges it again" \
		swapscope enable U1

	# The other rules keep judging: 01-swapin's swap-ins count for S1 as
	# ever; U1 and U3 count nothing, so 01-swapin's only failures are its
	# U1 figures.
	cp "$dbg/rules" /tmp/sd.before
	/scenarios/01-swapin > /tmp/sd.out 2>&1
	cp "$dbg/rules" /tmp/sd.after
	ds1=$(( $(sd_obs S1 /tmp/sd.after) - $(sd_obs S1 /tmp/sd.before) ))
	du2=$(( $(sd_obs U2 /tmp/sd.after) - $(sd_obs U2 /tmp/sd.before) ))
	du1=$(( $(sd_obs U1 /tmp/sd.after) - $(sd_obs U1 /tmp/sd.before) ))
	du3=$(( $(sd_obs U3 /tmp/sd.after) - $(sd_obs U3 /tmp/sd.before) ))
	nok=$(grep -c '^not ok' /tmp/sd.out)
	others=$(grep '^not ok' /tmp/sd.out | grep -vc 'rule U1')
	if [ "$ds1" -ge 256 ] && [ "$du2" -ge 256 ] && [ "$du1" -eq 0 ] &&
	   [ "$du3" -eq 0 ] && [ "$nok" -ge 1 ] && [ "$others" -eq 0 ]; then
		echo "ok - self-disable: 01-swapin afterwards: S1 +$ds1, U2 +$du2 observations, U1 and U3 +0; its only failures ($nok) are U1's"
	else
		notok "self-disable: 01-swapin afterwards: S1 +$ds1 U2 +$du2 U1 +$du1 U3 +$du3, $nok failures, $others not about U1"
	fi
	grep '^not ok' /tmp/sd.out | sed 's/^/# 01-swapin with U1 failed: /'

	# A reset judges them again: state enabled, a message, and 01-swapin
	# passes whole (U1 +256 again).
	cli_expect 0 "self-disable: swapscope reset" "" swapscope reset
	if [ "$(grep -cE ' state=failed( |$)' "$dbg/rules")" -eq 0 ] &&
	   grep -qE '^rule=U1 .* enabled=1 reason=- state=enabled( |$)' "$dbg/rules" &&
	   grep -qE '^rule=U3 .* enabled=1 reason=- state=enabled( |$)' "$dbg/rules" &&
	   [ "$(dmesg | grep -c 'swapscope: rule U[13] judged again after reset (it had disabled itself: folio-larger-than-pmd)')" -eq 2 ]; then
		echo "ok - self-disable: reset brings U1 and U3 back (state=enabled), and says so in dmesg"
	else
		notok "self-disable: after reset: $(grep -E '^rule=U[13] ' "$dbg/rules")"
	fi
	run_program /scenarios/01-swapin
	[ -r /tmp/stock.baseline ] &&
		cli_expect 0 "self-disable: after the reset check passes again" \
			"^check passed" swapscope check --baseline /tmp/stock.baseline
	echo "<3>swapscope-test: expect-selfdisable-end" > /dev/kmsg
	echo 1 > "$wof"
}

# --- fault injection --------------------------------------------------------
# The test-only ssinject.ko breaks one invariant at a time; each /inject/*
# program checks that exactly the matching rule turns diverges.  Their
# violations are deliberate, so swapscope's counters are reset afterwards.
inject_ko=/swapscope/ssinject.ko
if [ -f "$inject_ko" ] && [ -d "$dbg" ]; then
	if err=$(insmod "$inject_ko" 2>&1); then
		echo "ok - load ssinject (test-only fault injection)"
		for s in /inject/*; do
			# Its own block below: it leaves two rules failed.
			[ "$s" = /inject/inject-selfdisable ] && continue
			run_program "$s"
		done
		# Each inject test resets first: the last one's (Z1) is what is left.
		[ -r /tmp/stock.baseline ] &&
			cli_expect 1 "check against the stock baseline fails on the injected divergence" \
				"new divergence: Z1" swapscope check --baseline /tmp/stock.baseline
		[ -x /inject/inject-selfdisable ] && selfdisable_test
		if err=$(rmmod ssinject 2>&1) &&
		   [ ! -e /sys/kernel/debug/ssinject ] && [ ! -e /sys/module/ssinject ]; then
			echo "ok - ssinject unloads cleanly"
		else
			notok "ssinject unloads cleanly: ${err:-debugfs or /sys/module entry left}"
		fi
	else
		notok "load ssinject: insmod failed: $err"
		dmesg | tail -n 5 | diag
	fi
	# Through the CLI.  Exiting processes (the CLI itself) zap and so
	# observe Z1-Z4 again at once; no violation may survive, and the
	# pagemap and audit rules, judged on demand only, must read zero.
	if swapscope reset && ! grep -qv ' violations=0 ' "$dbg/rules" &&
	   grep -qE '^rule=P1 .* observations=0 violations=0 impact=0 ' "$dbg/rules" &&
	   grep -qE '^rule=C2 .* observations=0 violations=0 impact=0 ' "$dbg/rules"; then
		echo "ok - swapscope reset after fault injection zeroes the counts"
	else
		notok "swapscope reset after fault injection: $(grep -v ' violations=0 ' "$dbg/rules" | head -n 2)"
	fi
fi

# --- unload and reload while workloads run --------------------------------
# Probes are removed while faults sleep in do_swap_page, forks copy and
# reclaim unmaps on both vCPUs; the kernel log check catches any fallout.
if [ -d "$dbg" ]; then
	rm -f /tmp/.stop
	for s in /scenarios/01-* /scenarios/02-* /scenarios/06-*; do
		[ -x "$s" ] || continue
		(cd /tmp && while [ ! -e /tmp/.stop ]; do
			"$s" >/dev/null 2>&1
		done) &
	done
	sleep 2
	cycles=0
	for i in 1 2 3 4 5; do
		unload || break
		sleep 0.5
		insmod "$ko" || break
		sleep 1
		cycles=$i
	done
	touch /tmp/.stop
	wait
	if [ "$cycles" -eq 5 ] && [ -d "$dbg" ]; then
		echo "ok - module unloads and reloads 5 times under load"
	else
		notok "module reload under load: stopped after $cycles cycles"
	fi
fi

# --- stress and fault tests (tests/vm/stress.sh) ---------------------------
# Hostile input, swap device changes, memory pressure, missed events and
# load/unload cycles; the module is loaded again when they are done.
# SS_SKIP_STRESS=1 on the kernel command line (VM_APPEND) skips them in a
# development loop; make check never sets it.
if [ "${SS_SKIP_STRESS:-0}" = 1 ]; then
	echo "skip - stress tests: SS_SKIP_STRESS=1"
elif [ -r /stress.sh ] && [ -d "$dbg" ]; then
	. /stress.sh
fi

# --- third-party stress: Debian's stress-ng (tests/vm/stressng.sh) ---------
# fork, mremap, madvise (MADV_PAGEOUT, MADV_HWPOISON), memfd, userfaultfd
# and numa workers in a memcg at its limit, judged against the stock
# baseline above (about 1 min).  SS_SKIP_STRESSNG=1 on the kernel command
# line (VM_APPEND) skips it; make check never sets it.
if [ "${SS_SKIP_STRESSNG:-0}" = 1 ]; then
	echo "skip - stress-ng: SS_SKIP_STRESSNG=1"
elif [ -r /stressng.sh ] && [ -d "$dbg" ]; then
	. /stressng.sh
fi

# --- swapscope's tracepoints and the events file's poll() (guest-trace.sh) --
[ -r /guest-trace.sh ] && [ -d "$dbg" ] && . /guest-trace.sh

# --- module state, unload, oracle off ------------------------------------
if [ -d "$dbg" ]; then
	for f in "$dbg"/*; do
		[ -f "$f" ] || continue
		# events is a live stream: a read waits for the next record.
		[ "$f" = "$dbg/events" ] && continue
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

# --- without the module, and with bad or unusual parameters ----------------
if [ -x /bin/swapscope ]; then
	cli_expect 2 "status without the module says how to load it" \
		"insmod|modprobe" swapscope status
fi
# At KERN_ERR so the markers reach the console too, as the errors do.
echo "<3>swapscope-test: expect-errors-begin" > /dev/kmsg
for arg in maxactive=0 maxactive=abc walk_budget=1 symbols=nosuch=foo \
	   'symbols=zap' 'symbols=zap=bad;sym'; do
	if insmod "$ko" "$arg" 2>/dev/null; then
		notok "insmod $arg was accepted"
		rmmod "$mod"
	elif dmesg | tail -n 5 | grep -q "swapscope: invalid ${arg%%=*}="; then
		echo "ok - insmod $arg refused, naming the parameter"
	else
		notok "insmod $arg refused without naming the parameter"
	fi
done
# A symbol the kernel lacks leaves that probe unavailable, the rest working.
if insmod "$ko" symbols=reclaim=swapscope_no_such_function; then
	if grep -q '^probe=reclaim .*state=unavailable .*reason=not-in-kallsyms' "$dbg/probes" &&
	   [ "$(grep -c 'state=active' "$dbg/probes")" -eq $(( $(wc -l < "$probes") - 1 )) ]; then
		echo "ok - a missing symbol leaves only its probe unavailable"
	else
		notok "missing symbol: $(cat "$dbg/probes")"
	fi
	rmmod "$mod"
else
	notok "insmod with a missing probe symbol failed to load"
fi
echo "<3>swapscope-test: expect-errors-end" > /dev/kmsg

if [ $oracle -eq 1 ]; then
	echo 0 > "$tr/events/ssoracle/enable"
	while read -r name sym; do
		echo "-:ssoracle/$name" >> "$tr/kprobe_events"
	done < "$probes"
	echo 1 > "$tr/tracing_on"
fi

# --- time_handlers=1: what the handlers cost, per probe ----------------------
# Off by default (0 in run_ns); with it, a swap-in scenario must show time
# spent in the swapin probe's handlers, and only there where hits were.
if [ -d "$dbg" ]; then
	notok "time_handlers: $mod still loaded before the test"
elif err=$(insmod "$ko" time_handlers=1 2>&1); then
	/scenarios/01-swapin > /dev/null 2>&1
	line=$(grep '^probe=swapin ' "$dbg/probes")
	hits=$(printf '%s\n' "$line" | sed -n 's/.* hits=\([0-9]*\) .*/\1/p')
	ns=$(printf '%s\n' "$line" | sed -n 's/.* run_ns=\([0-9]*\)$/\1/p')
	idle=$(awk '/^probe=/ && / hits=0 / && !/ run_ns=0$/' "$dbg/probes")
	if [ "${hits:-0}" -gt 0 ] && [ "${ns:-0}" -gt 0 ] && [ -z "$idle" ]; then
		echo "ok - time_handlers=1: swapin $hits hits, run_ns=$ns ($((ns / hits)) ns/hit); probes without hits at 0"
	else
		notok "time_handlers=1: swapin hits=$hits run_ns=$ns; idle probes with time: $idle"
	fi
	if swapscope status | grep -Eq "^handler time per hit \(time_handlers=1\):.* swapin [0-9]+ ns"; then
		echo "ok - time_handlers=1: swapscope status shows the handler time per hit"
	else
		notok "time_handlers=1: swapscope status: $(swapscope status 2>&1 | tail -n 4)"
	fi
	unload || notok "time_handlers: cannot unload"
else
	notok "insmod time_handlers=1: $err"
fi
echo "<3>swapscope-test: expect-errors-begin" > /dev/kmsg
if insmod "$ko" time_handlers=maybe 2>/dev/null; then
	notok "insmod time_handlers=maybe was accepted"
	unload
elif dmesg | tail -n 5 | grep -aq "invalid for parameter .time_handlers"; then
	echo "ok - insmod time_handlers=maybe refused, naming the parameter"
else
	notok "insmod time_handlers=maybe refused without naming the parameter: $(dmesg | tail -n 2)"
fi
echo "<3>swapscope-test: expect-errors-end" > /dev/kmsg

# --- make install's layout: modprobe ----------------------------------------
# mkinitramfs.sh installs the module as `make install` does:
# /lib/modules/KVER/updates/swapscope.ko, in modules.dep (depmod -b).
inst=/lib/modules/$(uname -r)/updates/swapscope.ko
if [ ! -f "$inst" ]; then
	notok "modprobe: $inst missing from the initramfs"
elif [ -e "/sys/module/$mod" ]; then
	notok "modprobe: $mod still loaded before the test"
elif ! err=$(modprobe "$mod" 2>&1); then
	notok "modprobe $mod failed: $err"
elif [ ! -d "/sys/module/$mod" ] || [ ! -r "$dbg/version" ]; then
	notok "modprobe $mod: exit 0 but no /sys/module/$mod or $dbg/version"
else
	echo "ok - modprobe $mod loads $inst (make install's layout, modules.dep)"
	if err=$(modprobe -r "$mod" 2>&1) && [ ! -e "/sys/module/$mod" ] && [ ! -e "$dbg" ]; then
		echo "ok - modprobe -r $mod unloads it"
	else
		notok "modprobe -r $mod: ${err:-/sys/module/$mod or $dbg still present}"
		rmmod "$mod" 2>/dev/null
	fi
fi

exit $failed
