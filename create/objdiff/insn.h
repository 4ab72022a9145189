/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn.h - x86-64 instruction boundaries (through libopcodes), to know
 * where a RIP-relative operand points: the CPU adds the displacement to
 * the end of the instruction, which is past the field when an immediate
 * follows it ("cmpb $0x0,flag(%rip)"); and whether a relocated field is a
 * memory operand that the instruction reads or writes, or an address it
 * hands on ("lea", an immediate).
 */
#ifndef OBJDIFF_INSN_H
#define OBJDIFF_INSN_H

#include "elf.h"

/*
 * Set krel.bias of every PC-relative relocation, and krel.access of every
 * relocation, in the functions of obj's code sections.  Exits with an
 * error when an instruction cannot be decoded or a field crosses an
 * instruction's end.
 */
void insn_annotate(struct kobj *obj);

#endif /* OBJDIFF_INSN_H */
