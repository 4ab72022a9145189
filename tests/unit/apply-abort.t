#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failed applies are reported in words (and raw with --raw-errors) and
# leave no module of the update loaded.
. "$(dirname "$0")/apply-fake-kernel.sh"

# The helper finds no match.
make_update "$T/nm" nm
FAKE_HELPER_CAUSE=no_match tool ksplice-apply "$T/nm"
[ "$STATUS" = 1 ] || fail "no_match: want status 1"
grep -q "differs from the running kernel" "$T/err" || fail "no_match not in words"
grep -q "version_proc_show: no matching code" "$T/err" || fail "abort_detail not shown"
grep -qx "rmmod ksplice_nm_helper" "$FAKE_LOG" || fail "helper not unloaded"
grep -q "insmod ksplice_nm_new" "$FAKE_LOG" && fail "new module loaded after no_match"
[ -z "$(loaded_modules)" ] || fail "modules left (the core too: this apply loaded it): $(loaded_modules)"
[ "$(sed -n '$p' "$FAKE_LOG")" = "rmmod ksplice" ] || fail "the core was not unloaded last"

# Applying finds the code busy.
: >"$FAKE_LOG"
make_update "$T/cb" cb
FAKE_APPLY_FAIL=1 tool ksplice-apply --raw-errors "$T/cb"
[ "$STATUS" = 1 ] || fail "code_busy: want status 1"
[ "$(head -n 1 "$T/err")" = code_busy ] || fail "--raw-errors: first line not the code"
grep -q "unable to find a moment when no thread is running" "$T/err" ||
	fail "code_busy not in words"
grep -qx "  cat (pid 42) is running version_proc_show" "$T/err" || fail "conflict 1"
grep -qxF "  my prog (pid 7) is running version_proc_show+0x4/0x3a [ksplice_cb_new]" "$T/err" || fail "conflict 2"
grep -q "2 tasks in the way" "$T/err" || fail "abort_detail not shown"
grep -qx "rmmod ksplice_cb_new" "$FAKE_LOG" || fail "new module not unloaded"
grep -qx "rmmod ksplice_cb_helper" "$FAKE_LOG" || fail "helper not unloaded"
[ "$(grep -n '^rmmod ksplice_cb_' "$FAKE_LOG" | cut -d: -f2 | tr '\n' ' ')" = \
	"rmmod ksplice_cb_new rmmod ksplice_cb_helper " ] ||
	fail "helper unloaded before the new module"
[ -z "$(loaded_modules)" ] || fail "modules left (the core too: this apply loaded it): $(loaded_modules)"
[ "$(sed -n '$p' "$FAKE_LOG")" = "rmmod ksplice" ] || fail "the core was not unloaded last"
[ ! -e "$KSPLICE_STATE_DIR/cb" ] || fail "state saved for a failed update"
exit 0
