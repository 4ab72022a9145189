#!/bin/bash
# The patch's hooks (include/ksplice-patch.h): tests/patches/hooks.patch
# has one of each kind, logging its kind; the pre_* and check_* hooks fail
# when the host name says so.  A failing pre or check hook aborts with
# nothing changed and the fail hook run; otherwise they run in order.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update hooks "$KSPLICE_ROOT/tests/patches/hooks.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
insmod /usr/lib/ksplice/ksplice.ko || fail "cannot load the core"

# hooks_ran KINDS: exactly these hooks ran since the last call, in order
hooks_ran()
{
	got=\$(dmesg -c | sed -n 's/.*ksplice-hook: //p' | tr '\n' ' ')
	echo "hooks: \$got"
	[ "\$got" = "\$1 " ] || fail "hooks ran: '\$got', expected '\$1 '"
}

# version PREFIX: /proc/version starts with PREFIX
version()
{
	expect_prefix /proc/version "\$1"
}

dmesg -c >/dev/null
for kind in pre_apply check_apply; do
	step "a failing \$kind hook"
	hostname fail-\$kind
	expect_fail_with call_failed /tmp/apply.out ksplice-apply --raw-errors $update
	grep -q "\$kind hook ksplice_test_\$kind.* failed: -16" /tmp/apply.out ||
		fail "the report does not name the \$kind hook"
	if [ \$kind = pre_apply ]; then
		hooks_ran "pre_apply fail_apply"
	else
		hooks_ran "pre_apply check_apply fail_apply"
	fi
	version "Linux version"
	expect_nothing_loaded hooks
done

step "apply"
hostname ksplice
ksplice-apply $update || fail "ksplice-apply failed"
hooks_ran "pre_apply check_apply apply post_apply"
version "Ksplice version"

for kind in pre_reverse check_reverse; do
	step "a failing \$kind hook"
	hostname fail-\$kind
	expect_fail_with call_failed /tmp/undo.out ksplice-undo --raw-errors hooks
	grep -q "\$kind hook ksplice_test_\$kind.* failed: -16" /tmp/undo.out ||
		fail "the report does not name the \$kind hook"
	if [ \$kind = pre_reverse ]; then
		hooks_ran "pre_reverse fail_reverse"
	else
		hooks_ran "pre_reverse check_reverse fail_reverse"
	fi
	version "Ksplice version"
	[ "\$(cat /sys/kernel/ksplice/hooks/stage)" = applied ] || fail "the update is not applied"
done

step "undo"
hostname ksplice
ksplice-undo hooks || fail "ksplice-undo failed"
hooks_ran "pre_reverse check_reverse reverse post_reverse"
version "Linux version"
expect_nothing_loaded hooks
echo "all good"
GUEST
run_guest "$guest"
