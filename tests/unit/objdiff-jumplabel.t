#!/bin/bash
# ksplice-objdiff: the helper's window over a jump label carries the
# entry's target (an offset in the function), so that the core accepts
# only a jump there, not a jump anywhere.
. "$(dirname "$0")/objdiff/lib.sh"

compile jumplabel
objdiff jumplabel
out=$T/jumplabel.out
[ "$rc" = 0 ] || { show jumplabel; fail "exit $rc, expected 0"; }
line=$(grep '\.kind = 6' "$out/helper.c") ||
	{ cat "$out/helper.c"; fail "no jump-label window in the helper"; }
echo "$line"
# the target: where the label's code is in jl_func of the pre object
want=$(objdump -d "$T/jumplabel-pre.o" |
	awk '/<jl_func>:/ { f = 1 } f && /\(%rdi,%rdi,2\)/ { sub(/:.*/, ""); print $1; exit }')
[ -n "$want" ] || { objdump -d "$T/jumplabel-pre.o"; fail "cannot find the label's code"; }
echo "$line" | grep -q "\.flags = KSPLICE_RWF_TARGET, \.target = 0x$want " ||
	{ objdump -dr "$T/jumplabel-pre.o"; fail "the window's target is not 0x$want"; }
exit 0
