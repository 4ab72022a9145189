#!/bin/bash
# ksplice-objdiff: an R_X86_64_NONE relocation (objtool leaves one where
# it turned a jump label's jmp into a NOP) writes nothing: the function is
# the same as without it (found in mlx5's cmd.c by bench/stable-fixes,
# where the differ stopped at "unsupported relocation type 0").
. "$(dirname "$0")/objdiff/lib.sh"

compile relnone
objdump -r "$T/relnone-post.o" | grep -q R_X86_64_NONE || fail "the post object has no R_X86_64_NONE"
objdiff relnone
[ "$rc" = 5 ] || { show relnone; fail "exit $rc, expected 5 (no changes)"; }
exit 0
