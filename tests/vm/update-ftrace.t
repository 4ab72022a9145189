#!/bin/bash
# The function tracer is on (tracing vfs_read), and a kprobe event sits on
# another function (do_sys_openat2), while an update is applied and undone;
# then the replaced function itself is traced while applied.  ftrace and
# the kprobe keep working and ftrace's records are consistent afterwards:
# no hook is left on the replaced function.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update version "$KSPLICE_ROOT/tests/patches/version.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/tracing
# trace lines read "  <comm>-<pid> [cpu] flags time: func <-caller"
traced() { echo 0 >\$T/tracing_on; grep -q ": \$1 <-" \$T/trace; _r=\$?; echo 1 >\$T/tracing_on; return \$_r; }
echo 64 >\$T/buffer_size_kb
echo vfs_read >\$T/set_ftrace_filter || fail "cannot filter on vfs_read"
echo function >\$T/current_tracer || fail "cannot start the function tracer"
echo 'p:ksplice_open do_sys_openat2' >>\$T/kprobe_events || fail "cannot add a kprobe event"
echo 1 >\$T/events/kprobes/ksplice_open/enable || fail "cannot enable the kprobe event"

step "apply and undo under the function tracer"
ksplice-apply $update || fail "ksplice-apply failed"
expect_prefix /proc/version "Ksplice version "
grep -q '^version_proc_show' \$T/enabled_functions || fail "no ftrace hook on version_proc_show"
ksplice-undo version || fail "ksplice-undo failed"
expect_prefix /proc/version "Linux version "
traced vfs_read || fail "the tracer recorded no vfs_read"
echo 0 >\$T/tracing_on
grep -q "ksplice_open: (do_sys_openat2" \$T/trace || fail "the kprobe event recorded nothing"
echo 1 >\$T/tracing_on
echo 0 >\$T/events/kprobes/ksplice_open/enable
echo '-:ksplice_open' >>\$T/kprobe_events || fail "cannot remove the kprobe event"

step "trace the replaced function itself while applied"
ksplice-apply $update || fail "second ksplice-apply failed"
echo version_proc_show >>\$T/set_ftrace_filter
echo >\$T/trace
expect_prefix /proc/version "Ksplice version "
traced version_proc_show || fail "tracing the replaced function recorded nothing"
ksplice-undo version || fail "second ksplice-undo failed"
expect_prefix /proc/version "Linux version "
echo nop >\$T/current_tracer
echo >\$T/set_ftrace_filter
grep -q '^version_proc_show' \$T/enabled_functions && fail "a hook on version_proc_show was left behind"
expect_nothing_loaded version
echo "all good"
GUEST
run_guest "$guest"
