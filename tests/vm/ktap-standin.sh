#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Temporary stand-in for `swapscope check --ktap [--baseline FILE]` on a CLI that lacks --ktap.
#
# tests/vm/kselftest.sh installs it as the collection's "swapscope", the
# real CLI beside it as swapscope.real, only when the CLI built has no
# --ktap; everything else goes to the real CLI.  The gate (test 20 and the
# exit code) is the real `swapscope check`'s; the rule lines are made from
# the module's rules file.
real=$(dirname "$0")/swapscope.real
rules=/sys/kernel/debug/swapscope/rules

ktap=
baseline=
for a in "$@"; do
	[ "$a" = --ktap ] && ktap=1
done
if [ "${1:-}" != check ] || [ -z "$ktap" ]; then
	exec "$real" "$@"
fi
shift
while [ $# -gt 0 ]; do
	case $1 in
	--ktap) ;;
	--baseline) baseline=$2; shift ;;
	*) echo "ktap-standin: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ -n "$baseline" ]; then
	"$real" check --baseline "$baseline" > /tmp/.standin.gate 2>&1
else
	"$real" check > /tmp/.standin.gate 2>&1
fi
rc=$?
[ "$rc" -le 1 ] || { cat /tmp/.standin.gate >&2; exit "$rc"; }
echo "KTAP version 1"
echo "# swapscope check --ktap (stand-in)"
echo "1..$(($(wc -l < "$rules") + 1))"
n=0
while read -r line; do
	n=$((n + 1))
	id=$(echo "$line" | sed -n 's/^rule=\([^ ]*\) .*/\1/p')
	v=$(echo "$line" | sed -n 's/.* verdict=\([^ ]*\) .*/\1/p')
	obs=$(echo "$line" | sed -n 's/.* observations=\([^ ]*\) .*/\1/p')
	viol=$(echo "$line" | sed -n 's/.* violations=\([^ ]*\) .*/\1/p')
	reason=$(echo "$line" | sed -n 's/.* reason=\([^ ]*\).*/\1/p')
	case $v in
	conforms) echo "ok $n $id $v" ;;
	diverges)
		if [ -n "$baseline" ] && grep -q "^rule=$id verdict=diverges" "$baseline"; then
			echo "ok $n $id $v # known divergence, in $baseline: violations=$viol observations=$obs"
		else
			echo "not ok $n $id $v # violations=$viol observations=$obs"
		fi ;;
	*) [ "$reason" = - ] && reason=$v
		echo "ok $n $id $v # SKIP $reason" ;;
	esac
done < "$rules"
sed 's/^/# /' /tmp/.standin.gate
n=$((n + 1))
if [ "$rc" -eq 0 ]; then echo "ok $n check"; else echo "not ok $n check"; fi
exit "$rc"
