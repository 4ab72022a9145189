#!/bin/bash
# Environments where nothing may be applied, each refused with a clear
# error and nothing loaded or changed: a user who is not root (apply,
# undo, view: an empty list would read as nothing applied), and a kernel
# in lockdown (lockdown=integrity: it
# loads no unsigned module, and the core and updates are not signed).
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update version "$KSPLICE_ROOT/tests/patches/version.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
before=\$(cat /proc/version)
# unchanged: nothing of ksplice loaded, /proc/version as it was
unchanged() {
	expect_nothing_loaded version
	expect_no_core
	[ "\$(cat /proc/version)" = "\$before" ] || fail "/proc/version changed"
}
if grep -q "lockdown=integrity" /proc/cmdline; then
	step "a kernel in lockdown"
	cat /sys/kernel/security/lockdown 2>/dev/null || :
	ksplice-apply $update >/tmp/out 2>&1 && { cat /tmp/out; fail "applied under lockdown"; }
	cat /tmp/out
	grep -q "cannot load the ksplice core" /tmp/out || fail "the error does not say the core cannot load"
	unchanged
else
	step "a user who is not root"
	echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>/etc/passwd
	echo "nogroup:x:65534:" >>/etc/group
	chmod 1777 /tmp
	for cmd in "ksplice-apply $update" "ksplice-undo version" "ksplice-view" "ksplice-view --id=version"; do
		su -s /bin/sh nobody -c "\$cmd" >/tmp/out 2>&1 && { cat /tmp/out; fail "\$cmd ran as nobody"; }
		cat /tmp/out
		grep -q "must be run as root" /tmp/out || fail "\$cmd as nobody does not say it needs root"
	done
	unchanged
fi
echo "all good"
GUEST
run_guest "$guest"
run_guest "$guest" --append "lockdown=integrity"
