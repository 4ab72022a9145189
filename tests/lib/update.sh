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
			-o -name '*.S' -o -name '*.sh' -o -name 'Makefile' \
			-o -name 'Kbuild' -o -name 'ksplice-create' \
			-o -name 'ksplice-objdiff' \) -print0 |
		sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# make_update ID PATCH [SOURCE] [-- EXTRA CREATE ARGS...]
# Prints the path of ksplice-ID.tar.gz made from PATCH against SOURCE
# (default: the test kernel's prepared source).  Cached by content.  With
# --diffext among the extra arguments, PATCH only describes the change for
# the cache and ksplice-create makes the patch itself.
make_update()
{
	local id=$1 patch=$2 source=${3:-$KSPLICE_SOURCE}
	shift 3 2>/dev/null || shift $#
	[ "${1:-}" = -- ] && shift
	local key dir patch_arg=--patch=$patch
	case " $* " in *" --diffext="*) patch_arg= ;; esac
	key=$( { tool_fingerprint; echo "$id $source $*"; cat "$patch"; } |
		sha256sum | cut -c1-16)
	dir=$KSPLICE_CACHE/test-updates/$id-$key
	if [ ! -f "$dir/ksplice-$id.tar.gz" ]; then
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" || return 1
		(cd "$dir.tmp" && "$KSPLICE_CREATE" ${patch_arg:+"$patch_arg"} --id="$id" \
			--config="$KSPLICE_CONFIG_DIR" "$@" "$source") >&2 ||
			{ echo "make_update: ksplice-create failed for $patch" >&2
			  return 1; }
		rm -rf "$dir" && mv "$dir.tmp" "$dir" || return 1
	fi
	echo "$dir/ksplice-$id.tar.gz"
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
