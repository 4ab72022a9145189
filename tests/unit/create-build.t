#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksplice-create builds pre and post objects in its scratch copy, hands
# them to ksplice-objdiff with the right line map, reports build failures
# with the compiler's error (exit 4), and leaves the scratch pristine,
# also after a run that died half way.
. "$(dirname "$0")/create-real-tree.sh"

# A stub ksplice-objdiff that keeps what it was given and finds nothing.
cat >"$T/objdiff" <<EOF
#!/bin/bash
mkdir -p "$T/seen"
for a in "\$@"; do last=\$a; done
cp "\$last" "$T/seen/manifest"
while read -r obj pre post map _opts; do
	cp "\$pre" "$T/seen/pre.o"; cp "\$post" "$T/seen/post.o"; cp "\$map" "$T/seen/map"
done <"\$last"
exit $(sed -n 's/^#define KSPLICE_EXIT_NO_CHANGES[[:space:]]*\([0-9]*\).*/\1/p' "$ROOT/ksplice-core/ksplice-format.h")
EOF
chmod +x "$T/objdiff"
export KSPLICE_OBJDIFF=$T/objdiff
PATCH=$ROOT/tests/patches/version.patch
# A stamp a second in the past (file times are as coarse as a clock tick):
# whatever is written into the tree from now on is newer.
touch -d '1 second ago' "$T/before"

create --patch="$PATCH" --id=t_build --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] && grep -q "no changes detected" "$T/err" || fail "want exit 5 from the stub"
grep -q "Building pre objects: fs/proc/version.o" "$T/out" || fail "pre step not announced"
grep -q "Building post objects: fs/proc/version.o" "$T/out" || fail "post step not announced"
read -r obj pre post map _opts <"$T/seen/manifest"
[ "$obj" = fs/proc/version.o ] || fail "manifest object: $obj"
cmp -s "$T/seen/pre.o" "$T/seen/post.o" && fail "pre and post objects are the same"
readelf -SW "$T/seen/pre.o" | grep -q '\.text\.version_proc_show' ||
	fail "pre object not built with -ffunction-sections"
grep -q Ksplice "$T/seen/pre.o" && fail "pre object has the patched string"
grep -q Ksplice "$T/seen/post.o" || fail "post object lacks the patched string"
[ "$(cat "$T/seen/map")" = "1 12 0
14 999999999 0" ] || fail "line map: $(cat "$T/seen/map")"

create -v --patch="$PATCH" --id=t_build --config="$CFG" "$SRC"
scratch=$(sed -n 's/^Scratch copy: //p' "$T/out")
[ -d "$scratch" ] || fail "-v does not name the scratch copy"
grep -q "Preparing scratch copy" "$T/out" && fail "scratch prepared a second time"
grep -q "^+ patch -p1" "$T/out" || fail "-v does not show commands"
cmp -s "$SRC/fs/proc/version.c" "$scratch/fs/proc/version.c" || fail "scratch not restored"
[ ! -e "$scratch/fs/proc/version.o" ] || fail "scratch keeps the post object"

# A run that died after patching the scratch: the next run restores it.
echo "garbage" >>"$scratch/fs/proc/version.c"
echo "src fs/proc/version.c" >>"$scratch/../touched"
sed 's/"Ksplice",/"Ksplice") oops;/' "$PATCH" >"$T/broken.patch"
create --patch="$T/broken.patch" --id=t_build --config="$CFG" "$SRC"
[ "$STATUS" = 4 ] || fail "broken patch: status $STATUS, want 4"
grep -q "the patch breaks the build" "$T/err" || fail "no 'breaks the build'"
grep -q "error: expected" "$T/err" || fail "compiler error not shown"
cmp -s "$SRC/fs/proc/version.c" "$scratch/fs/proc/version.c" || fail "scratch not restored"

# A patch that does not apply: exit 3, patch's words shown.
sed 's/utsname()->release,/utsname()->releas,/' "$PATCH" >"$T/stale.patch"
create --patch="$T/stale.patch" --id=t_build --config="$CFG" "$SRC"
[ "$STATUS" = 3 ] && grep -q "patch does not apply" "$T/err" &&
	grep -q "FAILED" "$T/err" || fail "stale patch"
[ ! -e "$T/run/ksplice-t_build.tar.gz" ] || fail "archive written"

# None of these runs wrote anything into the user's tree.
changed=$(find "$SRC" -newer "$T/before" -print -quit)
[ -z "$changed" ] || fail "ksplice-create wrote into the source tree: $changed"
exit 0
