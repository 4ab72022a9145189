#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The run's status is the script's status, and a run that exceeds its
# time limit is stopped and fails with that reason.

set -euo pipefail
tmp=$KSPLICE_TEST_TMP
tb=$KSPLICE_TESTBED

printf 'echo about to fail\nexit 3\n' >"$tmp/exit3.sh"
rc=0
"$tb" run --timeout 120 "$tmp/exit3.sh" >"$tmp/console" 2>"$tmp/stderr" ||
	rc=$?
cat "$tmp/console" "$tmp/stderr"
((rc == 3)) || { echo "FAIL: expected status 3, got $rc"; exit 1; }
grep -q '^ksplice-testbed: script exited with status 3$' "$tmp/stderr"

# The guest sleeps past the limit on purpose: the time limit is the
# thing under test.
printf 'echo sleeping\nsleep 600\n' >"$tmp/hang.sh"
rc=0
start=$SECONDS
"$tb" run --timeout 20 "$tmp/hang.sh" >"$tmp/console" 2>"$tmp/stderr" ||
	rc=$?
took=$((SECONDS - start))
cat "$tmp/console" "$tmp/stderr"
((rc == 124)) || { echo "FAIL: expected status 124, got $rc"; exit 1; }
grep -q '^ksplice-testbed: time limit of 20s reached' "$tmp/stderr"
grep -qx sleeping "$tmp/console"
((took < 40)) || { echo "FAIL: the 20 s limit took ${took}s"; exit 1; }

# Usage errors are reported, not run.
rc=0
"$tb" run --bogus "$tmp/exit3.sh" 2>"$tmp/stderr" || rc=$?
((rc == 2)) || { echo "FAIL: unknown option gave status $rc"; exit 1; }
grep -q 'unknown option: --bogus' "$tmp/stderr"
rc=0
"$tb" run 2>"$tmp/stderr" || rc=$?
((rc == 2)) || { echo "FAIL: missing SCRIPT gave status $rc"; exit 1; }
grep -q 'needs exactly one SCRIPT' "$tmp/stderr"
echo "ok: status passed through, time limit enforced"
