#!/bin/bash
# The function-graph tracer and kretprobes replace return addresses on the
# stack with their trampolines: with schedule() graph-traced, or under a
# kretprobe, a task sleeping in do_nanosleep has no do_nanosleep address
# on its stack.  The stack check still finds it there (the unwinder
# recovers the real return address): apply aborts code_busy naming it,
# and succeeds once it has left; undo likewise, with the tracer on.  With
# both tracing the replaced function itself, apply and undo work and the
# tracers keep seeing it.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update nanosleep "$KSPLICE_ROOT/tests/patches/nanosleep.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/tracing
insmod /usr/lib/ksplice/ksplice.ko max_tries=3 retry_delay_ms=200 ||
	fail "cannot load the core"

# busy_apply WHAT: apply must fail while a task sleeps in do_nanosleep
busy_apply()
{
	start_sleeper
	expect_fail_with code_busy /tmp/apply.out ksplice-apply --raw-errors $update
	grep -q "sleep (pid \$sleeper) is running do_nanosleep" /tmp/apply.out ||
		fail "\$1: the report does not name the sleeping task"
	expect_nothing_loaded nanosleep
	stop_sleeper
}

step "function_graph on schedule"
echo schedule >\$T/set_ftrace_filter || fail "cannot filter schedule"
echo function_graph >\$T/current_tracer || fail "cannot start function_graph"
busy_apply function_graph
ksplice-apply $update || fail "apply failed once the task had left"
start_sleeper
expect_fail_with code_busy /tmp/undo.out ksplice-undo --raw-errors nanosleep
grep -q "sleep (pid \$sleeper) is running do_nanosleep" /tmp/undo.out ||
	fail "function_graph: the undo report does not name the sleeping task"
stop_sleeper
ksplice-undo nanosleep || fail "undo failed once the task had left"
expect_nothing_loaded nanosleep
echo nop >\$T/current_tracer
echo >\$T/set_ftrace_filter

step "a kretprobe on schedule"
echo 'r:ksplice_test/sched_ret schedule' >>\$T/kprobe_events ||
	fail "cannot add the kretprobe"
echo 1 >\$T/events/ksplice_test/sched_ret/enable
busy_apply kretprobe
ksplice-apply $update || fail "apply failed once the task had left"
ksplice-undo nanosleep || fail "undo failed"
echo 0 >\$T/events/ksplice_test/sched_ret/enable
echo '-:ksplice_test/sched_ret' >>\$T/kprobe_events

step "function_graph and a kretprobe on do_nanosleep itself, across apply and undo"
echo do_nanosleep >\$T/set_graph_function || fail "cannot graph do_nanosleep"
echo function_graph >\$T/current_tracer || fail "cannot start function_graph"
echo 'r:ksplice_test/nanosleep_ret do_nanosleep' >>\$T/kprobe_events ||
	fail "cannot add the kretprobe on do_nanosleep"
echo 1 >\$T/events/ksplice_test/nanosleep_ret/enable
for what in apply undo; do
	echo >\$T/trace
	if [ \$what = apply ]; then
		ksplice-apply $update || fail "apply failed under the tracers"
	else
		ksplice-undo nanosleep || fail "undo failed under the tracers"
	fi
	sleep 0.1 || fail "nanosleep failed after the \$what"
	grep -q "nanosleep_ret:" \$T/trace || fail "the kretprobe missed do_nanosleep after the \$what"
	grep -q "do_nanosleep" \$T/trace || fail "function_graph missed do_nanosleep after the \$what"
done
echo 0 >\$T/events/ksplice_test/nanosleep_ret/enable
echo '-:ksplice_test/nanosleep_ret' >>\$T/kprobe_events
echo nop >\$T/current_tracer
expect_nothing_loaded nanosleep
echo "all good"
GUEST
run_guest "$guest"
