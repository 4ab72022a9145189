# SPDX-License-Identifier: GPL-2.0
# recompile.sh - the objects after the patch compiled with the command
# Kbuild compiled them with before it (each object's .cmd file), in
# parallel and without a make: for a few objects, Kbuild's start-up and
# its walk down the directories cost more than the compiles.
#
# Kbuild would run that very command: the makefiles and the configuration
# never change (a patch changes .c and .h files only: patch.sh), and the
# builds before and after the patch have the same KCFLAGS, which the
# command must hold.  The rest of Kbuild's rule for a C object
# (scripts/Makefile.build, rule_cc_o_c) is done as it does it: fixdep
# turns the compiler's dependency file into the .cmd file, the export
# check runs, objtool's dependency line is added, and for an object that
# exports symbols genksyms' versions are appended (the preprocessed source
# with -D__GENKSYMS__ and the command's own flags).  An object whose
# command or check fails is made by Kbuild, whose errors are then shown.
#
# Whether this makes what Kbuild makes (the environment, the working
# directory, the tools, the rule's steps) is checked by samples, per kind
# of object: vmlinux or module, each with and without exports ("+exports",
# the genksyms step).  In a run where a kind has not agreed yet with this
# fingerprint, Kbuild builds the objects after the patch, and one of each
# such kind is then compiled again here; if the object and its .cmd file
# come out byte for byte as Kbuild wrote them, the kind is recorded in
# $SCRATCH_DIR/recompile.agreed ("KIND FINGERPRINT" a line).  A sample
# that differs removes the record.  The update always gets Kbuild's
# objects in a sampling run.  KSPLICE_RECOMPILE=0: Kbuild makes them all.

RECOMPILE_AGREED_FILE=recompile.agreed

# The objects recompile_objects left to Kbuild.
RECOMPILE_LEFT=()

# The command of each object to compile here, as its .cmd file has it.
declare -A RECOMPILE_CMD=()

# " KIND KIND ... ": the kinds that agreed (recompile_one makes only
# those), or "all" while sampling.
RECOMPILE_KINDS=

# recompile_fingerprint: what could make a command run here make
# something else than Kbuild running it: the tools, the build's flags, the
# tree's place, the environment the compiler and objtool read, and this
# file (another ksplice-create may do the rule otherwise).
recompile_fingerprint()
{
	local tool

	{
		sha256sum "$SELF_DIR/lib/recompile.sh"
		for tool in gcc gcc-12 "$(gcc -print-prog-name=cc1)" as ld nm awk make sh; do
			tool=$(command -v "$tool") && stat -L -c '%n %s %Y' "$tool"
		done
		(cd "$SCRATCH_TREE" && stat -L -c '%n %s %Y' tools/objtool/objtool \
			scripts/basic/fixdep scripts/genksyms/genksyms scripts/check-local-export)
		cd -P "$SCRATCH_TREE" && pwd
		scratch_kcflags "$SCRATCH_KCFLAGS"
		env | grep -E '^(GCC_[A-Z_]*|CPATH|C_INCLUDE_PATH|COMPILER_PATH|LIBRARY_PATH|SOURCE_DATE_EPOCH|OBJTOOL_ARGS|KBUILD_[A-Z_]*|KCFLAGS|NM|AWK|LC_ALL|LANG)=' |
			LC_ALL=C sort
	} 2>/dev/null | sha256sum | cut -c1-16
}

# recompile_target OBJ: the name Kbuild makes OBJ by.
recompile_target()
{
	printf '%s\n' "${SCRATCH_TARGET[$1]:-$1}"
}

# recompile_read OBJ: set RECOMPILE_CMD[OBJ] if OBJ's .cmd file holds a
# compile of OBJ as it would be made now (objects_cmd_of): "CC FLAGS -c
# -o OBJ SOURCE", then objtool; fails if not.
recompile_read()
{
	local cmd target

	target=$(recompile_target "$1")
	cmd=$(objects_cmd_of "$1" "$(objects_cmd_file "$1")") || return 1
	[[ $cmd == *" $(scratch_kcflags "$SCRATCH_KCFLAGS") "*" -c -o $target "* ]] || return 1
	RECOMPILE_CMD[$1]=$cmd
}

# recompile_exports OBJ: does OBJ (a path in the tree) export symbols, as
# Kbuild's rule tells?  (grep reads all of nm's output: with pipefail, nm
# cut short by grep -q would fail the pipe.)
recompile_exports()
{
	nm -- "$1" 2>/dev/null | grep __ksymtab >/dev/null
}

# recompile_rule TARGET CMD RAW FILE TOOL KIND: in the tree's top
# directory, Kbuild's rule for a C object: CMD (RAW: as the .cmd file has
# it), then its .cmd file written to FILE.tmp (TOOL: objtool's dependency
# line, if any) and the other steps.  Returns 2 where the object's kind
# (KIND, or KIND+exports for one that exports) has not agreed (and then
# without the genksyms step), 1 if a step fails.
recompile_rule()
{
	local target=$1 cmd=$2 raw=$3 file=$4 tool=$5 kind=$6 depfile flags src
	local ref=/dev/null

	depfile=$(objects_parent "$target")/.${target##*/}.d
	depfile=${depfile//,/_}
	sh -c "set -e; $cmd" &&
		scripts/basic/fixdep "$depfile" "$target" "$raw" >"$file.tmp" &&
		rm -f -- "$depfile" || return 1
	if [ -f scripts/check-local-export ]; then
		NM=nm AWK=awk ./scripts/check-local-export "$target" || return 1
	fi
	[ -z "$tool" ] || printf '\n%s\n' "$tool" >>"$file.tmp" || return 1
	if ! recompile_exports "$target"; then
		case $RECOMPILE_KINDS in
		all | *" $kind "*) return 0 ;;
		*) return 2 ;;
		esac
	fi
	case $RECOMPILE_KINDS in
	all | *" $kind+exports "*) ;;
	*) return 2 ;;
	esac
	# $(CPP) -D__GENKSYMS__ $(c_flags) $< | $(genksyms), c_flags being
	# what the command has between the compiler and "-c -o", and the
	# object's .symref file, if any, genksyms' reference
	flags=${cmd%%" -c -o $target "*}
	flags=${flags#* }
	src=${cmd#*" -c -o $target "}
	src=${src%% *}
	[ ! -f "${target%.o}.symref" ] || ref=${target%.o}.symref
	sh -c "set -e; ${cmd%% *} -E -D__GENKSYMS__ $flags $src | scripts/genksyms/genksyms -r $ref" \
		>>"$file.tmp"
}

# recompile_one OBJ: compile OBJ (in RECOMPILE_CMD) in the scratch copy as
# Kbuild's rule would (recompile_rule).  Prints "OBJ" if Kbuild must make
# it after all; the reason is the last line of OBJ's log.
recompile_one()
{
	local obj=$1 raw=${RECOMPILE_CMD[$1]} cmd target file tool log status

	log=$(each_log "$obj")
	target=$(recompile_target "$obj")
	file=$(objects_cmd_file "$obj")
	# the .cmd file keeps make's escapes: $ doubled, # as $(pound)
	# shellcheck disable=SC2016
	cmd=${raw//'$(pound)'/#}
	cmd=${cmd//'$$'/'$'}
	# shellcheck disable=SC2016
	tool=$(awk -v t="$target: \$(wildcard " \
		'index($0, t) == 1 && /objtool\)$/ { print; exit }' "$file" 2>/dev/null)
	rm -f -- "$SCRATCH_TREE/$obj"
	status=0
	(cd -P "$SCRATCH_TREE" &&
		recompile_rule "$target" "$cmd" "$raw" "$file" "$tool" "${OBJ_KIND[$obj]}" &&
		mv -- "$file.tmp" "$file") >"$log" 2>&1 || status=$?
	[ $status != 0 ] || return 0
	rm -f -- "$file.tmp"
	if [ $status = 2 ]; then
		echo "no sample of its kind (vmlinux or module, with or without exports) agreed yet"
	else
		echo "its command or a check of Kbuild's rule failed"
	fi >>"$log"
	printf '%s\n' "$obj"
}

# recompile_made OBJ: the files of the scratch copy that recompile_one
# OBJ writes besides the object and its .cmd file.
recompile_made()
{
	local target dir base

	target=$(recompile_target "$1")
	dir=$(objects_parent "$target")
	base=${target##*/}
	printf '%s\n' "$dir/.${base//,/_}.d" "$dir/.tmp_$base"
}

# recompile_agreed FP: print the kinds that agreed with fingerprint FP.
recompile_agreed()
{
	local fp=$1 kind hash

	[ -f "$SCRATCH_DIR/$RECOMPILE_AGREED_FILE" ] || return 0
	while read -r kind hash; do
		[ "$hash" != "$fp" ] || printf '%s\n' "$kind"
	done <"$SCRATCH_DIR/$RECOMPILE_AGREED_FILE"
}

# recompile_objects LOG OBJ...: compile here the OBJs of the kinds that
# agreed (see the top of this file); set RECOMPILE_LEFT to the others and
# to those Kbuild must make after all.  The commands' output goes to LOG.
# Runs after the patch, where the .cmd files are those of the build
# before it.
recompile_objects()
{
	local log=$1 obj why
	local -a here=() made=() back=()

	shift
	RECOMPILE_LEFT=() RECOMPILE_CMD=()
	if [ "${KSPLICE_RECOMPILE:-1}" = 0 ]; then
		RECOMPILE_LEFT=("$@")
		return 0
	fi
	RECOMPILE_KINDS=" $(recompile_agreed "$(recompile_fingerprint)" | tr '\n' ' ')"
	for obj in "$@"; do
		# its kind with or without exports (the compile tells which)
		if [[ $RECOMPILE_KINDS == *" ${OBJ_KIND[$obj]:-none}"[\ +]* ]] &&
			recompile_read "$obj"; then
			here+=("$obj")
		else
			RECOMPILE_LEFT+=("$obj")
		fi
	done
	[ ${#here[@]} -gt 0 ] || return 0
	for obj in "${here[@]}"; do
		mapfile -t made < <(recompile_made "$obj")
		scratch_touch obj "${made[@]}"
	done
	debug "Compiled with Kbuild's commands, without a make: ${here[*]}"
	mapfile -t back < <(run_each recompile_one "${here[@]}")
	for obj in "${back[@]}"; do
		why=$(tail -n 1 "$(each_log "$obj")" 2>/dev/null)
		debug "$obj: made by Kbuild: $why"
		RECOMPILE_LEFT+=("$obj")
	done
	each_logs_collect "$log" "${here[@]}"
}

# recompile_sample LOG OBJ...: Kbuild has just made the OBJs after the
# patch; compile one of each kind that has not agreed yet again here, and
# record the kinds whose sample came out as Kbuild made it (see the top of
# this file).  Kbuild's objects and .cmd files are put back.
recompile_sample()
{
	local log=$1 obj kind fp file keep=$WORK/recompile-sample bad=
	local -a sample=() made=()
	local -A agreed=() of=()

	shift
	[ "${KSPLICE_RECOMPILE:-1}" != 0 ] || return 0
	fp=$(recompile_fingerprint)
	while read -r kind; do
		agreed[$kind]=1
	done < <(recompile_agreed "$fp")
	for obj in "$@"; do
		kind=${OBJ_KIND[$obj]:-}
		[ -n "$kind" ] || continue
		! recompile_exports "$SCRATCH_TREE/$obj" || kind+=+exports
		[ -z "${agreed[$kind]:-}" ] && recompile_read "$obj" || continue
		sample+=("$obj")
		of[$obj]=$kind
		agreed[$kind]=sampled
	done
	[ ${#sample[@]} -gt 0 ] || return 0
	rm -rf -- "$keep"
	RECOMPILE_KINDS=all
	for obj in "${sample[@]}"; do
		file=$(objects_cmd_file "$obj")
		mkdir -p "$keep/$(dirname "$obj")" &&
			cp -- "$SCRATCH_TREE/$obj" "$keep/$obj" &&
			cp -- "$file" "$keep/$obj.cmd" ||
			die "$EXIT_ERROR" "cannot keep $obj aside"
		mapfile -t made < <(recompile_made "$obj")
		scratch_touch obj "${made[@]}"
		if [ -n "$(recompile_one "$obj")" ]; then
			bad+=" $obj"
		elif cmp -s -- "$keep/$obj" "$SCRATCH_TREE/$obj" &&
			cmp -s -- "$keep/$obj.cmd" "$file"; then
			printf '%s %s\n' "${of[$obj]}" "$fp" >>"$SCRATCH_DIR/$RECOMPILE_AGREED_FILE"
			debug "$obj: compiled without a make as Kbuild compiled it: ${of[$obj]} objects will be"
		else
			bad+=" $obj"
		fi
		each_logs_collect "$log" "$obj"
		cp -- "$keep/$obj" "$SCRATCH_TREE/$obj" &&
			cp -- "$keep/$obj.cmd" "$file" ||
			die "$EXIT_ERROR" "cannot put Kbuild's $obj back"
	done
	RECOMPILE_KINDS=
	rm -rf -- "$keep"
	if [ -n "$bad" ]; then
		debug "Compiled without a make,${bad} differ from Kbuild's: Kbuild compiles every object after the patch"
		rm -f -- "$SCRATCH_DIR/$RECOMPILE_AGREED_FILE"
	fi
}
