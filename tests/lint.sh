#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# swapscope: kernel style check (checkpatch.pl --no-tree) and a W=1 build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/build/lint
src=/usr/src/linux-source-6.1.tar.xz

if [ ! -f "$src" ]; then
	echo "lint: installing linux-source-6.1 for checkpatch.pl" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends linux-source-6.1 >&2
fi
if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
	mkdir -p "$cache"
	tar xJf "$src" -C "$cache" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

rc=0
echo "== checkpatch.pl --no-tree"
cp="$cache/scripts/checkpatch.pl --no-tree --terse --show-types"
# shellcheck disable=SC2086
$cp -f $(ls "$top"/module/*.c | grep -v '/rules.c$') "$top"/module/*.h \
	"$top"/tests/inject/ssinject.c "$top"/tests/bench/floor/ssfloor.c || rc=1
# The compat headers exist to hold the version tests checkpatch discourages
# (the lttng-modules pattern); nowhere else may have one.
# shellcheck disable=SC2086
$cp --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f "$top"/module/compat/*.h || rc=1
if grep -n 'LINUX_VERSION_CODE' "$top"/module/*.[ch] "$top"/tests/inject/*.c; then
	echo "lint: a kernel version test outside module/compat/" >&2
	rc=1
fi
# X-macro tables are lists, not expressions: parentheses would break them.
# shellcheck disable=SC2086
$cp --ignore COMPLEX_MACRO -f "$top"/module/uapi/swapscope.h "$top"/module/rules.c || rc=1

echo "== W=1 build"
# Each supported kernel whose headers are here (installed, or unpacked by
# tests/vm/setup.sh): the modules built from copies under build/lint/KVER,
# so the tree's own objects and the other kernel's are left alone.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
built=
for series in $(sed -n 's/^#define SWAPSCOPE_KERNELS[[:space:]]*"\(.*\)"$/\1/p' "$top/module/uapi/swapscope.h"); do
	kdir=$(make -s -C "$top" --no-print-directory print-kdir SS_KERNEL="$series" 2>/dev/null) || {
		echo "W=1 $series: no headers here (SS_KERNEL=$series tests/vm/setup.sh fetches them), not built"
		continue
	}
	if ! KDIR=$kdir KBUILD_EXTRA_WARN=1 "$top/tests/vm/build-modules.sh" \
		"$cache/$series" swapscope inject floor >"$log" 2>&1; then
		cat "$log"
		exit 1
	fi
	if grep -E "warning:|error:" "$log"; then
		rc=1
	else
		echo "W=1 $series ($kdir): no warnings"
	fi
	built="$built $series"
done
[ -n "$built" ] || { echo "lint: no supported kernel's headers: no W=1 build" >&2; rc=1; }
exit $rc
