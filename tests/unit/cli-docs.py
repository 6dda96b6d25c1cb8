#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Keeps the CLI's three descriptions in step: swapscope's help (the
command list of 'swapscope help', each 'swapscope help CMD' and
'swapscope CMD --help'), the man page (userspace/swapscope.8) and the
reference (docs/cli.md).  From each it extracts the global options, the
set of commands and, per command, the options its synopsis names, and
compares them, printing TAP-like 'ok -' / 'not ok -' lines that say what
is missing where.  Exit 0 when all agree, 1 when not, 2 on a source it
cannot read.

  cli-docs.py SWAPSCOPE MAN CLI_MD
"""
import re
import subprocess
import sys

OPT = re.compile(r'(?<![\w-])(--?[A-Za-z][A-Za-z-]*)')


def opts_of(text):
    """The options a synopsis names: --long and -s, not '--' alone."""
    return set(OPT.findall(text))


def from_help(ss):
    def run(*args):
        p = subprocess.run([ss, *args], capture_output=True, text=True)
        if p.returncode:
            raise RuntimeError('%s %s: exit %d: %s' % (ss, ' '.join(args),
                               p.returncode, p.stderr.strip()))
        return p.stdout

    top = run('help')
    cmds, glob, section = {}, set(), None
    for line in top.splitlines():
        if line.startswith('Commands'):
            section = 'cmds'
        elif line.startswith('Options'):
            section = 'opts'
        elif not line.strip() or not line.startswith('  '):
            if line and not line.startswith(' '):
                section = None
        elif section == 'cmds':
            cmds[line.split()[0]] = None
        elif section == 'opts':
            m = re.match(r'^\s+(-\S.*?)(\s{2,}|$)', line)
            if m:
                glob |= opts_of(m.group(1))
    mismatch = []
    for c in cmds:
        text = run('help', c)
        if run(c, '--help') != text:
            mismatch.append(c)
        usage = text.splitlines()[0]
        if not usage.startswith('Usage: swapscope %s' % c):
            raise RuntimeError('help %s: no "Usage: swapscope %s" line' % (c, c))
        cmds[c] = opts_of(usage[len('Usage: swapscope %s' % c):])
    return glob, cmds, mismatch


def man_text(line):
    """A man line's text: no macro, font escapes or quotes; \\- is -."""
    line = re.sub(r'^\.[A-Z]+\s*', '', line)
    line = re.sub(r'\\f[A-Z]', '', line)
    line = line.replace('\\-', '-').replace('\\(dq', '"').replace('"', '')
    return line


def from_man(path):
    lines = open(path).read().splitlines()
    glob, cmds, section = set(), {}, None
    for i, line in enumerate(lines):
        if line.startswith('.SH '):
            section = line[4:].strip()
            continue
        if line != '.TP' or i + 1 >= len(lines):
            continue
        head = man_text(lines[i + 1]).strip()
        if section == 'OPTIONS':
            glob |= opts_of(head)
        elif section == 'COMMANDS':
            # "enable | disable RULE": one entry for both
            words = re.sub(r'\s*\|\s*', '|', head).split()
            if not words:
                continue
            rest = ' '.join(words[1:])
            for n in words[0].split('|'):
                cmds[n] = opts_of(rest)
    return glob, cmds


def from_md(path):
    """docs/cli.md: '## Global options' with one '`-x`, `--xyz`' item a
    line, and per command a '### `NAME`' heading whose first code line
    '    swapscope NAME ...' (or in a ``` block) is its synopsis."""
    glob, cmds, section, cur = set(), {}, None, None
    for line in open(path).read().splitlines():
        m = re.match(r'^(#+)\s+(.*)$', line)
        if m:
            section, cur = m.group(2).strip(), None
            h = re.match(r'^`([a-z|]+)`$', section)
            if len(m.group(1)) == 3 and h:
                cur = h.group(1).split('|')
                for n in cur:
                    cmds.setdefault(n, None)
            continue
        if section and section.lower() == 'global options':
            m = re.match(r'^\|\s*(`-[^|]*)\|', line)
            if m:
                glob |= opts_of(m.group(1).replace('`', ' '))
            continue
        if cur:
            s = line.strip()
            m = re.match(r'^swapscope\s+(\S+)(.*)$', s)
            if m and m.group(1) in cur and cmds[m.group(1)] is None:
                cmds[m.group(1)] = opts_of(m.group(2))
    return glob, {c: o or set() for c, o in cmds.items()}


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    ss, man, md = sys.argv[1:]
    try:
        hg, hc, mismatch = from_help(ss)
        mg, mc = from_man(man)
        dg, dc = from_md(md)
    except (OSError, RuntimeError) as e:
        print('not ok - cli docs: %s' % e)
        return 2
    srcs = (('help', hg, hc), ('man page', mg, mc), ('docs/cli.md', dg, dc))
    bad = 0

    def report(what, sets):
        nonlocal bad
        every = set().union(*(s for _, s in sets))
        missing = ['%s not in %s' % (', '.join(sorted(every - s)), name)
                   for name, s in sets if every - s]
        if missing:
            bad += 1
            print('not ok - cli docs: %s: %s' % (what, '; '.join(missing)))
        else:
            print('ok - cli docs: %s: the same in help, man page and docs/cli.md (%s)'
                  % (what, ' '.join(sorted(every)) or 'none'))

    report('global options', [(n, g) for n, g, _ in srcs])
    report('commands', [(n, set(c)) for n, _, c in srcs])
    for c in sorted(set(hc) & set(mc) & set(dc)):
        report('options of %s' % c, [(n, cs[c]) for n, _, cs in srcs])
    if mismatch:
        bad += 1
        print('not ok - cli docs: "CMD --help" differs from "help CMD" for %s'
              % ', '.join(mismatch))
    else:
        print('ok - cli docs: "CMD --help" is "help CMD" for every command')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
