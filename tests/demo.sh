#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# swapscope: `make demo` — build, boot Debian's kernel in QEMU, load the
# module, run the scenarios and show what swapscope saw; for each kernel
# of SS_KERNELS (default: every supported one, "6.1 6.12") in turn, or the
# one of KDIR.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

make -s -C "$top/userspace" STATIC=1 >/dev/null
make -s -C "$top/tests/scenarios" >/dev/null

# demo_kernel: one boot of the kernel setup.sh picks from the environment.
demo_kernel() {
	local env mods
	env=$("$top/tests/vm/setup.sh") || return 1
	eval "$env"
	export KVER KDIR KERNEL MODROOT VM_BUILD SS_KERNEL
	mods=$top/build/$KVER
	# The build's chatter only when it fails.
	mkdir -p "$mods"
	"$top/tests/vm/build-modules.sh" "$mods" swapscope >"$mods/demo-build.log" 2>&1 ||
		{ cat "$mods/demo-build.log" >&2; return 1; }
	echo "=== swapscope on Debian's $KVER"
	# The guest test runner prints the CLI's view of the run as "# demo:" lines.
	"$top/tests/vm/run.sh" --ko "$mods/swapscope.ko" \
		--cli "$top/userspace/swapscope" \
		--scenarios "$top/tests/scenarios/bin" |
		sed -n 's/^# demo: \{0,1\}//p; /^not ok/p; /^ok - guest kernel log/p'
}

rc=0
if [ -n "${KDIR:-}" ]; then
	demo_kernel || rc=1
else
	kernels=${SS_KERNELS:-$("$top/tests/vm/setup.sh" --list)}
	# shellcheck disable=SC2086 # a list
	set -- $kernels
	if [ -n "${KERNEL:-}" ] && [ $# -ne 1 ]; then
		echo "demo.sh: KERNEL=$KERNEL boots one kernel: set SS_KERNELS to its series" >&2
		exit 2
	fi
	first=1
	for k in $kernels; do
		[ $first = 1 ] || echo
		first=0
		(SS_KERNEL=$k VM_BUILD=${VM_BUILD:-$top/build/vm}/$k demo_kernel) || rc=1
	done
fi
exit $rc
