#!/bin/bash
# ksplice-objdiff: the kernel is built without -ffunction-sections, so a
# jump to a neighbouring function can be a 2-byte jmp in the running
# kernel where pre has 5 bytes and a relocation.  objdiff asks for pre
# built as the kernel builds it (exit 10, "kernel-pre" in need-builds)
# and makes the helper from it: its code is the kernel's, short jump
# included, while the comparison still uses the per-function objects.
. "$(dirname "$0")/objdiff/lib.sh"

compile shortjmp
gcc ${CFLAGS_OBJ/-ffunction-sections -fdata-sections/} -o "$T/shortjmp-kernel.o" \
	"$SRC/shortjmp-pre.c" || fail "gcc shortjmp (kernel layout)"
objdump -d "$T/shortjmp-kernel.o" | grep -q 'eb .*jmp.*<triple>' ||
	fail "the compiler made no short jump to triple: the test needs one"

objdiff shortjmp
[ "$rc" = 10 ] || { show shortjmp; fail "exit $rc, expected 10"; }
[ "$(cat "$T/shortjmp.out/need-builds")" = "kernel-pre test/shortjmp.o" ] ||
	{ show shortjmp; fail "need-builds does not ask for test/shortjmp.o"; }

out=$T/shortjmp.out
objdiff shortjmp - "kernel-pre=$T/shortjmp-kernel.o"
[ "$rc" = 0 ] || { show shortjmp; fail "with kernel-pre: exit $rc, expected 0"; }
[ "$(cat "$out/changes")" = "changed test/shortjmp.o other" ] ||
	{ show shortjmp; fail "expected only 'other' changed"; }
# the helper's tail is the kernel's: its size and its short jmp
ksize=$((16#$(nm -S "$T/shortjmp-kernel.o" | awk '$4 == "tail" { print $2 }')))
grep -A4 '\.name = "tail"' "$out/helper.c" | grep -q "\.size = $ksize," ||
	{ cat "$out/helper.c"; fail "the helper's tail is not $ksize bytes"; }
# 'other' is patched through the helper section of the kernel-layout object
grep -A8 '\.name = "other"' "$out/helper.c" | grep -q KSPLICE_SECT_REPLACED ||
	{ cat "$out/helper.c"; fail "other is not flagged replaced"; }
exit 0
