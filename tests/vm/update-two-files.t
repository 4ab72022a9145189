#!/bin/bash
# One patch touching two .c files (fs/proc/version.c, kernel/sys.c): one
# update with two objects, both functions switched at once and both
# restored by one undo.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update two "$KSPLICE_ROOT/tests/patches/two-files.patch")
tar -xOzf "$update" ksplice-two/contents | grep -q "^function kernel/sys.o __do_sys_newuname" ||
	{ echo "contents does not list __do_sys_newuname"; exit 1; }
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
machine=\$(uname -m)
ksplice-apply $update || fail "ksplice-apply failed"
expect_prefix /proc/version "Ksplice version "
[ "\$(uname -m)" = ksplice ] || fail "uname -m: \$(uname -m)"
ksplice-undo two || fail "ksplice-undo failed"
expect_prefix /proc/version "Linux version "
[ "\$(uname -m)" = "\$machine" ] || fail "uname -m not restored"
expect_nothing_loaded two
echo "all good"
GUEST
run_guest "$guest"
