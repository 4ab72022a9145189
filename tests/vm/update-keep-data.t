#!/bin/bash
# New code queues a new delayed work whose callback the kernel already
# has: the work's timer is linked into the kernel's timer lists, so the
# update says its module must stay (for the variable, not for a function),
# ksplice-undo reverses it but leaves the module loaded, applying it again
# is refused with the reason, and the work's timer and the work itself run
# safely after the undo.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update new_work "$KSPLICE_ROOT/tests/patches/new-work.patch")
contents=$(tar -xOzf "$update" ksplice-new_work/contents)
grep -qx "keep-module drivers/char/random.o ksplice_uuid_work" <<<"$contents" ||
	{ echo "$contents"; echo "FAIL: the update does not say that its module must stay"; exit 1; }
grep -q "^added " <<<"$contents" &&
	{ echo "$contents"; echo "FAIL: the update adds a function (the test needs none)"; exit 1; }
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/tracing
echo 1 >\$T/events/workqueue/workqueue_execute_start/enable ||
	fail "cannot enable workqueue_execute_start"
ksplice-apply $update || fail "ksplice-apply failed"
cat /proc/sys/kernel/random/uuid >/dev/null || fail "cannot read kernel/random/uuid"
ksplice-undo new_work >/tmp/undo.out || { cat /tmp/undo.out; fail "ksplice-undo failed"; }
cat /tmp/undo.out
grep -q "stays loaded" /tmp/undo.out || fail "ksplice-undo does not say the module stays"
grep -q "ksplice_uuid_work" /tmp/undo.out || fail "ksplice-undo does not name the work"
grep -q "^ksplice_new_work_new " /proc/modules || fail "the module was unloaded"
rmmod -f ksplice_new_work_new 2>/dev/null && fail "rmmod -f unloaded the module"
[ "\$(cat /sys/kernel/ksplice/new_work/state)" = kept ] ||
	fail "state \$(cat /sys/kernel/ksplice/new_work/state), expected kept"
# the work runs crng_set_ready, which nothing else queues after boot
grep -q "function crng_set_ready\\\$" \$T/trace &&
	fail "the 5 s work ran before the undo finished: the test proves nothing"
n=0
until grep -q "workqueue_execute_start: .*function crng_set_ready\\\$" \$T/trace; do
	n=\$((n + 1))
	[ \$n -lt 300 ] || fail "the new work never ran"
	sleep 0.1
done
# applied again: refused, saying why
ksplice-apply $update >/tmp/again.out 2>&1 && fail "the kept update was applied again"
grep -q "stays loaded until a reboot" /tmp/again.out ||
	{ cat /tmp/again.out; fail "ksplice-apply does not say why the update cannot be applied again"; }
echo "all good"
GUEST
run_guest "$guest"
