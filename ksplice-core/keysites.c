// SPDX-License-Identifier: GPL-2.0
/*
 * Linked jump labels of the new code (struct ksplice_keysite in
 * ksplice-format.h): sites on a key of a module target that the kernel's
 * jump-label code patches, linked while that module is loaded.
 *
 * The kernel links a module's jump entries to their keys when the module
 * comes and unlinks them when it goes: jump_label_module_notify(), the
 * module notifier of kernel/jump_label.c (not exported: found by name).
 * For each module target with keysites, the core hands it a struct module
 * of its own that holds those entries only, as if a module that uses the
 * target's keys had come; the jump-label code reads nothing else of it
 * (jump_entries, num_jump_entries, and a live state for later updates of
 * the keys).  Its entries are made anew for each link, from the keys'
 * addresses as matched then, in the room the new-code module gives
 * (module memory: the entries hold 32-bit offsets to the code).  The
 * kernel sorts them and patches each site to its key's state.  Unlinking
 * is that module's going: the kernel forgets the entries, and the core
 * puts the compiled bytes back in each site, which is what the kernel
 * expects to find there when it links them again (the target came back).
 * Linked and unlinked under ksplice_mutex, while the new code of that
 * target cannot run (before the switch, as the target comes or goes,
 * after the reversal).
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/nops.h>
#include <asm/unaligned.h>

#include "core.h"

typedef int (*notify_t)(struct notifier_block *nb, unsigned long val,
			void *data);

static notify_t ksplice_jump_label_notify;

/**
 * ksplice_keysites_init() - find the kernel's jump-label module notifier
 *
 * Its absence refuses only updates that have keysites.
 */
void ksplice_keysites_init(void)
{
	ksplice_jump_label_notify =
		(notify_t)ksplice_lookup_name("jump_label_module_notify");
}

static int ksplice_keysite_target(const struct ksplice_update *update,
				  const struct ksplice_keysite *ks)
{
	return ksplice_modtarget_index(update,
				       update->helper->symbols[ks->symbol].target);
}

/**
 * ksplice_keysites_problem() - what is wrong with the new code's keysites
 * @update:	a matched update
 * @kn:		its new code
 *
 * Return: NULL, or a description.
 */
const char *ksplice_keysites_problem(const struct ksplice_update *update,
				     const struct ksplice_new *kn)
{
	const struct ksplice_keysite *ks;
	unsigned int i, k;
	int t;

	if (!kn->nr_keysites)
		return NULL;
	if (!ksplice_jump_label_notify)
		return "linked jump labels, and the kernel has no jump_label_module_notify";
	if (!within_module((unsigned long)kn->keysite_entries, kn->owner) ||
	    !within_module((unsigned long)(kn->keysite_entries +
					   kn->nr_keysites) - 1, kn->owner))
		return "the room for linked jump labels is outside the module";
	for (i = 0; i < kn->nr_keysites; i++) {
		ks = &kn->keysites[i];
		if (ks->symbol >= update->nr_values)
			return "a linked jump label has a bad symbol index";
		t = ksplice_keysite_target(update, ks);
		if (t < 0)
			return "a linked jump label's key is not in a module the update patches";
		/* each target's in one run: the entries of one module */
		if (i && t != ksplice_keysite_target(update, ks - 1))
			for (k = 0; k < i; k++)
				if (ksplice_keysite_target(update,
							   &kn->keysites[k]) == t)
					return "the linked jump labels of a module are not together";
		if ((ks->len != 2 && ks->len != 5) ||
		    !within_module(ks->site, kn->owner) ||
		    !within_module(ks->site + ks->len - 1, kn->owner) ||
		    !within_module(ks->target, kn->owner))
			return "a linked jump label is not in the new code";
		if (memcmp((void *)ks->site, ks->bytes, ks->len))
			return "a linked jump label's site does not hold its compiled bytes";
	}
	return NULL;
}

/* The run of keysites of module target t: first index and count. */
static unsigned int ksplice_keysites_of(const struct ksplice_update *update,
					int t, unsigned int *first)
{
	const struct ksplice_new *kn = update->new;
	unsigned int i, n = 0;

	*first = 0;
	for (i = 0; i < kn->nr_keysites; i++) {
		if (ksplice_keysite_target(update, &kn->keysites[i]) != t)
			continue;
		if (!n)
			*first = i;
		n++;
	}
	return n;
}

/*
 * Does the site hold what the kernel will expect of it: the state the
 * key's type gives it at first (a jmp to the target when that type and
 * the branch bit differ, else a NOP)?  The kernel crashes the machine
 * rather than patch a site that holds anything else.
 */
static bool ksplice_keysite_initial(const struct ksplice_update *update,
				    const struct ksplice_keysite *ks)
{
	static const u8 nop2[] = { BYTES_NOP2 }, nop5[] = { BYTES_NOP5 };
	const struct static_key *key = (void *)(update->values[ks->symbol] +
						(ks->addend & ~3L));
	bool jump = !!(READ_ONCE(key->type) & JUMP_TYPE_TRUE) ^
		    (ks->addend & 1);
	const u8 *site = (const u8 *)ks->site;
	long disp = ks->target - (ks->site + ks->len);

	if (!jump)
		return !memcmp(site, ks->len == 2 ? nop2 : nop5, ks->len);
	if (ks->len == 2)
		return site[0] == 0xeb && (s8)site[1] == disp;
	return site[0] == 0xe9 && get_unaligned((s32 *)(site + 1)) == disp;
}

/* Entry e for keysite ks, its key at its address now; false: too far. */
static bool ksplice_keysite_entry(const struct ksplice_update *update,
				  const struct ksplice_keysite *ks,
				  struct jump_entry *e)
{
	long code = ks->site - (unsigned long)&e->code;
	long target = ks->target - (unsigned long)&e->target;

	if (code != (s32)code || target != (s32)target)
		return false;
	e->code = code;
	e->target = target;
	e->key = update->values[ks->symbol] + ks->addend -
		 (unsigned long)&e->key;
	return true;
}

/**
 * ksplice_keysites_link() - link a module target's jump labels to its keys
 * @update:	an update being applied or applied, its new code registered
 * @t:		a module target, loaded and matched (its symbols known)
 *
 * Return: 0, or an error with the update's cause set.
 */
int ksplice_keysites_link(struct ksplice_update *update, int t)
{
	const struct ksplice_new *kn = update->new;
	struct jump_entry *entries;
	struct module *keys;
	unsigned int first, n, i;
	int ret;

	n = ksplice_keysites_of(update, t, &first);
	if (!n || update->mods[t].keys)
		return 0;
	entries = kn->keysite_entries + first;
	for (i = 0; i < n; i++) {
		const struct ksplice_keysite *ks = &kn->keysites[first + i];
		const char *why = NULL;

		if (!update->known[ks->symbol])
			why = "the key is not found";
		else if (!ksplice_keysite_entry(update, ks, &entries[i]))
			why = "the key is too far";
		else if (!ksplice_keysite_initial(update, ks))
			why = "the site does not hold the key's initial state (the key's type is not the one the new code was built for)";
		if (why) {
			ksplice_set_cause(update, KSPLICE_UNEXPECTED,
					  "%s: the jump label of the new code at %pS cannot be linked to %s: %s",
					  update->mods[t].name, (void *)ks->site,
					  update->helper->symbols[ks->symbol].name,
					  why);
			return -EINVAL;
		}
	}
	keys = KSPLICE_FALLIBLE(kzalloc(sizeof(*keys), GFP_KERNEL));
	if (!keys) {
		ksplice_set_cause(update, KSPLICE_OUT_OF_MEMORY,
				  "%s: linking jump labels", update->mods[t].name);
		return -ENOMEM;
	}
	keys->state = MODULE_STATE_LIVE;
	strscpy(keys->name, module_name(kn->owner), sizeof(keys->name));
	keys->jump_entries = entries;
	keys->num_jump_entries = n;
	ret = notifier_to_errno(ksplice_jump_label_notify(NULL,
							  MODULE_STATE_COMING,
							  keys));
	if (ret) {
		/* the notifier unlinked what it had linked */
		kfree(keys);
		ksplice_set_cause(update, KSPLICE_OUT_OF_MEMORY,
				  "%s: linking jump labels", update->mods[t].name);
		return ret;
	}
	update->mods[t].keys = keys;
	return 0;
}

/**
 * ksplice_keysites_unlink() - unlink a module target's jump labels
 * @update:	an update with new code
 * @t:		a module target, linked or not
 * @restore:	put the compiled bytes back in the sites (the new code
 *		does not run: it is not applied, or the module is going)
 */
void ksplice_keysites_unlink(struct ksplice_update *update, int t,
			     bool restore)
{
	const struct ksplice_new *kn = update->new;
	const struct ksplice_keysite *ks;
	struct module *keys = update->mods[t].keys;
	unsigned int first, n, i;

	if (!keys)
		return;
	ksplice_jump_label_notify(NULL, MODULE_STATE_GOING, keys);
	kfree(keys);
	update->mods[t].keys = NULL;
	n = ksplice_keysites_of(update, t, &first);
	for (i = 0; restore && i < n; i++) {
		ks = &kn->keysites[first + i];
		if (memcmp((void *)ks->site, ks->bytes, ks->len))
			ksplice_poke_text((void *)ks->site, ks->bytes,
					  ks->len);
	}
}

/**
 * ksplice_keysites_link_loaded() - link the jump labels of every loaded
 *	module target, before the switch of an apply
 * @update:	an update being applied
 *
 * Return: 0, or an error with the cause set and nothing left linked.
 */
int ksplice_keysites_link_loaded(struct ksplice_update *update)
{
	unsigned int t;
	int ret;

	for (t = 0; t < update->nr_mods; t++) {
		if (!update->mods[t].mod)
			continue;
		ret = ksplice_keysites_link(update, t);
		if (ret) {
			ksplice_keysites_unlink_all(update, true);
			return ret;
		}
	}
	return 0;
}

/**
 * ksplice_keysites_unlink_all() - unlink every module target's jump labels
 * @update:	an update with new code
 * @restore:	as for ksplice_keysites_unlink()
 */
void ksplice_keysites_unlink_all(struct ksplice_update *update, bool restore)
{
	unsigned int t;

	for (t = 0; t < update->nr_mods; t++)
		ksplice_keysites_unlink(update, t, restore);
}
