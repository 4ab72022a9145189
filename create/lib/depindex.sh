# SPDX-License-Identifier: GPL-2.0
# depindex.sh - which objects of the target configuration read a header.
#
# A change to a header changes every object whose preprocessed input
# includes it (its inline functions and macros compile into their
# callers).  Kbuild records what each object read in its .o.cmd file
# (deps_), but only once the object has been built, and building the
# whole kernel per update is out of the question.  So the index is made
# once per scratch copy (source tree and configuration): a copy of the
# prepared tree is "built" (vmlinux and modules) with lib/depcc as the
# compiler, which only preprocesses every C and assembler source and
# writes empty objects, and the deps_ lists of all the .o.cmd files
# Kbuild then writes are kept in $SCRATCH_DIR/depindex, one line per
# object: "OBJ FILE...".  The copy is deleted afterwards.
#
# The same pass keeps what the screen of header readers (screen.sh) would
# otherwise preprocess again for every patch: the pre side.  depcc is run
# with the screen's flags (__LINE__ pinned) and writes the sha256 of each
# C object's preprocessed source, reduced by pp-normalize.sed, and the
# pass keeps those in depindex.pp ("OBJ SHA256"), with the sha256 of each
# file of the tree the objects read in depindex.sums.  A hash stands for
# an object's pre side only where nothing it depends on changed since:
# the hash was made by the same normalization and pinning (the key on
# depindex.pp's first line), and every file the object read is, byte for
# byte, the one the index read (depindex_pre_hashes).  A stale index then
# costs time (the object is preprocessed as before), never a change
# screened out.
#
# It also keeps the command Kbuild ran for each object (depindex.cmds):
# the objects outside vmlinux and the modules are made with it
# (others.sh), as Kbuild cannot always make them alone.

DEPINDEX_VERSION=3

# depindex_make: make the index of the current scratch copy if needed.
depindex_make()
{
	local idx=$SCRATCH_DIR/depindex dir=$SCRATCH_DIR/deptree
	local log=$SCRATCH_DIR/depindex.log empty start

	if [ -f "$idx" ] && [ "$(head -n 1 "$idx")" = "# depindex $DEPINDEX_VERSION" ]; then
		return 0
	fi
	say "Indexing which objects read which headers (once per source tree and configuration; several minutes)..."
	start=$SECONDS
	rm -rf "$dir" "$idx.tmp"
	mkdir -p "$dir" || die "$EXIT_ERROR" "cannot create $dir"
	run rsync -a "${SCRATCH_EXCLUDES[@]}" "$SCRATCH_TREE/" "$dir/" ||
		die "$EXIT_ERROR" "cannot copy $SCRATCH_TREE to $dir"
	empty=$dir/.ksplice-empty.o
	run gcc -c -x c /dev/null -o "$empty" ||
		die "$EXIT_ERROR" "cannot compile an empty object"
	# Link steps fail on the empty objects: -k goes on past them.  objtool,
	# part of a compile's command, would only check the empty object.
	export KSPLICE_DEPCC_EMPTY=$empty
	run_logged "$log" make -C "$dir" -k -j"$JOBS" \
		${KERNEL_RELEASE:+KERNELRELEASE="$KERNEL_RELEASE"} \
		KCFLAGS="$(scratch_kcflags "$SCRATCH_PINNED_FLAGS")" \
		CC="$SELF_DIR/lib/depcc" objtool=true vmlinux modules || true
	unset KSPLICE_DEPCC_EMPTY
	{
		printf '# depindex %s\n' "$DEPINDEX_VERSION"
		(cd "$dir" && find . -name '.*.o.cmd' -printf '%P\0' |
			xargs -0 awk -f "$SELF_DIR/lib/cmd-deps.awk")
	} >"$idx.tmp" || die "$EXIT_ERROR" "cannot write $idx"
	[ "$(wc -l <"$idx.tmp")" -gt 100 ] || {
		tail -n 20 "$log" >&2
		die "$EXIT_ERROR" "indexing the tree found almost no objects (log: $log)"
	}
	depindex_keep_pre "$dir" "$idx.tmp"
	depindex_keep_cmds "$dir"
	mv "$idx.tmp" "$idx"
	rm -rf "$dir"
	say "Indexed $(($(wc -l <"$idx") - 1)) objects in $((SECONDS - start)) s"
}

# depindex_pp_key: what the hashes of depindex.pp depend on besides the
# tree: the reduction, the pinning and the section flags.
depindex_pp_key()
{
	sha256_text "$SCRATCH_SECTION_FLAGS
$(cat "$SELF_DIR/lib/pp-normalize.sed" "$SELF_DIR/lib/pin-line.h")"
}

# depindex_files0: of the paths read one a line, those of regular files,
# each ended by a NUL (for xargs -0).
depindex_files0()
{
	local f

	while read -r f; do
		if [ -f "$f" ]; then
			printf '%s\0' "$f"
		fi
	done
}

# depindex_keep_pre DIR INDEX: write depindex.pp and depindex.sums from
# the indexed copy DIR, whose objects INDEX lists.
depindex_keep_pre()
{
	local dir=$1 idx=$2

	{
		printf '# pp %s\n' "$(depindex_pp_key)"
		(cd "$dir" && find . -name '*.o.pphash' -printf '%P\0' |
			xargs -0 awk '{ f = FILENAME; sub(/\.pphash$/, "", f); print f, $1 }')
	} >"$SCRATCH_DIR/depindex.pp.tmp" &&
		awk 'NR > 1 { for (i = 2; i <= NF; i++) print $i }' "$idx" | sort -u |
		(cd "$dir" && depindex_files0 | xargs -0 -r sha256sum) \
			>"$SCRATCH_DIR/depindex.sums.tmp" ||
		die "$EXIT_ERROR" "cannot write $SCRATCH_DIR/depindex.pp"
	mv "$SCRATCH_DIR/depindex.pp.tmp" "$SCRATCH_DIR/depindex.pp" &&
		mv "$SCRATCH_DIR/depindex.sums.tmp" "$SCRATCH_DIR/depindex.sums" ||
		die "$EXIT_ERROR" "cannot write $SCRATCH_DIR/depindex.pp"
}

# depindex_keep_cmds DIR: write depindex.cmds from the indexed copy DIR:
# a first line "# cmds<TAB>DEPCC<TAB>SELF<TAB>CORE" (the compiler the
# commands name, and the directories whose paths they hold: this
# program's and the core's headers), then "OBJ<TAB>COMMAND" per object.
depindex_keep_cmds()
{
	local dir=$1

	{
		printf '# cmds\t%s\t%s\t%s\n' "$SELF_DIR/lib/depcc" "$SELF_DIR" \
			"$(cd "$CORE_INCLUDE" && pwd)"
		(cd "$dir" && find . -name '.*.o.cmd' -printf '%P\0' |
			xargs -0 awk -v cmds=1 -f "$SELF_DIR/lib/cmd-deps.awk")
	} >"$SCRATCH_DIR/depindex.cmds.tmp" &&
		mv "$SCRATCH_DIR/depindex.cmds.tmp" "$SCRATCH_DIR/depindex.cmds" ||
		die "$EXIT_ERROR" "cannot write $SCRATCH_DIR/depindex.cmds"
}

# depindex_pre_hashes OBJ...: "OBJ SHA256" for each OBJ whose index hash
# stands for its preprocessed source in the scratch copy now (its pre
# side): the key is this one, and every file OBJ read when indexed is in
# the tree and the same.  A file outside the tree may only be pin-line.h
# (its content is in the key).
depindex_pre_hashes()
{
	local idx=$SCRATCH_DIR/depindex pp=$SCRATCH_DIR/depindex.pp
	local sums=$SCRATCH_DIR/depindex.sums

	[ -f "$pp" ] && [ -f "$sums" ] || return 0
	[ "$(head -n 1 "$pp")" = "# pp $(depindex_pp_key)" ] || return 0
	printf '%s\n' "$@" >"$WORK/pp-objs"
	# their lines of the index (grep -F first: the index is large)
	printf '%s \n' "$@" | grep -F -f - -- "$idx" |
		awk 'FILENAME == ARGV[1] { want[$1] = 1; next }
			($1 in want) { print }' "$WORK/pp-objs" - >"$WORK/pp-idx"
	# the files the objects read, as they are now
	awk '{ for (i = 2; i <= NF; i++) print $i }' "$WORK/pp-idx" |
		sort -u >"$WORK/pp-files"
	awk 'FILENAME == ARGV[1] { want[$1] = 1; next }
		($2 in want) { print $2 }' "$WORK/pp-files" "$sums" |
		(cd "$SCRATCH_TREE" && depindex_files0 | xargs -0 -r sha256sum) \
			>"$WORK/pp-now" || die "$EXIT_ERROR" "cannot read the files of $SCRATCH_TREE"
	awk -v pin=/create/lib/pin-line.h '
		FILENAME == ARGV[1] { then[$2] = $1; next }
		FILENAME == ARGV[2] { same[$2] = ($2 in then) && then[$2] == $1; next }
		FILENAME == ARGV[3] { want[$1] = 1; next }
		FILENAME == ARGV[4] { if (FNR > 1 && ($1 in want)) hash[$1] = $2; next }
		($1 in hash) {
			for (i = 2; i <= NF; i++)
				if (!same[$i] && !(!($i in then) &&
				    substr("/" $i, length($i) + 2 - length(pin)) == pin))
					next
			print $1, hash[$1]
		}' "$sums" "$WORK/pp-now" "$WORK/pp-objs" "$pp" "$WORK/pp-idx"
}

# depindex_readers HEADER: the objects whose input includes HEADER (a
# path from the top of the tree), one a line (after depindex_make).
depindex_readers()
{
	local idx=$SCRATCH_DIR/depindex

	# grep -F first: the index is large, and few of its lines name HEADER
	grep -F -- " $1" "$idx" |
		awk -v h="$1" '$1 != "#" { for (i = 2; i <= NF; i++) if ($i == h) { print $1; break } }'
}
