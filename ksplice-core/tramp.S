/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Direct-call trampolines (see direct.c).
 *
 * ftrace calls trampoline i from the ftrace site of the function it
 * serves, directly or from its own regs trampoline (which leaves the
 * stack as a direct call would): the word on top of the stack is the
 * return into the old function, after its site; the one below it, the
 * return into the function's caller.  The argument registers are left
 * alone; r11 is free at a function's entry.
 *
 *   slot i is 0:  return into the old function (the redirection is off)
 *   otherwise:    drop that return address and jump to the slot's value:
 *                 the new code runs as if the caller had called it, and
 *                 returns to it
 *
 * One load, one test and two jumps: no registers saved, no handler.
 * ksplice_tramp_addrs[] lists where each trampoline starts.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "tramp.h"

	.pushsection .rodata.ksplice_tramps, "a"
	.balign	8
	.globl	ksplice_tramp_addrs
ksplice_tramp_addrs:
	.popsection

	.text
SYM_CODE_START(ksplice_tramps_start)
	.set	ksplice_i, 0
	.rept	KSPLICE_NR_TRAMPS
	.balign	16
0:	UNWIND_HINT_FUNC
	movq	ksplice_tramp_slots + 8 * ksplice_i(%rip), %r11
	testq	%r11, %r11
	jz	1f
	leaq	8(%rsp), %rsp
	UNWIND_HINT_FUNC
	JMP_NOSPEC r11
1:	RET
	.pushsection .rodata.ksplice_tramps, "a"
	.quad	0b
	.popsection
	.set	ksplice_i, ksplice_i + 1
	.endr
SYM_CODE_END(ksplice_tramps_start)
	.globl	ksplice_tramps_end
ksplice_tramps_end:
