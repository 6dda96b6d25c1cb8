# shellcheck shell=bash
# Sourced by tests/unit/run.sh ($ss, $top, $tmp, ok, not_ok): the CLI's
# help, its man page and docs/cli.md name the same commands, global
# options and options per command (cli-docs.py says what is missing
# where), and the comparison does fail when one of them lacks something.

cli_docs() {	# cli_docs MAN MD: cli-docs.py's lines, counted here
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done < <(python3 "$here/cli-docs.py" "$ss" "$1" "$2")
}
cli_docs "$top/userspace/swapscope.8" "$top/docs/cli.md"

# A man page without the audit command and without check's --allow-missed,
# a reference without events' --timeout and with a --bogus of stats: each
# is reported, and where it is missing.
mkdir -p "$tmp/cli-docs"
sed -e '/^\.B audit$/,/^\.TP$/{/^\.TP$/!d}' \
    -e 's/^\(\.BR check .*\)\[" \\-\\-allow\\-missed "\] /\1/' \
	"$top/userspace/swapscope.8" >"$tmp/cli-docs/swapscope.8"
sed -e 's/^\(    swapscope events .*\) \[--timeout SECS\]$/\1/' \
    -e 's/^    swapscope stats \[-a|--all\]$/    swapscope stats [-a|--all] [--bogus]/' \
	"$top/docs/cli.md" >"$tmp/cli-docs/cli.md"
python3 "$here/cli-docs.py" "$ss" "$tmp/cli-docs/swapscope.8" "$tmp/cli-docs/cli.md" \
	>"$tmp/cli-docs/out"
rc=$?
check "cli docs, broken copies: exit 1" rc_is 1
check "cli docs, broken copies: audit missing from the man page" \
	grep -qx "not ok - cli docs: commands: audit not in man page" "$tmp/cli-docs/out"
check "cli docs, broken copies: check's --allow-missed missing from the man page" \
	grep -qx "not ok - cli docs: options of check: --allow-missed not in man page" "$tmp/cli-docs/out"
check "cli docs, broken copies: events' --timeout missing from docs/cli.md" \
	grep -qx "not ok - cli docs: options of events: --timeout not in docs/cli.md" "$tmp/cli-docs/out"
check "cli docs, broken copies: stats' --bogus in docs/cli.md only" \
	grep -qx "not ok - cli docs: options of stats: --bogus not in help; --bogus not in man page" "$tmp/cli-docs/out"
check "cli docs, broken copies: nothing else reported" \
	[ "$(grep -c '^not ok' "$tmp/cli-docs/out")" -eq 4 ]
