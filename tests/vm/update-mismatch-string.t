#!/bin/bash
# An update made from a tree whose meminfo_proc_show differs from the
# running kernel's only in a string literal (the "SwapCached:" label reads
# "SwapKached:"; the code bytes are the same) aborts with no_match naming
# the function and an offset, and changes nothing: run-pre matching checks
# the string a relocation refers to, not only the code.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

tree=$(mismatch_tree)
update=$(make_update mismatch_str "$KSPLICE_ROOT/tests/patches/meminfo.patch" "$tree")

# The helper module's source is not in the archive; check that the update
# carries what makes the difference visible: the changed label as the
# content of a relocation of meminfo_proc_show's pre code.
tar -xOzf "$update" ksplice-mismatch_str/ksplice_mismatch_str_helper.ko \
	>"$KSPLICE_TEST_TMP/helper.ko"
grep -aq 'SwapKached:     ' "$KSPLICE_TEST_TMP/helper.ko" ||
	{ echo "the helper does not carry the tree's \"SwapKached:\" label"; exit 1; }

guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
cat /proc/meminfo >/tmp/meminfo.before
grep -q "^SwapCached: " /tmp/meminfo.before || fail "no SwapCached line in /proc/meminfo"
expect_fail_with no_match /tmp/apply.out ksplice-apply --raw-errors $update
grep -q "meminfo_proc_show" /tmp/apply.out || fail "the report does not name meminfo_proc_show"
grep -q "+0x[0-9a-f]" /tmp/apply.out || fail "the report does not give the differing offset"
expect_nothing_loaded mismatch_str
expect_no_core
grep -q "^MemTotal: " /proc/meminfo || fail "/proc/meminfo lost its MemTotal line"
grep -q "^KspliceMemTotal:" /proc/meminfo && fail "/proc/meminfo was replaced"
grep -q "^SwapCached: " /proc/meminfo || fail "/proc/meminfo lost its SwapCached line"
echo "all good"
GUEST
run_guest "$guest"
