#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A successful apply loads core, helper and new module in order, unloads
# the helper, saves the update; view lists it; undo reverses and unloads.
. "$(dirname "$0")/apply-fake-kernel.sh"

make_update "$T/u/ksplice-ok1" ok1
(cd "$T/u" && tar -czf "$T/ksplice-ok1.tar.gz" ksplice-ok1)
tool ksplice-apply "$T/ksplice-ok1.tar.gz"
[ "$STATUS" = 0 ] || fail "apply: status $STATUS"
grep -q "Done! Update ok1 is applied." "$T/out" || fail "no success line"
want="insmod ksplice
insmod ksplice_ok1_helper
insmod ksplice_ok1_new
rmmod ksplice_ok1_helper"
[ "$(cat "$FAKE_LOG")" = "$want" ] || fail "module commands"
[ "$(cat "$KSPLICE_SYSFS/kernel/ksplice/ok1/stage")" = applied ] || fail "stage"
for f in contents patch description ksplice_ok1_new.ko; do
	[ -f "$KSPLICE_STATE_DIR/ok1/$f" ] || fail "state: no $f"
done

tool ksplice-view
[ "$(head -n 1 "$T/out")" = "ok1: test update" ] || fail "view list"
tail -n 1 "$T/out" | grep -qx "Effective kernel: .* with Ksplice updates ok1" ||
	fail "view: no effective kernel: $(cat "$T/out")"
tool ksplice-view --id=ok1
grep -qx "stage: applied" "$T/out" && grep -q "^+++ b/fs/proc/version.c" "$T/out" ||
	fail "view --id"

# Core already loaded: not loaded again.
: >"$FAKE_LOG"
tool ksplice-apply "$T/u/ksplice-ok1"
[ "$STATUS" = 1 ] && grep -q "already loaded: stage applied" "$T/err" || fail "reapply"

: >"$FAKE_LOG"
tool ksplice-undo ok1
[ "$STATUS" = 0 ] || fail "undo: status $STATUS"
[ "$(cat "$FAKE_LOG")" = "rmmod ksplice_ok1_new" ] || fail "undo module commands"
[ ! -e "$KSPLICE_STATE_DIR/ok1" ] || fail "state not removed"
tool ksplice-view
grep -qx "No Ksplice updates are applied." "$T/out" || fail "view after undo"
[ "$(loaded_modules)" = ksplice ] || fail "modules left: $(loaded_modules)"
exit 0
