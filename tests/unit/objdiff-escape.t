#!/bin/bash
# ksplice-objdiff: new code that hands on the address of data its module
# carries (as an argument, stored in a variable, or pointed to by new
# data) keeps the module after an undo, since the kernel may have linked
# that data into its own structures (a timer, a work, a list).  Data only
# read or written where it is (a counter, a table indexed in place, a
# pointer loaded from) and text (string literals, const char arrays) keep
# nothing.
. "$(dirname "$0")/objdiff/lib.sh"

compile escape
objdiff escape
out=$T/escape.out
[ "$rc" = 0 ] || { show escape; fail "exit $rc, expected 0"; }
got=$(sed -n 's/^keep-module //p' "$out/changes" | sort | tr '\n' ' ')
want="test/escape.o ops test/escape.o stored test/escape.o target test/escape.o timer "
[ "$got" = "$want" ] ||
	{ show escape; fail "keep-module for: '$got', expected '$want'"; }
grep -q '\.flags = KSPLICE_NEW_KEEP_MODULE' "$out/new-desc.c" ||
	{ cat "$out/new-desc.c"; fail "the new code is not flagged to stay loaded"; }
grep -qx "test/escape.o: the update hands on the address of timer: its module stays after an undo" \
	"$out/stdout" || { show escape; fail "the reason is not printed"; }

# the same function without the hand-offs keeps nothing
sed -e '/arm(&timer)/d' -e '/register_ops(&ops)/d' -e '/published = &stored/d' \
	-e '/published = ptr_to_target/d' -e '/if (x == [1-4])$/d' \
	"$SRC/escape-post.c" >"$T/local-post.c"
cp "$SRC/escape-pre.c" "$T/local-pre.c"
SRC=$T compile local
objdiff local
[ "$rc" = 0 ] || { show local; fail "exit $rc, expected 0"; }
grep -q '^keep-module ' "$T/local.out/changes" &&
	{ show local; fail "data used in place keeps the module"; }
grep -q 'KSPLICE_NEW_KEEP_MODULE' "$T/local.out/new-desc.c" &&
	fail "data used in place flags the module to stay"
grep -qx "data test/local.o calls" "$T/local.out/changes" ||
	{ show local; fail "the counter is not carried"; }
exit 0
