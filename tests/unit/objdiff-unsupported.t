#!/bin/bash
# ksplice-objdiff: every change it refuses is reported in one run (exit
# 6), each naming the object and the function or variable: a global
# const table that init code reads with a new value, an initialized
# static with a new value, a static const of a new size, a zeroed static
# of a new size, a static const that becomes writable, a static that
# becomes const and one that becomes per-CPU, a changed __init
# function, a module parameter, an export of data, a new per-CPU
# variable whose initial value holds an address.
# A changed __exit function is noted as having no effect.  Nothing is
# written.
. "$(dirname "$0")/objdiff/lib.sh"

compile refuse
objdiff refuse
err=$T/refuse.out/stderr
[ "$rc" = 6 ] || { show refuse; fail "exit $rc, expected 6"; }
expect() {
	grep -q -- "$1" "$err" || { show refuse; fail "not reported: $1"; }
}
expect "test/refuse.o: read-only data limits (section .rodata.limits) has a new value, but setup_thing read it at boot"
expect "test/refuse.o: variable level (section .data.level) has a new initial value"
expect "test/refuse.o: read-only data mode (section .rodata.mode) changes its size (8 to 9 bytes)"
expect "test/refuse.o: variable counts (section .bss.counts) changes its size (16 to 32 bytes): the running copy, which the kernel's code uses, cannot grow or shrink"
expect "test/refuse.o: read-only data steps becomes writable (section .rodata.steps -> .data.steps): the kernel maps its running copy read-only"
expect "test/refuse.o: variable marks becomes read-only (section .data.marks -> .rodata.marks): its running copy may have been written since boot"
expect "test/refuse.o: variable hits becomes per-CPU (section .bss.hits -> .data..percpu): the running kernel has one copy of it, not one per CPU"
expect "test/refuse.o: __init function setup_thing changed (section .init.text): init code ran at boot"
expect "test/refuse.o: read-only data __param_verbose (section __param) changed: the kernel reads it only at boot"
expect "test/refuse.o: EXPORT_SYMBOL level added: it exports data, which an update cannot add to the kernel's exports"
expect "test/refuse.o: new per-CPU variable pcpu_where (section .data..percpu) has an address in its initial value"
grep -q "teardown_thing" "$err" && { show refuse; fail "__exit code refused"; }
[ -z "$(ls "$T/refuse.out" | grep -v '^std')" ] || fail "files written on exit 6"

# a changed __exit function alone: no effect, said so
compile exitonly
objdiff exitonly
[ "$rc" = 5 ] || { show exitonly; fail "__exit only: exit $rc, expected 5"; }
grep -q "__exit function teardown changed: built-in __exit code is not in the running kernel" \
	"$T/exitonly.out/stderr" || { show exitonly; fail "no note about __exit"; }
# ... but in a module, __exit code runs when it is unloaded: replaced
objdiff exitonly - target=exitmod
[ "$rc" = 0 ] || { show exitonly; fail "__exit in a module: exit $rc, expected 0"; }
grep -q "^changed test/exitonly.o teardown$" "$T/exitonly.out/changes" ||
	{ show exitonly; fail "__exit in a module: teardown not replaced"; }
grep -q '\.target = "exitmod"' "$T/exitonly.out/helper.c" ||
	{ show exitonly; fail "__exit in a module: the helper names no target"; }

# a change to init code is refused, saying what --skip-init would make;
# with --skip-init the update holds the runtime change and lists the
# init change it left out
compile init
objdiff init
[ "$rc" = 6 ] || { show init; fail "init change: exit $rc, expected 6"; }
grep -q "__init function setup_it changed" "$T/init.out/stderr" &&
	grep -q "the patch also changes runtime code: work (test/init.o); ksplice-create --skip-init makes an update of that alone" \
	"$T/init.out/stderr" || { show init; fail "init refusal does not name setup_it and work"; }
out=$T/init.out
OBJDIFF_OPTS=--skip-init objdiff init
[ "$rc" = 0 ] || { show init; fail "--skip-init: exit $rc, expected 0"; }
[ "$(sort "$out/changes" | tr '\n' ' ')" = "changed test/init.o work init-skipped test/init.o setup_it " ] ||
	{ show init; fail "--skip-init: unexpected changes"; }

# bad input: exit 1 with a message
echo "test/x.o /nonexistent.o /nonexistent.o -" >"$T/bad.manifest"
rc=0
"$OBJDIFF" --id x --release r --description-file "$T/description" \
	--symvers "$T/Module.symvers" --out "$T" "$T/bad.manifest" \
	2>"$T/bad.err" || rc=$?
[ "$rc" = 1 ] || fail "missing object: exit $rc, expected 1"
grep -q "/nonexistent.o" "$T/bad.err" || fail "message does not name the file"
rc=0
"$OBJDIFF" --id x 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "usage: exit $rc, expected 2"
exit 0
