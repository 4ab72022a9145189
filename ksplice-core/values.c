// SPDX-License-Identifier: GPL-2.0
/*
 * New values of read-only data (NEW VALUES in ksplice-format.h).
 *
 * Each value of an update (struct ksplice_value_state, per value):
 *
 *   old --switch (apply), or its module loads--> written (saved: the old
 *   bytes) --switch (reversal), or its module goes--> old
 *
 * Inside stop_machine nothing may sleep, and the object is mapped
 * read-only: before the switch, ksplice_values_prepare() checks the
 * running bytes, saves them and maps the object's pages a second time,
 * writable (alias.c); ksplice_values_switch() copies through that mapping
 * while every CPU is stopped; ksplice_values_finish() unmaps.  A module
 * that loads while the update is applied has nothing running yet: its
 * object is checked and written with text_poke(), before its init.
 *
 * Only read-only data is written: in vmlinux between __start_rodata and
 * __end_rodata, in a module inside that module.  Under ksplice_mutex.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "core.h"

#define KSPLICE_MAX_VALUES	1024
#define KSPLICE_MAX_VALUE_SIZE	65536

struct ksplice_value_state {
	unsigned long addr;
	u8 *saved;		/* the old bytes while written */
	bool written;
	struct ksplice_alias alias;	/* writable, around a switch */
};

static unsigned long ksplice_rodata_start, ksplice_rodata_end;

static const struct ksplice_symbol *
ksplice_value_symbol(const struct ksplice_update *update,
		     const struct ksplice_value *v)
{
	return &update->helper->symbols[v->symbol];
}

static const char *ksplice_value_where(const struct ksplice_symbol *sym)
{
	return sym->object ? sym->object : sym->target ? sym->target : "vmlinux";
}

/**
 * ksplice_values_problem() - are the new values of new code sound?
 * @update:	the update, its helper registered
 * @kn:		its new code, being registered
 *
 * Return: NULL, or what is wrong.
 */
const char *ksplice_values_problem(const struct ksplice_update *update,
				   const struct ksplice_new *kn)
{
	struct module *mod = kn->owner;
	const struct ksplice_value *v;
	unsigned int i;

	if (!kn->nr_values)
		return NULL;
	if (kn->nr_values > KSPLICE_MAX_VALUES || !kn->values)
		return "a bad count of new values";
	for (i = 0; i < kn->nr_values; i++) {
		v = &kn->values[i];
		if (v->symbol >= update->helper->nr_symbols)
			return "a new value of an unknown symbol";
		if (!v->size || v->size > KSPLICE_MAX_VALUE_SIZE)
			return "a new value of a bad size";
		if (!within_module((unsigned long)v->new_data, mod) ||
		    !within_module((unsigned long)v->new_data + v->size - 1, mod) ||
		    !within_module((unsigned long)v->old_data, mod) ||
		    !within_module((unsigned long)v->old_data + v->size - 1, mod) ||
		    !within_module((unsigned long)v->old_mask, mod) ||
		    !within_module((unsigned long)v->old_mask + v->size - 1, mod))
			return "a new value outside the new-code module";
	}
	return NULL;
}

int ksplice_values_alloc(struct ksplice_update *update)
{
	unsigned int n = update->new->nr_values;

	if (!n)
		return 0;
	update->vstates = KSPLICE_FALLIBLE(kcalloc(n, sizeof(*update->vstates), GFP_KERNEL));
	if (!update->vstates)
		return -ENOMEM;
	update->nr_vstates = n;
	return 0;
}

void ksplice_values_free(struct ksplice_update *update)
{
	unsigned int i;

	for (i = 0; update->vstates && i < update->nr_vstates; i++)
		kfree(update->vstates[i].saved);
	kfree(update->vstates);
	update->vstates = NULL;
	update->nr_vstates = 0;
}

/* Is [addr, addr+size) read-only data of vmlinux or of module mod? */
static bool ksplice_value_place_ok(unsigned long addr, unsigned long size,
				   struct module *mod)
{
	if (mod)
		return within_module(addr, mod) &&
		       within_module(addr + size - 1, mod);
	return addr >= ksplice_rodata_start && addr + size <= ksplice_rodata_end &&
	       addr + size > addr;
}

/*
 * Another applied update that wrote these bytes, that this one neither
 * is on top of nor replaces.
 */
static struct ksplice_update *
ksplice_value_owner(const struct ksplice_update *update, unsigned long addr,
		    unsigned long size)
{
	struct ksplice_update *other;
	unsigned int i;

	list_for_each_entry(other, &ksplice_updates, list) {
		if (other == update || ksplice_is_on_top(update, other) ||
		    ksplice_replacing(update, other))
			continue;
		for (i = 0; i < other->nr_vstates; i++) {
			const struct ksplice_value_state *vs = &other->vstates[i];

			if (vs->written && addr < vs->addr +
			    other->new->values[i].size && vs->addr < addr + size)
				return other;
		}
	}
	return NULL;
}

/*
 * The bytes at addr before the updates that update replaces wrote them:
 * the saved copy of a replaced update that wrote exactly these, else the
 * running bytes (NULL when one wrote only some of them).
 */
static const u8 *ksplice_value_before(const struct ksplice_update *update,
				      unsigned long addr, unsigned long size)
{
	const struct ksplice_value_state *vs;
	unsigned int i, j;

	for (i = 0; i < update->nr_replaced; i++) {
		const struct ksplice_update *other = update->replaced[i];

		for (j = 0; j < other->nr_vstates; j++) {
			vs = &other->vstates[j];
			if (!vs->written || addr >= vs->addr +
			    other->new->values[j].size || vs->addr >= addr + size)
				continue;
			if (vs->addr != addr || other->new->values[j].size != size)
				return NULL;
			return vs->saved;
		}
	}
	return (const u8 *)addr;
}

/*
 * The checks before a value is written at addr (in mod, or vmlinux):
 * place, size, owner and old bytes; the cause is set on failure.
 */
static int ksplice_value_check(struct ksplice_update *update,
			       const struct ksplice_value *v, unsigned long addr,
			       struct module *mod)
{
	const struct ksplice_symbol *sym = ksplice_value_symbol(update, v);
	struct ksplice_update *other;
	unsigned long extent, i;
	const u8 *cur;

	if (!addr || !ksplice_value_place_ok(addr, v->size, mod) ||
	    !ksplice_symbol_size(addr, &extent) || extent < v->size) {
		ksplice_set_cause(update, KSPLICE_NO_MATCH,
				  "read-only data %s (%s): not found as read-only data of %lu bytes in the running kernel",
				  sym->name, ksplice_value_where(sym), v->size);
		return -ENOENT;
	}
	other = ksplice_value_owner(update, addr, v->size);
	if (other) {
		ksplice_set_cause(update, KSPLICE_CONFLICT,
				  "read-only data %s (%s) has a new value from update %s already: undo it first",
				  sym->name, ksplice_value_where(sym), other->id);
		return -EBUSY;
	}
	cur = ksplice_value_before(update, addr, v->size);
	if (!cur) {
		ksplice_set_cause(update, KSPLICE_UNEXPECTED,
				  "read-only data %s (%s): an update this one replaces wrote part of it",
				  sym->name, ksplice_value_where(sym));
		return -EBUSY;
	}
	for (i = 0; i < v->size; i++)
		if ((cur[i] ^ v->old_data[i]) & v->old_mask[i])
			break;
	if (i < v->size) {
		ksplice_set_cause(update, KSPLICE_NO_MATCH,
				  "read-only data %s (%s): its running value differs from the one the update was made from (byte %lu)",
				  sym->name, ksplice_value_where(sym), i);
		return -EINVAL;
	}
	return 0;
}

/* The module whose symbol it is: NULL for vmlinux, ERR_PTR if waiting. */
static struct module *ksplice_value_module(struct ksplice_update *update,
					   const struct ksplice_value *v)
{
	const struct ksplice_symbol *sym = ksplice_value_symbol(update, v);
	int t = ksplice_modtarget_index(update, sym->target);

	if (!sym->target)
		return NULL;
	if (t < 0 || !update->mods[t].mod)
		return ERR_PTR(-ENODEV);
	return update->mods[t].mod;
}

/**
 * ksplice_values_prepare() - ready the new values for a switch
 * @update:	the update about to be applied (@apply) or reversed
 * @apply:	which
 *
 * Applying: every value whose object is loaded is checked and saved.
 * Each object to write is mapped writable.
 *
 * Return: 0, or an error with the cause set (nothing is kept mapped).
 */
int ksplice_values_prepare(struct ksplice_update *update, bool apply)
{
	const struct ksplice_new *kn = update->new;
	struct ksplice_value_state *vs;
	const struct ksplice_value *v;
	struct module *mod;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < update->nr_vstates && !ret; i++) {
		v = &kn->values[i];
		vs = &update->vstates[i];
		if (!apply && !vs->written)
			continue;	/* its module is not loaded */
		mod = ksplice_value_module(update, v);
		if (IS_ERR(mod))
			continue;	/* written when its module loads */
		if (apply) {
			vs->addr = update->values[v->symbol];
			ret = ksplice_value_check(update, v, vs->addr, mod);
			if (ret)
				break;
			vs->saved = KSPLICE_FALLIBLE(kmemdup(ksplice_value_before(update,
								 vs->addr,
								 v->size),
					    v->size, GFP_KERNEL));
			if (!vs->saved)
				ret = -ENOMEM;
		}
		if (!ret)
			ret = ksplice_alias_map(&vs->alias, vs->addr, v->size,
						mod != NULL);
		if (ret && update->cause == KSPLICE_OK)
			ksplice_set_cause(update, KSPLICE_OUT_OF_MEMORY,
					  "mapping read-only data %s to write it",
					  ksplice_value_symbol(update, v)->name);
	}
	/* a cumulative update puts back what the updates it replaces wrote */
	for (i = 0; apply && !ret && i < update->nr_replaced; i++)
		ret = ksplice_values_prepare(update->replaced[i], false);
	if (ret)
		ksplice_values_finish(update);
	return ret;
}

/**
 * ksplice_values_switch() - write the new values, or the old ones back
 * @update:	the update being switched, its values prepared
 * @apply:	new values (applying) or the saved ones (reversing)
 *
 * Inside stop_machine.
 */
void ksplice_values_switch(struct ksplice_update *update, bool apply)
{
	struct ksplice_value_state *vs;
	unsigned int i;

	for (i = 0; apply && i < update->nr_replaced; i++)
		ksplice_values_switch(update->replaced[i], false);
	for (i = 0; i < update->nr_vstates; i++) {
		vs = &update->vstates[i];
		if (!vs->alias.p)
			continue;
		memcpy(vs->alias.p, apply ? update->new->values[i].new_data :
		       vs->saved, update->new->values[i].size);
		vs->written = apply;
	}
}

/**
 * ksplice_values_finish() - after a switch, or instead of it: unmap, and
 *	forget the old bytes of what is not written
 * @update:	the update (and those it replaces)
 */
void ksplice_values_finish(struct ksplice_update *update)
{
	struct ksplice_value_state *vs;
	unsigned int i;

	for (i = 0; i < update->nr_replaced; i++)
		ksplice_values_finish(update->replaced[i]);
	for (i = 0; i < update->nr_vstates; i++) {
		vs = &update->vstates[i];
		ksplice_alias_unmap(&vs->alias);
		if (!vs->written) {
			kfree(vs->saved);
			vs->saved = NULL;
		}
	}
}

/**
 * ksplice_values_module_coming() - a module the update patches loads
 * @update:	an applied update, the module just matched and linked
 * @mod:	the module, not yet initialized
 *
 * Return: 0, or an error with the cause set (the module must not load).
 */
int ksplice_values_module_coming(struct ksplice_update *update,
				 struct module *mod)
{
	const struct ksplice_value *v;
	struct ksplice_value_state *vs;
	const char *target;
	unsigned int i;
	int ret;

	for (i = 0; i < update->nr_vstates; i++) {
		v = &update->new->values[i];
		vs = &update->vstates[i];
		target = ksplice_value_symbol(update, v)->target;
		if (!target || strcmp(target, mod->name))
			continue;
		vs->addr = update->values[v->symbol];
		ret = ksplice_value_check(update, v, vs->addr, mod);
		if (!ret) {
			vs->saved = KSPLICE_FALLIBLE(kmemdup((void *)vs->addr, v->size,
					    GFP_KERNEL));
			ret = vs->saved ? 0 : -ENOMEM;
		}
		if (ret) {
			ksplice_values_module_going(update, mod);
			return ret;
		}
		ksplice_poke_text((void *)vs->addr, v->new_data, v->size);
		vs->written = true;
	}
	return 0;
}

/**
 * ksplice_values_module_going() - a module the update patches went
 * @update:	the update
 * @mod:	the module, whose memory is about to be freed
 */
void ksplice_values_module_going(struct ksplice_update *update,
				 struct module *mod)
{
	struct ksplice_value_state *vs;
	unsigned int i;

	for (i = 0; i < update->nr_vstates; i++) {
		vs = &update->vstates[i];
		if (!vs->addr || !within_module(vs->addr, mod))
			continue;
		kfree(vs->saved);
		vs->saved = NULL;
		vs->written = false;
		vs->addr = 0;
	}
}

/**
 * ksplice_values_init() - find the bounds of vmlinux's read-only data
 *
 * Return: 0, or -ENOENT.
 */
int ksplice_values_init(void)
{
	ksplice_rodata_start = ksplice_lookup_name("__start_rodata");
	ksplice_rodata_end = ksplice_lookup_name("__end_rodata");
	if (!ksplice_rodata_start || ksplice_rodata_end <= ksplice_rodata_start) {
		pr_err("cannot find __start_rodata and __end_rodata\n");
		return -ENOENT;
	}
	return 0;
}
