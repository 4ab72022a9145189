#!/bin/bash
# An update made from a tree whose version_proc_show differs from the
# running kernel's (it returns 1, not 0) aborts with no_match naming the
# function and an offset, and changes nothing.  The update is made with
# --diffext, from a file next to the changed one.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

tree=$(mismatch_tree)
diff -u "$tree/fs/proc/version.c" "$tree/fs/proc/version.c.ksplice" >"$KSPLICE_TEST_TMP/mismatch.patch" || true
update=$(make_update mismatch "$KSPLICE_TEST_TMP/mismatch.patch" "$tree" -- --diffext=.ksplice)
tar -xOzf "$update" ksplice-mismatch/patch | grep -q '^+		"Ksplice",' ||
	{ echo "the update's patch is not the one made from the .ksplice file"; exit 1; }

guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
expect_fail_with no_match /tmp/apply.out ksplice-apply --raw-errors $update
grep -q "version_proc_show" /tmp/apply.out || fail "the report does not name version_proc_show"
grep -q "+0x[0-9a-f]" /tmp/apply.out || fail "the report does not give the differing offset"
expect_nothing_loaded mismatch
expect_no_core
expect_prefix /proc/version "Linux version "
echo "all good"
GUEST
run_guest "$guest"
