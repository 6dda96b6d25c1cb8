#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make patched-demo: build Debian's 6.1 with one semantic patch and show that make matrix catches exactly the rule it changes.
#
# Usage: tests/patched/demo.sh
# Env: PATCH   the patch (default tests/patched/u2-young-rescue.patch)
#      EXPECT  its expectations file (default tests/patched/expected: the
#              verdict changes the patch should make, and only those)
#      OUT     work directory (default build/patched)
# Stages: tests/patched/build-kernel.sh (unpack linux-source-6.1, patch,
# configure, build), then tests/matrix/run.sh 6.1 patched=BZIMAGE:BUILDDIR
# (the module built against the patched tree, both kernels booted in QEMU,
# the baselines compared).  Exit: the matrix's (0 iff the expected rules,
# and only they, changed verdict), 2 when a stage fails.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
patchf=${PATCH:-$here/u2-young-rescue.patch}
expect=${EXPECT:-$here/expected}
out=${OUT:-$top/build/patched}
mkdir -p "$out"

t0=$(date +%s.%N)
res=$("$here/build-kernel.sh" --patch "$patchf" "$out") || {
	echo "patched-demo: the kernel build failed" >&2
	exit 2
}
t1=$(date +%s.%N)
bz=$(sed -n 's/^BZIMAGE=//p' <<<"$res")
bdir=$(sed -n 's/^BUILDDIR=//p' <<<"$res")
rel=$(sed -n 's/^RELEASE=//p' <<<"$res")
echo "# patched-demo: $rel built in $bdir"

# make matrix KERNELS="6.1 patched=..." EXPECT=..., run directly: make
# would turn the matrix's exit 1 into its own 2.
EXPECT=$expect MATRIX_OUT=$out/matrix MATRIX_JSON=$out/matrix.json \
	"$top/tests/matrix/run.sh" 6.1 "patched=$bz:$bdir"
rc=$?
t2=$(date +%s.%N)

echo "# patched-demo: stage times (s):"
sed 's/^/#   /' "$out/times"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	printf "#   kernel (all of the above) %.0f s, matrix %.0f s, total %.0f s\n",
		b - a, c - b, c - a }'
echo "# patched-demo: machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
case $rc in
0) echo "patched-demo: passed: the matrix shows the expected verdict changes ($(grep -vc '^\(#\|[[:space:]]*$\)' "$expect")) and no other" ;;
1) echo "patched-demo: FAILED: a verdict change that $expect does not list, or one it lists did not happen" ;;
*) echo "patched-demo: FAILED: tests/matrix/run.sh exited $rc" ;;
esac
exit "$rc"
