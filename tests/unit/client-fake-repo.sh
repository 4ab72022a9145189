# SPDX-License-Identifier: GPL-2.0
# client-fake-repo.sh - sourced by tests/unit/client-*.t, after
# apply-fake-kernel.sh: a fake kernel with a build id, a signing key of its
# own (a gpg home in the test directory), a repository in $T/repo and a
# client configuration pointing at it (file:// URL).

command -v gpg >/dev/null && command -v gpgv >/dev/null || { echo "no gpg"; exit 77; }

BUILD_ID=00112233445566778899aabbccddeeff00112233
export GNUPGHOME=$T/gnupg
mkdir -p -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "ksplice test <test@ksplice.invalid>" \
	ed25519 sign never 2>/dev/null || { echo "cannot make a gpg key"; exit 1; }

# The fake kernel's notes: one GNU build id note.
{
	printf '\004\000\000\000\024\000\000\000\003\000\000\000GNU\000'
	printf '%s' "$BUILD_ID" | sed 's/../\\x&/g' | xargs -0 printf
} >"$KSPLICE_SYSFS/kernel/notes"

export KSPLICE_CONF=$T/etc/ksplice.conf
export KSPLICE_CACHE_DIR=$T/cache
export KSPLICE_LOG=$T/ksplice.log
export KSPLICE_UPGRADE_LOCK=$T/run/upgrade.lock
export KSPLICE_CMDLINE=$T/cmdline
echo "root=/dev/vda ro" >"$KSPLICE_CMDLINE"
mkdir -p "$T/etc" "$T/repo"
"$ROOT/apply/ksplice-publish" --key=test@ksplice.invalid --export-key="$T/etc/keyring.gpg" \
	>/dev/null || { echo "cannot export the key"; exit 1; }
cat >"$KSPLICE_CONF" <<EOF
# test configuration
repository = file://$T/repo
keyring = $T/etc/keyring.gpg
autoinstall = yes
cron_delay = 0
EOF
REPO_DIR=$T/repo/$(uname -r)/$BUILD_ID

# make_archive ID [REPLACED...]: $T/ksplice-ID.tar.gz for the fake kernel.
make_archive()
{
	local id=$1 r

	shift
	rm -rf "$T/u/ksplice-$id"
	make_update "$T/u/ksplice-$id" "$id"
	sed -i "s/^build-id .*/build-id $BUILD_ID/" "$T/u/ksplice-$id/contents"
	for r in "$@"; do
		echo "replaces $r" >>"$T/u/ksplice-$id/contents"
	done
	echo "fix $id" >"$T/u/ksplice-$id/description"
	seal_update "$T/u/ksplice-$id" "$id"
	(cd "$T/u" && tar -czf "$T/ksplice-$id.tar.gz" "ksplice-$id")
}

# publish ARCHIVE...: ksplice-publish into $T/repo; output in $T/out.
publish()
{
	STATUS=0
	"$ROOT/apply/ksplice-publish" --repo="$T/repo" --key=test@ksplice.invalid "$@" \
		>"$T/out" 2>"$T/err" || STATUS=$?
}

# applied: the ids applied in the fake kernel, by name.
applied()
{
	local d

	for d in "$KSPLICE_SYSFS"/kernel/ksplice/*/; do
		[ -d "$d" ] && [ "$(cat "$d/stage")" = applied ] && basename "$d"
	done | sort | tr '\n' ' '
}
