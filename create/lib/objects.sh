# SPDX-License-Identifier: GPL-2.0
# objects.sh - which objects compile the .c files a patch changes.
#
# Mostly F.c is compiled on its own into F.o.  Some .c files are not: they
# are #included into another one (kernel/sched/build_policy.c includes
# idle.c, rt.c, deadline.c...), and then the object to build and compare
# is the including one.  Kbuild decides what is built for the target's
# configuration; kbuild-objects.mk asks it, in the scratch tree, for the
# objects of every directory on the way to a changed file, and the
# .o.cmd file Kbuild writes with each object (its "deps_" list names every
# file the compiler read) confirms after the first build that an including
# object really compiles the file with this configuration.
#
# Sets OBJS (the objects to build, each once), OBJ_SRCS (object -> the
# changed files it compiles, space separated) and, for an object linked
# into a module, OBJ_MODULE (object -> the module's name, KBUILD_MODNAME,
# read from the .o.cmd of its first build).

# Directory -> " OBJ ... " lists from kbuild-objects.mk, and the state of
# every directory: y (built in), m (holds modules only) or - (not built).
# An object a directory's makefile lists from elsewhere (arch/x86/kvm's
# arch/x86/kvm/../../../virt/kvm/kvm_main.o) is known by its path from
# the top (virt/kvm/kvm_main.o): OBJECTS_HOME maps it to the directory
# whose list names it, SCRATCH_TARGET (scratch.sh) to the name it is
# listed and made by.
declare -A OBJECTS_Y=() OBJECTS_M=() OBJECTS_DIR=() OBJECTS_HOME=()
declare -A OBJ_SRCS=() OBJ_KIND=() OBJ_MODULE=()
# The object of each part of a module made of several (Kbuild's c lists).
declare -A OBJECTS_COMPOSITE=()
OBJS=()
# Objects outside vmlinux and the modules that read a changed header (the
# vDSO, boot code, host programs): their compiled result must not change.
OTHER_OBJS=()
# The changed headers they read (others.sh builds and compares them).
declare -A OTHER_READ=()

# objects_parent PATH: the directory holding PATH ("." at the top).
objects_parent()
{
	case $1 in
	*/*) printf '%s\n' "${1%/*}" ;;
	*) printf '.\n' ;;
	esac
}

# objects_ancestors DIR: DIR and every directory above it, top first.
objects_ancestors()
{
	local dir=$1 list=()

	while [ "$dir" != . ]; do
		list=("$dir" "${list[@]}")
		dir=$(objects_parent "$dir")
	done
	printf '%s\n' . "${list[@]}"
}

# objects_query SRC...: ask Kbuild for the objects of the directories
# above every SRC, a level at a time from the top, so that it reads only
# the makefiles of directories that the configuration builds.
objects_query()
{
	local src dir depth max=0 todo
	local -A seen=() level=()

	for src in "$@"; do
		while read -r dir; do
			[ -z "${seen[$dir]:-}" ] || continue
			seen[$dir]=1
			depth=0
			[ "$dir" = . ] || depth=$(($(tr -cd / <<<"$dir" | wc -c) + 1))
			level[$depth]+=" $dir"
			[ "$depth" -le "$max" ] || max=$depth
		done < <(objects_ancestors "$(objects_parent "$src")")
	done
	OBJECTS_DIR[.]=y
	SCRATCH_SHARED[.]=0
	for ((depth = 0; depth <= max; depth++)); do
		todo=()
		for dir in ${level[$depth]:-}; do
			[ "$dir" = . ] || objects_dir_state "$dir"
			[ "${OBJECTS_DIR[$dir]}" != - ] || continue
			if [ -f "$SCRATCH_TREE/$dir/Kbuild" ] ||
				[ -f "$SCRATCH_TREE/$dir/Makefile" ]; then
				todo+=("$dir")
			fi
		done
		[ "${#todo[@]}" -eq 0 ] || objects_kbuild "${todo[@]}"
	done
}

# objects_cache_file DIR: where the scratch copy keeps Kbuild's lists of
# DIR.  A list follows from the configuration (fixed for a scratch copy)
# and the makefiles, which patches never change (only .c and .h files);
# the name holds the hash of DIR's makefiles and of kbuild-objects.mk all
# the same, so that a list is never read for other makefiles.
objects_cache_file()
{
	local dir=$1 key

	key=$(cat "$SCRATCH_TREE/$dir/Kbuild" "$SCRATCH_TREE/$dir/Makefile" \
		"$SELF_DIR/lib/kbuild-objects.mk" 2>/dev/null | sha256sum | cut -c1-16)
	printf '%s/kbuild-objects/%s.%s\n' "$SCRATCH_DIR" "${dir//\//%}" "$key"
}

# objects_kbuild DIR...: read Kbuild's lists of the DIRs into OBJECTS_Y
# and OBJECTS_M: from the scratch copy's cache, else from Kbuild (and
# into the cache).
objects_kbuild()
{
	local word dir kind rest out=$WORK/kbuild-objects log=$WORK/kbuild-objects.log
	local -a ask=()
	local -A cache=()

	: >"$out"
	for dir in "$@"; do
		cache[$dir]=$(objects_cache_file "$dir")
		if [ -f "${cache[$dir]}" ]; then
			cat "${cache[$dir]}" >>"$out"
		else
			ask+=("$dir")
		fi
	done
	if [ ${#ask[@]} -gt 0 ]; then
		debug "Asking Kbuild for the objects of: ${ask[*]}"
		if ! scratch_make -s -f Makefile -f "$SELF_DIR/lib/kbuild-objects.mk" \
			KSPLICE_OBJECTS_DIRS="${ask[*]}" ksplice-objects >"$out.new" 2>"$log"; then
			cat "$log" >&2
			die "$EXIT_ERROR" "cannot ask Kbuild which objects it builds in ${ask[*]} (see above)"
		fi
		[ "${VERBOSE:-0}" -lt 1 ] || grep -v '^ksplice-objects ' "$out.new"
		cat "$out.new" >>"$out"
		mkdir -p "$SCRATCH_DIR/kbuild-objects"
		for dir in "${ask[@]}"; do
			# only a list Kbuild gave (y, and m if any), never an error
			awk -v d="$dir" '$1 == "ksplice-objects" && $2 == d {
				if ($3 != "y" && $3 != "m" && $3 != "c") bad = 1
				if ($3 == "y") y = 1
				print
			}
			END { exit !(y && !bad) }' "$out.new" >"${cache[$dir]}.tmp" &&
				mv "${cache[$dir]}.tmp" "${cache[$dir]}" ||
				rm -f "${cache[$dir]}.tmp"
		done
	fi
	while read -r word dir kind rest; do
		[ "$word" = ksplice-objects ] || continue
		# (c: the words of rest are the arguments)
		# shellcheck disable=SC2086
		case $kind in
		y) OBJECTS_Y[$dir]=" $rest " ;;
		m) OBJECTS_M[$dir]=" $rest " ;;
		c) objects_composites $rest ;;
		*)
			cat "$log" >&2
			die "$EXIT_ERROR" "Kbuild cannot list the objects of $dir (see above)"
			;;
		esac
		[[ " $rest " != *"/../"* ]] || objects_away "$dir" $rest
	done <"$out"
	for dir in "$@"; do
		[ -n "${OBJECTS_Y[$dir]+set}" ] || {
			cat "$log" >&2
			die "$EXIT_ERROR" "Kbuild did not list the objects of $dir (see above)"
		}
	done
}

# objects_away DIR OBJ...: record the OBJs of DIR's list that lie in
# another directory (a "/../" in their names).
objects_away()
{
	local dir=$1 obj top

	shift
	for obj in "$@"; do
		[[ $obj == *"/../"* ]] || continue
		top=$(realpath -m -s --relative-to="$SCRATCH_TREE" "$SCRATCH_TREE/$obj")
		case $top in
		../* | /*) continue ;;	# outside the tree
		esac
		OBJECTS_HOME[$top]=$dir
		SCRATCH_TARGET[$top]=$obj
	done
}

# objects_elsewhere OBJ...: for OBJs that no list of their own directory
# names, ask Kbuild for the directories whose makefiles name their files
# (found by grep; a makefile fragment such as virt/kvm/Makefile.kvm is
# followed to the makefiles that include it), so that OBJECTS_HOME has
# them if Kbuild builds them from there.
objects_elsewhere()
{
	local obj file round
	local -a pat=() frag=() dirs=()

	for obj in "$@"; do
		pat+=(-e "${obj##*/}")
	done
	# the makefiles naming the files, then those including the fragments
	for round in 1 2; do
		[ ${#pat[@]} -gt 0 ] || break
		frag=()
		while read -r file; do
			file=${file#./}
			case ${file##*/} in
			Makefile | Kbuild) dirs+=("$(objects_parent "$file")/x") ;;
			*) frag+=(-e "${file##*/}") ;;
			esac
		done < <(objects_makefiles_naming "${pat[@]}")
		pat=("${frag[@]}")
	done
	[ ${#dirs[@]} -eq 0 ] || objects_query "${dirs[@]}"
}

# objects_makefiles_naming GREP-PATTERN...: the kernel's makefiles (and
# makefile fragments) that contain a pattern, as paths from the top.
objects_makefiles_naming()
{
	(cd "$SCRATCH_TREE" && grep -rlF --include=Makefile --include=Kbuild \
		--include='Makefile.*' --exclude-dir=tools --exclude-dir=scripts \
		--exclude-dir=Documentation --exclude-dir=samples "$@" .) || :
}

# objects_dir_state DIR: set OBJECTS_DIR[DIR] from the lists of the
# directories above it: any of them may list it (the top one lists
# arch/x86/pci, for one).  Sets SCRATCH_SHARED[DIR] (scratch.sh) too:
# the make of a directory between DIR and the one listing it (arch/x86;
# drivers/block, as drivers lists block/aoe) is also handed DIR's objects.
objects_dir_state()
{
	local dir=$1 up state=- lister='' nearest=''

	up=$dir
	while [ "$up" != . ]; do
		up=$(objects_parent "$up")
		case ${OBJECTS_DIR[$up]:-} in
		y)
			if [[ ${OBJECTS_Y[$up]:-} == *" $dir/built-in.a "* ]]; then
				state=y
			elif [[ ${OBJECTS_M[$up]:-} == *" $dir/modules.order "* ]]; then
				state=m
			fi
			;;
		m)
			[[ ${OBJECTS_M[$up]:-} != *" $dir/modules.order "* ]] || state=m
			;;
		*)
			continue
			;;
		esac
		: "${nearest:=$up}"
		[ "$state" = - ] || : "${lister:=$up}"
		[ "$state" != y ] || break
	done
	OBJECTS_DIR[$dir]=$state
	if [ -n "$lister" ] && [ "$lister" != "$nearest" ]; then
		SCRATCH_SHARED[$dir]=1
	else
		SCRATCH_SHARED[$dir]=${SCRATCH_SHARED[${lister:-${nearest:-.}}]:-1}
	fi
}

# objects_kind OBJ: vmlinux if Kbuild builds OBJ into the kernel, module
# if into a module, else nothing.  The list that names OBJ is its
# directory's, or one above it (security/selinux/Makefile lists
# ss/mls.o; ss has no makefile).
objects_kind()
{
	local obj=$1 dir

	if [ -n "${OBJECTS_HOME[$obj]:-}" ]; then
		dir=${OBJECTS_HOME[$obj]}
		obj=${SCRATCH_TARGET[$obj]}
	else
		dir=$(objects_parent "$obj")
	fi
	while :; do
		case ${OBJECTS_DIR[$dir]:-} in
		y)
			if [[ ${OBJECTS_Y[$dir]:-} == *" $obj "* ]]; then
				echo vmlinux
				return
			elif [[ ${OBJECTS_M[$dir]:-} == *" $obj "* ]]; then
				echo module
				return
			fi
			;;
		m)
			if [[ ${OBJECTS_M[$dir]:-} == *" $obj "* ]]; then
				echo module
				return
			fi
			;;
		esac
		[ "$dir" != . ] || return 0
		dir=$(objects_parent "$dir")
	done
}

# objects_includers SRC: the .c files in SRC's directory and the one above
# that #include "..." SRC (a quoted include is found from the including
# file's directory).
objects_includers()
{
	local src=$1 dir up file name want

	dir=$(objects_parent "$src")
	up=$(objects_parent "$dir")
	want=$(realpath -m "$SCRATCH_TREE/$src")
	(
		cd "$SCRATCH_TREE" || exit
		files=("$dir"/*.c)
		[ "$up" = "$dir" ] || files+=("$up"/*.c)
		grep -H -s -o -E \
			'^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]+\.c"' \
			"${files[@]}"
	) | while IFS=: read -r file name; do
		file=${file#./}
		name=${name#*\"}
		name=${name%\"}
		[ "$file" != "$src" ] || continue
		if [ "$(realpath -m "$SCRATCH_TREE/$(objects_parent "$file")/$name")" = "$want" ]; then
			printf '%s\n' "$file"
		fi
	done | awk '!seen[$0]++'
}

# objects_of SRC DEPTH: "vmlinux OBJ" and "module OBJ" lines for the
# objects that compile SRC: its own, and those of the files including it
# (or including those, up to a few levels).
objects_of()
{
	local src=$1 depth=$2 obj kind inc

	obj=${src%.c}.o
	kind=$(objects_kind "$obj")
	[ -z "$kind" ] || printf '%s %s\n' "$kind" "$obj"
	[ "$depth" -lt 4 ] || return 0
	objects_includers "$src" | while read -r inc; do
		objects_of "$inc" $((depth + 1))
	done
}

# objects_add OBJ SRC KIND: OBJ (of KIND vmlinux or module) compiles SRC.
objects_add()
{
	local obj=$1 src=$2

	if [ -z "${OBJ_SRCS[$obj]+set}" ]; then
		OBJS+=("$obj")
		OBJ_SRCS[$obj]=$src
		OBJ_KIND[$obj]=$3
	elif [[ " ${OBJ_SRCS[$obj]} " != *" $src "* ]]; then
		OBJ_SRCS[$obj]+=" $src"
	fi
}

# objects_find_header H: the objects whose input includes header H (from
# the dependency index, depindex.sh).
objects_find_header()
{
	local h=$1 obj nv=0 nm=0
	local -a readers away=()
	local -A kind=()

	depindex_make
	mapfile -t readers < <(depindex_readers "$h")
	[ "${#readers[@]}" -gt 0 ] ||
		die "$EXIT_NO_CHANGES" "no changes detected: no object of this kernel's configuration reads $h"
	objects_query "${readers[@]}"
	for obj in "${readers[@]}"; do
		case $obj in
		*.mod.o) continue ;;	# a module's modpost data
		esac
		kind[$obj]=$(objects_kind "$obj")
		[ -n "${kind[$obj]}" ] || away+=("$obj")
	done
	if [ ${#away[@]} -gt 0 ]; then
		objects_elsewhere "${away[@]}"
		for obj in "${away[@]}"; do
			kind[$obj]=$(objects_kind "$obj")
		done
	fi
	for obj in "${readers[@]}"; do
		[ -n "${kind[$obj]+set}" ] || continue
		case ${kind[$obj]} in
		vmlinux) nv=$((nv + 1)) ;;
		module) nm=$((nm + 1)) ;;
		*)
			[[ " ${OTHER_OBJS[*]} " == *" $obj "* ]] || OTHER_OBJS+=("$obj")
			OTHER_READ[$h]=1
			continue
			;;
		esac
		objects_add "$obj" "$h" "${kind[$obj]}"
	done
	say "$h is read by $nv objects of vmlinux, $nm of modules and ${#OTHER_OBJS[@]} others"
}

# objects_find SRC...: set OBJS, OBJ_SRCS and OBJ_KIND for the changed
# files SRCs, or fail naming a file that the configuration does not build.
objects_find()
{
	local src kind obj line dir
	local -a vmlinux modules

	objects_query "$@"
	for src in "$@"; do
		case $src in
		*.h)
			objects_find_header "$src"
			continue
			;;
		esac
		vmlinux=() modules=()
		while read -r kind obj; do
			case $kind in
			vmlinux) vmlinux+=("$obj") ;;
			module) modules+=("$obj") ;;
			esac
		done < <(objects_of "$src" 0 | awk '!seen[$0]++')
		if [ $((${#vmlinux[@]} + ${#modules[@]})) -eq 0 ] &&
			[ -z "${OBJECTS_HOME[${src%.c}.o]:-}" ]; then
			# made by the makefile of another directory?
			objects_elsewhere "${src%.c}.o"
			if [ -n "${OBJECTS_HOME[${src%.c}.o]:-}" ]; then
				kind=$(objects_kind "${src%.c}.o")
				case $kind in
				vmlinux) vmlinux+=("${src%.c}.o") ;;
				module) modules+=("${src%.c}.o") ;;
				esac
			fi
		fi
		dir=$(objects_parent "$src")
		[ $((${#vmlinux[@]} + ${#modules[@]})) -gt 0 ] ||
			die "$EXIT_UNSUPPORTED" "$src is not built into this kernel's configuration: Kbuild builds no ${src%.c}.o, and no .c file it builds in $dir or $(objects_parent "$dir") #includes $src"
		for obj in "${vmlinux[@]}"; do
			objects_add "$obj" "$src" vmlinux
		done
		for obj in "${modules[@]}"; do
			objects_add "$obj" "$src" module
		done
		if [ "${vmlinux[*]}" != "${src%.c}.o" ]; then
			line=
			for obj in "${vmlinux[@]}" "${modules[@]}"; do
				if [ "$obj" = "${src%.c}.o" ]; then
					line+=", as $obj"
				else
					line+=", as part of $obj"
				fi
				[ "${OBJ_KIND[$obj]}" = vmlinux ] || line+=" (a module)"
			done
			say "$src is built${line#,}"
		fi
	done
}

# objects_deps OBJ: every file Kbuild's OBJ.cmd says OBJ was compiled
# from, one a line, as paths from the top of the tree.
objects_deps()
{
	local obj=$1 cmd

	cmd=$(objects_parent "$obj")/.${obj##*/}.cmd
	[ -f "$SCRATCH_TREE/$cmd" ] || return 1
	(cd "$SCRATCH_TREE" && awk -f "$SELF_DIR/lib/cmd-deps.awk" "$cmd") |
		tr ' ' '\n' | tail -n +2
}

# objects_cmd_file OBJ: the path of the .cmd file Kbuild writes with OBJ
# in the scratch tree.
objects_cmd_file()
{
	printf '%s\n' "$SCRATCH_TREE/$(objects_parent "$1")/.${1##*/}.cmd"
}

# objects_composites MOD=PART,PART...: fill OBJECTS_COMPOSITE.
objects_composites()
{
	local word part
	local -a parts

	for word in "$@"; do
		IFS=, read -r -a parts <<<"${word#*=}"
		for part in "${parts[@]}"; do
			OBJECTS_COMPOSITE[$part]=${word%%=*}
		done
	done
}

# objects_modname OBJ: the name of the module OBJ is linked into, from
# the -DKBUILD_MODNAME='"name"' of its compile command; else (an
# assembler source's) the module of several objects that Kbuild lists it
# in, or the object's own (a module of one object), as Kbuild names
# modules: "-" and "," made "_".
objects_modname()
{
	local cmd name

	cmd=$(objects_cmd_file "$1")
	name=$(sed -n "s/.*-DKBUILD_MODNAME='\"\([A-Za-z0-9_]*\)\"'.*/\1/p" "$cmd" 2>/dev/null |
		head -n 1)
	if [ -z "$name" ] && [ "${OBJ_KIND[$1]:-}" = module ]; then
		name=${OBJECTS_COMPOSITE[$1]:-$1}
		name=${name##*/}
		name=${name%.o}
		name=${name//[-,]/_}
	fi
	[ -n "$name" ] || return 1
	printf '%s\n' "$name"
}

# objects_check_built SRC...: after the first build, keep for every object
# only the changed files its .o.cmd names (an #include of a .c file may
# sit under an #if that this configuration leaves out), and fail if that
# leaves one of the changed files SRCs compiled by no object.
objects_check_built()
{
	local obj src deps keep left
	local -a kept=()
	local -A covered=()

	for obj in "${OBJS[@]}"; do
		deps=$(objects_deps "$obj") ||
			die "$EXIT_ERROR" "Kbuild wrote no .cmd file for $obj"
		keep=
		for src in ${OBJ_SRCS[$obj]}; do
			if grep -qxF -- "$src" <<<"$deps"; then
				keep+=" $src"
				covered[$src]=1
			else
				say "$obj does not compile $src in this configuration: not comparing it"
			fi
		done
		if [ -n "$keep" ]; then
			OBJ_SRCS[$obj]=${keep# }
			kept+=("$obj")
		else
			unset "OBJ_SRCS[$obj]"
		fi
	done
	OBJS=("${kept[@]}")
	for obj in "${OBJS[@]}"; do
		[ "${OBJ_KIND[$obj]}" = module ] || continue
		OBJ_MODULE[$obj]=$(objects_modname "$obj") ||
			die "$EXIT_ERROR" "cannot tell which module $obj is linked into (no KBUILD_MODNAME in its .cmd file)"
	done
	for src in "$@"; do
		[ -n "${covered[$src]:-}" ] && continue
		# read only by objects whose input it does not change (screen.sh)
		[ -n "${SCREENED[$src]:-}" ] && continue
		# or outside the kernel and its modules (others.sh)
		[ -n "${OTHER_READ[$src]:-}" ] && continue
		left=$(objects_includers "$src" | tr '\n' ' ')
		die "$EXIT_UNSUPPORTED" "$src is not built into this kernel's configuration: #included by ${left% }, but only under conditions (#if) that this configuration leaves out"
	done
}

# objects_made_as OBJ [CMD-FILE]: print how OBJ's last compile (the
# command of its .cmd file, or of CMD-FILE) made it: "module" (-DMODULE)
# or "vmlinux"; nothing when it was no compile.
objects_made_as()
{
	local first

	first=$(head -n 1 "${2:-$(objects_cmd_file "$1")}" 2>/dev/null)
	[[ $first == *" -c "* ]] || return 0
	if [[ $first == *" -DMODULE "* ]]; then
		echo module
	else
		echo vmlinux
	fi
}

# objects_cmd_of OBJ CMD-FILE: print the command of CMD-FILE (a .cmd file
# of Kbuild's, make's escapes kept) if it made OBJ by the name Kbuild
# makes it by now (SCRATCH_TARGET: an object of another directory's
# makefile may once have been made as its own), with this run's KCFLAGS
# (they name the headers of the ksplice-create that ran it) and for the
# kernel or a module as OBJ is linked now (objects_made_right); fail if
# not.
objects_cmd_of()
{
	local target=${SCRATCH_TARGET[$1]:-$1} first flags

	IFS= read -r first <"$2" 2>/dev/null || return 1
	[[ $first == "cmd_$target := "?* ]] || return 1
	first=${first#"cmd_$target := "}
	flags=$(scratch_kcflags "$SCRATCH_KCFLAGS")
	[[ $first == *" $flags "* ]] && objects_made_right "$1" "$2" || return 1
	printf '%s\n' "$first"
}

# objects_made_right OBJ [CMD-FILE]: succeed unless OBJ's last compile
# made it otherwise than OBJ_KIND says, for the kernel or for a module: a
# directory above OBJ's may compile it too, with its own flags (see
# scratch_build_objects).
objects_made_right()
{
	local as

	[ -n "${OBJ_KIND[$1]:-}" ] || return 0
	as=$(objects_made_as "$@")
	[ -z "$as" ] || [ "$as" = "${OBJ_KIND[$1]}" ]
}

# objects_check_made OBJ: die unless objects_made_right OBJ.
objects_check_made()
{
	objects_made_right "$1" ||
		die "$EXIT_ERROR" "internal error: $1 was last compiled as code of the $(objects_made_as "$1"), not of the ${OBJ_KIND[$1]} (another directory's make compiled it)"
}

# objects_linemap OBJ DIR: the line map ksplice-objdiff gets for OBJ: that
# of the changed file OBJ compiles when it is only one (the including
# object's own lines and those of its other files did not move), else
# "-", no map (a moved __LINE__ then counts as a change: the safe side).
objects_linemap()
{
	local obj=$1 dir=$2 srcs

	read -r -a srcs <<<"${OBJ_SRCS[$obj]}"
	if [ "${#srcs[@]}" -eq 1 ]; then
		printf '%s/%s.map\n' "$dir" "${srcs[0]//\//__}"
	else
		printf -- '-\n'
	fi
}
