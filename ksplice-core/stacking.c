// SPDX-License-Identifier: GPL-2.0
/*
 * Updates on top of updates.
 *
 * An update made from a tree that already holds an earlier update's patch
 * (ksplice-create --earlier) has pre code equal to that update's new
 * code.  Run-pre matching therefore also looks for candidates in the new
 * code of the applied updates: the symbols of their new-code modules
 * join those of vmlinux.  A function matched there is redirected there,
 * at the entry of the earlier replacement, so that calls go through the
 * old function, the earlier update's redirection and then this one.
 *
 * An update is on top of another when any address it uses (a matched
 * function, any symbol it bound) lies in the other's new-code module.
 * The lower one is then not reversed while the upper one is loaded:
 * updates come off in the reverse of the order they went on.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/module.h>

#include "core.h"

static int ksplice_collect_module(struct ksplice_names *names,
				  const struct module *mod)
{
	const struct mod_kallsyms *ks = &mod->core_kallsyms;
	const Elf_Sym *sym;
	struct ksplice_name *n;
	unsigned int i;
	int ret;

	for (i = 1; i < ks->num_symtab; i++) {
		sym = &ks->symtab[i];
		if (sym->st_shndx == SHN_UNDEF)
			continue;
		n = ksplice_names_find(names, ks->strtab + sym->st_name);
		if (!n)
			continue;
		ret = ksplice_name_append(n, sym->st_value);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ksplice_collect_applied() - add the new code of applied updates
 * @names: names collected from vmlinux (ksplice_names_collect())
 *
 * The new-code modules of applied updates are pinned, so their symbol
 * tables stay.  Called under ksplice_mutex.
 *
 * Return: 0 or -ENOMEM.
 */
int ksplice_collect_applied(struct ksplice_names *names)
{
	struct ksplice_update *update;
	int ret;

	list_for_each_entry(update, &ksplice_updates, list) {
		if (update->stage != KSPLICE_STAGE_APPLIED || update->kept)
			continue;
		ret = ksplice_collect_module(names, update->new_mod);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ksplice_is_on_top() - does @upper use the new code of @lower?
 * @upper: an update that has matched
 * @lower: an applied update
 *
 * Return: whether any address that @upper found (a function it replaces,
 * a symbol its code refers to) lies in @lower's new-code module.
 */
bool ksplice_is_on_top(const struct ksplice_update *upper,
		       const struct ksplice_update *lower)
{
	unsigned int i;

	if (upper == lower || !lower->new_mod || !upper->matched)
		return false;
	for (i = 0; i < upper->nr_values; i++)
		if (upper->known[i] &&
		    within_module(upper->values[i], lower->new_mod))
			return true;
	return false;
}

/**
 * ksplice_update_on_top() - the loaded update on top of @lower, if any
 * @lower: an applied update about to be reversed
 *
 * Under ksplice_mutex.  Reversed updates no longer use anything, except
 * those whose new code stays because the kernel may still call it.
 *
 * Return: an update that is not reversed (or kept) and uses @lower's new
 * code, or NULL.
 */
struct ksplice_update *ksplice_update_on_top(const struct ksplice_update *lower)
{
	struct ksplice_update *upper;

	list_for_each_entry(upper, &ksplice_updates, list)
		if ((upper->stage != KSPLICE_STAGE_REVERSED || upper->kept) &&
		    ksplice_is_on_top(upper, lower))
			return upper;
	return NULL;
}

/**
 * ksplice_leads_to() - is addr what a call of old_addr runs now?
 * @old_addr: a function of vmlinux
 * @addr: an address in the new code of an applied update
 *
 * Under ksplice_mutex.
 *
 * Return: whether an applied update redirects old_addr to addr, directly
 * or through the updates on top of it.
 */
bool ksplice_leads_to(unsigned long old_addr, unsigned long addr)
{
	const struct ksplice_update *update;
	unsigned int i, hops = 0;
	bool moved = true;

	/* a chain is as long as the stack of updates; cap it all the same */
	while (moved && old_addr != addr && hops++ < 64) {
		moved = false;
		list_for_each_entry(update, &ksplice_updates, list) {
			if (update->stage != KSPLICE_STAGE_APPLIED)
				continue;
			for (i = 0; i < update->nr_funcs; i++) {
				if (update->funcs[i].old_addr != old_addr)
					continue;
				old_addr = update->funcs[i].new_addr;
				moved = true;
				break;
			}
			if (moved)
				break;
		}
	}
	return old_addr == addr;
}
