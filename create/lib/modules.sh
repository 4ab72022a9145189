# SPDX-License-Identifier: GPL-2.0
# modules.sh - building the kernel modules of an update against the
# target's module build tree: the core (with Kbuild, only for its
# Module.symvers, once per core source and build tree), the helper and
# the new-code module (by their shape's recipe, modrecipe.sh, or with
# Kbuild).

# core_sources DIR: the core's source files, sorted, one a line.
core_sources()
{
	(cd "$1" && find . -maxdepth 2 -type f \
		\( -name '*.c' ! -name '*.mod.c' -o -name '*.S' -o -name '*.h' -o -name Kbuild -o -name Makefile \) \
		-printf '%P\n' | LC_ALL=C sort)
}

# core_symvers BUILD CORE_SRC: build the core module (cached) and set
# CORE_SYMVERS to its Module.symvers.
core_symvers()
{
	local build=$1 src=$2 key dir file log

	[ -f "$src/ksplice-format.h" ] ||
		die "$EXIT_ERROR" "no ksplice core sources in $src (set KSPLICE_CORE_SRC)"
	key=$(
		readlink -f "$build"
		sha256_of "$build/Module.symvers"
		# one sha256sum for all the files: "HASH  FILE" lines
		core_sources "$src" | (cd "$src" && xargs -r -d '\n' sha256sum --)
	)
	key=$(sha256_text "$key")
	dir=$KSPLICE_CACHE/core/${key:0:16}
	CORE_SYMVERS=$dir/Module.symvers
	[ -f "$dir/built" ] && return 0

	say "Building the ksplice core module (once per core version)..."
	mkdir -p "$dir" || die "$EXIT_ERROR" "cannot create $dir"
	exec 8>"$dir.lock"
	flock 8 || die "$EXIT_ERROR" "cannot lock $dir.lock"
	if [ ! -f "$dir/built" ]; then
		core_sources "$src" | while read -r file; do
			mkdir -p "$dir/$(dirname "$file")" &&
				cp -- "$src/$file" "$dir/$file"
		done
		log=$dir/build.log
		if ! run_logged "$log" make -C "$build" M="$dir" modules; then
			show_build_errors "$log"
			die "$EXIT_ERROR" "internal error: building the core module failed (log: $log)"
		fi
		[ -f "$CORE_SYMVERS" ] ||
			die "$EXIT_ERROR" "internal error: the core build wrote no Module.symvers"
		touch "$dir/built"
	fi
	exec 8>&-
}

# kbuild_module BUILD DIR: build the module of DIR (DIR holds its Kbuild
# file and sources) against BUILD and the core's symbols, its output in
# DIR/build.log; returns make's status.
kbuild_module()
{
	local build=$1 dir=$2

	run_logged "$dir/build.log" make -C "$build" M="$dir" \
		KBUILD_EXTRA_SYMBOLS="$CORE_SYMVERS" modules
}

# kbuild_module_check DIR NAME STATUS: the build of module NAME in DIR
# ended with STATUS; fail unless it made NAME.ko.
kbuild_module_check()
{
	local dir=$1 name=$2 status=$3 log=$1/build.log

	if [ "$status" != 0 ]; then
		show_build_errors "$log"
		die "$EXIT_ERROR" "internal error: building $name.ko failed (log: $log)"
	fi
	[ -f "$dir/$name.ko" ] ||
		die "$EXIT_ERROR" "internal error: the build of $name wrote no $name.ko"
}

# The two shapes of an update's modules: "helper" (the code before the
# patch, one C file) and "new" (the new code: its descriptions in C, its
# code in assembly, which objtool must leave alone).

# module_name SHAPE ID: the name of the module of SHAPE for update ID.
module_name()
{
	printf 'ksplice_%s_%s\n' "$2" "$1"
}

# module_sources SHAPE NAME: the source files of the module NAME.
module_sources()
{
	case $1 in
	helper) printf '%s\n' "$2.c" ;;
	new) printf '%s\n' new-desc.c new-code.S ;;
	esac
}

# module_kbuild SHAPE NAME: the Kbuild file of the module NAME.
module_kbuild()
{
	case $1 in
	helper)
		printf 'obj-m := %s.o\n' "$2"
		printf 'ccflags-y := -I$(src)\n'
		;;
	new)
		printf 'obj-m := %s.o\n' "$2"
		printf '%s-y := new-desc.o new-code.o\n' "$2"
		printf 'ccflags-y := -I$(src)\nasflags-y := -I$(src)\n'
		printf 'OBJECT_FILES_NON_STANDARD_new-code.o := y\n'
		;;
	esac
}

# module_steps SHAPE NAME: the targets Kbuild makes for the module NAME,
# in an order that runs each after what it reads.
module_steps()
{
	case $1 in
	helper) printf '%s\n' "$2.o" "$2.mod" ;;
	new) printf '%s\n' new-desc.o new-code.o "$2.mod" "$2.o" ;;
	esac
	printf '%s\n' modules.order Module.symvers "$2.mod.o" "$2.ko"
}

# module_clean DIR: remove from DIR what a build of its module made,
# leaving the module's sources and Kbuild file.
module_clean()
{
	local file

	for file in "$1"/* "$1"/.*; do
		case ${file##*/} in
		. | .. | Kbuild | ksplice-format.h) ;;
		*.mod.c) rm -f -- "$file" ;;
		*.c | *.S) ;;
		*) rm -rf -- "$file" ;;
		esac
	done
}

# build_module BUILD SHAPE DIR NAME: build the module NAME of SHAPE whose
# sources and Kbuild file are in DIR, by its recipe if there is one (its
# output in DIR/build.log); a module that exports symbols is built with
# Kbuild (genksyms would run).  Returns the build's status.
build_module()
{
	local build=$1 shape=$2 dir=$3 name=$4 recipe=${MODRECIPE[$2]:-}

	if [ -n "$recipe" ]; then
		run_logged "$dir/build.log" modrecipe_run "$build" "$recipe" "$dir" "$name" ||
			return
		readelf -SW "$dir/$name.ko" | grep '__ksymtab' >/dev/null || return 0
		debug "$name ($shape) exports symbols: built again with Kbuild"
		module_clean "$dir"
	fi
	kbuild_module "$build" "$dir"
}

# build_update_modules BUILD GEN FORMAT_H ID OUT: build the helper and the
# new-code module from the sources ksplice-objdiff wrote to GEN; copy the
# two .ko files to OUT.
build_update_modules()
{
	local build=$1 gen=$2 format_h=$3 id=$4 out=$5 pid hstatus nstatus
	local helper new hdir=$WORK/kbuild/helper ndir=$WORK/kbuild/new

	helper=$(module_name helper "$id")
	new=$(module_name new "$id")
	modrecipe_find "$build" "$CORE_SYMVERS" "$format_h" helper new
	say "Building modules: $helper.ko, $new.ko"
	mkdir -p "$hdir" "$ndir"
	cp "$format_h" "$hdir/" && cp "$format_h" "$ndir/" &&
		cp "$gen/helper.c" "$hdir/$helper.c" &&
		cp "$gen/new-desc.c" "$gen/new-code.S" "$ndir/" &&
		module_kbuild helper "$helper" >"$hdir/Kbuild" &&
		module_kbuild new "$new" >"$ndir/Kbuild" ||
		die "$EXIT_ERROR" "internal error: cannot set up the module builds"
	# two independent module builds: side by side when there are jobs for it
	if [ "${JOBS:-1}" -gt 1 ]; then
		build_module "$build" helper "$hdir" "$helper" & pid=$!
		build_module "$build" new "$ndir" "$new" && nstatus=0 || nstatus=$?
		wait "$pid" && hstatus=0 || hstatus=$?
	else
		build_module "$build" helper "$hdir" "$helper" && hstatus=0 || hstatus=$?
		build_module "$build" new "$ndir" "$new" && nstatus=0 || nstatus=$?
	fi
	kbuild_module_check "$hdir" "$helper" "$hstatus"
	kbuild_module_check "$ndir" "$new" "$nstatus"
	cp "$hdir/$helper.ko" "$ndir/$new.ko" "$out/" ||
		die "$EXIT_ERROR" "cannot copy the modules to $out"
}
