#!/bin/bash
# ksplice-objdiff: a changed function body is found, and only that one;
# an identical pair gives exit 5 and writes nothing.  A weak function is
# flagged so in the helper.
. "$(dirname "$0")/objdiff/lib.sh"

compile body
objdiff body
[ "$rc" = 0 ] || { show body; fail "changed body: exit $rc, expected 0"; }
[ "$(cat "$T/body.out/changes")" = "changed test/body.o change" ] ||
	{ show body; fail "changes should list only 'change'"; }
for f in helper.c new-code.S new-desc.c; do
	[ -s "$T/body.out/$f" ] || fail "$f not written"
done
# the helper flags the changed function, not the other one
grep -A12 '.name = "change"' "$T/body.out/helper.c" |
	grep -q 'KSPLICE_SECT_REPLACED' || fail "change not flagged REPLACED"
grep -A12 '.name = "keep"' "$T/body.out/helper.c" |
	grep -q '.flags = 0' || fail "keep flagged"
grep -A12 '.name = "change"' "$T/body.out/helper.c" |
	grep -q 'KSPLICE_SECT_WEAK' && fail "change flagged WEAK"

# a weak function: flagged so (another object may override it)
for side in pre post; do
	sed 's/^int change(/__attribute__((weak)) int change(/' \
		"$SRC/body-$side.c" >"$T/weak-$side.c"
done
SRC=$T compile weak
objdiff weak
[ "$rc" = 0 ] || { show weak; fail "weak: exit $rc, expected 0"; }
grep -A12 '.name = "change"' "$T/weak.out/helper.c" |
	grep -q '.flags = KSPLICE_SECT_REPLACED | KSPLICE_SECT_WEAK,' ||
	{ cat "$T/weak.out/helper.c"; fail "the weak change is not flagged WEAK"; }
# exported callee: an ordinary relocation; the patch points at the new code
grep -q 'R_X86_64_PLT32, kstrtoint-4' "$T/body.out/new-code.S" ||
	fail "no relocation to kstrtoint in new-code.S"
grep -q '.new_code = __ksplice_f0' "$T/body.out/new-desc.c" ||
	fail "no patch in new-desc.c"

# same object twice: no changes
cp "$T/body-pre.o" "$T/same-pre.o"
cp "$T/body-pre.o" "$T/same-post.o"
objdiff same
[ "$rc" = 5 ] || { show same; fail "identical objects: exit $rc, expected 5"; }
grep -q "no changes detected" "$T/same.out/stdout" || fail "no message"
[ -z "$(ls "$T/same.out" | grep -v '^std')" ] || fail "files written on exit 5"
exit 0
