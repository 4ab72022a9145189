#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksplice-setup names the kernel it cannot set up, before it installs or
# downloads anything for it: a malformed name, an unsupported flavour, and
# an ABI whose exact linux-source-6.1 version the archive lacks (6.1.0-48,
# Debian 6.1.172-1: never replaced by a neighbouring version).
ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
export KSPLICE_CACHE=$T/cache

fail() { echo "FAIL: $*" >&2; exit 1; }
((EUID == 0)) || { echo "needs root (ksplice-setup)"; exit 77; }

# setup_fails KERNEL PATTERN: ksplice-setup KERNEL fails saying PATTERN
setup_fails() {
	local rc=0
	"$ROOT/scripts/ksplice-setup" "$1" >"$T/out" 2>"$T/err" || rc=$?
	cat "$T/out" "$T/err"
	[ "$rc" != 0 ] || fail "$1: ksplice-setup succeeded"
	grep -q -- "$2" "$T/err" || fail "$1: no '$2' in its error"
	[ ! -e "$KSPLICE_CACHE/kernels" ] && [ ! -e "$KSPLICE_CACHE/source" ] &&
		[ ! -e "$KSPLICE_CACHE/kernel" ] || fail "$1: something was set up"
}

setup_fails 6.1-cloud "bad kernel '6.1-cloud': expected <abi>-<flavour>"
setup_fails 6.1.0-47-rt-amd64 "flavour 'rt-amd64' is not supported"
setup_fails 6.1.0-48-cloud-amd64 "the archive has no linux-source-6.1=6.1.172-1, the exact source of 6.1.0-48-cloud-amd64"
grep -q "Versions in the archive: .*6.1.170-3" "$T/err" ||
	fail "the versions the archive has are not listed"
dpkg-query -W linux-headers-6.1.0-48-cloud-amd64 >/dev/null 2>&1 &&
	fail "the headers of 6.1.0-48 were installed"
exit 0
