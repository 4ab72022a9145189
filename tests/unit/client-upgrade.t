#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The publisher adds two updates, then a cumulative one replacing them;
# ksplice-upgrade lists and installs them in order, boot applies the same
# list again (unless noksplice or the disable file), cron installs only
# with autoinstall, ksplice-view --available shows each one's status, and
# ksplice-undo --all takes everything out and boot then applies nothing.
. "$(dirname "$0")/apply-fake-kernel.sh"
. "$(dirname "$0")/client-fake-repo.sh"

make_archive aaa
make_archive bbb
publish "$T/ksplice-aaa.tar.gz" "$T/ksplice-bbb.tar.gz"
[ "$STATUS" = 0 ] || fail "publish: status $STATUS"
[ "$(sed -n 4p "$REPO_DIR/index")" = "serial 1" ] || fail "first serial"
gpgv --keyring "$T/etc/keyring.gpg" "$REPO_DIR/index.sig" "$REPO_DIR/index" 2>/dev/null ||
	fail "the index's signature does not verify"

tool ksplice-upgrade -n
[ "$STATUS" = 0 ] || fail "-n: status $STATUS"
grep -qx "  aaa: fix aaa" "$T/out" && grep -qx "  bbb: fix bbb" "$T/out" || fail "-n list"
[ "$(applied)" = "" ] && [ ! -s "$FAKE_LOG" ] || fail "-n installed something"

tool ksplice-view --available
[ "$(grep -c ': available' "$T/out")" = 2 ] || fail "view --available before"

tool ksplice-upgrade -y
[ "$STATUS" = 0 ] || fail "-y: status $STATUS"
[ "$(applied)" = "aaa bbb " ] || fail "-y applied: $(applied)"
[ "$(grep -o 'insmod ksplice_..._new' "$FAKE_LOG" | tr '\n' ' ')" = \
	"insmod ksplice_aaa_new insmod ksplice_bbb_new " ] || fail "install order"
grep -q "installed update bbb" "$KSPLICE_LOG" || fail "log: $(cat "$KSPLICE_LOG")"

# The cumulative update: published after them, installed alone.
make_archive ccc aaa bbb
publish "$T/ksplice-ccc.tar.gz"
[ "$STATUS" = 0 ] || fail "publish ccc"
[ "$(sed -n 4p "$REPO_DIR/index")" = "serial 2" ] || fail "second serial"
grep -q "^update ccc [0-9]* [0-9a-f]* aaa,bbb fix ccc$" "$REPO_DIR/index" || fail "ccc line"
tool ksplice-upgrade -n
[ "$(grep -c '^  ' "$T/out")" = 1 ] && grep -qx "  ccc: fix ccc" "$T/out" || fail "-n ccc"
tool ksplice-upgrade -y
[ "$STATUS" = 0 ] && [ "$(applied)" = "ccc " ] || fail "-y ccc: $(applied)"
tool ksplice-view --available
grep -qx "aaa: replaced: fix aaa" "$T/out" && grep -qx "ccc: installed: fix ccc" "$T/out" ||
	fail "view --available after"
tool ksplice-upgrade -y
grep -q "Nothing to be done" "$T/out" || fail "-y again"

# Publishing the same archive again changes nothing; another with the
# same id is refused.
publish "$T/ksplice-ccc.tar.gz"
[ "$STATUS" = 0 ] && grep -q "already published" "$T/out" || fail "republish"
[ "$(sed -n 4p "$REPO_DIR/index")" = "serial 2" ] || fail "republish changed the serial"
echo other >"$T/u/ksplice-ccc/patch"
seal_update "$T/u/ksplice-ccc" ccc
(cd "$T/u" && tar -czf "$T/ksplice-ccc.tar.gz" ksplice-ccc)
publish "$T/ksplice-ccc.tar.gz"
[ "$STATUS" = 1 ] && grep -q "already published .* with other contents" "$T/err" ||
	fail "a clashing id was published"

# Reboot: the same cache and configuration apply the list again.
reboot()
{
	rm -rf "$KSPLICE_SYSFS/kernel/ksplice" "$KSPLICE_SYSFS/module"/*
	: >"$FAKE_LOG"
}
reboot
echo "root=/dev/vda ro noksplice" >"$KSPLICE_CMDLINE"
tool ksplice-upgrade --boot
[ "$STATUS" = 0 ] && grep -q noksplice "$T/out" && [ "$(applied)" = "" ] || fail "noksplice"
echo "root=/dev/vda ro" >"$KSPLICE_CMDLINE"
touch "$T/etc/disable"
tool ksplice-upgrade --boot
[ "$STATUS" = 0 ] && grep -q "disable exists" "$T/out" && [ "$(applied)" = "" ] ||
	fail "disable file"
rm "$T/etc/disable"
tool ksplice-upgrade --boot
[ "$STATUS" = 0 ] || fail "--boot: status $STATUS"
[ "$(applied)" = "ccc " ] || fail "--boot applied: $(applied)"
[ "$(grep -o 'insmod ksplice_..._new' "$FAKE_LOG" | tr '\n' ' ')" = \
	"insmod ksplice_aaa_new insmod ksplice_bbb_new insmod ksplice_ccc_new " ] ||
	fail "boot order"

# install_on_reboot off: boot applies nothing; cron without autoinstall
# only logs, with it installs.
reboot
sed -i 's/^autoinstall = yes/autoinstall = no/' "$KSPLICE_CONF"
echo "install_on_reboot = no" >>"$KSPLICE_CONF"
tool ksplice-upgrade --boot
[ "$STATUS" = 0 ] && [ "$(applied)" = "" ] || fail "install_on_reboot = no"
tool ksplice-upgrade --cron
[ "$STATUS" = 0 ] && [ ! -s "$T/out" ] && [ "$(applied)" = "" ] || fail "cron without autoinstall"
grep -q "3 update(s) available; autoinstall is off" "$KSPLICE_LOG" || fail "cron log"
sed -i 's/^autoinstall = no/autoinstall = yes/' "$KSPLICE_CONF"
tool ksplice-upgrade --cron
[ "$STATUS" = 0 ] && [ ! -s "$T/out" ] && [ "$(applied)" = "ccc " ] || fail "cron install"

# undo --all: everything out, and boot forgets it.
tool ksplice-undo --all
[ "$STATUS" = 0 ] && [ "$(applied)" = "" ] || fail "undo --all"
[ "$(loaded_modules)" = ksplice ] || fail "modules left: $(loaded_modules)"
sed -i 's/^install_on_reboot = no/install_on_reboot = yes/' "$KSPLICE_CONF"
reboot
tool ksplice-upgrade --boot
[ "$STATUS" = 0 ] && grep -q "No Ksplice updates are installed" "$T/out" &&
	[ "$(applied)" = "" ] || fail "boot after undo --all"
exit 0
