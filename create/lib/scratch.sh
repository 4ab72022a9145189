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

# scratch_build_objects LOG OBJECT...: rebuild OBJECTs in the scratch with
# KCFLAGS=$SCRATCH_KCFLAGS, and <ksplice-patch.h> on the include path.
#
# Objects under arch/x86 are built with one make job: for a single target,
# Kbuild's make of a directory hands it to every subdirectory it lists
# whose path is a prefix of the target's, and the top directory lists
# arch/x86 as well as arch/x86/pci (and arch/x86/lib, power, video).  So
# arch/x86/pci/fixup.o is compiled by arch/x86's make, with arch/x86's
# flags, and by arch/x86/pci's.  In parallel the two compiles write the
# same .o and .d files at once, and fixdep, objtool or nm of one finds a
# file that the other has just removed.  With one job they run in turn,
# arch/x86 first (a directory sorts before those below it), and the
# object's own directory compiles it again since its command line
# differs: the object is always the one its own flags make.  No other
# directory is listed both on its own and inside another, so the other
# objects (thousands, for a change to a core header) are built first, in
# parallel, by one make of their own.
scratch_build_objects()
{
	local log=$1 obj

	shift
	for obj in "$@"; do
		rm -f -- "$SCRATCH_TREE/$obj"
	done
	# fd 7: progress lines, past run_logged's redirection to the log
	run_logged "$log" scratch_make_objects \
		"$SCRATCH_KCFLAGS -I$(cd "$CORE_INCLUDE" && pwd)" "$@" 7>&1
}

# Objects per make when there are many: a progress line after each batch.
SCRATCH_BATCH=250

# scratch_make_objects KCFLAGS OBJECT...: the makes of scratch_build_objects.
# With SCRATCH_KEEP_GOING=1, make goes on past a target it cannot make
# (make -k), and the caller looks for the targets made.
scratch_make_objects()
{
	local flags=$1 obj par=() ser=() done=0 k=${SCRATCH_KEEP_GOING:+-k}

	shift
	for obj in "$@"; do
		case $obj in
		arch/x86/*) ser+=("$obj") ;;
		*) par+=("$obj") ;;
		esac
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

# Objects built before the patch are kept with the scratch copy for later
# runs (a fix made again, another fix to the same files): in
# $SCRATCH_DIR/pre-objects/KIND/ (pre, kernel-pre, pre-pinned: each
# build's flags), OBJ, OBJ.cmd (its .cmd file) and OBJ.key.
# The key is the sha256 of the compile command and of every file the
# compile read (the .cmd's source and deps lists, the config options'
# files by their presence), as the tree has them now: a kept object is
# used only while the compiler would get the same command and the same
# input.  (A file it did not read could change its result only by coming
# first on an include path; patches change existing .c and .h files
# only.)

# scratch_pre_key CMDFILE: the key of the object CMDFILE describes.
scratch_pre_key()
{
	local cmd=$1

	(
		cd "$SCRATCH_TREE" || exit 1
		sed -n 's/^cmd_[^ ]* := //p; s/^source_[^ ]* := //p' "$cmd"
		awk '
		/^deps_[^ ]* := / { deps = 1; next }
		deps && !/^[ \t]/ { deps = 0 }
		deps {
			sub(/[ \t]*\\$/, ""); sub(/^[ \t]+/, "")
			if ($0 == "")
				next
			if (sub(/^\$\(wildcard /, "")) {
				sub(/\)$/, "")
				print "W " $0
			} else {
				print "F " $0
			}
		}' "$cmd" | LC_ALL=C sort -u >"$WORK/pre-key.list"
		sed -n 's/^source_[^ ]* := //p' "$cmd" |
			xargs -r -d '\n' sha256sum -- 2>/dev/null
		sed -n 's/^F //p' "$WORK/pre-key.list" |
			xargs -r -d '\n' sha256sum -- 2>/dev/null
		sed -n 's/^W //p' "$WORK/pre-key.list" |
			xargs -r -d '\n' ls -d -- 2>/dev/null
		:
	) | sha256sum | cut -d' ' -f1
}

# scratch_pre_reuse KIND OBJ...: put the kept objects of KIND whose key
# holds into the tree (with their .cmd files); SCRATCH_PRE_MISSES: the
# others.
SCRATCH_PRE_MISSES=()
scratch_pre_reuse()
{
	local obj kept=$SCRATCH_DIR/pre-objects/$1

	shift
	SCRATCH_PRE_MISSES=()
	for obj in "$@"; do
		if [ -f "$kept/$obj.key" ] && [ -f "$kept/$obj" ] && [ -f "$kept/$obj.cmd" ] &&
			[ "$(scratch_pre_key "$kept/$obj.cmd")" = "$(cat "$kept/$obj.key")" ] &&
			cp -- "$kept/$obj" "$SCRATCH_TREE/$obj" &&
			cp -- "$kept/$obj.cmd" "$(objects_cmd_file "$obj")"; then
			debug "$obj: kept from an earlier run (same command and input)"
		else
			SCRATCH_PRE_MISSES+=("$obj")
		fi
	done
}

# scratch_pre_keep KIND OBJ...: keep the objects of KIND just built before
# the patch.
scratch_pre_keep()
{
	local obj kept=$SCRATCH_DIR/pre-objects/$1 cmd

	shift
	for obj in "$@"; do
		cmd=$(objects_cmd_file "$obj")
		[ -f "$SCRATCH_TREE/$obj" ] && [ -f "$cmd" ] || continue
		rm -f -- "$kept/$obj.key"
		mkdir -p "$kept/$(dirname "$obj")" &&
			cp -- "$SCRATCH_TREE/$obj" "$kept/$obj.tmp" &&
			cp -- "$cmd" "$kept/$obj.cmd" &&
			mv -- "$kept/$obj.tmp" "$kept/$obj" &&
			scratch_pre_key "$cmd" >"$kept/$obj.key" ||
			rm -f -- "$kept/$obj" "$kept/$obj.tmp" "$kept/$obj.cmd" "$kept/$obj.key"
	done
}
