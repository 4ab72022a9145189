#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An object that the makefile of another directory builds: kvm.ko's
# virt/kvm/kvm_main.o is listed and made by arch/x86/kvm/Makefile (as
# arch/x86/kvm/../../../virt/kvm/kvm_main.o; virt/kvm has no makefile).
# A patch to it is built as that module's object, with that makefile's
# flags, and names the module; the objects that read a header of
# virt/kvm are counted as the module's, not as objects outside the kernel
# and its modules.
. "$(dirname "$0")/create-real-tree.sh"

stub_objdiff_no_changes

sed_patch virt/kvm/kvm_main.c 's|kvm: exiting hardware virtualization|kvm: leaving hardware virtualization|' \
	>"$T/kvm.patch"
create --patch="$T/kvm.patch" --id=t_away --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "kvm_main.c: status $STATUS, want 5 from the stub"
grep -q "virt/kvm/kvm_main.c is built as virt/kvm/kvm_main.o (a module)" "$T/out" ||
	fail "kvm_main.c is not found as a module's object"
grep -q "^virt/kvm/kvm_main.o .* target=kvm$" "$T/manifest" ||
	fail "the manifest: $(cat "$T/manifest")"
grep -q "leaving hardware" "$T/post.o" && ! grep -q "leaving hardware" "$T/pre.o" ||
	fail "the objects compared are not the ones before and after the patch"
create -v --patch="$T/kvm.patch" --id=t_away --config="$CFG" "$SRC"
scratch=$(sed -n 's/^Scratch copy: //p' "$T/out")
# built with arch/x86/kvm's flags, into kvm
grep -q -e "-I ./arch/x86/kvm" "$scratch/virt/kvm/.kvm_main.o.cmd" ||
	fail "kvm_main.o was not built with arch/x86/kvm's flags"
grep -q "KBUILD_MODNAME='\"kvm\"'" "$scratch/virt/kvm/.kvm_main.o.cmd" ||
	fail "kvm_main.o was not built as part of kvm"

# a header of virt/kvm: its readers are kvm's objects
sed_patch virt/kvm/kvm_mm.h 's|^#define __KVM_MM_H__ 1$|&\n/* a comment */|' >"$T/mm.patch"
create --patch="$T/mm.patch" --id=t_away --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "kvm_mm.h: status $STATUS, want 5"
grep -q "virt/kvm/kvm_mm.h is read by 0 objects of vmlinux, [1-9][0-9]* of modules and 0 others" "$T/out" ||
	fail "the readers of kvm_mm.h are not counted as kvm's"

# objects that a makefile lists in a subdirectory that has no makefile
# (security/selinux/Makefile lists ss/mls.o ...) are the kernel's
sed_patch security/selinux/ss/mls.h 's|^#define _SS_MLS_H_$|&\n/* a comment */|' >"$T/mls.patch"
create --patch="$T/mls.patch" --id=t_away --config="$CFG" "$SRC"
[ "$STATUS" = 5 ] || fail "mls.h: status $STATUS, want 5"
grep -q "security/selinux/ss/mls.h is read by [1-9][0-9]* objects of vmlinux, 0 of modules and 0 others" "$T/out" ||
	fail "the readers of mls.h are not counted as the kernel's: $(grep 'is read by' "$T/out")"

# an assembler object of a module made of several: its compile names no
# KBUILD_MODNAME (a patch cannot change a .S, but a header it reads
# can), and the module is the one Kbuild lists it in
modname=$(
	# shellcheck source=create-libs.sh
	. "$ROOT/tests/unit/create-libs.sh" scratch objects
	obj=arch/x86/crypto/crc32c-pcl-intel-asm_64.o
	objects_query "${obj%.o}.S" >/dev/null
	# shellcheck disable=SC2034
	OBJ_KIND[$obj]=$(objects_kind "$obj")
	objects_modname "$obj"
)
[ "$modname" = crc32c_intel ] ||
	fail "crc32c-pcl-intel-asm_64.o is said to be linked into '$modname', not crc32c_intel"
exit 0
