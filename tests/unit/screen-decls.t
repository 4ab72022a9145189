#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# screen_new_decls (create/lib/screen.sh) lets an object's preprocessed
# source go uncompiled only when all it gains is the prototype of a
# function it names nowhere else; any other difference keeps it.
set -u
ROOT=${KSPLICE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${KSPLICE_TEST_TMP:-$(mktemp -d)}
SELF_DIR=$ROOT/create
. "$ROOT/create/lib/screen.sh" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

base='# 1 "x.c"\nint x;\nvoid f(void);\n'
tail='int main(void) { f(); return x; }\n'
printf "$base$tail" >"$T/a.i"
# case WANT NAME ADDED: the object gaining ADDED is skipped or kept
case_()
{
	printf "$base$3$tail" >"$T/b.i"
	if screen_new_decls "$T/a.i" "$T/b.i"; then got=skip; else got=keep; fi
	[ "$got" = "$1" ] || fail "$2: $got, want $1"
}
case_ skip prototype 'void sock_rmem_free(struct sk_buff *skb);\n'
case_ skip "two prototypes" 'int a1(void); int a2(void);\n'
case_ skip "over two lines, with an attribute" 'extern int foo(int a,\n   int b) __attribute__((__cold__));\n'
case_ keep "an inline definition" 'static inline void g(void) { }\n'
case_ keep "a name used elsewhere" 'void f(void);\n'
case_ keep "a variable" 'int z = 3;\n'
case_ keep "a function pointer" 'void (*fp)(int);\n'
case_ keep "a declaration of a variable" 'extern int y;\n'
printf '# 1 "x.c"\nint y;\nvoid f(void);\n%s' "$(printf "$tail")" >"$T/b.i"
screen_new_decls "$T/a.i" "$T/b.i" && fail "a changed line was skipped"
printf '# 1 "x.c"\nint x;\n%s' "$(printf "$tail")" >"$T/b.i"
screen_new_decls "$T/a.i" "$T/b.i" && fail "a removed line was skipped"
exit 0
