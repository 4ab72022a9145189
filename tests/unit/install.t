#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install puts every command, its man page, the client's
# configuration, cron file and boot unit in place; the installed commands
# find their libraries; an existing configuration is kept.
set -uo pipefail
ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
D=$T/root
fail() { echo "FAIL: $*"; exit 1; }

[ -f "$ROOT/ksplice-core/ksplice.ko" ] && [ -x "$ROOT/create/ksplice-objdiff" ] ||
	{ echo "not built"; exit 77; }
make -s -C "$ROOT" install-files DESTDIR="$D" PREFIX=/usr >"$T/out" 2>&1 ||
	{ cat "$T/out"; fail "make install-files"; }
for cmd in sbin/ksplice-apply sbin/ksplice-undo sbin/ksplice-view sbin/ksplice-upgrade sbin/ksplice-uname \
	bin/ksplice-create bin/ksplice-publish; do
	[ -x "$D/usr/$cmd" ] || fail "no $cmd"
	name=${cmd#*/}
	[ -f "$D/usr/share/man/man8/$name.8" ] || fail "no man page for $name"
	out=$(groff -man -Tutf8 -ww -z "$D/usr/share/man/man8/$name.8" 2>&1) &&
		[ -z "$out" ] || fail "$name.8 does not render cleanly: $out"
	case $cmd in
	sbin/*) busybox sh "$D/usr/$cmd" --help >"$T/help" 2>&1 ;;
	*) "$D/usr/$cmd" --help >"$T/help" 2>&1 ;;
	esac || { cat "$T/help"; fail "$name --help"; }
	grep -q "^Usage: $name" "$T/help" || fail "$name --help prints no usage"
done
[ -f "$D/usr/share/man/man5/ksplice.conf.5" ] || fail "no ksplice.conf(5)"
grep -q '^17 \*/4 \* \* \*	root	\[ -x /usr/sbin/ksplice-upgrade \] && /usr/sbin/ksplice-upgrade --cron$' \
	"$D/etc/cron.d/ksplice" || fail "cron file: $(cat "$D/etc/cron.d/ksplice")"
grep -qx 'ExecStart=/usr/sbin/ksplice-upgrade --boot' "$D/usr/lib/systemd/system/ksplice.service" ||
	fail "boot unit"
grep -q '^install_on_reboot = yes' "$D/etc/ksplice/ksplice.conf" || fail "configuration"
echo "repository = file:///mine" >"$D/etc/ksplice/ksplice.conf"
make -s -C "$ROOT" install-files DESTDIR="$D" PREFIX=/usr >"$T/out" 2>&1 || fail "second install"
[ "$(cat "$D/etc/ksplice/ksplice.conf")" = "repository = file:///mine" ] ||
	fail "make install overwrote the configuration"
exit 0
