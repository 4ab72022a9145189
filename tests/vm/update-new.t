#!/bin/bash
# What a real fix adds travels with the update: a new function and new
# variables (an initialized static, a zeroed global) seen from userspace
# through /proc/version (made with --skip-init: the patch also changes
# proc_version_init, which ksplice-view reports as left out); a patch
# that only turns WARN_ON into WARN_ON_ONCE (its __bug_table entry) is an
# update; a timer that new code arms with
# the address of a function the update replaces (entropy_timer) gets the
# old function, so it fires safely after undo and module removal.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

new=$(make_update new_things "$KSPLICE_ROOT/tests/patches/new-things.patch" "" -- --skip-init)
warn=$(make_update warn_once "$KSPLICE_ROOT/tests/patches/warn-once.patch")
timer=$(make_update timer_cb "$KSPLICE_ROOT/tests/patches/timer-callback.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/tracing

step "new function and variables"
ksplice-apply $new || fail "ksplice-apply new_things failed"
v=\$(cat /proc/version)
echo "\$v" | grep -qx "ksplice reads=41 calls=1 even" ||
	fail "first read: '\$v', expected reads=41 calls=1 even"
v=\$(cat /proc/version)
echo "\$v" | grep -qx "ksplice reads=42 calls=2 odd" ||
	fail "second read: '\$v', expected reads=42 calls=2 odd"
ksplice-view --id=new_things >/tmp/view
grep -q "made without the patch's changes to init code" /tmp/view &&
	grep -q "^  proc_version_init (fs/proc/version.o)" /tmp/view ||
	{ cat /tmp/view; fail "ksplice-view does not say proc_version_init was left out"; }
ksplice-undo new_things || fail "ksplice-undo new_things failed"
grep -q ksplice /proc/version && fail "/proc/version not restored"
expect_nothing_loaded new_things

step "WARN_ON -> WARN_ON_ONCE"
ksplice-apply $warn || fail "ksplice-apply warn_once failed"
ksplice-undo warn_once || fail "ksplice-undo warn_once failed"
expect_nothing_loaded warn_once

step "a timer armed by new code fires after undo and rmmod"
echo 1 >\$T/events/timer/timer_expire_entry/enable || fail "cannot enable timer_expire_entry"
ksplice-apply $timer || fail "ksplice-apply timer_cb failed"
cat /proc/sys/kernel/random/uuid >/dev/null || fail "cannot read kernel/random/uuid"
ksplice-undo timer_cb || fail "ksplice-undo timer_cb failed"
expect_nothing_loaded timer_cb
expect_timer_after entropy_timer
echo 0 >\$T/events/timer/timer_expire_entry/enable
echo "all good"
GUEST
run_guest "$guest"
