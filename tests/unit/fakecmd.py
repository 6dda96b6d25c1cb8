#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Plays one of the module's command files (pagemap, audit) on a FIFO, so
# the CLI's write-then-read can run against a recorded tree: a regular file
# would keep the command written over the result read back.
#
# Usage: fakecmd.py FIFO LOG MODE
#   Forever: read one command (the CLI's open, write, close), append it and
#   a newline to LOG, then serve the result (the CLI's open, read to EOF).
#   MODE is what is served:
#     file:PATH       the recorded content of PATH, whatever the command
#     pagemap:clean   a comparison of the "PID START END" written: every
#                     page present, pagemap agreeing
#     pagemap:p1      the same with the first 3 pages of each write swapped
#                     shmem that pagemap reports neither present nor swap
#                     (3 P1 violations, one page line and dropped=2)
#     pagemap:other   a comparison of another pid: as if another writer
#                     ran between the CLI's write and read
# The test creates FIFO with mkfifo first, and kills this when done; should
# it not, this ends itself after 10 minutes.
import signal
import sys

KEYS = ('pages present swap shmem_swapped migration markers p1_obs p1_viol '
        'p2_obs p2_viol p3_obs p3_viol p1_impact none unmapped huge other '
        'migration_held mismatches err').split()


def pagemap(cmd, how):
    pid, start, end = cmd.split()
    pid = int(pid) + (how == 'other')
    start, end = int(start, 0), int(end, 0)
    pages = (end - start) // 4096
    bad = min(3, pages) if how == 'p1' else 0
    v = dict(pages=pages, present=pages - bad, shmem_swapped=bad,
             p1_obs=bad, p1_viol=bad, p1_impact=bad, mismatches=bad)
    out = ('pagemap=done pid=%d start=0x%x end=0x%x ' % (pid, start, end) +
           ' '.join('%s=%d' % (k, v.get(k, 0)) for k in KEYS) + '\n')
    if bad:
        out += ('page addr=0x%x truth=shmem_swapped pagemap=0x80000000000000 '
                'present=0 swap=0 pte=0x0\n' % start)
    if bad > 1:
        out += 'dropped=%d\n' % (bad - 1)
    return out.encode()


def main():
    fifo, log, mode = sys.argv[1:4]
    signal.alarm(600)
    kind, _, arg = mode.partition(':')
    while True:
        with open(fifo, 'rb') as f:
            cmd = f.read()
        with open(log, 'ab') as f:
            f.write(cmd + b'\n')
        if kind == 'file':
            with open(arg, 'rb') as f:
                out = f.read()
        else:
            out = pagemap(cmd.decode(), arg)
        with open(fifo, 'wb') as f:
            f.write(out)


if __name__ == '__main__':
    main()
