# SPDX-License-Identifier: GPL-2.0
# create-real-tree.sh - sourced by tests/unit/create-*.t that build in the
# prepared kernel source: finds it and a --config directory, or skips.

ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
CREATE=$ROOT/create/ksplice-create
# shellcheck source=create-run.sh
. "$ROOT/tests/unit/create-run.sh"
CACHE=${KSPLICE_CACHE:-$HOME/.cache/ksplice}
SRC=${KSPLICE_SOURCE:-$CACHE/source/6.1.192-2/linux-source-6.1}
[ -f "$SRC/Makefile" ] || { echo "no prepared kernel source at $SRC"; exit 77; }

if [ -n "${KSPLICE_CONFIG_DIR:-}" ]; then
	CFG=$KSPLICE_CONFIG_DIR
else
	rel=6.1.0-56-cloud-amd64
	CFG=$T/config
	mkdir -p "$CFG"
	cp "$CACHE/kernel/$rel/boot/config-$rel" "$CFG/.config" 2>/dev/null ||
		{ echo "no kernel config for $rel"; exit 77; }
	ln -s "/lib/modules/$rel/build" "$CFG/build"
fi
[ -f "$CFG/build/Module.symvers" ] || { echo "no module build tree in $CFG"; exit 77; }

