// SPDX-License-Identifier: GPL-2.0
/*
 * Keep a new-code module loaded while the kernel may run its code.
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
 * The module loader's lists change under its module_mutex, which is not
 * exported; it is found by name.  Were the core ever unloaded with a pin
 * in place, the loader would free it like its own (module_unload_free():
 * one module_put() and kfree() per entry).
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "core.h"

static struct mutex *ksplice_module_mutex;

/**
 * ksplice_pin_init() - find the module loader's lock
 *
 * Return: 0, or -ENOENT when the kernel has no module_mutex symbol.
 */
int ksplice_pin_init(void)
{
	ksplice_module_mutex = (struct mutex *)ksplice_lookup_name("module_mutex");
	if (!ksplice_module_mutex) {
		pr_err("module_mutex not found: cannot pin new code\n");
		return -ENOENT;
	}
	return 0;
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
	use = kmalloc(sizeof(*use), GFP_KERNEL);
	if (!use)
		return -ENOMEM;
	use->source = THIS_MODULE;
	use->target = mod;
	mutex_lock(ksplice_module_mutex);
	if (!try_module_get(mod)) {
		mutex_unlock(ksplice_module_mutex);
		kfree(use);
		return -EBUSY;
	}
	list_add(&use->source_list, &mod->source_list);
	list_add(&use->target_list, &THIS_MODULE->target_list);
	mutex_unlock(ksplice_module_mutex);
	update->pin = use;
	return 0;
}

/**
 * ksplice_unpin() - let the new-code module be unloaded again
 * @update: an update pinned by ksplice_pin()
 */
void ksplice_unpin(struct ksplice_update *update)
{
	struct module_use *use = update->pin;

	if (!use)
		return;
	mutex_lock(ksplice_module_mutex);
	list_del(&use->source_list);
	list_del(&use->target_list);
	mutex_unlock(ksplice_module_mutex);
	module_put(use->target);
	kfree(use);
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
