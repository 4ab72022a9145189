#!/bin/bash
# ksplice-objdiff: a __LINE__ that only moved is not a change, decided
# exactly: when the line map says a difference may be a moved line,
# objdiff asks (exit 10, need-builds) for the objects built with
# __LINE__ pinned, and a difference that remains there is a change.  A
# literal that happens to move like a line number is a change.
. "$(dirname "$0")/objdiff/lib.sh"

PIN=$KSPLICE_ROOT/create/lib/pin-line.h
# compile_pinned NAME: $T/NAME-{pre,post}-pinned.o
compile_pinned() {
	gcc $CFLAGS_OBJ -include "$PIN" -o "$T/$1-pre-pinned.o" "$SRC/$1-pre.c" &&
		gcc $CFLAGS_OBJ -include "$PIN" -o "$T/$1-post-pinned.o" "$SRC/$1-post.c" ||
		fail "gcc -include pin-line.h $1"
}
# objdiff_pinned NAME MAP: objdiff with the pinned objects in the manifest
objdiff_pinned() {
	objdiff "$1" "$2" "pinned-pre=$T/$1-pre-pinned.o" "pinned-post=$T/$1-post-pinned.o"
}

# 1. a comment moves late() down one line
compile line
printf '1 6 0\n7 11 1\n' >"$T/line.map"
objdiff line "$T/line.map"
[ "$rc" = 10 ] || { show line; fail "line shift: exit $rc, expected 10"; }
[ "$(cat "$T/line.out/need-builds")" = "pinned test/line.o" ] ||
	{ show line; fail "need-builds does not list test/line.o"; }
[ ! -e "$T/line.out/helper.c" ] || fail "sources written with exit 10"
compile_pinned line
objdiff_pinned line "$T/line.map"
[ "$rc" = 5 ] || { show line; fail "line-only shift, pinned: exit $rc, expected 5"; }

# without the line map a moved line is a change: no pinned build asked
objdiff line
[ "$rc" = 0 ] || { show line; fail "line shift without LINEMAP: exit $rc, expected 0"; }
[ "$(cat "$T/line.out/changes")" = "changed test/line.o late" ] ||
	{ show line; fail "expected only 'late' changed"; }

# a map that moves the line by the wrong amount does not excuse it
printf '1 6 0\n7 11 2\n' >"$T/line-bad.map"
objdiff line "$T/line-bad.map"
[ "$rc" = 0 ] || { show line; fail "wrong LINEMAP: exit $rc, expected 0"; }

# 2. a comment added above, and a constant changed by exactly the line
# shift: the pinned objects still differ, so it is a change
compile lineconst
printf '1 2 0\n3 99 1\n' >"$T/lineconst.map"
objdiff lineconst "$T/lineconst.map"
[ "$rc" = 10 ] || { show lineconst; fail "lineconst: exit $rc, expected 10"; }
compile_pinned lineconst
objdiff_pinned lineconst "$T/lineconst.map"
[ "$rc" = 0 ] || { show lineconst; fail "constant moved like a line: exit $rc, expected 0"; }
[ "$(cat "$T/lineconst.out/changes")" = "changed test/lineconst.o limit" ] ||
	{ show lineconst; fail "expected only 'limit' changed"; }
exit 0
