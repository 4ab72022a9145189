# SPDX-License-Identifier: GPL-2.0
# scratch.sh - the scratch copy of the kernel source that ksplice-create
# builds in.  There is one per source tree and configuration, prepared
# once and cached; the user's tree is never written.
#
# $KSPLICE_CACHE/scratch/<hash>/
#   tree/      the copy ("make olddefconfig prepare" done)
#   prepared   stamp: the copy is complete
#   touched    "src PATH" / "obj PATH" lines: what this run may change
#   lock       flock(1) lock held for a whole run
#   source     the source tree the copy was made from (for people)

# Build outputs not copied from the user's tree.
SCRATCH_EXCLUDES=(
	--exclude=/.git --exclude='*.o' --exclude='*.ko' --exclude='*.a'
	--exclude='.*.cmd' --exclude='*.mod' --exclude='*.mod.c'
	--exclude='*.order' --exclude=/Module.symvers --exclude=/vmlinux
	--exclude='/vmlinux.*' --exclude=/System.map --exclude='.tmp_*'
	--exclude='*.orig' --exclude='*.rej'
)

# scratch_make ARGS...: make in the scratch tree, with the target's release
# so that UTS_RELEASE is the running kernel's.
scratch_make()
{
	local args=(-C "$SCRATCH_TREE")

	if [ -n "$KERNEL_RELEASE" ]; then
		args+=("KERNELRELEASE=$KERNEL_RELEASE")
	fi
	run make "${args[@]}" "$@"
}

# scratch_open SOURCE CONFIG: select the scratch for SOURCE and CONFIG,
# take its lock (fd 9), restore it if a previous run left it dirty, and
# prepare it if it is new.  Sets SCRATCH_DIR and SCRATCH_TREE.
scratch_open()
{
	local source=$1 config=$2 key

	key=$(sha256_text "$source
$(sha256_of "$config")")
	SCRATCH_DIR=$KSPLICE_CACHE/scratch/${key:0:16}
	SCRATCH_TREE=$SCRATCH_DIR/tree
	mkdir -p "$SCRATCH_DIR" ||
		die "$EXIT_ERROR" "cannot create $SCRATCH_DIR"
	exec 9>"$SCRATCH_DIR/lock"
	if ! flock -n 9; then
		say "Waiting for another ksplice-create using $SCRATCH_DIR..."
		flock 9 || die "$EXIT_ERROR" "cannot lock $SCRATCH_DIR/lock"
	fi
	SCRATCH_LOCKED=1
	debug "Scratch copy: $SCRATCH_TREE"
	if [ -f "$SCRATCH_DIR/prepared" ]; then
		scratch_restore "$source"
	else
		scratch_prepare "$source" "$config"
	fi
}

# scratch_prepare SOURCE CONFIG: make the copy from nothing.
scratch_prepare()
{
	local source=$1 config=$2 log=$SCRATCH_DIR/prepare.log

	say "Preparing scratch copy of $source (once per source tree and config)..."
	rm -rf "$SCRATCH_TREE" "$SCRATCH_DIR/touched"
	mkdir -p "$SCRATCH_TREE"
	printf '%s\n' "$source" >"$SCRATCH_DIR/source"
	run rsync -a "${SCRATCH_EXCLUDES[@]}" "$source/" "$SCRATCH_TREE/" ||
		die "$EXIT_ERROR" "cannot copy $source to $SCRATCH_TREE"
	run cp "$config" "$SCRATCH_TREE/.config" ||
		die "$EXIT_ERROR" "cannot copy $config"
	if ! run_logged "$log" scratch_make -j"$JOBS" olddefconfig prepare; then
		show_build_errors "$log"
		die "$EXIT_ERROR" "preparing the scratch copy failed (log: $log)"
	fi
	touch "$SCRATCH_DIR/prepared"
}

# scratch_restore SOURCE: put back every file a previous run touched, so
# that the copy equals SOURCE again.
scratch_restore()
{
	local source=$1 list=$SCRATCH_DIR/touched kind path

	[ -s "$list" ] || return 0
	debug "Restoring the scratch copy"
	while read -r kind path; do
		[ -n "$path" ] || continue
		if [ "$kind" = src ] && [ -e "$source/$path" ]; then
			cp -p -- "$source/$path" "$SCRATCH_TREE/$path" ||
				die "$EXIT_ERROR" "cannot restore $SCRATCH_TREE/$path"
		else
			rm -f -- "$SCRATCH_TREE/$path"
		fi
	done <"$list"
	rm -f "$list"
}

# scratch_touch KIND PATH...: record files this run is about to change,
# before changing them, so that a crash leaves them listed.
scratch_touch()
{
	local kind=$1 path

	shift
	for path in "$@"; do
		printf '%s %s\n' "$kind" "$path" >>"$SCRATCH_DIR/touched"
	done
	sync "$SCRATCH_DIR/touched" 2>/dev/null || true
}

# The compiler flags of ksplice-create's builds: a section per function
# and per variable, so that each can be compared and carried on its own.
SCRATCH_SECTION_FLAGS="-ffunction-sections -fdata-sections"
SCRATCH_KCFLAGS=$SCRATCH_SECTION_FLAGS
# With __LINE__ pinned (pin-line.h): the builds where lines moved, and the
# preprocessing of the screen and of the dependency index.
SCRATCH_PINNED_FLAGS="$SCRATCH_SECTION_FLAGS -include $SELF_DIR/lib/pin-line.h"

# scratch_kcflags FLAGS: the KCFLAGS of a make with FLAGS (the core's
# include directory added, for <ksplice-patch.h>).
scratch_kcflags()
{
	printf '%s-I%s\n' "${1:+$1 }" "$(cd "$CORE_INCLUDE" && pwd)"
}

# scratch_build_objects LOG OBJECT...: rebuild OBJECTs in the scratch with
# KCFLAGS=$SCRATCH_KCFLAGS, and <ksplice-patch.h> on the include path.
#
# Some objects are built with one make job.  For a single target,
# Kbuild's make of a directory hands it to every subdirectory it lists
# whose path is a prefix of the target's, and a directory handed a target
# that none of its own subdirectories leads to compiles it itself, with
# its own flags.  The top directory lists arch/x86 as well as arch/x86/pci
# (and lib, power, video); drivers lists block as well as block/aoe.  So
# drivers/block/aoe/aoechr.o is compiled by drivers/block's make, as
# built-in code, and by drivers/block/aoe's, as the module's.  In
# parallel the two compiles write the same .o and .d files at once: a
# build fails (fixdep, objtool or nm finds a file the other has just
# removed), or worse, the object last written is the wrong one.  With one
# job they run in turn, the wrong directory first (Kbuild sorts the
# directories it descends to, and a directory sorts before those below
# it), and the object's own directory compiles it again since its command
# line differs: the object is always the one its own flags make.
# objects.sh marks the directories where this happens in SCRATCH_SHARED;
# the objects of any other (thousands, for a change to a core header) are
# built first, in parallel, by one make of their own.
scratch_build_objects()
{
	local log=$1 obj

	shift
	for obj in "$@"; do
		rm -f -- "$SCRATCH_TREE/$obj"
	done
	# fd 7: progress lines, past run_logged's redirection to the log
	run_logged "$log" scratch_make_objects \
		"$(scratch_kcflags "$SCRATCH_KCFLAGS")" "$@" 7>&1
}

# Objects per make when there are many: a progress line after each batch.
SCRATCH_BATCH=250

# An object that a makefile of another directory builds (kvm.ko's
# virt/kvm/kvm_main.o is made from arch/x86/kvm): the object, as a path
# from the top -> the name Kbuild makes it by
# (arch/x86/kvm/../../../virt/kvm/kvm_main.o).  Filled by objects.sh.
declare -A SCRATCH_TARGET=()

# Directory -> 1 if another directory's make is handed its objects too
# (see scratch_build_objects), 0 if not; filled by objects.sh.  An object
# of a directory not in it is built with one job, to be safe.
declare -A SCRATCH_SHARED=()

# scratch_make_objects KCFLAGS OBJECT...: the makes of scratch_build_objects.
# With SCRATCH_KEEP_GOING=1, make goes on past a target it cannot make
# (make -k), and the caller looks for the targets made.
scratch_make_objects()
{
	local flags=$1 obj t dir par=() ser=() done=0 k=${SCRATCH_KEEP_GOING:+-k}

	shift
	for obj in "$@"; do
		# OBJ.o, or OBJ.i: by the name Kbuild makes it by
		t=${SCRATCH_TARGET[${obj%.*}.o]:-}
		dir=${obj%/*}
		if [ -n "$t" ]; then
			obj=${t%.o}.${obj##*.}
			dir=${t%%/../*}
		fi
		[ "$dir" != "$obj" ] || dir=.
		if [ "${SCRATCH_SHARED[$dir]:-1}" = 0 ]; then
			par+=("$obj")
		else
			ser+=("$obj")
		fi
	done
	while [ $done -lt ${#par[@]} ]; do
		scratch_make $k -j"$JOBS" KCFLAGS="$flags" "${par[@]:done:SCRATCH_BATCH}" ||
			[ -n "$k" ] || return 1
		done=$((done + SCRATCH_BATCH))
		[ $done -lt $# ] && printf '  %d of %d built\n' "$done" "$#" >&7
	done
	if [ ${#ser[@]} -gt 0 ]; then
		scratch_make $k -j1 KCFLAGS="$flags" "${ser[@]}" || [ -n "$k" ] || return 1
	fi
}
