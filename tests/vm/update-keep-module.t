#!/bin/bash
# A timer armed by new code with a new function as its callback: the
# update says its module must stay, ksplice-undo reverses it but leaves
# the module loaded, not even rmmod -f unloads it, and the timer fires
# safely after the undo.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update new_cb "$KSPLICE_ROOT/tests/patches/new-callback.patch")
tar -xOzf "$update" ksplice-new_cb/contents | grep -qx "keep-module drivers/char/random.o ksplice_uuid_timer" ||
	{ echo "FAIL: the update does not say that its module must stay"; exit 1; }
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/tracing
echo 1 >\$T/events/timer/timer_expire_entry/enable || fail "cannot enable timer_expire_entry"
ksplice-apply $update || fail "ksplice-apply failed"
cat /proc/sys/kernel/random/uuid >/dev/null || fail "cannot read kernel/random/uuid"
ksplice-undo new_cb >/tmp/undo.out || { cat /tmp/undo.out; fail "ksplice-undo failed"; }
cat /tmp/undo.out
grep -q "stays loaded" /tmp/undo.out || fail "ksplice-undo does not say the module stays"
grep -q "^ksplice_new_cb_new " /proc/modules || fail "the module was unloaded"
for opt in "" -f; do
	rmmod \$opt ksplice_new_cb_new 2>/dev/null && fail "rmmod \$opt unloaded the module"
done
grep -q "^ksplice_new_cb_new " /proc/modules || fail "rmmod unloaded the module"
[ "\$(cat /sys/kernel/ksplice/new_cb/state)" = kept ] ||
	fail "state \$(cat /sys/kernel/ksplice/new_cb/state), expected kept"
[ -e /sys/kernel/ksplice/new_cb ] && [ "\$(cat /sys/kernel/ksplice/new_cb/stage)" != reversed ] &&
	fail "the update is not reversed"
expect_timer_after ksplice_uuid_timer
echo "all good"
GUEST
run_guest "$guest"
