#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Objects of arch/x86/pci and arch/x86/power, directories that the top
# one lists beside arch/x86, are compiled twice in a single target build:
# by arch/x86's make, with its flags, and by their own directory's.  They
# must build every time, and with their own directory's flags (power/cpu.o
# with arch/x86/power/Makefile's -fno-stack-protector).  Compiled in
# parallel, the two compiles broke each other's files about every other
# build (fixdep: "error opening file: arch/x86/pci/.fixup.o.d"), or left
# the object that arch/x86's flags make.  The same holds for the module
# aoe's drivers/block/aoe (drivers lists block/aoe beside block, whose
# make compiled aoechr.o as built-in code).  Kbuild's lists of the
# directories' objects are asked once, then kept with the scratch copy.
. "$(dirname "$0")/create-real-tree.sh"

stub_objdiff_no_changes

{
	sed_patch arch/x86/pci/fixup.c 's/PME# does not work under D3, disabling it/PME# does not work under D3, so disabling it/'
	sed_patch arch/x86/power/cpu.c '0,/return 0;/s/return 0;/return 0 + 0;/'
	sed_patch drivers/block/aoe/aoechr.c "s/aoe: can't write to that file/aoe: cannot write to that file/"
	sed_patch drivers/block/aoe/aoecmd.c 's/aoe: NULL TARGETS!/aoe: no targets/'
} >"$T/p.patch"

for run in 1 2; do
	create -v --patch="$T/p.patch" --id=t_twice --config="$CFG" "$SRC"
	[ "$STATUS" = 5 ] || fail "run $run: status $STATUS, want 5 from the stub"
	scratch=$(sed -n 's/^Scratch copy: //p' "$T/out")
	cmd=$scratch/arch/x86/power/.cpu.o.cmd
	grep -q -- "-fno-stack-protector" "$cmd" ||
		fail "run $run: arch/x86/power/cpu.o built without its directory's flags"
	grep -qF -- "-DKBUILD_MODFILE='\"arch/x86/pci/fixup\"'" "$scratch/arch/x86/pci/.fixup.o.cmd" ||
		fail "run $run: arch/x86/pci/fixup.o built by another directory's make"
	for obj in aoechr aoecmd; do
		cmd=$scratch/drivers/block/aoe/.$obj.o.cmd
		grep -q -- " -DMODULE " "$cmd" && grep -qF -- "-DKBUILD_MODNAME='\"aoe\"'" "$cmd" ||
			fail "run $run: drivers/block/aoe/$obj.o not built as the module aoe's"
	done
	# Kbuild's lists of objects: asked once, then kept with the scratch copy
	if [ $run = 1 ]; then
		ls "$scratch/../kbuild-objects/arch%x86%power."* >/dev/null 2>&1 ||
			fail "run 1: Kbuild's list of arch/x86/power was not kept"
	else
		! grep -q "Asking Kbuild for the objects" "$T/out" ||
			fail "run 2: Kbuild was asked again for lists it gave in run 1"
	fi
done

# which objects are built with one make job: those of the directories
# whose objects another directory's make is handed too, and no others
makes=$(
	# shellcheck source=create-libs.sh
	. "$ROOT/tests/unit/create-libs.sh" scratch objects
	set -- drivers/block/aoe/aoechr.o drivers/block/loop.o arch/x86/pci/fixup.o \
		arch/x86/kernel/process.o security/selinux/ss/mls.o drivers/input/serio/serio.o
	objects_query "${@/%.o/.c}" >/dev/null
	scratch_make() { printf 'make %s\n' "$*"; }
	scratch_make_objects "" "$@" 7>/dev/null
)
want="make -j2 KCFLAGS= drivers/block/loop.o arch/x86/kernel/process.o security/selinux/ss/mls.o
make -j1 KCFLAGS= drivers/block/aoe/aoechr.o arch/x86/pci/fixup.o drivers/input/serio/serio.o"
[ "$makes" = "$want" ] || fail "the makes of the objects: $makes"

# an object last compiled by the other directory's make (as built-in
# code, for a module's object) is neither used nor kept
checks=$(
	# shellcheck source=create-libs.sh
	. "$ROOT/tests/unit/create-libs.sh" objects
	obj=drivers/block/aoe/aoechr.o
	OBJ_KIND[$obj]=module
	printf 'cmd_%s := gcc -O2 -DKBUILD_MODNAME=aoe -c -o %s x.c\n' $obj $obj >"$T/built-in.cmd"
	printf 'cmd_%s := gcc -O2  -DMODULE  -c -o %s x.c\n' $obj $obj >"$T/module.cmd"
	objects_made_right $obj "$T/built-in.cmd" && echo "built-in taken"
	objects_made_right $obj "$T/module.cmd" || echo "module refused"
	# shellcheck disable=SC2034
	OBJ_KIND[$obj]=vmlinux
	objects_made_right $obj "$T/module.cmd" && echo "module taken"
	(objects_check_made $obj 2>&1) | grep -q "internal error: $obj" ||
		echo "no error"
)
[ -z "$checks" ] || fail "objects_made_right: $checks"
exit 0
