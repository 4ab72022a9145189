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

# The command of each of OTHER_OBJS, its compiler written @CC@.
declare -A OTHERS_CMD=()

# others_commands: set OTHERS_CMD for OTHER_OBJS from the index, with
# this run's paths, or die naming an object it has no command for.
others_commands()
{
	local cmds=$SCRATCH_DIR/depindex.cmds tag depcc self core obj cmd
	local here_core

	[ ${#OTHER_OBJS[@]} -gt 0 ] || return 0
	tag=
	[ -f "$cmds" ] && IFS=$'\t' read -r tag depcc self core <"$cmds"
	[ "$tag" = "# cmds" ] ||
		die "$EXIT_ERROR" "$cmds is not a list of commands (remove $SCRATCH_DIR/depindex to index again)"
	here_core=$(cd "$CORE_INCLUDE" && pwd)
	while IFS=$'\t' read -r obj cmd; do
		# as Kbuild writes it to a .cmd file: $ doubled, # as $(pound)
		# shellcheck disable=SC2016
		cmd=${cmd//'$(pound)'/#}
		cmd=${cmd//'$$'/'$'}
		cmd=${cmd//"$depcc"/@CC@}
		cmd=${cmd//"$self"/"$SELF_DIR"}
		OTHERS_CMD[$obj]=${cmd//"$core"/"$here_core"}
	done < <(printf '%s\n' "${OTHER_OBJS[@]}" |
		awk -F '\t' 'FILENAME != ARGV[2] { want[$1] = 1; next }
			FNR > 1 && ($1 in want)' - "$cmds")
	for obj in "${OTHER_OBJS[@]}"; do
		[ -n "${OTHERS_CMD[$obj]:-}" ] ||
			die "$EXIT_ERROR" "the dependency index has no command for $obj (remove $SCRATCH_DIR/depindex to index again)"
	done
}

# others_made OBJ: the files in the scratch copy that OBJ's command writes.
others_made()
{
	local dir base

	dir=$(objects_parent "$1")
	base=${1##*/}
	printf '%s\n' "$1" "$1.pphash" "$1.i" "$dir/.$base.d"
}

# others_run_one MODE OBJ: run OBJ's command in the scratch copy, its
# compiler (the first word: @CC@, the kernel's gcc, or a host program's)
# as it is (MODE cc) or behind depcc (MODE pp); the output goes to a log
# of WORK.  Prints "OBJ" if it fails.
others_run_one()
{
	local cmd=${OTHERS_CMD[$2]} cc rest

	cc=${cmd%% *}
	rest=${cmd#* }
	[ "$cc" != @CC@ ] || cc=gcc
	rm -f -- "$SCRATCH_TREE/$2"
	# as Kbuild runs it: set -e (a compile may be followed by "; true")
	if [ "$1" = pp ]; then
		(cd "$SCRATCH_TREE" &&
			KSPLICE_DEPCC_REAL=$cc sh -c "set -e; $SELF_DIR/lib/depcc $rest")
	else
		(cd "$SCRATCH_TREE" && sh -c "set -e; $cc $rest")
	fi >"$WORK/others-$$-${2//\//_}.log" 2>&1 || printf '%s\n' "$2"
}

others_pp_one() { others_run_one pp "$1"; }
others_cc_one() { others_run_one cc "$1"; }

# others_run SIDE MODE OBJ...: MODE pp (depcc: OBJ.pphash and OBJ.i) or
# cc (the object), for every OBJ in parallel, before (SIDE pre) or after
# (post) the patch; dies on a failed compile.
others_run()
{
	local side=$1 mode=$2 obj log how
	local -a failed f

	shift 2
	[ $# -gt 0 ] || return 0
	for obj in "$@"; do
		mapfile -t f < <(others_made "$obj")
		scratch_touch obj "${f[@]}"
	done
	export KSPLICE_DEPCC_EMPTY=$WORK/others-empty.o KSPLICE_DEPCC_KEEP=1
	mapfile -t failed < <(run_each "others_${mode}_one" "$@")
	unset KSPLICE_DEPCC_EMPTY KSPLICE_DEPCC_KEEP
	for obj in "$@"; do
		log=$WORK/others-$$-${obj//\//_}.log
		cat -- "$log" >>"$WORK/build-others.log" 2>/dev/null
		rm -f -- "$log"
	done
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
	OTHER_HASH=$(cat "$SCRATCH_TREE/$1.pphash" 2>/dev/null)
	[ ${#OTHER_HASH} = 64 ] ||
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
	gcc -c -x c /dev/null -o "$WORK/others-empty.o" ||
		die "$EXIT_ERROR" "cannot compile an empty object"
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
