#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Every relative link of README.md and docs/*.md resolves: the file exists
# in the tree and, for FILE#anchor, FILE is Markdown with a heading whose
# GitHub anchor is that.  Prints "ok - ..." or "not ok - ..." per document
# and per broken link, last "N passed, M failed"; exits 1 if any failed.
#
# Usage: tests/unit/doc-links.sh [FILE.md...]
#   FILEs relative to the current directory; default README.md docs/*.md of
#   this tree.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -eq 0 ]; then
	cd "$top" || exit 2
	set -- README.md docs/*.md
fi
exec python3 - "$@" <<'EOF'
import os, re, sys

def slug(text, seen):
    # GitHub's: markup dropped, lower case, punctuation but - and _ removed,
    # spaces to hyphens; a repeated heading gets -1, -2...
    t = re.sub(r'`|\*\*|\*', '', text)
    t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = t.strip().lower()
    t = re.sub(r'[^\w\- ]', '', t)
    t = t.replace(' ', '-')
    n = seen.get(t, 0)
    seen[t] = n + 1
    return t if n == 0 else '%s-%d' % (t, n)

def anchors(path):
    seen, out, fence = {}, set(), False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('```'):
                fence = not fence
                continue
            m = None if fence else re.match(r'(#{1,6})\s+(.*?)\s*#*\s*$', line)
            if m:
                out.add(slug(m.group(2), seen))
            for a in re.findall(r'<a\s+(?:id|name)="([^"]+)"', line):
                out.add(a)
    return out

def links(path):
    fence = False
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if line.startswith('```'):
                fence = not fence
                continue
            if fence:
                continue
            line = re.sub(r'`[^`]*`', '', line)
            for target in re.findall(r'\]\(([^)\s]+)\)', line):
                yield n, target

passed = failed = 0
cache = {}
for doc in sys.argv[1:]:
    bad = 0
    for n, target in links(doc):
        if re.match(r'[a-z][a-z0-9+.-]*:', target):
            continue                      # http:, mailto: ...
        file, _, frag = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(doc), file)) if file else doc
        why = None
        if not os.path.exists(dest):
            why = 'no such file'
        elif frag:
            if not dest.endswith('.md'):
                why = 'anchor into a file that is not Markdown'
            else:
                if dest not in cache:
                    cache[dest] = anchors(dest)
                if frag not in cache[dest]:
                    why = 'no heading with that anchor'
        if why:
            print('not ok - %s:%d: link %s: %s' % (doc, n, target, why))
            bad += 1
    if bad:
        failed += 1
    else:
        print('ok - %s: every relative link resolves' % doc)
        passed += 1
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
EOF
