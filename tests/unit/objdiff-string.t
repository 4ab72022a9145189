#!/bin/bash
# ksplice-objdiff: a changed string literal changes the function using it
# (compared by content), and the new code carries its own copy.
. "$(dirname "$0")/objdiff/lib.sh"

compile string
objdiff string
[ "$rc" = 0 ] || { show string; fail "exit $rc, expected 0"; }
[ "$(cat "$T/string.out/changes")" = "changed test/string.o hello" ] ||
	{ show string; fail "expected only 'hello' changed"; }
grep -q '__ksplice_d0' "$T/string.out/new-code.S" || fail "no data copy"
grep -q 'hello, there' <(grep -A3 '__ksplice_d0:' "$T/string.out/new-code.S" |
	sed -n 's/.*\.byte //p' | tr ',' '\n' |
	while read -r b; do printf "\\x${b#0x}"; done) ||
	fail "copied string is not the new one"
exit 0
