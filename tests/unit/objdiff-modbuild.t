#!/bin/bash
# ksplice-objdiff: the generated helper.c, new-desc.c and new-code.S build
# as real modules against the target's headers (build only, never loaded).
. "$(dirname "$0")/objdiff/lib.sh"

# the test kernel's headers (tests/run exports its config dir)
KDIR=${KSPLICE_KDIR:-${KSPLICE_CONFIG_DIR:-}/build}
REL=${KSPLICE_KERNEL_RELEASE:-$(cat "${KSPLICE_CONFIG_DIR:-}/release" 2>/dev/null || true)}
[ -f "$KDIR/Makefile" ] && [ -n "$REL" ] ||
	{ echo "no kernel build tree at $KDIR (run make deps)"; exit 77; }

compile body
compile string
out=$T/mod.out
mkdir -p "$out"
{
	echo "test/body.o $T/body-pre.o $T/body-post.o -"
	echo "test/string.o $T/string-pre.o $T/string-post.o -"
} >"$T/mod.manifest"
printf 'a "quoted" description\\ with ?? odd\tbytes\n' >"$T/description"
rc=0
"$OBJDIFF" --id modtest --release "$REL" \
	--description-file "$T/description" --symvers "$T/Module.symvers" \
	--out "$out" "$T/mod.manifest" >"$out/stdout" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$out/stdout"; fail "objdiff exit $rc"; }
[ "$(wc -l <"$out/changes")" = 2 ] || fail "expected two changes"

# the core's exports, for modpost
printf '0x00000000\t%s\tksplice\tEXPORT_SYMBOL_GPL\t\n' \
	ksplice_register_helper ksplice_unregister_helper \
	ksplice_register_new ksplice_unregister_new >"$T/core.symvers"

mkdir -p "$T/new" "$T/helper"
cp "$out/new-code.S" "$out/new-desc.c" "$KSPLICE_ROOT/ksplice-core/ksplice-format.h" "$T/new/"
cp "$out/helper.c" "$T/helper/ksplice_modtest_helper.c"
cp "$KSPLICE_ROOT/ksplice-core/ksplice-format.h" "$T/helper/"
# the Kbuild files of ksplice-create's module builds (create/lib/modules.sh)
# shellcheck source=../../create/lib/modules.sh
. "$KSPLICE_ROOT/create/lib/modules.sh"
module_kbuild new ksplice_modtest_new >"$T/new/Kbuild"
module_kbuild helper ksplice_modtest_helper >"$T/helper/Kbuild"
for m in new helper; do
	make -C "$KDIR" M="$T/$m" KBUILD_EXTRA_SYMBOLS="$T/core.symvers" \
		modules >"$T/$m.log" 2>&1 ||
		{ cat "$T/$m.log"; fail "module build of $m failed"; }
	if grep -E "warning|WARNING|error" "$T/$m.log"; then
		fail "module build of $m warned"
	fi
done
ko=$T/new/ksplice_modtest_new.ko
[ -f "$ko" ] && [ -f "$T/helper/ksplice_modtest_helper.ko" ] || fail "no .ko"
# the new code: exported callee relocated normally, others left to records
objdump -dr "$ko" | grep -q 'R_X86_64_PLT32.*kstrtoint' ||
	fail "no relocation to kstrtoint in the new module"
if objdump -dr "$ko" | grep -q 'R_X86_64_PLT32.*ext_call'; then
	fail "unexported ext_call must be a record, not a relocation"
fi
objdump -h "$ko" | grep -q ' \.ksplice_new ' || fail "no .ksplice_new section"
exit 0
