/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emit.h - writing the sources of the helper and the new-code module
 * from a resolved plan.
 */
#ifndef OBJDIFF_EMIT_H
#define OBJDIFF_EMIT_H

#include <stdio.h>

#include "plan.h"

struct update_info {
	const char *id;
	const char *release;
	const char *description;
	struct plan *plan;
	/* a cumulative update: the ids of the updates it replaces */
	const char **replaces;
	size_t nreplaces;
};

void emit_helper(const struct update_info *up, FILE *f);
/* Writes new-code.S to code and new-desc.c to desc. */
void emit_new(const struct update_info *up, FILE *code, FILE *desc);

/* KSPLICE_R_* name of an ELF relocation type. */
const char *ksplice_rel_macro(unsigned int type);

#endif /* OBJDIFF_EMIT_H */
