// SPDX-License-Identifier: GPL-2.0
/*
 * Cumulative updates: an update that replaces applied updates in one
 * switch (struct ksplice_new.replaces).
 *
 * It is made from the tree without them, with a patch that holds theirs,
 * so it matches the kernel's own code and redirects the same old entries.
 * At most one redirection per entry exists (ftrace lets one handler
 * change the instruction pointer), so where a replaced update already
 * redirects an entry, the new one takes that redirection over: inside
 * stop_machine its target becomes the new code; the replaced updates'
 * other redirections go back to the old code at the same instant.  The
 * stack check covers the new one's replaced functions and all of the
 * replaced updates' new code.  Then the replaced updates are reversed
 * (without their hooks) and unpinned; a failure at any point leaves them
 * applied as they were.  While the switch is being tried, the replaced
 * updates are busy: no stage write can change them meanwhile.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

/**
 * ksplice_replacing() - is @other one of the updates @update replaces?
 * @update: an update
 * @other: another
 *
 * Return: whether @update, being applied, replaces @other.
 */
bool ksplice_replacing(const struct ksplice_update *update,
		       const struct ksplice_update *other)
{
	unsigned int i;

	for (i = 0; i < update->nr_replaced; i++)
		if (update->replaced[i] == other)
			return true;
	return false;
}

static int ksplice_find_replaced(struct ksplice_update *update)
{
	const struct ksplice_new *kn = update->new;
	struct ksplice_update *r;
	unsigned int i;

	update->replaced = KSPLICE_FALLIBLE(kcalloc(kn->nr_replaces, sizeof(*update->replaced),
				   GFP_KERNEL));
	if (!update->replaced) {
		ksplice_set_cause(update, KSPLICE_OUT_OF_MEMORY,
				  "replacing updates");
		return -ENOMEM;
	}
	for (i = 0; i < kn->nr_replaces; i++) {
		r = ksplice_find_update(kn->replaces[i]);
		if (!r || r == update || r->stage != KSPLICE_STAGE_APPLIED ||
		    r->busy || ksplice_replacing(update, r)) {
			ksplice_set_cause(update, KSPLICE_UNEXPECTED,
					  "update %s, which this one replaces, is not applied%s",
					  kn->replaces[i],
					  r && r->busy ? " (it is being changed)" : "");
			return -EINVAL;
		}
		update->replaced[update->nr_replaced++] = r;
	}
	return 0;
}

/* Nothing but the replaced updates may be on top of them. */
static int ksplice_check_tops(struct ksplice_update *update)
{
	struct ksplice_update *r, *other;
	unsigned int i;

	for (i = 0; i < update->nr_replaced; i++) {
		r = update->replaced[i];
		if (ksplice_is_on_top(update, r)) {
			ksplice_set_cause(update, KSPLICE_UNEXPECTED,
					  "it uses the new code of %s, which it replaces: make it from the tree without the replaced updates",
					  r->id);
			return -EINVAL;
		}
		list_for_each_entry(other, &ksplice_updates, list) {
			if (other == update || ksplice_replacing(update, other) ||
			    (other->stage == KSPLICE_STAGE_REVERSED &&
			     !other->kept) || !ksplice_is_on_top(other, r))
				continue;
			ksplice_set_cause(update, KSPLICE_ON_TOP,
					  "update %s is on top of %s, which this one replaces: undo %s first or replace it too",
					  other->id, r->id, other->id);
			return -EBUSY;
		}
	}
	return 0;
}

/* Which redirections of the replaced updates the new functions take. */
static void ksplice_match_takes(struct ksplice_update *update)
{
	struct ksplice_func *f, *rf;
	unsigned int i, j, k;

	for (i = 0; i < update->nr_funcs; i++) {
		f = &update->funcs[i];
		for (j = 0; j < update->nr_replaced && !f->take; j++) {
			for (k = 0; k < update->replaced[j]->nr_funcs; k++) {
				rf = &update->replaced[j]->funcs[k];
				if (rf->redir && rf->old_addr == f->old_addr &&
				    !rf->taken) {
					f->take = rf;
					rf->taken = true;
					break;
				}
			}
		}
	}
}

/* The new update's ranges and all of the replaced updates' new code. */
static int ksplice_replace_ranges(struct ksplice_update *update,
				  struct ksplice_range **out,
				  unsigned int *nr_out)
{
	struct ksplice_range *ranges;
	struct ksplice_update *r;
	unsigned int i, nr = update->nr_ranges;

	for (i = 0; i < update->nr_replaced; i++)
		nr += update->replaced[i]->nr_new_ranges;
	ranges = KSPLICE_FALLIBLE(kcalloc(nr, sizeof(*ranges), GFP_KERNEL));
	if (!ranges) {
		ksplice_set_cause(update, KSPLICE_OUT_OF_MEMORY,
				  "replacing updates");
		return -ENOMEM;
	}
	memcpy(ranges, update->ranges, update->nr_ranges * sizeof(*ranges));
	nr = update->nr_ranges;
	for (i = 0; i < update->nr_replaced; i++) {
		r = update->replaced[i];
		memcpy(ranges + nr, r->new_ranges,
		       r->nr_new_ranges * sizeof(*ranges));
		nr += r->nr_new_ranges;
	}
	*out = ranges;
	*nr_out = nr;
	return 0;
}

/**
 * ksplice_replace_prepare() - get a cumulative update's switch ready
 * @update: an update about to be applied; nothing to do if it replaces
 *	    no update
 * @ranges: set to the ranges the stack check covers (kmalloc'd), or left
 * @nr_ranges: ... and their number
 *
 * Finds the replaced updates (all applied, nothing else on top of them),
 * marks them busy and chooses the redirections to take over.  Under
 * ksplice_mutex.  On failure sets the cause and undoes itself.
 *
 * Return: 0 or a negative errno.
 */
int ksplice_replace_prepare(struct ksplice_update *update,
			    struct ksplice_range **ranges,
			    unsigned int *nr_ranges)
{
	unsigned int i;
	int ret;

	if (!update->new->nr_replaces)
		return 0;
	ret = ksplice_find_replaced(update);
	if (!ret)
		ret = ksplice_check_tops(update);
	if (!ret)
		ret = ksplice_replace_ranges(update, ranges, nr_ranges);
	if (ret) {
		ksplice_replace_cancel(update);
		return ret;
	}
	for (i = 0; i < update->nr_replaced; i++)
		update->replaced[i]->busy = true;
	ksplice_match_takes(update);
	return 0;
}

/**
 * ksplice_replace_switch() - the replaced updates' part of the switch
 * @update: a cumulative update being switched on, inside stop_machine
 *
 * Their redirections that the new update does not take send calls to the
 * old code again.
 */
void ksplice_replace_switch(struct ksplice_update *update)
{
	struct ksplice_update *r;
	unsigned int i, k;

	for (i = 0; i < update->nr_replaced; i++) {
		r = update->replaced[i];
		for (k = 0; k < r->nr_funcs; k++)
			if (r->funcs[k].redir && !r->funcs[k].taken)
				ksplice_redirect_set(r->funcs[k].redir, 0, true);
	}
}

/**
 * ksplice_replace_finish() - the replaced updates, after the switch
 * @update: a cumulative update just switched on
 *
 * It owns the redirections it took; the replaced updates' others are
 * removed and they end reversed and unpinned (or kept).
 */
void ksplice_replace_finish(struct ksplice_update *update)
{
	struct ksplice_update *r;
	unsigned int i, k;

	ksplice_redirect_take(update);
	for (i = 0; i < update->nr_replaced; i++) {
		r = update->replaced[i];
		for (k = 0; k < r->nr_funcs; k++)
			r->funcs[k].taken = false;
		ksplice_redirect_remove(r);
		ksplice_keysites_unlink_all(r, false);
		r->stage = KSPLICE_STAGE_REVERSED;
		r->busy = false;
		ksplice_modules_release(r, true);
		ksplice_unpin_reversed(r);
		pr_info("%s: replaced by %s\n", r->id, update->id);
	}
	kfree(update->replaced);
	update->replaced = NULL;
	update->nr_replaced = 0;
}

/**
 * ksplice_replace_cancel() - leave the replaced updates as they were
 * @update: a cumulative update whose apply failed (or is refused)
 */
void ksplice_replace_cancel(struct ksplice_update *update)
{
	struct ksplice_update *r;
	unsigned int i, k;

	for (i = 0; i < update->nr_funcs; i++)
		update->funcs[i].take = NULL;
	for (i = 0; i < update->nr_replaced; i++) {
		r = update->replaced[i];
		for (k = 0; k < r->nr_funcs; k++)
			r->funcs[k].taken = false;
		r->busy = false;
	}
	kfree(update->replaced);
	update->replaced = NULL;
	update->nr_replaced = 0;
}
