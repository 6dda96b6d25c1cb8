#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build a patched Debian 6.1 kernel for make patched-demo: linux-source-6.1, one patch, Debian's config cut to what the guest loads.
#
# Usage: tests/patched/build-kernel.sh [--patch FILE] [OUT]
#   FILE  the patch, applied with patch -p1 (default
#         tests/patched/u2-young-rescue.patch)
#   OUT   work directory (default build/patched): OUT/linux-source-6.1 is the
#         build tree (bzImage in arch/x86/boot/), OUT/build.log the
#         kernel build's log, OUT/times its stage times
# Env: JOBS (default: the number of CPUs), LOCALVERSION (default
#      -swapscope-PREFIX, PREFIX the patch name up to its first '-')
# Prints the stage times and, last, "BZIMAGE=... BUILDDIR=..." lines.
# Run again, it reuses what is there: the tree is unpacked once, the patch
# applied once (another patch in the same OUT is an error), and make
# rebuilds only what changed.
#
# The config: Debian's own (config-6.1.0-NN-amd64 from the image setup.sh
# unpacks), as close as a kernel built here gets to the one swapscope is
# tested on -- the same kprobes-on-ftrace, memcg, THP, userfaultfd, NUMA,
# zram, debugfs/tracefs -- reduced by make localmodconfig to the modules
# the guest loads (zram, virtio_blk, virtio_pci, scsi_debug, sd_mod and
# their dependencies: tests/vm/modules.sh, as tests/vm/mkinitramfs.sh).  Changed from it:
# no debug info (no BTF: saves much of the build and pahole), no module
# signing by the build (Debian signs with its own keys, which are not
# here; SYSTEM_TRUSTED_KEYS and SYSTEM_REVOCATION_KEYS emptied), and a
# LOCALVERSION that marks the release patched; and subsystems the guest
# does not use, for build time (see "for build time" below).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

die() { echo "build-kernel.sh: error: $*" >&2; exit 2; }
log() { echo "build-kernel.sh: $*" >&2; }

patchf=$here/u2-young-rescue.patch
while [ $# -gt 0 ]; do
	case $1 in
	--patch) [ $# -ge 2 ] || die "--patch needs a FILE"; patchf=$2; shift 2 ;;
	-*) die "unknown option '$1' (see the header of $0)" ;;
	*) break ;;
	esac
done
[ $# -le 1 ] || die "usage: $0 [--patch FILE] [OUT]"
out=${1:-$top/build/patched}
[ -r "$patchf" ] || die "patch $patchf not readable"
patchf=$(cd "$(dirname "$patchf")" && pwd)/${patchf##*/}
pname=${patchf##*/}
pname=${pname%.patch}
localversion=${LOCALVERSION:--swapscope-${pname%%-*}}
jobs=${JOBS:-$(nproc)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/linux-source-6.1
times=$out/times
: >"$times"
now() { date +%s.%N; }
stage_time() {	# stage_time NAME T0: "NAME S s" to OUT/times and stderr
	local s
	s=$(awk -v a="$2" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
	echo "$1 $s s" | tee -a "$times" >&2
}

# --- packages ------------------------------------------------------------
# linux-source-6.1 (Debian's patched source, what its 6.1 kernels are built
# from), the kernel build's host tools, and Debian's 6.1 image for its
# config (setup.sh installs the VM packages and unpacks the image).
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}
missing=()
for p in linux-source-6.1 flex bison bc libelf-dev libssl-dev make gcc; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]}"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update >&2
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" >&2
fi
eval "$(KDIR='' KERNEL='' MODROOT='' SS_KERNEL=6.1 "$top/tests/vm/setup.sh")"
debconfig=$MODROOT/boot/config-$KVER
[ -r "$debconfig" ] || die "Debian's config $debconfig not found (tests/vm/setup.sh unpacks the image)"

# --- unpack and patch ------------------------------------------------------
t=$(now)
tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-6.1.tar.*' | sort | head -n 1)
[ -n "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.* (package linux-source-6.1)"
if [ ! -f "$src/Makefile" ]; then
	log "unpacking $tarball"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar xf "$tarball" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
fi
stage_time unpack "$t"
t=$(now)
if [ -f "$out/applied-patch" ]; then
	[ "$(cat "$out/applied-patch")" = "$pname" ] ||
		die "$src has $(cat "$out/applied-patch").patch applied, not $pname.patch: remove $out or give another OUT"
	patch -d "$src" -p1 -R --dry-run -s -f <"$patchf" >/dev/null ||
		die "$pname.patch is recorded as applied but does not reverse cleanly in $src"
else
	patch -d "$src" -p1 --forward -s <"$patchf" || die "$pname.patch does not apply to $src"
	echo "$pname" >"$out/applied-patch"
	log "applied $pname.patch"
fi

# --- config ---------------------------------------------------------------
# The modules the guest loads and everything they depend on, in Debian's
# image, for localmodconfig's LSMOD (a name a line; '-' read as '_').
lsmod=$out/lsmod
# shellcheck source=tests/vm/modules.sh
. "$top/tests/vm/modules.sh"
# shellcheck disable=SC2086 # a list of names
order=$(ss_module_order $SS_VM_MODULES)
printf '%s\n' "$order" | tr '-' '_' >"$lsmod"
# Made afresh each time, kept only if it differs from the tree's: an
# unchanged .config does not rebuild anything.
[ ! -f "$src/.config" ] || cp -p "$src/.config" "$out/config.prev"
cp "$debconfig" "$src/.config"
# New symbols of this source's release take their defaults (yes dies of
# SIGPIPE when make is done: not a failure).
{ yes '' || true; } | make -s -C "$src" LSMOD="$lsmod" localmodconfig >"$out/config.log" 2>&1 ||
	die "make localmodconfig failed (see $out/config.log)"
"$src/scripts/config" --file "$src/.config" \
	--disable MODULE_SIG_ALL --set-str MODULE_SIG_KEY "" \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--disable DEBUG_INFO --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	--enable DEBUG_INFO_NONE --disable DEBUG_INFO_BTF --disable DEBUG_INFO_BTF_MODULES \
	--set-str LOCALVERSION "$localversion" --disable LOCALVERSION_AUTO
# And what neither the guest nor mm/ uses, for build time: Debian's
# localmodconfig keeps ~1600 built-in options, measured at about 20
# objects a minute on the 2 shared cores this was made on (an estimated
# 1.5-2 hours).  Networking (the guest has no NIC and the scenarios no
# socket), the LSMs and IMA/EVM, Xen, BPF and the framebuffer go; mm/ and
# kernel/ keep Debian's configuration (memcg, THP, NUMA, kprobes on
# ftrace, paravirt), so the patched paths and the probed functions are
# built as Debian builds them.
"$src/scripts/config" --file "$src/.config" \
	--disable NET --disable SECURITY --disable SECURITY_SELINUX \
	--disable SECURITY_APPARMOR --disable SECURITY_TOMOYO --disable INTEGRITY \
	--disable IMA --disable EVM --disable XEN --disable BPF_SYSCALL --disable FB
make -s -C "$src" olddefconfig >>"$out/config.log" 2>&1 || die "make olddefconfig failed (see $out/config.log)"
# What swapscope and the guest need, checked rather than assumed.
for c in KPROBES KPROBES_ON_FTRACE KRETPROBES DEBUG_FS FTRACE MEMCG SWAP \
	 TRANSPARENT_HUGEPAGE USERFAULTFD NUMA MIGRATION CGROUPS DEVTMPFS \
	 SERIAL_8250_CONSOLE BLK_DEV_INITRD MODULES; do
	grep -q "^CONFIG_$c=y" "$src/.config" || die "CONFIG_$c is not =y in the generated config"
done
for c in ZRAM SCSI_DEBUG BLK_DEV_SD VIRTIO_BLK; do
	grep -q "^CONFIG_$c=[ym]" "$src/.config" || die "CONFIG_$c is not set in the generated config"
done
if [ -f "$out/config.prev" ] && cmp -s "$out/config.prev" "$src/.config"; then
	cp -p "$out/config.prev" "$src/.config"
fi
rm -f "$out/config.prev"
stage_time patch-and-config "$t"

# --- build ---------------------------------------------------------------
# nice: the machine is shared; the kernel build is the long pole.
t=$(now)
log "building bzImage and modules (make -j$jobs, log $out/build.log)"
nice -n 19 make -C "$src" -j"$jobs" bzImage modules >"$out/build.log" 2>&1 ||
	{ grep -a -m 5 -E 'error|Error' "$out/build.log" >&2; die "the kernel build failed (see $out/build.log)"; }
stage_time kernel-build "$t"
release=$(make -s -C "$src" kernelrelease)
echo "RELEASE=$release"
echo "BZIMAGE=$src/arch/x86/boot/bzImage"
echo "BUILDDIR=$src"
