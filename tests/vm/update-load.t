#!/bin/bash
# Under load: while two readers on the two vCPUs call version_proc_show in
# a loop, the update is applied and undone many times.  Every read returns
# the old or the new text, never anything else, and the kernel logs nothing
# bad (ksplice-testbed fails on any oops or warning).
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

cycles=${KSPLICE_LOAD_CYCLES:-20}
update=$(make_update version "$KSPLICE_ROOT/tests/patches/version.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
reader()
{
	old=0 new=0
	while [ ! -e /tmp/stop ]; do
		read -r line </proc/version
		case "\$line" in
		"Linux version "*) old=\$((old + 1)) ;;
		"Ksplice version "*) new=\$((new + 1)) ;;
		*) echo "reader \$1 read: \$line" >>/tmp/bad ;;
		esac
	done
	echo "\$old \$new" >/tmp/reader.\$1
}
reader 1 &
r1=\$!
reader 2 &
r2=\$!
i=0
while [ \$i -lt $cycles ]; do
	i=\$((i + 1))
	step "cycle \$i"
	ksplice-apply $update >/tmp/apply.log 2>&1 ||
		{ cat /tmp/apply.log; touch /tmp/stop; fail "apply \$i failed"; }
	ksplice-undo version >/tmp/undo.log 2>&1 ||
		{ cat /tmp/undo.log; touch /tmp/stop; fail "undo \$i failed"; }
done
touch /tmp/stop
wait \$r1 \$r2
[ -e /tmp/bad ] && { cat /tmp/bad; fail "a reader saw neither the old nor the new text"; }
set -- \$(cat /tmp/reader.1) \$(cat /tmp/reader.2)
echo "reads: old \$((\$1 + \$3)), new \$((\$2 + \$4))"
[ \$((\$1 + \$3)) -gt 0 ] || fail "no reader ever saw the old text"
[ \$((\$2 + \$4)) -gt 0 ] || fail "no reader ever saw the new text"
expect_nothing_loaded version
expect_prefix /proc/version "Linux version "
echo "all good"
GUEST
run_guest "$guest" --timeout 900
