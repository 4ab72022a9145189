// SPDX-License-Identifier: GPL-2.0
/*
 * units.c - every function symbol with a size is a unit; pair pre and
 * post units by name and attach .cold parts to their functions.
 */
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "util.h"

bool name_is_cold(const char *name)
{
	const char *dot = strstr(name, ".cold");

	return dot && (dot[5] == '\0' || dot[5] == '.');
}

static int cmp_unit(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Aliases (the same code under several names, as SYSCALL_DEFINE makes
 * __x64_sys_foo and __ia32_sys_foo of __do_sys_foo) are one function: one
 * unit, or the update would redirect one address several times.  The
 * unit keeps the smallest name, so that pre and post choose alike.
 * Units are sorted by place.  Returns the new count.
 */
static size_t drop_aliases(struct unit *units, size_t n)
{
	size_t i, out = 0;

	for (i = 0; i < n; i++) {
		struct unit *p = out ? &units[out - 1] : NULL;

		if (p && p->sec == units[i].sec && p->start == units[i].start &&
		    p->size == units[i].size) {
			if (strcmp(units[i].name, p->name) < 0)
				*p = units[i];
			continue;
		}
		units[out++] = units[i];
	}
	return out;
}

static void find_units(struct kobj *obj, struct unit **out, size_t *n)
{
	struct unit *units = NULL;
	size_t cap = 0, count = 0, i;

	for (i = 0; i < obj->nsyms; i++) {
		struct ksym *sym = &obj->syms[i];
		struct unit *u;

		if (!sym_is_func(sym))
			continue;
		if (sym->value + sym->size > sym->sec->size)
			fatal(EXIT_ERROR, "%s: function %s extends past the end of %s",
			      obj->path, sym->name, sym->sec->name);
		grow(&units, &cap, count + 1, sizeof(*units));
		u = &units[count++];
		memset(u, 0, sizeof(*u));
		u->sym = sym;
		u->sec = sym->sec;
		u->name = sym->name;
		u->start = sym->value;
		u->size = sym->size;
		u->newid = -1;
		u->helper_idx = -1;
	}
	qsort(units, count, sizeof(*units), cmp_unit);
	*out = units;
	*n = drop_aliases(units, count);
}

static void link_cold(struct unit *units, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct unit *u = &units[i];
		const char *dot;
		char *parent;
		struct unit *p;

		if (!name_is_cold(u->name))
			continue;
		dot = strstr(u->name, ".cold");
		parent = strndup(u->name, dot - u->name);
		p = unit_by_name(units, n, parent);
		free(parent);
		if (p) {
			u->parent = p;
			p->cold = u;
		}
	}
}

static void pair_units(struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->npre; i++) {
		struct unit *u = &op->pre_units[i];
		struct unit *m = unit_by_name(op->post_units, op->npost,
					      u->name);

		if (m) {
			u->match = m;
			m->match = u;
		}
	}
}

void units_build(struct objpair *op)
{
	find_units(op->pre, &op->pre_units, &op->npre);
	find_units(op->post, &op->post_units, &op->npost);
	link_cold(op->pre_units, op->npre);
	link_cold(op->post_units, op->npost);
	pair_units(op);
	if (op->hobj) {
		find_units(op->hobj, &op->helper_units, &op->nhelper);
		link_cold(op->helper_units, op->nhelper);
	} else {
		op->hobj = op->pre;
		op->helper_units = op->pre_units;
		op->nhelper = op->npre;
	}
}

struct unit *unit_at(struct unit *units, size_t n, const struct ksec *sec,
		     unsigned long off, bool at_end)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct unit *u = &units[i];

		if (u->sec != sec)
			continue;
		if (off >= u->start && off < u->start + u->size)
			return u;
	}
	if (!at_end)
		return NULL;
	for (i = 0; i < n; i++) {
		struct unit *u = &units[i];

		if (u->sec == sec && off == u->start + u->size)
			return u;
	}
	return NULL;
}

struct unit *unit_by_name(struct unit *units, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(units[i].name, name))
			return &units[i];
	return NULL;
}
