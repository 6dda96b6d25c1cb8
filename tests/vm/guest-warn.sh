#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest test runner for a boot of its own (/run.sh): report_warn=1 makes each diverging rule's first violation one kernel WARNING, in the shape syzkaller and 0-day parse.
#
# Run by tests/run-check.sh as the warn-SERIES stage: tests/vm/run.sh
# --script tests/vm/guest-warn.sh with SS_EXPECT_WARN=1, which excuses
# exactly swapscope's reports (a WARNING at ss_rule_XX_diverges, through
# its end-of-trace line) from the host's clean-log check; any other
# WARNING still fails the boot.  05-shmem makes two rules diverge on every
# shmem page it pages out (U3, seed 002; C1, seed 004) while others
# conform (U2, Z3, Z4): one report each for U3 and C1, none for the rest,
# none again on more violations, one again after a reset, none with the
# parameter off.
set -u

ko=/swapscope/swapscope.ko
mod=swapscope
dbg=/sys/kernel/debug/swapscope
param=/sys/module/$mod/parameters/report_warn
scen=/scenarios/05-shmem
failed=0

notok() { echo "not ok - $*"; failed=1; }
diag() { sed 's/^/# /'; }
kmsg() { echo "swapscope-test: $*" > /dev/kmsg; }

# reports RULE: swapscope's WARNING lines for RULE in the log so far.
reports() {
	dmesg | grep -cE "WARNING: CPU: [0-9]+ PID: [0-9]+ at .* ss_rule_$1_diverges\+0x"
}
# all_reports: "RULE COUNT" for every rule reported so far.
all_reports() {
	dmesg | sed -n 's/.*WARNING: CPU: [0-9]* PID: [0-9]* at .* ss_rule_\([A-Z][0-9]\)_diverges+0x.*/\1/p' |
		sort | uniq -c | awk '{ print $2, $1 }'
}
# diverging: the rules whose verdict is diverges, one per line.
diverging() {
	sed -n 's/^rule=\([A-Z][0-9]\) .*verdict=diverges .*/\1/p' "$dbg/rules"
}
# run_scen: 05-shmem, its pid in $spid; its own assertions must pass.
run_scen() {
	kmsg "start 05-shmem ($1)"
	(cd /tmp && exec "$scen") > /tmp/.warn.out 2>&1 &
	spid=$!
	wait $spid
	rc=$?
	kmsg "end 05-shmem ($1) rc=$rc"
	[ "$rc" -eq 0 ] || {
		notok "warn: 05-shmem ($1) exited $rc"
		grep '^not ok' /tmp/.warn.out | head -n 5 | diag
	}
}

if [ ! -x "$scen" ]; then
	notok "warn: $scen missing from the initramfs"
	exit 1
fi
if err=$(insmod "$ko" report_warn=1 2>&1); then
	echo "ok - warn: load $mod report_warn=1"
else
	notok "warn: insmod $ko report_warn=1: $err"
	exit 1
fi
if [ "$(cat "$param")" = Y ]; then
	echo "ok - warn: $param reads Y"
else
	notok "warn: $param reads $(cat "$param")"
fi
[ -z "$(all_reports)" ] || notok "warn: reports before any scenario: $(all_reports | tr '\n' ' ')"

# --- first violations: one report per diverging rule -----------------------
echo reset > "$dbg/control"
run_scen first
div=$(diverging | sort | tr '\n' ' ' | sed 's/ $//')
got=$(all_reports)
want=$(diverging | sort | awk '{ print $1, 1 }')
if [ -n "$div" ] && [ "$got" = "$want" ] && [ "$(reports U3)" = 1 ] &&
   [ "$(reports C1)" = 1 ]; then
	echo "ok - warn: one WARNING per diverging rule ($div), none for the others"
else
	notok "warn: diverging rules: ${div:-none}; reports: $(echo "$got" | tr '\n' ' ')"
fi
# The message names rule, seed and the sample; the location line is the
# one syzkaller titles a report by ("WARNING in ss_rule_U3_diverges").
for rs in U3:002:try_to_unmap_one C1:004:swap_shmem_alloc; do
	r=${rs%%:*} s=${rs#*:} p=${s#*:} s=${s%%:*}
	if dmesg | grep -qE "swapscope: rule $r \(seed $s\) diverges: pid $spid comm 05-shmem addr 0x[0-9a-f]+ pte_before 0x[0-9a-f]+ pte_after 0x[0-9a-f]+ kind [a-z_]+ swp_type -?[0-9]+ swp_offset [0-9]+ path $p violations 1$" &&
	   dmesg | grep -A 40 -E "WARNING: .* ss_rule_${r}_diverges\+0x" | grep -q 'Call Trace:'; then
		echo "ok - warn: $r's report names rule, seed $s, pid $spid, comm, PTEs, kind and path $p, with a stack trace"
	else
		notok "warn: $r's report: $(dmesg | grep -m 1 "swapscope: rule $r " | cut -c 1-300)"
	fi
done
dmesg | grep -m 1 'swapscope: rule C1 ' | sed 's/^/# warn: /'
dmesg | grep -m 1 'WARNING: .* ss_rule_C1_diverges' | sed 's/^/# warn: /'

# --- more violations: no more reports ---------------------------------------
before=$(all_reports)
run_scen again
if [ "$(all_reports)" = "$before" ] && [ "$(diverging | wc -l)" -gt 0 ]; then
	echo "ok - warn: further violations add no report"
else
	notok "warn: reports after more violations: $(all_reports | tr '\n' ' ')"
fi

# --- a reset re-arms every rule ---------------------------------------------
echo reset > "$dbg/control"
run_scen "after reset"
want=$(diverging | sort | awk '{ print $1, 2 }')
if [ "$(all_reports)" = "$want" ]; then
	echo "ok - warn: after a reset, one more WARNING per diverging rule ($(echo "$want" | tr '\n' ' ' | sed 's/ $//'))"
else
	notok "warn: after reset: reports $(all_reports | tr '\n' ' '), want $(echo "$want" | tr '\n' ' ')"
fi

# --- report_warn=0 at run time: no report ------------------------------------
before=$(all_reports)
echo 0 > "$param"
echo reset > "$dbg/control"
run_scen "report_warn=0"
if [ "$(cat "$param")" = N ] && [ "$(all_reports)" = "$before" ] &&
   [ "$(diverging | wc -l)" -gt 0 ]; then
	echo "ok - warn: report_warn=0 written at run time: violations, no report"
else
	notok "warn: report_warn=0: $param $(cat "$param"), reports $(all_reports | tr '\n' ' ')"
fi

if err=$(rmmod "$mod" 2>&1); then
	echo "ok - warn: unload"
else
	notok "warn: rmmod: $err"
fi
exit $failed
