#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's busybox initramfs with zram modules and the swapscope payload.
#
# Usage: tests/vm/mkinitramfs.sh OUT.cpio.gz
# Payload (each optional):
#   SWAPSCOPE_KO   swapscope.ko            -> /swapscope/swapscope.ko, and
#                  (make install-module)   -> /lib/modules/KVER/updates/
#   SWAPSCOPE_CLI  static CLI binary       -> /bin/swapscope
#   SCENARIO_DIR   dir of static programs  -> /scenarios/
#   GUEST_SCRIPT   shell script            -> /run.sh, with tests/vm/scenario-run.sh
#                  -> /scenario-run.sh (and tests/kselftest/run-bounded.sh ->
#                  /run-bounded.sh, which it sources), tests/vm/stress.sh -> /stress.sh,
#                  tests/vm/guest-trace.sh -> /guest-trace.sh,
#                  tests/vm/sshelper.c built -> /bin/sshelper,
#                  tests/vm/stressng.sh -> /stressng.sh and Debian's stress-ng
#                  with its shared libraries (WITH_STRESSNG=0 leaves it out)
#   INJECT_KO      ssinject.ko (test-only) -> /swapscope/ssinject.ko
#   INJECT_DIR     dir of static programs  -> /inject/
#   BENCH_DIR      dir of bench files      -> /bench/ (make bench)
#   KSELFTEST_DIR  an installed kselftest  -> /kselftest/, with GNU timeout
#                  tree (kselftest.sh)        (its runner's --foreground)
#   WITH_BPFTRACE  1: bpftrace and the shared libraries it loads, appended
#                  uncompressed (~200 MB: for make bench only)
# KVER and MODROOT come from setup.sh (run here when they are not set).
# VM_MODULES lists the modules copied in with their dependencies.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

die() { echo "mkinitramfs.sh: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUT.cpio.gz"
out=$1
if [ -z "${KVER:-}" ] || [ -z "${MODROOT:-}" ]; then
	eval "$("$here/setup.sh")"
fi
# The guest's modules (why each: modules.sh) and their dependency walk.
# shellcheck source=tests/vm/modules.sh
. "$here/modules.sh"
modules=${VM_MODULES:-$SS_VM_MODULES}
busybox=$(command -v busybox) || die "busybox not found (setup.sh installs busybox-static)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root}

# --- busybox -------------------------------------------------------------
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
install -m 0755 "$here/init" "$stage/init"
# Only root can make device nodes; init re-opens the console after
# mounting devtmpfs, so without this node only the very first lines are lost.
if [ "$(id -u)" -eq 0 ]; then
	mknod -m 0600 "$stage/dev/console" c 5 1
fi

# --- kernel modules ------------------------------------------------------
moddir=lib/modules/$KVER
# shellcheck disable=SC2086 # a list of names
order=$(ss_module_order $modules)
mkdir -p "$stage/$moddir"
for m in $order; do
	path=$(modinfo -b "$MODROOT" -k "$KVER" -n "$m") ||
		die "module $m not found under $MODROOT"
	# Built in on this kernel (zsmalloc, virtio_pci on 6.12): nothing to copy.
	[ "$path" = "(builtin)" ] && continue
	rel=${path#"$MODROOT/"}
	mkdir -p "$stage/$(dirname "$rel")"
	# 6.12's modules are compressed (.ko.xz): stored plain, so busybox's
	# modprobe and insmod load them whatever decompressors it has.
	case $rel in
	*.ko.xz)  xz -dc "$path" > "$stage/${rel%.xz}" ;;
	*.ko.zst) zstd -qdc "$path" > "$stage/${rel%.zst}" ;;
	*.ko.gz)  gzip -dc "$path" > "$stage/${rel%.gz}" ;;
	*)        cp "$path" "$stage/$rel" ;;
	esac || die "cannot copy $path"
done
cp "$MODROOT/$moddir"/modules.{order,builtin,builtin.modinfo} "$stage/$moddir/"
depmod -b "$stage" "$KVER"

# --- dynamically linked programs ------------------------------------------
# install_with_libs PROG ROOT DEST: PROG to ROOT/DEST with every shared
# library ldd names, the loader included, at its own path under ROOT
# (install copies what a symlink points to, under the link's name).  A
# library ldd cannot find is an error here, not a failed exec in the guest.
install_with_libs() {
	local prog=$1 root=$2 dest=$3 deps lib
	deps=$(ldd "$prog") || die "ldd $prog failed"
	if printf '%s\n' "$deps" | grep -q 'not found'; then
		die "$prog: missing libraries: $(printf '%s\n' "$deps" | grep 'not found' | tr -s '\n\t' '  ')"
	fi
	install -D -m 0755 "$prog" "$root$dest"
	for lib in $(printf '%s\n' "$deps" | grep -o '/[^ ]*'); do
		install -D -m 0755 "$lib" "$root$lib"
	done
}

# --- payload -------------------------------------------------------------
if [ -n "${SWAPSCOPE_KO:-}" ]; then
	[ -f "$SWAPSCOPE_KO" ] || die "SWAPSCOPE_KO=$SWAPSCOPE_KO not found"
	install -D -m 0644 "$SWAPSCOPE_KO" "$stage/swapscope/swapscope.ko"
	# And where `make install` puts it, in modules.dep (depmod -b): what
	# guest-check.sh's modprobe test loads.
	make -s -C "$top" install-module KO="$(readlink -f "$SWAPSCOPE_KO")" \
		KVER="$KVER" DESTDIR="$stage" >&2 ||
		die "make install-module DESTDIR=$stage failed"
	grep -q "^updates/swapscope.ko:" "$stage/$moddir/modules.dep" ||
		die "updates/swapscope.ko is not in the initramfs modules.dep"
fi
# The oracle probes of guest-check.sh come from the shared header, so
# adding a probe to SS_PROBES adds it to the oracle too.
header=$top/module/uapi/swapscope.h
if [ -r "$header" ]; then
	mkdir -p "$stage/swapscope"
	sed -n '/^#define SS_PROBES(X)/,/[^\\]$/p' "$header" |
		sed -n 's/.*X([A-Z_]*,[[:space:]]*"\([a-z_]*\)",[[:space:]]*"\([a-z_0-9]*\)".*/\1 \2/p' \
		> "$stage/swapscope/probes.list"
	[ -s "$stage/swapscope/probes.list" ] || die "no SS_PROBES entries parsed from $header"
fi
if [ -n "${SWAPSCOPE_CLI:-}" ]; then
	[ -f "$SWAPSCOPE_CLI" ] || die "SWAPSCOPE_CLI=$SWAPSCOPE_CLI not found"
	install -m 0755 "$SWAPSCOPE_CLI" "$stage/bin/swapscope"
fi
# What "swapscope doctor" reads besides /proc and /sys: the kernel config
# where Debian installs it, and bpftool for the BTF, with the shared
# libraries ldd names (it is not linked statically).
if [ -r "$MODROOT/boot/config-$KVER" ]; then
	install -D -m 0644 "$MODROOT/boot/config-$KVER" "$stage/boot/config-$KVER"
fi
bpftool=$(PATH=$PATH:/usr/sbin:/sbin command -v bpftool || true)
if [ -n "$bpftool" ]; then
	install_with_libs "$bpftool" "$stage" /usr/sbin/bpftool
else
	echo "mkinitramfs.sh: warning: no bpftool (setup.sh installs it): swapscope doctor cannot read BTF in the guest" >&2
fi
if [ -n "${SCENARIO_DIR:-}" ]; then
	[ -d "$SCENARIO_DIR" ] || die "SCENARIO_DIR=$SCENARIO_DIR is not a directory"
	mkdir -p "$stage/scenarios"
	for f in "$SCENARIO_DIR"/*; do
		[ -f "$f" ] && [ -x "$f" ] && install -m 0755 "$f" "$stage/scenarios/"
	done
fi
if [ -n "${INJECT_KO:-}" ]; then
	[ -f "$INJECT_KO" ] || die "INJECT_KO=$INJECT_KO not found"
	install -D -m 0644 "$INJECT_KO" "$stage/swapscope/ssinject.ko"
fi
if [ -n "${INJECT_DIR:-}" ]; then
	[ -d "$INJECT_DIR" ] || die "INJECT_DIR=$INJECT_DIR is not a directory"
	mkdir -p "$stage/inject"
	for f in "$INJECT_DIR"/*; do
		[ -f "$f" ] && [ -x "$f" ] && install -m 0755 "$f" "$stage/inject/"
	done
fi
if [ -n "${GUEST_SCRIPT:-}" ]; then
	[ -f "$GUEST_SCRIPT" ] || die "GUEST_SCRIPT=$GUEST_SCRIPT not found"
	install -m 0755 "$GUEST_SCRIPT" "$stage/run.sh"
	# The scenario runner guest-check.sh and guest-matrix.sh source.
	install -m 0644 "$here/scenario-run.sh" "$stage/scenario-run.sh"
	install -m 0644 "$here/../kselftest/run-bounded.sh" "$stage/run-bounded.sh"
	# The stress tests guest-check.sh sources, and their helper program.
	install -m 0755 "$here/stress.sh" "$stage/stress.sh"
	# swapscope's tracepoints and the events file's poll(), sourced too.
	install -m 0755 "$here/guest-trace.sh" "$stage/guest-trace.sh"
	"${CC:-cc}" -static -O2 -Wall -Wextra -Werror -pthread \
		-o "$stage/bin/sshelper" "$here/sshelper.c" || die "cannot build sshelper"
	# The third-party stress stage: Debian's stress-ng, not linked
	# statically, so with the 26 libraries ldd names (10 MB of the
	# archive, 14 -> 24 MB, boot time within its noise; most of it is
	# libIPSec_MB and libcrypto, linked for stressors not run here, but
	# it is built with BIND_NOW: every one must be there to start).
	install -m 0755 "$here/stressng.sh" "$stage/stressng.sh"
	if [ "${WITH_STRESSNG:-1}" != 0 ]; then
		stressng=$(command -v stress-ng) ||
			die "stress-ng not found (setup.sh installs it)"
		install_with_libs "$stressng" "$stage" /usr/bin/stress-ng
	fi
fi

if [ -n "${BENCH_DIR:-}" ]; then
	[ -d "$BENCH_DIR" ] || die "BENCH_DIR=$BENCH_DIR is not a directory"
	mkdir -p "$stage/bench"
	cp -p "$BENCH_DIR"/* "$stage/bench/"
fi

if [ -n "${KSELFTEST_DIR:-}" ]; then
	[ -x "$KSELFTEST_DIR/run_kselftest.sh" ] ||
		die "KSELFTEST_DIR=$KSELFTEST_DIR has no run_kselftest.sh"
	cp -a "$KSELFTEST_DIR" "$stage/kselftest"
	# kselftest/runner.sh runs each test under /usr/bin/timeout
	# --foreground, which busybox's timeout rejects (every test would
	# fail with exit 1): coreutils' in its place, the link removed first
	# (it points at /bin/busybox, which must not be written through).
	rm -f "$stage/usr/bin/timeout"
	install_with_libs "$(command -v timeout)" "$stage" /usr/bin/timeout
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 > "$out.tmp"
# bpftrace links LLVM and clang: its ~200 MB go in a second, uncompressed
# archive (the kernel unpacks a concatenation; a plain one must start
# 4-byte aligned): no gzip on the host, a plain copy in the guest (boots
# measured no slower than make check's 10 MB one under TCG).
if [ "${WITH_BPFTRACE:-0}" = 1 ]; then
	bpftrace=$(command -v bpftrace) || die "bpftrace not found (setup.sh installs it)"
	bt=$stage/.bpftrace
	install_with_libs "$bpftrace" "$bt" /usr/bin/bpftrace
	pad=$(( (4 - $(stat -c %s "$out.tmp") % 4) % 4 ))
	head -c "$pad" /dev/zero >> "$out.tmp"
	(cd "$bt" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >> "$out.tmp"
fi
mv "$out.tmp" "$out"
echo "mkinitramfs.sh: $out (modules: ${order[*]})" >&2
