# SPDX-License-Identifier: GPL-2.0
# create-fake-tree.sh - sourced by tests/unit/create-*.t: a minimal tree
# that passes ksplice-create's checks of KERNEL_SOURCE and --config, for
# tests that stop before anything is built.

ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
CREATE=$ROOT/create/ksplice-create
# shellcheck source=create-run.sh
. "$ROOT/tests/unit/create-run.sh"

SRC=$T/linux
CFG=$T/config
mkdir -p "$SRC/arch/x86" "$SRC/include/linux" "$SRC/fs/proc" \
	"$CFG/build/include/generated"
: >"$SRC/Makefile"
: >"$SRC/Kbuild"
: >"$SRC/include/linux/kernel.h"
seq 1 40 >"$SRC/fs/proc/version.c"
echo CONFIG_X=y >"$CFG/.config"
: >"$CFG/build/Makefile"
: >"$CFG/build/Module.symvers"
echo '#define UTS_RELEASE "6.1.0-test"' >"$CFG/build/include/generated/utsrelease.h"

# A stub ksplice-objdiff: these tests never get that far.
printf '#!/bin/sh\necho "objdiff stub ran" >&2\nexit 1\n' >"$T/objdiff"
chmod +x "$T/objdiff"
export KSPLICE_OBJDIFF=$T/objdiff
export KSPLICE_CACHE=$T/cache


# expect STATUS PATTERN WHAT: the last run exited STATUS and its stderr
# matches PATTERN.
expect()
{
	[ "$STATUS" = "$1" ] || fail "$3: status $STATUS, want $1"
	grep -q -- "$2" "$T/err" || fail "$3: stderr lacks '$2'"
}
