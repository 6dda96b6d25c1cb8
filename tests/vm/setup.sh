#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the VM test dependencies, pick the guest kernel and unpack it (and its headers where they are not installed); prints KEY=value lines for eval.
#
# Usage: eval "$(tests/vm/setup.sh)"
#        tests/vm/setup.sh --list    the supported series ("6.1 6.12")
# Env:   SS_KERNEL  the guest kernel, a Debian 12 series: 6.1 (default) or
#                   6.12, resolved to its current release through Debian's
#                   metapackage (linux-headers-amd64 for 6.1,
#                   linux-headers-6.12-amd64 for 6.12).  The module is built
#                   against that release's headers and the guest boots that
#                   release's image: both come from this one choice.
#        KDIR       kernel build dir the module is built against instead; its
#                   release picks the image (overrides SS_KERNEL)
#        KERNEL     bzImage to boot instead of Debian's (its modules must match KDIR)
#        MODROOT    with KDIR and KERNEL: the root its modules are installed
#                   under (MODROOT/lib/modules/KVER, from make modules_install
#                   INSTALL_MOD_PATH=MODROOT), for a kernel built from
#                   source; nothing is fetched for it
#        VM_BUILD   output directory (default: <repo>/build/vm/SERIES, e.g.
#                   build/vm/6.12: console.log, dmesg.log, initramfs)
#        VM_CACHE   unpacked kernel packages, one directory per release,
#                   shared by every VM_BUILD (default: <repo>/build/vm/cache)
# Headers: 6.1's are installed (linux-headers-amd64, /usr/src); 6.12's are
# not (the package depends on linux-image-6.12...: it would put a kernel in
# /boot), they are downloaded with the linux-kbuild and -common packages
# they need and unpacked beside the image, VM_CACHE/KVER/usr/src/....
# Prints KVER, KDIR, KERNEL, MODROOT (the unpacked image: boot/,
# lib/modules/), VM_BUILD and SS_KERNEL (the series).  Given its own output
# as environment it prints the same again.  Everything else goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VM_CACHE:-$top/build/vm/cache}
# The series swapscope supports, named once in the interface header
# (Kbuild, the Makefile and swapscope doctor read the same line); make
# check, demo and bench run each by default (SS_KERNELS).
supported=$(sed -n 's/^#define SWAPSCOPE_KERNELS[[:space:]]*"\(.*\)"$/\1/p' \
	"$top/module/uapi/swapscope.h" 2>/dev/null)
supported=${supported:-6.1 6.12}
# --list: print them and stop, before installing anything.
if [ "${1:-}" = --list ]; then
	echo "$supported"
	exit 0
fi

die() { echo "setup.sh: error: $*" >&2; exit 1; }
log() { echo "setup.sh: $*" >&2; }

sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: cannot install packages"
	sudo=sudo
fi
apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@" >&2; }
updated=0
apt_update() {
	[ $updated -eq 0 ] || return 0
	apt_get update
	updated=1
}
installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}
# install_missing PKG...: apt-get install those not installed yet.
install_missing() {
	local p missing=()
	for p in "$@"; do installed "$p" || missing+=("$p"); done
	[ ${#missing[@]} -gt 0 ] || return 0
	log "installing ${missing[*]}"
	apt_update
	apt_get install -y --no-install-recommends "${missing[@]}"
}

# --- host packages -------------------------------------------------------
# bpftrace: make bench's comparison (copied into its initramfs only).
# stress-ng: the third-party stress stage of make check (tests/vm/stressng.sh;
# mkinitramfs.sh copies it and its shared libraries into the guest).
# xz-utils: 6.12's modules are .ko.xz, unpacked into the initramfs.
# rsync: the kernel's selftests lib.mk installs a collection with it
# (tests/vm/kselftest.sh).
install_missing qemu-system-x86 busybox-static kmod cpio linux-headers-amd64 bpftool \
	linux-source-6.1 groff-base dkms bpftrace stress-ng xz-utils rsync

# --- kernel release ------------------------------------------------------
# utsrelease KDIR: the release modules built there are stamped with
# (vermagic).  Debian's headers put the upstream version (6.1.x) in
# kernel.release, so UTS_RELEASE first.
utsrelease() {
	local uts=$1/include/generated/utsrelease.h
	if [ -r "$uts" ]; then
		sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$uts"
	else
		cat "$1/include/config/kernel.release" 2>/dev/null
	fi
}
# series_of KVER: 6.1.0-57-amd64 -> 6.1, 6.12.118+deb12-amd64 -> 6.12.
series_of() { sed -n 's/^\([0-9]*\.[0-9]*\)[.-].*/\1/p' <<<"$1"; }

# The headers package of SERIES's current release, by its metapackage:
# linux-headers-SERIES-amd64 where Debian has one (6.12), else
# linux-headers-amd64 (6.1, Debian 12's default kernel).  Only a dependency
# of the series itself counts: "6.1." does not match 6.12's packages.
# $2 = "installed": read the installed metapackage (what the system headers
# are), else apt's candidate.
meta_headers() {
	local s=$1 how=$2 meta deps
	for meta in "linux-headers-$s-amd64" linux-headers-amd64; do
		if [ "$how" = installed ]; then
			installed "$meta" || continue
			deps=$(dpkg-query -W -f='${Depends}\n' "$meta" | tr ',|' '\n')
		else
			deps=$(apt-cache depends "$meta" 2>/dev/null |
				sed -n 's/^ *|\{0,1\}Depends: //p')
		fi
		deps=$(sed -n "s/^ *\(linux-headers-${s//./\\.}\.[^ ]*-amd64\)\( .*\)\{0,1\}$/\1/p" <<<"$deps" |
			head -n 1)
		[ -n "$deps" ] && { echo "$deps"; return 0; }
	done
	return 1
}

# unpack_headers KVER: linux-headers-KVER and the -common and linux-kbuild
# packages it depends on, unpacked into $cache/KVER; its Makefile (one
# absolute include of the -common tree) and the build/source links made to
# point into that root; the packages' other dependencies (gcc-12, pahole,
# libelf...) installed.  The headers directory is moved into place last:
# when it is there, the rest is.
unpack_headers() {
	local kver=$1 root=$cache/$1 dl tmp deb pkgs deps p
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	mapfile -t pkgs < <(echo "linux-headers-$kver"
		apt-cache depends "linux-headers-$kver" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: \(linux-\(headers-.*-common\|kbuild-.*\)\)$/\1/p' | sort -u)
	[ ${#pkgs[@]} -eq 3 ] ||
		{ rm -rf "$dl"; log "linux-headers-$kver: expected a -common and a linux-kbuild dependency, got: ${pkgs[*]:1}"; return 1; }
	log "fetching ${pkgs[*]}"
	# apt-get download runs as the _apt user where it can; a root-owned
	# cache is fine, the warning about sandboxing is harmless.
	(cd "$dl" && apt_get download "${pkgs[@]}") || { rm -rf "$dl"; return 1; }
	tmp=$dl/root
	deps=()
	for deb in "$dl"/*.deb; do
		dpkg -x "$deb" "$tmp"
		# "a (>= 1), b | c, linux-..." -> the first of each alternative,
		# the kernel's own packages (linux-image, linux-base...) left out.
		for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
			   sed 's/|.*//; s/(.*)//; s/:.*//; s/ //g' | grep -v '^linux-'); do
			deps+=("$p")
		done
	done
	install_missing "${deps[@]}"
	local hdr=usr/src/linux-headers-$kver
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$tmp/$hdr/Makefile"
	grep -q "^include $root/" "$tmp/$hdr/Makefile" ||
		{ rm -rf "$dl"; log "$hdr/Makefile: no 'include /usr/src/...' to rewrite"; return 1; }
	# build -> /usr/src/linux-headers-KVER, source -> ...-common: relative.
	for p in "$tmp/lib/modules/$kver"/{build,source}; do
		[ -L "$p" ] && ln -sfn "../../..$(readlink "$p")" "$p"
	done
	mkdir -p "$root/usr/src" "$root/usr/lib" "$root/lib/modules/$kver"
	for p in "$tmp"/usr/lib/* "$tmp"/usr/src/linux-kbuild-* "$tmp"/usr/src/linux-headers-*-common \
		 "$tmp/lib/modules/$kver"/{build,source}; do
		rm -rf "${root:?}/${p#"$tmp/"}"
		mv "$p" "$root/${p#"$tmp/"}"
	done
	rm -rf "${root:?}/$hdr"
	mv "$tmp/$hdr" "$root/$hdr"
	rm -rf "$dl"
}

# unpack_image KVER: Debian's linux-image-KVER unpacked into $cache/KVER,
# never installed: the host kernel and /boot stay untouched.
unpack_image() {
	local kver=$1 root=$cache/$1 pkg=linux-image-$1 dl tmp p
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	log "fetching $pkg"
	(cd "$dl" && apt_get download "$pkg") || { rm -rf "$dl"; return 1; }
	tmp=$dl/root
	dpkg -x "$dl/${pkg}"_*.deb "$tmp"
	# The package ships no modules.dep (postinst makes it); modprobe and
	# mkinitramfs.sh's dependency walk need one.
	depmod -b "$tmp" "$kver"
	mkdir -p "$root/lib/modules/$kver"
	# Beside the headers' build/source links, if they are there; boot/
	# last: mkinitramfs.sh and this script take it for a complete image.
	for p in "$tmp/lib/modules/$kver"/* "$tmp"/boot; do
		rm -rf "${root:?}/${p#"$tmp/"}"
		mv "$p" "$root/${p#"$tmp/"}"
	done
	rm -rf "$dl"
}

# One setup.sh at a time fetches into the cache (make check and a
# developer's run may share it).
mkdir -p "$cache"
exec 8>"$cache/.lock"
flock 8

# resolve SERIES: sets KVER and KDIR for it; with $1 = "offline", only from
# what is there already (installed headers, the cache).
resolve() {
	local s=$1 how=${2:-} hp d
	KVER='' KDIR=''
	if [ "$s" = 6.1 ]; then
		# Installed system-wide above; the installed metapackage names the
		# release (a newer candidate is not installed by this script).
		hp=$(meta_headers "$s" installed) || return 1
		KVER=${hp#linux-headers-}
		KDIR=/lib/modules/$KVER/build
		return 0
	fi
	if [ "$how" = offline ]; then
		d=$(for d in "$cache"/*/usr/src/linux-headers-"$s".*-amd64; do
			[ -d "$d" ] && echo "${d##*/linux-headers-}"; done | sort -V | tail -n 1)
		[ -n "$d" ] || return 1
		KVER=$d
	else
		hp=$(meta_headers "$s" candidate) || return 1
		KVER=${hp#linux-headers-}
	fi
	KDIR=$cache/$KVER/usr/src/linux-headers-$KVER
}

# fetch: what KVER still lacks in the cache: the image, and the headers
# when KDIR is to be the unpacked ones.
fetch() {
	local hk=$cache/$KVER/usr/src/linux-headers-$KVER
	if [ "$KDIR" = "$hk" ] && [ ! -d "$hk" ]; then
		unpack_headers "$KVER" || return 1
	fi
	[ -e "$cache/$KVER/boot/vmlinuz-$KVER" ] || unpack_image "$KVER"
}

if [ -n "${KDIR:-}" ]; then
	KVER=$(utsrelease "$KDIR")
	[ -n "$KVER" ] || die "cannot determine the kernel release from KDIR=$KDIR"
	# Headers already there: only the image may be missing.  A kernel
	# built from source (make matrix, make patched-demo) brings its own
	# image and modules (KERNEL, MODROOT): nothing to fetch.
	if [ -n "${KERNEL:-}" ] && [ -n "${MODROOT:-}" ] &&
	   [ -d "$MODROOT/lib/modules/$KVER" ]; then
		own_modroot=$MODROOT
	elif ! fetch; then
		apt_update
		fetch || die "cannot fetch linux-image-$KVER"
	fi
else
	series=${SS_KERNEL:-6.1}
	case " $supported " in
	*" $series "*) ;;
	*) die "SS_KERNEL=$series: not a supported series (one of: $supported)" ;;
	esac
	# apt's lists may be missing (a fresh machine) or stale (the release
	# they name gone from the archive): update once and resolve again.
	if ! { resolve "$series" && fetch; }; then
		apt_update
		if ! { resolve "$series" && fetch; }; then
			{ resolve "$series" offline && fetch; } ||
				die "SS_KERNEL=$series: cannot resolve or fetch its headers and image"
			log "warning: using the cached $KVER (apt cannot resolve SS_KERNEL=$series)"
		fi
	fi
fi
flock -u 8
[ -d "$KDIR" ] || die "KDIR=$KDIR is not a directory"
SS_KERNEL=$(series_of "$KVER")
root=${own_modroot:-$cache/$KVER}
build=${VM_BUILD:-$top/build/vm/$SS_KERNEL}

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

printf 'KVER=%q\nKDIR=%q\nKERNEL=%q\nMODROOT=%q\nVM_BUILD=%q\nSS_KERNEL=%q\n' \
	"$KVER" "$KDIR" "$KERNEL" "$root" "$build" "$SS_KERNEL"
