// SPDX-License-Identifier: GPL-2.0
/*
 * The stack check, run inside stop_machine().
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
 * entry is the ftrace site or the kprobe); when reversing, a task can be
 * stopped at the entry of the new code only if the kernel preempts
 * anywhere, and then the entries of the new code count.
 */
#include <linux/cpumask.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>

#include "core.h"

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

/* Returns the number of tasks found in the ranges. */
int ksplice_stack_scan(struct ksplice_update *update)
{
	struct task_struct *g, *t;
	int cpu;

	update->nr_conflicts = 0;
	update->nr_scanned_by_words = 0;
	rcu_read_lock();
	for_each_process_thread(g, t)
		ksplice_scan_task(update, t);
	rcu_read_unlock();
	for_each_online_cpu(cpu)
		ksplice_scan_task(update, ksplice_idle_task(cpu));
	return update->nr_conflicts;
}
