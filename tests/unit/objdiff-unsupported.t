#!/bin/bash
# ksplice-objdiff: exit 4 naming the function or data for changes it does
# not support: a new non-static function, a changed static initializer.
. "$(dirname "$0")/objdiff/lib.sh"

compile newfunc
objdiff newfunc
[ "$rc" = 4 ] || { show newfunc; fail "new function: exit $rc, expected 4"; }
grep -q "new function brand_new" "$T/newfunc.out/stderr" ||
	{ show newfunc; fail "message does not name brand_new"; }
[ -z "$(ls "$T/newfunc.out" | grep -v '^std')" ] || fail "files written on exit 4"

compile data
objdiff data
[ "$rc" = 4 ] || { show data; fail "changed data: exit $rc, expected 4"; }
grep -q "data table (section .data.table) changed" "$T/data.out/stderr" ||
	{ show data; fail "message does not name table"; }

# bad input: exit 1 with a message
echo "test/x.o /nonexistent.o /nonexistent.o -" >"$T/bad.manifest"
rc=0
"$OBJDIFF" --id x --release r --description-file "$T/description" \
	--symvers "$T/Module.symvers" --out "$T" "$T/bad.manifest" \
	2>"$T/bad.err" || rc=$?
[ "$rc" = 1 ] || fail "missing object: exit $rc, expected 1"
grep -q "/nonexistent.o" "$T/bad.err" || fail "message does not name the file"
rc=0
"$OBJDIFF" --id x 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "usage: exit $rc, expected 2"
exit 0
