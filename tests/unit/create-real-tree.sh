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


# sed_patch FILE SED-SCRIPT: print a patch of FILE (of $SRC) edited by
# SED-SCRIPT; the test fails if the script changes nothing.
sed_patch()
{
	mkdir -p "$T/new/$(dirname "$1")"
	sed "$2" "$SRC/$1" >"$T/new/$1"
	cmp -s "$SRC/$1" "$T/new/$1" && fail "sed '$2' does not change $1"
	diff -u --label "a/$1" --label "b/$1" "$SRC/$1" "$T/new/$1" || [ $? = 1 ]
}

# stub_objdiff_no_changes: ksplice-create runs a ksplice-objdiff that finds
# no changes (KSPLICE_EXIT_NO_CHANGES of ksplice-format.h), for the tests
# of what comes before it: the builds.  The stub keeps what it was given:
# the manifest in $T/manifest, its first object before and after the
# patch in $T/pre.o and $T/post.o.
stub_objdiff_no_changes()
{
	local code

	code=$(sed -n 's/^#define KSPLICE_EXIT_NO_CHANGES[[:space:]]*\([0-9]*\).*/\1/p' \
		"$ROOT/ksplice-core/ksplice-format.h")
	{
		echo '#!/bin/bash'
		echo 'for a in "$@"; do last=$a; done'
		echo "cp \"\$last\" \"$T/manifest\""
		echo "read -r _ pre post _ <\"\$last\""
		echo "cp \"\$pre\" \"$T/pre.o\" && cp \"\$post\" \"$T/post.o\""
		echo "exit $code"
	} >"$T/objdiff"
	chmod +x "$T/objdiff"
	export KSPLICE_OBJDIFF=$T/objdiff
}
