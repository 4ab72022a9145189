#!/bin/bash
# A function with no ftrace site (kernel/trace/ is built without -pg):
# tracing_readme_read is redirected through a kprobe, the change shows in
# /sys/kernel/tracing/README, and undo removes the kprobe again.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update readme "$KSPLICE_ROOT/tests/patches/tracing-readme.patch")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
README=/sys/kernel/tracing/README
KPROBES=/sys/kernel/debug/kprobes/list
expect_prefix \$README "tracing mini-HOWTO:"
grep -q "tracing_readme_read" /sys/kernel/tracing/available_filter_functions &&
	fail "tracing_readme_read has an ftrace site: this test needs one without"

ksplice-apply $update || fail "ksplice-apply failed"
expect_prefix \$README "ksplice: this README was replaced"
grep -q "tracing_readme_read" \$KPROBES || fail "no kprobe on tracing_readme_read"

ksplice-undo readme || fail "ksplice-undo failed"
expect_prefix \$README "tracing mini-HOWTO:"
grep -q "tracing_readme_read" \$KPROBES && fail "the kprobe was left behind"
expect_nothing_loaded readme
echo "all good"
GUEST
run_guest "$guest"
