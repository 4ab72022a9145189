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

DEPINDEX_VERSION=1

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
	mv "$idx.tmp" "$idx"
	rm -rf "$dir"
	say "Indexed $(($(wc -l <"$idx") - 1)) objects in $((SECONDS - start)) s"
}

# depindex_readers HEADER: the objects whose input includes HEADER (a
# path from the top of the tree), one a line (after depindex_make).
depindex_readers()
{
	local idx=$SCRATCH_DIR/depindex

	awk -v h="$1" 'NR > 1 { for (i = 2; i <= NF; i++) if ($i == h) { print $1; break } }' "$idx"
}
