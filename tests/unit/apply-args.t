#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest tools reject bad command lines and bad updates clearly,
# without loading anything.
. "$(dirname "$0")/apply-fake-kernel.sh"

# The shell tools read and write the format version the header defines.
hdr=$(sed -n 's/^#define KSPLICE_FORMAT_VERSION[[:space:]]*//p' "$ROOT/ksplice-core/ksplice-format.h")
lib=$(sed -n 's/^KS_FORMAT=//p' "$ROOT/apply/ksplice-lib.sh")
[ -n "$hdr" ] && [ "$hdr" = "$lib" ] ||
	fail "ksplice-lib.sh has format '$lib', ksplice-format.h '$hdr'"
# ... the repository index format ...
hdr=$(sed -n 's/^#define KSPLICE_REPO_FORMAT[[:space:]]*//p' "$ROOT/ksplice-core/ksplice-format.h")
lib=$(sed -n 's/^KS_REPO_FORMAT=//p' "$ROOT/apply/ksplice-lib.sh")
[ -n "$hdr" ] && [ "$hdr" = "$lib" ] ||
	fail "ksplice-lib.sh has repository format '$lib', ksplice-format.h '$hdr'"
# ... its id rule ...
hdr=$(sed -n 's/^#define KSPLICE_ID_MAX[[:space:]]*//p' "$ROOT/ksplice-core/ksplice-format.h")
lib=$(sed -n 's/^KS_ID_MAX=//p' "$ROOT/apply/ksplice-lib.sh")
[ -n "$hdr" ] && [ "$hdr" = "$lib" ] ||
	fail "ksplice-lib.sh has id length '$lib', ksplice-format.h '$hdr'"
grep -q '^#define KSPLICE_ID_CHARS[[:space:]]*"abcdefghijklmnopqrstuvwxyz0123456789_"$' \
	"$ROOT/ksplice-core/ksplice-format.h" && grep -q "\*\[!a-z0-9_\]\*) return 1" "$ROOT/apply/ksplice-lib.sh" ||
	fail "the id characters of ksplice-lib.sh and ksplice-format.h differ"
# ... and has words for exactly the header's abort causes.
hdr=$(sed -n '/^#define KSPLICE_CAUSE_NAMES/,/^}/s/^[[:space:]]*"\([a-z_]*\)",.*/\1/p' "$ROOT/ksplice-core/ksplice-format.h" |
	grep -v '^none$' | sort | tr '\n' ' ')
lib=$(sed -n '/^ks_cause_text()/,/^}/s/^[[:space:]]*\([a-z_]*\))$/\1/p' "$ROOT/apply/ksplice-lib.sh" |
	sort | tr '\n' ' ')
[ -n "$hdr" ] && [ "$hdr" = "$lib" ] ||
	fail "abort causes: ksplice-lib.sh knows '$lib', ksplice-format.h has '$hdr'"

for t in ksplice-apply ksplice-undo ksplice-view; do
	"$BUSYBOX" sh -n "$ROOT/apply/$t" || fail "$t: not valid busybox sh"
	tool "$t" --help
	[ "$STATUS" = 0 ] && grep -q "^Usage: $t" "$T/out" || fail "$t --help"
	tool "$t" --bogus
	[ "$STATUS" = 2 ] && grep -q "unknown option\|unexpected argument" "$T/err" ||
		fail "$t --bogus: want status 2"
done

tool ksplice-apply
[ "$STATUS" = 2 ] && grep -q "no update given" "$T/err" || fail "apply without update"
tool ksplice-apply a b
[ "$STATUS" = 2 ] || fail "apply with two updates"
tool ksplice-apply "$T/nonexistent.tar.gz"
[ "$STATUS" = 1 ] && grep -q "no such file" "$T/err" || fail "apply of a missing file"

echo "not gzip" >"$T/bad.tar.gz"
tool ksplice-apply "$T/bad.tar.gz"
[ "$STATUS" = 1 ] && grep -q "cannot unpack" "$T/err" || fail "apply of a bad archive"

mkdir -p "$T/empty"
tool ksplice-apply "$T/empty"
[ "$STATUS" = 1 ] && grep -q "no contents file" "$T/err" || fail "apply of a dir without contents"

make_update "$T/u1" abc
sed -i 's/^format .*/format 99/' "$T/u1/contents"
tool ksplice-apply "$T/u1"
[ "$STATUS" = 1 ] && grep -q "format '99'" "$T/err" || fail "apply of a wrong format"

make_update "$T/u2" abc
rm "$T/u2/ksplice_abc_new.ko"
tool ksplice-apply "$T/u2"
[ "$STATUS" = 1 ] && grep -q "module file is missing" "$T/err" || fail "apply of an incomplete update"

tool ksplice-undo 'Bad-Id'
[ "$STATUS" = 2 ] && grep -q "bad update id" "$T/err" || fail "undo of a bad id"
tool ksplice-undo nosuch
[ "$STATUS" = 1 ] && grep -q "no update nosuch is applied" "$T/err" || fail "undo of an unknown id"
tool ksplice-view
[ "$STATUS" = 0 ] && grep -qx "No Ksplice updates are applied." "$T/out" || fail "view with none"

[ ! -s "$FAKE_LOG" ] || fail "a module command ran"
exit 0
