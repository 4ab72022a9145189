#!/bin/bash
# ksplice-objdiff: a __LINE__ that only moved (comment added above the
# function) is not a change when the line map says so; without the line
# map it is.
. "$(dirname "$0")/objdiff/lib.sh"

compile line
printf '1 6 0\n7 11 1\n' >"$T/line.map"
objdiff line "$T/line.map"
[ "$rc" = 3 ] || { show line; fail "line-only shift with LINEMAP: exit $rc, expected 3"; }

objdiff line
[ "$rc" = 0 ] || { show line; fail "line shift without LINEMAP: exit $rc, expected 0"; }
[ "$(cat "$T/line.out/changes")" = "changed test/line.o late" ] ||
	{ show line; fail "expected only 'late' changed"; }

# a map that moves the line by the wrong amount does not excuse it
printf '1 6 0\n7 11 2\n' >"$T/line-bad.map"
objdiff line "$T/line-bad.map"
[ "$rc" = 0 ] || { show line; fail "wrong LINEMAP: exit $rc, expected 0"; }
exit 0
