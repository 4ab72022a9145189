#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM boots the test kernel, the guest runs the script as root with
# the usual file systems mounted, and files in /out come back to --out.

set -euo pipefail
tmp=$KSPLICE_TEST_TMP

cat >"$tmp/guest.sh" <<'GUEST'
set -e
echo "release: $(uname -r)"
[ "$(id -u)" = 0 ]
[ "$(pwd)" = / ]
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts
grep -q ' /out tmpfs ' /proc/mounts
uname -r >/out/release
mkdir /out/sub
seq 1 20000 >/out/sub/numbers
GUEST

"$KSPLICE_TESTBED" run --timeout 120 --out "$tmp/out" "$tmp/guest.sh" \
	>"$tmp/console"
cat "$tmp/console"

grep -qx "release: $KSPLICE_KERNEL_RELEASE" "$tmp/console"
[[ $(cat "$tmp/out/release") == "$KSPLICE_KERNEL_RELEASE" ]]
seq 1 20000 | cmp - "$tmp/out/sub/numbers"
echo "ok: guest ran $KSPLICE_KERNEL_RELEASE and /out came back"
