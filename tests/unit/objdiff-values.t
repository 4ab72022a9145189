#!/bin/bash
# ksplice-objdiff: read-only data given a new value, its size kept: a
# table of string pointers and a table of numbers.  Nothing else changed
# in the source, and that is an update (not "no changes"); each new value is a copy in
# the new code (its new string carried too), the running object is a
# symbol the helper must find, and the old bytes the core checks leave
# out the relocated fields.
. "$(dirname "$0")/objdiff/lib.sh"

compile values
objdiff values
out=$T/values.out
[ "$rc" = 0 ] || { show values; fail "exit $rc, expected 0"; }
# (limit_of, whose reference to limits is compared by the bytes there,
# is replaced too: its new code reads the running limits all the same)
[ "$(grep -v '^changed test/values.o limit_of$' "$out/changes" | sort | tr '\n' ' ')" = "new-value test/values.o limits new-value test/values.o names " ] ||
	{ show values; fail "unexpected changes"; }
grep -q "name_of" "$out/changes" && { show values; fail "name_of is replaced"; }
D=$out/new-desc.c
for sym in names limits; do
	idx=$(sed -n "s/.*{ .name = \"$sym\", .object = \"test\/values.o\", .flags = KSPLICE_SYM_LOCAL | KSPLICE_SYM_NEEDED }.*\/\* \([0-9]*\) \*\/\$/\1/p" \
		"$out/helper.c")
	[ -n "$idx" ] || { cat "$out/helper.c"; fail "the helper does not look up $sym"; }
	grep -q "{ .symbol = $idx, .size = [0-9]*, .new_data = __ksplice_d[0-9]*,\$" "$D" ||
		{ cat "$D"; fail "no new value for $sym"; }
done
grep -q "\.size = 24, .new_data" "$D" && grep -q "\.size = 16, .new_data" "$D" ||
	{ cat "$D"; fail "the sizes are not those of the objects"; }
grep -q '\.values = values,' "$D" && grep -q '\.nr_values = ARRAY_SIZE(values),' "$D" ||
	{ cat "$D"; fail "struct ksplice_new does not name the values"; }
# limits: every byte checked, the old 40 among them
sed -n '/value[0-9]*_mask\[\] = {/,/};/p' "$D" | grep -q '0x00' ||
	{ cat "$D"; fail "no relocated field left out of the check"; }
grep -A3 '^/\* limits (test/values.o) \*/' "$D" | grep -q '0x28' ||
	{ cat "$D"; fail "the old value of limits is not what the core checks"; }
# the new string is carried with the new table
grep -q "ONE" <(sed -n 's/.*\.byte //p' "$out/new-code.S" | tr ',' '\n' |
	while read -r b; do printf "\\x${b#0x}"; done) ||
	{ cat "$out/new-code.S"; fail "the new string is not carried"; }
exit 0
