#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host packaging tests: `make install` / `make uninstall` into a DESTDIR,
# then dkms add/build/install/remove for the Debian headers the VM uses, and
# dkms and Kbuild refusing headers without CONFIG_KPROBES / CONFIG_DEBUG_FS.
#
# Usage: tests/install/check.sh
# Env:   KDIR, KVER  headers to build for (default: setup.sh's, for SS_KERNEL:
#                    6.1's installed headers, or 6.12's unpacked ones)
# Works on a copy of the sources (the tree's own build outputs, e.g. the
# static CLI the VM stage uses, stay untouched).  The dkms part needs root
# and dkms (setup.sh installs it); it touches /usr/src/swapscope-VERSION,
# /var/lib/dkms/swapscope and /lib/modules/KVER/updates/dkms, and leaves
# none of them behind.  It is skipped when swapscope is already registered
# with dkms on this machine.  A kernel whose headers are not installed here
# (6.12's, unpacked by setup.sh) has no /lib/modules/KVER, where dkms looks
# for the headers (build) and which it needs to install into: for the test
# that directory is made, with build pointing at KDIR, and removed after.
# Prints "ok - ", "not ok - ", "skip - " lines;
# exits 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
PATH=$PATH:/usr/sbin:/sbin

failed=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }
skip() { echo "skip - $*"; }
# check DESC COMMAND...: one test line, passing when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}
diag() { sed 's/^/# /'; }

if [ -z "${KDIR:-}" ] || [ -z "${KVER:-}" ]; then
	eval "$("$top/tests/vm/setup.sh")" || { notok "setup.sh failed"; exit 1; }
fi
KDIR=$(readlink -f "$KDIR")

tmp=$(mktemp -d)
cleanup_dkms=:
trap 'eval "$cleanup_dkms"; rm -rf "$tmp"' EXIT

# --- a clean copy of the sources --------------------------------------------
src=$tmp/src
mkdir -p "$src"
tar -C "$top" -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='*.cmd' --exclude='*.d' \
	--exclude=.build-flags --exclude=userspace/swapscope \
	Kbuild Makefile dkms.conf module userspace | tar -C "$src" -xf -

# vermagic_is FILE: the module is stamped for $KVER.
# shellcheck disable=SC2317 # called through check
vermagic_is() {
	[ "$(modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1)" = "$KVER" ]
}
# listed_in_dep ROOT PATH: ROOT's modules.dep for $KVER has PATH.
listed_in_dep() {
	grep -q "^$2:" "$1/lib/modules/$KVER/modules.dep" 2>/dev/null
}

# --- make install / make uninstall into a DESTDIR ----------------------------
# install_check NAME PREFIX-ARGS...: PREFIX-ARGS empty means the default.
install_check() {
	local name=$1 prefix=$2 dest=$tmp/dest-$1 log=$tmp/install-$1.log
	local ko=lib/modules/$KVER/updates/swapscope.ko
	local files=("$ko" "${prefix#/}/sbin/swapscope" "${prefix#/}/share/man/man8/swapscope.8")
	local args=(KDIR="$KDIR" DESTDIR="$dest")
	[ "$name" = default ] || args+=(PREFIX="$prefix")
	if ! make -C "$src" install "${args[@]}" >"$log" 2>&1; then
		notok "make install ($name prefix) failed"
		tail -n 20 "$log" | diag
		return
	fi
	local f missing=()
	for f in "${files[@]}"; do [ -f "$dest/$f" ] || missing+=("$f"); done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "make install DESTDIR ($name prefix $prefix): module, CLI and man page in place"
	else
		notok "make install DESTDIR ($name prefix $prefix): missing ${missing[*]}"
		find "$dest" -type f | diag
	fi
	check "make install: the module is stamped for $KVER" vermagic_is "$dest/$ko"
	check "make install: depmod -b DESTDIR lists updates/swapscope.ko in modules.dep" \
		listed_in_dep "$dest" updates/swapscope.ko
	check "make install: modprobe's lookup (modinfo -b DESTDIR -n) finds the installed module" \
		test "$(modinfo -b "$dest" -k "$KVER" -n swapscope 2>/dev/null)" = "$dest/$ko"
	local v
	v=$("$dest/${prefix#/}/sbin/swapscope" --version 2>&1)
	check "make install: the CLI runs (swapscope --version: $v)" \
		test "${v%% *}" = swapscope
	check "make install: the man page is userspace/swapscope.8" \
		cmp -s "$dest/${prefix#/}/share/man/man8/swapscope.8" "$src/userspace/swapscope.8"

	if ! make -C "$src" uninstall "${args[@]}" >"$log" 2>&1; then
		notok "make uninstall ($name prefix) failed"
		tail -n 20 "$log" | diag
		return
	fi
	# What may stay: the directories and the depmod output of the tree.
	local left
	left=$(cd "$dest" && find . -type f ! -path "./lib/modules/$KVER/modules.*")
	if [ -z "$left" ] && ! listed_in_dep "$dest" updates/swapscope.ko; then
		ok "make uninstall DESTDIR ($name prefix): every installed file gone, modules.dep without swapscope"
	else
		notok "make uninstall DESTDIR ($name prefix): left ${left:-swapscope in modules.dep}"
	fi
}
install_check default /usr/local
install_check usr /usr

# --- refusals without DKMS: Kbuild names the missing option ----------------
# doctor_headers DIR OPTION [keep-config]: a copy of the headers with OPTION
# unset in include/config/auto.conf (what Kbuild reads) and in .config (what
# dkms reads), or without .config at all.
doctor_headers() {
	local dir=$1 opt=$2 l
	cp -a "$KDIR" "$dir" || return 1
	# Debian's headers link scripts/ and tools/ relatively into /usr/lib.
	for l in "$dir"/*; do
		[ -L "$l" ] && ln -sfn "$(readlink -f "$KDIR/${l##*/}")" "$l"
	done
	sed -i "s/^$opt=y\$/# $opt is not set/" "$dir/include/config/auto.conf" "$dir/.config"
	if [ "${3:-}" != keep-config ]; then rm -f "$dir/.config"; fi
	! grep -q "^$opt=" "$dir/include/config/auto.conf"
}
nokp=$tmp/headers-nokprobes
nodbg=$tmp/headers-nodebugfs
doctor_headers "$nokp" CONFIG_KPROBES keep-config || notok "cannot doctor a copy of $KDIR"
doctor_headers "$nodbg" CONFIG_DEBUG_FS || notok "cannot doctor a copy of $KDIR"
for h in "$nokp:CONFIG_KPROBES" "$nodbg:CONFIG_DEBUG_FS"; do
	log=$tmp/kbuild-refusal.log
	if make -C "$src" module KDIR="${h%%:*}" >"$log" 2>&1; then
		notok "make module built against headers without ${h#*:}"
	elif grep -q "swapscope: kernel $KVER is built without ${h#*:}=y" "$log"; then
		ok "make module refuses headers without ${h#*:}, naming it"
	else
		notok "make module failed without ${h#*:} but not naming it"
		tail -n 5 "$log" | diag
	fi
done

# An unsupported series is refused by name before anything compiles: the
# headers' PATCHLEVEL overridden on the command line (make passes it down to
# Kbuild), as a kernel of series 6.6 would have it.
log=$tmp/kbuild-series.log
if make -C "$src" module KDIR="$KDIR" PATCHLEVEL=6 >"$log" 2>&1; then
	notok "make module built for a kernel of series 6.6"
elif grep -q "is not supported; swapscope supports Debian 12's 6.1 and 6.12 kernels (series 6.1 6.12)" "$log" &&
     ! grep -qE '^ +CC \[M\]|error:' "$log"; then
	ok "make module refuses an unsupported series (6.6) by name, before compiling anything"
else
	notok "make module for series 6.6: no refusal naming the supported kernels"
	tail -n 5 "$log" | diag
fi

# --- dkms ----------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	skip "dkms: not root"
	exit $failed
fi
if ! command -v dkms >/dev/null; then
	notok "dkms: not installed (tests/vm/setup.sh installs it)"
	exit 1
fi
# One dkms test at a time on this machine (other checkouts run make check too).
exec 9>/run/lock/swapscope-dkms-check.lock
flock 9
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf")
arch=$(uname -m)
moddir=/lib/modules/$KVER
dkko=$moddir/updates/dkms/swapscope.ko
if [ -n "$(dkms status swapscope 2>/dev/null)" ] || [ -e "/usr/src/swapscope-$ver" ] ||
   [ -e /var/lib/dkms/swapscope ]; then
	skip "dkms: swapscope is already registered with dkms here, not touching it"
	exit $failed
fi
# What this test must not leave: its own files, and what dkms creates on the
# way (depmod output in a module dir that had none, the MOK signing key).
pre=$(ls -d "$moddir"/modules.* /var/lib/dkms/mok.key /var/lib/dkms/mok.pub "$moddir/updates" 2>/dev/null)
# The stand-in for a kernel not installed here (see the header).
standin=0
if [ ! -e "$moddir" ]; then
	standin=1
	mkdir -p "$moddir"
	ln -s "$KDIR" "$moddir/build"
fi
cleanup_dkms='dkms_cleanup'
dkms_cleanup() {
	local f
	dkms remove "swapscope/$ver" --all >/dev/null 2>&1
	rm -rf "/usr/src/swapscope-$ver" /var/lib/dkms/swapscope
	for f in "$moddir"/modules.* /var/lib/dkms/mok.key /var/lib/dkms/mok.pub "$moddir/updates"; do
		[ -e "$f" ] || continue
		grep -qxF "$f" <<<"$pre" || rm -rf "$f"
	done
	if [ $standin = 1 ]; then
		rm -f "$moddir/build"
		rmdir "$moddir"
	fi
}
# shellcheck disable=SC2317 # called through check
not_in_dep() { ! grep -q swapscope "$moddir/modules.dep"; }
dlog=$tmp/dkms.log
# dkms_ok DESC ARGS...: dkms ARGS succeeds (its output in the log otherwise).
dkms_ok() {
	local desc=$1
	shift
	if dkms "$@" >"$dlog" 2>&1; then
		ok "$desc"
	else
		notok "$desc: dkms $* failed"
		tail -n 20 "$dlog" | diag
		return 1
	fi
}
# shellcheck disable=SC2317 # called through check
status_is() {
	local st
	st=$(dkms status "swapscope/$ver" -k "$KVER" 2>/dev/null)
	[ "${st##*: }" = "$1" ] || { echo "# dkms status: '$st', expected $1"; return 1; }
}

if dkms_ok "dkms add copies the tree to /usr/src/swapscope-$ver" add "$src"; then
	check "dkms add: /usr/src/swapscope-$ver has dkms.conf and the sources" \
		test -f "/usr/src/swapscope-$ver/dkms.conf" -a -f "/usr/src/swapscope-$ver/module/main.c"
	check "dkms status: added" status_is added

	# Refused before the build (BUILD_EXCLUSIVE_CONFIG): exit 77, dkms's
	# "should not be built" status, and nothing built.
	fake=$KVER-nokprobes
	dkms build "swapscope/$ver" -k "$fake" --kernelsourcedir "$nokp" >"$dlog" 2>&1
	rc=$?
	if [ $rc -eq 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$dlog" &&
	   [ ! -e "/var/lib/dkms/swapscope/$ver/$fake" ]; then
		ok "dkms build refuses headers without CONFIG_KPROBES (exit 77, BUILD_EXCLUSIVE_CONFIG)"
	else
		notok "dkms build without CONFIG_KPROBES: exit $rc"
		diag <"$dlog"
	fi
	# Headers without .config get past dkms; Kbuild stops in make.log.
	fake=$KVER-nodebugfs
	dkms build "swapscope/$ver" -k "$fake" --kernelsourcedir "$nodbg" >"$dlog" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ ! -e "/var/lib/dkms/swapscope/$ver/$fake/$arch/module" ] &&
	   grep -q "built without CONFIG_DEBUG_FS=y" "/var/lib/dkms/swapscope/$ver/build/make.log"; then
		ok "dkms build refuses headers without .config nor CONFIG_DEBUG_FS, make.log naming it (exit $rc)"
	else
		notok "dkms build without CONFIG_DEBUG_FS: exit $rc"
		diag <"$dlog"
	fi

	if dkms_ok "dkms build -k $KVER" build "swapscope/$ver" -k "$KVER"; then
		check "dkms build: the module is stamped for $KVER" \
			vermagic_is "/var/lib/dkms/swapscope/$ver/$KVER/$arch/module/swapscope.ko"
		check "dkms status: built" status_is built
	fi
	if dkms_ok "dkms install -k $KVER" install "swapscope/$ver" -k "$KVER"; then
		check "dkms install: $dkko stamped for $KVER" vermagic_is "$dkko"
		check "dkms install: modules.dep lists updates/dkms/swapscope.ko" \
			listed_in_dep / updates/dkms/swapscope.ko
		check "dkms install: modprobe's lookup (modinfo -k $KVER -n) finds it" \
			test "$(modinfo -k "$KVER" -n swapscope 2>/dev/null)" = "$dkko"
		check "dkms status: installed" status_is installed
	fi
	if dkms_ok "dkms remove --all" remove "swapscope/$ver" --all; then
		check "dkms remove: $dkko gone" test ! -e "$dkko"
		check "dkms remove: /var/lib/dkms/swapscope gone" test ! -e /var/lib/dkms/swapscope
		check "dkms remove: modules.dep without swapscope" \
			not_in_dep
		check "dkms status: nothing for swapscope" test -z "$(dkms status swapscope 2>/dev/null)"
	fi
fi
dkms_cleanup
cleanup_dkms=:
left=$(ls -d "/usr/src/swapscope-$ver" /var/lib/dkms/swapscope "$dkko" 2>/dev/null)
[ $standin = 0 ] || left+=$(ls -d "$moddir" 2>/dev/null)
post=$(ls -d "$moddir"/modules.* /var/lib/dkms/mok.key /var/lib/dkms/mok.pub "$moddir/updates" 2>/dev/null)
if [ -z "$left" ] && [ "$pre" = "$post" ]; then
	ok "dkms: nothing left behind in /usr/src, /var/lib/dkms or $moddir"
else
	notok "dkms: left behind: $left $(diff <(echo "$pre") <(echo "$post") | grep '^[<>]')"
fi
exit $failed
