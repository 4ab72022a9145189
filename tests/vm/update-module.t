#!/bin/bash
# A fix in a loadable module (fs/binfmt_misc.c, built as binfmt_misc.ko):
# refused naming the module while it is not loaded, with nothing left
# loaded; applied while it is, its function found among the module's
# symbols and its static variable used by the new code; the module cannot
# be unloaded while the update holds it; undone, it can.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update bm "$KSPLICE_ROOT/tests/patches/binfmt-status.patch")
mods=$KSPLICE_TEST_TMP/mods
mkdir -p "$mods"
ko=$(find "$KSPLICE_KERNEL_DIR/lib/modules" -name binfmt_misc.ko | head -n 1)
[ -n "$ko" ] || { echo "FAIL: no binfmt_misc.ko in $KSPLICE_KERNEL_DIR"; exit 1; }
cp "$ko" "$mods/"
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
S=/proc/sys/fs/binfmt_misc/status

step "the module is not loaded: refused, naming it"
ksplice-apply $update >/tmp/out 2>&1 && fail "applied without its module"
cat /tmp/out
grep -q "a module it changes is not loaded" /tmp/out || fail "the refusal does not say why"
grep -q "module binfmt_misc is not loaded" /tmp/out || fail "the refusal does not name the module"
expect_nothing_loaded bm
expect_no_core

step "loaded: applied"
insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc"
mount -t binfmt_misc none /proc/sys/fs/binfmt_misc || fail "cannot mount binfmt_misc"
[ "\$(cat \$S)" = enabled ] || fail "status is '\$(cat \$S)' before the update"
ksplice-apply $update || fail "ksplice-apply failed"
[ "\$(cat \$S)" = Enabled ] || fail "status is '\$(cat \$S)' with the update applied"
echo 0 >\$S
[ "\$(cat \$S)" = Disabled ] || fail "status is '\$(cat \$S)' after disabling"
echo 1 >\$S
ksplice-view | tee /tmp/view
grep -q "functions: .*binfmt_misc:bm_status_read" /tmp/view || fail "ksplice-view does not name the module's function"

step "the module stays while the update holds it"
umount /proc/sys/fs/binfmt_misc
rmmod binfmt_misc 2>/dev/null && fail "binfmt_misc was unloaded under the update"
grep "^binfmt_misc " /proc/modules
grep -q "^binfmt_misc .*ksplice_bm_new" /proc/modules || fail "lsmod does not show the update using binfmt_misc"

step "undo"
mount -t binfmt_misc none /proc/sys/fs/binfmt_misc || fail "cannot mount binfmt_misc again"
ksplice-undo bm || fail "ksplice-undo failed"
[ "\$(cat \$S)" = enabled ] || fail "status is '\$(cat \$S)' after undo"
expect_nothing_loaded bm
umount /proc/sys/fs/binfmt_misc
rmmod binfmt_misc || fail "binfmt_misc cannot be unloaded after the undo"
echo "all good"
GUEST
run_guest "$guest" --add "$mods"
