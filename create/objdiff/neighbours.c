// SPDX-License-Identifier: GPL-2.0
/*
 * neighbours.c - statics of the helper's symbol table that lie in one
 * data section of the object as the kernel builds it.
 *
 * The kernel is built without -fdata-sections: the statics of an object
 * share its .data, .bss, .rodata..., and the link keeps their distances.
 * A reference there names the section (".bss+0"), and target.c names it
 * by the object that holds the offset, so of two statics at one offset
 * (a zero-size lock_class_key before the variable after it) the helper's
 * record binds one, while the new code, built with -fdata-sections, may
 * name the other.  A static that nothing binds must then be unique in
 * kallsyms, and __key.5 is there dozens of times.
 *
 * So each local symbol of the helper that has neighbours (other helper
 * symbols of the same object in the same section of hobj) gets a group
 * and its offset in that section: once run-pre matching binds one of
 * the group, the core knows where the others are, and takes such an
 * address only where kallsyms has the symbol's name (see struct
 * ksplice_symbol).  Objects built with -fdata-sections (hobj is pre)
 * have one variable per section, so no groups.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* The one named symbol of obj called name, in a data section; or NULL. */
static struct ksym *unique_data_sym(const struct kobj *obj, const char *name)
{
	struct ksym *found = NULL;
	size_t i;

	for (i = 0; i < obj->nsyms; i++) {
		struct ksym *s = &obj->syms[i];

		if (!s->sec || s->type == ST_SECTION || strcmp(s->name, name))
			continue;
		if (found)
			return NULL;
		found = s;
	}
	if (!found || found->bind != SB_LOCAL || !found->sec->alloc ||
	    found->sec->code)
		return NULL;
	return found;
}

static const struct objpair *op_named(const struct plan *plan,
				      const char *name)
{
	size_t i;

	for (i = 0; i < plan->nops; i++)
		if (!strcmp(plan->ops[i].name, name))
			return &plan->ops[i];
	return NULL;
}

void plan_neighbours(struct plan *plan)
{
	struct ksec **secs = xcalloc(plan->nhsyms + 1, sizeof(*secs));
	size_t i, j;
	int groups = 0;

	for (i = 0; i < plan->nhsyms; i++) {
		const struct hsym *h = &plan->hsyms[i];
		const struct objpair *op;
		struct ksym *s;

		if (!h->object)
			continue;
		op = op_named(plan, h->object);
		if (!op || !op->hobj)
			continue;
		s = unique_data_sym(op->hobj, h->name);
		if (!s)
			continue;
		secs[i] = s->sec;
		plan->hsyms[i].group_off = s->value;
	}
	for (i = 0; i < plan->nhsyms; i++) {
		if (!secs[i] || plan->hsyms[i].group)
			continue;
		for (j = i + 1; j < plan->nhsyms; j++) {
			if (secs[j] != secs[i])
				continue;
			if (!plan->hsyms[i].group)
				plan->hsyms[i].group = ++groups;
			plan->hsyms[j].group = plan->hsyms[i].group;
		}
	}
	free(secs);
}
