// SPDX-License-Identifier: GPL-2.0
/*
 * Keep a new-code module loaded while the kernel may run its code, and
 * the modules an update patches while its modules need them.
 *
 * A reference count is not enough: Debian's kernel allows "rmmod -f",
 * which unloads a module whatever its count.  What even a forced unload
 * respects is a module that other modules use (delete_module() refuses it
 * with EWOULDBLOCK before it looks at the force flag).  So a pin is what
 * the module loader itself records when one module uses another's
 * symbols: the core "uses" the new-code module (a struct module_use on
 * its source_list, with one reference), and lsmod shows it as used by
 * ksplice.  The core itself cannot go while the new-code module is
 * loaded, since that module uses the core's symbols: neither can be
 * unloaded, forced or not, until the pin is dropped.
 *
 * The helper of an update uses the modules it patches (its targets) the
 * same way while it is matched and applied, as the loader records for a
 * module that calls another's functions; once applied, a target may go
 * and come back (modules.c), and the core keeps the helper instead, to
 * match the target again.  An entry of a module's own goes with it
 * (module_unload_free()).
 *
 * The module loader's lists change under its module_mutex, which is not
 * exported; it is found by name, as is find_module().  Were the core ever
 * unloaded with a pin in place, the loader would free it like its own
 * (module_unload_free(): one module_put() and kfree() per entry).
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "core.h"

static struct mutex *ksplice_module_mutex;
static struct module *(*ksplice_find_module)(const char *name);

/**
 * ksplice_pin_init() - find the module loader's lock
 *
 * Return: 0, or -ENOENT when the kernel has no module_mutex symbol.
 */
int ksplice_pin_init(void)
{
	ksplice_module_mutex = (struct mutex *)ksplice_lookup_name("module_mutex");
	ksplice_find_module = (void *)ksplice_lookup_name("find_module");
	if (!ksplice_module_mutex || !ksplice_find_module) {
		pr_err("module_mutex or find_module not found: cannot pin modules\n");
		return -ENOENT;
	}
	return 0;
}

/**
 * ksplice_module_lock() - take the module loader's module_mutex
 *
 * The loader's lists and a module's exports change under it.
 */
void ksplice_module_lock(void)
{
	mutex_lock(ksplice_module_mutex);
}

/**
 * ksplice_module_unlock() - release what ksplice_module_lock() took
 */
void ksplice_module_unlock(void)
{
	mutex_unlock(ksplice_module_mutex);
}

/*
 * Under module_mutex: user uses used, with one reference; the entry is
 * returned, or NULL when user already uses used (or user is NULL: the
 * core); ERR_PTR(-EBUSY) when used is going away, ERR_PTR(-ENOMEM).
 */
static struct module_use *ksplice_use_locked(struct module *user,
					     struct module *used)
{
	struct module_use *use;

	list_for_each_entry(use, &used->source_list, source_list)
		if (use->source == user)
			return NULL;
	use = KSPLICE_FALLIBLE(kmalloc(sizeof(*use), GFP_KERNEL));
	if (!use)
		return ERR_PTR(-ENOMEM);
	if (!try_module_get(used)) {
		kfree(use);
		return ERR_PTR(-EBUSY);
	}
	use->source = user;
	use->target = used;
	list_add(&use->source_list, &used->source_list);
	list_add(&use->target_list, &user->target_list);
	return use;
}

/* Under module_mutex: take an entry of ksplice_use_locked() off its lists. */
static void ksplice_unuse_locked(struct module_use *use)
{
	list_del(&use->source_list);
	list_del(&use->target_list);
}

/* Then, without the lock: its reference and its memory. */
static void ksplice_use_free(struct module_use *use)
{
	module_put(use->target);
	kfree(use);
}

/**
 * ksplice_use_target() - keep a module an update patches loaded
 * @user:	the update's helper
 * @name:	the target module
 *
 * @user uses the module (lsmod lists it among the users) until @user is
 * unloaded.  A module that is still initializing or going away counts
 * as not loaded.
 *
 * Return: the module; NULL when it is not loaded; ERR_PTR(-ENOMEM).
 */
struct module *ksplice_use_target(struct module *user, const char *name)
{
	struct module_use *use;
	struct module *mod;

	mutex_lock(ksplice_module_mutex);
	mod = ksplice_find_module(name);
	if (mod && mod->state != MODULE_STATE_LIVE)
		mod = NULL;
	if (mod) {
		use = ksplice_use_locked(user, mod);
		if (IS_ERR(use))
			mod = PTR_ERR(use) == -EBUSY ? NULL : ERR_CAST(use);
	}
	mutex_unlock(ksplice_module_mutex);
	return mod;
}

/**
 * ksplice_unuse_target() - let a target go again
 * @user:	the helper that used it
 * @mod:	the target
 */
void ksplice_unuse_target(struct module *user, struct module *mod)
{
	struct module_use *use, *found = NULL;

	mutex_lock(ksplice_module_mutex);
	list_for_each_entry(use, &mod->source_list, source_list)
		if (use->source == user)
			found = use;
	if (found)
		ksplice_unuse_locked(found);
	mutex_unlock(ksplice_module_mutex);
	if (found)
		ksplice_use_free(found);
}

/**
 * ksplice_hold() - the core uses a module: not even rmmod -f unloads it
 * @mod:	the module
 *
 * Return: the entry for ksplice_unhold(); ERR_PTR(-EBUSY) when the
 * module is going away, ERR_PTR(-EEXIST) when already held, or
 * ERR_PTR(-ENOMEM).
 */
struct module_use *ksplice_hold(struct module *mod)
{
	struct module_use *use;

	mutex_lock(ksplice_module_mutex);
	use = ksplice_use_locked(THIS_MODULE, mod);
	mutex_unlock(ksplice_module_mutex);
	return use ? use : ERR_PTR(-EEXIST);
}

/**
 * ksplice_unhold() - drop what ksplice_hold() took
 * @use:	its entry, or NULL
 */
void ksplice_unhold(struct module_use *use)
{
	if (!use)
		return;
	mutex_lock(ksplice_module_mutex);
	ksplice_unuse_locked(use);
	mutex_unlock(ksplice_module_mutex);
	ksplice_use_free(use);
}

/**
 * ksplice_pin() - keep the update's new-code module loaded
 * @update: an update whose new code is registered and not yet pinned
 *
 * Return: 0; -EBUSY when the module is already going away; -ENOMEM.
 */
int ksplice_pin(struct ksplice_update *update)
{
	struct module *mod = update->new_mod;
	struct module_use *use;

	if (WARN_ON(update->pin))
		return 0;
	use = ksplice_hold(mod);
	if (IS_ERR(use))
		return PTR_ERR(use);
	update->pin = use;
	return 0;
}

/**
 * ksplice_unpin() - let the new-code module be unloaded again
 * @update: an update pinned by ksplice_pin()
 */
void ksplice_unpin(struct ksplice_update *update)
{
	ksplice_unhold(update->pin);
	update->pin = NULL;
}

/**
 * ksplice_unpin_reversed() - after a reversal, unpin unless it must stay
 * @update: a just reversed update
 *
 * A module flagged KSPLICE_NEW_KEEP_MODULE stays pinned for good: the
 * kernel may still hold addresses of its functions.
 *
 * Return: whether the module is kept.
 */
bool ksplice_unpin_reversed(struct ksplice_update *update)
{
	if (update->new->flags & KSPLICE_NEW_KEEP_MODULE) {
		update->kept = true;
		return true;
	}
	ksplice_unpin(update);
	return false;
}
