#!/bin/bash
# ksplice-objdiff: the helper's paravirt window carries the site's pv_ops
# slot, and an alternative's replacement carries its relocations, so that
# the core accepts there only a call to the slot's function or to the
# replacement's target, not a call anywhere.
. "$(dirname "$0")/objdiff/lib.sh"

compile altpv
objdiff altpv
out=$T/altpv.out
[ "$rc" = 0 ] || { show altpv; fail "exit $rc, expected 0"; }
h=$out/helper.c
pv=$(grep '\.kind = 5' "$h") || { cat "$h"; fail "no paravirt window in the helper"; }
echo "$pv"
echo "$pv" | grep -q '\.len = 6, .kind = 5, .target = 29 ' ||
	{ cat "$h"; fail "the paravirt window does not carry slot 29"; }
alt=$(grep -A1 '\.kind = 4' "$h") || { cat "$h"; fail "no alternative window"; }
echo "$alt"
echo "$alt" | grep -q '\.repl_relocs = repl_relocs_[0-9_]*, \.nr_repl_relocs = 1' ||
	{ cat "$h"; fail "the alternative's replacement has no relocation record"; }
arr=$(echo "$alt" | sed -n 's/.*\.repl_relocs = \(repl_relocs_[0-9_]*\),.*/\1/p')
rel=$(grep -A1 "ksplice_reloc $arr\[\]" "$h" | tail -1)
echo "$rel"
# the call's field at offset 1 of the replacement, naming altpv_fast
sym=$(echo "$rel" | sed -n 's/.*\.place = 0x1, \.addend = -4, \.symbol = \([0-9]*\), \.type = KSPLICE_R_PLT32.*/\1/p')
[ -n "$sym" ] || { cat "$h"; fail "the replacement's relocation is not a call field"; }
name=$(awk '/ksplice_symbol symbols\[\]/ { f = 1; next } f && /\.name/ { if (i++ == '"$sym"') { print; exit } }' "$h")
echo "$name"
echo "$name" | grep -q '"altpv_fast"' || { cat "$h"; fail "symbol $sym is not altpv_fast"; }
exit 0
