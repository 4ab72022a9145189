#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# create/lib/layout.sh: a struct whose size or member offsets change and
# an enumerator whose value changes are refused, each named with the
# object that uses it; a struct whose members only change names is not.
ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v pahole >/dev/null || fail "pahole is missing (make deps installs dwarves)"

PROG=ksplice-create
SELF_DIR=$ROOT/create
. "$ROOT/create/lib/common.sh"
. "$ROOT/create/lib/layout.sh"
EXIT_UNSUPPORTED=6
die() { echo "die $1: $2" >&2; exit "$1"; }

WORK=$T/work
mkdir -p "$WORK/pre/t" "$WORK/post/t"
gcc -g -O2 -c -o "$WORK/pre/t/layout.o" "$ROOT/tests/unit/layout/layout-pre.c" || fail "gcc pre"
gcc -g -O2 -c -o "$WORK/post/t/layout.o" "$ROOT/tests/unit/layout/layout-post.c" || fail "gcc post"

out=$(layout_check_one t/layout.o)
echo "$out"
grep -q "^struct grown changes its layout (size 8 -> 12, 2 -> 3 members), and t/layout.o uses it$" <<<"$out" ||
	fail "struct grown not reported"
grep -q "^struct moved changes its layout (size 8 -> 8, members moved), and t/layout.o uses it$" <<<"$out" ||
	fail "struct moved not reported"
grep -q "^enumerator ORDER_FIRST changes its value (0 -> 1), and t/layout.o uses it$" <<<"$out" ||
	fail "enumerator ORDER_FIRST not reported"
grep -q "kept" <<<"$out" && fail "struct kept (names only) reported"
[ "$(wc -l <<<"$out")" = 4 ] || fail "expected 4 lines"

rc=0
(layout_check t/layout.o) 2>"$T/err" || rc=$?
cat "$T/err"
[ "$rc" = 6 ] || fail "layout_check exit $rc, expected 6"
grep -q "the patch changes the layout of 4 type(s)" "$T/err" || fail "no summary"
# objects read in parallel: every one's changes are reported
rc=0
(JOBS=2 layout_check t/layout.o t/layout.o t/layout.o) 2>"$T/err" || rc=$?
[ "$rc" = 6 ] || fail "layout_check of three objects: exit $rc, expected 6"
grep -q "the patch changes the layout of 12 type(s)" "$T/err" || fail "not all three objects read"

# the same object on both sides: nothing
cp "$WORK/pre/t/layout.o" "$WORK/post/t/layout.o"
[ -z "$(layout_check_one t/layout.o)" ] || fail "an unchanged object reported"
exit 0
