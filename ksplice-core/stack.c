// SPDX-License-Identifier: GPL-2.0
/*
 * The stack check, run inside stop_machine().
 *
 * Every word of every task's kernel stack, from its saved stack pointer
 * to the top, is compared with the ranges that no task may be executing
 * in.  The scan is conservative: it finds return addresses and the saved
 * instruction pointers of interrupted tasks, and may also find stale
 * values, which only make the update wait and retry.
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

static void ksplice_scan_task(struct ksplice_update *update,
			      struct task_struct *t)
{
	unsigned long *stack = task_stack_page(t);
	unsigned long *top, *sp;

	if (!stack)
		return;		/* an exited task whose stack is freed */
	top = stack + THREAD_SIZE / sizeof(*stack);
	if (t == current)
		sp = (unsigned long *)current_stack_pointer;
	else
		sp = (unsigned long *)t->thread.sp;
	if (sp < stack || sp >= top)
		sp = stack;

	for (; sp < top; sp++) {
		if (ksplice_in_ranges(update, *sp)) {
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
	rcu_read_lock();
	for_each_process_thread(g, t)
		ksplice_scan_task(update, t);
	rcu_read_unlock();
	for_each_online_cpu(cpu)
		ksplice_scan_task(update, ksplice_idle_task(cpu));
	return update->nr_conflicts;
}
