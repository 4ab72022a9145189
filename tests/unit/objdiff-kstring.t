#!/bin/bash
# ksplice-objdiff: a string literal of the new code that a replaced
# function already refers to (or the end of one) is taken from the running
# kernel, through a helper symbol that run-pre matching binds where that
# function's reference finds the string, so that a kernel structure which
# keeps the pointer (request_region()'s name) stays valid after an undo.
# So is a const char array of text that it has.  A literal only an
# unchanged function has, or a new one, is carried; and
# when the new code calls a function that keeps the names it is given
# (__request_region()), such a literal handed on keeps the module after an
# undo.
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

# probe()'s const char array too, by its name
tag=$(grep -F '{ .name = "tag", .object = "test/kstring.o", .flags = KSPLICE_SYM_LOCAL | KSPLICE_SYM_NEEDED },' \
	"$out/helper.c" | sed -n 's/.*\/\* \([0-9]*\) \*\/$/\1/p')
[ -n "$tag" ] || { cat "$out/helper.c"; fail "tag is not a needed symbol of the helper"; }
[ "$(grep -c "\.addend = 0, \.symbol = $tag, " "$out/new-desc.c")" = 2 ] ||
	{ cat "$out/new-desc.c"; fail "the new code does not take tag from the kernel"; }

# "only other\n" (an unchanged function's) and "a fresh name" are carried
[ "$(grep -c 'R_X86_64_32S, __ksplice_d0+' "$out/new-code.S")" = 2 ] ||
	{ cat "$out/new-code.S"; fail "expected two literals carried by the new code"; }
grep -q '^keep-module ' "$out/changes" &&
	{ show kstring; fail "claim() is not known to keep names, yet the module is kept"; }

# the same update through __request_region(): the carried literals keep it
for side in pre post; do
	sed 's/claim/__request_region/g' "$SRC/kstring-$side.c" >"$T/region-$side.c"
done
SRC=$T compile region
objdiff region
out=$T/region.out
[ "$rc" = 0 ] || { show region; fail "exit $rc, expected 0"; }
[ "$(grep '^keep-module ' "$out/changes" | sort | tr '\n' ' ')" = 'keep-module test/region.o "only.other." keep-module test/region.o fresh_tag ' ] ||
	{ show region; fail "the first carried literal handed on does not keep the module"; }
grep -qx 'test/region.o: the update hands on string "only.other.", which it carries, and calls __request_region, which keeps the names it is given: its module stays after an undo' \
	"$out/stdout" || { show region; fail "the reason is not printed"; }
grep -q '\.flags = KSPLICE_NEW_KEEP_MODULE' "$out/new-desc.c" ||
	fail "the new code is not flagged to stay loaded"
[ "$(grep -c 'KSPLICE_SYM_CONTENT' "$out/helper.c")" = 2 ] ||
	fail "the kernel's literals are no longer taken from the kernel"
exit 0
