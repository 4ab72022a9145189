#!/bin/bash
# A static that only the new code names, and whose name kallsyms has many
# times, is found through its neighbour in the object's data section.
# acpi_add_power_resource's mutex_init() refers to its lock_class_key
# __key.N (size 0 without lockdep): the kernel's build (no
# -fdata-sections) puts it at .bss+0 with `attrs`, and its reference
# ".bss+0" binds attrs in the helper, while the new code names __key.N.
# The update applies (it was refused "ambiguous" before), the address the
# core takes is where kallsyms has both names, and undo leaves nothing.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update power_resource "$KSPLICE_ROOT/tests/patches/power-resource.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
insmod /usr/lib/ksplice/ksplice.ko debug=1 || fail "cannot load the core"
ksplice-apply $update || fail "ksplice-apply failed"
line=\$(dmesg | grep "power_resource: __key\.[0-9]* (drivers/acpi/power.o) at [0-9a-f]*, by its neighbours") ||
	fail "the core did not place a __key of power.o by its neighbours"
key=\$(echo "\$line" | sed 's/.*power_resource: \\(__key\.[0-9]*\\) .*/\\1/')
addr=\$(echo "\$line" | sed 's/.* at \\([0-9a-f]*\\), by .*/\\1/')
[ "\$(grep -c " b \$key\\\$" /proc/kallsyms)" -gt 1 ] ||
	fail "\$key is not a repeated name here: the test proves nothing"
grep -q "^\$addr b \$key\\\$" /proc/kallsyms ||
	fail "\$key placed at \$addr, where kallsyms has no \$key"
grep -q "^\$addr b attrs\\\$" /proc/kallsyms ||
	fail "\$key placed at \$addr, where kallsyms has no attrs (its neighbour)"
ksplice-undo power_resource || fail "ksplice-undo failed"
expect_nothing_loaded power_resource
echo "all good"
GUEST
run_guest "$guest"
