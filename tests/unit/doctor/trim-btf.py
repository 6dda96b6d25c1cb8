#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Cuts a "bpftool btf dump file vmlinux format raw" down to what the
# prototypes of module/uapi/swapscope.h's SS_PROBES and SS_PROBES_NR
# symbols refer to (those a kernel has).
#
#   trim-btf.py FULL-DUMP > debian-6.1/btf.txt
#
# Lines are kept as bpftool wrote them, type ids included: the FUNCs, their
# FUNC_PROTOs and every type a return value or parameter goes through, down
# to the first struct, union, enum, integer or forward declaration (kept
# with its member lines, whose types are not followed).
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))
import mkfixtures  # noqa: E402  (the header's tables)

FOLLOW = {'PTR', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPEDEF', 'TYPE_TAG',
          'ARRAY', 'FUNC', 'FUNC_PROTO'}


def main():
    if len(sys.argv) != 2:
        print('usage: trim-btf.py FULL-DUMP', file=sys.stderr)
        return 2
    blocks, kind, refs, funcs = {}, {}, {}, {}
    cur = None
    for line in open(sys.argv[1]):
        m = re.match(r"\[(\d+)\] (\S+) '([^']*)'(.*)", line)
        if m:
            cur = int(m[1])
            kind[cur] = m[2]
            blocks[cur] = [line]
            refs[cur] = [int(x) for x in
                         re.findall(r' (?:ret_)?type_id=(\d+)', m[4])]
            if m[2] == 'FUNC':
                funcs.setdefault(m[3], []).append(cur)
        elif cur is not None:
            blocks[cur].append(line)
            if kind[cur] == 'FUNC_PROTO':
                refs[cur] += [int(x) for x in re.findall(r' type_id=(\d+)', line)]
    keep, todo = set(), []
    for _, _, sym, _ in mkfixtures.PROBE_ROWS:
        todo += funcs.get(sym, [])
    for _, sym, _, _ in mkfixtures.PROBE_NR_ROWS:
        todo += funcs.get(sym, [])
    while todo:
        t = todo.pop()
        if t in keep or t not in blocks:
            continue
        keep.add(t)
        if kind[t] in FOLLOW:
            todo += refs[t]
    for t in sorted(keep):
        sys.stdout.write(''.join(blocks[t]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
