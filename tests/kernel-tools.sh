#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own test tools, from Debian's linux-source: the KTAP parser
# (tools/testing/kunit) and the kselftest framework (tools/testing/selftests:
# lib.mk, kselftest/runner.sh, kselftest_install.sh...).  They are read and
# run, never copied into the repository.
#
# Usage: tests/kernel-tools.sh     prints the directory holding
#                                  tools/testing/{kunit,selftests}/ for them
# Env:   KTOOLS_SERIES   the linux-source series (default 6.12, the newer
#                        parser); installed with apt-get when missing
#        KTOOLS_DIR      where to unpack (default <repo>/build/kernel-tools)
# Everything but the directory goes to stderr.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
series=${KTOOLS_SERIES:-6.12}
out=${KTOOLS_DIR:-$top/build/kernel-tools}/$series
tarball=/usr/src/linux-source-$series.tar.xz
die() { echo "kernel-tools.sh: error: $*" >&2; exit 1; }

if [ ! -f "$out/.unpacked" ]; then
	if [ ! -f "$tarball" ]; then
		sudo=
		[ "$(id -u)" -eq 0 ] || sudo=sudo
		echo "kernel-tools.sh: installing linux-source-$series" >&2
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
			$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
				--no-install-recommends "linux-source-$series" >&2 ||
			die "cannot install linux-source-$series"
		[ -f "$tarball" ] || die "linux-source-$series has no $tarball"
	fi
	rm -rf "$out"
	mkdir -p "$out"
	# Only the tools: a few MB of a 140 MB tarball (xz still reads it all).
	tar -xJf "$tarball" -C "$out" --strip-components=1 --wildcards \
		"linux-source-$series/tools/testing/kunit/*" \
		"linux-source-$series/tools/testing/selftests/lib.mk" \
		"linux-source-$series/tools/testing/selftests/kselftest/*" \
		"linux-source-$series/tools/testing/selftests/kselftest.h" \
		"linux-source-$series/tools/testing/selftests/kselftest_install.sh" \
		"linux-source-$series/tools/testing/selftests/run_kselftest.sh" \
		"linux-source-$series/tools/testing/selftests/Makefile" \
		"linux-source-$series/tools/scripts/Makefile.include" \
		"linux-source-$series/scripts/subarch.include" ||
		die "unpacking the tools from $tarball failed"
	touch "$out/.unpacked"
fi
echo "$out"
