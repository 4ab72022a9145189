#!/bin/bash
# Cumulative updates: sqrt_c, made from the tree without them
# (--replaces=sqrt_a --replaces=sqrt_b), replaces the stack sqrt_a, sqrt_b
# in one switch: int_sqrt goes from sqrt_b's value to sqrt_c's, the two
# are gone, and undoing sqrt_c gives the kernel's own function back.  A
# cumulative update whose switch fails (a task sleeps in the new code of
# the update it replaces) leaves that update applied, and succeeds once
# the task has left.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

P=$KSPLICE_ROOT/tests/patches
a=$(make_update sqrt_a "$P/sqrt-recurse.patch")
b=$(make_update sqrt_b "$P/sqrt-stack.patch" "$KSPLICE_SOURCE" -- --earlier="$P/sqrt-recurse.patch")
c=$(make_update sqrt_c "$P/sqrt-cumulative.patch" "$KSPLICE_SOURCE" -- --replaces=sqrt_a --replaces=sqrt_b)
n=$(make_update nanosleep "$P/nanosleep.patch")
nc=$(make_update cnano "$P/nanosleep.patch" "$KSPLICE_SOURCE" -- --replaces=nanosleep)
tar -xOzf "$c" ksplice-sqrt_c/contents | grep -qx "replaces sqrt_b" ||
	{ echo "FAIL: sqrt_c's contents do not say it replaces sqrt_b"; exit 1; }
ko=$("$KSPLICE_ROOT/tests/modules/build" recurse "$KSPLICE_TEST_TMP/recurse")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
insmod /usr/lib/ksplice/ksplice.ko max_tries=3 retry_delay_ms=200 ||
	fail "cannot load the core"

RECURSE_KO=$ko

step "sqrt_c without what it replaces is refused"
ksplice-apply $c >/tmp/c.out 2>&1 && { cat /tmp/c.out; fail "sqrt_c applied alone"; }
grep -q "replaces update sqrt_a, which is not applied" /tmp/c.out ||
	{ cat /tmp/c.out; fail "the refusal does not say why"; }
expect_nothing_loaded sqrt_c

step "the stack sqrt_a, sqrt_b, then sqrt_c replacing both"
ksplice-apply $a || fail "sqrt_a did not apply"
ksplice-apply $b || fail "sqrt_b did not apply"
sqrt_is 43
ksplice-apply $c || fail "sqrt_c did not apply"
sqrt_is 44
expect_nothing_loaded sqrt_a
expect_nothing_loaded sqrt_b
ksplice-view | tee /tmp/view
[ "\$(grep -c '^[a-z0-9_]*: ' /tmp/view)" = 1 ] && grep -q "^sqrt_c: " /tmp/view ||
	fail "ksplice-view does not list sqrt_c alone"
[ "\$(grep -c int_sqrt /sys/kernel/tracing/enabled_functions)" = 1 ] ||
	{ cat /sys/kernel/tracing/enabled_functions; fail "int_sqrt is not redirected exactly once"; }
ksplice-undo sqrt_c || fail "cannot undo sqrt_c"
sqrt_is 39907
expect_nothing_loaded sqrt_c

step "a cumulative update that cannot switch leaves the old one applied"
ksplice-apply $n || fail "nanosleep did not apply"
start_sleeper
expect_fail_with code_busy /tmp/nc.out ksplice-apply --raw-errors $nc
grep -q "sleep (pid \$sleeper) is running do_nanosleep" /tmp/nc.out ||
	fail "the report does not name the task in nanosleep's new code"
[ "\$(cat /sys/kernel/ksplice/nanosleep/state)" = applied ] || fail "nanosleep is no longer applied"
expect_nothing_loaded cnano
stop_sleeper
sleep 0.1 || fail "nanosleep broke"
ksplice-apply $nc || fail "cnano did not apply once the task had left"
expect_nothing_loaded nanosleep
grep -q "^do_nanosleep" /sys/kernel/tracing/enabled_functions || fail "do_nanosleep is not redirected"
sleep 0.1 || fail "nanosleep broke"
ksplice-undo cnano || fail "cannot undo cnano"
grep -q "^do_nanosleep" /sys/kernel/tracing/enabled_functions && fail "do_nanosleep is still redirected"
expect_nothing_loaded cnano
echo "all good"
GUEST
run_guest "$guest" --add "$KSPLICE_TEST_TMP/recurse"
