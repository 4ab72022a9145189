#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The patch reader: file lists, line maps (checked against the real new
# file line by line), default descriptions and --diffext patches.
. "$(dirname "$0")/create-fake-tree.sh"
PROG=test SELF_DIR=$ROOT/create
for lib in common patch; do
	. "$ROOT/create/lib/$lib.sh"
done

# Old file 1..60; new file: insertions, a deletion, a change, a line that
# looks like a header, and an append at the end.
seq 1 60 >"$T/old"
{
	echo top; seq 1 4; echo new1; echo new2; seq 5 9; seq 11 29
	echo changed30; seq 31 44; echo "--- not a header"; seq 45 60; echo tail
} >"$T/new"
mkdir -p "$T/a/x" "$T/b/x"
cp "$T/old" "$T/a/x/f.c"
cp "$T/new" "$T/b/x/f.c"
{
	printf 'Subject: [PATCH v2 1/3] x: fix f\n\nlonger text\n---\n'
	(cd "$T" && diff -U2 a/x/f.c b/x/f.c)
	printf -- '--- a/y/g.c\n+++ b/y/g.c\n@@ -1,1 +1,1 @@\n-1\n+one\n'
} >"$T/p"

[ "$(patch_files "$T/p")" = "modify x/f.c
modify y/g.c" ] || { patch_files "$T/p"; echo "FAIL: file list"; exit 1; }
[ "$(patch_description "$T/p")" = "x: fix f" ] || { echo "FAIL: description"; exit 1; }
printf '\n  Fix the frob.\n\ndiff -u a b\n' >"$T/p2"
[ "$(patch_description "$T/p2")" = "Fix the frob." ] || { echo "FAIL: description 2"; exit 1; }

patch_linemap "$T/p" x/f.c >"$T/map"
cat "$T/map"
# Every old line the map covers must equal the new file's line L+DELTA;
# every old line that survives must be covered.
awk -v oldf="$T/old" -v newf="$T/new" '
BEGIN {
	while ((getline l < oldf) > 0) old[++no] = l
	while ((getline l < newf) > 0) { new[++nn] = l; innew[l] = 1 }
}
{
	for (o = $1; o <= $2 && o <= no; o++) {
		covered[o] = 1
		if (old[o] != new[o + $3]) { print "bad map at", o; bad = 1 }
	}
}
END {
	for (o = 1; o <= no; o++)
		if (!covered[o] && innew[old[o]]) { print "not covered:", o; bad = 1 }
	exit bad
}' "$T/map" || { echo "FAIL: line map"; exit 1; }
[ "$(tail -n 1 "$T/map" | cut -d' ' -f2)" = 999999999 ] || { echo "FAIL: last run"; exit 1; }
[ "$(patch_linemap "$T/p" y/g.c)" = "2 999999999 0" ] || { echo "FAIL: map of g.c"; exit 1; }

# --diffext: the patch made from F.new files applies and reproduces them.
cp "$T/new" "$SRC/fs/proc/version.c.new"
patch_from_diffext "$SRC" new "$T/dx.patch"
[ "$(patch_files "$T/dx.patch")" = "modify fs/proc/version.c" ] ||
	{ echo "FAIL: diffext file list"; exit 1; }
cp -r "$SRC" "$T/copy"
patch -s -p1 -d "$T/copy" <"$T/dx.patch" && cmp "$T/copy/fs/proc/version.c" "$T/new" ||
	{ echo "FAIL: diffext patch"; exit 1; }
exit 0
