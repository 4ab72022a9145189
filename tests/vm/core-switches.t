#!/bin/bash
# The kernel's switches for ftrace and kprobes.  With ftrace switched off
# the core refuses to load, cleanly (no warning) and with its reason, and
# ksplice-apply leaves nothing loaded.  While an update redirected
# through ftrace is applied, ftrace cannot be switched off.  With kprobes
# switched off (the core links new code from a kprobe, and some functions
# are redirected by one), an update is refused, saying so, and nothing
# stays loaded; switched on again, it applies.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

version=$(make_update version "$KSPLICE_ROOT/tests/patches/version.patch")
readme=$(make_update readme "$KSPLICE_ROOT/tests/patches/tracing-readme.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
FTRACE=/proc/sys/kernel/ftrace_enabled
KPROBES=/sys/kernel/debug/kprobes/enabled

step "ftrace off: the core does not load"
echo 0 >\$FTRACE || fail "cannot switch ftrace off"
insmod /usr/lib/ksplice/ksplice.ko 2>/dev/null && fail "the core loaded with ftrace off"
dmesg | grep -q "ksplice: ftrace is switched off" || fail "no reason in the kernel log"
expect_no_core
ksplice-apply $version >/tmp/apply.out 2>&1 && { cat /tmp/apply.out; fail "applied with ftrace off"; }
cat /tmp/apply.out
expect_nothing_loaded version
expect_no_core
expect_prefix /proc/version "Linux version "

step "ftrace on: apply; ftrace cannot be switched off under the update"
echo 1 >\$FTRACE
ksplice-apply $version || fail "ksplice-apply failed"
echo 0 2>/dev/null >\$FTRACE && fail "ftrace was switched off under an applied update"
[ "\$(cat \$FTRACE)" = 1 ] || fail "ftrace_enabled is not 1"
expect_prefix /proc/version "Ksplice version "
ksplice-undo version || fail "ksplice-undo failed"
echo 0 >\$FTRACE || fail "ftrace cannot be switched off after undo"
echo 1 >\$FTRACE

step "kprobes off: an update redirected by a kprobe is refused"
echo 0 >\$KPROBES || fail "cannot switch kprobes off"
ksplice-apply $readme >/tmp/apply.out 2>&1 && { cat /tmp/apply.out; fail "applied with kprobes off"; }
cat /tmp/apply.out
grep -q "kprobes are switched off" /tmp/apply.out || fail "the refusal does not say kprobes are off"
expect_nothing_loaded readme
echo 1 >\$KPROBES
ksplice-apply $readme || fail "ksplice-apply failed with kprobes on"
expect_prefix /sys/kernel/tracing/README "ksplice: this README was replaced"
ksplice-undo readme || fail "ksplice-undo failed"
expect_nothing_loaded readme
echo "all good"
GUEST
run_guest "$guest"
