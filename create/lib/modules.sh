# SPDX-License-Identifier: GPL-2.0
# modules.sh - building the kernel modules of an update with Kbuild
# against the target's module build tree: the core (only for its
# Module.symvers, once per core source and build tree), the helper and
# the new-code module.

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
		core_sources "$src" | while read -r file; do
			printf '%s ' "$file"
			sha256_of "$src/$file"
		done
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

# build_update_modules BUILD GEN FORMAT_H ID OUT: build the helper and the
# new-code module from the sources ksplice-objdiff wrote to GEN; copy the
# two .ko files to OUT.
build_update_modules()
{
	local build=$1 gen=$2 format_h=$3 id=$4 out=$5
	local helper=ksplice_${id}_helper new=ksplice_${id}_new
	local hdir=$WORK/kbuild/helper ndir=$WORK/kbuild/new pid hstatus nstatus

	say "Building modules: $helper.ko, $new.ko"
	mkdir -p "$hdir" "$ndir"
	cp "$format_h" "$hdir/" && cp "$format_h" "$ndir/" &&
		cp "$gen/helper.c" "$hdir/$helper.c" &&
		cp "$gen/new-desc.c" "$gen/new-code.S" "$ndir/" ||
		die "$EXIT_ERROR" "internal error: cannot set up the module builds"
	cat >"$hdir/Kbuild" <<-EOF
	obj-m := $helper.o
	ccflags-y := -I\$(src)
	EOF
	cat >"$ndir/Kbuild" <<-EOF
	obj-m := $new.o
	$new-y := new-desc.o new-code.o
	ccflags-y := -I\$(src)
	asflags-y := -I\$(src)
	OBJECT_FILES_NON_STANDARD_new-code.o := y
	EOF
	# two independent module builds: side by side when there are jobs for it
	if [ "${JOBS:-1}" -gt 1 ]; then
		kbuild_module "$build" "$hdir" & pid=$!
		kbuild_module "$build" "$ndir" && nstatus=0 || nstatus=$?
		wait "$pid" && hstatus=0 || hstatus=$?
	else
		kbuild_module "$build" "$hdir" && hstatus=0 || hstatus=$?
		kbuild_module "$build" "$ndir" && nstatus=0 || nstatus=$?
	fi
	kbuild_module_check "$hdir" "$helper" "$hstatus"
	kbuild_module_check "$ndir" "$new" "$nstatus"
	cp "$hdir/$helper.ko" "$ndir/$new.ko" "$out/" ||
		die "$EXIT_ERROR" "cannot copy the modules to $out"
}
