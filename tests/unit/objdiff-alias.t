#!/bin/bash
# ksplice-objdiff: aliases (one body under several names, as SYSCALL_DEFINE
# makes __x64_sys_foo and __ia32_sys_foo of __do_sys_foo) are one function:
# one changed unit and one patch, so no address is redirected twice.
. "$(dirname "$0")/objdiff/lib.sh"

compile alias
objdiff alias
[ "$rc" = 0 ] || { show alias; fail "changed aliased body: exit $rc, expected 0"; }
[ "$(cat "$T/alias.out/changes")" = "changed test/alias.o __do_sys_thing" ] ||
	{ show alias; fail "changes should list the body once, as __do_sys_thing"; }
n=$(grep -c '\.new_code = ' "$T/alias.out/new-desc.c")
[ "$n" = 1 ] || fail "$n patches for one function, expected 1"
exit 0
