#!/bin/bash
# ksplice-objdiff: a string literal of the new code that a replaced
# function already refers to (or the end of one) is taken from the running
# kernel, through a helper symbol that run-pre matching binds where that
# function's reference finds the string, so that a kernel structure which
# keeps the pointer (request_region()'s name) stays valid after an undo.
# A literal only an unchanged function has, or a new one, is carried.
. "$(dirname "$0")/objdiff/lib.sh"

compile kstring
objdiff kstring
out=$T/kstring.out
[ "$rc" = 0 ] || { show kstring; fail "exit $rc, expected 0"; }
syms=$(grep 'KSPLICE_SYM_CONTENT' "$out/helper.c")
[ "$(wc -l <<<"$syms")" = 2 ] ||
	{ cat "$out/helper.c"; fail "expected two string symbols, got: $syms"; }
sym=$(grep -F '{ .name = "string \"probe %d.\"", .object = "test/kstring.o", .flags = KSPLICE_SYM_LOCAL | KSPLICE_SYM_NEEDED | KSPLICE_SYM_CONTENT },' <<<"$syms") ||
	fail "the string symbol is not named by its text and object: $syms"
n=$(sed -n 's/.*\/\* \([0-9]*\) \*\/$/\1/p' <<<"$sym")

# probe()'s reference binds it, at the string's start (not its section's:
# "probe starts\n" is before it), its bytes checked
grep -A1 "\.addend = 0, \.symbol = $n, " "$out/helper.c" |
	grep -q '\.content_len = 10, \.content_off = 0 }' ||
	{ cat "$out/helper.c"; fail "the binding reference does not check the whole string from its start"; }
[ "$(grep -c "\.symbol = $n, " "$out/helper.c")" = 1 ] ||
	fail "more than one reference of the helper binds the string"

# the new code: the literal twice, and its end "d\n" 7 bytes in
got=$(grep -o "\.addend = [0-9-]*, \.symbol = $n, " "$out/new-desc.c" |
	sed 's/, .symbol.*//; s/.addend = //' | tr '\n' ' ')
[ "$got" = "0 0 7 " ] ||
	{ cat "$out/new-desc.c"; fail "records of the string at '$got', expected '0 0 7 '"; }

# "only other\n" (an unchanged function's) and "a fresh name" are carried
[ "$(grep -c 'R_X86_64_32S, __ksplice_d0+' "$out/new-code.S")" = 2 ] ||
	{ cat "$out/new-code.S"; fail "expected two literals carried by the new code"; }
exit 0
