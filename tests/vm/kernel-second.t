#!/bin/bash
# A second Debian 12 kernel, of another ABI and flavour than the default
# one ($KSPLICE_SECOND_KERNEL, which make check sets up: 6.1.0-47-amd64):
# it boots with its own core, an update made from its own source version
# and config applies and is undone, and the default kernel's update is
# refused there, naming both releases, with nothing loaded.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

second=${KSPLICE_SECOND_KERNEL:-6.1.0-47-amd64}
patch=$KSPLICE_ROOT/tests/patches/version.patch
default_release=$KSPLICE_KERNEL_RELEASE
default_update=$(make_update version "$patch")

env_out=$("$KSPLICE_TESTBED" --kernel "$second" env) ||
	{ echo "FAIL: $second is not set up (make deps KERNEL=$second)"; exit 1; }
eval "$env_out"
export KSPLICE_SOURCE KSPLICE_CONFIG_DIR KSPLICE_KERNEL_IMAGE \
	KSPLICE_KERNEL_RELEASE KSPLICE_KERNEL_DIR
export KSPLICE_KERNEL=$second
[ "$KSPLICE_KERNEL_RELEASE" = "$second" ] ||
	{ echo "FAIL: env names $KSPLICE_KERNEL_RELEASE, not $second"; exit 1; }
[ "$default_release" != "$second" ] ||
	{ echo "FAIL: the second kernel is the default one"; exit 1; }
version=$(cat "$KSPLICE_SOURCE/.ksplice-source-version" 2>/dev/null || true)
want=$(dpkg-deb -f "$KSPLICE_KERNEL_DIR/../linux-image-${second}_$(cat "$KSPLICE_KERNEL_DIR/.ksplice-unpacked")_amd64.deb" Version)
echo "source of $second: $KSPLICE_SOURCE (version $version, image $want)"
[ "$version" = "$want" ] ||
	{ echo "FAIL: the source is version '$version', the image $want"; exit 1; }
core=$("$KSPLICE_TESTBED" core)
modinfo -F vermagic "$core/ksplice.ko" | grep -q "^$second " ||
	{ echo "FAIL: the core in $core is not built for $second"; exit 1; }
update=$(make_update version "$patch")

guest=$KSPLICE_TEST_TMP/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
step "booted $second"
[ "\$(uname -r)" = "$second" ] || fail "uname -r is \$(uname -r)"
expect_prefix /proc/version "Linux version $second "

step "the default kernel's update is refused"
ksplice-apply $default_update >/tmp/out 2>&1 && fail "the update for $default_release applied"
cat /tmp/out
grep -q "this update is for kernel $default_release, but $second is running" /tmp/out ||
	fail "the refusal does not name both releases"
expect_nothing_loaded version
expect_no_core

step "the update made for $second applies and is undone"
ksplice-apply $update || fail "ksplice-apply failed"
expect_prefix /proc/version "Ksplice version $second "
ksplice-undo version || fail "ksplice-undo failed"
expect_prefix /proc/version "Linux version $second "
expect_nothing_loaded version
echo "all good"
GUEST
run_guest "$guest"
