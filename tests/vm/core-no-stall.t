#!/bin/bash
# The core does not hold its lock while a busy apply waits between tries:
# while an apply keeps retrying (a task sleeps in do_nanosleep), the
# update's sysfs files and ksplice-view answer, and the apply is still
# retrying afterwards; a second write to its stage meanwhile is refused
# with EBUSY.  Once the task has left, the apply succeeds.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update nanosleep "$KSPLICE_ROOT/tests/patches/nanosleep.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
insmod /usr/lib/ksplice/ksplice.ko max_tries=100 retry_delay_ms=200 debug=1 ||
	fail "cannot load the core"
start_sleeper
ksplice-apply $update >/tmp/apply.out 2>&1 &
applier=\$!

step "wait until the apply retries"
n=0
until dmesg | grep -q "nanosleep: [0-9]* tasks busy, try 2 of 100"; do
	n=\$((n + 1))
	[ \$n -lt 300 ] || { cat /tmp/apply.out; fail "the apply never retried"; }
	sleep 0.1
done

step "sysfs and ksplice-view answer meanwhile"
cat /sys/kernel/ksplice/nanosleep/abort_detail >/dev/null || fail "abort_detail"
cat /sys/kernel/ksplice/nanosleep/conflicts >/dev/null || fail "conflicts"
ksplice-view >/dev/null || fail "ksplice-view"
echo applied 2>/dev/null >/sys/kernel/ksplice/nanosleep/stage &&
	fail "a second stage write during the apply succeeded"
kill -0 \$applier 2>/dev/null ||
	{ cat /tmp/apply.out; fail "the apply was over before the readers answered"; }

step "the task leaves: the apply succeeds"
stop_sleeper
wait \$applier || { cat /tmp/apply.out; fail "the apply failed"; }
[ "\$(cat /sys/kernel/ksplice/nanosleep/stage)" = applied ] || fail "not applied"
ksplice-undo nanosleep || fail "undo failed"
expect_nothing_loaded nanosleep
echo "all good"
GUEST
run_guest "$guest"
