#!/bin/bash
# The core checks a helper's records before it reads them: a record that
# points outside its section or its module, a count larger than its
# table, an offset whose sum wraps around, an unknown rewrite kind, a
# wrong owner or format: each is refused naming the record, with no
# update left registered and no oops (tests/modules/badhelper).  Pre code
# that is only the beginning of the running function does not match it,
# nor does a paravirt window the kernel patched for another pv_ops slot.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

ko=$("$KSPLICE_ROOT/tests/modules/build" badhelper "$KSPLICE_TEST_TMP/badhelper")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
insmod /usr/lib/ksplice/ksplice.ko || fail "cannot load the core"

# refused BAD MESSAGE: the helper with record BAD is refused with MESSAGE
refused()
{
	dmesg -c >/dev/null
	insmod $ko bad=\$1 2>/dev/null && fail "bad=\$1: the core accepted the helper"
	dmesg | grep -q "ksplice: \$2" ||
		{ dmesg; fail "bad=\$1: the core did not say '\$2'"; }
	echo "bad=\$1: \$(dmesg | grep -m1 'ksplice: ')"
	[ -e /sys/kernel/ksplice/badin ] && fail "bad=\$1: an update was left registered"
	grep -q "^badhelper " /proc/modules && fail "bad=\$1: the module stayed loaded"
	return 0
}

refused place "helper badin: section 0 is malformed: relocation"
refused content "helper badin: section 0 is malformed: relocation"
refused window "helper badin: section 0 is malformed: rewrite window"
refused kind "helper badin: section 0 is malformed: rewrite window"
refused replreloc "helper badin: section 0 is malformed: rewrite window"
refused pvslot "helper badin: section 0 is malformed: rewrite window"
refused name "helper badin: section 0 is malformed: name or object"
refused extent "helper badin: section 0 is malformed: extent"
refused count "helper badin: tables outside the module"
refused owner "helper: its owner is not the module that holds it"
refused format "helper: format "

step "a function that is a prefix of the running one does not match"
U=/sys/kernel/ksplice/badin
insmod $ko bad=prefix || fail "the helper with a prefix of int_sqrt was refused"
cat \$U/abort_detail
[ "\$(cat \$U/abort_cause)" = no_match ] || fail "a prefix of int_sqrt matched it"
grep -q "^int_sqrt (badin.o): no match; best candidate [0-9a-f]* differs at +0x10\$" \$U/abort_detail ||
	fail "the mismatch is not reported at the end of the prefix"
rmmod badhelper || fail "cannot unload the helper"
insmod $ko bad=whole || fail "the helper with the whole int_sqrt was refused"
[ "\$(cat \$U/abort_cause)" = none ] || fail "the whole int_sqrt did not match: \$(cat \$U/abort_detail)"
rmmod badhelper || fail "cannot unload the helper"
# ... unless the object goes on there (weak functions whose symbols an
# override removed: found by bench/stable-fixes in cppc_acpi.c)
insmod $ko bad=prefixext || fail "the helper with a prefix and an extent was refused"
[ "\$(cat \$U/abort_cause)" = none ] ||
	fail "a prefix whose object goes on past the running function did not match: \$(cat \$U/abort_detail)"
rmmod badhelper || fail "cannot unload the helper"

step "a paravirt window accepts the call to its own slot's function only"
dmesg -c >/dev/null
insmod $ko bad=pvright || fail "the helper with __flush_tlb_all was refused"
off=\$(dmesg | sed -n 's/.*badhelper: paravirt call at __flush_tlb_all+//p')
echo "paravirt call at +\$off"
[ "\$(cat \$U/abort_cause)" = none ] ||
	fail "__flush_tlb_all with its own slot did not match: \$(cat \$U/abort_detail)"
rmmod badhelper || fail "cannot unload the helper"
insmod $ko bad=pvwrong || fail "the helper with __flush_tlb_all was refused"
cat \$U/abort_detail
[ "\$(cat \$U/abort_cause)" = no_match ] || fail "a call to another slot's function matched"
grep -q "^__flush_tlb_all (badin.o): no match; best candidate [0-9a-f]* differs at +\$off\$" \$U/abort_detail ||
	fail "the mismatch is not reported at the paravirt window"
rmmod badhelper || fail "cannot unload the helper"

step "a well-formed helper registers"
insmod $ko bad=none || fail "the well-formed helper was refused"
[ "\$(cat /sys/kernel/ksplice/badin/stage)" = preparing ] || fail "no update badin"
rmmod badhelper || fail "cannot unload the helper"
[ -e /sys/kernel/ksplice/badin ] && fail "the update stayed after its helper left"
echo "all good"
GUEST
run_guest "$guest" --add "$KSPLICE_TEST_TMP/badhelper"
