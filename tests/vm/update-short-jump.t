#!/bin/bash
# The kernel is built without -ffunction-sections: delayed_put_pid's tail
# jump to put_pid.part.0 is a 2-byte jmp in the running kernel, 5 bytes
# and a relocation in ksplice-create's per-function build.  The update
# replaces delayed_put_pid (an RCU callback of every exiting process), so
# run-pre matching must match the short form: ksplice-create makes the
# helper from kernel/pid.o built as the kernel builds it.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update short_jump "$KSPLICE_ROOT/tests/patches/short-jump.patch" 2>"$KSPLICE_TEST_TMP/create.log") ||
	{ cat "$KSPLICE_TEST_TMP/create.log"; exit 1; }
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
step "apply: delayed_put_pid matches the running kernel"
ksplice-apply $update || fail "ksplice-apply short_jump failed"
step "processes come and go through the new delayed_put_pid"
i=0
while [ \$i -lt 50 ]; do /bin/true || fail "cannot run a process"; i=\$((i + 1)); done
ksplice-undo short_jump || fail "ksplice-undo short_jump failed"
expect_nothing_loaded short_jump
echo "all good"
GUEST
run_guest "$guest"
