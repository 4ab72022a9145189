// SPDX-License-Identifier: GPL-2.0
/*
 * Which tasks ran between the stack check made before stopping the
 * machine and the stop (stack.c): a probe on the sched_switch tracepoint
 * notes every task a CPU switches to, with a reference, in a buffer of
 * that CPU.  A task that is not in them, and was not running when it was
 * checked, has not run since: its stack is as it was checked.
 *
 *   idle --ksplice_watch_start()--> watching --ksplice_watch_stop()--> idle
 *
 * A buffer that fills up marks the watch incomplete: the stop then checks
 * every task.  Under ksplice_mutex.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/percpu.h>
#include <linux/sched/task.h>
#include <linux/tracepoint.h>

#include "core.h"

/* Tasks one CPU may switch to during a check; more: every task is checked. */
#define KSPLICE_WATCH_MAX	2000

struct ksplice_watch_cpu {
	unsigned int nr;
	bool overflow;
	struct task_struct *tasks[KSPLICE_WATCH_MAX];
};

static struct ksplice_watch_cpu __percpu *ksplice_watch_buf;
static struct tracepoint *ksplice_sched_switch;
static bool ksplice_watching;

static void ksplice_watch_probe(void *data, bool preempt,
				struct task_struct *prev,
				struct task_struct *next,
				unsigned int prev_state)
{
	struct ksplice_watch_cpu *w = this_cpu_ptr(ksplice_watch_buf);

	if (w->nr && w->tasks[w->nr - 1] == next)
		return;
	if (w->nr >= KSPLICE_WATCH_MAX) {
		w->overflow = true;
		return;
	}
	get_task_struct(next);
	w->tasks[w->nr++] = next;
}

/**
 * ksplice_watch_start() - note the tasks that run from now on
 *
 * Return: 0, or an error (the tracepoint or memory is missing: the stop
 * then checks every task).
 */
int ksplice_watch_start(void)
{
	int cpu, ret;

	if (!ksplice_sched_switch || ksplice_watching)
		return -ENOENT;
	if (!ksplice_watch_buf) {
		ksplice_watch_buf = KSPLICE_FALLIBLE(alloc_percpu(struct ksplice_watch_cpu));
		if (!ksplice_watch_buf)
			return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		per_cpu_ptr(ksplice_watch_buf, cpu)->nr = 0;
		per_cpu_ptr(ksplice_watch_buf, cpu)->overflow = false;
	}
	ret = tracepoint_probe_register(ksplice_sched_switch,
					ksplice_watch_probe, NULL);
	if (!ret)
		ksplice_watching = true;
	return ret;
}

/**
 * ksplice_watch_each() - the tasks that ran since ksplice_watch_start()
 * @fn:		called for each (a task may come more than once)
 * @data:	its argument
 *
 * Inside stop_machine(), where no CPU switches tasks.
 *
 * Return: false when the watch is not complete (not started, or a
 * buffer filled up): then every task must be checked.
 */
bool ksplice_watch_each(void (*fn)(struct task_struct *t, void *data),
			void *data)
{
	struct ksplice_watch_cpu *w;
	unsigned int i;
	int cpu;

	if (!ksplice_watching)
		return false;
	for_each_possible_cpu(cpu)
		if (per_cpu_ptr(ksplice_watch_buf, cpu)->overflow)
			return false;
	for_each_possible_cpu(cpu) {
		w = per_cpu_ptr(ksplice_watch_buf, cpu);
		for (i = 0; i < w->nr; i++)
			fn(w->tasks[i], data);
	}
	return true;
}

/**
 * ksplice_watch_stop() - stop noting, and drop the references taken
 */
void ksplice_watch_stop(void)
{
	struct ksplice_watch_cpu *w;
	unsigned int i;
	int cpu;

	if (!ksplice_watching)
		return;
	tracepoint_probe_unregister(ksplice_sched_switch, ksplice_watch_probe,
				    NULL);
	tracepoint_synchronize_unregister();
	ksplice_watching = false;
	for_each_possible_cpu(cpu) {
		w = per_cpu_ptr(ksplice_watch_buf, cpu);
		for (i = 0; i < w->nr; i++)
			put_task_struct(w->tasks[i]);
		w->nr = 0;
	}
}

void ksplice_watch_init(void)
{
	ksplice_sched_switch =
		(struct tracepoint *)ksplice_lookup_name("__tracepoint_sched_switch");
	if (!ksplice_sched_switch)
		pr_warn("no sched_switch tracepoint: the stop checks every task\n");
}

void ksplice_watch_exit(void)
{
	ksplice_watch_stop();
	free_percpu(ksplice_watch_buf);
	ksplice_watch_buf = NULL;
}
