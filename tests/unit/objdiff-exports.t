#!/bin/bash
# ksplice-objdiff: exports a patch adds.  A new function's export points
# at its new code; an unchanged function's at its running entry (a
# record for the core); each carries the symbol version of the post
# object's "#SYMVER" line, in a table of the new code's own (not the
# sections the module loader reads) and in the changes.  Refused: an
# export without a symbol version when the kernel has CONFIG_MODVERSIONS,
# an export of data, an export taken away.  Without CONFIG_MODVERSIONS no
# version is needed.
. "$(dirname "$0")/objdiff/lib.sh"

compile exports
out=$T/exports.out
printf '#SYMVER new_helper 0x12345678\n#SYMVER old_helper 0x9abcdef0\n' >"$T/exports.symvers"

# 1. both exported, with their versions
objdiff exports - "post-symvers=$T/exports.symvers"
[ "$rc" = 0 ] || { show exports; fail "exit $rc, expected 0"; }
grep -qx "export test/exports.o new_helper EXPORT_SYMBOL 0x12345678" "$out/changes" &&
	grep -qx "export test/exports.o old_helper EXPORT_SYMBOL_GPL 0x9abcdef0" "$out/changes" ||
	{ show exports; fail "the changes do not list both exports with their versions"; }
grep -qx "added test/exports.o new_helper" "$out/changes" ||
	{ show exports; fail "new_helper is not carried"; }
grep -q "old_helper" <(grep -v '^export ' "$out/changes") &&
	{ show exports; fail "the unchanged old_helper is carried or replaced"; }
S=$out/new-code.S
grep -q '^	\.section \.ksplice_ksymtab,"a"' "$S" &&
	grep -q '^	\.section \.ksplice_ksymtab_gpl,"a"' "$S" ||
	{ cat "$S"; fail "no export tables of the new code's own"; }
grep -q 'ksymtab+\|__ksymtab_\(new\|old\)_helper\|__kcrctab' "$S" &&
	{ cat "$S"; fail "the new code has sections or symbols the module loader reads"; }
awk '/\.section \.ksplice_ksymtab,/ { t = 1; next } /\.section/ { t = 0 }
	t && /\.long __ksplice_f[0-9]+ - \./ { found = 1 } END { exit !found }' "$S" ||
	{ cat "$S"; fail "new_helper's entry does not point at its new code"; }
grep -q '^	\.long 0x12345678$' "$S" && grep -q '^	\.long 0x9abcdef0$' "$S" ||
	{ cat "$S"; fail "the symbol versions are not in the tables"; }
grep -q '\.asciz "new_helper"' "$S" && grep -q '\.asciz "old_helper"' "$S" ||
	{ cat "$S"; fail "the export names are not in the new code"; }
idx=$(sed -n 's/.*{ .name = "old_helper", .flags = KSPLICE_SYM_NEEDED }.*\/\* \([0-9]*\) \*\/$/\1/p' \
	"$out/helper.c")
[ -n "$idx" ] || { cat "$out/helper.c"; fail "the helper does not look up old_helper"; }
grep -q "{ .place = (unsigned long)(__ksplice_ksymtab_gpl + 0x0), .addend = 0, .symbol = $idx, .type = KSPLICE_R_PC32 }" \
	"$out/new-desc.c" || { cat "$out/new-desc.c"; fail "old_helper's entry is not a record for its running entry"; }
for want in '.exports = &exports,' '.nr_syms = 1,' '.nr_gpl_syms = 1,' \
	'.crcs = (const int \*)__ksplice_kcrctab,' '.nr_targets = ARRAY_SIZE(export_targets) - 1,'; do
	grep -q "$want" "$out/new-desc.c" || { cat "$out/new-desc.c"; fail "new-desc.c lacks $want"; }
done
grep -q "new_helper exported (EXPORT_SYMBOL)" "$out/stdout" ||
	{ show exports; fail "the summary does not say new_helper is exported"; }

# 2. in a module: its name among the export targets
objdiff exports - "post-symvers=$T/exports.symvers" target=exmod
[ "$rc" = 0 ] || { show exports; fail "in a module: exit $rc, expected 0"; }
grep -A1 "export_targets\[\] = {" "$out/new-desc.c" | grep -q '"exmod",' ||
	{ cat "$out/new-desc.c"; fail "the export targets do not name the module"; }

# 3. no symbol version: refused, named
objdiff exports
[ "$rc" = 6 ] || { show exports; fail "no versions: exit $rc, expected 6"; }
grep -q "test/exports.o: EXPORT_SYMBOL new_helper added: the build gave it no symbol version" "$out/stderr" ||
	{ show exports; fail "the missing version is not named"; }

# 4. a kernel without CONFIG_MODVERSIONS: no versions needed
echo "CONFIG_MODULES=y" >"$T/config"
OBJDIFF_OPTS="--kconfig $T/config" objdiff exports
[ "$rc" = 0 ] || { show exports; fail "without MODVERSIONS: exit $rc, expected 0"; }
grep -qx "export test/exports.o new_helper EXPORT_SYMBOL -" "$out/changes" ||
	{ show exports; fail "without MODVERSIONS: the changes give a version"; }
grep -q '\.crcs' "$out/new-desc.c" && { cat "$out/new-desc.c"; fail "without MODVERSIONS: versions emitted"; }

# 5. only the export of a function the kernel has: an update, not "no
# changes"
gcc $CFLAGS_OBJ -DONLY_OLD -o "$T/exports-post.o" "$SRC/exports-post.c" || fail "gcc"
objdiff exports - "post-symvers=$T/exports.symvers"
[ "$rc" = 0 ] || { show exports; fail "only an export: exit $rc, expected 0"; }
[ "$(cat "$out/changes")" = "export test/exports.o old_helper EXPORT_SYMBOL_GPL 0x9abcdef0" ] ||
	{ show exports; fail "only an export: unexpected changes"; }

# 6. an export of data, and exports taken away: refused
gcc $CFLAGS_OBJ -DEXPORT_DATA -o "$T/exports-post.o" "$SRC/exports-post.c" || fail "gcc"
objdiff exports - "post-symvers=$T/exports.symvers"
[ "$rc" = 6 ] || { show exports; fail "data export: exit $rc, expected 6"; }
grep -q "EXPORT_SYMBOL shared_count added: it exports data" "$out/stderr" ||
	{ show exports; fail "the data export is not refused by name"; }
cp "$T/exports-post.o" "$T/gone-pre.o"
cp "$T/exports-pre.o" "$T/gone-post.o"
objdiff gone
[ "$rc" = 6 ] || { show gone; fail "exports removed: exit $rc, expected 6"; }
grep -q "test/gone.o: EXPORT_SYMBOL_GPL old_helper removed: a live update cannot take an export away" \
	"$T/gone.out/stderr" || { show gone; fail "the removed export is not named"; }
exit 0
