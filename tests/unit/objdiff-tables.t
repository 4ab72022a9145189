#!/bin/bash
# ksplice-objdiff: a change that shows only in a kernel table is a
# change: WARN_ON -> WARN_ON_ONCE changes only the __bug_table flags of
# one function.  The new code carries its entry with the new flags.
. "$(dirname "$0")/objdiff/lib.sh"

compile bugflags
cmp -s <(objdump -d "$T/bugflags-pre.o" | tail -n +4) \
	<(objdump -d "$T/bugflags-post.o" | tail -n +4) ||
	fail "the code differs: the test needs code that does not"
objdiff bugflags
out=$T/bugflags.out
[ "$rc" = 0 ] || { show bugflags; fail "exit $rc, expected 0"; }
[ "$(cat "$out/changes")" = "changed test/bugflags.o check" ] ||
	{ show bugflags; fail "expected only 'check' changed"; }
grep -q "check: its __bug_table entries differ" "$out/stdout" ||
	{ show bugflags; fail "-v does not say why"; }
# the carried entry: addr, file, line (2 bytes), flags 0x0003
sed -n '/\.section __bug_table/,/^$/p' "$out/new-code.S" | grep '\.byte' |
	tail -n 1 | grep -q '0x03,0x00$' ||
	{ cat "$out/new-code.S"; fail "the new code's bug entry lacks BUGFLAG_ONCE"; }
exit 0
