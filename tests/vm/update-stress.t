#!/bin/bash
# A few cycles of bench/stress: an update of hot functions (ksys_read,
# do_sys_openat2, vsprintf's number, kill_pid_info, do_mkdirat) applied
# and undone while every vCPU runs a loop that calls them, the core
# checking each stop's shortcut against a check of every stack
# (precheck_verify): every cycle applied and undone (or refused
# code_busy), no load loop error, no kernel warning and no missed task.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

out=$KSPLICE_TEST_TMP/stress
if ! "$KSPLICE_ROOT/bench/stress" --cycles 10 --smp "${KSPLICE_SMP:-2}" --out "$out" >"$out.txt" 2>&1; then
	cat "$out.txt"
	[ -f "$out/vm.log" ] && sed 's/^/    /' "$out/vm.log"
	echo "FAIL: the stress cycles did not all pass"
	exit 1
fi
cat "$out.txt"
grep -q "^RESULT cycles=10 .* failed=0 load_errors=0 warnings=0$" "$out.txt" ||
	{ echo "FAIL: unexpected result"; exit 1; }
