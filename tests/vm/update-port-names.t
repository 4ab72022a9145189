#!/bin/bash
# New code hands a string literal to an API that keeps the pointer as it
# is (request_region(): /proc/ioports prints the name from there).  A
# literal the replaced function already has, and the end of another, are
# the running kernel's own, so the update's module goes at the undo and
# the I/O port tree's names still read right afterwards.  A new literal
# is the module's: that module stays after the undo, and its name too.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update port_names "$KSPLICE_ROOT/tests/patches/port-names.patch")
contents=$(tar -xOzf "$update" ksplice-port_names/contents)
grep -q "^keep-module " <<<"$contents" &&
	{ echo "$contents"; echo "FAIL: the update keeps its module (the test needs it gone)"; exit 1; }
fresh=$(make_update port_new "$KSPLICE_ROOT/tests/patches/port-new-name.patch")
contents=$(tar -xOzf "$fresh" ksplice-port_new/contents)
grep -qx 'keep-module fs/proc/devices.o "ksplice.port"' <<<"$contents" ||
	{ echo "$contents"; echo "FAIL: the new name does not keep its module"; exit 1; }
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
grep -q "^ *0f1[01]-" /proc/ioports && fail "ports 0f10 or 0f11 are taken at boot"
ksplice-apply $update || fail "ksplice-apply failed"
cat /proc/devices >/dev/null || fail "cannot read /proc/devices"
grep -q "^ *0f10-0f10 : Character devices:\\\$" /proc/ioports ||
	{ cat /proc/ioports; fail "the new code did not claim port 0f10"; }
grep -q "^ *0f11-0f11 : devices:\\\$" /proc/ioports ||
	{ cat /proc/ioports; fail "the new code did not claim port 0f11"; }
ksplice-undo port_names || fail "ksplice-undo failed"
expect_nothing_loaded port_names
# the names are read from where the kernel keeps them: not the module's
grep -A1 "^ *0f1[01]-" /proc/ioports >/tmp/ports || fail "cannot read /proc/ioports"
cat /tmp/ports
grep -q "^ *0f10-0f10 : Character devices:\\\$" /tmp/ports ||
	fail "port 0f10's name is gone after the undo"
grep -q "^ *0f11-0f11 : devices:\\\$" /tmp/ports ||
	fail "port 0f11's name is gone after the undo"

ksplice-apply $fresh || fail "ksplice-apply of the new name failed"
cat /proc/devices >/dev/null || fail "cannot read /proc/devices"
ksplice-undo port_new >/tmp/undo.out || { cat /tmp/undo.out; fail "ksplice-undo failed"; }
grep -q '"ksplice.port"' /tmp/undo.out || { cat /tmp/undo.out; fail "ksplice-undo does not name the literal"; }
grep -q "^ksplice_port_new_new " /proc/modules || fail "the module that holds the name was unloaded"
grep -q "^ *0f12-0f12 : ksplice port\\$" /proc/ioports ||
	{ cat /proc/ioports; fail "port 0f12 does not have its name after the undo"; }
echo "all good"
GUEST
run_guest "$guest"
