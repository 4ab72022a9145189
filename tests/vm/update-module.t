#!/bin/bash
# A fix in a loadable module (fs/binfmt_misc.c, built as binfmt_misc.ko),
# its function found among the module's symbols and its static variable
# used by the new code.  Applied while the module is not loaded, it waits
# and patches the module when it loads, before its init; unloaded and
# loaded again, it is patched again; after the undo it loads unpatched.
# Applied while loaded, it is patched in the same switch, and the module
# can still be unloaded and comes back patched.  An update made from a
# tree where the module's function differs is refused when the module
# loads: the module does not load (it would run unpatched).
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update bm "$KSPLICE_ROOT/tests/patches/binfmt-status.patch")
tree=$(mismatch_tree)
bad=$(make_update bm "$KSPLICE_ROOT/tests/patches/binfmt-status-mismatch.patch" "$tree")
mods=$(kernel_modules "$KSPLICE_TEST_TMP/mods" binfmt_misc)
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
S=/proc/sys/fs/binfmt_misc/status
T=/sys/kernel/ksplice/bm/targets

# load: binfmt_misc loaded and mounted; unload: the reverse
load() {
	insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc"
	mount -t binfmt_misc none /proc/sys/fs/binfmt_misc || fail "cannot mount binfmt_misc"
}
unload() {
	umount /proc/sys/fs/binfmt_misc
	rmmod binfmt_misc || fail "cannot unload binfmt_misc"
}
# status WORD: what the status file says
status() {
	[ "\$(cat \$S)" = "\$1" ] || fail "status is '\$(cat \$S)', expected '\$1'"
}

step "applied while the module is not loaded: it waits"
ksplice-apply $update | tee /tmp/out || fail "ksplice-apply failed"
grep -q "module binfmt_misc: not loaded; patched when it loads" /tmp/out ||
	fail "ksplice-apply does not say the module waits"
[ "\$(cat \$T)" = "binfmt_misc waiting" ] || fail "targets: \$(cat \$T)"
grep -q "^ksplice_bm_helper " /proc/modules || fail "the helper was unloaded"

step "the module loads: patched before its init"
load
status Enabled
echo 0 >\$S
status Disabled
echo 1 >\$S
[ "\$(cat \$T)" = "binfmt_misc patched" ] || fail "targets: \$(cat \$T)"
ksplice-view | tee /tmp/view
grep -q "functions: .*binfmt_misc:bm_status_read" /tmp/view || fail "ksplice-view does not name the module's function"
grep -q "module binfmt_misc: patched" /tmp/view || fail "ksplice-view does not say the module is patched"

step "unloaded and loaded again: patched again"
unload
[ "\$(cat \$T)" = "binfmt_misc waiting" ] || fail "targets after unload: \$(cat \$T)"
load
status Enabled

step "undo: the module loads unpatched"
ksplice-undo bm || fail "ksplice-undo failed"
status enabled
expect_nothing_loaded bm
unload
load
status enabled

step "applied while the module is loaded: patched at once"
ksplice-apply $update || fail "ksplice-apply failed"
status Enabled
[ "\$(cat \$T)" = "binfmt_misc patched" ] || fail "targets: \$(cat \$T)"
unload
load
status Enabled
ksplice-undo bm || fail "second ksplice-undo failed"
status enabled
expect_nothing_loaded bm
unload

step "made from another source: the module is refused when it loads"
ksplice-apply $bad || fail "ksplice-apply of the mismatched update failed"
dmesg -c >/dev/null
insmod $mods/binfmt_misc.ko 2>/tmp/err && fail "binfmt_misc loaded under an update that cannot patch it"
cat /tmp/err
dmesg | grep "binfmt_misc: update bm cannot patch it" ||
	{ dmesg | tail; fail "the refusal does not name the update"; }
dmesg | grep -q "bm_status_read (fs/binfmt_misc.o): no match" || fail "the refusal does not name the function"
grep -q "^binfmt_misc " /proc/modules && fail "binfmt_misc is loaded"
[ "\$(cat \$T)" = "binfmt_misc waiting" ] || fail "targets: \$(cat \$T)"
ksplice-undo bm || fail "undo of the mismatched update failed"
expect_nothing_loaded bm
load
status enabled
unload
echo "all good"
GUEST
run_guest "$guest" --add "$mods"
