// SPDX-License-Identifier: GPL-2.0
/*
 * The registration API that the helper and new-code modules call from
 * their init and exit functions (ksplice-format.h): a helper's records
 * are checked and matched at once; a new-code module's are checked
 * against its helper and copied into the core, so that apply and undo
 * need nothing of the helper.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

int ksplice_register_helper(struct ksplice_helper *helper)
{
	struct ksplice_update *update;
	int ret;

	if (!helper)
		return -EINVAL;
	ret = ksplice_check_helper(helper);
	if (ret)
		return ret;

	mutex_lock(&ksplice_mutex);
	if (ksplice_find_update(helper->id)) {
		pr_err("update %s is already loaded\n", helper->id);
		ret = -EEXIST;
		goto out;
	}
	update = KSPLICE_FALLIBLE(kzalloc(sizeof(*update), GFP_KERNEL));
	if (!update) {
		ret = -ENOMEM;
		goto out;
	}
	strscpy(update->id, helper->id, sizeof(update->id));
	update->helper = helper;
	update->stage = KSPLICE_STAGE_PREPARING;
	ret = ksplice_sysfs_add(update);
	if (ret)
		goto out;
	ksplice_link(update);

	ret = ksplice_match(update);
	if (ret) {
		ksplice_unlink(update);
		mutex_unlock(&ksplice_mutex);
		ksplice_sysfs_del(update);
		return ret;
	}
out:
	mutex_unlock(&ksplice_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(ksplice_register_helper);

void ksplice_unregister_helper(struct ksplice_helper *helper)
{
	struct ksplice_update *update, *found = NULL;
	bool destroy;

	mutex_lock(&ksplice_mutex);
	list_for_each_entry(update, &ksplice_updates, list)
		if (update->helper == helper)
			found = update;
	if (!found) {
		mutex_unlock(&ksplice_mutex);
		return;
	}
	found->helper = NULL;
	destroy = !found->new && found->stage != KSPLICE_STAGE_APPLIED;
	if (destroy)
		ksplice_unlink(found);
	mutex_unlock(&ksplice_mutex);
	if (destroy)
		ksplice_sysfs_del(found);
}
EXPORT_SYMBOL_GPL(ksplice_unregister_helper);

static bool ksplice_uses_ftrace(const struct ksplice_section *sec)
{
	return sec->nr_rewrites && sec->rewrites[0].offset == 0 &&
	       sec->rewrites[0].kind == KSPLICE_RW_FENTRY;
}

/* Copy from the helper what apply and undo need once it is gone. */
static int ksplice_copy_funcs(struct ksplice_update *update,
			      const struct ksplice_new *kn)
{
	const struct ksplice_helper *helper = update->helper;
	const struct ksplice_section *sec;
	struct ksplice_func *func;
	unsigned int i, j;

	update->funcs = KSPLICE_FALLIBLE(kcalloc(kn->nr_patches, sizeof(*func), GFP_KERNEL));
	update->ranges = KSPLICE_FALLIBLE(kcalloc(helper->nr_sections, sizeof(*update->ranges),
				 GFP_KERNEL));
	update->new_ranges = KSPLICE_FALLIBLE(kcalloc(max(kn->nr_code, 1U),
				     sizeof(*update->new_ranges), GFP_KERNEL));
	if (!update->funcs || !update->ranges || !update->new_ranges)
		return -ENOMEM;
	for (i = 0; i < kn->nr_code; i++) {
		update->new_ranges[i].start = (unsigned long)kn->code[i].start;
		update->new_ranges[i].size = kn->code[i].size;
	}
	update->nr_new_ranges = kn->nr_code;
	if (!kn->nr_code) {
		/* No list of the new code: all the module's text. */
		update->new_ranges[0].start =
			(unsigned long)kn->owner->core_layout.base;
		update->new_ranges[0].size = kn->owner->core_layout.text_size;
		update->nr_new_ranges = 1;
	}
	for (i = 0; i < kn->nr_patches; i++) {
		func = &update->funcs[i];
		sec = &helper->sections[kn->patches[i].section];
		func->update = update;
		func->target = ksplice_modtarget_index(update, sec->target);
		func->symbol = sec->symbol;
		/* 0 while its module waits */
		func->old_addr = update->values[sec->symbol];
		func->old_size = sec->size;
		func->new_addr = (unsigned long)kn->patches[i].new_code;
		func->use_ftrace = ksplice_uses_ftrace(sec);
		/* "module:function" for a function of a module */
		func->name = sec->target ?
			     kasprintf(GFP_KERNEL, "%s:%s", sec->target,
				       sec->name) :
			     kstrdup(sec->name, GFP_KERNEL);
		update->nr_funcs++;
		if (!func->name)
			return -ENOMEM;
	}
	for (j = 0; j < helper->nr_sections; j++) {
		sec = &helper->sections[j];
		if (!(sec->flags & KSPLICE_SECT_REPLACED) ||
		    !update->known[sec->symbol])
			continue;
		update->ranges[update->nr_ranges].start =
			update->values[sec->symbol];
		update->ranges[update->nr_ranges].size = sec->size;
		update->nr_ranges++;
	}
	return 0;
}

/*
 * Every patch names a distinct replaced section and has new code, no two
 * patches redirect one address (aliases are one function), and the
 * linked jump labels are sound.
 */
static int ksplice_check_patches(struct ksplice_update *update,
				 const struct ksplice_new *kn)
{
	const struct ksplice_helper *helper = update->helper;
	const char *problem = ksplice_new_problem(helper, kn);
	const struct ksplice_section *a, *b;
	unsigned int i, j, s;

	if (!problem)
		problem = ksplice_keysites_problem(update, kn);
	if (problem) {
		ksplice_set_cause(update, KSPLICE_UNEXPECTED, "new code: %s",
				  problem);
		return -EINVAL;
	}
	for (i = 0; i < kn->nr_patches; i++) {
		s = kn->patches[i].section;
		for (j = 0; j < i; j++) {
			if (kn->patches[j].section == s) {
				ksplice_set_cause(update, KSPLICE_UNEXPECTED,
						  "new code: two patches of %s",
						  helper->sections[s].name);
				return -EINVAL;
			}
			a = &helper->sections[kn->patches[j].section];
			b = &helper->sections[s];
			if (!update->known[a->symbol] ||
			    update->values[a->symbol] !=
			    update->values[b->symbol])
				continue;
			ksplice_set_cause(update, KSPLICE_UNEXPECTED,
					  "new code: %s and %s are one function",
					  a->name, b->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* The module_finalize probe wrote this module's records? */
static int ksplice_check_finalized(struct ksplice_update *update,
				   const struct ksplice_new *kn)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ksplice_update_lock, flags);
	if (update->finalized_mod != kn->owner && ksplice_kprobes_off())
		ksplice_set_cause(update, KSPLICE_CALL_FAILED,
				  "kprobes are switched off (debugfs kprobes/enabled is 0): %s could not be linked",
				  module_name(kn->owner));
	else if (update->finalized_mod != kn->owner)
		ksplice_set_cause(update, KSPLICE_UNEXPECTED,
				  "%s: relocation records were not written",
				  module_name(kn->owner));
	else if (update->finalize_err)
		ksplice_set_cause(update, update->finalize_err == -ENODEV ?
				  KSPLICE_NOT_LOADED : KSPLICE_UNEXPECTED,
				  "%s: %s", module_name(kn->owner),
				  update->finalize_msg);
	if (update->finalized_mod != kn->owner || update->finalize_err)
		ret = -EINVAL;
	update->finalized_mod = NULL;
	spin_unlock_irqrestore(&ksplice_update_lock, flags);
	return ret;
}

static int ksplice_link_new(struct ksplice_update *update,
			    struct ksplice_new *kn)
{
	const char *problem;
	int ret;

	if (update->new) {
		pr_err("update %s already has new code\n", kn->id);
		return -EEXIST;
	}
	if (!update->matched || !update->helper) {
		pr_err("update %s: %s\n", kn->id, !update->matched ?
		       "run-pre matching did not succeed" :
		       "the helper is gone");
		return -EINVAL;
	}
	ret = ksplice_check_finalized(update, kn);
	if (!ret)
		ret = ksplice_check_patches(update, kn);
	if (ret)
		return ret;
	problem = ksplice_exports_problem(update, kn);
	if (!problem)
		problem = ksplice_values_problem(update, kn);
	if (problem) {
		ksplice_set_cause(update, KSPLICE_UNEXPECTED, "new code: %s",
				  problem);
		pr_err("update %s: new code: %s\n", kn->id, problem);
		return -EINVAL;
	}

	ret = ksplice_copy_funcs(update, kn);
	if (!ret) {
		update->description = KSPLICE_FALLIBLE(kstrdup(kn->description ?
					      kn->description : "",
					      GFP_KERNEL));
		if (!update->description)
			ret = -ENOMEM;
	}
	update->new = kn;
	if (!ret)
		ret = ksplice_exports_alloc(update);
	if (!ret)
		ret = ksplice_values_alloc(update);
	if (ret) {
		ksplice_exports_free(update);
		ksplice_values_free(update);
		update->new = NULL;
		ksplice_free_funcs(update);
		kfree(update->description);
		update->description = NULL;
		ksplice_set_cause(update, KSPLICE_OUT_OF_MEMORY,
				  "registering the new code");
		return ret;
	}
	update->new_mod = kn->owner;
	return 0;
}

int ksplice_register_new(struct ksplice_new *kn)
{
	struct ksplice_update *update;
	int ret;

	if (!kn || !kn->owner)
		return -EINVAL;
	ret = ksplice_check_header(kn->owner, kn, kn->format, kn->id,
				   kn->kernel_release, "new code");
	if (ret)
		return ret;

	mutex_lock(&ksplice_mutex);
	update = ksplice_find_update(kn->id);
	if (!update) {
		pr_err("update %s: no helper registered\n", kn->id);
		ret = -EINVAL;
	} else {
		ret = ksplice_link_new(update, kn);
	}
	mutex_unlock(&ksplice_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(ksplice_register_new);

void ksplice_unregister_new(struct ksplice_new *kn)
{
	struct ksplice_update *update, *found = NULL;
	bool destroy;

	mutex_lock(&ksplice_mutex);
	list_for_each_entry(update, &ksplice_updates, list)
		if (update->new == kn)
			found = update;
	if (!found) {
		mutex_unlock(&ksplice_mutex);
		return;
	}
	/* A pinned module cannot be unloaded, not even by force. */
	WARN_ON(found->pin);
	found->new = NULL;
	found->new_mod = NULL;
	memset(found->nr_hooks, 0, sizeof(found->nr_hooks));
	ksplice_free_funcs(found);
	ksplice_exports_free(found);
	ksplice_values_free(found);
	kfree(found->description);
	found->description = NULL;
	destroy = !found->helper || found->stage == KSPLICE_STAGE_REVERSED;
	if (destroy) {
		found->helper = NULL;
		ksplice_unlink(found);
	}
	mutex_unlock(&ksplice_mutex);
	if (destroy)
		ksplice_sysfs_del(found);
}
EXPORT_SYMBOL_GPL(ksplice_unregister_new);
