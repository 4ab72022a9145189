/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keysites.h - the new code's jump labels and static calls whose key is
 * in a module: which loader-table entries the new code leaves out, the
 * checks it carries instead, and the sites the core links (keysites.c).
 */
#ifndef OBJDIFF_KEYSITES_H
#define OBJDIFF_KEYSITES_H

#include <stdbool.h>
#include <stddef.h>

#include "special.h"
#include "units.h"

struct plan;
struct resolution;

/*
 * The check that replaces a jump label, after its function:
 *   cmpl $0, key(%rip)     83 3d <key - next insn> 00
 *   jne/je target          0f 85|84 <target - next insn>
 *   jmp back               e9 <site + len - next insn>
 */
#define KEYCHECK_SIZE		18
#define KEYCHECK_KEY		2	/* its key's field */
#define KEYCHECK_KEY_BIAS	5	/* from that field to the next insn */
#define KEYCHECK_TARGET		9	/* the target's field */

/*
 * A jump label of the new code that becomes a jump to a check, or that
 * the core links to its key (linked: struct ksplice_keysite).
 */
struct keysite {
	const struct unit *unit;	/* a carried post unit */
	const char *module;		/* its object's module */
	size_t entry;			/* its __jump_table entry */
	unsigned long site;		/* its offset in the unit */
	unsigned int len;		/* 2 or 5 */
	unsigned long check;		/* the check's, after the unit's bytes */
	bool linked;			/* no check: the core links it */
	bool branch;			/* the entry's branch bit */
	const struct resolution *key;	/* the entry's key field */
	const struct resolution *target;	/* its target field */
	bool has_orc;			/* the unwind state at the site: */
	unsigned char orc[ORC_SIZE];
};

/* A loader-table entry the new code leaves out. */
struct dropped_entry {
	const struct ksec *sec;
	size_t entry;
};

/* After the tables are resolved: checks and left-out entries. */
void keysites_resolve(struct plan *plan);

/* Is entry e of special table sec left out of the new code? */
bool keysites_dropped(const struct plan *plan, const struct ksec *sec,
		      size_t e);

/*
 * The checks of unit u, sorted by site (the sites of its linked jump
 * labels among them): count and first index.
 */
size_t keysites_of(const struct plan *plan, const struct unit *u,
		   size_t *first);

/* The unit's bytes in the new code: its own and its checks. */
unsigned long keysites_unit_size(const struct plan *plan,
				 const struct unit *u);

#endif /* OBJDIFF_KEYSITES_H */
