#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the bpftrace program of `make bench` from SS_PROBES in the uapi header.
#
# Usage: tests/bench/mkcounts.sh module/uapi/swapscope.h
# One map keyed by the probe: entry kprobes on every symbol swapscope
# probes, kretprobes on those it probes on return (the 4th column is 1).
set -eu
list=$(sed -n '/^#define SS_PROBES(X)/,/[^\\]$/p' "$1" |
	sed -n 's/.*X([A-Z_]*,[[:space:]]*"[a-z_]*",[[:space:]]*"\([a-z_0-9]*\)",[[:space:]]*\([01]\)).*/\1 \2/p')
[ -n "$list" ] || { echo "mkcounts.sh: no SS_PROBES entries in $1" >&2; exit 1; }
k=$(printf '%s\n' "$list" | awk '{ printf "%skprobe:%s", n++ ? "," : "", $1 }')
r=$(printf '%s\n' "$list" | awk '$2 == 1 { printf "%skretprobe:%s", n++ ? "," : "", $1 }')
printf '%s\n{\n\t@[probe] = count();\n}\n' "$k"
[ -z "$r" ] || printf '%s\n{\n\t@[probe] = count();\n}\n' "$r"
