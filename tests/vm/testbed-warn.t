#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A kernel WARNING in the guest makes the run fail, with a reason that
# names it, even though the script itself succeeds.

set -euo pipefail
tmp=$KSPLICE_TEST_TMP

ko=$("$KSPLICE_ROOT/tests/modules/build" warn "$tmp/warn")

cat >"$tmp/guest.sh" <<GUEST
insmod $ko && exit 1
echo "insmod failed as expected"
exit 0
GUEST

rc=0
"$KSPLICE_TESTBED" run --timeout 120 --add "$tmp/warn" "$tmp/guest.sh" \
	>"$tmp/console" 2>"$tmp/stderr" || rc=$?
cat "$tmp/console" "$tmp/stderr"

((rc != 0)) || { echo "FAIL: the test bed passed a run that warned"; exit 1; }
grep -q '^insmod failed as expected$' "$tmp/console"
grep -q '^ksplice-testbed: guest kernel logged a WARNING' "$tmp/stderr"
echo "ok: the WARNING failed the run (status $rc)"
