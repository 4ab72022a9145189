#!/bin/bash
# ksplice-objdiff: a function-local static added by the patch renumbers
# the others ("calls.1" becomes "calls.2"); the differ pairs them with
# their pre versions, so only the patched function is reported changed,
# and the new code's records name the pre symbols (the running kernel's
# names).  A new writable static is carried, zeroed; a read-only one whose
# bytes differ is new data, never the old one with a new value.  Where the
# code moved too much to tell by use, the functions that use a static
# pair it.
. "$(dirname "$0")/objdiff/lib.sh"

# static_of OBJ FUNC BASE: the BASE.N static that FUNC of OBJ refers to
static_of() {
	objdump -r -j ".text.$2" "$1" | grep -o "\\.bss\\.$3\\.[0-9]*" |
		sed 's/^\.bss\.//' | sort -u
}

# compile_as NAME PRE POST: $T/NAME-{pre,post}.o from SRC/PRE.c, SRC/POST.c
compile_as() {
	gcc $CFLAGS_OBJ -o "$T/$1-pre.o" "$SRC/$2.c" || fail "gcc $2.c"
	gcc $CFLAGS_OBJ -o "$T/$1-post.o" "$SRC/$3.c" || fail "gcc $3.c"
}

# 1. only the patched function changed; its new static string is copied
compile renumber
pre_a=$(static_of "$T/renumber-pre.o" count_a calls)
post_a=$(static_of "$T/renumber-post.o" count_a calls)
pre_b=$(static_of "$T/renumber-pre.o" count_b calls)
post_b=$(static_of "$T/renumber-post.o" count_b calls)
[ -n "$pre_a" ] && [ -n "$pre_b" ] && [ "$pre_a" != "$post_a" ] &&
	[ "$pre_b" != "$post_b" ] ||
	fail "the compiler did not renumber the statics ($pre_a $post_a $pre_b $post_b)"
objdiff renumber
out=$T/renumber.out
[ "$rc" = 0 ] || { show renumber; fail "exit $rc, expected 0"; }
[ "$(grep -v '^data ' "$out/changes")" = "changed test/renumber.o patched" ] ||
	{ show renumber; fail "expected only 'patched' changed"; }
grep -qx "data test/renumber.o msg\.[0-9]*" "$out/changes" ||
	{ show renumber; fail "the new static string is not listed as new data"; }
grep -qx "  test/renumber.o: $post_b is pre's $pre_b (by use)" "$out/stdout" ||
	{ show renumber; fail "-v does not report $post_b as pre's $pre_b"; }
grep -q "patched, from a static string" <(sed -n 's/.*\.byte //p' \
	"$out/new-code.S" | tr ',' '\n' |
	while read -r b; do printf "\\x${b#0x}"; done) ||
	{ show renumber; fail "the new static string is not copied"; }
for s in $(nm "$T/renumber-post.o" | awk '$2 ~ /^[bdr]$/ { print $3 }'); do
	nm "$T/renumber-pre.o" | grep -q " $s\$" && continue
	! grep -q "\"$s\"" "$out/helper.c" "$out/new-desc.c" ||
		fail "post-only name $s in the generated sources"
done

# 2. a function after the new static changed too: its record for its
# renumbered writable static names the pre symbol
compile_as renumber2 renumber-pre renumber-changed-post
objdiff renumber2
out=$T/renumber2.out
[ "$rc" = 0 ] || { show renumber2; fail "changed too: exit $rc, expected 0"; }
[ "$(grep -v '^data ' "$out/changes" | sort | tr '\n' ' ')" = "changed test/renumber2.o count_a changed test/renumber2.o patched " ] ||
	{ show renumber2; fail "expected 'count_a' and 'patched' changed"; }
idx=$(grep -F "{ .name = \"$pre_a\", .object = \"test/renumber2.o\", .flags = KSPLICE_SYM_LOCAL | KSPLICE_SYM_NEEDED }," \
	"$out/helper.c" | sed -n 's/.*\/\* \([0-9]*\) \*\/$/\1/p')
[ -n "$idx" ] ||
	{ cat "$out/helper.c"; fail "no needed helper symbol named $pre_a"; }
grep -q "\.symbol = $idx, .type = KSPLICE_R_PC32 }" "$out/new-desc.c" ||
	{ cat "$out/new-desc.c"; fail "no record refers to $pre_a (symbol $idx)"; }
! grep -q "\"$post_a\", .object = \"test/renumber2.o\", .flags = KSPLICE_SYM_LOCAL | KSPLICE_SYM_NEEDED" \
	"$out/helper.c" || fail "the new code needs post's $post_a by name"

# 3. a new writable static: the new code carries it, zeroed
compile_as renumber3 renumber-pre renumber-newdata-post
objdiff renumber3
out=$T/renumber3.out
[ "$rc" = 0 ] || { show renumber3; fail "new static: exit $rc, expected 0"; }
seen=$(sed -n 's/^data test\/renumber3.o \(seen\.[0-9]*\)$/\1/p' "$out/changes")
[ -n "$seen" ] || { show renumber3; fail "the new static is not listed"; }
grep -q "\.section \.data\.ksplice\.[0-9]*,\"aw\"" "$out/new-code.S" &&
	grep -q "\.zero 4" "$out/new-code.S" ||
	{ cat "$out/new-code.S"; fail "no zeroed writable copy of $seen"; }
! grep -q "\"$seen\"" "$out/helper.c" ||
	fail "the new static $seen is looked up in the running kernel"

# 4. a function-local constant table with a new value: not the pre table
# (their bytes differ), so new data that the new code carries, and the
# function that reads it is replaced; the running table stays as it was
sed 's/{ 3, 1, 4, 1, 5, 9, 2, 6 }/{ 3, 1, 4, 1, 5, 9, 2, 7 }/' "$SRC/renumber-pre.c" \
	>"$T/renumber-table-post.c"
gcc $CFLAGS_OBJ -o "$T/renumber4-pre.o" "$SRC/renumber-pre.c" || fail "gcc renumber-pre.c"
gcc $CFLAGS_OBJ -o "$T/renumber4-post.o" "$T/renumber-table-post.c" || fail "gcc renumber-table-post.c"
objdiff renumber4
out=$T/renumber4.out
[ "$rc" = 0 ] || { show renumber4; fail "new table value: exit $rc, expected 0"; }
[ "$(grep -v '^data ' "$out/changes")" = "changed test/renumber4.o lookup" ] ||
	{ show renumber4; fail "expected only 'lookup' changed"; }
grep -qx "data test/renumber4.o table\.[0-9]*" "$out/changes" ||
	{ show renumber4; fail "the new table is not new data"; }
grep -q "bytes differ, not paired" "$out/stdout" ||
	{ show renumber4; fail "-v does not say why the tables are not paired"; }

# 5. a new function with a static of the same name, inlined into the one
# that had it: the pre counter is post's "count.0" or "count.1", told by
# the functions that use it; only bar's is new (else foo's state would
# start again from zero)
compile_as renumber5 renumber-users-pre renumber-users-post
objdiff renumber5
out=$T/renumber5.out
[ "$rc" = 0 ] || { show renumber5; fail "users: exit $rc, expected 0"; }
bars=$(objdump -r -j .text.bar "$T/renumber5-post.o" | grep -o '\.bss\.count\.[0-9]*' |
	sed 's/^\.bss\.//' | sort -u)
[ "$(grep '^data ' "$out/changes")" = "data test/renumber5.o $bars" ] ||
	{ show renumber5; fail "expected only bar's $bars as new data"; }
exit 0
