#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make matrix: the scenarios once per kernel, each in its own QEMU boot; one baseline per kernel; the rule x kernel table and its verdict changes.
#
# Usage: tests/matrix/run.sh [KERNEL...]
#   KERNEL  a Debian 12 series, 6.1 or 6.12 (named after it), NAME=SERIES,
#           or NAME=BZIMAGE:BUILDDIR for a kernel built from source:
#           BUILDDIR is its build tree (the module is built against it, its
#           modules are installed from it with make modules_install), BZIMAGE
#           the image to boot (usually BUILDDIR/arch/x86/boot/bzImage).
#           Default: $KERNELS, else "6.1 6.12".  The first is the reference.
# Env: KERNELS       the default list (make matrix KERNELS="...")
#      EXPECT        the expectations file (default tests/matrix/expected)
#      MATRIX_OUT    output directory (default build/matrix): NAME.baseline,
#                    NAME/ (the boot's console.log, dmesg.log, vm.log)
#      MATRIX_JSON   the JSON document (default build/matrix.json)
#      SWAPSCOPE     the host's swapscope for `matrix` (default: the tree's)
#      VM_TIMEOUT, SS_SCENARIO_TIMEOUT, QEMU_ACCEL: as for tests/vm/run.sh
# Prints per kernel "ok"/"not ok" lines (a boot that gives no baseline, a
# guest kernel log with an oops or a WARNING) and "#" lines (the boot's
# time, the scenarios that failed: their assertions hold the stock
# kernels' figures, they do not change the verdicts), then the table of
# `swapscope matrix`.  Exit: the matrix's status (0: no verdict change but
# the expected ones; 1: an unexpected change or an unmet expectation), 2
# when a kernel gave no baseline or on a usage or environment error.
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
vm=$top/tests/vm

die() { echo "matrix: error: $*" >&2; exit 2; }

[ $# -gt 0 ] || { read -r -a kargs <<<"${KERNELS:-6.1 6.12}"; set -- "${kargs[@]}"; }
[ $# -gt 0 ] || die "no kernels given"
expect=${EXPECT:-$here/expected}
[ -r "$expect" ] || die "expectations file $expect not readable"
out=${MATRIX_OUT:-$top/build/matrix}
json=${MATRIX_JSON:-$top/build/matrix.json}
# The guest's CLI is the tree's (static); the host's runs `matrix`: the
# tree's too unless SWAPSCOPE names another (an installed swapscope).
cli=$top/userspace/swapscope
hcli=${SWAPSCOPE:-$cli}
supported=$("$vm/setup.sh" --list)

# Parse every argument before booting anything: a typo is a usage error
# now, not after the first boot.
names=() kinds=() specs=()
for a in "$@"; do
	name=${a%%=*} spec=${a#*=}
	[ "$name" != "$a" ] || { name=$a spec=$a; }
	[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
		die "'$a': NAME must be letters, digits, '.', '_' or '-'"
	for n in "${names[@]}"; do
		[ "$n" != "$name" ] || die "'$a': kernel name $name given twice"
	done
	if [[ $spec == *:* ]]; then
		bz=${spec%%:*} bdir=${spec#*:}
		[ -r "$bz" ] || die "'$a': bzImage $bz not readable"
		{ [ -r "$bdir/Makefile" ] && [ -r "$bdir/.config" ]; } ||
			die "'$a': $bdir is not a configured kernel build tree (no Makefile or .config)"
		[ -r "$bdir/Module.symvers" ] ||
			die "'$a': $bdir has no Module.symvers: build its modules first (make modules)"
		kinds+=(source)
		specs+=("$(cd "$(dirname "$bz")" && pwd)/${bz##*/}:$(cd "$bdir" && pwd)")
	else
		case " $supported " in
		*" $spec "*) ;;
		*) die "'$a': $spec is not a supported Debian series ($supported) nor BZIMAGE:BUILDDIR" ;;
		esac
		kinds+=(series)
		specs+=("$spec")
	fi
	names+=("$name")
done

mkdir -p "$out"
# The guest's payload, kernel-independent; incremental when make check
# has built them already.
{ make -s -C "$top/userspace" STATIC=1 && make -s -C "$top/tests/scenarios"; } \
	>"$out/build.log" 2>&1 || { tail -n 20 "$out/build.log" >&2; die "building the CLI or the scenarios failed (see $out/build.log)"; }

rc_all=0
bases=() sources=()
for i in "${!names[@]}"; do
	name=${names[$i]} kind=${kinds[$i]} spec=${specs[$i]}
	kout=$out/$name
	rm -rf "$kout" "$out/$name.baseline"
	mkdir -p "$kout"
	t0=$(date +%s.%N)
	if [ "$kind" = series ]; then
		env=$(KDIR='' KERNEL='' MODROOT='' SS_KERNEL=$spec VM_BUILD=$kout \
			"$vm/setup.sh" 2>"$kout/setup.log")
	else
		bz=${spec%%:*} bdir=${spec#*:}
		# Its modules (zram...) for the initramfs, and its config where
		# Debian puts one (swapscope doctor reads it in the guest).
		mroot=$kout/modroot
		krel=$(make -s -C "$bdir" kernelrelease 2>/dev/null)
		if [ -z "$krel" ] ||
		   ! make -s -C "$bdir" modules_install INSTALL_MOD_PATH="$mroot" \
			INSTALL_MOD_STRIP=1 >"$kout/modules_install.log" 2>&1; then
			echo "not ok - matrix: $name: make modules_install from $bdir failed (see ${kout#"$top/"}/modules_install.log)"
			rc_all=2
			continue
		fi
		install -D -m 0644 "$bdir/.config" "$mroot/boot/config-$krel"
		env=$(KDIR=$bdir KERNEL=$bz MODROOT=$mroot VM_BUILD=$kout \
			"$vm/setup.sh" 2>"$kout/setup.log")
	fi || {
		echo "not ok - matrix: $name: tests/vm/setup.sh failed: $(tail -n 1 "$kout/setup.log")"
		rc_all=2
		continue
	}
	eval "$env"
	export KVER KDIR KERNEL MODROOT VM_BUILD SS_KERNEL
	# The module, in the directory make check builds it in for this
	# release (build/KVER): unchanged sources are not rebuilt.
	mods=$top/build/$KVER
	if ! "$vm/build-modules.sh" "$mods" swapscope >"$kout/module.log" 2>&1; then
		echo "not ok - matrix: $name: building swapscope.ko against $KDIR failed: $(grep -a -m 1 -E 'error|Error' "$kout/module.log")"
		rc_all=2
		continue
	fi
	t1=$(date +%s.%N)
	"$vm/run.sh" --ko "$mods/swapscope.ko" --cli "$cli" \
		--scenarios "$top/tests/scenarios/bin" --script "$vm/guest-matrix.sh" \
		>"$kout/vm.log" 2>&1
	t2=$(date +%s.%N)
	console=$kout/console.log
	sed -n '/^=====BASELINE-BEGIN=====$/,/^=====BASELINE-END=====$/p' "$console" |
		sed '1d;$d' >"$out/$name.baseline"
	secs=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.0f", b - a }')
	prep=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	if grep -aq '^=====BASELINE-END=====$' "$console" && grep -q '^rule=' "$out/$name.baseline"; then
		echo "ok - matrix: $name ($KVER): baseline of $(grep -c '^rule=' "$out/$name.baseline") rules"
	else
		echo "not ok - matrix: $name ($KVER): the boot gave no baseline (see ${console#"$top/"})"
		grep -a '^not ok' "$kout/vm.log" | head -n 5 | sed 's/^/# /'
		rm -f "$out/$name.baseline"
		rc_all=2
		continue
	fi
	# run.sh's check of the guest's kernel log (oops, BUG, WARNING).
	if grep -aq '^ok - guest kernel log is clean' "$kout/vm.log"; then
		echo "ok - matrix: $name: guest kernel log is clean"
	else
		echo "not ok - matrix: $name: $(grep -a -m 1 '^not ok - guest kernel log' "$kout/vm.log" || echo "guest kernel log not checked (see ${kout#"$top/"}/vm.log)")"
	fi
	grep -a '^# matrix: probe' "$kout/vm.log"
	failed=$(sed -n 's/^SCENARIOS-FAILED=//p' "$console" | tr -d '\r' | head -n 1)
	note=
	[ -z "$failed" ] || note=" (their assertions hold the stock kernels' figures; the verdicts are what this kernel did)"
	echo "# matrix: $name: $KVER, setup and module build $prep s, boot and scenarios $secs s; scenarios failed: ${failed:-none}$note"
	bases+=("$name=$out/$name.baseline")
	if [ "$kind" = series ]; then
		sources+=(--source "$name=Debian $KVER (linux-image-$KVER)")
	else
		sources+=(--source "$name=built from ${spec#*:} ($KVER)")
	fi
done

# A kernel without a baseline leaves no table worth reading.
[ "$rc_all" -eq 0 ] || { echo "# matrix: not every kernel gave a baseline: no table" >&2; exit 2; }

"$hcli" matrix --expect "$expect" "${sources[@]}" "${bases[@]}"
rc=$?
"$hcli" --json matrix --expect "$expect" "${sources[@]}" "${bases[@]}" >"$json.tmp"
jrc=$?
if [ "$jrc" -ne "$rc" ]; then
	echo "not ok - matrix: swapscope --json matrix exited $jrc, the table $rc" >&2
	rm -f "$json.tmp"
	exit 2
fi
mv "$json.tmp" "$json"
echo "# matrix: ${json#"$top/"}, baselines in ${out#"$top/"}/; exit $rc"
exit "$rc"
