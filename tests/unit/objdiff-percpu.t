#!/bin/bash
# ksplice-objdiff: new per-CPU variables go into the new code's one
# .data..percpu section, with their initial values, where the module
# loader gives each CPU its copy; the new code's %gs: accesses refer to
# them and keep nothing loaded after an undo.  A new per-CPU variable
# whose initial value holds an address is refused, named: the loader
# copies per-CPU data before relocating it.
. "$(dirname "$0")/objdiff/lib.sh"

compile percpu
objdiff percpu
out=$T/percpu.out
[ "$rc" = 0 ] || { show percpu; fail "exit $rc, expected 0"; }
[ "$(grep '^data ' "$out/changes" | sort | tr '\n' ' ')" = "data test/percpu.o events data test/percpu.o seen " ] ||
	{ show percpu; fail "the new per-CPU variables are not carried"; }
grep -q '^keep-module ' "$out/changes" && { show percpu; fail "per-CPU accesses keep the module"; }
# each copy: the section it is in, and its first line of bytes
copies=$(awk '/^\t\.section / { s = $2 } /^__ksplice_d[0-9]+:$/ { getline; print s, $2 }' \
	"$out/new-code.S")
percpu='.data..percpu,"aw",@progbits'
grep -qxF "$percpu 0x07,0x00,0x00,0x00,0x00,0x00,0x00,0x00" <<<"$copies" ||
	{ cat "$out/new-code.S"; fail "events is not in .data..percpu with its value 7"; }
grep -qxF "$percpu $(printf '0x00,%.0s' {1..15})0x00" <<<"$copies" ||
	{ cat "$out/new-code.S"; fail "seen is not in .data..percpu, zeroed"; }
[ "$(grep -c 'R_X86_64_32S, __ksplice_d' "$out/new-code.S")" = 3 ] ||
	{ cat "$out/new-code.S"; fail "expected three %gs: references to the copies"; }

# an address in a per-CPU initial value: refused, named
gcc $CFLAGS_OBJ -o "$T/ptr-pre.o" "$SRC/percpu-pre.c" || fail "gcc percpu-pre.c"
gcc $CFLAGS_OBJ -o "$T/ptr-post.o" "$SRC/percpu-ptr-post.c" || fail "gcc percpu-ptr-post.c"
objdiff ptr
[ "$rc" = 6 ] || { show ptr; fail "exit $rc, expected 6 (refused)"; }
grep -q "test/ptr.o: new per-CPU variable where (section .data..percpu) has an address in its initial value" \
	"$T/ptr.out/stderr" || { show ptr; fail "the refusal does not name the variable"; }
exit 0
