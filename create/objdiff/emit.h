/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emit.h - writing the sources of the helper and the new-code module.
 */
#ifndef OBJDIFF_EMIT_H
#define OBJDIFF_EMIT_H

#include <stdio.h>

#include "units.h"
#include "util.h"

#define NO_SYMBOL	0xffffffffu

struct update_info {
	const char *id;
	const char *release;
	const char *description;
	struct strset exported;		/* vmlinux exports (Module.symvers) */
	struct objpair *ops;
	size_t nops;
};

/*
 * The helper's symbol table: index of sym of op, added if new.  A numbered
 * static of op->post that corresponds to one of op->pre goes by the pre
 * name, which is the one the running kernel knows.
 */
unsigned int helper_symbol(const struct objpair *op, const struct ksym *sym);
/* The same, and marks the symbol KSPLICE_SYM_NEEDED (new code uses it). */
unsigned int helper_symbol_needed(const struct objpair *op,
				  const struct ksym *sym);

/* Number the pre units that become helper sections. */
void helper_number_sections(struct update_info *up);

void emit_helper(struct update_info *up, FILE *f);
/* Writes new-code.S to code and new-desc.c to desc. */
void emit_new(struct update_info *up, FILE *code, FILE *desc);

/* KSPLICE_R_* name of an ELF relocation type. */
const char *ksplice_rel_macro(unsigned int type);

#endif /* OBJDIFF_EMIT_H */
