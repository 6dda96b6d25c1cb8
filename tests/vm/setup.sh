#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the VM test dependencies and unpack the guest kernel; prints KEY=value lines for eval.
#
# Usage: eval "$(tests/vm/setup.sh)"
# Env:   KDIR    kernel build dir the module is built against (default: newest
#                /usr/src/linux-headers-*-amd64)
#        KERNEL  bzImage to boot instead of Debian's (its modules must match KDIR)
#        VM_BUILD  output directory (default: <repo>/build/vm)
# Everything but the KEY=value lines goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${VM_BUILD:-$top/build/vm}
cache=$build/cache

die() { echo "setup.sh: error: $*" >&2; exit 1; }
log() { echo "setup.sh: $*" >&2; }

sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: cannot install packages"
	sudo=sudo
fi
apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@" >&2; }

# --- host packages -------------------------------------------------------
# bpftrace: make bench's comparison (copied into its initramfs only).
# stress-ng: the third-party stress stage of make check (tests/vm/stressng.sh;
# mkinitramfs.sh copies it and its shared libraries into the guest).
pkgs=(qemu-system-x86 busybox-static kmod cpio linux-headers-amd64 bpftool
      linux-source-6.1 groff-base dkms bpftrace stress-ng)
missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
updated=0
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]}"
	apt_get update
	updated=1
	apt_get install -y --no-install-recommends "${missing[@]}"
fi

# --- kernel release ------------------------------------------------------
# Debian's headers put the upstream version (6.1.x) in kernel.release; the
# release modules are stamped with (vermagic) is UTS_RELEASE, so prefer it.
if [ -n "${KDIR:-}" ]; then
	uts=$KDIR/include/generated/utsrelease.h
	if [ -r "$uts" ]; then
		KVER=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$uts")
	else
		KVER=$(cat "$KDIR/include/config/kernel.release")
	fi
else
	hdr=$(printf '%s\n' /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)
	[ -d "$hdr" ] || die "no /usr/src/linux-headers-*-amd64 installed"
	KVER=${hdr#/usr/src/linux-headers-}
	KDIR=/lib/modules/$KVER/build
fi
[ -n "$KVER" ] || die "cannot determine the kernel release from KDIR=$KDIR"

# --- guest kernel image --------------------------------------------------
# Unpacked into the cache, never installed: the host kernel stays untouched.
root=$cache/$KVER
if [ ! -e "$root/boot/vmlinuz-$KVER" ]; then
	mkdir -p "$cache"
	pkg=linux-image-$KVER
	log "fetching $pkg"
	rm -f "$cache/${pkg}"_*.deb
	# apt-get download runs as the _apt user where it can; a root-owned
	# cache is fine, the warning about sandboxing is harmless.
	if ! (cd "$cache" && apt_get download "$pkg"); then
		[ $updated -eq 1 ] && die "apt-get download $pkg failed"
		apt_get update
		(cd "$cache" && apt_get download "$pkg") || die "apt-get download $pkg failed"
	fi
	tmp=$(mktemp -d "$cache/.x.XXXXXX")
	dpkg -x "$cache/${pkg}"_*.deb "$tmp"
	# The package ships no modules.dep (postinst makes it); modprobe and
	# mkinitramfs.sh's dependency walk need one.
	depmod -b "$tmp" "$KVER"
	rm -rf "$root"
	mv "$tmp" "$root"
	rm -f "$cache/${pkg}"_*.deb
fi

# The release a kernel image was built as.  A bzImage says so in its setup
# header (kernel_version at 0x20e points at the string, relative to 0x200);
# an uncompressed vmlinux (PVH boot) carries linux_banner in plain text.
kernel_release() {
	local off
	if [ "$(od -An -c -j $((0x202)) -N 4 "$1" | tr -d ' ')" = HdrS ]; then
		off=$(od -An -t u2 -j $((0x20e)) -N 2 "$1" | tr -d ' ')
		dd if="$1" bs=1 skip=$((off + 0x200)) count=128 status=none |
			tr '\0' '\n' | head -n 1 | cut -d' ' -f1
	else
		grep -a -o -m 1 'Linux version [^ ]*' "$1" | head -n 1 | cut -d' ' -f3
	fi
}

if [ -n "${KERNEL:-}" ]; then
	[ -r "$KERNEL" ] || die "KERNEL=$KERNEL is not readable"
	krel=$(kernel_release "$KERNEL" || true)
	[ "$krel" = "$KVER" ] ||
		log "warning: $KERNEL is release '${krel:-unknown}' but modules are for $KVER; zram may not load"
else
	KERNEL=$root/boot/vmlinuz-$KVER
fi

printf 'KVER=%q\nKDIR=%q\nKERNEL=%q\nMODROOT=%q\nVM_BUILD=%q\n' \
	"$KVER" "$KDIR" "$KERNEL" "$root" "$build"
