# SPDX-License-Identifier: GPL-2.0
# indexcmd.sh - running an object's compile as Kbuild ran it when the
# tree was indexed (depindex.cmds), in the scratch copy, many in
# parallel and without a make: to preprocess it behind depcc (the sha256
# of its reduced source and the source itself, as the index made its pre
# side), or to compile it.  Used for the objects outside vmlinux and the
# modules (others.sh) and for the post side of the screen of header
# readers (screen.sh).

# The command of each object asked for, its compiler written @CC@ where
# it was depcc.
declare -A INDEX_CMD=()

# indexcmd_read OBJ...: set INDEX_CMD for the OBJs the index has a
# command for, with this run's paths; dies if depindex.cmds is not one.
indexcmd_read()
{
	local cmds=$SCRATCH_DIR/depindex.cmds tag depcc self core obj cmd
	local here_core

	[ $# -gt 0 ] || return 0
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
		INDEX_CMD[$obj]=${cmd//"$core"/"$here_core"}
	done < <(printf '%s\n' "$@" |
		awk -F '\t' 'FILENAME != ARGV[2] { want[$1] = 1; next }
			FNR > 1 && ($1 in want)' - "$cmds")
}

# indexcmd_made OBJ: the files in the scratch copy that OBJ's command
# writes (behind depcc: OBJ.pphash and OBJ.i too).
indexcmd_made()
{
	local dir base

	dir=$(objects_parent "$1")
	base=${1##*/}
	printf '%s\n' "$1" "$1.pphash" "$1.i" "$dir/.$base.d"
}

# indexcmd_one MODE OBJ: run OBJ's command in the scratch copy, its
# compiler (the first word: @CC@, the kernel's gcc, or a host program's)
# as it is (MODE cc) or behind depcc (MODE pp); the output goes to a log
# of WORK.  Prints "OBJ" if it fails.
indexcmd_one()
{
	local cmd=${INDEX_CMD[$2]} cc rest

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
	fi >"$(each_log "$2")" 2>&1 || printf '%s\n' "$2"
}

indexcmd_pp_one() { indexcmd_one pp "$1"; }
indexcmd_cc_one() { indexcmd_one cc "$1"; }

# indexcmd_run MODE LOG OBJ...: MODE pp or cc (see indexcmd_one) for every
# OBJ (all in INDEX_CMD) in parallel, their output appended to LOG;
# prints the OBJs that failed.
indexcmd_run()
{
	local mode=$1 log=$2 obj
	local -a f

	shift 2
	[ $# -gt 0 ] || return 0
	for obj in "$@"; do
		mapfile -t f < <(indexcmd_made "$obj")
		scratch_touch obj "${f[@]}"
	done
	[ -f "$WORK/indexcmd-empty.o" ] || gcc -c -x c /dev/null -o "$WORK/indexcmd-empty.o" ||
		die "$EXIT_ERROR" "cannot compile an empty object"
	KSPLICE_DEPCC_EMPTY=$WORK/indexcmd-empty.o KSPLICE_DEPCC_KEEP=1 \
		run_each "indexcmd_${mode}_one" "$@"
	each_logs_collect "$log" "$@"
}

# indexcmd_hash OBJ: the hash depcc wrote for OBJ, or nothing.
indexcmd_hash()
{
	local hash

	hash=$(cat "$SCRATCH_TREE/$1.pphash" 2>/dev/null)
	[ ${#hash} != 64 ] || printf '%s\n' "$hash"
}
