#!/bin/bash
# New values of read-only data, written over the running objects at the
# switch: a table of string pointers in vmlinux (task_state_array, the
# "State:" of /proc/PID/status) and a const table of a module read at
# mount time (bm_files of binfmt_misc: the status file's mode).  Undo
# puts the old values back.  Applied while binfmt_misc is not loaded, its
# table is written when it loads, each time.  A second update that would
# write the same objects is refused, naming one; so is an update made from
# a tree where the table differs.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

patch=$KSPLICE_ROOT/tests/patches/new-values.patch
update=$(make_update nv "$patch")
second=$(make_update nv_again "$patch")
tar -xOzf "$update" ksplice-nv/contents | grep -qx "new-value fs/proc/array.o task_state_array" ||
	{ echo "FAIL: the contents do not list task_state_array"; exit 1; }
mods=$(kernel_modules "$KSPLICE_TEST_TMP/mods" binfmt_misc)
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
D=/proc/sys/fs/binfmt_misc

# state_is TEXT: what /proc/1/status says of the sleeping init
state_is() {
	_s=\$(sed -n 's/^State:[[:space:]]*//p' /proc/1/status)
	[ "\$_s" = "\$1" ] || fail "State: '\$_s', expected '\$1'"
}
# mode_is MODE: binfmt_misc mounted afresh, its status file has MODE
mode_is() {
	mount -t binfmt_misc none \$D || fail "cannot mount binfmt_misc"
	_m=\$(stat -c %a \$D/status)
	umount \$D
	[ "\$_m" = "\$1" ] || fail "status mode \$_m, expected \$1"
}

step "before: the old values"
state_is "S (sleeping)"
insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc"
mode_is 644

step "applied: both objects have their new values"
ksplice-apply $update || fail "ksplice-apply failed"
state_is "S (sleeping, new value)"
mode_is 444
ksplice-view --id=nv | tee /tmp/view
grep -q "^  task_state_array (fs/proc/array.o)" /tmp/view || fail "ksplice-view does not list the new values"

step "the same objects again: refused"
ksplice-apply $second >/tmp/second 2>&1 && { cat /tmp/second; fail "the second update applied"; }
cat /tmp/second
grep -q "has a new value from update nv already: undo it first" /tmp/second ||
	fail "the refusal does not name the object and the update"
grep -q "data it gives a new value has one" /tmp/second || fail "the refusal does not say why in words"
expect_nothing_loaded nv_again
state_is "S (sleeping, new value)"

step "binfmt_misc unloaded and loaded again: written again"
rmmod binfmt_misc || fail "cannot unload binfmt_misc"
insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc again"
mode_is 444

step "undo: the old values back"
ksplice-undo nv || fail "ksplice-undo failed"
expect_nothing_loaded nv
state_is "S (sleeping)"
mode_is 644
rmmod binfmt_misc || fail "cannot unload binfmt_misc"

step "applied without binfmt_misc: its table is written when it loads"
ksplice-apply $update || fail "ksplice-apply failed"
state_is "S (sleeping, new value)"
insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc"
mode_is 444
ksplice-undo nv || fail "the second undo failed"
expect_nothing_loaded nv
mode_is 644
state_is "S (sleeping)"
rmmod binfmt_misc
echo "all good"
GUEST
run_guest "$guest" --add "$mods"
