// SPDX-License-Identifier: GPL-2.0
/*
 * The stack check: before stop_machine() and inside it.
 *
 * Before the machine stops (ksplice_stack_precheck(), preemptible), every
 * task that is not running is checked while the scheduler holds it still
 * (task_call_func()); a running one is kept (with a reference) to be
 * checked inside.  From before the first of these checks until the stop,
 * watch.c notes every task a CPU switches to.  Inside stop_machine()
 * (ksplice_stack_scan()) only the kept tasks, the noted ones, the caller
 * and the idle tasks are checked: any other task has not run since its
 * check, and its stack is the one that was checked.  The work in the
 * stopped window thus follows the tasks that ran, not all the tasks.  A
 * task found in the ranges before the machine stops makes the try fail
 * without stopping it.
 *
 * Should the watch be incomplete, each task's context-switch count,
 * noted at its check, tells the same in a walk over every task (with its
 * pointer, pid and start time, so that a new task at the same address is
 * not taken for the one checked).
 *
 * Each task's stack is walked with the kernel's reliable unwinder, which
 * gives its exact return addresses and recovers those hidden behind the
 * function-graph tracer's and kretprobes' trampolines; each is compared
 * with the ranges that no task may be executing in.  Where the unwinder
 * cannot vouch for a stack (or is missing, or the task is on another
 * CPU, or is runnable with a kretprobe trampoline on its stack), every
 * word of it from its saved stack pointer to the top is compared
 * instead: conservative, it also finds stale values, which only make the
 * update wait and retry, and counts a task whose stack holds a tracer's
 * return trampoline as busy.
 *
 * The entry address of a patched function is not counted: such a word is
 * a function pointer, or the instruction pointer our ftrace handler wrote
 * into a pt_regs frame that is now stale, not a return address.  A task
 * stopped exactly at an entry would be redirected when applying (the
 * entry is the ftrace site, the jump or the kprobe); when reversing, a task can be
 * stopped at the entry of the new code only if the kernel preempts
 * anywhere, and then the entries of the new code count.  A task inside
 * a direct-call trampoline (direct.c) always counts: it may have read
 * its slot already, and go on to the code being left.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "core.h"

/*
 * A task checked before the machine stops: the same task (pointer, pid,
 * start time) with the same number of context switches has not run.
 */
struct ksplice_checked {
	const struct task_struct *task;
	pid_t pid;
	u64 start_time;
	unsigned long switches;
};

static struct ksplice_checked *ksplice_checked;
static unsigned int ksplice_nr_checked, ksplice_cap_checked;
/* tasks running when checked: checked again inside, with a reference */
static struct task_struct **ksplice_running;
static unsigned int ksplice_nr_running, ksplice_cap_running;
static unsigned int ksplice_nr_seen;	/* tasks the precheck saw */
static bool ksplice_running_lost;	/* one did not fit: check all */

typedef int (*task_call_t)(struct task_struct *p,
			   int (*fn)(struct task_struct *, void *), void *arg);
static task_call_t ksplice_task_call;

static unsigned long ksplice_switches(const struct task_struct *t)
{
	return READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
}

static bool ksplice_is_entry(const struct ksplice_update *update,
			     unsigned long addr)
{
	const struct ksplice_func *f = update->funcs;
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++)
		if ((update->scan_skip_old && addr == f[i].old_addr) ||
		    (update->scan_skip_new && addr == f[i].new_addr))
			return true;
	return false;
}

static bool ksplice_in_ranges(const struct ksplice_update *update,
			      unsigned long addr)
{
	const struct ksplice_range *r = update->scan_ranges;
	unsigned int i;

	/* between a site and where its trampoline sends it, either way */
	if (ksplice_direct_in_pool(addr))
		return true;
	for (i = 0; i < update->scan_nr_ranges; i++)
		if (addr - r[i].start < r[i].size)
			return !ksplice_is_entry(update, addr);
	return false;
}

static void ksplice_add_conflict(struct ksplice_update *update,
				 struct task_struct *t, unsigned long addr)
{
	struct ksplice_conflict *c;

	if (update->nr_conflicts < KSPLICE_MAX_CONFLICTS) {
		c = &update->conflicts[update->nr_conflicts];
		/* No task_lock() here: other CPUs are stopped anywhere. */
		strscpy(c->comm, t->comm, sizeof(c->comm));
		c->pid = task_pid_nr(t);
		c->addr = addr;
	}
	update->nr_conflicts++;
}

/*
 * A word scan cannot see through the trampolines that the function-graph
 * tracer and kretprobes put in place of return addresses: finding one,
 * it counts the task as busy.
 */
static bool ksplice_is_trampoline(unsigned long addr)
{
	const unsigned long *tramp = ksplice_trampolines();
	unsigned int i;

	for (i = 0; i < KSPLICE_NR_TRAMPOLINES; i++)
		if (tramp[i] && addr == tramp[i])
			return true;
	return false;
}

/* Room for the return addresses of one stack; more: scanned by words. */
#define KSPLICE_MAX_FRAMES	128

/* Only the one CPU running the stop_machine() callback uses it. */
static unsigned long ksplice_frames[KSPLICE_MAX_FRAMES];

/* False when the stack could not be walked reliably. */
static bool ksplice_walk_task(struct ksplice_update *update,
			      struct task_struct *t)
{
	int i, n = ksplice_stack_reliable(t, ksplice_frames,
					  KSPLICE_MAX_FRAMES);

	if (n < 0 || n >= KSPLICE_MAX_FRAMES)
		return false;
	for (i = 0; i < n; i++) {
		if (ksplice_in_ranges(update, ksplice_frames[i])) {
			ksplice_add_conflict(update, t, ksplice_frames[i]);
			break;
		}
	}
	return true;
}

/* Does [sp, top) hold a tracer's return trampoline? */
static bool ksplice_holds_trampoline(const unsigned long *sp,
				     const unsigned long *top)
{
	for (; sp < top; sp++)
		if (ksplice_is_trampoline(*sp))
			return true;
	return false;
}

static void ksplice_scan_task(struct ksplice_update *update,
			      struct task_struct *t)
{
	unsigned long *stack = task_stack_page(t);
	unsigned long *top, *sp;
	bool walk;

	if (!stack)
		return;		/* an exited task whose stack is freed */
	top = stack + THREAD_SIZE / sizeof(*stack);
	if (t == current)
		sp = (unsigned long *)current_stack_pointer;
	else
		sp = (unsigned long *)t->thread.sp;
	if (sp < stack || sp >= top)
		sp = stack;

	/*
	 * A task on another CPU (its stopper) has no saved state to walk.
	 * A runnable one that is not current (preempted, as the task that
	 * called stop_machine() often is) may be walked, but not through a
	 * kretprobe trampoline: the word scan counts that as busy.
	 */
	walk = t == current || !READ_ONCE(t->on_cpu);
	if (walk && t != current && task_is_running(t) &&
	    ksplice_holds_trampoline(sp, top))
		walk = false;
	if (walk && ksplice_walk_task(update, t))
		return;
	update->nr_scanned_by_words++;
	for (; sp < top; sp++) {
		if (ksplice_in_ranges(update, *sp) || ksplice_is_trampoline(*sp)) {
			ksplice_add_conflict(update, t, *sp);
			return;
		}
	}
}

/* Under task_call_func(): the task cannot run while we look. */
static int ksplice_precheck_one(struct task_struct *t, void *data)
{
	struct ksplice_update *update = data;
	unsigned int before = update->nr_conflicts;

	ksplice_nr_seen++;
	/* running, or still switching out: checked when stopped */
	if (READ_ONCE(t->on_cpu)) {
		if (ksplice_nr_running < ksplice_cap_running) {
			get_task_struct(t);
			ksplice_running[ksplice_nr_running++] = t;
		} else {
			ksplice_running_lost = true;	/* check all inside */
		}
		return -EBUSY;
	}
	ksplice_scan_task(update, t);
	if (update->nr_conflicts != before)
		return -EBUSY;
	if (ksplice_nr_checked < ksplice_cap_checked) {
		struct ksplice_checked *c = &ksplice_checked[ksplice_nr_checked++];

		c->task = t;
		c->pid = t->pid;
		c->start_time = t->start_time;
		c->switches = ksplice_switches(t);
	}
	return 0;
}

static int ksplice_checked_cmp(const void *a, const void *b)
{
	const struct ksplice_checked *x = a, *y = b;

	return x->task < y->task ? -1 : x->task > y->task;
}

/**
 * ksplice_stack_precheck() - check the stacks before stopping the machine
 * @update:	the update, its scan_* fields set
 *
 * Preemptible; under ksplice_mutex.
 *
 * Return: the number of tasks found in the ranges (0: stop the machine).
 */
int ksplice_stack_precheck(struct ksplice_update *update)
{
	struct task_struct *g, *t;
	unsigned int want = 64;

	rcu_read_lock();
	for_each_process_thread(g, t)
		want++;
	rcu_read_unlock();
	update->nr_conflicts = 0;
	update->nr_scanned_by_words = 0;
	ksplice_nr_checked = 0;
	ksplice_nr_running = 0;
	ksplice_nr_seen = 0;
	ksplice_running_lost = false;
	if (want > ksplice_cap_checked) {
		kvfree(ksplice_checked);
		ksplice_checked = KSPLICE_FALLIBLE(kvmalloc_array(want, sizeof(*ksplice_checked),
						 GFP_KERNEL));
		ksplice_cap_checked = ksplice_checked ? want : 0;
		kvfree(ksplice_running);
		ksplice_running = KSPLICE_FALLIBLE(kvmalloc_array(want, sizeof(*ksplice_running),
						 GFP_KERNEL));
		ksplice_cap_running = ksplice_running ? want : 0;
	}
	if (!ksplice_precheck || !ksplice_task_call || !ksplice_checked)
		return 0;	/* everything is checked when stopped */
	ksplice_watch_start();	/* without it, the counts tell */
	rcu_read_lock();
	for_each_process_thread(g, t)
		if (t != current)
			ksplice_task_call(t, ksplice_precheck_one, update);
	rcu_read_unlock();
	sort(ksplice_checked, ksplice_nr_checked, sizeof(*ksplice_checked),
	     ksplice_checked_cmp, NULL);
	return update->nr_conflicts;
}

/**
 * ksplice_stack_precheck_done() - after the stop, or instead of it
 */
void ksplice_stack_precheck_done(void)
{
	unsigned int i;

	ksplice_watch_stop();
	for (i = 0; i < ksplice_nr_running; i++)
		put_task_struct(ksplice_running[i]);
	ksplice_nr_running = 0;
}

static void ksplice_scan_ran(struct task_struct *t, void *data)
{
	struct ksplice_update *update = data;

	if (t == current || is_idle_task(t))
		return;		/* checked anyway */
	update->nr_scanned++;
	ksplice_scan_task(update, t);
}

/* Was t checked before the machine stopped, and has not run since? */
static bool ksplice_still_checked(const struct task_struct *t)
{
	unsigned int lo = 0, hi = ksplice_nr_checked, mid;
	const struct ksplice_checked *c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = &ksplice_checked[mid];
		if (c->task == t)
			return c->pid == t->pid && c->start_time == t->start_time &&
			       c->switches == ksplice_switches(t) &&
			       !READ_ONCE(t->on_cpu);
		if (c->task < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * precheck_verify: every stack again; a task in the ranges that the tasks
 * checked here missed is a bug of the check before stopping.
 */
static void ksplice_verify_scan(struct ksplice_update *update)
{
	unsigned int found = update->nr_conflicts;
	struct task_struct *g, *t;

	rcu_read_lock();
	for_each_process_thread(g, t)
		ksplice_scan_task(update, t);
	rcu_read_unlock();
	if (!found && update->nr_conflicts)
		WARN(1, "ksplice: %s: the stack check missed %s %d at %pS\n",
		     update->id, update->conflicts[0].comm,
		     update->conflicts[0].pid,
		     (void *)update->conflicts[0].addr);
}

/**
 * ksplice_stack_scan() - the check inside stop_machine()
 * @update:	the update, checked by ksplice_stack_precheck() just before
 *
 * Return: the number of tasks found in the ranges.
 */
int ksplice_stack_scan(struct ksplice_update *update)
{
	struct task_struct *g, *t;
	int cpu;

	unsigned int i;

	update->nr_conflicts = 0;
	update->nr_scanned_by_words = 0;
	update->nr_scanned = 1;
	update->nr_tasks = ksplice_nr_seen + 1;
	ksplice_scan_task(update, current);
	/* the watch complete: the tasks running when checked, and those since */
	if (!ksplice_running_lost &&
	    ksplice_watch_each(ksplice_scan_ran, update)) {
		for (i = 0; i < ksplice_nr_running; i++)
			ksplice_scan_ran(ksplice_running[i], update);
	} else {
		update->nr_tasks = 0;
		rcu_read_lock();
		for_each_process_thread(g, t) {
			update->nr_tasks++;
			if (t == current || ksplice_still_checked(t))
				continue;
			update->nr_scanned++;
			ksplice_scan_task(update, t);
		}
		rcu_read_unlock();
	}
	for_each_online_cpu(cpu) {
		update->nr_scanned++;
		ksplice_scan_task(update, ksplice_idle_task(cpu));
	}
	if (ksplice_precheck_verify)
		ksplice_verify_scan(update);
	return update->nr_conflicts;
}

/**
 * ksplice_stack_init() - find task_call_func(), which the precheck needs
 *
 * Without it, every stack is checked inside stop_machine().
 */
void ksplice_stack_init(void)
{
	ksplice_watch_init();
	ksplice_task_call = (task_call_t)ksplice_lookup_name("task_call_func");
	if (!ksplice_task_call)
		pr_warn("task_call_func not found: stacks are all checked with the machine stopped\n");
}

void ksplice_stack_exit(void)
{
	ksplice_stack_precheck_done();
	ksplice_watch_exit();
	kvfree(ksplice_checked);
	ksplice_checked = NULL;
	ksplice_cap_checked = 0;
	kvfree(ksplice_running);
	ksplice_running = NULL;
	ksplice_cap_running = 0;
}
