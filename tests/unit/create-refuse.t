#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksplice-create on the real tree refuses what an update cannot do, with
# exit 6 and a message naming it, and writes nothing: a global const
# table of a new size (lib/hexdump.c's hex_asc); a change to init code
# (proc_version_init), naming the runtime functions the patch also
# changes.  With --skip-init that patch becomes an update of its runtime
# changes alone, whose contents say what was left out.
. "$(dirname "$0")/create-real-tree.sh"
[ -x "$ROOT/create/ksplice-objdiff" ] || { echo "create/ksplice-objdiff not built"; exit 77; }
unset KSPLICE_OBJDIFF

create --patch="$ROOT/tests/patches/const-table.patch" --id=t_const --config="$CFG" "$SRC"
[ "$STATUS" = 6 ] || fail "const table: status $STATUS, expected 6"
grep -q "lib/hexdump.o: read-only data hex_asc (section .rodata.hex_asc) changes its size (17 to 18 bytes)" "$T/err" ||
	fail "const table: the refusal does not name hex_asc"
[ ! -e "$T/run/ksplice-t_const.tar.gz" ] || fail "const table: an update was written"

create --patch="$ROOT/tests/patches/new-things.patch" --id=t_init --config="$CFG" "$SRC"
[ "$STATUS" = 6 ] || fail "init change: status $STATUS, expected 6"
grep -q "fs/proc/version.o: __init function proc_version_init changed" "$T/err" &&
	grep -q "the patch also changes runtime code: .*version_proc_show (fs/proc/version.o).*--skip-init" "$T/err" ||
	fail "init change: the refusal does not name proc_version_init and version_proc_show"
[ ! -e "$T/run/ksplice-t_init.tar.gz" ] || fail "init change: an update was written"

create --patch="$ROOT/tests/patches/new-things.patch" --id=t_skip --skip-init --config="$CFG" "$SRC"
[ "$STATUS" = 0 ] || fail "--skip-init: status $STATUS"
mkdir -p "$T/x" && tar -C "$T/x" -xzf "$T/run/ksplice-t_skip.tar.gz"
grep -qx "init-skipped fs/proc/version.o proc_version_init" "$T/x/ksplice-t_skip/contents" ||
	fail "--skip-init: contents do not list proc_version_init: $(cat "$T/x/ksplice-t_skip/contents")"
grep -qx "function fs/proc/version.o version_proc_show" "$T/x/ksplice-t_skip/contents" ||
	fail "--skip-init: version_proc_show is not in the update"
exit 0
