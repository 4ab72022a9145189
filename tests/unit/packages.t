#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages (scripts/make-deb) install with apt into a clean
# Debian 12 root (debootstrap), pulling in what they need: DKMS builds the
# core for the test kernel whose headers are there, the boot unit is
# enabled, every command runs from its installed place and every man page
# renders; removing the packages removes the core again.
set -uo pipefail
ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
R=$T/root
REL=${KSPLICE_KERNEL_RELEASE:?}
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || { echo "needs root (chroot)"; exit 77; }
[ -x "$ROOT/create/ksplice-objdiff" ] || { echo "not built"; exit 77; }
command -v debootstrap >/dev/null || fail "debootstrap is not installed (make deps)"

"$ROOT/scripts/make-deb" --out "$T/debs" >"$T/make-deb.log" 2>&1 ||
	{ cat "$T/make-deb.log"; fail "make-deb"; }
cleanup() { umount "$R/proc" 2>/dev/null; }
trap cleanup EXIT
# this machine's Debian mirror, as its apt has it
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '$1 == "URIs:" && $2 !~ /security/ { print $2; exit }')
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' \
	/etc/apt/sources.list 2>/dev/null)
debootstrap --variant=minbase bookworm "$R" "${mirror:-http://deb.debian.org/debian}" \
	>"$T/debootstrap.log" 2>&1 || { tail -20 "$T/debootstrap.log"; fail "debootstrap"; }
# the same archives (and security updates) and apt settings (a proxy...)
# as this machine's apt
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
	cp /etc/apt/sources.list.d/*.sources "$R/etc/apt/sources.list.d/"
	rm -f "$R/etc/apt/sources.list"
elif [ -f /etc/apt/sources.list ]; then
	cp /etc/apt/sources.list "$R/etc/apt/sources.list"
fi
for f in $(grep -l 'Acquire::' /etc/apt/apt.conf.d/* 2>/dev/null); do
	cp "$f" "$R/etc/apt/apt.conf.d/"
done
mount -t proc proc "$R/proc" || fail "cannot mount proc in the root"
# the packages by their paths in the root (named here: the root's apt
# does not expand a pattern, and this machine's shell sees no /tmp/debs)
debs=()
for f in "$T"/debs/*.deb; do
	[ -f "$f" ] || fail "make-deb made no package"
	debs+=("/tmp/debs/${f##*/}")
done
mkdir -p "$R/tmp/debs" && cp "$T"/debs/*.deb "$R/tmp/debs/" || fail "cannot copy the packages"
in_root() { chroot "$R" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
in_root apt-get update -qq >"$T/apt.log" 2>&1 || { cat "$T/apt.log"; fail "apt-get update"; }
in_root apt-get install -y -qq --no-install-recommends "${debs[@]}" \
	"linux-headers-$REL" man-db >"$T/apt.log" 2>&1 ||
	{ tail -40 "$T/apt.log"; fail "apt-get install of the packages"; }

[ -f "$R/lib/modules/$REL/updates/dkms/ksplice.ko" ] ||
	{ tail -20 "$T/apt.log"; fail "DKMS did not build the core for $REL"; }
[ "$(modinfo -F vermagic "$R/lib/modules/$REL/updates/dkms/ksplice.ko" | cut -d' ' -f1)" = "$REL" ] ||
	fail "the core is not built for $REL"
[ -L "$R/etc/systemd/system/sysinit.target.wants/ksplice.service" ] ||
	fail "the boot unit is not enabled"
for cmd in ksplice-apply ksplice-undo ksplice-view ksplice-upgrade ksplice-uname ksplice-create ksplice-publish; do
	in_root "$cmd" --help >"$T/help" 2>&1 || { cat "$T/help"; fail "$cmd --help"; }
	grep -q "^Usage: $cmd" "$T/help" || fail "$cmd --help prints no usage"
	in_root man -P cat "$cmd" >"$T/man" 2>"$T/man.err" && [ ! -s "$T/man.err" ] ||
		{ cat "$T/man.err"; fail "man $cmd"; }
	grep -q "^NAME" "$T/man" || fail "man $cmd shows no page"
done
in_root man -P cat 5 ksplice.conf | grep -q "install_on_reboot" || fail "man 5 ksplice.conf"
grep -q '^autoinstall = no' "$R/etc/ksplice/ksplice.conf" || fail "the configuration"
in_root ksplice-upgrade -n >"$T/out" 2>&1
grep -q "sets no repository" "$T/out" || fail "ksplice-upgrade without a repository: $(cat "$T/out")"

in_root apt-get remove -y -qq ksplice ksplice-create ksplice-common >"$T/apt.log" 2>&1 ||
	{ tail -20 "$T/apt.log"; fail "apt-get remove"; }
[ ! -e "$R/lib/modules/$REL/updates/dkms/ksplice.ko" ] || fail "the core stays after removal"
[ ! -e "$R/usr/sbin/ksplice-apply" ] || fail "ksplice-apply stays after removal"
exit 0
