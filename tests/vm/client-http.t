#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The update client over HTTP: a repository published on the host and
# served on one loopback port (busybox httpd), reached by the guest only
# through QEMU's restricted user network.  ksplice-upgrade installs
# sqrt_a and sqrt_b in order, then the cumulative sqrt_c that replaces
# them; each tampered form of the repository (index changed, truncated,
# unsigned, signed by another key, stale, for another build; an archive
# changed, or with a link in it) is refused with the kernel unchanged; a second boot with
# the same cache and state applies the three again at boot.
set -euo pipefail
. "$KSPLICE_ROOT/tests/lib/update.sh"

T=$KSPLICE_TEST_TMP
P=$KSPLICE_ROOT/tests/patches
a=$(make_update sqrt_a "$P/sqrt-recurse.patch")
b=$(make_update sqrt_b "$P/sqrt-stack.patch" "$KSPLICE_SOURCE" -- --earlier="$P/sqrt-recurse.patch")
c=$(make_update sqrt_c "$P/sqrt-cumulative.patch" "$KSPLICE_SOURCE" -- --replaces=sqrt_a --replaces=sqrt_b)
ko=$("$KSPLICE_ROOT/tests/modules/build" recurse "$T/recurse")

# The publisher: a key, a repository with sqrt_a and sqrt_b.
export GNUPGHOME=$T/gnupg
mkdir -p -m 700 "$GNUPGHOME" "$T/etc" "$T/www"
gpg --batch --quiet --passphrase '' --quick-gen-key "ksplice test <test@ksplice.invalid>" \
	ed25519 sign never 2>/dev/null
"$KSPLICE_ROOT/apply/ksplice-publish" --key=test@ksplice.invalid --export-key="$T/etc/keyring.gpg"
"$KSPLICE_ROOT/apply/ksplice-publish" --repo="$T/www/r1" --key=test@ksplice.invalid "$a" "$b"
# r2: the same repository once sqrt_c is published after them
cp -a "$T/www/r1" "$T/www/r2"
"$KSPLICE_ROOT/apply/ksplice-publish" --repo="$T/www/r2" --key=test@ksplice.invalid "$c"
index=$(echo "$T"/www/r2/*/*/index)

# The server, in the foreground of a background job, on a free loopback
# port: ready once it answers, gone at once if the port was taken.
port= pid=
for try in 1 2 3 4 5 6 7 8; do
	p=$((20000 + RANDOM % 20000))
	busybox httpd -f -p "127.0.0.1:$p" -h "$T/www" 2>/dev/null &
	pid=$!
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		if busybox wget -q -O /dev/null "http://127.0.0.1:$p/${index#"$T"/www/}" 2>/dev/null; then
			port=$p
			break 2
		fi
		sleep 0.1
	done
	kill "$pid" 2>/dev/null || true
done
[ -n "$port" ] || { echo "FAIL: cannot start busybox httpd"; exit 1; }
trap 'kill "$pid" 2>/dev/null || true' EXIT
for r in r1 r2; do
	cat >"$T/etc/$r.conf" <<-EOF
	repository = http://10.0.2.100/$r
	keyring = $T/etc/keyring.gpg
	autoinstall = yes
	EOF
done
cp "$T/etc/r2.conf" "$T/etc/ksplice.conf"

guest=$T/guest.sh
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
RECURSE_KO=$ko
mkdir -p /out/cache /out/state
export KSPLICE_CACHE_DIR=/out/cache KSPLICE_STATE_DIR=/out/state

step "two updates, in order"
export KSPLICE_CONF=$T/etc/r1.conf
ksplice-upgrade -n >/tmp/n.out 2>&1 || { cat /tmp/n.out; fail "ksplice-upgrade -n"; }
cat /tmp/n.out
grep -q "sqrt_a:" /tmp/n.out && grep -q "sqrt_b:" /tmp/n.out || fail "-n list"
ksplice-upgrade -y || fail "ksplice-upgrade -y"
sqrt_is 43

step "the cumulative sqrt_c replaces them"
export KSPLICE_CONF=$T/etc/r2.conf
ksplice-upgrade -n >/tmp/n.out 2>&1 || { cat /tmp/n.out; fail "ksplice-upgrade -n"; }
cat /tmp/n.out
grep -q "sqrt_c:" /tmp/n.out && ! grep -q "sqrt_a:" /tmp/n.out || fail "-n list"
ksplice-upgrade -y || fail "ksplice-upgrade -y"
sqrt_is 44
ksplice-view >/tmp/v.out; cat /tmp/v.out
grep -q "^sqrt_c: " /tmp/v.out && ! grep -q "^sqrt_a: " /tmp/v.out || fail "sqrt_c alone is not applied"
ksplice-view --available | grep -qx "sqrt_a: replaced: .*" || fail "view --available"
ksplice-upgrade -y | grep -q "Nothing to be done" || fail "a second -y did something"
GUEST
run_guest "$guest" --forward "$port" --add "$T/recurse" --add "$T/etc" \
	--out "$T/out1" >"$T/console1" || { cat "$T/console1"; echo "FAIL: first boot"; exit 1; }
cat "$T/console1"
grep -q "Done! Update sqrt_c is applied." "$T/console1"

# Each tampered form, as its own repository beside r1 and r2 (the server
# serves them all; the guest cannot tell the host when to change one):
#   rt  the index changed after signing      rtr  the index truncated
#   ru  no index.sig                         rk   signed by another key
#   rh  an archive with one byte changed     rx   a signed index naming an
#       (the same size)                           archive with a link in it
#   rf  a signed index for another build of the kernel
# and r1 after r2: an older serial than one seen (stale).
rel_bid=${index#"$T"/www/r2/}
rel_bid=${rel_bid%/index}
for r in rt rtr ru rk rh rx rf; do
	cp -a "$T/www/r2" "$T/www/$r"
	sed "s|/r2\$|/$r|" "$T/etc/r2.conf" >"$T/etc/$r.conf"
done
sed -i 's/^\(update sqrt_a .*\)$/\1 (changed)/' "$T/www/rt/$rel_bid/index"
head -c 200 "$index" >"$T/www/rtr/$rel_bid/index"
rm "$T/www/ru/$rel_bid/index.sig"
export GNUPGHOME=$T/gnupg2
mkdir -p -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "other <other@ksplice.invalid>" \
	ed25519 sign never 2>/dev/null
gpg --batch --yes --local-user other@ksplice.invalid --detach-sign \
	--output "$T/www/rk/$rel_bid/index.sig" "$T/www/rk/$rel_bid/index"
export GNUPGHOME=$T/gnupg
a_tar=$T/www/rh/$rel_bid/ksplice-sqrt_a.tar.gz
printf '\377' | dd of="$a_tar" bs=1 seek=100 conv=notrunc 2>/dev/null
mkdir -p "$T/evil/ksplice-sqrt_a"
tar -xzf "$a" -C "$T/evil"
rm "$T/evil/ksplice-sqrt_a/description"
ln -s /etc/passwd "$T/evil/ksplice-sqrt_a/description"
(cd "$T/evil" && tar -czf "$T/www/rx/$rel_bid/ksplice-sqrt_a.tar.gz" ksplice-sqrt_a)
x_tar=$T/www/rx/$rel_bid/ksplice-sqrt_a.tar.gz
sed -i "s/^update sqrt_a [0-9]* [0-9a-f]* /update sqrt_a $(stat -c %s "$x_tar") $(sha256sum <"$x_tar" | cut -d' ' -f1) /" \
	"$T/www/rx/$rel_bid/index"
gpg --batch --yes --local-user test@ksplice.invalid --detach-sign \
	--output "$T/www/rx/$rel_bid/index.sig" "$T/www/rx/$rel_bid/index"
# rf: a signed index for another build of this release, at this build's path
sed -i '3s/.*/build-id 00000000000000000000000000000000000000aa/' "$T/www/rf/$rel_bid/index"
gpg --batch --yes --local-user test@ksplice.invalid --detach-sign \
	--output "$T/www/rf/$rel_bid/index.sig" "$T/www/rf/$rel_bid/index"
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
RECURSE_KO=$ko
# refused REPO TEXT: ksplice-upgrade -y from REPO fails saying TEXT, with
# nothing loaded, no archive kept, the kernel unchanged
refused()
{
	export KSPLICE_CONF=$T/etc/\$1.conf KSPLICE_CACHE_DIR=/tmp/cache-\$1
	export KSPLICE_STATE_DIR=\${STATE:-/tmp/state-\$1}
	step "\$1: refused, saying '\$2'"
	ksplice-upgrade -y >/tmp/t.out 2>&1 && { cat /tmp/t.out; fail "\$1 was used"; }
	cat /tmp/t.out
	grep -q "\$2" /tmp/t.out || fail "\$1: no reason given"
	grep -q "^ksplice" /proc/modules && fail "\$1: a module was loaded"
	[ -z "\$(find /tmp/cache-\$1 -name '*.tar.gz' 2>/dev/null)" ] || fail "\$1: an archive was kept"
	sqrt_is 39907
}
refused rt "does not match its signature"
refused rtr "does not match its signature"
refused ru "is not signed"
refused rk "is not signed by the key in"
refused rh "the download's sha256 is"
refused rx "ksplice-sqrt_a/description, a link"
refused rf "it is for build 00000000000000000000000000000000000000aa"
export KSPLICE_CONF=$T/etc/r2.conf KSPLICE_STATE_DIR=/tmp/state-stale KSPLICE_CACHE_DIR=/tmp/cache-r2
ksplice-upgrade -n >/dev/null || fail "r2 -n"
STATE=/tmp/state-stale
refused r1 "is stale: serial 1, but serial 2 was seen before"
GUEST
run_guest "$guest" --forward "$port" --add "$T/recurse" --add "$T/etc" \
	>"$T/console2" || { cat "$T/console2"; echo "FAIL: tampered repositories"; exit 1; }
cat "$T/console2"

# Second boot: the same cache and state, no network; boot applies again.
cat >"$guest" <<GUEST
. $KSPLICE_ROOT/tests/lib/guest.sh
RECURSE_KO=$ko
export KSPLICE_CONF=$T/etc/ksplice.conf
export KSPLICE_CACHE_DIR=$T/out1/cache KSPLICE_STATE_DIR=$T/out1/state
step "boot applies sqrt_a, sqrt_b and sqrt_c again"
ksplice-upgrade --boot || fail "ksplice-upgrade --boot"
sqrt_is 44
ksplice-view | grep -q "^sqrt_c: " || fail "sqrt_c is not applied after boot"
step "undo --all"
ksplice-undo --all || fail "ksplice-undo --all"
sqrt_is 39907
ksplice-upgrade --boot | grep -q "No Ksplice updates are installed" || fail "boot after undo"
GUEST
run_guest "$guest" --add "$T/recurse" --add "$T/etc" --add "$T/out1" \
	>"$T/console3" || { cat "$T/console3"; echo "FAIL: second boot"; exit 1; }
cat "$T/console3"
echo "ok: installed over HTTP in order, every tampered form refused, applied again at boot"
