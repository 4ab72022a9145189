#!/bin/bash
# A function-body change that userspace sees (/proc/version) is there after
# ksplice-apply, listed by ksplice-view, pins its module, and is gone after
# ksplice-undo, with nothing left loaded.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update version "$KSPLICE_ROOT/tests/patches/version.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
step "before: stock kernel"
expect_prefix /proc/version "Linux version "
release=\$(uname -r)

step "apply"
ksplice-apply $update || fail "ksplice-apply failed"
expect_prefix /proc/version "Ksplice version \$release "
[ "\$(cat /sys/kernel/ksplice/version/stage)" = applied ] || fail "stage not applied"
grep -q "^ksplice_version_helper " /proc/modules && fail "helper still loaded"
grep -q "^ksplice_version_new " /proc/modules || fail "new-code module not loaded"

step "view"
ksplice-view | tee /tmp/view
grep -q "^version: Make /proc/version say Ksplice" /tmp/view || fail "ksplice-view does not list the update"
ksplice-view --id=version | tee /tmp/viewid
grep -q "applied" /tmp/viewid || fail "ksplice-view --id does not give the stage"
grep -q '^+		"Ksplice",' /tmp/viewid || fail "ksplice-view --id does not show the patch"

step "the new-code module is pinned while applied"
rmmod ksplice_version_new 2>/dev/null && fail "rmmod of an applied update's module succeeded"
expect_prefix /proc/version "Ksplice version "

step "undo"
ksplice-undo version || fail "ksplice-undo failed"
expect_prefix /proc/version "Linux version \$release "
expect_nothing_loaded version
ksplice-view | grep -q "No Ksplice updates are applied" || fail "ksplice-view still lists something"

step "apply again after undo, then undo"
ksplice-apply $update || fail "second ksplice-apply failed"
expect_prefix /proc/version "Ksplice version "
ksplice-undo version || fail "second ksplice-undo failed"
expect_prefix /proc/version "Linux version "
expect_nothing_loaded version
echo "all good"
GUEST
run_guest "$guest"
