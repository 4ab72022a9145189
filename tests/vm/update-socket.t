#!/bin/bash
# A networking fix of the usual shape: __sys_socket calls a new function
# (with a .cold part) that counts sockets in a new atomic_t and says so
# once with pr_info_once.  The new once-flag renumbers the object's
# others, which stay the running kernel's (____sys_sendmsg, whose
# FORTIFY message holds a moved line number, is not replaced).  The
# message appears exactly once however many sockets are made.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update socket_count "$KSPLICE_ROOT/tests/patches/socket-count.patch")
tar -xOzf "$update" ksplice-socket_count/contents >"$KSPLICE_TEST_TMP/contents"
[ "$(grep '^function ' "$KSPLICE_TEST_TMP/contents")" = "function net/socket.o __sys_socket" ] ||
	{ cat "$KSPLICE_TEST_TMP/contents"; echo "FAIL: expected only __sys_socket replaced"; exit 1; }
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
ksplice-apply $update || fail "ksplice-apply failed"
i=0
while [ \$i -lt 3 ]; do
	nc -w 1 127.0.0.1 1 </dev/null 2>/dev/null
	i=\$((i + 1))
done
n=\$(dmesg | grep -c "ksplice: first socket seen by the update, family [0-9]*, count 10[0-9]")
[ "\$n" = 1 ] || { dmesg | grep "first socket"; fail "the once message appeared \$n times"; }
ksplice-undo socket_count || fail "ksplice-undo failed"
expect_nothing_loaded socket_count
nc -w 1 127.0.0.1 1 </dev/null 2>/dev/null
echo "all good"
GUEST
run_guest "$guest"
