#!/bin/bash
# Updates on top of updates: sqrt_b is made with --earlier=sqrt-recurse.patch
# (the patch of sqrt_a) and changes the same function again.  It refuses
# to apply without sqrt_a; on top of it, it replaces sqrt_a's new code;
# sqrt_a cannot be undone under it (abort on_top, naming sqrt_b) and
# nothing changes; undone in reverse order, the kernel is as before.
# tests/modules/recurse shows what int_sqrt returns.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

p1=$KSPLICE_ROOT/tests/patches/sqrt-recurse.patch
a=$(make_update sqrt_a "$p1")
b=$(make_update sqrt_b "$KSPLICE_ROOT/tests/patches/sqrt-stack.patch" "$KSPLICE_SOURCE" -- --earlier="$p1")
tar -xOzf "$b" ksplice-sqrt_b/contents | grep -qx "earlier $(sha256sum <"$p1" | cut -d' ' -f1)" ||
	{ echo "FAIL: sqrt_b's contents do not name the earlier patch"; exit 1; }
ko=$("$KSPLICE_ROOT/tests/modules/build" recurse "$KSPLICE_TEST_TMP/recurse")
bh=$("$KSPLICE_ROOT/tests/modules/build" badhelper "$KSPLICE_TEST_TMP/badhelper")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh

RECURSE_KO=$ko

step "sqrt_b alone is refused: it is made on top of sqrt_a"
ksplice-apply $b >/tmp/b.out 2>&1 && { cat /tmp/b.out; fail "sqrt_b applied without sqrt_a"; }
cat /tmp/b.out
grep -q "apply that one first" /tmp/b.out || fail "the refusal does not say why"
expect_nothing_loaded sqrt_b
sqrt_is 39907

step "sqrt_a, then sqrt_b on top"
ksplice-apply $a || fail "sqrt_a did not apply"
sqrt_is 42
ksplice-apply $b || fail "sqrt_b did not apply on top of sqrt_a"
sqrt_is 43
[ "\$(cat /sys/kernel/ksplice/sqrt_b/on_top_of)" = sqrt_a ] ||
	fail "sqrt_b is not shown on top of sqrt_a"
grep -q "int_sqrt.*\[ksplice_sqrt_a_new\]" /sys/kernel/tracing/enabled_functions ||
	{ cat /sys/kernel/tracing/enabled_functions; fail "sqrt_b does not redirect sqrt_a's new code"; }
ksplice-view | tee /tmp/view.out
grep -q "on top of: sqrt_a" /tmp/view.out || fail "ksplice-view does not show the stack"
grep -q "^  functions: int_sqrt\$" /tmp/view.out || fail "ksplice-view does not show the functions"
grep -q "^Effective kernel: .* with Ksplice updates sqrt_a sqrt_b\$" /tmp/view.out ||
	fail "ksplice-view does not show the stack in order"

step "a symbol found by name alone, with the replacements of sqrt_a and sqrt_b"
# kallsyms has int_sqrt three times now; the kernel's leads to the others
insmod $bh bad=needed || fail "the helper needing int_sqrt was refused"
[ "\$(cat /sys/kernel/ksplice/badin/abort_cause)" = none ] ||
	fail "int_sqrt was not resolved: \$(cat /sys/kernel/ksplice/badin/abort_detail)"
rmmod badhelper || fail "cannot unload the helper"

step "sqrt_a cannot be undone under sqrt_b"
ksplice-undo --raw-errors sqrt_a >/dev/null 2>/tmp/undo.err && fail "sqrt_a was undone under sqrt_b"
cat /tmp/undo.err
[ "\$(head -n 1 /tmp/undo.err)" = on_top ] || fail "the abort cause is not on_top"
grep -q "undo sqrt_b first" /tmp/undo.err || fail "the refusal does not name sqrt_b"
[ "\$(cat /sys/kernel/ksplice/sqrt_a/stage)" = applied ] || fail "sqrt_a changed stage"
sqrt_is 43

step "undone in reverse order"
ksplice-undo sqrt_b || fail "cannot undo sqrt_b"
sqrt_is 42
ksplice-undo sqrt_a || fail "cannot undo sqrt_a"
sqrt_is 39907
expect_nothing_loaded sqrt_a
expect_nothing_loaded sqrt_b
echo "all good"
GUEST
run_guest "$guest" --add "$KSPLICE_TEST_TMP/recurse" --add "$KSPLICE_TEST_TMP/badhelper"
