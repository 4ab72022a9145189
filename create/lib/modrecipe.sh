# SPDX-License-Identifier: GPL-2.0
# modrecipe.sh - building a module of an update by running again the
# commands Kbuild ran for a module of the same shape, without Kbuild's
# three makes per module (their start-up is most of a module's build).
#
# A recipe is recorded once per build tree, core and shape: a template
# module of that shape (same Kbuild file, same source file names) is built
# with Kbuild, and the command each step saved in its .cmd file is kept,
# with the module's directory and name as placeholders.  The recipe is
# trusted only if running it again in the template's directory makes the
# very .ko that Kbuild made, byte for byte, and if Kbuild ran no step
# other than the ones it lists; otherwise the update's modules are built
# with Kbuild, and the reason is kept beside the recipe.  A module whose
# objects export symbols (genksyms would run) is always built with Kbuild.
#
# Recipe states, one directory each under $KSPLICE_CACHE/modrecipe/KEY/SHAPE:
#
#   (none) --record--> valid     (file "recipe"; replayed for each update)
#          \---------> invalid   (file "invalid": why; Kbuild builds)

# The placeholders in a recipe, and the template's module id.
MODRECIPE_DIR=@KSPLICE_DIR@
MODRECIPE_NAME=@KSPLICE_NAME@
MODRECIPE_TEMPLATE_ID=kspliceidrecipe0
# Bumped when what a recipe holds changes.
MODRECIPE_VERSION=1

# modrecipe_key BUILD CORE_SYMVERS: what a recipe depends on: the build
# tree and its tools, the core's exports, and the shapes.
modrecipe_key()
{
	local build=$1 symvers=$2 tool

	{
		printf 'version %s\n' "$MODRECIPE_VERSION"
		readlink -f "$build"
		sha256_of "$build/Module.symvers"
		sha256_of "$build/.config"
		sha256_of "$symvers"
		for tool in "$build/scripts/mod/modpost" "$build/tools/objtool/objtool" \
			$(command -v gcc gcc-12 ld as 2>/dev/null); do
			stat -L -c '%n %s %Y' "$tool" 2>/dev/null
		done
		module_kbuild helper NAME
		module_kbuild new NAME
	} | sha256sum | cut -c1-16
}

# modrecipe_template SHAPE DIR FORMAT_H: the template module's sources.
modrecipe_template()
{
	local shape=$1 dir=$2 format_h=$3 name file

	name=$(module_name "$shape" "$MODRECIPE_TEMPLATE_ID")
	cp "$format_h" "$dir/" || return 1
	for file in $(module_sources "$shape" "$name"); do
		case $file in
		*.c) printf '#include <linux/module.h>\n#include "ksplice-format.h"\nMODULE_LICENSE("GPL");\n' ;;
		*.S) printf '/* a template of ksplice'\''s new code */\n' ;;
		esac >"$dir/$file" || return 1
	done
	module_kbuild "$shape" "$name" >"$dir/Kbuild"
}

# modrecipe_read SHAPE DIR NAME: print the recipe of the module NAME that
# Kbuild built in DIR (a line per step: the target, a tab and its command,
# with placeholders for DIR and NAME);
# fails, saying why on stderr, if a step's command is missing or Kbuild
# ran steps the shape does not list.
modrecipe_read()
{
	local shape=$1 dir=$2 name=$3 step cmd file known=" "

	for step in $(module_steps "$shape" "$name"); do
		known+=".$step.cmd "
		file=$dir/.$step.cmd
		cmd=
		[ -f "$file" ] && IFS= read -r cmd <"$file"
		cmd=${cmd#saved}
		if [[ $cmd != "cmd_$dir/$step := "?* ]]; then
			echo "Kbuild saved no command for $step"
			return 1
		fi
		cmd=${cmd#"cmd_$dir/$step := "}
		# a command in make's syntax: $$ is one $; Kbuild writes # as $(pound)
		case $cmd in
		*'$('*) echo "the command of $step has make syntax left: $cmd"; return 1 ;;
		esac
		cmd=${cmd//'$$'/'$'}
		case $cmd in
		*"$MODRECIPE_DIR"* | *"$MODRECIPE_NAME"*)
			echo "the command of $step has a placeholder's text: $cmd"; return 1 ;;
		esac
		cmd=${cmd//"$dir"/"$MODRECIPE_DIR"}
		printf '%s\t%s\n' "${step//"$name"/"$MODRECIPE_NAME"}" \
			"${cmd//"$name"/"$MODRECIPE_NAME"}"
	done
	for file in "$dir"/.*.cmd; do
		case $known in
		*" ${file##*/} "*) ;;
		*) echo "Kbuild ran a step the recipe does not know: ${file##*/}"; return 1 ;;
		esac
	done
}

# modrecipe_run BUILD RECIPE DIR NAME: run the recipe in BUILD (Kbuild's
# directory for its commands) for the module NAME whose sources are in
# DIR; each command as Kbuild runs it, and saved as Kbuild saves it in
# the step's .cmd file (modpost reads the objects' .cmd files, for the
# versions of exported symbols that genksyms would have added there).
# Returns the first failure.
modrecipe_run()
{
	local build=$1 recipe=$2 dir=$3 name=$4 step cmd

	while IFS=$'\t' read -r step cmd; do
		step=${step//"$MODRECIPE_NAME"/"$name"}
		cmd=${cmd//"$MODRECIPE_DIR"/"$dir"}
		cmd=${cmd//"$MODRECIPE_NAME"/"$name"}
		debug "+ $cmd"
		# in the physical directory, as make -C: the compiler records it
		(cd -P "$build" && LC_COLLATE=C LC_NUMERIC=C sh -c "set -e; $cmd") </dev/null ||
			return
		printf 'cmd_%s/%s := %s\n' "$dir" "$step" "${cmd//'$'/'$$'}" \
			>"$dir/.$step.cmd" || return
	done <"$recipe"
}

# modrecipe_record BUILD SHAPE DIR FORMAT_H: record the recipe of SHAPE in
# DIR (empty): file DIR/recipe if it is trusted, else DIR/invalid.
modrecipe_record()
{
	local build=$1 shape=$2 dir=$3 format_h=$4 name src=$3/template why=

	name=$(module_name "$shape" "$MODRECIPE_TEMPLATE_ID")
	mkdir -p "$src" && modrecipe_template "$shape" "$src" "$format_h" ||
		die "$EXIT_ERROR" "cannot write a template module in $src"
	if ! kbuild_module "$build" "$src"; then
		why="Kbuild did not build the template module (log: $src/build.log)"
	elif ! why=$(modrecipe_read "$shape" "$src" "$name" 2>&1 >"$dir/recipe.new"); then
		:
	else
		why=
		mv "$src/$name.ko" "$dir/kbuild.ko"
		# again from the sources alone, in the same place (same paths)
		module_clean "$src"
		if ! modrecipe_run "$build" "$dir/recipe.new" "$src" "$name" >"$dir/replay.log" 2>&1; then
			why="the recorded commands failed (log: $dir/replay.log)"
		elif ! cmp -s "$dir/kbuild.ko" "$src/$name.ko"; then
			why="the recorded commands made another $name.ko than Kbuild"
		fi
	fi
	if [ -n "$why" ]; then
		printf '%s\n' "$why" >"$dir/invalid"
	else
		mv "$dir/recipe.new" "$dir/recipe"
	fi
}

# modrecipe_find BUILD CORE_SYMVERS FORMAT_H SHAPE...: set MODRECIPE[SHAPE]
# to the trusted recipe of each SHAPE, or to "" (Kbuild builds it),
# recording them first if needed (once per build tree and core, side by
# side when there are jobs for it).  KSPLICE_MODULES_KBUILD=1 builds with
# Kbuild always.
declare -A MODRECIPE=()
modrecipe_find()
{
	local build symvers=$2 format_h=$3 shape dir key pid pids=()

	build=$(readlink -f "$1")
	shift 3
	for shape; do
		MODRECIPE[$shape]=
	done
	[ "${KSPLICE_MODULES_KBUILD:-0}" = 1 ] && return 0
	key=$(modrecipe_key "$build" "$symvers")
	dir=$KSPLICE_CACHE/modrecipe/$key
	mkdir -p "$dir" || die "$EXIT_ERROR" "cannot create $dir"
	exec 8>"$dir.lock"
	flock 8 || die "$EXIT_ERROR" "cannot lock $dir.lock"
	for shape; do
		[ -f "$dir/$shape/recipe" ] || [ -f "$dir/$shape/invalid" ] && continue
		say "Recording Kbuild's commands for a $shape module (once per build tree and core)..."
		rm -rf "${dir:?}/$shape" && mkdir -p "$dir/$shape" ||
			die "$EXIT_ERROR" "cannot create $dir/$shape"
		if [ "${JOBS:-1}" -gt 1 ]; then
			modrecipe_record "$build" "$shape" "$dir/$shape" "$format_h" &
			pids+=($!)
		else
			modrecipe_record "$build" "$shape" "$dir/$shape" "$format_h"
		fi
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || die "$EXIT_ERROR" "internal error: recording Kbuild's commands failed"
	done
	exec 8>&-
	for shape; do
		if [ -f "$dir/$shape/recipe" ]; then
			MODRECIPE[$shape]=$dir/$shape/recipe
		else
			debug "the $shape module is built with Kbuild: $(cat "$dir/$shape/invalid" 2>/dev/null)"
		fi
	done
}
