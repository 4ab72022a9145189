#!/bin/bash
# A task sleeping inside the function being replaced (do_nanosleep): apply
# aborts code_busy naming that task and changes nothing; once the task has
# left, apply succeeds.  The same holds for undo with a task sleeping in
# the new code.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update nanosleep "$KSPLICE_ROOT/tests/patches/nanosleep.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
insmod /usr/lib/ksplice/ksplice.ko max_tries=3 retry_delay_ms=200 ||
	fail "cannot load the core"

step "apply while a task sleeps in do_nanosleep"
start_sleeper
expect_fail_with code_busy /tmp/apply.out ksplice-apply --raw-errors $update
grep -q "sleep (pid \$sleeper) is running do_nanosleep" /tmp/apply.out ||
	fail "the report does not name the sleeping task"
expect_nothing_loaded nanosleep
grep -q do_nanosleep /sys/kernel/tracing/enabled_functions &&
	fail "an ftrace hook on do_nanosleep was left behind"

step "the task leaves: apply succeeds"
stop_sleeper
ksplice-apply $update || fail "apply failed once the task had left"
sleep 0.2 || fail "nanosleep through the new code failed"

step "undo while a task sleeps in the new code"
start_sleeper
expect_fail_with code_busy /tmp/undo.out ksplice-undo --raw-errors nanosleep
grep -q "sleep (pid \$sleeper) is running do_nanosleep" /tmp/undo.out ||
	fail "the undo report does not name the sleeping task"
[ "\$(cat /sys/kernel/ksplice/nanosleep/stage)" = applied ] ||
	fail "a failed undo changed the stage"
stop_sleeper
ksplice-undo nanosleep || fail "undo failed once the task had left"
expect_nothing_loaded nanosleep
echo "all good"
GUEST
run_guest "$guest"
