#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An update for another kernel release, or another build of this release,
# is refused before any module is loaded; so is one with a damaged file
# (one that does not match its checksum in contents: each file by name)
# or a checksum missing, and an update already loaded.
. "$(dirname "$0")/apply-fake-kernel.sh"

make_update "$T/u/ksplice-rel" rel 5.10.0-99-other
(cd "$T/u" && tar -czf "$T/ksplice-rel.tar.gz" ksplice-rel)
tool ksplice-apply "$T/ksplice-rel.tar.gz"
[ "$STATUS" = 1 ] || fail "want status 1"
grep -q "this update is for kernel 5.10.0-99-other, but $(uname -r) is running" "$T/err" ||
	fail "release mismatch not reported"
[ ! -s "$FAKE_LOG" ] || fail "a module command ran"
[ -z "$(ls "$T"/ksplice-apply.* 2>/dev/null)" ] || fail "temporary directory left behind"

# Build id: a notes blob with GNU build id 0102...14.
make_update "$T/bid" bid
sed -i 's/^build-id .*/build-id 00112233445566778899aabbccddeeff00112233/' "$T/bid/contents"
printf '\004\000\000\000\024\000\000\000\003\000\000\000GNU\000' >"$KSPLICE_SYSFS/kernel/notes"
printf '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024' \
	>>"$KSPLICE_SYSFS/kernel/notes"
tool ksplice-apply "$T/bid"
[ "$STATUS" = 1 ] &&
	grep -q "build 0102030405060708090a0b0c0d0e0f1011121314 of" "$T/err" ||
	fail "build id mismatch not reported"
[ ! -s "$FAKE_LOG" ] || fail "a module command ran"

# A damaged file: each of the four, one byte changed; a checksum missing.
for f in ksplice_dmg_helper.ko ksplice_dmg_new.ko patch description; do
	rm -rf "$T/dmg"
	make_update "$T/dmg" dmg
	printf 'x' >>"$T/dmg/$f"
	tool ksplice-apply "$T/dmg"
	[ "$STATUS" = 1 ] && grep -q "is damaged: $f does not match its checksum in contents" "$T/err" ||
		fail "a damaged $f is not refused by name"
	[ ! -s "$FAKE_LOG" ] || fail "a module command ran for a damaged $f"
done
rm -rf "$T/dmg"
make_update "$T/dmg" dmg
sed -i '/^sha256 patch /d' "$T/dmg/contents"
tool ksplice-apply "$T/dmg"
[ "$STATUS" = 1 ] && grep -q "has no checksum of patch in its contents" "$T/err" ||
	fail "a missing checksum is not refused"
[ ! -s "$FAKE_LOG" ] || fail "a module command ran without a checksum"

# Already loaded.
mkdir -p "$KSPLICE_SYSFS/kernel/ksplice/dup"
echo applied >"$KSPLICE_SYSFS/kernel/ksplice/dup/stage"
make_update "$T/dup" dup
tool ksplice-apply "$T/dup"
[ "$STATUS" = 1 ] && grep -q "update dup is already loaded: stage applied" "$T/err" ||
	fail "double apply not refused"
[ ! -s "$FAKE_LOG" ] || fail "a module command ran"
exit 0
