#!/bin/bash
# rmmod -f (the kernel allows forced unloads) can take out neither an
# update's new-code module nor the core while the kernel may run the new
# code: not during an apply that waits for a busy stack, not while the
# update is applied.  The update stays in effect, and undo still works.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update nanosleep "$KSPLICE_ROOT/tests/patches/nanosleep.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
insmod /usr/lib/ksplice/ksplice.ko max_tries=600 retry_delay_ms=100 ||
	fail "cannot load the core"
new=ksplice_nanosleep_new

# expect_forced_refused MODULE: rmmod -f fails and MODULE stays loaded
expect_forced_refused()
{
	rmmod -f \$1 2>/tmp/rmmod.err && fail "rmmod -f \$1 succeeded"
	grep -q "^\$1 " /proc/modules || fail "rmmod -f unloaded \$1"
	echo "rmmod -f \$1: \$(cat /tmp/rmmod.err)"
}

step "rmmod -f while an apply waits for a task in do_nanosleep"
start_sleeper
ksplice-apply $update >/tmp/apply.out 2>&1 &
applier=\$!
n=0
# the redirection is installed (inactive) once the module is pinned
until grep -q "^do_nanosleep" /sys/kernel/tracing/enabled_functions; do
	n=\$((n + 1))
	[ \$n -lt 300 ] || fail "the apply never installed its redirection"
	sleep 0.1
done
[ "\$(cat /sys/kernel/ksplice/nanosleep/stage)" = preparing ] ||
	fail "the apply did not wait for the sleeping task"
[ "\$(cat /sys/kernel/ksplice/nanosleep/state)" = applying ] ||
	fail "state \$(cat /sys/kernel/ksplice/nanosleep/state), expected applying"
expect_forced_refused \$new
stop_sleeper
wait \$applier || { cat /tmp/apply.out; fail "the apply failed"; }

step "rmmod -f of the applied update's module and of the core"
grep "^\$new " /proc/modules | grep -q " ksplice," ||
	fail "lsmod does not show the core using \$new: \$(grep "^\$new " /proc/modules)"
expect_forced_refused \$new
expect_forced_refused ksplice
[ "\$(cat /sys/kernel/ksplice/nanosleep/stage)" = applied ] ||
	fail "the update is no longer applied"
grep -q "^do_nanosleep" /sys/kernel/tracing/enabled_functions ||
	fail "the redirection of do_nanosleep is gone"
sleep 0.2 || fail "nanosleep through the new code failed"
# taint flag R (8): a module was force-unloaded
[ \$((\$(cat /proc/sys/kernel/tainted) & 8)) = 0 ] ||
	fail "the kernel says a module was force-unloaded"

step "undo, then nothing is left"
ksplice-undo nanosleep || fail "undo failed"
expect_nothing_loaded nanosleep
echo "all good"
GUEST
run_guest "$guest"
