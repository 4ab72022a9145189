#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An update that adds a global the running kernel already has where its
# object is linked (a weak definition the patch overrides: the kernel's
# callers would keep calling it) is refused before any module is loaded,
# naming the global, its object and where the kernel has it; a static of
# that name elsewhere, or a global of a module the object is not linked
# into, does not stop it.
. "$(dirname "$0")/apply-fake-kernel.sh"

export KSPLICE_KALLSYMS=$T/kallsyms
cat >"$KSPLICE_KALLSYMS" <<'SYMS'
ffffffff81000000 T _stext
ffffffff81001000 W panic_smp_self_stop
ffffffff81002000 T version_proc_show
ffffffff81003000 t helper_one
ffffffff81004000 d counter_two
ffffffffc0001000 T mod_only	[some_mod]
ffffffffc0002000 T in_mod	[binfmt_misc]
SYMS

# add_globals DIR ID LINE...: contents lines "global ...", sealed again
add_globals()
{
	local dir=$1 id=$2 line

	shift 2
	for line; do
		echo "global $line" >>"$dir/contents"
	done
	seal_update "$dir" "$id"
}

make_update "$T/weak" weak
add_globals "$T/weak" weak "kernel/panic.o panic_smp_self_stop vmlinux"
tool ksplice-apply "$T/weak"
[ "$STATUS" = 1 ] || fail "a weak global of the kernel: want status 1, got $STATUS"
grep -q "update weak adds the global panic_smp_self_stop (kernel/panic.o), but vmlinux has a weak panic_smp_self_stop already: the kernel's callers would keep calling that one" "$T/err" ||
	fail "the weak global is not named"
[ ! -s "$FAKE_LOG" ] || fail "a module command ran"

make_update "$T/strong" strong
add_globals "$T/strong" strong "fs/binfmt_misc.o in_mod binfmt_misc"
tool ksplice-apply "$T/strong"
[ "$STATUS" = 1 ] && grep -q "update strong adds the global in_mod (fs/binfmt_misc.o), but binfmt_misc has a global in_mod already (kallsyms type T)" "$T/err" ||
	fail "a global of the module the object is linked into is not refused"
[ ! -s "$FAKE_LOG" ] || fail "a module command ran"

# statics of the same names, and another module's global: applied
make_update "$T/fine" fine
add_globals "$T/fine" fine "fs/proc/version.o helper_one vmlinux" \
	"fs/proc/version.o counter_two vmlinux" "fs/proc/version.o mod_only vmlinux"
tool ksplice-apply "$T/fine"
grep -q "adds the global" "$T/err" && fail "refused for a static or another module's global: $(cat "$T/err")"
grep -q "insmod" "$FAKE_LOG" || fail "the update was not loaded: $(cat "$T/err")"
exit 0
