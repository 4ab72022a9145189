#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# After the patch, objects are compiled with the command Kbuild compiled
# them with before it, without a make (create/lib/recompile.sh), once a
# sample of their kind came out byte for byte as Kbuild made it: the
# object compiled so is Kbuild's very object; a command that fails, or an
# object that exports a symbol after the patch, goes to Kbuild (its error
# message, genksyms' versions); a sample that differs from Kbuild's
# object (a compiler that behaves otherwise outside make) is not trusted
# and its record is removed.
. "$(dirname "$0")/create-real-tree.sh"

stub_objdiff_no_changes
# ksplice-create as a user runs it, not under make check's make
unset MAKELEVEL MAKEFLAGS MFLAGS
PATCH=$ROOT/tests/patches/version.patch
OBJ=fs/proc/version.o

# run NAME: a ksplice-create -v run of PATCH with no changes found (the
# stub); sets HERE to yes if OBJ was compiled without a make.
run()
{
	create -v --patch="$PATCH" --id=t_recompile --config="$CFG" "$SRC"
	[ "$STATUS" = 5 ] || fail "$1: status $STATUS, want 5 from the stub"
	if grep -q "Compiled with Kbuild's commands, without a make: .*$OBJ" "$T/out"; then
		HERE=yes
	else
		HERE=no
	fi
}

run first
SCRATCH=$(sed -n 's/^Scratch copy: //p' "$T/out")/..
AGREED=$SCRATCH/recompile.agreed
# a new record of agreements (an earlier test may have made one)
rm -f "$AGREED"
run sample
[ $HERE = no ] || fail "sample: compiled without a make before any sample agreed"
grep -q "$OBJ: compiled without a make as Kbuild compiled it" "$T/out" ||
	fail "sample: no sample of $OBJ agreed with Kbuild"
grep -q '^vmlinux [0-9a-f]\{16\}$' "$AGREED" || fail "sample: no agreement recorded: $(cat "$AGREED" 2>&1)"
cp "$T/post.o" "$T/kbuild.o"

run here
[ $HERE = yes ] || fail "here: not compiled without a make after its kind agreed"
cmp -s "$T/post.o" "$T/kbuild.o" || fail "here: the object compiled without a make is not Kbuild's"
grep -q Ksplice "$T/post.o" || fail "here: the object lacks the patched string"
cmd=$SCRATCH/tree/fs/proc/.version.o.cmd
grep -q '^source_fs/proc/version.o := fs/proc/version.c$' "$cmd" &&
	grep -q '^deps_fs/proc/version.o := \\$' "$cmd" ||
	fail "here: fixdep wrote no dependencies into the .cmd file"

# A patch that breaks the build: Kbuild builds it, and its error is shown.
sed 's/"Ksplice",/"Ksplice", no_such_symbol,/' "$PATCH" >"$T/broken.patch"
create -v --patch="$T/broken.patch" --id=t_recompile --config="$CFG" "$SRC"
[ "$STATUS" = 4 ] || fail "broken: status $STATUS, want 4"
grep -q "^$OBJ: made by Kbuild: its command or a check" "$T/out" ||
	fail "broken: not compiled without a make first"
grep -q "no_such_symbol" "$T/err" && grep -q "the patch breaks the build" "$T/err" ||
	fail "broken: the compiler's error is not shown"

# An object that exports after the patch is made by Kbuild (genksyms).
{
	cat "$PATCH"
	cat <<'EOF'
@@ -23,3 +23,5 @@
 	return 0;
 }
 fs_initcall(proc_version_init);
+int ksplice_recompile_export(void) { return 1; }
+EXPORT_SYMBOL(ksplice_recompile_export);
EOF
} >"$T/export.patch"
tail -n 3 "$SRC/fs/proc/version.c" | grep -q '^fs_initcall(proc_version_init);$' ||
	fail "fs/proc/version.c does not end as the test's patch expects"
PATCH=$T/export.patch
run export
grep -q "^$OBJ: made by Kbuild: no sample of its kind" "$T/out" ||
	fail "export: the object that exports was not handed to Kbuild"
grep -q '^#SYMVER ksplice_recompile_export 0x[0-9a-f]*$' "$cmd" ||
	fail "export: genksyms did not run: $(grep -c SYMVER "$cmd") #SYMVER lines"
grep -q "$OBJ: compiled without a make as Kbuild compiled it: vmlinux+exports" "$T/out" ||
	fail "export: no sample of an object that exports agreed"
cp "$cmd" "$T/kbuild.cmd"
cp "$T/post.o" "$T/kbuild-export.o"
run export-here
[ $HERE = yes ] || fail "export-here: not compiled without a make after its kind agreed"
cmp -s "$T/post.o" "$T/kbuild-export.o" ||
	fail "export-here: the object compiled without a make is not Kbuild's"
cmp -s "$cmd" "$T/kbuild.cmd" ||
	fail "export-here: the .cmd file (genksyms' versions) is not Kbuild's: $(diff "$T/kbuild.cmd" "$cmd" | head -n 5)"
PATCH=$ROOT/tests/patches/version.patch

# A compiler that behaves otherwise outside make: the sample differs, the
# record is removed, and the update gets Kbuild's object.
mkdir -p "$T/bin"
cat >"$T/bin/gcc" <<'EOF'
#!/bin/sh
# outside make, another object
[ -n "${MAKELEVEL:-}" ] || set -- "$@" -DKSPLICE_SKEW=1 -g0
exec /usr/bin/gcc "$@"
EOF
chmod +x "$T/bin/gcc"
PATH="$T/bin:$PATH" run skew
[ $HERE = no ] || fail "skew: compiled without a make with a compiler not sampled"
grep -q "differ from Kbuild's" "$T/out" || fail "skew: the sample did not differ"
[ ! -f "$AGREED" ] || fail "skew: the record of agreements was kept: $(cat "$AGREED")"
cmp -s "$T/post.o" "$T/kbuild.o" || fail "skew: the update did not get Kbuild's object"
run again
[ $HERE = no ] || fail "again: compiled without a make with no record"
[ -f "$AGREED" ] || fail "again: the sample did not agree again"
exit 0
