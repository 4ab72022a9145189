#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An out-of-tree module built against the test kernel's headers, handed
# to the guest with --add, loads and unloads cleanly (the O and E taints
# it causes are allowed).

set -euo pipefail
tmp=$KSPLICE_TEST_TMP

ko=$("$KSPLICE_ROOT/tests/modules/build" hello "$tmp/hello")

cat >"$tmp/guest.sh" <<GUEST
set -e
insmod $ko
grep -q '^hello ' /proc/modules
rmmod hello
! grep -q '^hello ' /proc/modules
dmesg | grep 'ksplice-test-hello:'
GUEST

"$KSPLICE_TESTBED" run --timeout 120 --add "$tmp/hello" "$tmp/guest.sh" \
	>"$tmp/console"
cat "$tmp/console"

grep -q '\] ksplice-test-hello: loaded$' "$tmp/console"
grep -q '\] ksplice-test-hello: unloaded$' "$tmp/console"
grep -Eq '^KSPLICE-TESTBED-RESULT status=0 tainted=(4096|8192|12288)$' \
	"$tmp/console"
echo "ok: module loaded and unloaded in the guest"
