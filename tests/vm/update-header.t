#!/bin/bash
# A fix in a header (fs/notify/inotify/inotify.h): its inline function
# inotify_mark_user_mask() compiles into its callers.  ksplice-create
# finds the objects that read the header (the dependency index), rebuilds
# them and puts only those whose code changed into the update: here
# fs/notify/fdinfo.o's inotify_fdinfo, not the other readers.  Applied,
# the inotify fdinfo line reports the new mask; undone, the old one.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update inomask "$KSPLICE_ROOT/tests/patches/inotify-mask.patch")
contents=$(tar -xOzf "$update" ksplice-inomask/contents)
echo "$contents"
grep -q "^function fs/notify/fdinfo.o inotify_fdinfo$" <<<"$contents" ||
	{ echo "FAIL: inotify_fdinfo is not in the update"; exit 1; }
[ "$(grep -c '^function ' <<<"$contents")" = 1 ] ||
	{ echo "FAIL: the update replaces more than inotify_fdinfo"; exit 1; }

bin=$KSPLICE_TEST_TMP/bin
mkdir -p "$bin"
gcc -static -O2 -o "$bin/inowatch" "$KSPLICE_ROOT/tests/programs/inowatch.c" ||
	{ echo "FAIL: cannot build inowatch"; exit 1; }

guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
# mask: the mask the fdinfo line of a new watch reports
mask() {
	$bin/inowatch /tmp | sed -n 's/.* mask:\([0-9a-f]*\) .*/\1/p'
}
step "before"
before=\$(mask)
echo "mask \$before"
[ "\$before" = 300 ] || fail "mask \$before before the update, expected 300"
step "applied"
ksplice-apply $update || fail "ksplice-apply failed"
after=\$(mask)
echo "mask \$after"
[ "\$after" = 4000300 ] || fail "mask \$after with the update, expected 4000300"
step "undone"
ksplice-undo inomask || fail "ksplice-undo failed"
[ "\$(mask)" = 300 ] || fail "mask \$(mask) after undo"
expect_nothing_loaded inomask
echo "all good"
GUEST
run_guest "$guest" --add "$bin"
