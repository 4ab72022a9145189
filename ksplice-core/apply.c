// SPDX-License-Identifier: GPL-2.0
/*
 * Applying and reversing an update.
 *
 *   preparing --apply--> applied --reverse--> reversed
 *
 * Both transitions install or keep the redirections and switch them all
 * at one instant inside stop_machine(), once no task's stack holds an
 * address in the code being left (the replaced functions when applying,
 * the new code when reversing).  A busy stack makes the
 * switch wait retry_delay_ms and try again, max_tries times in all.
 * The caller holds ksplice_mutex.
 *
 * The patch's hooks (hooks.c) run around each transition: pre_* before
 * it (a failure aborts), check_* and apply/reverse inside stop_machine
 * (a failing check aborts without retries), post_* after it, fail_*
 * when it fails after the pre_* hooks ran.
 *
 * The new-code module is pinned (pin.c) from the start of an apply until
 * its reversal has turned the redirections off: not even "rmmod -f" can
 * unload it in between; the helper of an update that patches modules is
 * held as long (modules.c), to patch them when they load again.  An
 * update whose new code's addresses the kernel may still hold after a
 * reversal (KSPLICE_NEW_KEEP_MODULE) stays pinned.
 *
 * The new values of read-only data (values.c) are written in the same
 * switch, and the old ones put back in the reversal's.  The new code's
 * linked jump labels (keysites.c) are linked to the keys of the loaded
 * module targets before the switch, and unlinked after the reversal's.
 *
 * The functions an update exports (exports.c) are published after its
 * switch and withdrawn before its reversal's, or before the switch of a
 * cumulative update that replaces it.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <asm/sync_core.h>

#include "core.h"

/* The time the callback took, and the tasks it checked: sysfs "pause". */
static void ksplice_note_pause(struct ksplice_update *update, u64 start)
{
	int k = !update->scan_activate;

	update->pause_ns[k] = ktime_get_ns() - start;
	update->pause_tasks[k] = update->nr_tasks;
	update->pause_scanned[k] = update->nr_scanned;
}

static int ksplice_switch_cb(void *data)
{
	struct ksplice_update *update = data;
	bool on = update->scan_activate;
	u64 start = ktime_get_ns();
	int ret = 0;

	if (ksplice_stack_scan(update)) {
		ret = -EBUSY;
	} else if (!ksplice_redirect_intact(update)) {
		ret = -ECANCELED;	/* a jump was written over: cause set */
	} else if (ksplice_run_hooks(update, on ? KSPLICE_HOOK_CHECK_APPLY :
					  KSPLICE_HOOK_CHECK_REVERSE)) {
		ret = -ECANCELED;	/* a check hook vetoed: no retry */
	} else {
		ksplice_redirect_switch(update, on);
		ksplice_values_switch(update, on);
		if (on)
			ksplice_replace_switch(update);	/* a cumulative one */
		ksplice_run_hooks(update, on ? KSPLICE_HOOK_APPLY :
					 KSPLICE_HOOK_REVERSE);
	}
	ksplice_note_pause(update, start);
	return ret;
}

/* One switch, with every online CPU stopped. */
struct ksplice_stop {
	struct ksplice_update *update;
	atomic_t entered;
	int done;
};

/*
 * Every stopped CPU runs this: the first to come does the switch, the
 * others wait for it.  Then each serialises its instruction stream
 * before it goes back to running code, as code written by another CPU
 * (a jump over an old function) requires.
 */
static int ksplice_stop_cb(void *data)
{
	struct ksplice_stop *stop = data;
	int ret = 0;

	if (atomic_inc_return(&stop->entered) == 1) {
		ret = ksplice_switch_cb(stop->update);
		/* the switch's writes before done; read after it below */
		smp_store_release(&stop->done, 1);
	} else {
		/* pairs with the release above */
		while (!smp_load_acquire(&stop->done))
			cpu_relax();
	}
	sync_core();
	return ret;
}

static int ksplice_stop_machine(struct ksplice_update *update)
{
	struct ksplice_stop stop = { .update = update };

	atomic_set(&stop.entered, 0);
	return stop_machine(ksplice_stop_cb, &stop, cpu_online_mask);
}

/* Turn the redirections on or off once the ranges are not in use. */
static int ksplice_switch(struct ksplice_update *update,
			  const struct ksplice_range *ranges,
			  unsigned int nr_ranges, bool activate)
{
	unsigned int try;
	int ret;

	update->scan_ranges = ranges;
	update->scan_nr_ranges = nr_ranges;
	update->scan_activate = activate;
	update->scan_skip_old = activate;
	update->scan_skip_new = !activate && !preempt_model_preemptible();
	for (try = 1; ; try++) {
		/* a task found before stopping: no need to stop */
		ret = ksplice_stack_precheck(update) ? -EBUSY :
			ksplice_stop_machine(update);
		ksplice_stack_precheck_done();
		if (ret != -EBUSY || try >= ksplice_max_tries)
			break;
		if (ksplice_debug)
			pr_info("%s: %u tasks busy, try %u of %u\n", update->id,
				update->nr_conflicts, try, ksplice_max_tries);
		/*
		 * Sleep without the lock, so that sysfs readers and other
		 * updates do not wait behind a busy stack; update->busy
		 * keeps this update's stage writes and its functions to us.
		 */
		mutex_unlock(&ksplice_mutex);
		msleep(ksplice_retry_delay_ms);
		mutex_lock(&ksplice_mutex);
	}
	if (update->nr_scanned_by_words)
		pr_info("%s: %u stacks could not be walked reliably and were scanned word by word\n",
			update->id, update->nr_scanned_by_words);
	return ret;
}

/* conflicts: "<comm> <pid> <symbol+off/size>" a line. */
static void ksplice_report_busy(struct ksplice_update *update,
				unsigned int tries)
{
	unsigned int i, nr = min_t(unsigned int, update->nr_conflicts,
				   KSPLICE_MAX_CONFLICTS);
	struct ksplice_conflict *c;
	size_t len = 0;
	char *text;

	kfree(update->conflicts_text);
	update->conflicts_text = NULL;
	text = KSPLICE_FALLIBLE(kmalloc(PAGE_SIZE, GFP_KERNEL));
	if (text) {
		text[0] = '\0';
		for (i = 0; i < nr; i++) {
			c = &update->conflicts[i];
			len += scnprintf(text + len, PAGE_SIZE - len,
					 "%s %d %pS\n", c->comm, c->pid,
					 (void *)c->addr);
		}
		if (update->nr_conflicts > nr)
			scnprintf(text + len, PAGE_SIZE - len,
				  "(%u more tasks)\n",
				  update->nr_conflicts - nr);
		update->conflicts_text = text;
	}
	c = &update->conflicts[0];
	ksplice_set_cause(update, KSPLICE_CODE_BUSY,
			  "%u tasks still in the code after %u tries, e.g. %s %d at %pS",
			  update->nr_conflicts, tries, c->comm, c->pid,
			  (void *)c->addr);
}

static void ksplice_switch_failed(struct ksplice_update *update, int ret)
{
	if (ret == -ECANCELED)
		return;		/* the check hook's cause is set */
	if (ret == -EBUSY)
		ksplice_report_busy(update, max(ksplice_max_tries, 1U));
	else
		ksplice_set_cause(update, KSPLICE_UNEXPECTED,
				  "stop_machine failed: %d", ret);
}

/* The applied update that already replaces one of ours, if any. */
static struct ksplice_update *
ksplice_replaced_by_other(struct ksplice_update *update, const char **name)
{
	struct ksplice_update *other;
	unsigned int i, j;

	list_for_each_entry(other, &ksplice_updates, list) {
		/* one being applied or reversed right now counts too */
		if (other == update || ksplice_replacing(update, other) ||
		    (other->stage != KSPLICE_STAGE_APPLIED && !other->busy))
			continue;
		for (i = 0; i < update->nr_funcs; i++) {
			for (j = 0; j < other->nr_funcs; j++) {
				if (update->funcs[i].old_addr &&
				    update->funcs[i].old_addr ==
				    other->funcs[j].old_addr) {
					*name = update->funcs[i].name;
					return other;
				}
			}
		}
	}
	return NULL;
}

static int ksplice_apply_refused(struct ksplice_update *update)
{
	const char *why;

	if (update->stage != KSPLICE_STAGE_PREPARING)
		why = update->stage == KSPLICE_STAGE_APPLIED ?
			"already applied" : "already reversed";
	else if (!update->matched)
		why = "run-pre matching did not succeed";
	else
		why = "the new-code module is not loaded";
	if (update->cause == KSPLICE_OK)
		ksplice_set_cause(update, KSPLICE_UNEXPECTED,
				  "cannot apply: %s", why);
	return -EINVAL;
}

int ksplice_apply(struct ksplice_update *update)
{
	struct ksplice_range *ranges = update->ranges;
	unsigned int nr_ranges = update->nr_ranges;
	struct ksplice_update *other;
	const char *name;
	int ret;

	if (update->stage != KSPLICE_STAGE_PREPARING || !update->matched ||
	    !update->new)
		return ksplice_apply_refused(update);
	ksplice_clear_cause(update);
	ret = ksplice_replace_prepare(update, &ranges, &nr_ranges);
	if (ret)
		return ret;
	other = ksplice_replaced_by_other(update, &name);
	if (other) {
		ksplice_set_cause(update, KSPLICE_UNEXPECTED,
				  "%s is already replaced by update %s (or is being)",
				  name, other->id);
		ret = -EBUSY;
		goto cancel;
	}
	ret = ksplice_pin(update);
	if (ret) {
		ksplice_set_cause(update, ret == -EBUSY ? KSPLICE_MODULE_BUSY :
				  KSPLICE_OUT_OF_MEMORY, "%s: %s",
				  module_name(update->new_mod),
				  ret == -EBUSY ? "being unloaded" :
				  "pinning it");
		goto cancel;
	}

	ret = ksplice_modules_hold(update);
	if (ret) {
		ksplice_set_cause(update, ret == -ENOMEM ?
				  KSPLICE_OUT_OF_MEMORY : KSPLICE_MODULE_BUSY,
				  "%s: holding the helper",
				  module_name(update->helper->owner));
		goto unpin;
	}
	ret = ksplice_exports_prepare(update);
	if (ret)
		goto release;
	ret = ksplice_run_hooks(update, KSPLICE_HOOK_PRE_APPLY);
	if (ret)
		goto fail;
	ret = ksplice_redirect_install(update);
	if (ret)
		goto fail;
	ret = ksplice_keysites_link_loaded(update);
	if (!ret) {
		ret = ksplice_values_prepare(update, true);
		if (ret)
			ksplice_keysites_unlink_all(update, true);
	}
	if (ret) {
		ksplice_redirect_remove(update);
		goto fail;
	}
	ret = ksplice_switch(update, ranges, nr_ranges, true);
	ksplice_values_finish(update);
	if (ret) {
		ksplice_redirect_remove(update);
		ksplice_keysites_unlink_all(update, true);
		ksplice_switch_failed(update, ret);
		goto fail;
	}
	update->stage = KSPLICE_STAGE_APPLIED;
	ksplice_modules_applied(update);
	ksplice_replace_finish(update);
	ksplice_exports_publish(update);
	if (ranges != update->ranges)
		kfree(ranges);
	ksplice_run_hooks(update, KSPLICE_HOOK_POST_APPLY);
	pr_info("%s: applied (%u functions; stopped %llu us, %u of %u tasks checked then)\n",
		update->id, update->nr_funcs, update->pause_ns[0] / 1000,
		update->pause_scanned[0], update->pause_tasks[0]);
	return 0;
fail:
	ksplice_run_hooks(update, KSPLICE_HOOK_FAIL_APPLY);
	ksplice_exports_cancel(update);
release:
	ksplice_modules_release(update, false);
unpin:
	ksplice_unpin(update);
cancel:
	ksplice_replace_cancel(update);
	if (ranges != update->ranges)
		kfree(ranges);
	return ret;
}

int ksplice_reverse(struct ksplice_update *update)
{
	const struct ksplice_range *ranges = update->new_ranges;
	unsigned int nr_ranges = update->nr_new_ranges;
	struct ksplice_update *upper;
	int ret;

	if (update->stage != KSPLICE_STAGE_APPLIED) {
		if (update->cause == KSPLICE_OK)
			ksplice_set_cause(update, KSPLICE_UNEXPECTED,
					  "cannot reverse: not applied");
		return -EINVAL;
	}
	ksplice_clear_cause(update);
	upper = ksplice_update_on_top(update);
	if (upper) {
		ksplice_set_cause(update, KSPLICE_ON_TOP,
				  "update %s is on top of it: undo %s first",
				  upper->id, upper->id);
		return -EBUSY;
	}
	ret = ksplice_exports_withdraw(update, update);
	if (ret)
		return ret;
	ret = ksplice_run_hooks(update, KSPLICE_HOOK_PRE_REVERSE);
	if (!ret)
		ret = ksplice_values_prepare(update, false);
	if (!ret) {
		ret = ksplice_switch(update, ranges, nr_ranges, false);
		ksplice_values_finish(update);
		if (ret)
			ksplice_switch_failed(update, ret);
	}
	if (ret) {
		ksplice_run_hooks(update, KSPLICE_HOOK_FAIL_REVERSE);
		ksplice_exports_publish(update);
		return ret;
	}
	ksplice_redirect_remove(update);
	ksplice_keysites_unlink_all(update, false);
	update->stage = KSPLICE_STAGE_REVERSED;
	ksplice_modules_release(update, true);
	ksplice_run_hooks(update, KSPLICE_HOOK_POST_REVERSE);
	if (ksplice_unpin_reversed(update))
		pr_info("%s: reversed; %s stays loaded, used by the kernel\n",
			update->id, module_name(update->new_mod));
	else
		pr_info("%s: reversed (stopped %llu us, %u of %u tasks checked then)\n",
			update->id, update->pause_ns[1] / 1000,
			update->pause_scanned[1], update->pause_tasks[1]);
	return 0;
}
