# SPDX-License-Identifier: GPL-2.0
# others.sh - the objects that read a changed header but are built into
# neither vmlinux nor a module (the vDSO, boot and realmode code, the
# purgatory, host programs): no update can change them, so the patch
# must leave each one compiling the same (check_other_objects).
#
# Kbuild cannot always make such an object on its own: the 32-bit vDSO's
# objects get -m32 from a target-specific KBUILD_CFLAGS of the image
# they are linked into (vdso32.so.dbg), so "make .../vclock_gettime.o"
# compiles them for x86-64, and that fails.  So they are made with the
# very command Kbuild ran for them when the tree was indexed
# (depindex.cmds), with the real compiler in place of depcc (host
# programs' objects keep theirs).  And as for
# the readers in the kernel and its modules (screen.sh), one whose
# preprocessed source the patch leaves the same token for token is not
# compiled: its sha256 (depcc's, the pre side from the index where it
# stands) is compared before and after the patch.  One that reads
# __builtin_LINE or .include/.incbin is always compiled.

# others_commands: read the commands of OTHER_OBJS from the index
# (indexcmd.sh), or die naming an object it has no command for.
others_commands()
{
	local obj

	indexcmd_read "${OTHER_OBJS[@]}"
	for obj in "${OTHER_OBJS[@]}"; do
		[ -n "${INDEX_CMD[$obj]:-}" ] ||
			die "$EXIT_ERROR" "the dependency index has no command for $obj (remove $SCRATCH_DIR/depindex to index again)"
	done
}

# others_run SIDE MODE OBJ...: MODE pp (depcc: OBJ.pphash and OBJ.i) or
# cc (the object), for every OBJ in parallel, before (SIDE pre) or after
# (post) the patch; dies on a failed compile.
others_run()
{
	local side=$1 mode=$2 how
	local -a failed

	shift 2
	mapfile -t failed < <(indexcmd_run "$mode" "$WORK/build-others.log" "$@")
	[ ${#failed[@]} -eq 0 ] && return 0
	show_build_errors "$WORK/build-others.log"
	how="with the command Kbuild ran for it when the tree was indexed"
	[ "$side" = pre ] ||
		die "$EXIT_BUILD" "the patch breaks the build: ${failed[0]} does not build $how"
	die "$EXIT_BUILD" "the unpatched source does not build: ${failed[0]} $how"
}

# others_hash OBJ: set OTHER_HASH to the hash depcc wrote for OBJ; dies
# if there is none.
others_hash()
{
	OTHER_HASH=$(indexcmd_hash "$1")
	[ -n "$OTHER_HASH" ] ||
		die "$EXIT_ERROR" "preprocessing $1 with its command wrote no hash"
}

# others_screen: drop from OTHER_OBJS those whose preprocessed source the
# patch leaves the same.  Runs in the pre state and leaves it so.
others_screen()
{
	local obj hash
	local -a pre=() keep=()
	local -A before=()

	[ ${#OTHER_OBJS[@]} -gt 0 ] || return 0
	others_commands
	while read -r obj hash; do
		before[$obj]=$hash
	done < <(depindex_pre_hashes "${OTHER_OBJS[@]}")
	for obj in "${OTHER_OBJS[@]}"; do
		[ -n "${before[$obj]:-}" ] || pre+=("$obj")
	done
	say "Preprocessing the ${#OTHER_OBJS[@]} objects outside the kernel and its modules that read the changed header(s), before and after the patch ($((${#OTHER_OBJS[@]} - ${#pre[@]})) of them before from the index)..."
	others_run pre pp "${pre[@]}"
	for obj in "${pre[@]}"; do
		others_hash "$obj"
		before[$obj]=$OTHER_HASH
	done
	apply_patch_to_scratch
	others_run post pp "${OTHER_OBJS[@]}"
	for obj in "${OTHER_OBJS[@]}"; do
		others_hash "$obj"
		if [ "$OTHER_HASH" != "${before[$obj]}" ] ||
			grep -q -e '__builtin_LINE' -e '\.include' -e '\.incbin' \
				"$SCRATCH_TREE/$obj.i"; then
			keep+=("$obj")
		fi
	done
	scratch_to_pre
	say "$((${#OTHER_OBJS[@]} - ${#keep[@]})) of them compile the same tokens after the patch; ${#keep[@]} do not, and are compared"
	OTHER_OBJS=("${keep[@]}")
}

# others_build KIND: make OTHER_OBJS with their commands and copy them to
# WORK/KIND.
others_build()
{
	local kind=$1 obj

	[ ${#OTHER_OBJS[@]} -gt 0 ] || return 0
	say "Building $kind objects outside the kernel and its modules: ${#OTHER_OBJS[@]} (${OTHER_OBJS[*]:0:3} ...)"
	others_run "$kind" cc "${OTHER_OBJS[@]}"
	for obj in "${OTHER_OBJS[@]}"; do
		mkdir -p "$WORK/$kind/$(dirname "$obj")"
		cp "$SCRATCH_TREE/$obj" "$WORK/$kind/$obj" ||
			die "$EXIT_BUILD" "the command of $obj made no object"
	done
}
