# SPDX-License-Identifier: GPL-2.0 OR MIT
# Unit tests of "swapscope pagemap" and "swapscope audit", sourced by run.sh
# (its helpers, $ss, $fx and $tmp) once every CLI build is there.
#
# Both commands write a command to a module file and read the result back.
# On a recorded tree that file is a FIFO played by fakecmd.py, which logs
# what was written and serves a recorded or computed result; bad input is
# tried on plain files, which must come out byte for byte unchanged.
# check runs its eval strings later: their $vars must not expand early,
# and the variables they use look unused; run.sh sets fx, here, ss, tmp.
# shellcheck shell=bash disable=SC2016,SC2034,SC2154

pa=$tmp/pagemap-audit
mkdir -p "$pa"
fakes=()

# cmd_tree NAME FROM FILE MODE: $pa/NAME, a copy of fixture FROM whose FILE
# is a FIFO played by fakecmd.py MODE ("rec": FROM's recorded FILE); the
# commands written land in $pa/NAME.log.
cmd_tree() {
	local d=$pa/$1 mode=$4

	rm -rf "$d"
	cp -r "$fx/$2" "$d"
	chmod -R u+w "$d"
	if [ "$mode" = rec ]; then
		mv "$d/$3" "$d/$3.rec"
		mode=file:$d/$3.rec
	else
		rm -f "$d/$3"
	fi
	mkfifo "$d/$3"
	: >"$d.log"
	python3 "$here/fakecmd.py" "$d/$3" "$d.log" "$mode" &
	fakes+=("$!")
}

# run_t ARGS...: the CLI with a time limit, so a CLI that waits on a FIFO
# nobody serves fails (exit 124) instead of hanging the tests.
run_t() {
	timeout 20 "$ss" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# logged NAME LINE...: the commands written to tree NAME, byte for byte
# (fakecmd.py ends each with a newline).
logged() {
	local name=$1

	shift
	printf '%s\n' "$@" | cmp -s - "$pa/$name.log"
}

# --- pagemap on recorded results -----------------------------------------------

pm_range="0x7f0000000000 0x7f0000100000"	# healthy/pagemap's
cmd_tree pm healthy pagemap rec
# shellcheck disable=SC2086
run_t --debugfs "$pa/pm" pagemap 1234 $pm_range
check "pagemap healthy: exit 1 (P1 violated), nothing on stderr" \
	eval 'rc_is 1 && err_empty'
check "pagemap healthy: 'PID START END' written once, as given" \
	logged pm "1234 $pm_range"
check "pagemap healthy: the summary" \
	eval 'out_has "^pid +1234$" && out_has "^range +0x7f0000000000-0x7f0000100000$" &&
	      out_has "^pages +256$" && out_has "^truth +shmem_swapped 256$" &&
	      out_has "^entries +uffd-wp markers 0, migration entries held 0$"'
check "pagemap healthy: the mismatches by rule" \
	out_has '^mismatches +256 \(P1 256, P2 0, P3 0, not judged 0\)$'
check "pagemap healthy: the rules, P2 and P3 without an impact" \
	eval 'out_has "^rule +checks +observations +violations +impact$" &&
	      out_has "^P1 +swapped shmem is reported +256 +256 +256$" &&
	      out_has "^P2 +migration is not swap +0 +0 +-$" &&
	      out_has "^P3 +a marker is not swap +0 +0 +-$"'
check "pagemap healthy: the page table, 64 rows and the rest counted" \
	eval 'out_has "^addr +truth +pagemap +present +swap +pte$" &&
	      [ "$(grep -Ec "^0x7f00000[0-9a-f]{5} +shmem_swapped +0x80000000000000 +0 +0 +0x0$" "$tmp/out")" -eq 64 ] &&
	      out_has "^192 more not shown$"'
check "pagemap healthy: the verdict last" \
	[ "$(tail -n 1 "$tmp/out")" = "pagemap differs from the truth: 256 violations of P1-P3" ]
check "pagemap healthy: no trailing blanks" out_lacks ' $'
cp "$tmp/out" "$pa/pm.txt"

: >"$pa/pm.log"
run_t --debugfs "$pa/pm" pagemap 1234 139637976727552-139637977776128
check "pagemap START-END in decimal: the same command, the same output" \
	eval 'rc_is 1 && logged pm "1234 $pm_range" && cmp -s "$tmp/out" "$pa/pm.txt"'

pm_keys='["pid", "whole_process", "ranges", "compared", "truth", "markers", "migration_held", "mismatches", "not_judged", "rules", "pages", "dropped", "result"]'
truth_keys='["unmapped", "none", "present", "swap", "shmem_swapped", "migration", "uffd_wp_marker", "huge", "other"]'
# shellcheck disable=SC2086
run_t --debugfs "$pa/pm" -j pagemap 1234 $pm_range
check "pagemap --json: exit 1, parses, one line" \
	eval 'rc_is 1 && err_empty && json_ok && out_lines 1'
check "pagemap --json: exactly the documented keys" json "list(d) == $pm_keys"
check "pagemap --json: the summary fields" \
	json 'd["pid"] == 1234 and d["whole_process"] is False and d["ranges"] == [{"start": "0x7f0000000000", "end": "0x7f0000100000"}] and d["compared"] == 256 and d["mismatches"] == 256 and d["not_judged"] == 0 and d["markers"] == 0 and d["migration_held"] == 0 and d["dropped"] == 192 and d["result"] == "fail"'
check "pagemap --json: every truth kind, in the module's order" \
	json "list(d['truth']) == $truth_keys and d['truth']['shmem_swapped'] == 256 and sum(d['truth'].values()) == 256"
check "pagemap --json: the rules" \
	json 'd["rules"] == [{"rule": "P1", "checks": "swapped shmem is reported", "observations": 256, "violations": 256, "impact": 256}, {"rule": "P2", "checks": "migration is not swap", "observations": 0, "violations": 0, "impact": None}, {"rule": "P3", "checks": "a marker is not swap", "observations": 0, "violations": 0, "impact": None}]'
check "pagemap --json: 64 pages, the first one whole" \
	json 'len(d["pages"]) == 64 and d["pages"][0] == {"addr": "0x7f0000000000", "truth": "shmem_swapped", "pagemap": "0x80000000000000", "present": 0, "swap": 0, "pte": "0x0"} and d["pages"][63]["addr"] == "0x7f000003f000"'
cp "$tmp/out" "$pa/pm.json"
# shellcheck disable=SC2086
run_t --debugfs "$pa/pm" -p pagemap 1234 $pm_range
check "pagemap -p: indented, the same document as -j" \
	eval 'rc_is 1 && grep -q "^    \"pages\": \[$" "$tmp/out" &&
	      python3 -c "import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" "$tmp/out" "$pa/pm.json"'

cmd_tree pmd degraded pagemap rec
run_t --debugfs "$pa/pmd" pagemap 310 0x7f1234500000 0x7f1234600000
check "pagemap degraded: exit 1 (P2 and P3 violated)" eval 'rc_is 1 && err_empty'
check "pagemap degraded: the kinds met; uffd_wp_marker is what the others leave" \
	out_has '^truth +none 11, present 200, swap 40, migration 2, uffd_wp_marker 3$'
check "pagemap degraded: markers and held migration entries" \
	out_has '^entries +uffd-wp markers 3, migration entries held 1$'
check "pagemap degraded: a mismatch no rule judges" \
	out_has '^mismatches +5 \(P1 0, P2 1, P3 3, not judged 1\)$'
check "pagemap degraded: 5 rows, none left out" \
	eval '[ "$(grep -c "^0x7f12345" "$tmp/out")" -eq 5 ] && out_lacks "more not shown" &&
	      out_has "^0x7f1234505000 +migration +0x40800000000bd6fd +0 +1 +0xeff9ffffff429002$" &&
	      out_has "^0x7f1234520000 +present +0x0 +0 +0 +0x8000000123456867$"'
check "pagemap degraded: unknown keys and lines are skipped" out_lacks future
check "pagemap degraded: the verdict" \
	out_has '^pagemap differs from the truth: 4 violations of P1-P3$'
run_t --debugfs "$pa/pmd" -j pagemap 310 0x7f1234500000 0x7f1234600000
check "pagemap --json degraded: truth, not_judged, a marker page" \
	json 'd["truth"]["uffd_wp_marker"] == 3 and d["truth"]["none"] == 11 and d["not_judged"] == 1 and d["dropped"] == 0 and d["pages"][1] == {"addr": "0x7f1234510000", "truth": "uffd_wp_marker", "pagemap": "0x420000000000003e", "present": 0, "swap": 1, "pte": "0x402"}'
check "pagemap --json degraded: P2 and P3 violations, P1 observed none" \
	json '[(r["rule"], r["observations"], r["violations"]) for r in d["rules"]] == [("P1", 0, 0), ("P2", 2, 1), ("P3", 3, 3)]'

# --- pagemap on computed results: clean, chunked, whole process --------------

cmd_tree pmc healthy pagemap pagemap:clean
run_t --debugfs "$pa/pmc" pagemap 77 0x1000 0x3000
check "pagemap clean: exit 0, pagemap agrees" \
	eval 'rc_is 0 && err_empty && logged pmc "77 0x1000 0x3000" &&
	      out_has "^pages +2$" && out_has "^truth +present 2$" &&
	      out_has "^mismatches +0 \(P1 0, P2 0, P3 0, not judged 0\)$" &&
	      [ "$(tail -n 1 "$tmp/out")" = "pagemap agrees with the truth on P1-P3" ]'
check "pagemap clean: no page table" eval 'out_lacks "^addr " && out_lacks "not shown"'
run_t --debugfs "$pa/pmc" -j pagemap 77 0x1000-0x3000
check "pagemap --json clean: result pass, no pages" \
	json 'd["result"] == "pass" and d["pages"] == [] and d["dropped"] == 0 and d["compared"] == 2'

# 5 GiB: the module takes 2^20 pages (4 GiB) per write.
: >"$pa/pmc.log"
run_t --debugfs "$pa/pmc" pagemap 77 0x7f0000000000 0x7f0140000000
check "pagemap of 5 GiB: two writes of at most 2^20 pages, the figures summed" \
	eval 'rc_is 0 && logged pmc "77 0x7f0000000000 0x7f0100000000" "77 0x7f0100000000 0x7f0140000000" &&
	      out_has "^range +0x7f0000000000-0x7f0140000000 \(2 writes\)$" && out_has "^pages +1310720$"'

cmd_tree pmp healthy pagemap pagemap:p1
sleep 300 &
target=$!
# What the CLI should write for $target: its mappings but [vsyscall],
# adjacent ones joined (sleep has none over 2^20 pages).
want_writes=$(python3 -c '
import sys
out, cur = [], None
for line in open("/proc/%s/maps" % sys.argv[1]):
    if line.split()[-1] == "[vsyscall]":
        continue
    s, e = (int(x, 16) for x in line.split()[0].split("-"))
    if cur and cur[1] == s:
        cur[1] = e
        continue
    if cur:
        out.append(cur)
    cur = [s, e]
out.append(cur)
print("\n".join("%s 0x%x 0x%x" % (sys.argv[1], s, e) for s, e in out))' "$target")
nr_maps=$(grep -vc '\[vsyscall\]$' "/proc/$target/maps")
run_t --debugfs "$pa/pmp" pagemap "$target"
check "pagemap PID (whole process): exit 1, one write per run of adjacent mappings" \
	eval 'rc_is 1 && err_empty && [ -n "$want_writes" ] && [ "$(cat "$pa/pmp.log")" = "$want_writes" ]'
nr_writes=$(grep -c . "$pa/pmp.log")
check "pagemap PID: says what it covered" \
	out_has "^range +every mapping: $nr_maps in /proc/$target/maps, $nr_writes writes$"
nr_p1=$((3 * nr_writes))
check "pagemap PID: the writes' figures summed, their page rows joined" \
	eval 'out_has "^truth +present [0-9]+, shmem_swapped $nr_p1$" &&
	      out_has "^P1 +swapped shmem is reported +$nr_p1 +$nr_p1 +$nr_p1$" &&
	      [ "$(grep -Ec " shmem_swapped +0x80000000000000 " "$tmp/out")" -eq "$nr_writes" ] &&
	      out_has "^$((2 * nr_writes)) more not shown$"'
: >"$pa/pmp.log"
run_t --debugfs "$pa/pmp" -j pagemap "$target"
check "pagemap --json PID: whole_process, the ranges written, the pages compared" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
w = [l.split() for l in open(sys.argv[2]).read().split("\n") if l]
ok = (d["whole_process"] is True and d["result"] == "fail" and
      d["ranges"] == [{"start": s, "end": e} for _, s, e in w] and
      d["compared"] == sum((int(e, 16) - int(s, 16)) // 4096 for _, s, e in w) and
      [p["addr"] for p in d["pages"]] == [s for _, s, _ in w] and
      d["dropped"] == 2 * len(w) and d["mismatches"] == 3 * len(w))
sys.exit(0 if ok else 1)' "$tmp/out" "$pa/pmp.log"
kill "$target" 2>/dev/null
wait "$target" 2>/dev/null

cmd_tree pmo healthy pagemap pagemap:other
run_t --debugfs "$pa/pmo" pagemap 77 0x1000 0x3000
check "pagemap: a result of another pid read back is an error, exit 2" \
	eval 'rc_is 2 && out_empty && err_has "holds the comparison of pid 78 .*another ran meanwhile"'

cmd_tree pmf fresh pagemap rec
run_t --debugfs "$pa/pmf" pagemap 77 0x1000 0x3000
check "pagemap: no comparison kept after the write (pagemap=never): exit 2" \
	eval 'rc_is 2 && out_empty && err_has "no comparison kept after the write"'
cmd_tree pmm malformed-pagemap-audit pagemap rec
# shellcheck disable=SC2086
run_t --debugfs "$pa/pmm" pagemap 1234 $pm_range
check "pagemap: a page line without pte=: exit 2 naming file and line" \
	eval 'rc_is 2 && out_empty && err_has "pagemap:3: missing key .pte."'
# shellcheck disable=SC2086
run_t --debugfs "$pa/pmm" -j pagemap 1234 $pm_range
check "pagemap --json, malformed: the error object" \
	eval 'rc_is 2 && json_error_has "pagemap:3: missing key"'

# --- pagemap: bad input is refused before anything is written ---------------

bad=$pa/bad
rm -rf "$bad"
cp -r "$fx/healthy" "$bad"
chmod -R u+w "$bad"
# pm_refused DESC PATTERN ARGS...: exit 2, PATTERN on stderr, nothing on
# stdout, the pagemap file unchanged.
pm_refused() {
	local desc=$1

	want_err=$2
	shift 2
	run_t --debugfs "$bad" pagemap "$@"
	check "pagemap refuses $desc: exit 2, pagemap not written" \
		eval 'rc_is 2 && out_empty && err_has "$want_err" &&
		      cmp -s "$bad/pagemap" "$fx/healthy/pagemap"'
}
pm_refused "no PID" "takes PID"
pm_refused "four arguments" "takes PID" 1 0x1000 0x2000 x
pm_refused "a PID that is not a number" "bad pid 'abc'" abc
pm_refused "PID 0" "bad pid '0'" 0
pm_refused "a PID over 4194304" "bad pid '4194305'" 4194305
pm_refused "a negative PID" "bad pid" +5
pm_refused "an unaligned START" "not page-aligned" 1 0x1001 0x3000
pm_refused "an unaligned END" "not page-aligned" 1 4096 8193
pm_refused "END below START" "END must be above START" 1 0x3000 0x1000
pm_refused "an empty range" "END must be above START" 1 0x3000-0x3000
pm_refused "one address without a dash" "bad range '0x1000'" 1 0x1000
pm_refused "START- with no END" "bad end address ''" 1 0x1000-
pm_refused "three addresses" "bad end address '0x2000-0x3000'" 1 0x1000-0x2000-0x3000
pm_refused "a START that is not a number" "bad start address 'zz'" 1 zz 0x2000
pm_refused "0x without digits" "bad start address '0x'" 1 0x 0x2000
pm_refused "17 hex digits" "bad end address" 1 0x1000 0x10000000000000000
pm_refused "a decimal over 64 bits" "bad end address" 1 4096 18446744073709551616
pm_refused "an octal-looking address taken as decimal, unaligned" "not page-aligned" 1 010000 0x10000
sleep 0 &
gone=$!
wait "$gone"
pm_refused "a PID that does not exist (whole process)" "no process $gone" "$gone"
run_t --debugfs "$bad" -j pagemap 1 0x1001 0x3000
check "pagemap --json refuses an unaligned START: the error object" \
	eval 'rc_is 2 && json_error_has "not page-aligned" && cmp -s "$bad/pagemap" "$fx/healthy/pagemap"'
run_t --debugfs "$fx/root-no-module/swapscope" pagemap 1 0x1001 0x3000
check "pagemap: a usage error comes before the environment's" \
	eval 'rc_is 2 && err_has "not page-aligned" && ! err_has "not loaded"'
run_t --debugfs "$fx/root-no-module/swapscope" pagemap 1 0x1000 0x3000
check "pagemap, module not loaded: exit 2" eval 'rc_is 2 && err_has "not loaded"'
run_t --debugfs "$fx/old-module" pagemap 1 0x1000 0x3000
check "pagemap, a module without the pagemap file: exit 2" \
	eval 'rc_is 2 && err_has "pagemap does not exist, the module does not provide it"'
run_t --debugfs "$bad" pagemap --all 1 0x1000 0x3000
check "--all on pagemap: exit 2, nothing written" \
	eval 'rc_is 2 && err_has "--all is not an option of .pagemap." && cmp -s "$bad/pagemap" "$fx/healthy/pagemap"'
if [ -w /dev/full ]; then
	ln -sf /dev/full "$bad/pagemap"
	run_t --debugfs "$bad" pagemap 42 0x1000 0x3000
	check "pagemap: a failed write is exit 2 with the command and the errno text" \
		eval 'rc_is 2 && out_empty && err_has "writing .42 0x1000 0x3000. to .*pagemap: No space left on device"'
	ln -sf /dev/full "$bad/audit"
	run_t --debugfs "$bad" audit
	check "audit: a failed write is exit 2 with the errno text" \
		eval 'rc_is 2 && out_empty && err_has "writing .run. to .*audit: No space left on device"'
	cp "$fx/healthy/pagemap" "$fx/healthy/audit" "$bad/" --remove-destination
fi

# Not root: the files are 0600; here 000, so that no user but root passes.
if [ "${as_user[0]:-}" != none ]; then
	perm=$pa/perm
	rm -rf "$perm"
	mkdir -p "$perm"
	cp -r "$fx/healthy" "$perm/swapscope"
	chmod 755 "$perm" "$perm/swapscope"
	chmod 644 "$perm/swapscope/"*
	chmod 000 "$perm/swapscope/pagemap" "$perm/swapscope/audit"
	cp "$ss" "$pa/swapscope-copy"
	chmod 755 "$pa" "$pa/swapscope-copy"
	for c in "pagemap 1 0x1000 0x2000" audit; do
		# shellcheck disable=SC2086
		"${as_user[@]}" "$pa/swapscope-copy" --debugfs "$perm/swapscope" \
			$c >"$tmp/out" 2>"$tmp/err"
		rc=$?
		check "${c%% *} as another user: exit 2, says run as root" \
			eval 'rc_is 2 && out_empty && err_has "permission denied: .*run swapscope as root"'
	done
fi

# --- audit ---------------------------------------------------------------------

audit_keys='["slots", "referenced", "leaks", "overcounts", "undercounts", "shmem_owned", "skipped_busy", "duration_ms", "devices", "mms", "shmem_inodes", "rechecked", "swap_map_shmem", "stray_refs", "bad_slots", "dropped", "result"]'

cmd_tree au healthy audit rec
run_t --debugfs "$pa/au" audit
check "audit healthy: exit 0, 'run' written once" \
	eval 'rc_is 0 && err_empty && logged au run'
check "audit healthy: the summary" \
	eval 'out_has "^slots +512 in use on 1 device, 512 referenced$" &&
	      out_has "^bad +0 leaks, 0 overcounts, 0 undercounts$" &&
	      out_has "^shmem +256 slots owned, 256 at SWAP_MAP_SHMEM, in 3 inodes$" &&
	      out_has "^not judged +0 busy \(swap_map changed meanwhile\), 0 stray references, 0 recounted$" &&
	      out_has "^walked +17 mms in 8 ms$"'
check "audit healthy: no slot table, clean" \
	eval 'out_lacks "^ *type " && [ "$(tail -n 1 "$tmp/out")" = "audit clean: every slot'"'"'s count matches its referents" ]'
run_t --debugfs "$pa/au" -j audit
check "audit --json healthy: exactly the documented keys, in order" \
	eval 'rc_is 0 && out_lines 1 && json "list(d) == $audit_keys"'
check "audit --json healthy: the figures" \
	json 'd["slots"] == 512 and d["referenced"] == 512 and d["leaks"] == d["overcounts"] == d["undercounts"] == 0 and d["shmem_owned"] == 256 and d["swap_map_shmem"] == 256 and d["mms"] == 17 and d["duration_ms"] == 8 and d["bad_slots"] == [] and d["dropped"] == 0 and d["result"] == "pass"'

cmd_tree aud degraded audit rec
run_t --debugfs "$pa/aud" audit
check "audit degraded: exit 1" eval 'rc_is 1 && err_empty && logged aud run'
check "audit degraded: the summary, plural devices" \
	eval 'out_has "^slots +600 in use on 2 devices, 599 referenced$" &&
	      out_has "^bad +1 leaks, 1 overcounts, 66 undercounts$" &&
	      out_has "^not judged +2 busy \(swap_map changed meanwhile\), 1 stray references, 3 recounted$"'
check "audit degraded: the slot table" \
	eval 'out_has "^type +offset +swap_map +count +ptes +shmem +verdict +owner$" &&
	      out_has "^ +0 +49161 +0x01 +1 +0 +0 +leak +-$" &&
	      out_has "^ +1 +77 +0x02 +2 +1 +0 +overcount +310:02-fork@0x7f1234567000$" &&
	      out_has "^ +0 +5000 +0xbf +1 +1 +1 +undercount +shmem:4242$" &&
	      [ "$(grep -Ec " (leak|overcount|undercount) " "$tmp/out")" -eq 64 ]'
check "audit degraded: the rest counted, the verdict last" \
	eval 'out_has "^4 more not shown$" && [ "$(tail -n 1 "$tmp/out")" = "audit found 68 bad slots" ]'
check "audit degraded: unknown keys skipped, no trailing blanks" \
	eval 'out_lacks future && out_lacks " $"'
run_t --debugfs "$pa/aud" -j audit
check "audit --json degraded: the bad slots, '-' as null, swap_map a number" \
	json 'len(d["bad_slots"]) == 64 and d["bad_slots"][0] == {"type": 0, "offset": 49161, "swap_map": 1, "count": 1, "ptes": 0, "shmem": 0, "verdict": "leak", "owner": None} and d["bad_slots"][2]["swap_map"] == 191 and d["bad_slots"][2]["owner"] == "shmem:4242"'
check "audit --json degraded: dropped, result" \
	json 'd["dropped"] == 4 and d["result"] == "fail" and d["leaks"] == 1 and d["undercounts"] == 66'

cmd_tree auf fresh audit rec
run_t --debugfs "$pa/auf" audit
check "audit: no result after the run (audit=never): exit 2" \
	eval 'rc_is 2 && out_empty && err_has "no audit result after the run"'
cmd_tree aum malformed-pagemap-audit audit rec
run_t --debugfs "$pa/aum" -j audit
check "audit --json, a swap_map that is not hex: exit 2, the error object" \
	eval 'rc_is 2 && json_error_has "audit:2: swap_map=0xzz is not a hexadecimal number"'
run_t --debugfs "$bad" audit now
check "audit with an argument: exit 2, audit not written" \
	eval 'rc_is 2 && err_has "audit takes no arguments" && cmp -s "$bad/audit" "$fx/healthy/audit"'
run_t --debugfs "$fx/root-no-module/swapscope" audit
check "audit, module not loaded: exit 2" eval 'rc_is 2 && err_has "not loaded"'

for c in pagemap audit; do
	run "$c" --help
	check "$c --help: its own usage, the exit codes and the JSON" \
		eval 'rc_is 0 && out_has "^Usage: swapscope $c" && out_has "Exit 0 when" && out_has "^JSON: "'
done
run help
check "help lists pagemap and audit" \
	eval 'out_has "^  pagemap +seed 002" && out_has "^  audit +seed 004"'

# --- damaged results, with every build ----------------------------------------

# Damaged copies of the recorded results, served in turn: exit 0, 1 or 2,
# never a crash or a sanitizer report.
python3 -c '
import random, sys
random.seed(2)
for src, name in ((sys.argv[1], "pagemap"), (sys.argv[2], "audit")):
    good = open(src, "rb").read()
    for i in range(30):
        b = bytearray(good)
        for _ in range(random.randrange(1, 6)):
            k = random.randrange(len(b))
            op = random.randrange(3)
            if op == 0:
                b[k] = random.choice(b"=, x0\n\t-\xff\x00")
            elif op == 1:
                del b[k:k + random.randrange(1, 40)]
            else:
                b[k:k] = bytes(random.randrange(256)
                               for _ in range(random.randrange(1, 8)))
        open("%s/%s.%d" % (sys.argv[3], name, i), "wb").write(b)' \
	"$fx/degraded/pagemap" "$fx/degraded/audit" "$pa"
cmd_tree dmg degraded pagemap "file:$pa/pagemap.cur"
mv "$pa/dmg/audit" "$pa/dmg/audit.rec"
mkfifo "$pa/dmg/audit"
python3 "$here/fakecmd.py" "$pa/dmg/audit" "$pa/dmg-audit.log" \
	"file:$pa/audit.cur" &
fakes+=("$!")
ss_plain=$ss
for ss in "$ss_plain" "$tmp/san/swapscope"; do
	label="plain build"
	[ "$ss" = "$ss_plain" ] || label="ASan+UBSan build"
	[ -x "$ss" ] || continue
	bad_runs=0
	for i in $(seq 0 29); do
		cp "$pa/pagemap.$i" "$pa/pagemap.cur"
		cp "$pa/audit.$i" "$pa/audit.cur"
		run_t --debugfs "$pa/dmg" pagemap 310 0x7f1234500000 0x7f1234600000
		{ [ "$rc" -le 2 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/err"; } ||
			bad_runs=$((bad_runs + 1))
		run_t --debugfs "$pa/dmg" -j audit
		{ [ "$rc" -le 2 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/err"; } ||
			bad_runs=$((bad_runs + 1))
		if [ "$rc" -eq 2 ] && ! json_error_has . 2>/dev/null; then
			bad_runs=$((bad_runs + 1))
		fi
	done
	check "pagemap, audit: 60 runs on damaged results ($label), never a crash" \
		[ "$bad_runs" -eq 0 ]
done
ss=$ss_plain

for p in "${fakes[@]}"; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
