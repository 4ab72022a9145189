# shellcheck shell=bash
# Host-side helpers for the tests that make and apply real updates.
# Sourced by tests/vm/update-*.t after tests/run has exported KSPLICE_ROOT,
# KSPLICE_TESTBED, KSPLICE_TEST_TMP and the `ksplice-testbed env` variables.

: "${KSPLICE_CACHE:=$HOME/.cache/ksplice}"
KSPLICE_CREATE=$KSPLICE_ROOT/create/ksplice-create

# Everything that decides what ksplice-create produces: a cached update is
# reused only while all of it is unchanged.
tool_fingerprint()
{
	(cd "$KSPLICE_ROOT" &&
		find create ksplice-core -type f \( -name '*.c' -o -name '*.h' \
			-o -name '*.S' -o -name '*.sh' -o -name '*.mk' -o -name 'Makefile' \
			-o -name 'Kbuild' -o -name 'ksplice-create' \
			-o -name 'ksplice-objdiff' \) -print0 |
		sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# make_update ID PATCH [SOURCE] [-- EXTRA CREATE ARGS...]
# Prints the path of ksplice-ID.tar.gz made from PATCH against SOURCE
# (default: the test kernel's source) for $KSPLICE_CONFIG_DIR.  Cached by content.  With
# --diffext among the extra arguments, PATCH only describes the change for
# the cache and ksplice-create makes the patch itself.
make_update()
{
	local id=$1 patch=$2 source=${3:-$KSPLICE_SOURCE}
	shift 3 2>/dev/null || shift $#
	[ "${1:-}" = -- ] && shift
	local key dir tmp patch_arg=--patch=$patch
	case " $* " in *" --diffext="*) patch_arg= ;; esac
	key=$( { tool_fingerprint; echo "$id $source $KSPLICE_CONFIG_DIR $*"; cat "$patch"
		for arg; do
			case $arg in --earlier=*) cat "${arg#--earlier=}" ;; esac
		done; } | sha256sum | cut -c1-16)
	dir=$KSPLICE_CACHE/test-updates/$id-$key
	# made beside test-updates, which the guests get a copy of: only
	# complete updates appear there (renamed in), so that another test
	# run's copy never sees one come and go
	tmp=$KSPLICE_CACHE/test-updates.tmp/$id-$key
	if [ ! -f "$dir/ksplice-$id.tar.gz" ]; then
		rm -rf "$tmp" && mkdir -p "$tmp" || return 1
		(cd "$tmp" && "$KSPLICE_CREATE" ${patch_arg:+"$patch_arg"} --id="$id" \
			--config="$KSPLICE_CONFIG_DIR" "$@" "$source") >&2 ||
			{ echo "make_update: ksplice-create failed for $patch" >&2
			  return 1; }
		mkdir -p "${dir%/*}" && rm -rf "$dir" && mv "$tmp" "$dir" || return 1
	fi
	echo "$dir/ksplice-$id.tar.gz"
}

# mismatch_tree: prints the path of a tree that differs from the running
# kernel: hard links to the prepared source except for
#   fs/proc/version.c   version_proc_show returns 1, not 0 (a code
#                       difference), plus version.c.ksplice, a changed copy
#                       for --diffext;
#   fs/proc/meminfo.c   the "SwapCached:     " label of meminfo_proc_show
#                       reads "SwapKached:     " (a difference in a string
#                       literal only; far enough from MemTotal for
#                       tests/patches/meminfo.patch to apply);
#   fs/binfmt_misc.c    bm_status_read returns one byte less (for
#                       tests/patches/binfmt-status-mismatch.patch).
# ksplice-create never writes into the tree it is given.  Kept in the cache
# so that its scratch copy is reused.  The recipe version is part of the
# path (ksplice-create keys its scratch copies by the tree's path) and of
# the stamp (written once the tree is complete).
MISMATCH_RECIPE=3
mismatch_tree()
{
	local tree=$KSPLICE_CACHE/test-trees/mismatch-$MISMATCH_RECIPE file
	if [ "$(cat "$tree.stamp" 2>/dev/null)" != "recipe $MISMATCH_RECIPE" ]; then
		rm -rf "$tree" "$tree.stamp" && mkdir -p "${tree%/*}" &&
			cp -al "$KSPLICE_SOURCE" "$tree" || return 1
		file=$tree/fs/proc/version.c
		sed 's/^\treturn 0;$/\treturn 1;/' "$KSPLICE_SOURCE/fs/proc/version.c" >"$file.tmp" &&
			rm -f "$file" && mv "$file.tmp" "$file" || return 1
		sed 's/^\t\tutsname()->sysname,$/\t\t"Ksplice",/' "$file" >"$file.ksplice" || return 1
		if ! grep -q 'return 1;' "$file" ||
			! grep -q '"Ksplice"' "$file.ksplice"; then
			echo "mismatch_tree: version.c recipe failed" >&2
			return 1
		fi
		file=$tree/fs/proc/meminfo.c
		sed 's/"SwapCached:     "/"SwapKached:     "/' "$KSPLICE_SOURCE/fs/proc/meminfo.c" >"$file.tmp" &&
			rm -f "$file" && mv "$file.tmp" "$file" || return 1
		grep -q '"SwapKached:     "' "$file" ||
			{ echo "mismatch_tree: meminfo.c recipe failed" >&2; return 1; }
		file=$tree/fs/binfmt_misc.c
		sed 's/ppos, s, strlen(s));$/ppos, s, strlen(s) - 1);/' "$KSPLICE_SOURCE/fs/binfmt_misc.c" >"$file.tmp" &&
			rm -f "$file" && mv "$file.tmp" "$file" || return 1
		grep -q 'ppos, s, strlen(s) - 1);' "$file" ||
			{ echo "mismatch_tree: binfmt_misc.c recipe failed" >&2; return 1; }
		echo "recipe $MISMATCH_RECIPE" >"$tree.stamp"
	fi
	echo "$tree"
}

# kernel_modules DIR NAME...: copy the test kernel's modules NAME.ko into
# DIR (made if need be), for a guest to load; prints DIR.
kernel_modules()
{
	local dir=$1 name ko
	shift
	mkdir -p "$dir" || return 1
	for name; do
		ko=$(find "$KSPLICE_KERNEL_DIR/lib/modules" -name "$name.ko" | head -n 1)
		[ -n "$ko" ] || { echo "FAIL: no $name.ko in $KSPLICE_KERNEL_DIR" >&2; return 1; }
		cp "$ko" "$dir/" || return 1
	done
	echo "$dir"
}

# run_guest SCRIPT [ksplice-testbed run options...]
# Runs a guest script with the test libraries and the cached updates
# visible in the guest at the same paths.
run_guest()
{
	local script=$1
	shift
	"$KSPLICE_TESTBED" run --add "$KSPLICE_ROOT/tests/lib" \
		--add "$KSPLICE_CACHE/test-updates" "$@" "$script"
}
