#!/bin/bash
# A function with no ftrace site (kernel/trace/ is built without -pg):
# tracing_readme_read gets a jump over its entry, the change shows in
# /sys/kernel/tracing/README, and undo puts its bytes back.  A kprobe
# event placed on the jumped-over entry fires and the new code still
# runs; undo is refused, naming the function, until the kprobe is gone
# (tests/modules/probe: kprobe events refuse functions without a site).
# A cumulative update takes the jump over.  A kprobe there before the
# update: refused, naming the function (a
# kprobe of ours beside it would silence it).  With jump=N, a kprobe
# redirects it.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

update=$(make_update readme "$KSPLICE_ROOT/tests/patches/tracing-readme.patch")
twice=$(make_update readme2 "$KSPLICE_ROOT/tests/patches/tracing-readme-twice.patch" \
	"$KSPLICE_SOURCE" -- --replaces=readme)
ko=$("$KSPLICE_ROOT/tests/modules/build" probe "$KSPLICE_TEST_TMP/probe")
guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
README=/sys/kernel/tracing/README
KPROBES=/sys/kernel/debug/kprobes/list
T=/sys/kernel/tracing
R=/sys/kernel/ksplice/readme/redirects
NEW="ksplice: this README was replaced"
OLD="tracing mini-HOWTO:"
expect_prefix \$README "\$OLD"
grep -q "tracing_readme_read" \$T/available_filter_functions &&
	fail "tracing_readme_read has an ftrace site: this test needs one without"
insmod /usr/lib/ksplice/ksplice.ko || fail "cannot load the core"

# probe on|off: a kprobe on the entry of tracing_readme_read (the module
# says its hits when unloaded); kprobe events refuse functions without
# an ftrace site
probe() {
	if [ \$1 = on ]; then
		insmod $ko || fail "cannot place the kprobe"
	else
		rmmod probe || fail "cannot remove the kprobe"
	fi
}
# hits: the hits of the kprobe just removed
hits() {
	dmesg | sed -n 's/.*ksplice-test-probe: tracing_readme_read: hits=//p' | tail -n 1
}

step "jump: applied"
ksplice-apply $update || fail "ksplice-apply failed"
cat \$R
grep -qx "tracing_readme_read jump caught=0 missed=0" \$R || fail "not redirected by a jump"
expect_prefix \$README "\$NEW"
grep -q "tracing_readme_read" \$KPROBES && fail "a kprobe on tracing_readme_read, expected none"

step "jump: a kprobe on the jumped-over entry fires, and the new code runs"
probe on
expect_prefix \$README "\$NEW"

step "jump: undo refused while the kprobe is there"
ksplice-undo readme >/tmp/undo.out 2>&1 && { cat /tmp/undo.out; fail "undone under a kprobe"; }
cat /tmp/undo.out
grep -q "tracing_readme_read: its entry no longer holds what ksplice wrote there" /tmp/undo.out ||
	fail "the refusal does not name the function and the reason"
expect_prefix \$README "\$NEW"
probe off
[ "\$(hits)" = 2 ] || fail "the kprobe was hit \$(hits) times, expected 2"
expect_prefix \$README "\$NEW"
ksplice-undo readme || fail "ksplice-undo failed"
expect_prefix \$README "\$OLD"
expect_nothing_loaded readme

step "jump: a cumulative update takes the jump over"
ksplice-apply $update || fail "ksplice-apply failed"
ksplice-apply $twice || fail "the cumulative update did not apply"
expect_prefix \$README "\$NEW twice"
expect_nothing_loaded readme
grep -qx "tracing_readme_read jump caught=0 missed=0" /sys/kernel/ksplice/readme2/redirects ||
	fail "the cumulative update does not redirect by a jump"
ksplice-undo readme2 || fail "ksplice-undo failed"
expect_prefix \$README "\$OLD"
expect_nothing_loaded readme2

step "a kprobe on the entry before the update: refused, naming the function"
probe on
ksplice-apply $update >/tmp/apply.out 2>&1 && { cat /tmp/apply.out; fail "applied beside the kprobe"; }
cat /tmp/apply.out
grep -q "tracing_readme_read: another kprobe is on its entry" /tmp/apply.out ||
	fail "the refusal does not name the function and the reason"
expect_nothing_loaded readme
expect_prefix \$README "\$OLD"
probe off
[ "\$(hits)" = 1 ] || fail "the kprobe was hit \$(hits) times, expected 1"

step "jump=N: a kprobe"
echo N >/sys/module/ksplice/parameters/jump
ksplice-apply $update || fail "ksplice-apply failed"
grep -qx "tracing_readme_read kprobe caught=0 missed=0" \$R || fail "not redirected by a kprobe"
expect_prefix \$README "\$NEW"
grep -q "tracing_readme_read" \$KPROBES || fail "no kprobe on tracing_readme_read"
ksplice-undo readme || fail "ksplice-undo failed"
expect_prefix \$README "\$OLD"
grep -q "tracing_readme_read" \$KPROBES && fail "the kprobe was left behind"
expect_nothing_loaded readme
echo "all good"
GUEST
run_guest "$guest" --add "$KSPLICE_TEST_TMP/probe"
