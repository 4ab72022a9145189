#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every tampered form of a repository is refused by ksplice-upgrade with a
# message naming the problem, with nothing applied and nothing left in
# the cache; ksplice-publish refuses archives it cannot vouch for (a
# link, no build id, a file that does not match its checksum...), and
# writes nothing then.
. "$(dirname "$0")/apply-fake-kernel.sh"
. "$(dirname "$0")/client-fake-repo.sh"

# refused WHAT TEXT: the last ksplice-upgrade -y failed saying TEXT, and
# nothing was installed or left half-written.
refused()
{
	[ "$STATUS" = 1 ] || fail "$1: status $STATUS"
	grep -q -- "$2" "$T/err" || fail "$1: no message '$2'"
	[ "$(applied)" = "" ] && ! grep -q insmod "$FAKE_LOG" || fail "$1: something was applied"
	[ -z "$(find "$T/cache" -name '.tmp*')" ] || fail "$1: temporary files left in the cache"
	[ -z "$(find "$T/cache" -name 'ksplice-*.tar.gz')" ] || fail "$1: an archive was kept"
	grep -q "error: .*$2" "$KSPLICE_LOG" || fail "$1: not logged"
}

sign() # FILE: sign FILE as the publisher does
{
	gpg --batch --yes --local-user test@ksplice.invalid --detach-sign \
		--output "$1.sig" "$1" 2>/dev/null
}

tool ksplice-upgrade -y
refused "empty repository" "no updates for kernel $(uname -r) (build $BUILD_ID)"

make_archive aaa
publish "$T/ksplice-aaa.tar.gz"
[ "$STATUS" = 0 ] || fail "publish"
cp "$REPO_DIR/index" "$T/index.good"
cp "$REPO_DIR/index.sig" "$T/index.sig.good"
restore() { cp "$T/index.good" "$REPO_DIR/index"; cp "$T/index.sig.good" "$REPO_DIR/index.sig"; }

sed -i 's/fix aaa$/fix aaa and more/' "$REPO_DIR/index"
tool ksplice-upgrade -y
refused "tampered index" "does not match its signature"

restore
head -c 100 "$T/index.good" >"$REPO_DIR/index"
tool ksplice-upgrade -y
refused "truncated index" "does not match its signature"

restore
rm "$REPO_DIR/index.sig"
tool ksplice-upgrade -y
refused "unsigned index" "is not signed"

restore
GNUPGHOME=$T/gnupg2
mkdir -p -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "other <other@ksplice.invalid>" \
	ed25519 sign never 2>/dev/null
gpg --batch --yes --local-user other@ksplice.invalid --detach-sign \
	--output "$REPO_DIR/index.sig" "$REPO_DIR/index" 2>/dev/null
GNUPGHOME=$T/gnupg
tool ksplice-upgrade -y
refused "another key" "is not signed by the key in"

# An index for another build, served at this build's path.
restore
sed -i "3s/.*/build-id ffff/" "$REPO_DIR/index"
sign "$REPO_DIR/index"
tool ksplice-upgrade -y
refused "foreign index" "it is for build ffff, not $BUILD_ID"

# The archive differs from what the signed index says.
restore
cp "$REPO_DIR/ksplice-aaa.tar.gz" "$T/aaa.good"
printf 'x' >>"$REPO_DIR/ksplice-aaa.tar.gz"
tool ksplice-upgrade -y
refused "longer archive" "the download has [0-9]* bytes, the signed index says"
make_archive aaa
echo changed >>"$T/u/ksplice-aaa/patch"
(cd "$T/u" && tar -czf "$REPO_DIR/ksplice-aaa.tar.gz" ksplice-aaa)
sed -i "s/^\(update aaa\) [0-9]*/\1 $(stat -c %s "$REPO_DIR/ksplice-aaa.tar.gz")/" "$REPO_DIR/index"
sign "$REPO_DIR/index"
tool ksplice-upgrade -y
refused "other archive" "the download's sha256 is [0-9a-f]*, the signed index says"
cp "$T/aaa.good" "$REPO_DIR/ksplice-aaa.tar.gz"

# A signed index naming an archive with an entry leaving its directory.
make_update "$T/evil/ksplice-eee" eee
rm "$T/evil/ksplice-eee/description"
ln -s /etc/passwd "$T/evil/ksplice-eee/description"
(cd "$T/evil" && tar -czf "$REPO_DIR/ksplice-eee.tar.gz" ksplice-eee)
{ cat "$T/index.good"
  printf 'update eee %s %s - evil\n' "$(stat -c %s "$REPO_DIR/ksplice-eee.tar.gz")" \
	"$(sha256sum <"$REPO_DIR/ksplice-eee.tar.gz" | cut -d' ' -f1)"; } >"$REPO_DIR/index"
sed -i 's/^serial 1$/serial 2/' "$REPO_DIR/index"
sign "$REPO_DIR/index"
tool ksplice-upgrade -y
[ "$STATUS" = 1 ] && grep -q "update eee: the archive holds ksplice-eee/description, a link" "$T/err" ||
	fail "escaping archive: $(cat "$T/err")"
[ "$(applied)" = "aaa " ] || fail "escaping archive: applied $(applied)"
[ ! -e "$T/cache/$(uname -r)/$BUILD_ID/ksplice-eee.tar.gz" ] || fail "evil archive kept"
tool ksplice-apply "$REPO_DIR/ksplice-eee.tar.gz"
[ "$STATUS" = 1 ] && grep -q "cannot unpack .*a link" "$T/err" || fail "apply of the evil archive"
tool ksplice-undo aaa
[ "$STATUS" = 0 ] || fail "undo aaa"
: >"$FAKE_LOG"
rm -rf "$T/cache"

# Stale: serial 2 was seen; serial 1 comes back.
restore
tool ksplice-upgrade -y
refused "stale index" "is stale: serial 1, but serial 2 was seen before"

# The publisher refuses, and writes nothing.
cp "$REPO_DIR/index" "$T/index.before"
publish "$REPO_DIR/ksplice-eee.tar.gz"
[ "$STATUS" = 1 ] && grep -q "a link" "$T/err" || fail "publish of the evil archive"
make_archive nob
sed -i "s/^build-id .*/build-id unknown/" "$T/u/ksplice-nob/contents"
(cd "$T/u" && tar -czf "$T/ksplice-nob.tar.gz" ksplice-nob)
make_archive ddd
publish "$T/ksplice-ddd.tar.gz" "$T/ksplice-nob.tar.gz"
[ "$STATUS" = 1 ] && grep -q "made without the kernel's build id" "$T/err" ||
	fail "publish without a build id"
make_archive cum zzz
publish "$T/ksplice-cum.tar.gz"
[ "$STATUS" = 1 ] && grep -q "replaces update zzz, which is not published" "$T/err" ||
	fail "publish of a cumulative update without its replaced ones"
make_archive dmg
echo "changed after it was made" >"$T/u/ksplice-dmg/description"
(cd "$T/u" && tar -czf "$T/ksplice-dmg.tar.gz" ksplice-dmg)
publish "$T/ksplice-dmg.tar.gz"
[ "$STATUS" = 1 ] && grep -q "ksplice-dmg.tar.gz is damaged: description does not match its checksum in contents: not published" "$T/err" ||
	{ cat "$T/err"; fail "publish of a damaged archive"; }
[ ! -e "$REPO_DIR/ksplice-dmg.tar.gz" ] || fail "the damaged archive was published"
cmp -s "$REPO_DIR/index" "$T/index.before" && [ ! -e "$REPO_DIR/ksplice-ddd.tar.gz" ] ||
	fail "a refused publication wrote something"
exit 0
