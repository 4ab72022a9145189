/* SPDX-License-Identifier: GPL-2.0 */
/*
 * units.h - functions as units of comparison, and the pairs of pre and
 * post objects they come from.
 */
#ifndef OBJDIFF_UNITS_H
#define OBJDIFF_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "elf.h"
#include "lines.h"

struct unit {
	struct ksym *sym;
	struct ksec *sec;
	const char *name;
	unsigned long start;
	unsigned long size;
	struct unit *match;	/* same name in the other version */
	struct unit *parent;	/* a .cold part: its function */
	struct unit *cold;	/* the function's .cold part */
	bool changed;		/* pre and post: bodies differ */
	bool include;		/* post: carried as new code */
	bool replaced;		/* pre: flagged KSPLICE_SECT_REPLACED */
	int newid;		/* post: N of __ksplice_fN, or -1 */
	int helper_idx;		/* pre: index in the helper's sections */
	const char *asm_name;	/* post: unique name in new-code.S */
};

struct objpair {
	const char *name;
	struct kobj *pre;
	struct kobj *post;
	struct linemap *lines;
	struct unit *pre_units;
	size_t npre;
	struct unit *post_units;
	size_t npost;
};

/* Find the units of both objects and pair them by name. */
void units_build(struct objpair *op);

/* The unit of units containing sec+off; at_end also accepts its end. */
struct unit *unit_at(struct unit *units, size_t n, const struct ksec *sec,
		     unsigned long off, bool at_end);
struct unit *unit_by_name(struct unit *units, size_t n, const char *name);

/* "foo.cold" or "foo.cold.3": a cold part. */
bool name_is_cold(const char *name);
/* "foo.isra.0", "foo.constprop.1", "foo.part.2", ...: a compiler clone. */
bool name_is_clone(const char *name);
/* The name up to the first '.', in a static buffer-free allocation. */
char *name_base(const char *name);

#endif /* OBJDIFF_UNITS_H */
