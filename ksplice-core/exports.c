// SPDX-License-Identifier: GPL-2.0
/*
 * Functions an update exports (EXPORTS in ksplice-format.h).
 *
 * The new-code module carries its exports in tables the module loader
 * does not read; the core makes them the module's own exports (the
 * struct module fields that find_symbol() walks) once the update is
 * applied and the modules whose code they are (struct
 * ksplice_exports.targets) are patched and live:
 *
 *   hidden --applied, targets live--> published --withdraw--> hidden
 *
 * update->exports_published says which.  While published, the new-code
 * module uses each target, as a module that calls another's functions
 * does, so that none goes away under code that others may call.  A
 * target that is not loaded at apply time publishes the exports when it
 * has loaded, been patched and run its init (ksplice_exports_module_live).
 *
 * Withdrawing (before a reversal, or before a cumulative update replaces
 * the update) is refused while another module uses the new-code module:
 * the loader records each module that resolved one of its exports.  The
 * struct module fields change under the loader's module_mutex; readers
 * that hold only preemption off see the old or the new count, and the
 * tables they point to stay in place as long as the module does.
 * Under ksplice_mutex.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

/* Most exports and target modules one update may have. */
#define KSPLICE_MAX_EXPORTS	1024
#define KSPLICE_MAX_EXPORT_TARGETS	64

static const char *ksplice_symbol_name(const struct kernel_symbol *sym)
{
#ifdef CONFIG_HAVE_ARCH_PREL32_RELOCATIONS
	return offset_to_ptr(&sym->name_offset);
#else
	return sym->name;
#endif
}

/* The exports of both tables, EXPORT_SYMBOL's first, as one list. */
static unsigned int ksplice_nr_exports(const struct ksplice_exports *ex)
{
	return ex->nr_syms + ex->nr_gpl_syms;
}

static const char *ksplice_export_name(const struct ksplice_exports *ex,
				       unsigned int i)
{
	return ksplice_symbol_name(i < ex->nr_syms ? &ex->syms[i] :
				   &ex->gpl_syms[i - ex->nr_syms]);
}

/* One table: inside the module, names there and in strictly rising order. */
static const char *ksplice_table_problem(const struct module *mod,
					 const struct kernel_symbol *syms,
					 const int *crcs, unsigned int nr)
{
	const char *name, *prev = NULL;
	unsigned int i;

	if (!nr)
		return NULL;
	if (!syms || !within_module((unsigned long)syms, (struct module *)mod) ||
	    !within_module((unsigned long)(syms + nr) - 1, (struct module *)mod))
		return "an export table is outside the new-code module";
	if (IS_ENABLED(CONFIG_MODVERSIONS) &&
	    (!crcs || !within_module((unsigned long)(crcs + nr) - 1,
				     (struct module *)mod)))
		return "exports without symbol versions (the kernel has CONFIG_MODVERSIONS)";
	for (i = 0; i < nr; i++) {
		name = ksplice_symbol_name(&syms[i]);
		if (!within_module((unsigned long)name, (struct module *)mod) ||
		    !name[0])
			return "an export's name is outside the new-code module";
		if (prev && strcmp(prev, name) >= 0)
			return "exports not sorted by name";
		prev = name;
	}
	return NULL;
}

/**
 * ksplice_exports_problem() - is the export table of new code sound?
 * @update:	the update, matched, its module targets known
 * @kn:		its new code, being registered
 *
 * Return: NULL, or what is wrong with it.
 */
const char *ksplice_exports_problem(const struct ksplice_update *update,
				    const struct ksplice_new *kn)
{
	const struct ksplice_exports *ex = kn->exports;
	const char *problem;
	unsigned int i;

	if (!ex)
		return NULL;
	if (!ex->nr_syms && !ex->nr_gpl_syms)
		return "an export table with no exports";
	if (ex->nr_syms > KSPLICE_MAX_EXPORTS ||
	    ex->nr_gpl_syms > KSPLICE_MAX_EXPORTS ||
	    ex->nr_targets > KSPLICE_MAX_EXPORT_TARGETS)
		return "too many exports";
	problem = ksplice_table_problem(kn->owner, ex->syms, ex->crcs,
					ex->nr_syms);
	if (!problem)
		problem = ksplice_table_problem(kn->owner, ex->gpl_syms,
						ex->gpl_crcs, ex->nr_gpl_syms);
	if (problem)
		return problem;
	if (ex->nr_targets && !ex->targets)
		return "exports of modules with no module list";
	for (i = 0; i < ex->nr_targets; i++)
		if (!ex->targets[i] ||
		    ksplice_modtarget_index(update, ex->targets[i]) < 0)
			return "exports of a module the update does not patch";
	return NULL;
}

/**
 * ksplice_exports_alloc() - the core's state for an update's exports
 * @update:	an update whose new code was just registered
 *
 * Return: 0 or -ENOMEM.
 */
int ksplice_exports_alloc(struct ksplice_update *update)
{
	const struct ksplice_exports *ex = update->new->exports;

	if (!ex || !ex->nr_targets)
		return 0;
	update->export_mods = KSPLICE_FALLIBLE(kcalloc(ex->nr_targets,
				      sizeof(*update->export_mods),
				      GFP_KERNEL));
	return update->export_mods ? 0 : -ENOMEM;
}

void ksplice_exports_free(struct ksplice_update *update)
{
	kfree(update->export_mods);
	update->export_mods = NULL;
}

/* Is name exported by the kernel, a module or another update? */
static const char *ksplice_exported_by(const struct ksplice_update *update,
				       const char *name)
{
	const struct ksplice_exports *ex;
	struct ksplice_update *other;
	char key[KSYM_NAME_LEN];
	unsigned int i;

	/* the kernel's EXPORT_SYMBOL leaves a symbol __ksymtab_<name> */
	if (snprintf(key, sizeof(key), "__ksymtab_%s", name) < sizeof(key) &&
	    ksplice_lookup_name(key))
		return "the kernel or a loaded module";
	list_for_each_entry(other, &ksplice_updates, list) {
		if (other == update || !other->exports_published)
			continue;
		ex = other->new->exports;
		for (i = 0; i < ksplice_nr_exports(ex); i++)
			if (!strcmp(ksplice_export_name(ex, i), name))
				return other->id;
	}
	return NULL;
}

/* Another user of the new-code module than the core's pin, or NULL. */
static const char *ksplice_export_user(struct module *mod, char *name,
				       size_t len)
{
	struct module_use *use;
	unsigned int uses = 0;

	list_for_each_entry(use, &mod->source_list, source_list) {
		uses++;
		if (use->source != THIS_MODULE) {
			strscpy(name, use->source->name, len);
			return name;
		}
	}
	/* a reference without a use: symbol_get() of an export */
	if (module_refcount(mod) > uses)
		return "symbol_get()";
	return NULL;
}

static void ksplice_set_exports(struct module *mod,
				const struct ksplice_exports *ex, bool on)
{
	if (on) {
		mod->syms = ex->syms;
		mod->gpl_syms = ex->gpl_syms;
#ifdef CONFIG_MODVERSIONS
		mod->crcs = ex->crcs;
		mod->gpl_crcs = ex->gpl_crcs;
#endif
		/* the tables before the counts that make them visible */
		smp_wmb();
	}
	WRITE_ONCE(mod->num_syms, on ? ex->nr_syms : 0);
	WRITE_ONCE(mod->num_gpl_syms, on ? ex->nr_gpl_syms : 0);
}

/* Let the targets go that publishing holds. */
static void ksplice_exports_unuse(struct ksplice_update *update)
{
	const struct ksplice_exports *ex = update->new->exports;
	unsigned int i;

	for (i = 0; i < ex->nr_targets; i++) {
		if (update->export_mods[i])
			ksplice_unuse_target(update->new_mod,
					     update->export_mods[i]);
		update->export_mods[i] = NULL;
	}
}

/**
 * ksplice_exports_publish() - make an applied update's exports visible
 * @update:	an applied update
 *
 * Nothing happens while one of the modules whose code the exports are is
 * not loaded, patched and live: that module's loading publishes them.
 */
void ksplice_exports_publish(struct ksplice_update *update)
{
	const struct ksplice_exports *ex;
	struct module *mod;
	unsigned int i;
	int t;

	if (!update->new || !update->new->exports ||
	    update->exports_published ||
	    update->stage != KSPLICE_STAGE_APPLIED)
		return;
	ex = update->new->exports;
	for (i = 0; i < ex->nr_targets; i++) {
		t = ksplice_modtarget_index(update, ex->targets[i]);
		if (t < 0 || !update->mods[t].mod)
			goto wait;
		if (update->export_mods[i])
			continue;
		mod = ksplice_use_target(update->new_mod, ex->targets[i]);
		if (IS_ERR_OR_NULL(mod) || mod != update->mods[t].mod) {
			if (!IS_ERR_OR_NULL(mod))
				ksplice_unuse_target(update->new_mod, mod);
			goto wait;
		}
		update->export_mods[i] = mod;
	}
	ksplice_module_lock();
	ksplice_set_exports(update->new_mod, ex, true);
	ksplice_module_unlock();
	update->exports_published = true;
	pr_info("%s: %u functions exported\n", update->id,
		ksplice_nr_exports(ex));
	return;
wait:
	ksplice_exports_unuse(update);
	pr_info("%s: its exports wait for module %s\n", update->id,
		ex->targets[i]);
}

/**
 * ksplice_exports_withdraw() - hide an update's exports again
 * @update:	an applied update, about to be reversed or replaced
 * @blame:	the update whose stage write this is: its cause is set
 *
 * Return: 0, or -EBUSY (cause module_busy set) when a module uses them.
 */
int ksplice_exports_withdraw(struct ksplice_update *update,
			     struct ksplice_update *blame)
{
	const struct ksplice_exports *ex;
	char name[MODULE_NAME_LEN];
	const char *user;
	int pass;

	if (!update->exports_published)
		return 0;
	ex = update->new->exports;
	for (pass = 0; pass < 2; pass++) {
		ksplice_module_lock();
		user = ksplice_export_user(update->new_mod, name,
					   sizeof(name));
		ksplice_set_exports(update->new_mod, ex, !!user);
		ksplice_module_unlock();
		if (user) {
			ksplice_set_cause(blame, KSPLICE_MODULE_BUSY,
					  "%s uses the functions update %s exports (%s%s): unload it first",
					  user, update->id,
					  ksplice_export_name(ex, 0),
					  ksplice_nr_exports(ex) > 1 ? "..." : "");
			return -EBUSY;
		}
		/*
		 * symbol_get() looks an export up with preemption off and
		 * takes its reference after: once those are over, look again.
		 */
		if (!pass)
			synchronize_rcu();
	}
	ksplice_exports_unuse(update);
	update->exports_published = false;
	pr_info("%s: exports withdrawn\n", update->id);
	return 0;
}

/**
 * ksplice_exports_prepare() - before the switch that applies an update
 * @update:	the update; update->replaced lists what it replaces
 *
 * The exports of the updates it replaces are withdrawn; none of its own
 * may be exported already; the loaded modules they need are held.
 *
 * Return: 0, or -EBUSY (module_busy) / -EEXIST (conflict) with the cause
 * set; then nothing changed.
 */
int ksplice_exports_prepare(struct ksplice_update *update)
{
	const struct ksplice_exports *ex = update->new->exports;
	const char *owner, *name;
	struct module *mod;
	unsigned int i, n;
	int ret, t;

	for (i = 0; i < update->nr_replaced; i++) {
		ret = ksplice_exports_withdraw(update->replaced[i], update);
		if (ret)
			goto republish;
	}
	n = ex ? ksplice_nr_exports(ex) : 0;
	for (i = 0; i < n; i++) {
		name = ksplice_export_name(ex, i);
		owner = ksplice_exported_by(update, name);
		if (owner) {
			ksplice_set_cause(update, KSPLICE_CONFLICT,
					  "%s, which this update exports, is already exported by %s",
					  name, owner);
			ret = -EEXIST;
			i = update->nr_replaced;
			goto republish;
		}
	}
	/* hold the loaded targets now: publishing then cannot fail */
	for (i = 0; ex && i < ex->nr_targets; i++) {
		t = ksplice_modtarget_index(update, ex->targets[i]);
		if (t < 0 || !update->mods[t].mod)
			continue;	/* published when it has loaded */
		mod = ksplice_use_target(update->new_mod, ex->targets[i]);
		if (IS_ERR(mod)) {
			ksplice_exports_unuse(update);
			ksplice_set_cause(update, KSPLICE_OUT_OF_MEMORY,
					  "holding module %s for the exports",
					  ex->targets[i]);
			ret = PTR_ERR(mod);
			i = update->nr_replaced;
			goto republish;
		}
		if (mod && mod != update->mods[t].mod)
			ksplice_unuse_target(update->new_mod, mod);
		else
			update->export_mods[i] = mod;
	}
	return 0;
republish:
	while (i--)
		ksplice_exports_publish(update->replaced[i]);
	return ret;
}

/**
 * ksplice_exports_cancel() - the switch failed after the preparation
 * @update:	the update that was being applied
 */
void ksplice_exports_cancel(struct ksplice_update *update)
{
	unsigned int i;

	if (update->new->exports && !update->exports_published)
		ksplice_exports_unuse(update);
	for (i = 0; i < update->nr_replaced; i++)
		ksplice_exports_publish(update->replaced[i]);
}

/**
 * ksplice_exports_module_live() - a module finished loading
 * @mod:	it
 *
 * The updates whose exports waited for it publish them.
 */
void ksplice_exports_module_live(struct module *mod)
{
	struct ksplice_update *update;

	list_for_each_entry(update, &ksplice_updates, list)
		if (!update->exports_published && !update->busy &&
		    ksplice_modtarget_index(update, mod->name) >= 0)
			ksplice_exports_publish(update);
}

/**
 * ksplice_exports_show() - the sysfs "exports" file
 * @update:	the update
 * @buf:	a page
 *
 * Return: the length written.
 */
ssize_t ksplice_exports_show(const struct ksplice_update *update, char *buf)
{
	const struct ksplice_exports *ex;
	const char *state;
	ssize_t len = 0;
	unsigned int i;

	if (!update->new || !update->new->exports)
		return 0;
	ex = update->new->exports;
	state = update->exports_published ? "published" : "hidden";
	for (i = 0; i < ksplice_nr_exports(ex); i++)
		len += sysfs_emit_at(buf, len, "%s %s\n",
				     ksplice_export_name(ex, i), state);
	return len;
}
