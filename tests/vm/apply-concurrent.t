#!/bin/bash
# Applies and undos are serialized by a lock: two applies of different
# updates started together both succeed; two of the same update give one
# success and one refusal, and the loser unloads nothing of the winner's;
# a lock left by a process that died is taken over.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

version=$(make_update version "$KSPLICE_ROOT/tests/patches/version.patch")
uname=$(make_update uname "$KSPLICE_ROOT/tests/patches/uname.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh

step "two updates at once"
ksplice-apply $version >/tmp/a.out 2>&1 &
a=\$!
ksplice-apply $uname >/tmp/b.out 2>&1 &
b=\$!
wait \$a || { cat /tmp/a.out; fail "apply of version failed"; }
wait \$b || { cat /tmp/b.out; fail "apply of uname failed"; }
expect_prefix /proc/version "Ksplice version "
[ "\$(uname -m)" = ksplice ] || fail "uname not replaced"
ksplice-undo version & a=\$!
ksplice-undo uname & b=\$!
wait \$a && wait \$b || fail "concurrent undos failed"
expect_nothing_loaded version
expect_nothing_loaded uname

step "the same update twice at once"
ksplice-apply $version >/tmp/a.out 2>&1 &
a=\$!
ksplice-apply $version >/tmp/b.out 2>&1 &
b=\$!
ok=0
wait \$a && ok=\$((ok + 1))
wait \$b && ok=\$((ok + 1))
cat /tmp/a.out /tmp/b.out
[ \$ok = 1 ] || fail "\$ok of two identical applies succeeded, expected 1"
grep -q "update version is already loaded" /tmp/a.out /tmp/b.out ||
	fail "the loser does not say the update is loaded"
[ "\$(cat /sys/kernel/ksplice/version/stage)" = applied ] ||
	fail "the winner's update is not applied any more"
grep -q "^ksplice_version_new " /proc/modules || fail "the loser unloaded the winner's module"
expect_prefix /proc/version "Ksplice version "
ksplice-undo version || fail "undo failed"
expect_nothing_loaded version

step "a stale lock is taken over"
mkdir -p /run/ksplice.lock && echo 99999 >/run/ksplice.lock/pid
ksplice-apply $version || fail "apply failed behind a stale lock"
ksplice-undo version || fail "undo failed"
[ -e /run/ksplice.lock ] && fail "the lock was left behind"
echo "all good"
GUEST
run_guest "$guest"
