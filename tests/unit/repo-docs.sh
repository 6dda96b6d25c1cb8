# SPDX-License-Identifier: GPL-2.0 OR MIT
# The repository is its own reference: sourced by run.sh (its ok, not_ok,
# $top and $tmp).
#
# - No tracked file points outside the tree: not to a rules file that only
#   the project's authors had, not to a directory beside the checkout, not
#   to a path on the authors' machine.  The rules are docs/rules.md.  This
#   file holds the patterns (outside_refs) and so is not searched itself;
#   the planted example below is put together at run time.
# - Every relative link of README.md and docs/*.md resolves
#   (tests/unit/doc-links.sh), and README.md stays a front door (at most
#   250 lines) that opens with the real-machine quickstart.
# shellcheck shell=bash

# outside_refs FILE...: the lines of FILE... that point outside the tree.
outside_refs() {
	grep -nIE 'SPEC\.md|\bSPEC\b|\.\./(shared|seeds)\b|/work/' -- "$@" 2>/dev/null
}

if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t tracked < <(git -C "$top" ls-files | grep -v '^tests/unit/repo-docs\.sh$')
else
	mapfile -t tracked < <(cd "$top" && find . -type f ! -path './build/*' ! -path './.git/*' \
		! -name repo-docs.sh | sed 's|^\./||')
fi
refs=$(cd "$top" && outside_refs "${tracked[@]}")
if [ -z "$refs" ]; then
	ok "repository: none of its ${#tracked[@]} files points outside it (an out-of-tree rules file, a directory beside the checkout, the authors' machine)"
else
	not_ok "repository: $(printf '%s\n' "$refs" | wc -l) lines point outside it"
	printf '%s\n' "$refs" | head -n 20 | cut -c 1-160 | sed 's/^/#   /'
fi

# The check above can fail: a planted pointer to a rules file beside the
# checkout is found.
planted=$(printf '%s/%s/%s.md' .. shared SPEC)
printf 'see %s\n' "$planted" >"$tmp/outside.txt"
if outside_refs "$tmp/outside.txt" >/dev/null; then
	ok "repository: the outside-reference check finds a planted pointer beside the checkout"
else
	not_ok "repository: the outside-reference check misses a planted pointer beside the checkout"
fi

while IFS= read -r line; do
	case $line in
	"ok - "*) ok "docs: ${line#ok - }" ;;
	"not ok - "*) not_ok "docs: ${line#not ok - }" ;;
	esac
done < <("$top/tests/unit/doc-links.sh")

# A broken link and a missing anchor are caught.
mkdir -p "$tmp/docs-neg/docs"
printf '# t\n\n[a](docs/nope.md) [b](README.md#nowhere) [c](README.md#t)\n' >"$tmp/docs-neg/README.md"
neg=$(cd "$tmp/docs-neg" && "$top/tests/unit/doc-links.sh" README.md)
if [ "$(printf '%s\n' "$neg" | grep -c '^not ok - ')" -eq 2 ] &&
   printf '%s\n' "$neg" | grep -q 'docs/nope.md: no such file' &&
   printf '%s\n' "$neg" | grep -q 'README.md#nowhere: no heading'; then
	ok "docs: doc-links.sh reports a missing file and a missing anchor, and not a good anchor"
else
	not_ok "docs: doc-links.sh on a planted README with two broken links"
	printf '%s\n' "$neg" | sed 's/^/#   /'
fi

readme_lines=$(wc -l <"$top/README.md")
if [ "$readme_lines" -le 250 ]; then
	ok "README.md: $readme_lines lines (at most 250)"
else
	not_ok "README.md: $readme_lines lines, more than 250"
fi
first_h2=$(grep -m 1 '^## ' "$top/README.md")
if printf '%s' "$first_h2" | grep -qi 'quickstart'; then
	ok "README.md: its first section is the quickstart ($first_h2)"
else
	not_ok "README.md: its first section is '$first_h2', not the quickstart"
fi
