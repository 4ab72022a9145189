#!/bin/bash
# ksplice-objdiff: a new entry in a linker-collected table whose entries
# have no names (a PCI fixup, as DECLARE_PCI_FIXUP_HEADER adds one) is a
# change: refused naming the section, never "no changes detected".
. "$(dirname "$0")/objdiff/lib.sh"

compile table
objdiff table
[ "$rc" = 6 ] || { show table; fail "exit $rc, expected 6 (refused)"; }
grep -q "section .test_fixup_header changed: a kernel table that ksplice does not know" \
	"$T/table.out/stderr" || { show table; fail "the table is not named"; }
exit 0
