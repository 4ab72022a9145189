#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An update's two modules are built by running again the commands Kbuild
# ran for a template of the same shape (the recipe), not by Kbuild: the
# modules must be the very bytes Kbuild makes from the same sources in the
# same place.  A recipe that does not make Kbuild's .ko is not trusted,
# and the modules are then built with Kbuild.
. "$(dirname "$0")/create-real-tree.sh"
[ -x "$ROOT/create/ksplice-objdiff" ] || { echo "create/ksplice-objdiff not built"; exit 77; }
unset KSPLICE_OBJDIFF KSPLICE_MODULES_KBUILD
CACHE=${KSPLICE_CACHE:-$HOME/.cache/ksplice}

create --keep -v --patch="$ROOT/tests/patches/version.patch" --id=t_recipe \
	--config="$CFG" "$SRC"
[ "$STATUS" = 0 ] || fail "status $STATUS"
W=$(sed -n 's/^Work directory kept: //p' "$T/out")
[ -d "$W/kbuild" ] || fail "no work directory named"
trap 'rm -rf "$W"' EXIT
for m in helper new; do
	ko=$W/kbuild/$m/ksplice_t_recipe_$m.ko
	[ -f "$ko" ] || fail "no $ko"
	! grep -q 'LD \[M\]\|MODPOST' "$W/kbuild/$m/build.log" ||
		fail "the $m module was built with Kbuild, not its recipe"
	cp "$ko" "$T/recipe-$m.ko"
done
grep -q "^+ .*modpost" "$T/out" || fail "no recorded modpost command was run"

# the same sources in the same place, built with Kbuild
(
	# shellcheck disable=SC2034
	scratch=/nonexistent
	# shellcheck source=create-libs.sh
	. "$ROOT/tests/unit/create-libs.sh" modrecipe modules
	# shellcheck disable=SC2034
	WORK=$W KSPLICE_CACHE=$CACHE KSPLICE_MODULES_KBUILD=1
	core_symvers "$CFG/build" "$ROOT/ksplice-core"
	rm -rf "$W/kbuild" && mkdir -p "$T/kbuild-out"
	build_update_modules "$CFG/build" "$W/gen" "$ROOT/ksplice-core/ksplice-format.h" \
		t_recipe "$T/kbuild-out" >"$T/kbuild.out" 2>&1
) || { cat "$T/kbuild.out"; fail "building the modules with Kbuild failed"; }
for m in helper new; do
	grep -q 'LD \[M\]' "$W/kbuild/$m/build.log" || fail "the $m module was not built with Kbuild"
	cmp "$T/recipe-$m.ko" "$T/kbuild-out/ksplice_t_recipe_$m.ko" ||
		fail "the recipe made another ksplice_t_recipe_$m.ko than Kbuild"
done

# a module that exports a symbol (genksyms must run, as no recipe does)
# is built again with Kbuild, from its sources alone
(
	# shellcheck disable=SC2034
	scratch=/nonexistent
	# shellcheck source=create-libs.sh
	. "$ROOT/tests/unit/create-libs.sh" modrecipe modules
	KSPLICE_CACHE=$CACHE
	core_symvers "$CFG/build" "$ROOT/ksplice-core"
	modrecipe_find "$CFG/build" "$CORE_SYMVERS" "$ROOT/ksplice-core/ksplice-format.h" helper
	[ -n "${MODRECIPE[helper]}" ] || { echo "no recipe for the helper"; exit 1; }
	d=$T/export && name=ksplice_t_export_helper
	mkdir -p "$d" && cp "$ROOT/ksplice-core/ksplice-format.h" "$d/" &&
		printf '#include <linux/module.h>\nint t_export_x(void) { return 1; }\nEXPORT_SYMBOL_GPL(t_export_x);\nMODULE_LICENSE("GPL");\n' >"$d/$name.c" &&
		module_kbuild helper "$name" >"$d/Kbuild" || exit 1
	VERBOSE=1 build_module "$CFG/build" helper "$d" "$name" || { echo "build failed"; exit 1; }
	grep -q 'MODPOST' "$d/build.log" || { echo "not built again with Kbuild"; exit 1; }
	grep -q '^#SYMVER t_export_x ' "$d/.$name.o.cmd" || { echo "genksyms did not run"; exit 1; }
) >"$T/export.out" 2>&1 || { cat "$T/export.out"; fail "a module that exports"; }

# a recipe that makes another .ko than Kbuild (here without debug
# information) is refused, and the module is built with Kbuild
(
	# shellcheck disable=SC2034
	scratch=/nonexistent
	# shellcheck source=create-libs.sh
	. "$ROOT/tests/unit/create-libs.sh" modrecipe modules
	KSPLICE_CACHE=$CACHE
	core_symvers "$CFG/build" "$ROOT/ksplice-core"
	KSPLICE_CACHE=$T/cache
	eval "kbuild_$(declare -f modrecipe_read)"
	modrecipe_read() { kbuild_modrecipe_read "$@" | sed '1s/ -g / -g0 /'; }
	modrecipe_find "$CFG/build" "$CORE_SYMVERS" "$ROOT/ksplice-core/ksplice-format.h" helper
	[ -z "${MODRECIPE[helper]}" ] || { echo "a skewed recipe was trusted"; exit 1; }
	grep -q "made another" "$T"/cache/modrecipe/*/helper/invalid ||
		{ echo "no reason kept for the untrusted recipe"; exit 1; }
) >"$T/skew.out" 2>&1 || { cat "$T/skew.out"; fail "skewed recipe"; }
exit 0
