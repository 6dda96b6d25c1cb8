# SPDX-License-Identifier: GPL-2.0 OR MIT
# Unit tests of baselines across kernels: "swapscope diff", "swapscope
# matrix" and its expectations file, and the KTAP output of check and run,
# sourced by run.sh (its helpers, $ss, $fx, $top and $tmp).
#
# The baselines are saved from the recorded trees, then edited the way a
# second kernel would differ (a verdict, the kernel= line).
# check runs its eval strings later: their $vars must not expand early,
# and the variables they use look unused; run.sh sets fx, here, ss, tmp.
# shellcheck shell=bash disable=SC2016,SC2034,SC2154

mx=$tmp/matrix
mkdir -p "$mx"

# --- baselines: one per "kernel" --------------------------------------------

run_on "$fx/healthy" baseline save "$mx/a.base"
check "matrix setup: baseline save from the healthy tree" rc_is 0
# b: what 6.12 would give, the same verdicts on another release.
sed 's/^kernel=.*/kernel=6.12.118+deb12-amd64/; s/observations=37 /observations=40 /' \
	"$mx/a.base" >"$mx/b.base"
# c: a patched kernel where U2 now diverges and C1 is not applicable.
sed 's/^kernel=.*/kernel=6.12.118-patched/;
     s/^rule=U2 .*/rule=U2 seed=003 verdict=diverges observations=600 violations=12 impact=40/;
     s/^rule=C1 .*/rule=C1 seed=004 verdict=not-applicable observations=0 violations=0 impact=0/' \
	"$mx/a.base" >"$mx/c.base"
# f1: format 1, as swapscope wrote it before kernel=, seed= and impact=.
grep '^rule=' "$mx/a.base" | sed 's/ seed=[0-9]*//; s/ impact=[0-9]*//' >"$mx/f1.base"
# absent: c without the S4 line.
grep -v '^rule=S4 ' "$mx/c.base" >"$mx/absent.base"

# --- baseline format 2: what a reader sees ----------------------------------

run_on "$fx/healthy" check --baseline "$mx/c.base"
check "check --baseline, format 2 of another kernel: only verdicts count (C1 there not-applicable: new here, U2 resolved)" \
	eval 'rc_is 1 && out_has "^new divergence: C1 .*baseline: not-applicable$" &&
	      out_has "^check FAILED: 1 new divergence, 1 known, 1 resolved"'
run_on "$fx/healthy" check --baseline "$mx/b.base"
check "check --baseline, a format 2 baseline of another kernel: same verdicts, exit 0" \
	eval 'rc_is 0 && out_has "^check passed: 0 new divergences, 2 known, 0 resolved"'

# --- diff -------------------------------------------------------------------

run diff "$mx/a.base" "$mx/b.base"
check "diff, same verdicts on two kernels: exit 0, header naming both kernels, summary" \
	eval 'rc_is 0 && err_empty && out_lines 2 &&
	      out_has "^a: .*a\.base \(kernel 6\.1\.0-56-amd64\)  b: .*b\.base \(kernel 6\.12\.118\+deb12-amd64\)$" &&
	      out_has "^same: no verdict changed \(19 rules\)$"'
run diff "$mx/a.base" "$mx/c.base"
check "diff, two verdicts changed: exit 1, a table of only those rules, summary" \
	eval 'rc_is 1 && err_empty && out_lines 5 &&
	      out_has "^rule +seed +a +b +a obs/viol +b obs/viol$" &&
	      out_has "^U2 +003 +conforms +diverges +512/0 +600/12$" &&
	      out_has "^C1 +004 +diverges +not-applicable +20/20 +0/0$" &&
	      out_has "^changed: 2 of 19 rules differ in verdict$"'
check "diff: the changed rules in SS_RULES order" \
	eval '[ "$(sed -n "3p;4p" "$tmp/out" | cut -d" " -f1 | tr "\n" " ")" = "U2 C1 " ]'
run -j diff "$mx/a.base" "$mx/c.base"
check "diff --json: the documented object" \
	eval 'rc_is 1 && json "set(d) == {\"a\", \"b\", \"rules\", \"changes\", \"result\"} and d[\"result\"] == \"changed\" and d[\"rules\"] == 19 and d[\"a\"] == {\"file\": \"$mx/a.base\", \"kernel\": \"6.1.0-56-amd64\"} and d[\"b\"][\"kernel\"] == \"6.12.118-patched\""'
check "diff --json: each change with both cells" \
	json 'd["changes"] == [{"rule": "U2", "seed": "003", "a": {"verdict": "conforms", "observations": 512, "violations": 0, "impact": 37}, "b": {"verdict": "diverges", "observations": 600, "violations": 12, "impact": 40}}, {"rule": "C1", "seed": "004", "a": {"verdict": "diverges", "observations": 20, "violations": 20, "impact": 20}, "b": {"verdict": "not-applicable", "observations": 0, "violations": 0, "impact": 0}}]'
run -j diff "$mx/a.base" "$mx/b.base"
check "diff --json, same: changes empty, result same, exit 0" \
	eval 'rc_is 0 && json "d[\"changes\"] == [] and d[\"result\"] == \"same\""'
run diff "$mx/c.base" "$mx/absent.base"
check "diff: a rule in one file only is a change to absent" \
	eval 'rc_is 1 && out_has "^S4 +001 +not-observed +absent +0/0 +-/-$" && out_has "^changed: 1 of 19 rules"'
run -j diff "$mx/absent.base" "$mx/c.base"
check "diff --json: absent on the side without the rule, its counts null" \
	json 'd["changes"] == [{"rule": "S4", "seed": "001", "a": {"verdict": "absent", "observations": None, "violations": None, "impact": None}, "b": {"verdict": "not-observed", "observations": 0, "violations": 0, "impact": 0}}]'
run diff "$mx/f1.base" "$mx/a.base"
check "diff: a format 1 file (no kernel=) against format 2: same verdicts, kernel not recorded" \
	eval 'rc_is 0 && out_has "^a: .*f1\.base \(kernel not recorded\)" && out_has "^same: "'
run -j diff "$mx/f1.base" "$mx/c.base"
check "diff --json, format 1: kernel null, impact null, seed from this swapscope" \
	json 'd["a"]["kernel"] is None and d["changes"][0]["seed"] == "003" and d["changes"][0]["a"] == {"verdict": "conforms", "observations": 512, "violations": 0, "impact": None}'
run diff "$mx/a.base"
check "diff with one file: exit 2, says it takes two" \
	eval 'rc_is 2 && out_empty && err_has "diff takes two baseline files: diff A B \(got 1 argument\)"'
run diff "$mx/a.base" "$mx/b.base" "$mx/c.base"
check "diff with three files: exit 2" eval 'rc_is 2 && err_has "got 3 arguments"'
run diff "$mx/a.base" "$mx/nonesuch.base"
check "diff, an unreadable file: exit 2 naming it" \
	eval 'rc_is 2 && out_empty && err_has "nonesuch\.base: No such file"'
printf 'kernel=6.1\nrule=U2 verdict=sideways\n' >"$mx/bad.base"
run diff "$mx/bad.base" "$mx/a.base"
check "diff, a malformed file: exit 2 with file:line" \
	eval 'rc_is 2 && out_empty && err_has "bad\.base:2: verdict=sideways is not one of"'
run -j diff "$mx/a.base" "$mx/bad.base"
check "diff --json, a malformed file: the error object" \
	eval 'rc_is 2 && json_error_has "bad\\.base:2: verdict=sideways"'

# --- matrix -----------------------------------------------------------------

run matrix 6.1="$mx/a.base" 6.12="$mx/b.base"
check "matrix, 2 kernels, same verdicts: exit 0, nothing on stderr" eval 'rc_is 0 && err_empty'
check "matrix: a line per kernel with its release, the first the reference" \
	eval 'out_has "^kernel 6\.1: 6\.1\.0-56-amd64 \(the reference\)$" &&
	      out_has "^kernel 6\.12: 6\.12\.118\+deb12-amd64$"'
check "matrix: header and one row per rule, in SS_RULES order, seed, verdict obs/viol/impact" \
	eval 'out_has "^rule +seed +6\.1 +6\.12$" && out_has "^Z1 +000 +conforms 37/0/2 +conforms 40/0/2$" &&
	      [ "$(grep -E "^[A-Z][0-9] " "$tmp/out" | cut -d" " -f1 | tr "\n" " ")" = "Z1 Z2 Z3 Z4 F1 F2 S1 S2 S3 S4 U1 U2 U3 P1 P2 P3 C1 C2 C3 " ]'
check "matrix, same: no cell marked, summary line" \
	eval 'out_lacks "\*" && out_has "^matrix same: every verdict as on 6\.1 \(2 kernels, 19 rules\)$"'

run matrix 6.1="$mx/a.base" 6.12="$mx/b.base" patched="$mx/c.base"
check "matrix, 3 kernels, patched changes U2 and C1 unlisted: exit 1" eval 'rc_is 1 && err_empty'
check "matrix: the changed cells marked with *, the others not" \
	eval 'out_has "^U2 +003 +conforms 512/0/37 +conforms 512/0/37 +\*diverges 600/12/40$" &&
	      out_has "^C1 +004 +diverges 20/20/20 +diverges 20/20/20 +\*not-applicable 0/0/0$" &&
	      [ "$(grep -c "\*[a-z]" "$tmp/out")" -eq 2 ] && out_has "^\*: the verdict differs from the reference.s \(6\.1\)$"'
check "matrix: one line per change, unexpected" \
	eval 'out_has "^U2: 6\.1 conforms -> patched diverges \(unexpected\)$" &&
	      out_has "^C1: 6\.1 diverges -> patched not-applicable \(unexpected\)$"'
check "matrix: summary counts the unexpected changes" \
	out_has '^matrix CHANGED: 2 unexpected changes, 0 expected, 0 unmet expectations \(3 kernels, 19 rules\)$'

cat >"$mx/expect-both" <<'EOF'
# predicted by reading the patch
U2 patched conforms -> diverges: the patch keeps exclusivity on a young PTE
  C1   patched   diverges  ->  not-applicable :  no SWAP_MAP_SHMEM  
U3 riscv diverges -> conforms: a kernel not in this matrix: ignored
EOF
run matrix --expect "$mx/expect-both" 6.1="$mx/a.base" 6.12="$mx/b.base" patched="$mx/c.base"
check "matrix --expect, both changes listed: exit 0, each with its why, entries of other kernels ignored" \
	eval 'rc_is 0 && err_empty &&
	      out_has "^U2: 6\.1 conforms -> patched diverges \(expected: the patch keeps exclusivity on a young PTE\)$" &&
	      out_has "^C1: 6\.1 diverges -> patched not-applicable \(expected: no SWAP_MAP_SHMEM\)$" &&
	      out_has "^matrix expected: 0 unexpected changes, 2 expected, 0 unmet expectations"'
head -n 2 "$mx/expect-both" >"$mx/expect-u2"
run matrix --expect="$mx/expect-u2" 6.1="$mx/a.base" 6.12="$mx/b.base" patched="$mx/c.base"
check "matrix --expect=FILE, only U2 listed: C1 unexpected, exit 1" \
	eval 'rc_is 1 && out_has "^U2: .*\(expected: " && out_has "^C1: .*\(unexpected\)$" &&
	      out_has "^matrix CHANGED: 1 unexpected change, 1 expected, 0 unmet"'
printf 'U2 6.12 conforms -> diverges: predicted but not seen\n' >"$mx/expect-unmet"
run matrix --expect "$mx/expect-unmet" 6.1="$mx/a.base" 6.12="$mx/b.base"
check "matrix --expect, an expectation that did not happen: exit 1, named with file:line" \
	eval 'rc_is 1 && out_has "^U2: expected 6\.1 conforms -> 6\.12 diverges did not happen \(6\.1: conforms, 6\.12: conforms; .*expect-unmet:1: predicted but not seen\)$" &&
	      out_has "^matrix CHANGED: 0 unexpected changes, 0 expected, 1 unmet expectation "'
run matrix --expect "$mx/expect-unmet" 6.1="$mx/a.base" patched="$mx/c.base"
check "matrix --expect, an expectation for a kernel not in the matrix: ignored" \
	eval 'rc_is 1 && out_lacks "did not happen" && out_has "^matrix CHANGED: 2 unexpected changes, 0 expected, 0 unmet"'
printf 'U2 patched conforms -> not-applicable: the wrong prediction\n' >"$mx/expect-wrong"
run -j matrix --expect "$mx/expect-wrong" 6.1="$mx/a.base" patched="$mx/c.base"
check "matrix --json, a change other than predicted: unexpected, and the expectation unmet" \
	eval 'rc_is 1 && json "[c for c in d[\"changes\"] if c[\"rule\"] == \"U2\"] == [{\"rule\": \"U2\", \"kernel\": \"patched\", \"from\": \"conforms\", \"to\": \"diverges\", \"expected\": False, \"why\": None}] and d[\"unmet_expectations\"] == [{\"rule\": \"U2\", \"kernel\": \"patched\", \"from\": \"conforms\", \"to\": \"not-applicable\", \"why\": \"the wrong prediction\", \"line\": 1}] and d[\"result\"] == \"changed\""'

run -j matrix --source 6.1=debian:linux-image-6.1.0-57-amd64 --expect "$mx/expect-both" \
	6.1="$mx/a.base" 6.12="$mx/b.base" --source 'patched=bzImage:/tmp/a b' patched="$mx/c.base"
check "matrix --json: exit 0 with every change expected, nothing on stderr" eval 'rc_is 0 && err_empty'
check "matrix --json: top-level keys, result expected" \
	json 'list(d) == ["kernels", "rules", "changes", "unmet_expectations", "result"] and d["result"] == "expected" and d["unmet_expectations"] == []'
check "matrix --json: kernels with name, release, source (null when not given)" \
	json 'd["kernels"] == [{"name": "6.1", "release": "6.1.0-56-amd64", "source": "debian:linux-image-6.1.0-57-amd64"}, {"name": "6.12", "release": "6.12.118+deb12-amd64", "source": None}, {"name": "patched", "release": "6.12.118-patched", "source": "bzImage:/tmp/a b"}]'
check "matrix --json: rules in SS_RULES order, each with its seed and one result per kernel" \
	json '[r["id"] for r in d["rules"]] == ["Z1", "Z2", "Z3", "Z4", "F1", "F2", "S1", "S2", "S3", "S4", "U1", "U2", "U3", "P1", "P2", "P3", "C1", "C2", "C3"] and all(list(r) == ["id", "seed", "results"] and [x["kernel"] for x in r["results"]] == ["6.1", "6.12", "patched"] for r in d["rules"])'
check "matrix --json: a result, every field" \
	json '[r for r in d["rules"] if r["id"] == "U2"][0] == {"id": "U2", "seed": "003", "results": [{"kernel": "6.1", "verdict": "conforms", "observations": 512, "violations": 0, "impact": 37}, {"kernel": "6.12", "verdict": "conforms", "observations": 512, "violations": 0, "impact": 37}, {"kernel": "patched", "verdict": "diverges", "observations": 600, "violations": 12, "impact": 40}]}'
check "matrix --json: the changes, expected, with why" \
	json 'd["changes"] == [{"rule": "U2", "kernel": "patched", "from": "conforms", "to": "diverges", "expected": True, "why": "the patch keeps exclusivity on a young PTE"}, {"rule": "C1", "kernel": "patched", "from": "diverges", "to": "not-applicable", "expected": True, "why": "no SWAP_MAP_SHMEM"}]'
run -j matrix 6.1="$mx/a.base" 6.12="$mx/b.base"
check "matrix --json, same: result same, no changes, exit 0" \
	eval 'rc_is 0 && json "d[\"result\"] == \"same\" and d[\"changes\"] == [] and d[\"unmet_expectations\"] == []"'

run -j matrix 6.1="$mx/f1.base" absent="$mx/absent.base"
check "matrix --json: format 1 (release null, impact null) and a rule absent in one kernel" \
	eval 'rc_is 1 && json "d[\"kernels\"][0][\"release\"] is None and [r for r in d[\"rules\"] if r[\"id\"] == \"S4\"][0][\"results\"] == [{\"kernel\": \"6.1\", \"verdict\": \"not-observed\", \"observations\": 0, \"violations\": 0, \"impact\": None}, {\"kernel\": \"absent\", \"verdict\": \"absent\", \"observations\": None, \"violations\": None, \"impact\": None}] and {\"rule\": \"S4\", \"kernel\": \"absent\", \"from\": \"not-observed\", \"to\": \"absent\", \"expected\": False, \"why\": None} in d[\"changes\"]"'
run matrix 6.1="$mx/a.base"
check "matrix, one kernel: a degenerate matrix, exit 0" \
	eval 'rc_is 0 && out_has "^matrix same: every verdict as on 6\.1 \(1 kernel, 19 rules\)$"'
run matrix --expect "$top/tests/matrix/expected" 6.1="$mx/a.base" 6.12="$mx/b.base"
check "matrix --expect tests/matrix/expected: the shipped file is valid, exit 0" \
	eval 'rc_is 0 && out_has "^matrix same: "'

# matrix_bad DESC PATTERN ARGS...: exit 2, nothing on stdout, PATTERN on stderr.
matrix_bad() {
	local desc=$1
	bad_pat=$2
	shift 2
	run matrix "$@"
	check "matrix, $desc: exit 2, says so" \
		eval 'rc_is 2 && out_empty && err_has "$bad_pat"'
}
matrix_bad "no kernel" 'matrix needs a baseline per kernel'
matrix_bad "NAME twice" 'kernel 6\.1 given twice' 6.1="$mx/a.base" 6.1="$mx/b.base"
matrix_bad "an argument without =" "'$mx/a.base' is not NAME=FILE" "$mx/a.base"
matrix_bad "a NAME with a /" "'6/1' is not a kernel NAME" 6/1="$mx/a.base"
matrix_bad "an empty FILE" '6\.1= has no FILE' 6.1=
matrix_bad "a missing baseline" 'nonesuch\.base: No such file' 6.1="$mx/a.base" x="$mx/nonesuch.base"
matrix_bad "a malformed baseline" 'bad\.base:2: verdict=sideways' 6.1="$mx/a.base" x="$mx/bad.base"
matrix_bad "--source for no kernel" '--source 7: no kernel of that NAME' --source 7=x 6.1="$mx/a.base"
matrix_bad "--source without =" "--source 'x' is not NAME=TEXT" --source x 6.1="$mx/a.base"
matrix_bad "--source twice" '--source 6\.1 given twice' --source 6.1=x --source 6.1=y 6.1="$mx/a.base"
matrix_bad "--expect twice" '--expect given twice' --expect "$mx/expect-u2" --expect "$mx/expect-u2" 6.1="$mx/a.base"
matrix_bad "--expect without a file" '--expect needs a file' 6.1="$mx/a.base" --expect
matrix_bad "an unknown option" "unknown option '--bogus'" 6.1="$mx/a.base" --bogus
matrix_bad "a missing expectations file" 'expectations .*nonesuch: No such file' --expect "$mx/nonesuch" 6.1="$mx/a.base"
run -j matrix 6.1="$mx/a.base" 6.1="$mx/b.base"
check "matrix --json, an error: the error object" \
	eval 'rc_is 2 && json_error_has "kernel 6\\.1 given twice"'

# expect_bad DESC CONTENT PATTERN: a malformed expectations file is exit 2.
expect_bad() {
	bad_pat=$3
	printf '%b' "$2" >"$mx/bad-expect"
	run matrix --expect "$mx/bad-expect" 6.1="$mx/a.base" patched="$mx/c.base"
	check "matrix --expect, $1: exit 2, file:line and what is wrong" \
		eval 'rc_is 2 && out_empty && err_has "$bad_pat"'
}
expect_bad "no colon" '# c\nU2 patched conforms -> diverges\n' "bad-expect:2: no ':' before the reason: an entry is 'RULE KERNEL FROM -> TO: WHY'"
expect_bad "no arrow" 'U2 patched conforms diverges: x\n' "bad-expect:1: 'U2 patched conforms diverges' is not RULE KERNEL FROM -> TO"
expect_bad "a word too many" 'U2 patched conforms -> diverges now: x\n' "bad-expect:1: 'U2 patched conforms -> diverges now' is not RULE KERNEL"
expect_bad "not a rule id" 'U2! patched conforms -> diverges: x\n' "bad-expect:1: 'U2!' is not a rule id: the rules are Z1, "
expect_bad "a rule no baseline has" '\nU9 patched conforms -> diverges: x\n' "bad-expect:2: unknown rule 'U9': not in any baseline"
expect_bad "a bad kernel NAME" 'U2 pat/ched conforms -> diverges: x\n' "bad-expect:1: kernel 'pat/ched' is not a NAME"
expect_bad "a bad verdict" 'U2 patched conforms -> broken: x\n' "bad-expect:1: 'broken' is not a verdict: one of not-observed, conforms, diverges, not-applicable or absent"
expect_bad "not a change" 'U2 patched diverges -> diverges: x\n' 'bad-expect:1: diverges -> diverges is not a change'
expect_bad "no reason" 'U2 patched conforms -> diverges:  \n' "bad-expect:1: no reason after ':'"
expect_bad "an entry twice" 'U2 patched conforms -> diverges: x\nU2 patched conforms -> diverges: y\n' 'bad-expect:2: U2 on patched again \(first on line 1\)'
expect_bad "the reference named" 'U2 6.1 conforms -> diverges: x\n' 'bad-expect:1: 6\.1 is the reference'
expect_bad "a NUL byte" 'U2 patched conforms -> diverges: x\n\0\n' 'a NUL byte'
run matrix --help
check "matrix --help: its usage, the expectations format" \
	eval 'rc_is 0 && out_has "^Usage: swapscope matrix \[--expect FILE\] \[--source NAME=TEXT\]\.\.\. NAME=FILE\.\.\.$" &&
	      out_has "RULE KERNEL FROM -> TO: WHY"'
run diff --help
check "diff --help: its usage" eval 'rc_is 0 && out_has "^Usage: swapscope diff A B$"'

# --- KTAP: check --ktap and run --ktap, read by the kernel's own parser --------

# ktap_parse FILE: kunit.py parse FILE into FILE.json; its exit in $kp_rc.
ktap_parse() {
	python3 "$ktools/tools/testing/kunit/kunit.py" parse --json="$1.json" "$1" \
		>"$1.log" 2>&1
	kp_rc=$?
}

# kunit_is FILE EXPR: EXPR holds, with t the {name: status} of FILE.json.
kunit_is() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = {c["name"]: c["status"] for c in d["test_cases"]}
n = len(d["test_cases"])
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1.json" "$2"
}

kt=$mx/ktap
mkdir -p "$kt"
# mx_tree NAME FROM: $mx/NAME, a writable copy of fixture FROM.
mx_tree() {
	rm -rf "${mx:?}/$1"
	cp -r "$fx/$2" "$mx/$1"
	chmod -R u+w "$mx/$1"
}
mx_tree s1 healthy
sed -i 's/^rule=S1 .*/rule=S1 seed=001 verdict=diverges observations=256 violations=3 impact=3 enabled=1 reason=-/' \
	"$mx/s1/rules"
mx_tree missed healthy
sed -i 's/^\(probe=swapin .*\)nmissed=0/\1nmissed=5/' "$mx/missed/probes"
run_on "$fx/degraded" baseline save "$mx/degraded.base"
run_on "$fx/healthy" check --ktap
cp "$tmp/out" "$kt/nobase.ktap"
check "check --ktap: exit 1 as check's (two divergences, no baseline), nothing on stderr" \
	eval 'rc_is 1 && err_empty'
check "check --ktap: version line, diagnostics, the plan 1..20" \
	eval '[ "$(head -n 1 "$tmp/out")" = "KTAP version 1" ] &&
	      out_has "^# swapscope [0-9.]+: module 0\.1\.0 \(abi 1\), kernel 6\.1\.0-56-amd64$" &&
	      out_has "^# baseline: none$" && [ "$(grep -c "^1\.\." "$tmp/out")" -eq 1 ] && out_has "^1\.\.20$"'
check "check --ktap: one test per rule in SS_RULES order named ID VERDICT, then check" \
	eval '[ "$(grep -E "^(not )?ok " "$tmp/out" | sed -E "s/^(not )?ok ([0-9]+) ([^ ]+).*/\2:\3/" | tr "\n" " ")" = "1:Z1 2:Z2 3:Z3 4:Z4 5:F1 6:F2 7:S1 8:S2 9:S3 10:S4 11:U1 12:U2 13:U3 14:P1 15:P2 16:P3 17:C1 18:C2 19:C3 20:check " ]'
check "check --ktap: conforms is ok, a divergence not ok with its counts" \
	eval 'out_has "^ok 1 Z1 conforms$" &&
	      out_has "^not ok 13 U3 diverges # violations=20 observations=23 impact=20$"'
check "check --ktap: not-observed and not-applicable are SKIP with why" \
	eval 'out_has "^ok 4 Z4 not-observed # SKIP not-implemented$" &&
	      out_has "^ok 8 S2 not-observed # SKIP no call observed$" &&
	      out_has "^ok 19 C3 not-applicable # SKIP no-batched-swap-duplicate$"'
check "check --ktap: the gate last, not ok, with check's summary; details as diagnostics" \
	eval 'out_has "^not ok 20 check # check FAILED: 2 new divergences, 0 known, 0 resolved; 0 probes missed, 0 events unseen$" &&
	      out_has "^# new divergence: U3 " && [ "$(tail -n 1 "$tmp/out" | cut -c 1-11)" = "not ok 20 c" ]'

if ktools=$("$top/tests/kernel-tools.sh" 2>"$kt/tools.log") &&
	[ -f "$ktools/tools/testing/kunit/kunit.py" ]; then
	ktap_parse "$kt/nobase.ktap"
	check "kunit.py parse, no baseline: a parse failure (exit 1): U3, C1 and check FAIL" \
		eval '[ "$kp_rc" -eq 1 ] && kunit_is "$kt/nobase.ktap" "n == 20 and t[\"U3 diverges\"] == \"FAIL\" and t[\"C1 diverges\"] == \"FAIL\" and t[\"check\"] == \"FAIL\" and list(t.values()).count(\"FAIL\") == 3"'
	check "kunit.py parse: conforms PASS, not-observed and not-applicable SKIP" \
		kunit_is "$kt/nobase.ktap" 't["Z1 conforms"] == "PASS" and t["Z4 not-observed"] == "SKIP" and t["C3 not-applicable"] == "SKIP" and list(t.values()).count("SKIP") == 8 and list(t.values()).count("PASS") == 9'

	run_on "$fx/healthy" check --ktap --baseline "$mx/a.base"
	cp "$tmp/out" "$kt/known.ktap"
	check "check --ktap --baseline: known divergences are ok # XFAIL, exit 0" \
		eval 'rc_is 0 && out_has "^ok 13 U3 diverges # XFAIL known divergence, the baseline lists it: violations=20 observations=23 impact=20$" &&
		      out_has "^# baseline: .*a\.base$" && out_has "^ok 20 check # check passed: 0 new divergences, 2 known"'
	ktap_parse "$kt/known.ktap"
	check "kunit.py parse, only known divergences: not a failure (exit 0), XFAIL counted PASS" \
		eval '[ "$kp_rc" -eq 0 ] && kunit_is "$kt/known.ktap" "n == 20 and t[\"U3 diverges\"] == \"PASS\" and t[\"C1 diverges\"] == \"PASS\" and t[\"check\"] == \"PASS\" and \"FAIL\" not in t.values() and list(t.values()).count(\"SKIP\") == 8"'

	run_on "$mx/s1" check --ktap --baseline "$mx/a.base"
	cp "$tmp/out" "$kt/new.ktap"
	check "check --ktap, a new divergence (S1) beside the known: exit 1" \
		eval 'rc_is 1 && out_has "^not ok 7 S1 diverges # violations=3 observations=256 impact=3$" && out_has "^not ok 20 check "'
	ktap_parse "$kt/new.ktap"
	check "kunit.py parse, a new divergence: a parse failure (exit 1), only S1 and check FAIL" \
		eval '[ "$kp_rc" -eq 1 ] && kunit_is "$kt/new.ktap" "n == 20 and [k for k, v in t.items() if v == \"FAIL\"] == [\"S1 diverges\", \"check\"] and t[\"U3 diverges\"] == \"PASS\""'

	run_on "$fx/degraded" check --ktap --baseline "$mx/degraded.base" --allow-missed
	cp "$tmp/out" "$kt/degraded.ktap"
	check "check --ktap, degraded: a failed rule is not ok with its reason, the unknown rule counted, exit 1" \
		eval 'rc_is 1 && out_has "^1\.\.21$" &&
		      out_has "^not ok 11 U1 conforms # rule failed: disabled itself: folio-larger-than-pmd; its verdict covers only the calls before$" &&
		      out_has "^ok 20 Q1 conforms$" && out_has "^# missed events \(allowed\): probe swapin " &&
		      out_has "^not ok 21 check # check FAILED: 0 new divergences, 2 known, 0 resolved; 1 rule failed; 2 probes missed, 14 events unseen \(allowed by --allow-missed\)$"'
	ktap_parse "$kt/degraded.ktap"
	check "kunit.py parse, degraded: U1 and check FAIL, known Z3 and F1 PASS, 21 tests" \
		eval '[ "$kp_rc" -eq 1 ] && kunit_is "$kt/degraded.ktap" "n == 21 and [k for k, v in t.items() if v == \"FAIL\"] == [\"U1 conforms\", \"check\"] and t[\"Z3 diverges\"] == \"PASS\" and t[\"F1 diverges\"] == \"PASS\" and t[\"C1 not-applicable\"] == \"SKIP\""'

	run_on "$mx/missed" check --ktap --baseline "$mx/a.base"
	cp "$tmp/out" "$kt/missed.ktap"
	ktap_parse "$kt/missed.ktap"
	check "check --ktap, a probe missed events: only the gate fails (exit 1, parse failure)" \
		eval 'rc_is 1 && [ "$kp_rc" -eq 1 ] && kunit_is "$kt/missed.ktap" "[k for k, v in t.items() if v == \"FAIL\"] == [\"check\"]"'
	run_on "$mx/missed" check --ktap --baseline "$mx/a.base" --allow-missed
	cp "$tmp/out" "$kt/allowed.ktap"
	ktap_parse "$kt/allowed.ktap"
	check "check --ktap --allow-missed: the gate passes (exit 0, no parse failure)" \
		eval 'rc_is 0 && [ "$kp_rc" -eq 0 ] && out_has "^ok 20 check # .*\(allowed by --allow-missed\)$"'

	mx_tree ktaprun healthy
	: >"$mx/ktaprun/control"
	run_on "$mx/ktaprun" run --ktap --rules U3,Z4,S1 --allow-missed -- sh -c 'exit 3'
	cp "$tmp/out" "$kt/run.ktap"
	check "run --ktap --rules: the selected rules, then the run's gate, exit 1 (U3 diverged), the scope lifted" \
		eval 'rc_is 1 && [ "$(head -n 1 "$tmp/out")" = "KTAP version 1" ] && out_has "^1\.\.4$" &&
		      out_has "^# command: sh \(pid [0-9]+\) exited 3; 0 calls of other processes ignored$" &&
		      out_has "^ok 1 Z4 not-observed # SKIP not-implemented$" && out_has "^ok 2 S1 conforms$" &&
		      out_has "^not ok 3 U3 diverges # violations=20" && out_has "^not ok 4 run # run FAILED: diverges: U3$" &&
		      [ "$(head -c 10 "$mx/ktaprun/control")" = "scope none" ]'
	ktap_parse "$kt/run.ktap"
	check "kunit.py parse, run --ktap: 4 tests, U3 and run FAIL" \
		eval '[ "$kp_rc" -eq 1 ] && kunit_is "$kt/run.ktap" "n == 4 and [k for k, v in t.items() if v == \"FAIL\"] == [\"U3 diverges\", \"run\"]"'
	run_on "$mx/ktaprun" run --ktap --rules S1 -- true
	cp "$tmp/out" "$kt/runok.ktap"
	ktap_parse "$kt/runok.ktap"
	check "run --ktap, nothing diverged: exit 0, no parse failure" \
		eval 'rc_is 0 && [ "$kp_rc" -eq 0 ] && kunit_is "$kt/runok.ktap" "t == {\"S1 conforms\": \"PASS\", \"run\": \"PASS\"}"'
else
	not_ok "tests/kernel-tools.sh: the kernel's KTAP parser"
	sed 's/^/#   /' "$kt/tools.log"
fi

run_on "$fx/healthy" -j check --ktap
check "check --ktap --json: exit 2, a usage error" \
	eval 'rc_is 2 && json_error_has "--ktap and --json are two outputs"'
run_on "$fx/healthy" run --ktap -j -- true
check "run --ktap --json: exit 2 before anything runs" \
	eval 'rc_is 2 && err_has "--ktap and --json"'
run_on "$fx/healthy" report --ktap
check "--ktap on report: exit 2, not an option" eval 'rc_is 2 && err_has "unknown option .--ktap."'
mx_tree ktaprun2 healthy
: >"$mx/ktaprun2/control"
run_on "$mx/ktaprun2" run -- --ktap
check "run -- --ktap: --ktap after -- is the command, not the option" \
	eval 'rc_is 2 && err_has "cannot run .--ktap.: No such file"'
run check --help
check "check --help: documents --ktap" eval 'rc_is 0 && out_has "^  --ktap "'
run run --help
check "run --help: documents --ktap" eval 'rc_is 0 && out_has "^  --ktap "'

# --- the same commands under ASan and UBSan ---------------------------------

# The error paths above (each leaves early) are where leaks hide.
if [ -x "$tmp/san/swapscope" ]; then
	ss_plain=$ss
	ss=$tmp/san/swapscope
	san_bad=0
	san_runs=0
	# san ARGS...: one run; any exit is fine, a sanitizer report is not.
	san() {
		run "$@"
		san_runs=$((san_runs + 1))
		if grep -Eq 'Sanitizer|runtime error' "$tmp/err" || [ "$rc" -gt 2 ]; then
			san_bad=$((san_bad + 1))
			echo "#   sanitizer report from: $*"
		fi
	}
	san diff "$mx/a.base" "$mx/c.base"
	san -j diff "$mx/absent.base" "$mx/c.base"
	san diff "$mx/f1.base" "$mx/bad.base"
	san diff "$mx/a.base"
	san matrix --source 6.1=x --expect "$mx/expect-both" 6.1="$mx/a.base" 6.12="$mx/b.base" patched="$mx/c.base"
	san -j matrix --expect "$mx/expect-wrong" 6.1="$mx/a.base" patched="$mx/c.base" absent="$mx/absent.base"
	san matrix 6.1="$mx/a.base" 6.1="$mx/b.base"
	san matrix 6.1="$mx/a.base" --expect
	san matrix --source 6.1=x --source 6.1=y 6.1="$mx/a.base"
	san matrix 6.1="$mx/a.base" x="$mx/bad.base"
	san matrix 6.1="$mx/a.base" --bogus
	for f in "$mx"/bad-expect "$mx"/expect-*; do
		san matrix --expect "$f" 6.1="$mx/a.base" patched="$mx/c.base"
	done
	printf 'U2 patched conforms -> diverges: x\nU2 patched conforms -> diverges: y\n' >"$mx/dup-expect"
	san matrix --expect "$mx/dup-expect" 6.1="$mx/a.base" patched="$mx/c.base"
	san --debugfs "$fx/healthy" check --ktap --baseline "$mx/a.base"
	san --debugfs "$fx/degraded" check --ktap --baseline "$mx/degraded.base"
	san --debugfs "$fx/healthy" -j check --ktap
	san --debugfs "$mx/ktaprun" run --ktap --rules U3 -- true
	check "ASan+UBSan build: diff, matrix and --ktap, $san_runs runs, no sanitizer report" \
		[ "$san_bad" -eq 0 ]
	ss=$ss_plain
fi
