#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the bpftrace program of `make bench` from SS_PROBES in the uapi header.
#
# Usage: tests/bench/mkcounts.sh module/uapi/swapscope.h [SERIES]
# One map keyed by the probe: entry kprobes on every symbol swapscope
# probes, kretprobes on those it probes on return (the 4th column is 1).
# SERIES (VERSION.PATCHLEVEL of the kernel it is for, default 6.1): from
# 6.10 on, SS_PROBES_NR's batched functions replace swap_free and
# free_swap_and_cache, as module/compat/probes.h has the module do
# (bpftrace refuses a program naming a function the kernel lacks).
set -eu
series=${2:-6.1}
list=$(sed -n '/^#define SS_PROBES(X)/,/[^\\]$/p' "$1" |
	sed -n 's/.*X(\([A-Z_]*\),[[:space:]]*"[a-z_]*",[[:space:]]*"\([a-z_0-9]*\)",[[:space:]]*\([01]\)).*/\1 \2 \3/p')
[ -n "$list" ] || { echo "mkcounts.sh: no SS_PROBES entries in $1" >&2; exit 1; }
nr=$(sed -n '/^#define SS_PROBES_NR(X)/,/[^\\]$/p' "$1" |
	sed -n 's/.*X(\([A-Z_]*\),[[:space:]]*"\([a-z_0-9]*\)",.*/\1 \2/p')
if [ "$(printf '%s\n' "$series" 6.10 | sort -V | head -n 1)" = 6.10 ]; then
	list=$(printf '%s\n' "$list" | awk -v nr="$nr" '
		BEGIN { n = split(nr, a, "\n"); for (i = 1; i <= n; i++) { split(a[i], f, " "); sym[f[1]] = f[2] } }
		{ print $1, ($1 in sym ? sym[$1] : $2), $3 }')
fi
k=$(printf '%s\n' "$list" | awk '{ printf "%skprobe:%s", n++ ? "," : "", $2 }')
r=$(printf '%s\n' "$list" | awk '$3 == 1 { printf "%skretprobe:%s", n++ ? "," : "", $2 }')
printf '%s\n{\n\t@[probe] = count();\n}\n' "$k"
[ -z "$r" ] || printf '%s\n{\n\t@[probe] = count();\n}\n' "$r"
