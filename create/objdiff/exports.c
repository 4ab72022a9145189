// SPDX-License-Identifier: GPL-2.0
/*
 * exports.c - exports the patch adds: the EXPORT_SYMBOL of a function
 * that pre does not export.  The new-code module carries them in a table
 * of its own that the core publishes once the update is applied (see
 * EXPORTS in ksplice-format.h).
 *
 * An export names a function the update can give an address for: a new
 * one (the new code's copy) or one of the running kernel (its entry,
 * found like any symbol the new code refers to: redirected when the
 * update replaces it).  Exported data, an export of a function the patch
 * refuses, or one without the symbol version the kernel's build gave it
 * (CONFIG_MODVERSIONS) is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "plan.h"
#include "policy.h"

/* The "#SYMVER <name> <crc>" line of the object's Kbuild .cmd file. */
static bool symver_of(const struct objpair *op, const char *name,
		      unsigned long *crc)
{
	char *line = NULL, *key = xasprintf("#SYMVER %s ", name);
	size_t cap = 0, n = strlen(key);
	bool found = false;
	FILE *f;

	if (!op->post_symvers)
		goto out;
	f = fopen(op->post_symvers, "r");
	if (!f)
		fatal(EXIT_ERROR, "%s: %s", op->post_symvers, strerror(errno));
	while (!found && getline(&line, &cap, f) > 0) {
		char *end;

		if (strncmp(line, key, n))
			continue;
		*crc = strtoul(line + n, &end, 0);
		found = end != line + n && (*end == '\n' || !*end);
	}
	fclose(f);
out:
	free(line);
	free(key);
	return found;
}

/* The namespace string of post's export of name ("" for none). */
static const char *export_namespace(const struct objpair *op,
				    const char *name)
{
	char *key = xasprintf("__kstrtabns_%s", name);
	struct ksym *s = sym_find(op->post, key);
	const char *ns = "";

	free(key);
	if (s && s->sec && !s->sec->nobits && s->value < s->sec->size &&
	    memchr(s->sec->data + s->value, '\0', s->sec->size - s->value))
		ns = (const char *)s->sec->data + s->value;
	return ns;
}

static void decide_one(struct plan *plan, struct objpair *op,
		       const char *name, int kind)
{
	const char *macro = kind == 2 ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL";
	struct unit *u = unit_by_name(op->post_units, op->npost, name);
	struct export *e;
	unsigned long crc = 0;
	bool has_crc = false;

	if (!u || u->parent) {
		plan_refuse(plan, op, "%s %s added: it exports data, which an update cannot add to the kernel's exports; export a function",
			    macro, name);
		return;
	}
	if (u->fate == FATE_REFUSED || u->fate == FATE_NO_EFFECT)
		return;		/* the function's change is refused or moot */
	if (code_class(u->sec) != CODE_RUNTIME) {
		plan_refuse(plan, op, "%s %s added: it exports a function of section %s, which an update cannot export",
			    macro, name, u->sec->name);
		return;
	}
	if (policy_modversions()) {
		has_crc = symver_of(op, name, &crc);
		if (!has_crc) {
			plan_refuse(plan, op, "%s %s added: the build gave it no symbol version (CONFIG_MODVERSIONS), which modules that use it need",
				    macro, name);
			return;
		}
	}
	grow(&plan->exports, &plan->cap_exports, plan->nexports + 1,
	     sizeof(*plan->exports));
	e = &plan->exports[plan->nexports++];
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->unit = u;
	e->name = xstrdup(name);
	e->ns = export_namespace(op, name);
	e->gpl = kind == 2;
	e->has_crc = has_crc;
	e->crc = crc;
	e->hsym = -1;
}

void plan_exports_decide(struct plan *plan)
{
	size_t i, k;

	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->post->nsyms; k++) {
			const char *name = op->post->syms[k].name;
			int kind;

			if (!starts_with(name, "__ksymtab_") ||
			    !op->post->syms[k].sec)
				continue;
			name += strlen("__ksymtab_");
			kind = export_kind(op->post, name);
			if (kind && !export_kind(op->pre, name))
				decide_one(plan, op, name, kind);
		}
	}
}

static int export_cmp(const void *a, const void *b)
{
	const struct export *ea = a, *eb = b;

	return strcmp(ea->name, eb->name);
}

void plan_exports_resolve(struct plan *plan)
{
	size_t i;

	/* the kernel looks exports up by bsearch(), with strcmp() */
	qsort(plan->exports, plan->nexports, sizeof(*plan->exports),
	      export_cmp);
	for (i = 0; i < plan->nexports; i++) {
		struct export *e = &plan->exports[i];

		if (i && !strcmp(e->name, plan->exports[i - 1].name))
			plan_refuse(plan, e->op, "%s is exported by two objects of the update",
				    e->name);
		/* a function the kernel has: its running entry */
		if (e->unit->fate != FATE_NEW)
			e->hsym = plan_need_symbol(plan, e->op,
						   e->unit->match->sym);
	}
}
