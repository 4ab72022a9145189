#!/bin/bash
# On one CPU the kernel rewrites every lock prefix listed in .smp_locks
# into a ds prefix.  Updates of functions with atomic operations still
# match and apply there: the hot functions of the sweep, meminfo_proc_show
# (alternatives) and delayed_put_pid (a short jump), in a 1-vCPU guest.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

updates=
for p in "$KSPLICE_ROOT"/tests/patches/sweep/*.patch; do
	updates="$updates $(make_update "sweep_$(basename "$p" .patch)" "$p")"
done
updates="$updates $(make_update meminfo "$KSPLICE_ROOT/tests/patches/meminfo.patch")"
updates="$updates $(make_update short_jump "$KSPLICE_ROOT/tests/patches/short-jump.patch")"
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
[ "\$(grep -c ^processor /proc/cpuinfo)" = 1 ] || fail "the guest has more than one CPU"
ids=
for u in $updates; do
	id=\${u##*/ksplice-}
	id=\${id%.tar.gz}
	ksplice-apply \$u || fail "ksplice-apply \$id failed on one CPU"
	ids="\$id \$ids"
done
step "all applied; the system still works"
ls /proc >/dev/null && [ "\$(echo x | cat)" = x ] || fail "the system is broken"
grep -q "^KspliceMemTotal: " /proc/meminfo || fail "/proc/meminfo not replaced"
for id in \$ids; do
	ksplice-undo \$id || fail "ksplice-undo \$id failed"
	expect_nothing_loaded \$id
done
echo "all good"
GUEST
run_guest "$guest" --smp 1 --timeout 600
