#!/bin/bash
# ksplice-objdiff: statics that share a data section in the kernel's
# layout (no -fdata-sections) get a group and their offsets there, so
# that the core can place one that nothing binds from a neighbour that
# run-pre matching binds.  Here the helper (from the kernel-layout
# object) reaches the zero-size key only as count+8, while the new code
# names the key itself.
. "$(dirname "$0")/objdiff/lib.sh"

compile neighbour
gcc ${CFLAGS_OBJ/-ffunction-sections -fdata-sections/} -o "$T/neighbour-kernel.o" \
	"$SRC/neighbour-pre.c" || fail "gcc neighbour (kernel layout)"
koff() { nm "$T/neighbour-kernel.o" | awk -v n="$1" '$3 == n { print $1 }'; }
key=$(nm "$T/neighbour-pre.o" | awk '$3 ~ /^key\./ { print $3 }')
count=$(nm "$T/neighbour-pre.o" | awk '$3 ~ /^count\./ { print $3 }')
[ -n "$key" ] && [ -n "$count" ] || fail "no key.N or count.N in the object"
[ "$((16#$(objdump -h "$T/neighbour-kernel.o" | awk '$2 == ".bss" { print $3 }')))" = 8 ] ||
	fail "the kernel layout's .bss is not count and the zero-size key: the test needs it"

out=$T/neighbour.out
objdiff neighbour - "kernel-pre=$T/neighbour-kernel.o"
[ "$rc" = 0 ] || { show neighbour; fail "with kernel-pre: exit $rc, expected 0"; }
grep -q "\.name = \"$key\".*KSPLICE_SYM_NEEDED" "$out/helper.c" ||
	{ cat "$out/helper.c"; fail "$key is not a symbol the new code needs"; }
group_of() {
	grep "\.name = \"$1\"" "$out/helper.c" |
		sed -n 's/.*\.group = \([0-9]*\), \.group_off = \([0-9a-fx]*\) }.*/\1 \2/p'
}
read -r kg ko <<<"$(group_of "$key")"
read -r cg co <<<"$(group_of "$count")"
[ -n "$kg" ] && [ "$kg" = "$cg" ] ||
	{ cat "$out/helper.c"; fail "$key and $count are not in one group"; }
[ $((ko)) = $((16#$(koff "$key"))) ] && [ $((co)) = $((16#$(koff "$count"))) ] ||
	{ cat "$out/helper.c"; fail "offsets $ko, $co are not the kernel layout's"; }

# The per-variable sections of pre give no group.
objdiff neighbour
grep -q "\.group =" "$out/helper.c" 2>/dev/null &&
	{ cat "$out/helper.c"; fail "a group without the kernel layout"; }
exit 0
