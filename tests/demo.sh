#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# swapscope: `make demo` — build, boot Debian's kernel in QEMU, load the
# module, run the scenarios and show what swapscope saw.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/tests/vm/setup.sh" >/dev/null
make -s -C "$top" module >/dev/null
make -s -C "$top/userspace" STATIC=1 >/dev/null
make -s -C "$top/tests/scenarios" >/dev/null

# The guest test runner prints the CLI's view of the run as "# demo:" lines.
"$top/tests/vm/run.sh" --ko "$top/swapscope.ko" \
	--cli "$top/userspace/swapscope" \
	--scenarios "$top/tests/scenarios/bin" |
	sed -n 's/^# demo: \{0,1\}//p; /^not ok/p; /^ok - guest kernel log/p'
