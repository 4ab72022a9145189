// SPDX-License-Identifier: GPL-2.0
/*
 * The shared ground of the core: its parameters, its locks, the list of
 * updates, their causes and their lifetime.
 *
 * An update exists from its helper's registration until both of its
 * modules are gone (or the new-code module goes after a reversal).  The
 * list of updates changes under ksplice_mutex and ksplice_update_lock:
 * the module_finalize probe looks updates up under the spinlock alone.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

DEFINE_MUTEX(ksplice_mutex);
DEFINE_SPINLOCK(ksplice_update_lock);
LIST_HEAD(ksplice_updates);

unsigned int ksplice_max_tries = 5;
module_param_named(max_tries, ksplice_max_tries, uint, 0644);
MODULE_PARM_DESC(max_tries, "stack checks before giving up (default 5)");

unsigned int ksplice_retry_delay_ms = 1000;
module_param_named(retry_delay_ms, ksplice_retry_delay_ms, uint, 0644);
MODULE_PARM_DESC(retry_delay_ms, "wait between stack checks (default 1000)");

bool ksplice_precheck = true;
module_param_named(precheck, ksplice_precheck, bool, 0644);
MODULE_PARM_DESC(precheck, "check the stacks before stopping the machine, and inside it only those of tasks that ran since (default Y; N: all inside, for comparison)");

bool ksplice_precheck_verify;
module_param_named(precheck_verify, ksplice_precheck_verify, bool, 0644);
MODULE_PARM_DESC(precheck_verify, "for tests: check every stack inside the stop too, and warn if the tasks that ran since the check before missed one (default N)");

int ksplice_debug;
module_param_named(debug, ksplice_debug, int, 0644);
MODULE_PARM_DESC(debug, "1: log matching details");

void ksplice_set_cause(struct ksplice_update *update,
		       enum ksplice_cause cause, const char *fmt, ...)
{
	va_list args;

	update->cause = cause;
	va_start(args, fmt);
	vsnprintf(update->detail, sizeof(update->detail), fmt, args);
	va_end(args);
}

void ksplice_clear_cause(struct ksplice_update *update)
{
	update->cause = KSPLICE_OK;
	update->detail[0] = '\0';
	kfree(update->conflicts_text);
	update->conflicts_text = NULL;
}

/* Under ksplice_mutex or ksplice_update_lock. */
struct ksplice_update *ksplice_find_update(const char *id)
{
	struct ksplice_update *update;

	list_for_each_entry(update, &ksplice_updates, list)
		if (!strcmp(update->id, id))
			return update;
	return NULL;
}

void ksplice_link(struct ksplice_update *update)
{
	unsigned long flags;

	spin_lock_irqsave(&ksplice_update_lock, flags);
	list_add_tail(&update->list, &ksplice_updates);
	spin_unlock_irqrestore(&ksplice_update_lock, flags);
}

/* Mark dead and unlink; ksplice_sysfs_del() afterwards, unlocked. */
void ksplice_unlink(struct ksplice_update *update)
{
	unsigned long flags;

	spin_lock_irqsave(&ksplice_update_lock, flags);
	list_del(&update->list);
	spin_unlock_irqrestore(&ksplice_update_lock, flags);
	update->dead = true;
}

void ksplice_free_funcs(struct ksplice_update *update)
{
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++)
		kfree(update->funcs[i].name);
	kfree(update->funcs);
	update->funcs = NULL;
	update->nr_funcs = 0;
	kfree(update->ranges);
	update->ranges = NULL;
	update->nr_ranges = 0;
	kfree(update->new_ranges);
	update->new_ranges = NULL;
	update->nr_new_ranges = 0;
}

void ksplice_free_update(struct ksplice_update *update)
{
	ksplice_free_funcs(update);
	kfree(update->values);
	kfree(update->known);
	kfree(update->mods);
	kfree(update->export_mods);
	ksplice_values_free(update);
	kfree(update->description);
	kfree(update->conflicts_text);
	kfree(update);
}
