#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Writes the recorded debugfs trees under fixtures/ from module/uapi/swapscope.h.
#
# The names come from the header's X-macro tables through the C
# preprocessor, so a new counter or path only needs a rerun:
#   tests/unit/mkfixtures.py            rewrite fixtures/
#   tests/unit/mkfixtures.py --check    exit 1 if fixtures/ is out of date
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.path.join(HERE, '..', '..', 'module', 'uapi')


def table(macro, arity):
    """Names of an X-macro table of swapscope.h, in order."""
    args = ', '.join('a%d' % i for i in range(arity))
    src = ('#include "swapscope.h"\n'
           '#define X(%s) @@ a1\n%s(X)\n' % (args, macro))
    cc = os.environ.get('CC', 'cc')
    out = subprocess.run([cc, '-E', '-P', '-I', UAPI, '-'], input=src,
                         capture_output=True, text=True, check=True).stdout
    return [w.split('"')[1] for w in out.split('@@')[1:]]


PATHS = table('SS_PATHS', 3)
PHASES = table('SS_PHASES', 2)
COUNTERS = table('SS_COUNTERS', 2)
ABI = int(subprocess.run(
    [os.environ.get('CC', 'cc'), '-E', '-P', '-I', UAPI, '-'],
    input='#include "swapscope.h"\n@@ SWAPSCOPE_ABI\n',
    capture_output=True, text=True, check=True).stdout.split('@@')[1])

VERSION = ('module=0.1.0\n'
           'abi=%d\n'
           'kernel=6.1.0-56-amd64\n'
           'kernel_version=#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2\n'
           'build=abc1234\n')

# A short swap workload.  device_*, hwpoison, swapin_error and unknown
# never occur, so "stats" hides those columns unless --all.
VALUES = {
    ('zap_full', 'before'): dict(calls=40, present=1200, swap=35,
                                 migration_read=2, none=5000,
                                 present_writable=800, present_anon=900,
                                 present_anon_exclusive=850,
                                 swap_exclusive=30, huge=1),
    ('zap_mapping', 'before'): dict(calls=12, present=64, swap=4,
                                    migration_write=1, none=300,
                                    present_writable=10, present_anon=4),
    ('fork', 'before'): dict(calls=3, present=300, swap=20, none=700,
                             present_writable=200, present_anon=280,
                             present_anon_exclusive=280, swap_exclusive=20),
    ('fork', 'after'): dict(calls=3, present=300, swap=20, none=700,
                            present_anon=280),
    ('swapin', 'before'): dict(calls=256, swap=256, swap_exclusive=240),
    ('swapin', 'after'): dict(calls=256, present=256, present_writable=200,
                              present_anon=256, present_anon_exclusive=240),
    ('reclaim', 'before'): dict(calls=512, present=512, present_anon=500,
                                present_anon_exclusive=470),
    ('reclaim', 'after'): dict(calls=512, swap=500, swap_exclusive=470,
                               uffd_wp_marker=3, none=9),
}

PROBES = [
    'probe=zap symbol=unmap_page_range type=kprobe state=active hits=120 nmissed=0 maxactive=0 reason=-',
    'probe=zap_single symbol=zap_page_range_single type=kprobe state=active hits=7 nmissed=0 maxactive=0 reason=-',
    # an unknown key: readers must skip it
    'probe=zap_mapping symbol=unmap_mapping_range type=kprobe state=active hits=12 nmissed=0 maxactive=0 reason=- future_key=1',
    'probe=fork symbol=copy_page_range type=kretprobe state=active hits=3 nmissed=0 maxactive=64 reason=-',
    'probe=swapin symbol=do_swap_page type=kretprobe state=active hits=256 nmissed=0 maxactive=128 reason=-',
    'probe=reclaim symbol=try_to_unmap_one type=kretprobe state=active hits=512 nmissed=0 maxactive=128 reason=-',
]


def stats_lines(extra_key=False):
    lines = []
    for path in PATHS:
        for phase in PHASES:
            v = VALUES.get((path, phase), {})
            line = 'path=%s phase=%s ' % (path, phase)
            line += ' '.join('%s=%d' % (c, v.get(c, 0)) for c in COUNTERS)
            if extra_key and (path, phase) == ('swapin', 'before'):
                line += ' future_counter=99'
            lines.append(line)
    return lines


def text(lines):
    return '\n'.join(lines) + '\n'


def replace_in(lines, prefix, old, new):
    out = list(lines)
    i = next(k for k, l in enumerate(out) if l.startswith(prefix))
    assert old in out[i]
    out[i] = out[i].replace(old, new)
    return out


def fixtures():
    """name -> {file: content}; each broken tree breaks one thing."""
    healthy = text(PROBES)
    stats = text(stats_lines())
    version = VERSION % ABI
    degraded = replace_in(PROBES, 'probe=zap_single',
                          'state=active hits=7', 'state=unavailable hits=0')
    degraded = replace_in(degraded, 'probe=zap_single', 'reason=-',
                          'reason=ENOENT')
    degraded = replace_in(degraded, 'probe=fork', 'nmissed=0', 'nmissed=2')
    degraded = replace_in(degraded, 'probe=swapin', 'nmissed=0', 'nmissed=7')
    degraded = replace_in(degraded, 'probe=reclaim',
                          'state=active hits=512 nmissed=0 maxactive=128 reason=-',
                          'state=unavailable hits=0 nmissed=0 maxactive=0 reason=not-in-kallsyms')
    return {
        'healthy': {'version': version + 'future_field=readers skip this\n',
                    'probes': healthy,
                    'stats': text(stats_lines(extra_key=True))},
        'degraded': {'version': version, 'probes': text(degraded),
                     'stats': text(stats_lines())},
        # line 2 lacks nmissed=
        'malformed-probes': {
            'version': version, 'stats': stats,
            'probes': text(replace_in(PROBES, 'probe=zap_single',
                                      ' nmissed=0', ''))},
        # line 3 has a bare word
        'malformed-syntax': {
            'version': version, 'stats': stats,
            'probes': text(replace_in(PROBES, 'probe=zap_mapping',
                                      'type=kprobe', 'kprobe'))},
        # swapin/after has a non-number
        'malformed-stats': {
            'version': version, 'probes': healthy,
            'stats': text(replace_in(stats_lines(), 'path=swapin phase=after',
                                     'present=256', 'present=25x6'))},
        'stats-missing-row': {
            'version': version, 'probes': healthy,
            'stats': text([l for l in stats_lines()
                           if not l.startswith('path=reclaim phase=after')])},
        'version-no-abi': {
            'version': version.replace('abi=%d\n' % ABI, ''),
            'probes': healthy, 'stats': stats},
        # a future module: other abi, and records this CLI cannot read
        'wrong-abi': {
            'version': VERSION % (ABI + 1),
            'probes': healthy.replace('hits=', 'hitcount='),
            'stats': stats},
        # a mounted debugfs without swapscope/: pass root-no-module/swapscope
        'root-no-module': {'kprobes/enabled': '1\n', 'kprobes/list': ''},
    }


def write(top):
    for name, files in fixtures().items():
        for rel, content in files.items():
            path = os.path.join(top, name, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(content)


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d))
               for d in cmp.common_dirs)


def main():
    dest = os.path.join(HERE, 'fixtures')
    if sys.argv[1:] == ['--check']:
        with tempfile.TemporaryDirectory() as tmp:
            write(tmp)
            if not os.path.isdir(dest) or not same_tree(tmp, dest):
                print('fixtures/ is out of date: run tests/unit/mkfixtures.py',
                      file=sys.stderr)
                return 1
        return 0
    if sys.argv[1:]:
        print('usage: mkfixtures.py [--check]', file=sys.stderr)
        return 2
    shutil.rmtree(dest, ignore_errors=True)
    write(dest)
    return 0


if __name__ == '__main__':
    sys.exit(main())
