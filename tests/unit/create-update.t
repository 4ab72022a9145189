#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole ksplice-create chain on a real patch: the archive has the
# documented layout, its contents file names the changed function, and
# both modules are built for the target release.
. "$(dirname "$0")/create-real-tree.sh"
[ -x "$ROOT/create/ksplice-objdiff" ] || { echo "create/ksplice-objdiff not built"; exit 77; }
[ -f "$ROOT/ksplice-core/Kbuild" ] || [ -f "$ROOT/ksplice-core/Makefile" ] ||
	{ echo "no ksplice-core build files"; exit 77; }
unset KSPLICE_OBJDIFF

create --patch="$ROOT/tests/patches/version.patch" --id=t_update \
	--description="test: /proc/version" --config="$CFG" "$SRC"
[ "$STATUS" = 0 ] || fail "status $STATUS"
grep -q "Update ksplice-t_update.tar.gz written" "$T/out" || fail "no final line"
A=$T/run/ksplice-t_update.tar.gz
[ -f "$A" ] || fail "no archive"
want="ksplice-t_update/
ksplice-t_update/contents
ksplice-t_update/description
ksplice-t_update/ksplice_t_update_helper.ko
ksplice-t_update/ksplice_t_update_new.ko
ksplice-t_update/patch"
[ "$(tar -tzf "$A" | LC_ALL=C sort)" = "$want" ] || fail "archive layout: $(tar -tzf "$A")"
mkdir -p "$T/x" && tar -C "$T/x" -xzf "$A"
D=$T/x/ksplice-t_update
rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$CFG/build/include/generated/utsrelease.h")
head -n 6 "$D/contents" >"$T/head"
format=$(sed -n 's/^#define KSPLICE_FORMAT_VERSION[[:space:]]*//p' "$ROOT/ksplice-core/ksplice-format.h")
printf 'format %s\nid t_update\nkernel-release %s\n' "$format" "$rel" >"$T/want"
[ "$(head -n 3 "$T/head")" = "$(cat "$T/want")" ] || fail "contents: $(cat "$D/contents")"
grep -q '^build-id \([0-9a-f]\+\|unknown\)$' "$D/contents" || fail "contents: build-id"
grep -qx 'helper ksplice_t_update_helper.ko' "$D/contents" || fail "contents: helper"
grep -qx 'new ksplice_t_update_new.ko' "$D/contents" || fail "contents: new"
grep -qx 'function fs/proc/version.o version_proc_show' "$D/contents" ||
	fail "contents: no function line for version_proc_show"
[ "$(cat "$D/description")" = "test: /proc/version" ] || fail "description"
cmp -s "$D/patch" "$ROOT/tests/patches/version.patch" || fail "patch"
for m in helper new; do
	vm=$(modinfo -F vermagic "$D/ksplice_t_update_$m.ko")
	[ "${vm%% *}" = "$rel" ] || fail "$m.ko vermagic '$vm'"
done
# the last lines: the checksum of each other file
[ "$(tail -n 4 "$D/contents" | cut -d' ' -f1,2 | tr '\n' ' ')" = "sha256 ksplice_t_update_helper.ko sha256 ksplice_t_update_new.ko sha256 patch sha256 description " ] ||
	fail "contents: the checksum lines"
for f in ksplice_t_update_helper.ko ksplice_t_update_new.ko patch description; do
	grep -qx "sha256 $f $(sha256sum "$D/$f" | cut -d' ' -f1)" "$D/contents" ||
		fail "contents: the checksum of $f"
done

# The same id again: refused, archive kept.
create --patch="$ROOT/tests/patches/version.patch" --id=t_update --config="$CFG" "$SRC"
[ "$STATUS" = 2 ] && grep -q "already exists" "$T/err" || fail "overwrite not refused"
exit 0
