// SPDX-License-Identifier: GPL-2.0
/*
 * Modules that an applied update patches, as they load and unload
 * (struct ksplice_modtarget in core.h).
 *
 * A module notifier sees each module come, before its init runs, and go,
 * after its exit ran.  Coming: for every applied update that patches it,
 * its functions are matched alone (ksplice_match_module()), the new-code
 * records that refer to its symbols are written (with text_poke(): the
 * new code is read-only by then; no kprobe is in the way, the functions
 * that hold them are in the kernel's kprobe blacklist), the new code's
 * jump labels on its keys are linked (keysites.c), and its functions are
 * redirected at once, since nothing has called into it yet.  A module
 * that does not match, or that comes while such an update is being
 * applied or reversed, is refused: it would run unpatched under an update
 * that says it is applied.  Going: its redirections are removed and its
 * functions wait again.  While an update with module targets is applied,
 * the core holds its helper, which the matching needs.  Live (its init
 * done): the exports of an update that waited for it are published
 * (exports.c).
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/err.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/string.h>

#include "core.h"

typedef void *(*text_poke_t)(void *addr, const void *opcode, size_t len);

static text_poke_t ksplice_text_poke;
static struct mutex *ksplice_text_mutex;
static void (*ksplice_text_poke_sync)(void);

/**
 * ksplice_modtarget_index() - an update's module target by name
 * @update:	a matched update
 * @name:	a module name, or NULL (vmlinux)
 *
 * Return: its index in update->mods, or -1.
 */
int ksplice_modtarget_index(const struct ksplice_update *update,
			    const char *name)
{
	unsigned int i;

	for (i = 0; name && i < update->nr_mods; i++)
		if (!strcmp(update->mods[i].name, name))
			return i;
	return -1;
}

/**
 * ksplice_symbol_waits() - is a symbol in a module that is not loaded?
 * @update:	a matched update, its helper registered
 * @sym:	a symbol index of its helper
 *
 * Under ksplice_mutex or ksplice_update_lock.
 *
 * Return: whether the symbol's module target waits (is not patched).
 */
bool ksplice_symbol_waits(const struct ksplice_update *update,
			  unsigned int sym)
{
	int t = ksplice_modtarget_index(update,
					update->helper->symbols[sym].target);

	return t >= 0 && !update->mods[t].mod;
}

/* Is the new-code record's symbol one of the module's? */
static bool ksplice_record_in(const struct ksplice_update *update,
			      const struct ksplice_reloc *r,
			      const struct module *mod)
{
	const char *target = update->helper->symbols[r->symbol].target;

	return target && !strcmp(target, mod->name);
}

/* Write the new-code records that refer to the module's symbols. */
static int ksplice_write_module_records(struct ksplice_update *update,
					struct module *mod)
{
	const struct ksplice_new *kn = update->new;
	const struct ksplice_reloc *r;
	unsigned int i;
	u64 v;

	for (i = 0; i < kn->nr_relocs; i++) {
		r = &kn->relocs[i];
		if (!ksplice_record_in(update, r, mod))
			continue;
		if (!update->known[r->symbol] ||
		    !ksplice_record_encode(update, r, &v)) {
			ksplice_set_cause(update, KSPLICE_FAILED_TO_FIND,
					  "%s: %s of the new code cannot be linked",
					  mod->name,
					  update->helper->symbols[r->symbol].name);
			return -ENOENT;
		}
	}
	mutex_lock(ksplice_text_mutex);
	for (i = 0; i < kn->nr_relocs; i++) {
		r = &kn->relocs[i];
		if (!ksplice_record_in(update, r, mod))
			continue;
		ksplice_record_encode(update, r, &v);
		ksplice_text_poke((void *)r->place, &v,
				  ksplice_reloc_field_size(r->type));
	}
	mutex_unlock(ksplice_text_mutex);
	ksplice_text_poke_sync();
	return 0;
}

/**
 * ksplice_poke_text() - write into read-only kernel or module memory
 * @addr:	where
 * @src:	the bytes
 * @len:	how many
 *
 * With text_poke(), a page at a time; may sleep.
 */
void ksplice_poke_text(void *addr, const void *src, size_t len)
{
	size_t n;

	mutex_lock(ksplice_text_mutex);
	while (len) {
		n = min_t(size_t, len, PAGE_SIZE - offset_in_page(addr));
		ksplice_text_poke(addr, src, n);
		addr += n;
		src += n;
		len -= n;
	}
	mutex_unlock(ksplice_text_mutex);
	ksplice_text_poke_sync();
}

/* Redirect the module's functions, live; all or nothing. */
static int ksplice_redirect_module(struct ksplice_update *update, int t)
{
	struct ksplice_func *func;
	unsigned int i;
	int ret;

	for (i = 0; i < update->nr_funcs; i++) {
		func = &update->funcs[i];
		if (func->target != t)
			continue;
		func->old_addr = update->values[func->symbol];
		ret = ksplice_redirect_func(func);
		if (ret) {
			ksplice_set_cause(update, KSPLICE_CALL_FAILED,
					  "%s: registering the redirection failed: %d",
					  func->name, ret);
			return ret;
		}
		ksplice_redirect_set(func->redir, func->new_addr, false);
	}
	return 0;
}

/* Its functions wait again: redirections removed, addresses forgotten. */
static void ksplice_unpatch_module(struct ksplice_update *update, int t)
{
	struct ksplice_func *func;
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++) {
		func = &update->funcs[i];
		if (func->target != t)
			continue;
		if (func->redir)
			ksplice_redirect_set(func->redir, 0, false);
		ksplice_unredirect_func(func);
		func->old_addr = 0;
	}
	ksplice_keysites_unlink(update, t, true);
	if (update->mods[t].mod)
		ksplice_values_module_going(update, update->mods[t].mod);
	update->mods[t].mod = NULL;
}

static int ksplice_patch_module(struct ksplice_update *update, int t,
				struct module *mod)
{
	int ret;

	if (!update->helper) {
		ksplice_set_cause(update, KSPLICE_UNEXPECTED,
				  "%s: the helper is gone", mod->name);
		return -EINVAL;
	}
	ret = ksplice_match_module(update, mod);
	if (!ret)
		ret = ksplice_write_module_records(update, mod);
	if (!ret)
		ret = ksplice_values_module_coming(update, mod);
	if (!ret) {
		update->mods[t].mod = mod;
		ret = ksplice_keysites_link(update, t);
	}
	if (!ret)
		ret = ksplice_redirect_module(update, t);
	if (ret) {
		ksplice_unpatch_module(update, t);
		return ret;
	}
	pr_info("%s: patched module %s as it loads\n", update->id, mod->name);
	return 0;
}

static int ksplice_module_coming(struct module *mod)
{
	struct ksplice_update *update;
	int t, ret = 0;

	list_for_each_entry(update, &ksplice_updates, list) {
		t = ksplice_modtarget_index(update, mod->name);
		if (t < 0 || update->mods[t].mod)
			continue;
		if (update->stage == KSPLICE_STAGE_REVERSED)
			continue;
		/* matched without it, or switching: it would stay unpatched */
		if (update->busy || update->stage != KSPLICE_STAGE_APPLIED) {
			pr_err("%s: update %s is being applied or reversed: load it again later\n",
			       mod->name, update->id);
			return -EBUSY;
		}
		ret = ksplice_patch_module(update, t, mod);
		if (ret) {
			pr_err("%s: update %s cannot patch it (%s): refusing to load it; undo %s to load it\n",
			       mod->name, update->id, update->detail,
			       update->id);
			return ret;
		}
	}
	return 0;
}

static void ksplice_module_going(struct module *mod)
{
	struct ksplice_update *update;
	int t;

	list_for_each_entry(update, &ksplice_updates, list) {
		t = ksplice_modtarget_index(update, mod->name);
		if (t >= 0 && update->mods[t].mod == mod) {
			ksplice_unpatch_module(update, t);
			pr_info("%s: module %s unloaded; it is patched again when it loads\n",
				update->id, mod->name);
		}
	}
}

static int ksplice_module_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct module *mod = data;
	int ret = 0;

	if (ksplice_own_module(mod))
		return NOTIFY_DONE;
	mutex_lock(&ksplice_mutex);
	if (action == MODULE_STATE_COMING)
		ret = ksplice_module_coming(mod);
	else if (action == MODULE_STATE_LIVE)
		ksplice_exports_module_live(mod);
	else if (action == MODULE_STATE_GOING)
		ksplice_module_going(mod);
	mutex_unlock(&ksplice_mutex);
	return notifier_from_errno(ret);
}

static struct notifier_block ksplice_module_nb = {
	.notifier_call = ksplice_module_notify,
};

/**
 * ksplice_modules_hold() - keep the helper of an update with module targets
 * @update:	an update about to be applied
 *
 * Its modules may unload and load again while it is applied: the core
 * holds the helper (ksplice_modules_release() drops it) for matching
 * them again.
 *
 * Return: 0, or -ENOMEM (the helper could not be held).
 */
int ksplice_modules_hold(struct ksplice_update *update)
{
	struct module_use *use;

	if (!update->nr_mods || update->helper_hold)
		return 0;
	use = ksplice_hold(update->helper->owner);
	if (IS_ERR(use))
		return PTR_ERR(use) == -ENOMEM ? -ENOMEM : -EBUSY;
	update->helper_hold = use;
	return 0;
}

/**
 * ksplice_modules_applied() - an update with module targets is applied
 * @update:	it
 *
 * The helper lets the loaded targets go: one that unloads waits, and is
 * patched again when it loads.
 */
void ksplice_modules_applied(struct ksplice_update *update)
{
	unsigned int i;

	for (i = 0; i < update->nr_mods; i++)
		if (update->mods[i].mod)
			ksplice_unuse_target(update->helper->owner,
					     update->mods[i].mod);
}

/**
 * ksplice_modules_release() - the core no longer needs the helper
 * @update:	an update that failed to apply, or was reversed (@reversed):
 *		its modules are then free of it
 * @reversed:	whether it was reversed
 */
void ksplice_modules_release(struct ksplice_update *update, bool reversed)
{
	unsigned int i;

	for (i = 0; reversed && i < update->nr_mods; i++)
		update->mods[i].mod = NULL;
	ksplice_unhold(update->helper_hold);
	update->helper_hold = NULL;
}

/**
 * ksplice_modules_init() - watch modules come and go
 *
 * Return: 0, or -ENOENT when text_poke() cannot be found.
 */
int ksplice_modules_init(void)
{
	ksplice_text_poke = (text_poke_t)ksplice_lookup_name("text_poke");
	ksplice_text_mutex = (struct mutex *)ksplice_lookup_name("text_mutex");
	ksplice_text_poke_sync = (void *)ksplice_lookup_name("text_poke_sync");
	if (!ksplice_text_poke || !ksplice_text_mutex ||
	    !ksplice_text_poke_sync) {
		pr_err("cannot find text_poke, text_mutex or text_poke_sync\n");
		return -ENOENT;
	}
	return register_module_notifier(&ksplice_module_nb);
}

void ksplice_modules_exit(void)
{
	unregister_module_notifier(&ksplice_module_nb);
}
