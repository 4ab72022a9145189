/* SPDX-License-Identifier: GPL-2.0 */
/*
 * special.h - the kernel's special-section tables: which entries belong
 * to which function, and the places of a function that the kernel
 * rewrites at boot.
 */
#ifndef OBJDIFF_SPECIAL_H
#define OBJDIFF_SPECIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "units.h"

struct special {
	const char *name;
	unsigned int entsize;
	const char *companion;		/* parallel table (.orc_unwind) */
	unsigned int companion_size;
	bool end_ok;			/* entries may point at a unit's end */
};

extern const struct special specials[];
extern const size_t nr_specials;

/* Is name a section that is never copied into the new code? */
bool sec_is_dropped(const char *name);
const struct special *special_find(const char *name);

/*
 * The unit entry i of table sec belongs to (its first relocation points
 * into it), or NULL.
 */
struct unit *special_entry_unit(const struct ksec *sec,
				const struct special *sp, size_t i,
				struct unit *units, size_t n);

/* Where a relocation points: section and offset (no bias). */
bool rel_place(const struct krel *r, struct ksec **sec, unsigned long *off);

struct rewrite {
	unsigned int offset;
	unsigned int len;
	unsigned int kind;
	unsigned int repl_len;
	unsigned char *repl;
};

/* The rewrites of pre unit u, sorted, overlaps merged. */
size_t rewrites_for(struct objpair *op, struct unit *u, struct rewrite **out);

#endif /* OBJDIFF_SPECIAL_H */
