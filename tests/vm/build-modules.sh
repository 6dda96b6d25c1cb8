#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build kernel modules for one kernel from copies of their sources, so builds for several kernels never clobber each other or the tree's own.
#
# Usage: KDIR=... tests/vm/build-modules.sh OUT MODULE...
#   MODULE  swapscope  -> OUT/swapscope.ko (make module MODOUT=OUT)
#           inject     -> OUT/tests/inject/ssinject.ko (test-only)
#           floor      -> OUT/tests/bench/floor/ssfloor.ko (make bench)
# OUT mirrors the tree's layout (OUT/module, OUT/tests/inject...), so
# relative includes between them hold.  KDIR: the headers (setup.sh's).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

die() { echo "build-modules.sh: error: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: KDIR=... $0 OUT MODULE..."
[ -n "${KDIR:-}" ] || die "KDIR is not set"
out=$1
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

# copy DIR [-maxdepth 1]: DIR's Kbuild and C sources to OUT/DIR (mtimes
# kept, so an unchanged source is not rebuilt).
copy() {
	local dir=$1
	shift
	mkdir -p "$out/$dir"
	(cd "$top" && find "$dir" "$@" -type f \( -name Kbuild -o -name '*.[chS]' \) \
		-exec cp -p --parents {} "$out/" \;)
}
# kbuild_copy DIR: DIR copied, then Kbuild there.
kbuild_copy() {
	copy "$1" -maxdepth 1
	make -C "$KDIR" M="$out/$1" modules
}

# The others include swapscope's headers (module/compat/, module/uapi/).
copy module

for m in "$@"; do
	case $m in
	swapscope) make -C "$top" module KDIR="$KDIR" MODOUT="$out" ;;
	inject)    kbuild_copy tests/inject ;;
	floor)     kbuild_copy tests/bench/floor ;;
	*)         die "unknown module '$m' (swapscope, inject, floor)" ;;
	esac
done
