#!/bin/bash
# ksplice-objdiff: new functions (static and global) and new variables
# (initialized, zeroed, read-only with pointers to strings and to code)
# travel with the new code; only replaced functions are redirected.
# Code and data of the update that take the address of a replaced
# function get the old function's address (a record for the core); a
# direct call to a new function goes straight to the new code.  A
# function that the new code no longer has is checked on stacks.  An
# export of a symbol namespace is imported.
. "$(dirname "$0")/objdiff/lib.sh"

compile new
objdiff new
out=$T/new.out
[ "$rc" = 0 ] || { show new; fail "exit $rc, expected 0"; }
[ "$(grep -v '^vanished \|^keep-module \|^global ' "$out/changes" | sort | tr '\n' ' ')" = "added test/new.o brand_new added test/new.o helper added test/new.o on_other_event changed test/new.o compute changed test/new.o on_event changed test/new.o setup data test/new.o counter data test/new.o handler data test/new.o names data test/new.o total_calls " ] ||
	{ show new; fail "unexpected list of changes"; }
# the globals it adds, which the running kernel must not have already
[ "$(grep '^global ' "$out/changes" | sort | tr '\n' ' ')" = "global test/new.o brand_new vmlinux global test/new.o handler vmlinux global test/new.o total_calls vmlinux " ] ||
	{ show new; fail "unexpected list of new globals"; }

# only the replaced functions are patched
[ "$(grep -c '\.new_code = ' "$out/new-desc.c")" = 3 ] ||
	{ cat "$out/new-desc.c"; fail "expected 3 patches"; }
grep -q 'new_code = .*test/new.o \(helper\|brand_new\)' "$out/new-desc.c" &&
	fail "a new function is patched over something"

# label of a function in new-code.S
label_of() {
	awk -v f="$1" '/^__ksplice_f[0-9]+:$/ { l = $1; sub(/:$/, "", l) }
		$0 == f ":" { print l }' "$out/new-code.S"
}
brand=$(label_of brand_new)
setup=$(label_of setup)
[ -n "$brand" ] && [ -n "$setup" ] || { cat "$out/new-code.S"; fail "labels"; }
# compute calls the new global function directly
grep -A2 '^compute:' "$out/new-code.S" | grep -q "R_X86_64_PLT32, $brand-4" ||
	{ cat "$out/new-code.S"; fail "compute does not call $brand"; }

# setup passes on_event to register_cb: the old on_event, a record
idx=$(grep -F '{ .name = "on_event", .object = "test/new.o", .flags = KSPLICE_SYM_LOCAL | KSPLICE_SYM_NEEDED },' \
	"$out/helper.c" | sed -n 's/.*\/\* \([0-9]*\) \*\/$/\1/p')
[ -n "$idx" ] || { cat "$out/helper.c"; fail "on_event is not a needed symbol"; }
grep -q "place = (unsigned long)($setup + 0x7), .addend = 0, .symbol = $idx, .type = KSPLICE_R_32S" \
	"$out/new-desc.c" || { cat "$out/new-desc.c"; fail "setup does not get the old on_event"; }
# the new handler variable points to the old on_event too
grep -q "place = (unsigned long)(__ksplice_d[0-9]* + 0x0), .addend = 0, .symbol = $idx, .type = KSPLICE_R_64" \
	"$out/new-desc.c" || { cat "$out/new-desc.c"; fail "handler does not point to the old on_event"; }
! grep -q "R_X86_64_64, __ksplice_f" "$out/new-code.S" ||
	fail "new data points into the new code of a replaced function"

# counter = 5 is carried with its value, total_calls zeroed, writable
grep -A5 '^\s*\.section \.data\.ksplice' "$out/new-code.S" | grep -q '\.byte 0x05,0x00,0x00,0x00' ||
	{ cat "$out/new-code.S"; fail "counter is not initialized to 5"; }
grep -q '\.zero 4' "$out/new-code.S" || fail "total_calls is not zeroed"
# nothing new is looked up in the running kernel
for s in helper brand_new counter total_calls names handler; do
	! grep -q "\.name = \"$s\"" "$out/helper.c" ||
		fail "new $s is in the helper's symbol table"
done

# old_helper vanished: flagged for the stack check, not patched
grep -A10 '\.name = "old_helper"' "$out/helper.c" | grep -q KSPLICE_SECT_REPLACED ||
	{ cat "$out/helper.c"; fail "old_helper is not checked on stacks"; }
grep -qx "vanished test/new.o old_helper" "$out/changes" ||
	fail "old_helper is not listed as vanished"
grep -q "test/new.o old_helper" "$out/new-desc.c" && fail "old_helper is patched"

# on_other_event is new and its address is stored: the module must stay
[ "$(grep '^keep-module ' "$out/changes")" = "keep-module test/new.o on_other_event" ] ||
	{ show new; fail "expected keep-module for on_other_event only"; }

# brand_new calls ns_export, exported in namespace TESTNS
grep -qx "MODULE_IMPORT_NS(TESTNS);" "$out/new-desc.c" ||
	{ cat "$out/new-desc.c"; fail "the namespace TESTNS is not imported"; }
exit 0
