# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# . create-libs.sh LIB...: source ksplice-create's libraries common.sh and
# LIB.sh into this shell (a subshell of a test: their functions are
# called directly), on the scratch copy $scratch that an earlier create
# named.  Sourced, not called: the libraries' "declare -A" would be local
# to a function.
# shellcheck disable=SC2034
PROG=t SELF_DIR=$ROOT/create VERBOSE=0 WORK=$T/lib KERNEL_RELEASE='' JOBS=2
for lib in common "$@"; do
	# shellcheck source=/dev/null
	. "$ROOT/create/lib/$lib.sh"
done
mkdir -p "$WORK"
# shellcheck disable=SC2034,SC2154
SCRATCH_TREE=$scratch SCRATCH_DIR=${scratch%/tree}
