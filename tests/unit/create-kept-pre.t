#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An object built before the patch is kept with the scratch copy and used
# again by a later run only while its compile would get the same command
# and the same input: a run on top of an earlier patch that changes a
# header it reads (--earlier) builds it again, and so does a run whose
# kept copy was damaged; the kept object is the one a build makes; the
# build the differ asks for (kernel-pre) is kept and used again as well.
. "$(dirname "$0")/create-real-tree.sh"

stub_objdiff_no_changes
sed_patch lib/math/int_sqrt.c 's/^{$/{\n\tasm volatile("nop");/' >"$T/p.patch"
sed_patch include/linux/math.h '1a/* a header int_sqrt.c reads, changed */' >"$T/h.patch"

# run NAME ARGS...: one ksplice-create -v run; sets KEPT to yes or no
run()
{
	local name=$1

	shift
	create -v --patch="$T/p.patch" --id=t_kept --config="$CFG" "$@" "$SRC"
	[ "$STATUS" = 5 ] || fail "$name: status $STATUS, want 5 from the stub"
	if grep -q "lib/math/int_sqrt.o: kept from an earlier run" "$T/out"; then
		KEPT=yes
	else
		KEPT=no
	fi
}

run first
scratch=$(sed -n 's/^Scratch copy: //p' "$T/out")
kept=$scratch/../pre-objects/pre/lib/math/int_sqrt.o
[ -f "$kept" ] && [ -f "$kept.key" ] || fail "first: the object built before the patch was not kept"
run again
[ $KEPT = yes ] || fail "again: the kept object was not used"

run earlier --earlier="$T/h.patch"
[ $KEPT = no ] || fail "earlier: a header it reads changed, and the kept object was used"
run again-after
[ $KEPT = no ] || fail "again-after: the object built on top of the earlier patch was used without it"
run again-2
[ $KEPT = yes ] || fail "again-2: the kept object was not used"

# The kept object is the one a build makes.
cp "$kept" "$T/kept.o"
rm -rf "$scratch/../pre-objects"
run rebuilt
[ $KEPT = no ] || fail "rebuilt: nothing was kept, yet an object was used"
cmp -s "$kept" "$T/kept.o" || fail "the kept object differs from a new build of it"

# A damaged key: built again.
echo damaged >"$kept.key"
run damaged
[ $KEPT = no ] || fail "damaged: an object with a wrong key was used"

# The build the differ asks for (kernel-pre: no KCFLAGS of ksplice's but
# its include directory) is kept too: a stub that asks for it first.
exit_code() { sed -n "s/^#define KSPLICE_EXIT_$1[[:space:]]*\([0-9]*\).*/\1/p" "$ROOT/ksplice-core/ksplice-format.h"; }
need=$(exit_code NEED_BUILDS) same=$(exit_code NO_CHANGES)
cat >"$T/objdiff" <<STUB
#!/bin/bash
while [ \$# -gt 0 ]; do [ "\$1" = --out ] && out=\$2; shift; done
if [ ! -f "\$out/need-builds" ]; then
	echo "kernel-pre lib/math/int_sqrt.o" >"\$out/need-builds"
	exit $need
fi
exit $same
STUB
for name in kernel-pre kernel-pre-again; do
	create -v --patch="$T/p.patch" --id=t_kept --config="$CFG" "$SRC"
	[ "$STATUS" = "$same" ] || fail "$name: status $STATUS, want $same from the stub"
	grep -q "Building kernel-pre objects: lib/math/int_sqrt.o" "$T/out" ||
		fail "$name: the differ's build was not made"
done
grep -q "lib/math/int_sqrt.o: kept from an earlier run" <(sed -n '/Building kernel-pre/,$p' "$T/out") ||
	fail "kernel-pre-again: the kernel-pre object kept by the run before was not used"
exit 0
