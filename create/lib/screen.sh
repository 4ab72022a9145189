# SPDX-License-Identifier: GPL-2.0
# screen.sh - of the objects that read a changed header, keep only those
# whose preprocessed input the patch changes.
#
# A core header is read by thousands of objects; compiling each of them
# before and after the patch costs an hour, when most compile exactly the
# same tokens (the patch touches a macro or an inline function they never
# use).  Kbuild preprocesses an object's source with the object's own
# flags (make DIR/FILE.i) in a fraction of the time of a compile.  Before
# and after the patch, each reader's preprocessed source is compared with
# line markers and blank lines left out: where the two are the same
# token for token, the compiler is handed the same program and makes the
# same code (only its line information differs: __LINE__ is expanded by
# then, so a moved WARN_ON() still shows as a change); such an object is
# left out.  Kept, always: an object with a .c of its own that the patch
# changes, one whose source is not a .c beside it, the objects outside
# vmlinux and the modules, and any whose preprocessed source uses
# __builtin_LINE or .include/.incbin (the line, or a file, read later).

# The changed headers whose every reader was left out.
declare -A SCREENED=()

# screen_normalize FILE: FILE's tokens without line markers or blank lines.
screen_normalize()
{
	sed -e '/^# [0-9]/d' -e '/^[[:space:]]*$/d' "$1"
}

# screen_header_readers PATCHED_SRC...: drop from OBJS the objects that
# only read changed headers and whose preprocessed input is the same
# after the patch; SCREENED[header] is set for each header they read.
# Runs with the scratch copy in its pre state and leaves it so.
screen_header_readers()
{
	local obj src only_h kept=0 same=0 a b
	local -a cand=() targets=() keep=()
	local -A direct=()

	for src in "$@"; do
		case $src in
		*.c) direct[$src]=1 ;;
		esac
	done
	for obj in "${OBJS[@]}"; do
		only_h=1
		for src in ${OBJ_SRCS[$obj]}; do
			[[ $src == *.h ]] || only_h=
		done
		if [ -n "$only_h" ] && [ -z "${direct[${obj%.o}.c]:-}" ] &&
			[ -f "$SCRATCH_TREE/${obj%.o}.c" ]; then
			cand+=("$obj")
			targets+=("${obj%.o}.i")
		fi
	done
	[ ${#cand[@]} -gt 0 ] || return 0
	say "Preprocessing the ${#cand[@]} objects that read the changed header(s), before and after the patch..."
	for obj in "${cand[@]}"; do
		scratch_touch obj "${obj%.o}.i" "$(dirname "$obj")/.$(basename "${obj%.o}").i.cmd"
	done
	screen_preprocess pre "${targets[@]}"
	apply_patch_to_scratch
	screen_preprocess post "${targets[@]}"
	scratch_to_pre
	for obj in "${cand[@]}"; do
		a=$WORK/screen-pre/${obj%.o}.i
		b=$WORK/screen-post/${obj%.o}.i
		# one that Kbuild cannot preprocess on its own (a generated
		# header that only the object's rule makes) is compiled
		if [ -f "$a" ] && [ -f "$b" ] && ! grep -q -e '__builtin_LINE' -e '\.include' -e '\.incbin' "$b" &&
			cmp -s <(screen_normalize "$a") <(screen_normalize "$b"); then
			same=$((same + 1))
			for src in ${OBJ_SRCS[$obj]}; do
				SCREENED[$src]=1
			done
			unset "OBJ_SRCS[$obj]" "OBJ_KIND[$obj]"
			continue
		fi
		kept=$((kept + 1))
	done
	for obj in "${OBJS[@]}"; do
		[ -z "${OBJ_SRCS[$obj]+set}" ] || keep+=("$obj")
	done
	OBJS=("${keep[@]}")
	say "$same of them compile the same tokens after the patch; $kept do not, and are compared"
	rm -rf "$WORK/screen-pre" "$WORK/screen-post"
}

# screen_preprocess KIND TARGET...: make the .i TARGETs in the scratch
# copy (going on past those Kbuild cannot make) and move those made to
# WORK/screen-KIND/.
screen_preprocess()
{
	local kind=$1 t

	shift
	SCRATCH_KEEP_GOING=1 scratch_build_objects "$WORK/build-screen-$kind.log" "$@"
	for t in "$@"; do
		[ -f "$SCRATCH_TREE/$t" ] || continue
		mkdir -p "$WORK/screen-$kind/$(dirname "$t")"
		mv "$SCRATCH_TREE/$t" "$WORK/screen-$kind/$t" ||
			die "$EXIT_ERROR" "cannot move $SCRATCH_TREE/$t"
	done
}

# Above this many objects to compile, a few are compiled first.
SCREEN_PROBE_ABOVE=100
SCREEN_PROBE_COUNT=8

# screen_probe: when the patch still leaves many objects to compile, build
# a few of them, spread over the list, before and after the patch first,
# and check their types' layouts (layout.sh): a change that breaks the
# build or the layout of a type in use shows in any reader, and is
# refused at once rather than after thousands of compiles (only the
# refusals those few show are named then).  Leaves the scratch copy in its
# pre state.
screen_probe()
{
	local n=${#OBJS[@]} step i
	local -a probe=()

	[ "$n" -gt "$SCREEN_PROBE_ABOVE" ] || return 0
	step=$((n / SCREEN_PROBE_COUNT))
	for ((i = 0; i < n; i += step)); do
		probe+=("${OBJS[i]}")
	done
	say "Compiling ${#probe[@]} of the $n objects first, to find a change that breaks the build or a type's layout early..."
	scratch_touch obj "${probe[@]}"
	build_objects pre "${probe[@]}"
	apply_patch_to_scratch
	build_objects post "${probe[@]}"
	scratch_to_pre
	layout_check "${probe[@]}"
}
