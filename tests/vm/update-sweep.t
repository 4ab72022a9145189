#!/bin/bash
# Functions nobody wrote a special test for: each patch in
# tests/patches/sweep adds a NOP to one hot function somewhere in the
# kernel (scheduler, VFS, mm, net, printk, vsprintf, sysctl, pipes, char
# devices, syscalls made by SYSCALL_DEFINE), so that its code changes but
# not what it does.  Each update is made, applied while the guest uses the
# function, and undone, one after another in one boot.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

updates=
for p in "$KSPLICE_ROOT"/tests/patches/sweep/*.patch; do
	id=sweep_$(basename "$p" .patch)
	updates="$updates $(make_update "$id" "$p")"
done
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
# a little of everything the patched functions do
exercise()
{
	ls /proc >/dev/null; cat /proc/1/cmdline >/dev/null
	head -n 1 /proc/kallsyms >/dev/null; cat /proc/sys/kernel/pid_max >/dev/null
	mkdir /tmp/d.\$1 && rmdir /tmp/d.\$1 || fail "mkdir/rmdir broken under \$1"
	cat /dev/null; [ "\$(echo x | cat)" = x ] || fail "pipes broken under \$1"
	sh -c 'kill -0 \$\$' || fail "kill broken under \$1"
	dmesg | tail -n 1 >/dev/null; sleep 0.1
	nc -w 1 127.0.0.1 1 </dev/null 2>/dev/null
	return 0
}
for u in $updates; do
	id=\${u##*/ksplice-}
	id=\${id%.tar.gz}
	step "\$id"
	ksplice-apply \$u || fail "ksplice-apply \$id failed"
	exercise \$id
	ksplice-undo \$id || fail "ksplice-undo \$id failed"
	expect_nothing_loaded \$id
done
echo "all good"
GUEST
run_guest "$guest" --timeout 600
