#!/bin/bash
# New code that uses what the kernel patches at load time, three updates
# applied at once: __set_task_comm (a tracepoint: a jump label and a static
# call whose keys are not exported), newuname (copy_to_user: exception
# table, SMAP alternatives) and meminfo_proc_show (alternatives, many
# unexported statics).  Enabling the tracepoint while the new code runs
# shows that its jump label was registered with the kernel.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

comm=$(make_update comm "$KSPLICE_ROOT/tests/patches/comm.patch")
uname=$(make_update uname "$KSPLICE_ROOT/tests/patches/uname.patch")
meminfo=$(make_update meminfo "$KSPLICE_ROOT/tests/patches/meminfo.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
T=/sys/kernel/tracing
# the subshell renames itself and reads its own comm back (builtins only)
rename() { printf %s "\$1" >/proc/self/comm; read -r _c </proc/self/comm; echo "\$_c"; }
machine=\$(uname -m)
[ "\$(rename ksplice-probe)" = ksplice-probe ] || fail "comm rename broken before apply"

step "apply three updates"
for u in $comm $uname $meminfo; do
	ksplice-apply \$u || fail "ksplice-apply \$u failed"
done
[ "\$(ksplice-view | grep -c '^[a-z0-9_]*: ')" = 3 ] || { ksplice-view; fail "ksplice-view does not list 3 updates"; }
[ "\$(rename ksplice-probe)" = ksplice-seen ] || fail "__set_task_comm not replaced"
[ "\$(rename other)" = other ] || fail "__set_task_comm renames other names"
[ "\$(uname -m)" = ksplice ] || fail "uname -m: \$(uname -m)"
grep -q "^KspliceMemTotal: " /proc/meminfo || fail "/proc/meminfo not replaced"
grep -q "^MemFree: " /proc/meminfo || fail "/proc/meminfo lost its other lines"

step "the tracepoint inside the new code"
echo 1 >\$T/events/task/task_rename/enable || fail "cannot enable task_rename"
rename ksplice-probe >/dev/null
echo 0 >\$T/events/task/task_rename/enable
grep -q "newcomm=ksplice-seen" \$T/trace || { cat \$T/trace; fail "no task_rename event from the new code"; }

step "undo in another order"
for id in uname comm meminfo; do
	ksplice-undo \$id || fail "ksplice-undo \$id failed"
	expect_nothing_loaded \$id
done
[ "\$(rename ksplice-probe)" = ksplice-probe ] || fail "__set_task_comm not restored"
[ "\$(uname -m)" = "\$machine" ] || fail "uname -m not restored"
grep -q "^MemTotal: " /proc/meminfo || fail "/proc/meminfo not restored"
echo "all good"
GUEST
run_guest "$guest"
