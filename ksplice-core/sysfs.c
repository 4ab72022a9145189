// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/ksplice/<id>/: stage, abort_cause, abort_detail,
 * conflicts, description, redirects, on_top_of, state.  Root only.
 *
 * A directory is removed outside ksplice_mutex (the update is first
 * marked dead under it), so a writer waiting for the mutex never blocks
 * the removal; it then finds the update dead and gets -ENODEV.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "core.h"

static struct kobject *ksplice_root;

static const char * const ksplice_stage_names[] = {
	[KSPLICE_STAGE_PREPARING] = "preparing",
	[KSPLICE_STAGE_APPLIED] = "applied",
	[KSPLICE_STAGE_REVERSED] = "reversed",
};

static const char * const ksplice_cause_names[] = KSPLICE_CAUSE_NAMES;
static_assert(ARRAY_SIZE(ksplice_cause_names) == KSPLICE_NR_CAUSES);

static inline struct ksplice_update *to_update(struct kobject *kobj)
{
	return container_of(kobj, struct ksplice_update, kobj);
}

static ssize_t stage_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  ksplice_stage_names[READ_ONCE(to_update(kobj)->stage)]);
}

/**
 * ksplice_state() - the update's state in the diagram of core.h
 * @update: an update, under ksplice_mutex
 *
 * Return: unmatched, matched, ready, applying, applied, reversing,
 * reversed or kept.
 */
const char *ksplice_state(const struct ksplice_update *update)
{
	switch (update->stage) {
	case KSPLICE_STAGE_PREPARING:
		if (update->busy)
			return "applying";
		if (!update->matched)
			return "unmatched";
		return update->new ? "ready" : "matched";
	case KSPLICE_STAGE_APPLIED:
		return update->busy ? "reversing" : "applied";
	default:
		return update->kept ? "kept" : "reversed";
	}
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	ssize_t len;

	mutex_lock(&ksplice_mutex);
	len = sysfs_emit(buf, "%s\n", ksplice_state(to_update(kobj)));
	mutex_unlock(&ksplice_mutex);
	return len;
}

static ssize_t stage_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct ksplice_update *update = to_update(kobj);
	int ret;

	mutex_lock(&ksplice_mutex);
	if (update->dead) {
		ret = -ENODEV;
	} else if (update->busy) {
		ret = -EBUSY;		/* another write is switching it */
	} else {
		update->busy = true;
		if (sysfs_streq(buf, "applied"))
			ret = ksplice_apply(update);
		else if (sysfs_streq(buf, "reversed"))
			ret = ksplice_reverse(update);
		else
			ret = -EINVAL;
		update->busy = false;
	}
	mutex_unlock(&ksplice_mutex);
	return ret ? ret : count;
}

static ssize_t abort_cause_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  ksplice_cause_names[READ_ONCE(to_update(kobj)->cause)]);
}

static ssize_t abort_detail_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	ssize_t len;

	mutex_lock(&ksplice_mutex);
	len = sysfs_emit(buf, "%s\n", to_update(kobj)->detail);
	mutex_unlock(&ksplice_mutex);
	return len;
}

static ssize_t conflicts_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct ksplice_update *update = to_update(kobj);
	ssize_t len;

	mutex_lock(&ksplice_mutex);
	len = sysfs_emit(buf, "%s",
			 update->conflicts_text ? update->conflicts_text : "");
	mutex_unlock(&ksplice_mutex);
	return len;
}

static ssize_t description_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct ksplice_update *update = to_update(kobj);
	ssize_t len;

	mutex_lock(&ksplice_mutex);
	len = sysfs_emit(buf, "%s\n",
			 update->description ? update->description : "");
	mutex_unlock(&ksplice_mutex);
	return len;
}

/* "<function> <kind> caught=<n> missed=<n>[ unguarded]" a line */
static ssize_t redirects_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct ksplice_update *update = to_update(kobj);
	const struct ksplice_func *func;
	unsigned int i;
	ssize_t len = 0;

	mutex_lock(&ksplice_mutex);
	for (i = 0; i < update->nr_funcs; i++) {
		func = &update->funcs[i];
		len += sysfs_emit_at(buf, len, "%s %s caught=%ld missed=%lu%s\n",
				     func->name,
				     ksplice_redirect_kind(func),
				     func->redir ?
				     atomic_long_read(&func->redir->caught) : 0,
				     ksplice_redirect_missed(func),
				     func->use_ftrace && func->redir &&
				     !func->redir->guarded ? " unguarded" : "");
	}
	mutex_unlock(&ksplice_mutex);
	return len;
}

/* the applied updates whose new code this one uses, in order */
static ssize_t on_top_of_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct ksplice_update *update = to_update(kobj), *lower;
	ssize_t len = 0;

	mutex_lock(&ksplice_mutex);
	list_for_each_entry(lower, &ksplice_updates, list)
		if (lower->stage == KSPLICE_STAGE_APPLIED &&
		    ksplice_is_on_top(update, lower))
			len += sysfs_emit_at(buf, len, "%s\n", lower->id);
	mutex_unlock(&ksplice_mutex);
	return len;
}

/* "<module> patched|waiting" a line: the modules it patches */
static ssize_t targets_show(struct kobject *kobj,
			    struct kobj_attribute *attr, char *buf)
{
	struct ksplice_update *update = to_update(kobj);
	unsigned int i;
	ssize_t len = 0;

	mutex_lock(&ksplice_mutex);
	for (i = 0; i < update->nr_mods; i++)
		len += sysfs_emit_at(buf, len, "%s %s\n", update->mods[i].name,
				     update->mods[i].mod ? "patched" :
				     "waiting");
	mutex_unlock(&ksplice_mutex);
	return len;
}

/*
 * The last stop of the machine for an apply and for a reversal: "<apply|
 * reverse> <ns> <tasks checked> <tasks>" a line (the callback's time;
 * the tasks checked inside it: those that ran since the check before).
 */
static ssize_t pause_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	static const char * const kinds[] = { "apply", "reverse" };
	struct ksplice_update *update = to_update(kobj);
	ssize_t len = 0;
	int k;

	mutex_lock(&ksplice_mutex);
	for (k = 0; k < 2; k++)
		if (update->pause_ns[k])
			len += sysfs_emit_at(buf, len, "%s %llu %u %u\n",
					     kinds[k], update->pause_ns[k],
					     update->pause_scanned[k],
					     update->pause_tasks[k]);
	mutex_unlock(&ksplice_mutex);
	return len;
}

/* "<symbol> published|hidden" a line: the functions it exports */
static ssize_t exports_show(struct kobject *kobj,
			    struct kobj_attribute *attr, char *buf)
{
	struct ksplice_update *update = to_update(kobj);
	ssize_t len;

	mutex_lock(&ksplice_mutex);
	len = ksplice_exports_show(update, buf);
	mutex_unlock(&ksplice_mutex);
	return len;
}

static struct kobj_attribute ksplice_attr_stage = __ATTR_RW_MODE(stage, 0600);
static struct kobj_attribute ksplice_attr_abort_cause =
	__ATTR_RO_MODE(abort_cause, 0400);
static struct kobj_attribute ksplice_attr_abort_detail =
	__ATTR_RO_MODE(abort_detail, 0400);
static struct kobj_attribute ksplice_attr_conflicts =
	__ATTR_RO_MODE(conflicts, 0400);
static struct kobj_attribute ksplice_attr_description =
	__ATTR_RO_MODE(description, 0400);

static struct kobj_attribute ksplice_attr_redirects =
	__ATTR_RO_MODE(redirects, 0400);

static struct kobj_attribute ksplice_attr_state = __ATTR_RO_MODE(state, 0400);
static struct kobj_attribute ksplice_attr_on_top_of =
	__ATTR_RO_MODE(on_top_of, 0400);
static struct kobj_attribute ksplice_attr_targets =
	__ATTR_RO_MODE(targets, 0400);
static struct kobj_attribute ksplice_attr_exports =
	__ATTR_RO_MODE(exports, 0400);
static struct kobj_attribute ksplice_attr_pause = __ATTR_RO_MODE(pause, 0400);

static struct attribute *ksplice_attrs[] = {
	&ksplice_attr_stage.attr,
	&ksplice_attr_abort_cause.attr,
	&ksplice_attr_abort_detail.attr,
	&ksplice_attr_conflicts.attr,
	&ksplice_attr_description.attr,
	&ksplice_attr_redirects.attr,
	&ksplice_attr_on_top_of.attr,
	&ksplice_attr_state.attr,
	&ksplice_attr_targets.attr,
	&ksplice_attr_exports.attr,
	&ksplice_attr_pause.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ksplice);

static void ksplice_release(struct kobject *kobj)
{
	ksplice_free_update(to_update(kobj));
}

static struct kobj_type ksplice_ktype = {
	.release = ksplice_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ksplice_groups,
};

/* Frees the update on failure too. */
int ksplice_sysfs_add(struct ksplice_update *update)
{
	int ret;

	ret = kobject_init_and_add(&update->kobj, &ksplice_ktype, ksplice_root,
				   "%s", update->id);
	if (ret)
		kobject_put(&update->kobj);
	return ret;
}

/* Remove the directory and drop the update; not under ksplice_mutex. */
void ksplice_sysfs_del(struct ksplice_update *update)
{
	kobject_del(&update->kobj);
	kobject_put(&update->kobj);
}

int ksplice_sysfs_init(void)
{
	ksplice_root = kobject_create_and_add("ksplice", kernel_kobj);
	return ksplice_root ? 0 : -ENOMEM;
}

void ksplice_sysfs_exit(void)
{
	kobject_put(ksplice_root);
}
