#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Writes the recorded debugfs trees under fixtures/ from module/uapi/swapscope.h.
#
# The names come from the header's X-macro tables (paths, phases, counters,
# probes, rules, verdicts) through the C preprocessor, so a new counter,
# probe or rule only needs a rerun (values for it: PROBE_VALUES, HEALTHY_RULES):
#   tests/unit/mkfixtures.py            rewrite fixtures/
#   tests/unit/mkfixtures.py --check    exit 1 if fixtures/ is out of date
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.path.join(HERE, '..', '..', 'module', 'uapi')


def cpp(src):
    cc = os.environ.get('CC', 'cc')
    return subprocess.run([cc, '-E', '-P', '-I', UAPI, '-'], input=src,
                          capture_output=True, text=True, check=True).stdout


def unquote(s):
    """A C string literal's value; anything else as it is."""
    if len(s) >= 2 and s[0] == s[-1] == '"':
        return re.sub(r'\\(.)', r'\1', s[1:-1])
    return s


def rows(macro, arity):
    """Every entry of an X-macro table of swapscope.h, each a list of its
    arguments as strings (string literals unquoted), in order."""
    args = ', '.join('a%d' % i for i in range(arity))
    body = ' '.join('#a%d' % i for i in range(arity))
    out = cpp('#include "swapscope.h"\n#define X(%s) @@ %s\n%s(X)\n'
              % (args, body, macro))
    lit = r'"(?:[^"\\]|\\.)*"'
    return [[unquote(unquote(w)) for w in re.findall(lit, chunk)]
            for chunk in out.split('@@')[1:]]


def table(macro, arity):
    """Names of an X-macro table of swapscope.h, in order."""
    return [r[1] for r in rows(macro, arity)]


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

PROBE_ROWS = rows('SS_PROBES', 4)	# id, name, symbol, kretprobe?
PROBE_NR_ROWS = rows('SS_PROBES_NR', 4)	# id, symbol, return type, parameters
RULES = rows('SS_RULES', 2)		# id, seed
VERDICTS = table('SS_VERDICTS', 2)

# Probe name -> (hits, maxactive) of the healthy tree; a probe added to the
# header later gets (1, 0) until someone records a value here.
PROBE_VALUES = {
    'zap': (120, 64), 'zap_single': (7, 0), 'zap_mapping': (12, 0),
    'fork': (3, 64), 'swapin': (256, 128), 'reclaim': (512, 128),
    'teardown': (40, 64), 'shmem_swap': (20, 64), 'rss': (3000, 0),
    'migrate': (2, 64), 'unmigrate': (2, 64),
}


def probe_lines():
    lines = []
    for _, name, sym, ret in PROBE_ROWS:
        hits, maxactive = PROBE_VALUES.get(name, (1, 0))
        line = ('probe=%s symbol=%s type=%s state=active hits=%d nmissed=0 '
                'maxactive=%d reason=-' % (name, sym,
                                           'kretprobe' if ret == '1' else 'kprobe',
                                           hits, maxactive if ret == '1' else 0))
        # an unknown key: readers must skip it
        if name == 'zap_mapping':
            line += ' future_key=1'
        lines.append(line)
    return lines


PROBES = probe_lines()


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


# --- rules and samples ------------------------------------------------------

# Stock Debian 6.1 after the scenarios: U3 and C1 diverge (neither proposal
# was merged there), C3 needs an API 6.1 lacks, the rules this version does
# not judge are disabled, S2 needs async writeback on a stable-writes device.
# rule -> (observations, violations, impact, enabled, reason[, unjudged]); a
# rule added to the header later is not-observed until someone records a
# value here.
NOT_IMPLEMENTED = (0, 0, 0, 0, 'not-implemented')
HEALTHY_RULES = {
    'Z1': (37, 0, 2, 1, '-'), 'Z2': (5, 0, 1, 1, '-'),
    'Z3': (40, 0, 0, 1, '-'), 'Z4': NOT_IMPLEMENTED,
    'F1': (260, 0, 0, 1, '-', 7), 'F2': (2, 0, 0, 1, '-'),
    'S1': (256, 0, 0, 1, '-'), 'S2': (0, 0, 0, 1, '-'),
    'S3': (16, 0, 0, 1, '-'), 'S4': NOT_IMPLEMENTED,
    'U1': (500, 0, 470, 1, '-'), 'U2': (512, 0, 37, 1, '-'),
    'U3': (23, 20, 20, 1, '-'),
    'P1': NOT_IMPLEMENTED, 'P2': NOT_IMPLEMENTED, 'P3': NOT_IMPLEMENTED,
    'C1': (20, 20, 20, 1, '-'), 'C2': NOT_IMPLEMENTED,
    'C3': (0, 0, 0, 0, 'no-batched-swap-duplicate'),
}
NOT_APPLICABLE = {'C3'}

# A test-module run (tests/inject) on a newer kernel: F1 and Z3 provoked,
# S2 disabled by hand, U1 disabled itself (tests/inject's big_folio_next),
# C1 gone upstream, and a rule this CLI does not know.
DEGRADED_RULES = dict(HEALTHY_RULES, **{
    'Z3': (41, 1, 0, 1, '-'), 'F1': (262, 2, 0, 1, '-'),
    'S2': (3, 0, 3, 0, '-'), 'U3': (23, 0, 0, 1, '-'),
    'U1': (480, 0, 450, 0, 'folio-larger-than-pmd'),
    'C1': (0, 0, 0, 0, 'no-swap-map-shmem'),
})
DEGRADED_NOT_APPLICABLE = {'C1', 'C3'}
# Rules that disabled themselves on an internal inconsistency (state=failed).
DEGRADED_FAILED = {'U1'}


def verdict(obs, viol, applicable):
    """rules.c's ss_verdict_of."""
    if not applicable:
        return 'not-applicable'
    return 'diverges' if viol else 'conforms' if obs else 'not-observed'


def state(rule, enabled, not_applicable, failed):
    """rules.c's ss_rule_state_of."""
    if rule in not_applicable:
        return 'not-applicable'
    if rule in failed:
        return 'failed'
    return 'enabled' if enabled else 'disabled'


def rule_line(rule, seed, values, not_applicable=(), failed=()):
    obs, viol, impact, enabled, reason = values[:5]
    unjudged = values[5] if len(values) > 5 else 0
    return ('rule=%s seed=%s verdict=%s observations=%d violations=%d '
            'impact=%d enabled=%d reason=%s state=%s unjudged=%d'
            % (rule, seed, verdict(obs, viol, rule not in not_applicable),
               obs, viol, impact, enabled, reason,
               state(rule, enabled, not_applicable, failed), unjudged))


def rules_lines(values=None, not_applicable=None, extra_key=False,
                failed=()):
    values = HEALTHY_RULES if values is None else values
    not_applicable = NOT_APPLICABLE if not_applicable is None else not_applicable
    lines = []
    for rule, seed in RULES:
        line = rule_line(rule, seed, values.get(rule, (0, 0, 0, 1, '-')),
                         not_applicable, failed)
        if extra_key and rule == RULES[0][0]:
            line += ' future_key=1'
        lines.append(line)
    return lines


def swap_pte(swp_type, offset):
    """x86-64 swp_entry_to_pte(): type in bits 59-63, offset inverted (L1TF)."""
    m = (1 << 64) - 1
    return ((~offset & m) << 14 & m) >> 5 | swp_type << 59


SHRINK = 'shrink_folio_list+0x5b1/0xc90,reclaim_folio_list+0x3d/0xd0'
PAGEOUT = SHRINK + (',reclaim_pages+0xb6/0x120,'
                    'madvise_cold_or_pageout_pte_range+0x1f3/0x5f0')
WRITEPAGE = ('shmem_writepage+0x1d3/0x3f0,pageout+0xd2/0x270,'
             'shrink_folio_list+0x8a4/0xc90')


def healthy_samples():
    """U3 then C1 for every shmem page 05-shmem paged out: 20 of each, the
    rings keep the last 8, so 12 of each were dropped."""
    u3, c1 = [], []
    for i in range(20):
        seq = 2 * i + 1
        if i < 12:
            continue
        u3.append('rule=U3 seq=%d pid=1234 comm=05-shmem addr=0x%x '
                  'pte_before=0x%x pte_after=0x0 kind=none '
                  'path=try_to_unmap_one caller=%s'
                  % (seq, 0x7f0000000000 + i * 0x1000,
                     0x8000000123456867 + (i << 12),
                     PAGEOUT if i == 12 else SHRINK))
        off = 4230 + i
        pte = swap_pte(0, off)
        c1.append('rule=C1 seq=%d pid=1234 comm=05-shmem addr=0x0 '
                  'pte_before=0x%x pte_after=0x%x kind=swap swp_type=0 '
                  'swp_offset=%d swap_count=191 path=swap_shmem_alloc '
                  'caller=%s' % (seq + 1, pte, pte, off, WRITEPAGE))
    # an unknown key: readers must skip it
    c1[-1] += ' future_key=1'
    return u3 + ['rule=U3 dropped=12'] + c1 + ['rule=C1 dropped=12']


FAULT = ('handle_mm_fault+0x1a5/0x3a0,do_user_addr_fault+0x1b3/0x620,'
         'exc_page_fault+0x70/0x170,asm_exc_page_fault+0x22/0x30')


def degraded_samples():
    """F1 twice (an exclusive bit set by tests/inject on a shared entry, seen
    by fork and by a swap-in), Z3 once with no caller frames left."""
    pte = swap_pte(1, 77) | 1 << 3	# _PAGE_SWP_EXCLUSIVE
    return [
        'rule=Z3 seq=3 pid=99 comm=ssinject addr=0x0 pte_before=0x0 '
        'pte_after=0x0 kind=none mm=99:ssinject vma=- count=rss_swapents '
        'expected=0 actual=-1 path=exit_mmap caller=-',
        'rule=F1 seq=1 pid=310 comm=02-fork addr=0x7f1234567000 '
        'pte_before=0x%x pte_after=0x%x kind=swap swp_type=1 swp_offset=77 '
        'path=copy_page_range caller=dup_mmap+0x3c5/0x6a0,'
        'dup_mm+0x61/0x140,copy_process+0x1a4e/0x1b30' % (pte, pte),
        'rule=F1 seq=2 pid=311 comm=02-fork addr=0x7f1234567000 '
        'pte_before=0x%x pte_after=0x8000000107654825 kind=swap swp_type=1 '
        'swp_offset=77 swap_count=2 path=do_swap_page caller=%s'
        % (pte, FAULT),
    ]


def fresh_rules():
    """Just loaded: nothing observed yet."""
    return rules_lines({r: (0, 0, 0, v[3], v[4])
                        for r, v in HEALTHY_RULES.items()})


HEALTH = ('nmissed=%d\nevents_dropped=%d\nwatch_full=0\nwalk_truncated=%d\n'
          'scope=none\nscope_skipped=0\nmemory_bytes=492344\n'
          'memory_percpu=28744\nmemory_vmalloc=294912\n'
          'memory_kretprobe=166128\n')


# --- pagemap and audit: what their files read back after a write ----------
# The CLI writes a command, then reads the file; the unit tests serve these
# through a FIFO (fakecmd.py), as the module would after that command.

PM_KEYS = ('pages present swap shmem_swapped migration markers p1_obs '
           'p1_viol p2_obs p2_viol p3_obs p3_viol p1_impact none unmapped '
           'huge other migration_held mismatches err').split()


def pagemap_summary(pid, start, end, extra='', **v):
    return ('pagemap=done pid=%d start=0x%x end=0x%x ' % (pid, start, end) +
            ' '.join('%s=%d' % (k, v.get(k, 0)) for k in PM_KEYS) + extra)


def pm_page(addr, truth, pme, pte):
    return ('page addr=0x%x truth=%s pagemap=0x%x present=%d swap=%d pte=0x%x'
            % (addr, truth, pme, pme >> 63 & 1, pme >> 62 & 1, pte))


PM_SOFT_DIRTY = 1 << 55
PM_SWAP = 1 << 62
PM_PRESENT = 1 << 63


def pagemap_healthy():
    """05-shmem's 256 shmem pages in swap on stock 6.1: pagemap reports
    them neither present nor swap (P1); the module lists 64."""
    start = 0x7f0000000000
    lines = [pagemap_summary(1234, start, start + 256 * 4096, pages=256,
                             shmem_swapped=256, p1_obs=256, p1_viol=256,
                             p1_impact=256, mismatches=256)]
    lines += [pm_page(start + i * 4096, 'shmem_swapped', PM_SOFT_DIRTY, 0)
              for i in range(64)]
    return lines + ['dropped=192']


def pagemap_degraded():
    """A migration entry and three uffd-wp markers reported as swap (P2,
    P3), a page reclaimed between the two reads (judged by no rule); a key
    and a line this CLI does not know."""
    start = 0x7f1234500000
    marker = 30 | 1 << 5	# frame: swp type 30 (marker), offset 1
    lines = [pagemap_summary(310, start, start + 256 * 4096,
                             ' future_key=1', pages=256, present=200,
                             swap=40, migration=2, markers=3, p2_obs=2,
                             p2_viol=1, p3_obs=3, p3_viol=3, none=11,
                             migration_held=1, mismatches=5)]
    lines.append(pm_page(start + 0x5000, 'migration',
                         PM_PRESENT >> 1 | 0x800000000bd6fd,
                         0xeff9ffffff429002))
    lines += [pm_page(start + (0x10 + i) * 4096, 'uffd_wp_marker',
                      PM_SWAP | 1 << 57 | marker, 0x402)
              for i in range(3)]
    lines.append(pm_page(start + 0x20000, 'present', 0, 0x8000000123456867))
    return lines + ['future thing=1']


AUDIT_KEYS = ('slots referenced leaks overcounts undercounts shmem_owned '
              'skipped_busy duration_ms devices mms shmem_inodes rechecked '
              'swap_map_shmem stray_refs dropped').split()


def audit_summary(**v):
    return 'audit=done ' + ' '.join('%s=%d' % (k, v.get(k, 0))
                                    for k in AUDIT_KEYS)


def audit_healthy():
    """Stock 6.1 with 05-shmem's pages and a forked child's in swap."""
    return [audit_summary(slots=512, referenced=512, shmem_owned=256,
                          duration_ms=8, devices=1, mms=17, shmem_inodes=3,
                          swap_map_shmem=256)]


def audit_degraded():
    """tests/inject's swp_clear_keepref (a leak), a slot counted once too
    often and 66 undercounted shmem slots: 68 bad, 64 listed."""
    lines = [audit_summary(slots=600, referenced=599, leaks=1, overcounts=1,
                           undercounts=66, shmem_owned=300, skipped_busy=2,
                           duration_ms=11, devices=2, mms=20, shmem_inodes=4,
                           rechecked=3, swap_map_shmem=300, stray_refs=1,
                           dropped=4) + ' future_key=1']
    lines.append('slot type=0 offset=49161 swap_map=0x01 count=1 ptes=0 '
                 'shmem=0 verdict=leak owner=-')
    lines.append('slot type=1 offset=77 swap_map=0x02 count=2 ptes=1 '
                 'shmem=0 verdict=overcount owner=310:02-fork@0x7f1234567000')
    lines += ['slot type=0 offset=%d swap_map=0xbf count=1 ptes=1 shmem=1 '
              'verdict=undercount owner=shmem:4242' % (5000 + i)
              for i in range(62)]
    return lines


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
    rules = text(rules_lines())
    samples = text(healthy_samples())
    trees = {
        'healthy': {'version': version + 'future_field=readers skip this\n',
                    'probes': healthy,
                    'stats': text(stats_lines(extra_key=True)),
                    'rules': text(rules_lines(extra_key=True)),
                    'samples': samples},
        'degraded': {'version': version, 'probes': text(degraded),
                     'stats': text(stats_lines()),
                     'rules': text(rules_lines(DEGRADED_RULES,
                                               DEGRADED_NOT_APPLICABLE,
                                               failed=DEGRADED_FAILED) +
                                   ['rule=Q1 seed=005 verdict=conforms '
                                    'observations=7 violations=0 impact=1 '
                                    'enabled=1 reason=-']),
                     'samples': text(degraded_samples()),
                     # the probes' 9 misses, 3 dropped events, 2 cut walks
                     'health': HEALTH % (9, 3, 2)},
        # just loaded: every rule not-observed, no samples
        'fresh': {'version': version, 'probes': healthy, 'stats': stats,
                  'rules': text(fresh_rules()), 'samples': ''},
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
        # line 6 (F2) lacks impact=
        'malformed-rules': {
            'version': version, 'probes': healthy, 'stats': stats,
            'rules': text(replace_in(rules_lines(), 'rule=F2 ',
                                     ' impact=0', ''))},
        # line 3 (Z3) has a verdict docs/rules.md does not know
        'rules-bad-verdict': {
            'version': version, 'probes': healthy, 'stats': stats,
            'rules': text(replace_in(rules_lines(), 'rule=Z3 ',
                                     'verdict=conforms', 'verdict=fine'))},
        'rules-missing-row': {
            'version': version, 'probes': healthy, 'stats': stats,
            'rules': text([l for l in rules_lines()
                           if not l.startswith('rule=S3 ')])},
        # line 2 has an address that is not hexadecimal
        'malformed-samples': {
            'version': version, 'probes': healthy, 'stats': stats,
            'rules': rules,
            'samples': text(replace_in(healthy_samples(), 'rule=U3 seq=27 ',
                                       'addr=0x7f000000d000',
                                       'addr=0x7f00zz00d000'))},
        # line 3 lacks caller=
        'samples-missing-key': {
            'version': version, 'probes': healthy, 'stats': stats,
            'rules': rules,
            'samples': text(replace_in(healthy_samples(), 'rule=U3 seq=29 ',
                                       ' caller=' + SHRINK, ''))},
        # a module from before the rules engine: no rules, no samples
        'old-module': {'version': version, 'probes': healthy, 'stats': stats},
        'version-no-abi': {
            'version': version.replace('abi=%d\n' % ABI, ''),
            'probes': healthy, 'stats': stats},
        # a future module: other abi, and records this CLI cannot read
        'wrong-abi': {
            'version': VERSION % (ABI + 1),
            'probes': healthy.replace('hits=', 'hitcount='),
            'stats': stats, 'rules': rules.replace('verdict=', 'state='),
            'samples': samples},
        # a mounted debugfs without swapscope/: pass root-no-module/swapscope
        'root-no-module': {'kprobes/enabled': '1\n', 'kprobes/list': ''},
        # pagemap line 3 lacks pte=, audit line 2 has a swap_map not hex
        'malformed-pagemap-audit': {
            'version': version, 'probes': healthy, 'stats': stats,
            'pagemap': text(replace_in(pagemap_healthy(), 'page addr=0x7f0000001000 ',
                                       ' pte=0x0', '')),
            'audit': text(audit_degraded()[:1] +
                          [audit_degraded()[1].replace('0x01', '0xzz')])},
    }
    # The command files: read back after a write (tests/unit/fakecmd.py).
    trees['healthy'].update(pagemap=text(pagemap_healthy()),
                            audit=text(audit_healthy()))
    trees['degraded'].update(pagemap=text(pagemap_degraded()),
                             audit=text(audit_degraded()))
    trees['fresh'].update(pagemap='pagemap=never\n', audit='audit=never\n')
    # Trees that break something else carry good rules and samples.
    for files in trees.values():
        if 'probes' in files and files is not trees['old-module']:
            files.setdefault('rules', rules)
            files.setdefault('samples', samples)
            files.setdefault('health', HEALTH % (0, 0, 0))
    return trees

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
