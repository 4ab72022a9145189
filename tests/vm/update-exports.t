#!/bin/bash
# Exports a patch adds: a new function of a module (binfmt_misc_enabled,
# EXPORT_SYMBOL, in binfmt_misc.ko) and an existing one of vmlinux
# (nr_processes, EXPORT_SYMBOL_GPL).  A module built against them
# (tests/modules/useexport, with the symbol versions the update's
# contents give) loads only while the update is applied; the undo is
# refused while it is loaded, and binfmt_misc cannot go meanwhile.
# Applied while binfmt_misc is not loaded, the exports wait for it.  A
# second update with the same exports is refused while the first is
# applied.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

patch=$KSPLICE_ROOT/tests/patches/exports.patch
update=$(make_update ex "$patch")
second=$(make_update ex_again "$patch")
T=$KSPLICE_TEST_TMP
tar -xOzf "$update" ksplice-ex/contents >"$T/contents"
grep -Eqx "export fs/binfmt_misc.o binfmt_misc_enabled EXPORT_SYMBOL 0x[0-9a-f]{8}" "$T/contents" &&
	grep -Eqx "export kernel/fork.o nr_processes EXPORT_SYMBOL_GPL 0x[0-9a-f]{8}" "$T/contents" ||
	{ cat "$T/contents"; echo "FAIL: the contents do not list the two exports"; exit 1; }
awk '$1 == "export" { printf "%s\t%s\tvmlinux\t%s\t\n", $5, $3, $4 }' \
	"$T/contents" >"$T/exports.symvers"
use=$("$KSPLICE_ROOT/tests/modules/build" useexport "$T/useexport" "$T/exports.symvers")
mods=$(kernel_modules "$T/mods" binfmt_misc)
cp "$use" "$mods/"
guest=$T/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
E=/sys/kernel/ksplice/ex/exports

# exports_are STATE: both exports are in STATE (published or hidden)
exports_are() {
	cat \$E
	[ "\$(cat \$E)" = "binfmt_misc_enabled \$1
nr_processes \$1" ] || fail "exports: '\$(cat \$E)', expected both \$1"
}
# use_loads: useexport loads, and what it called answered
use_loads() {
	dmesg -c >/dev/null
	insmod $mods/useexport.ko || fail "useexport does not load"
	dmesg | grep "ksplice-test-useexport: enabled=1 processes=[1-9]" ||
		{ dmesg | tail; fail "useexport did not log what the exports return"; }
}
# use_refused: useexport does not load, for want of the exports
use_refused() {
	dmesg -c >/dev/null
	insmod $mods/useexport.ko 2>/dev/null && fail "useexport loaded without the exports"
	dmesg | grep -q "useexport: Unknown symbol binfmt_misc_enabled" ||
		{ dmesg | tail; fail "useexport was not refused for the missing export"; }
}

step "before any update: useexport cannot load"
use_refused

step "applied with binfmt_misc loaded: both published"
insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc"
ksplice-apply $update || fail "ksplice-apply failed"
exports_are published
use_loads
grep "^ksplice_ex_new " /proc/modules
ksplice-view | tee /tmp/view
grep -q "exports: binfmt_misc_enabled (published), nr_processes (published)" /tmp/view ||
	fail "ksplice-view does not list the exports"
grep -q "^ksplice_ex_new .*useexport" /proc/modules || fail "useexport is not a user of the new-code module"

step "undo refused while useexport uses them; binfmt_misc stays"
ksplice-undo ex >/tmp/undo 2>&1 && { cat /tmp/undo; fail "the undo went through"; }
cat /tmp/undo
grep -q "useexport uses the functions update ex exports" /tmp/undo ||
	fail "the refusal does not name the module that uses the exports"
[ "\$(cat /sys/kernel/ksplice/ex/stage)" = applied ] || fail "the update is not applied any more"
exports_are published
rmmod binfmt_misc 2>/dev/null && fail "binfmt_misc was unloaded under its exported code"
grep -q "^binfmt_misc " /proc/modules || fail "binfmt_misc is gone"

step "a second update with the same exports is refused"
ksplice-apply $second >/tmp/second 2>&1 && { cat /tmp/second; fail "the second update applied"; }
cat /tmp/second
grep -q "binfmt_misc_enabled, which this update exports, is already exported by ex" /tmp/second ||
	fail "the refusal does not name the export and its owner"
grep -q "a function it exports is exported" /tmp/second ||
	fail "the refusal does not say why in words"
expect_nothing_loaded ex_again

step "useexport unloaded: the undo withdraws the exports"
rmmod useexport || fail "cannot unload useexport"
ksplice-undo ex || fail "ksplice-undo failed"
expect_nothing_loaded ex
use_refused
rmmod binfmt_misc || fail "binfmt_misc cannot be unloaded after the undo"

step "applied without binfmt_misc: the exports wait for it"
ksplice-apply $update || fail "ksplice-apply failed"
exports_are hidden
use_refused
insmod $mods/binfmt_misc.ko || fail "cannot load binfmt_misc"
exports_are published
use_loads
rmmod useexport || fail "cannot unload useexport"
ksplice-undo ex || fail "the second undo failed"
expect_nothing_loaded ex
rmmod binfmt_misc || fail "cannot unload binfmt_misc"
echo "all good"
GUEST
run_guest "$guest" --add "$mods"
