#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pre side of the header screen from the dependency index
# (depindex_pre_hashes in create/lib/depindex.sh, screen_index_pre and
# screen_same in create/lib/screen.sh): an object's index hash stands for
# its preprocessed source only while every file it read is the same, the
# key is this one and the samples agree; anything else means the object
# is preprocessed as before, never that a change is screened out.  A tree
# of four files and a stub preprocessor (the concatenation of an
# object's inputs) stand for Kbuild.
set -u -o pipefail  # as ksplice-create runs
ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
PROG=screen-index
SELF_DIR=$ROOT/create
for lib in common scratch depindex indexcmd objects screen; do
	. "$ROOT/create/lib/$lib.sh" || exit 1
done
fail() { echo "FAIL: $*"; exit 1; }

SCRATCH_DIR=$T/scratch
SCRATCH_TREE=$SCRATCH_DIR/tree
WORK=$T/work
JOBS=2
mkdir -p "$SCRATCH_TREE/sub" "$WORK"
declare -A OBJ_KIND=([a.o]=vmlinux [b.o]=vmlinux [d.o]=vmlinux [sub/c.o]=module)
declare -A INPUTS=(
	[a.o]="a.c h1.h"
	[b.o]="b.c h1.h h2.h"
	[d.o]="d.c h1.h"
	[sub/c.o]="sub/c.c h1.h"
)
for f in a.c b.c d.c sub/c.c h1.h h2.h; do
	echo "int ${f//[^a-z0-9]/_};" >"$SCRATCH_TREE/$f"
done

# pp_tree OBJ: the stub's preprocessed source of OBJ, from the tree as it
# is; pp OBJ: the stub preprocessor (pp_tree, unless a case says otherwise)
pp_tree()
{
	local f

	for f in ${INPUTS[$1]}; do
		printf '# 1 "%s"\n\n' "$f"
		cat "$SCRATCH_TREE/$f"
	done
}
pp() { pp_tree "$@"; }

# the index, as depindex_make leaves it (pin-line.h read from elsewhere)
{
	echo "# depindex $DEPINDEX_VERSION"
	for o in a.o b.o d.o sub/c.o; do
		echo "$o ${INPUTS[$o]} opt/ksplice/create/lib/pin-line.h"
	done
} >"$SCRATCH_DIR/depindex"
{
	echo "# pp $(depindex_pp_key)"
	for o in a.o b.o d.o sub/c.o; do
		echo "$o $(pp "$o" | sed -f "$SELF_DIR/lib/pp-normalize.sed" | sha256sum | cut -d' ' -f1)"
	done
} >"$SCRATCH_DIR/depindex.pp"
(cd "$SCRATCH_TREE" && sha256sum a.c b.c d.c sub/c.c h1.h h2.h) >"$SCRATCH_DIR/depindex.sums"

# depindex_keep_pre on an indexed copy: one hash per C object, the sums
# of the files there are (a file gone or outside the copy is left out)
mkdir -p "$T/deptree/sub"
(cd "$SCRATCH_TREE" && cp a.c b.c h1.h "$T/deptree/" && cp sub/c.c "$T/deptree/sub/")
echo aaa >"$T/deptree/a.o.pphash"
echo ccc >"$T/deptree/sub/c.o.pphash"
{
	echo "# depindex $DEPINDEX_VERSION"
	echo "a.o a.c h1.h"
	echo "sub/c.o sub/c.c h1.h usr/include/stdio.h"
	echo "e.o e.S zz-gone.h"
} >"$T/idx"
mkdir -p "$T/kp"
SCRATCH_DIR=$T/kp depindex_keep_pre "$T/deptree" "$T/idx" || fail "depindex_keep_pre failed"
[ "$(sed -n 1p "$T/kp/depindex.pp")" = "# pp $(depindex_pp_key)" ] ||
	fail "depindex.pp has no key"
[ "$(sed 1d "$T/kp/depindex.pp" | sort | tr '\n' ' ')" = "a.o aaa sub/c.o ccc " ] ||
	fail "depindex.pp: $(cat "$T/kp/depindex.pp")"
[ "$(awk '{ print $2 }' "$T/kp/depindex.sums" | tr '\n' ' ')" = "a.c h1.h sub/c.c " ] ||
	fail "depindex.sums: $(cat "$T/kp/depindex.sums")"
[ ! -e "$T/kp/depindex.pp.tmp" ] || fail "depindex.pp.tmp left behind"

trusted() { depindex_pre_hashes a.o b.o d.o sub/c.o | cut -d' ' -f1 | sort | tr '\n' ' '; }

[ "$(trusted)" = "a.o b.o d.o sub/c.o " ] || fail "an unchanged tree: trusted $(trusted)"
[ "$(depindex_pre_hashes b.o | cut -d' ' -f1)" = b.o ] || fail "only the objects asked for"

# a file one object read has changed since: that object is not trusted
cp "$SCRATCH_TREE/h2.h" "$T/h2.h"
echo '#define NEW 1' >>"$SCRATCH_TREE/h2.h"
[ "$(trusted)" = "a.o d.o sub/c.o " ] || fail "h2.h changed: trusted $(trusted)"
# ... or is gone
mv "$SCRATCH_TREE/d.c" "$T/d.c"
[ "$(trusted)" = "a.o sub/c.o " ] || fail "d.c gone: trusted $(trusted)"
mv "$T/d.c" "$SCRATCH_TREE/d.c"
cp "$T/h2.h" "$SCRATCH_TREE/h2.h"
# another key (another pinning or reduction): nothing
cp "$SCRATCH_DIR/depindex.pp" "$T/pp"
sed -i '1s/.*/# pp 0/' "$SCRATCH_DIR/depindex.pp"
[ -z "$(trusted)" ] || fail "another key: trusted $(trusted)"
cp "$T/pp" "$SCRATCH_DIR/depindex.pp"
# a file from outside the tree other than pin-line.h: not trusted
sed -i 's|^a\.o .*|& usr/include/stdio.h|' "$SCRATCH_DIR/depindex"
[ "$(trusted)" = "b.o d.o sub/c.o " ] || fail "a file outside the tree: trusted $(trusted)"
sed -i 's| usr/include/stdio.h||' "$SCRATCH_DIR/depindex"

# The samples: the stub preprocessor of the screen
scratch_touch() { :; }
screen_preprocess()
{
	local kind=$1 o

	shift
	for o in "$@"; do
		[ -n "${NO_PP:-}" ] && [ "$o" = "$NO_PP" ] && continue
		mkdir -p "$WORK/screen-$kind/$(dirname "$o")"
		pp "$o" >"$WORK/screen-$kind/${o%.o}.i"
	done
}
keys() { [ ${#SCREEN_PRE[@]} -gt 0 ] && printf '%s\n' "${!SCREEN_PRE[@]}" | sort | tr '\n' ' '; }

# one sample: the first object and the first of the other kind are
# checked, the others stand on their hashes
SCREEN_INDEX_SAMPLES=1
screen_index_pre a.o b.o d.o sub/c.o >"$T/out"
[ "$(keys)" = "b.o d.o " ] || fail "samples agree: index used for $(keys)"
[ -f "$WORK/screen-pre/a.i" ] && [ -f "$WORK/screen-pre/sub/c.i" ] ||
	fail "the samples were not preprocessed"

# both kinds agreed: recorded with the fingerprint, and no samples the
# next time, until the compiler or ksplice-create's flags change
agreed=$SCRATCH_DIR/depindex.agreed
[ "$(cut -d' ' -f1 "$agreed" | sort | tr '\n' ' ')" = "module vmlinux " ] ||
	fail "the agreements recorded: $(cat "$agreed" 2>&1)"
rm -rf "$WORK/screen-pre"
screen_index_pre a.o b.o d.o sub/c.o >"$T/out"
[ "$(keys)" = "a.o b.o d.o sub/c.o " ] || fail "agreed before: index used for $(keys)"
[ ! -e "$WORK/screen-pre" ] || fail "agreed before, yet samples were preprocessed"
SCRATCH_PINNED_FLAGS+=" -DOTHER" screen_index_pre a.o b.o d.o sub/c.o >"$T/out"
[ "$(keys)" = "b.o d.o " ] || fail "other flags: index used for $(keys)"
[ -f "$WORK/screen-pre/a.i" ] || fail "other flags, yet no samples"
rm -f "$agreed"

# a module sample that cannot be preprocessed: the module objects are not
# trusted, the others are
rm -rf "$WORK/screen-pre"
NO_PP=sub/c.o screen_index_pre a.o b.o d.o sub/c.o >"$T/out"
[ "$(keys)" = "b.o d.o " ] || fail "no module sample: index used for $(keys)"
[ "$(cat "$agreed")" = "vmlinux $(screen_fingerprint)" ] ||
	fail "no module sample: recorded $(cat "$agreed")"
NO_PP=sub/c.o screen_index_pre sub/c.o >"$T/out"
[ -z "$(keys)" ] || fail "an unchecked kind: index used for $(keys)"
rm -f "$agreed"

# a sample that disagrees (as another compiler would): nothing is trusted
rm -rf "$WORK/screen-pre"
pp() { printf 'int other;\n'; }
echo "module $(screen_fingerprint)" >"$agreed"
screen_index_pre a.o b.o d.o sub/c.o >"$T/out"
[ -z "$(keys)" ] || fail "a sample disagrees: index used for $(keys)"
grep -q "differ from this tree's for a.o" "$T/out" || fail "the disagreement is not said"
[ ! -e "$agreed" ] || fail "a sample disagrees, and the agreements stay recorded"
pp() { pp_tree "$@"; }

# screen_same on an index hash: the same after the patch, or "again"
# (the pre side decides) when it differs; never "same" when it differs
rm -rf "$WORK/screen-pre"
screen_index_pre a.o b.o d.o sub/c.o >"$T/out"
echo '/* a comment, and a line marker */' >>"$SCRATCH_TREE/h1.h"
sed -i 's|^/\*.*|\n# 7 "h1.h"|' "$SCRATCH_TREE/h1.h"
screen_preprocess post b.o d.o
[ "$(screen_same b.o)" = "same b.o" ] || fail "an unchanged program: $(screen_same b.o)"
echo 'static int added;' >>"$SCRATCH_TREE/h1.h"
screen_preprocess post b.o d.o
[ "$(screen_same b.o)" = "again b.o" ] || fail "a changed program: $(screen_same b.o)"
echo '__builtin_LINE();' >>"$SCRATCH_TREE/h1.h"
screen_preprocess post d.o
[ -z "$(screen_same d.o)" ] || fail "__builtin_LINE is not kept: $(screen_same d.o)"
rm -f "$WORK/screen-post/b.i"
[ -z "$(screen_same b.o)" ] || fail "no post side is not kept: $(screen_same b.o)"

# The post side by the index's commands (screen_preprocess_byindex and
# create/lib/indexcmd.sh): an object whose pre side is an index hash is
# preprocessed with the command the index keeps for it, behind depcc (here
# a stub compiler that concatenates the object's inputs), not by Kbuild
# (the stub screen_preprocess), and so is a sample that agreed; one whose
# command fails, one the index has no command for, and one without an
# index hash are made by Kbuild.
cp "$T/h2.h" "$SCRATCH_TREE/h2.h"
printf 'int h1_h;\n' >"$SCRATCH_TREE/h1.h"
cat >"$T/cc" <<'EOF'
#!/bin/bash
# a stub compiler: "-E -o /dev/stdout SRC" prints SRC's inputs
for a in "$@"; do
	case $a in *.c) src=$a ;; esac
done
[ "$src" != e.c ] || { echo "e.c: error: a stub failure" >&2; exit 1; }
for f in $(cat "$INPUTS_DIR/${src//\//_}"); do
	printf '# 1 "%s"\n\n' "$f"
	cat "$f"
done
EOF
chmod +x "$T/cc"
export INPUTS_DIR=$T/inputs
mkdir -p "$INPUTS_DIR"
INPUTS[e.o]="e.c h1.h"
echo 'int e_c;' >"$SCRATCH_TREE/e.c"
for o in a.o b.o d.o e.o sub/c.o; do
	src=${o%.o}.c
	echo "${INPUTS[$o]}" >"$INPUTS_DIR/${src//\//_}"
done
CORE_INCLUDE=$ROOT/ksplice-core
{
	printf '# cmds\t/old/depcc\t/old/create\t/old/core\n'
	for o in a.o b.o e.o sub/c.o; do
		printf '%s\t%s -I/old/core -c -o %s %s\n' "$o" "$T/cc" "$o" "${o%.o}.c"
	done
} >"$SCRATCH_DIR/depindex.cmds"
kbuild_pp() { KBUILD_MADE+=" $*"; screen_preprocess "$@"; }
rm -rf "$WORK/screen-pre" "$WORK/screen-post" "$agreed"
screen_index_pre a.o b.o d.o sub/c.o >"$T/out"
[ "$(keys)" = "b.o d.o " ] || fail "post side: index used for $(keys)"
SCREEN_PRE["e.o"]=${SCREEN_PRE["b.o"]}
KBUILD_MADE=
eval "$(declare -f screen_preprocess_byindex | sed 's/screen_preprocess "\$kind"/kbuild_pp "$kind"/')"
screen_preprocess_byindex post a.o b.o d.o e.o sub/c.o >"$T/out" 2>&1 ||
	fail "screen_preprocess_byindex failed: $(cat "$T/out")"
[ "$KBUILD_MADE" = " post d.o e.o" ] ||
	fail "made by Kbuild:$KBUILD_MADE, want d.o e.o (a.o, b.o and sub/c.o by their commands)"
cmp -s "$WORK/screen-post/a.i" <(pp_tree a.o) || fail "the sample a.o's post side is not its command's"
unset 'SCREEN_AGREED[sub/c.o]'
KBUILD_MADE=
screen_preprocess_byindex post sub/c.o >"$T/out" 2>&1 || fail "screen_preprocess_byindex failed: $(cat "$T/out")"
[ "$KBUILD_MADE" = " post sub/c.o" ] || fail "neither an index hash nor a sample: made by Kbuild:$KBUILD_MADE"
cmp -s "$WORK/screen-post/b.i" <(pp_tree b.o) || fail "b.o's post side is not its command's"
[ "${INDEX_CMD[b.o]}" = "$T/cc -I$ROOT/ksplice-core -c -o b.o b.c" ] ||
	fail "b.o's command, with this run's paths: ${INDEX_CMD[b.o]}"
[ "$(screen_same b.o)" = "same b.o" ] || fail "by its command, unchanged: $(screen_same b.o)"
echo 'static int added;' >>"$SCRATCH_TREE/h1.h"
screen_preprocess_byindex post b.o >"$T/out" 2>&1 || fail "screen_preprocess_byindex failed: $(cat "$T/out")"
[ "$(screen_same b.o)" = "again b.o" ] || fail "by its command, changed: $(screen_same b.o)"
# before the patch (its hash differed after it): by its command, which
# must make the index hash again, else by Kbuild
sed -i '/^static int added;$/d' "$SCRATCH_TREE/h1.h"
KBUILD_MADE=
screen_preprocess_byindex pre b.o >"$T/out" 2>&1 || fail "screen_preprocess_byindex failed: $(cat "$T/out")"
[ -z "$KBUILD_MADE" ] || fail "before the patch, made by Kbuild:$KBUILD_MADE"
cmp -s "$WORK/screen-pre/b.i" <(pp_tree b.o) || fail "b.o's pre side is not its command's"
SCREEN_PRE["b.o"]=0000
screen_preprocess_byindex pre b.o >"$T/out" 2>&1 || fail "screen_preprocess_byindex failed: $(cat "$T/out")"
[ "$KBUILD_MADE" = " pre b.o" ] || fail "another hash than the index's: made by Kbuild:$KBUILD_MADE"
exit 0
