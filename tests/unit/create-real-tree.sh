# SPDX-License-Identifier: GPL-2.0
# create-real-tree.sh - sourced by tests/unit/create-*.t that build in the
# prepared kernel source: finds it and a --config directory, or skips.

ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
CREATE=$ROOT/create/ksplice-create
# shellcheck source=create-run.sh
. "$ROOT/tests/unit/create-run.sh"
# the test kernel's source and config dir (tests/run exports them)
if [ -z "${KSPLICE_SOURCE:-}" ] || [ -z "${KSPLICE_CONFIG_DIR:-}" ]; then
	eval "$("$ROOT/scripts/ksplice-testbed" env 2>/dev/null)" ||
		{ echo "no test kernel set up (run make deps)"; exit 77; }
fi
SRC=$KSPLICE_SOURCE
CFG=$KSPLICE_CONFIG_DIR
[ -f "$SRC/Makefile" ] || { echo "no kernel source at $SRC"; exit 77; }
[ -f "$CFG/build/Module.symvers" ] || { echo "no module build tree in $CFG"; exit 77; }

