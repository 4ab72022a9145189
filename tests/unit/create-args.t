#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksplice-create rejects bad command lines and unsupported patches with
# the documented exit codes, before building anything.
. "$(dirname "$0")/create-fake-tree.sh"

P=$T/ok.patch
printf -- '--- a/fs/proc/version.c\n+++ b/fs/proc/version.c\n@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\n' >"$P"

create --help
[ "$STATUS" = 0 ] && grep -q "^Exit status:" "$T/out" || fail "--help"
create
expect 2 "no KERNEL_SOURCE" "no arguments"
create --config="$CFG" "$SRC"
expect 2 "no patch given" "no patch"
create --patch="$P" --diffext=new --config="$CFG" "$SRC"
expect 2 "not both" "both --patch and --diffext"
create --patch "$T/missing.patch" --config="$CFG" "$SRC"
expect 2 "cannot read the patch" "missing patch"
create --patch="$P" --id=Bad-Id --config="$CFG" "$SRC"
expect 2 "bad id 'Bad-Id'" "bad id"
create --patch="$P" --id="$(printf 'a%.0s' $(seq 33))" --config="$CFG" "$SRC"
expect 2 "bad id" "id too long"
create --patch="$P" --effective-version="6.1 x" --config="$CFG" "$SRC"
expect 2 "bad --effective-version" "bad effective version"
create --patch="$P" --frobnicate --config="$CFG" "$SRC"
expect 2 "unknown option" "unknown option"
create --patch="$P" --config="$CFG" "$T"
expect 2 "does not look like a Linux kernel source tree" "not a kernel tree"
create --patch="$P" --config="$T/nonexistent" "$SRC"
expect 2 "not a directory" "bad --config"

# An existing archive of that id is never overwritten.
mkdir -p "$T/run" && echo old >"$T/run/ksplice-dup.tar.gz"
create --patch="$P" --id=dup --config="$CFG" "$SRC"
expect 2 "already exists" "existing archive"
[ "$(cat "$T/run/ksplice-dup.tar.gz")" = old ] || fail "archive overwritten"

# Unsupported files: exit 6, naming the file.
printf -- '--- a/arch/x86/lib/memcpy_64.S\n+++ b/arch/x86/lib/memcpy_64.S\n@@ -0,0 +1 @@\n+x\n' >"$T/h.patch"
create --patch="$T/h.patch" --config="$CFG" "$SRC"
expect 6 "changes to arch/x86/lib/memcpy_64.S are not supported yet: only .c and .h files" "assembly patch"
printf -- '--- /dev/null\n+++ b/fs/proc/new.c\n@@ -0,0 +1 @@\n+x\n' >"$T/new.patch"
create --patch="$T/new.patch" --config="$CFG" "$SRC"
expect 6 "adds fs/proc/new.c" "new file"
# several: every one is named, in one run
cat "$T/h.patch" "$T/new.patch" >"$T/both.patch"
create --patch="$T/both.patch" --config="$CFG" "$SRC"
expect 6 "changes to arch/x86/lib/memcpy_64.S are not supported yet" "assembly and new file"
expect 6 "adds fs/proc/new.c" "header and new file"
printf 'just text\n' >"$T/empty.patch"
create --patch="$T/empty.patch" --config="$CFG" "$SRC"
expect 2 "changes no file" "patch without files"

# --diffext with no companion files.
create --diffext=new --config="$CFG" "$SRC"
expect 2 "no file in .* ends in .new" "diffext without files"

# A source of another Debian version than the target kernel's is refused,
# naming both and the package version to fetch.
echo 6.1.192-2 >"$CFG/version"
echo 6.1.170-3 >"$SRC/.ksplice-source-version"
create --patch="$P" --config="$CFG" "$SRC"
expect 2 "is linux-source-6.1 6.1.170-3, but the kernel is Debian's 6.1.192-2" "source version"
expect 2 "apt-get download linux-source-6.1=6.1.192-2" "source version"
rm "$SRC/.ksplice-source-version"
printf 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 170\n' >"$SRC/Makefile"
create --patch="$P" --config="$CFG" "$SRC"
expect 2 "is Linux 6.1.170, but the kernel is Debian's 6.1.192-2" "upstream version"
: >"$SRC/Makefile"
rm "$CFG/version"

grep -q "objdiff stub ran" "$T/err" && fail "got as far as objdiff"
[ ! -e "$T/cache/scratch" ] || fail "a scratch copy was made"
[ "$(seq 1 40)" = "$(cat "$SRC/fs/proc/version.c")" ] || fail "source modified"
exit 0
