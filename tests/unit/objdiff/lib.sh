# shellcheck shell=bash
# Common setup for tests/unit/objdiff-*.t: compile pre/post pairs of the
# small C files in this directory and run ksplice-objdiff on them.

KSPLICE_ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
SRC=$KSPLICE_ROOT/tests/unit/objdiff
OBJDIFF=$KSPLICE_ROOT/create/ksplice-objdiff
if [ -n "${KSPLICE_TEST_TMP:-}" ]; then
	T=$KSPLICE_TEST_TMP
else
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT
fi
CFLAGS_OBJ="-O2 -ffunction-sections -fdata-sections -fno-pic -mcmodel=kernel -fno-asynchronous-unwind-tables -c"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# The differ runs under valgrind's memcheck: a read of memory it never
# set (a field a new record lacks) fails the test where it happens.
command -v valgrind >/dev/null || fail "valgrind is not installed (make deps)"
MEMCHECK=(valgrind -q --error-exitcode=98 --leak-check=no)

# Build the differ if needed.
make -s -C "$KSPLICE_ROOT/create" ksplice-objdiff >/dev/null ||
	fail "cannot build ksplice-objdiff"

# A Module.symvers with a few vmlinux exports.
printf '0x00000000\t%s\tvmlinux\t%s\t%s\n' _printk EXPORT_SYMBOL "" \
	kstrtoint EXPORT_SYMBOL "" ns_export EXPORT_SYMBOL_GPL TESTNS >"$T/Module.symvers"
echo "test update" >"$T/description"

# compile NAME [GCC-OPTION...]: NAME-pre.c and NAME-post.c to
# $T/NAME-pre.o, $T/NAME-post.o
compile() {
	local name=$1
	shift
	# shellcheck disable=SC2086
	gcc $CFLAGS_OBJ "$@" -o "$T/$name-pre.o" "$SRC/$name-pre.c" || fail "gcc $name-pre.c"
	# shellcheck disable=SC2086
	gcc $CFLAGS_OBJ "$@" -o "$T/$name-post.o" "$SRC/$name-post.c" || fail "gcc $name-post.c"
}

# objdiff NAME [LINEMAP [MANIFEST-OPTION...]]: run the differ (with the
# options in $OBJDIFF_OPTS too); status in $rc, output in
# $T/NAME.out/{stdout,stderr,changes,...}
objdiff() {
	local name=$1 map=${2:--} out=$T/$1.out
	shift $(($# < 2 ? $# : 2))
	rm -rf "$out"
	mkdir -p "$out"
	echo "test/$name.o $T/$name-pre.o $T/$name-post.o $map $*" >"$T/$name.manifest"
	rc=0
	# shellcheck disable=SC2086
	"${MEMCHECK[@]}" "$OBJDIFF" -v ${OBJDIFF_OPTS:-} --id test_1 --release 6.1.0-test \
		--description-file "$T/description" \
		--symvers "$T/Module.symvers" --out "$out" \
		"$T/$name.manifest" >"$out/stdout" 2>"$out/stderr" || rc=$?
}

show() {
	local out=$T/$1.out
	echo "--- status $rc; stdout:"; cat "$out/stdout"
	echo "--- stderr:"; cat "$out/stderr"
	[ -f "$out/changes" ] && { echo "--- changes:"; cat "$out/changes"; }
	true
}
