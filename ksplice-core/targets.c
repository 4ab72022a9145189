// SPDX-License-Identifier: GPL-2.0
/*
 * The modules an update patches (its targets): which of them are loaded,
 * their symbols, and where run-pre matching looks for a name.
 *
 * A helper section or symbol that comes from an object of a module names
 * that module (its KBUILD_MODNAME) as target.  A section's candidates are
 * the target's symbols of its name; a symbol's are the target's, or for
 * a global name the target lacks, vmlinux's and then the other loaded
 * modules' (the exports a module uses).  Names without a target are
 * vmlinux's, as before.  Our own modules (ksplice, ksplice_*) are never
 * candidates here: applied updates' new code is added by stacking.c.
 *
 * The helper uses every loaded target (pin.c) until the update is
 * applied or given up, so that none goes away in between; a target that
 * loads later is matched alone when it comes (modules.c), before its
 * init runs.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

/* Is t already in the first nr names of v? */
static bool ksplice_target_listed(const char **v, unsigned int nr,
				  const char *t)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(v[i], t))
			return true;
	return false;
}

/* The distinct targets of a helper, in a kmalloc'd array (or NULL). */
static const char **ksplice_target_names(const struct ksplice_helper *helper,
					 unsigned int *nr)
{
	unsigned int n = helper->nr_sections + helper->nr_symbols, i;
	const char **v, *t;

	*nr = 0;
	v = KSPLICE_FALLIBLE(kcalloc(n + 1, sizeof(*v), GFP_KERNEL));
	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		t = i < helper->nr_sections ? helper->sections[i].target :
		    helper->symbols[i - helper->nr_sections].target;
		if (t && !ksplice_target_listed(v, *nr, t))
			v[(*nr)++] = t;
	}
	return v;
}

static int ksplice_names_add_helper(struct ksplice_names *names,
				    const struct ksplice_helper *helper)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < helper->nr_symbols && !ret; i++)
		ret = ksplice_names_add(names, helper->symbols[i].name);
	for (i = 0; i < helper->nr_sections && !ret; i++)
		ret = ksplice_names_add(names, helper->sections[i].name);
	ksplice_names_sort(names);
	return ret;
}

/* Is mod the core, or an update's helper or new-code module? */
bool ksplice_own_module(const struct module *mod)
{
	return !strcmp(mod->name, "ksplice") ||
	       !strncmp(mod->name, "ksplice_", 8);
}

/* Under module_mutex: one module symbol, to its target or to others. */
static int ksplice_targets_collect_one(void *data, const char *name,
				       struct module *mod, unsigned long addr)
{
	struct ksplice_targets *ts = data;
	struct ksplice_names *names = &ts->others;
	struct ksplice_name *n;
	unsigned int i;

	if (ksplice_own_module(mod))
		return 0;
	for (i = 0; i < ts->nr; i++)
		if (ts->t[i].mod == mod)
			names = &ts->t[i].names;
	n = ksplice_names_find(names, name);
	return n ? ksplice_name_append(n, addr) : 0;
}

/**
 * ksplice_targets_init() - find the targets of a helper and their symbols
 * @ts:		zeroed; ksplice_targets_free() it in any case
 * @helper:	the helper being matched; its module uses the loaded targets
 * @coming:	a target being loaded, matched alone (not used), or NULL
 *
 * Return: 0, or -ENOMEM.
 */
int ksplice_targets_init(struct ksplice_targets *ts,
			 const struct ksplice_helper *helper,
			 struct module *coming)
{
	const char **v;
	unsigned int i;
	int ret;

	v = ksplice_target_names(helper, &ts->nr);
	if (!v)
		return -ENOMEM;
	ts->t = KSPLICE_FALLIBLE(kcalloc(ts->nr + 1, sizeof(*ts->t), GFP_KERNEL));
	if (!ts->t) {
		ts->nr = 0;
		kfree(v);
		return -ENOMEM;
	}
	for (i = 0; i < ts->nr; i++)
		ts->t[i].name = v[i];
	kfree(v);
	for (i = 0; i < ts->nr; i++) {
		if (coming)
			ts->t[i].mod = strcmp(coming->name, ts->t[i].name) ?
				       NULL : coming;
		else
			ts->t[i].mod = ksplice_use_target(helper->owner,
							  ts->t[i].name);
		if (IS_ERR(ts->t[i].mod)) {
			ts->t[i].mod = NULL;
			return -ENOMEM;
		}
		ret = ksplice_names_add_helper(&ts->t[i].names, helper);
		if (ret)
			return ret;
	}
	ret = ksplice_names_add_helper(&ts->others, helper);
	if (ret)
		return ret;
	return ksplice_module_symbols(ksplice_targets_collect_one, ts);
}

void ksplice_targets_free(struct ksplice_targets *ts)
{
	unsigned int i;

	for (i = 0; i < ts->nr; i++)
		ksplice_names_free(&ts->t[i].names);
	kfree(ts->t);
	ts->t = NULL;
	ts->nr = 0;
	ksplice_names_free(&ts->others);
}

/**
 * ksplice_target_find() - a target of the helper by name
 * @ts:		the targets
 * @name:	a section's or symbol's target
 *
 * Return: the target (never NULL for a name the helper uses).
 */
struct ksplice_target *ksplice_target_find(struct ksplice_targets *ts,
					   const char *name)
{
	unsigned int i;

	for (i = 0; i < ts->nr; i++)
		if (!strcmp(ts->t[i].name, name))
			return &ts->t[i];
	return NULL;
}

/**
 * ksplice_section_candidates() - where a section may be
 * @ts:		the helper's targets
 * @vmlinux:	the names in vmlinux (and applied updates' new code)
 * @sec:	the section
 *
 * Return: its name's addresses in its target, or in vmlinux.
 */
struct ksplice_name *ksplice_section_candidates(struct ksplice_targets *ts,
						struct ksplice_names *vmlinux,
						const struct ksplice_section *sec)
{
	struct ksplice_target *t;

	if (!sec->target)
		return ksplice_names_find(vmlinux, sec->name);
	t = ksplice_target_find(ts, sec->target);
	return ksplice_names_find(&t->names, sec->name);
}

/**
 * ksplice_symbol_candidates() - where a symbol may be
 * @ts:		the helper's targets
 * @vmlinux:	the names in vmlinux (and applied updates' new code)
 * @sym:	the symbol
 *
 * Return: its name's addresses in its target; for a global name the
 * target lacks, in vmlinux, else in the other loaded modules.
 */
struct ksplice_name *ksplice_symbol_candidates(struct ksplice_targets *ts,
					       struct ksplice_names *vmlinux,
					       const struct ksplice_symbol *sym)
{
	struct ksplice_target *t;
	struct ksplice_name *n;

	if (!sym->target)
		return ksplice_names_find(vmlinux, sym->name);
	t = ksplice_target_find(ts, sym->target);
	n = ksplice_names_find(&t->names, sym->name);
	if (n->nr || (sym->flags & KSPLICE_SYM_LOCAL))
		return n;
	n = ksplice_names_find(vmlinux, sym->name);
	if (n->nr)
		return n;
	return ksplice_names_find(&ts->others, sym->name);
}
