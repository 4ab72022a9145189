// SPDX-License-Identifier: GPL-2.0
/*
 * Redirection by ftrace direct call: the fast way for a function with an
 * ftrace site.
 *
 * ftrace turns the function's site into a call of one trampoline of the
 * core's pool (tramp.S), whose slot the switch writes: one store inside
 * stop_machine() sends every later call to the new code, or back.  While
 * our direct call is the site's only user, the call goes straight to the
 * trampoline; with the function tracer or a kprobe on the same site,
 * ftrace's regs trampoline calls them and then ours.  Other direct
 * users (BPF trampolines) and ftrace users that move the instruction
 * pointer (livepatch) exclude ours and the other way round: the kernel
 * refuses the second one (-EBUSY), and redirect.c then tries its ftrace
 * handler, as it does when the pool is used up.
 *
 * The life of a trampoline (ksplice_tramp_state[], under ksplice_mutex):
 *
 *   free --install: registered at the site--> used (slot: 0 or new code)
 *    ^                                           | remove: unregistered
 *    |                                           v
 *    +--- synchronize_rcu_tasks() (when the pool is out of free ones) --- dying
 *
 * A dying trampoline may still hold a task preempted in it before it
 * read its slot (a kernel that preempts anywhere); after a tasks-RCU
 * grace period none is there, and the trampoline can serve another
 * function.  A task inside a trampoline when the machine stops has an
 * address of the pool in its stack (ksplice_direct_in_pool()): the stack
 * check waits for it, whichever way the switch goes.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/ftrace.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>

#include "core.h"
#include "tramp.h"

enum ksplice_tramp_state {
	KSPLICE_TRAMP_FREE,
	KSPLICE_TRAMP_USED,
	KSPLICE_TRAMP_DYING,
};

unsigned long ksplice_tramp_slots[KSPLICE_NR_TRAMPS];
static u8 ksplice_tramp_state[KSPLICE_NR_TRAMPS];

/* A free trampoline, or -1; waits for the dying ones if need be. */
static int ksplice_tramp_claim(void)
{
	bool dying = false;
	int i;

	for (i = 0; i < KSPLICE_NR_TRAMPS; i++) {
		if (ksplice_tramp_state[i] == KSPLICE_TRAMP_FREE)
			return i;
		dying |= ksplice_tramp_state[i] == KSPLICE_TRAMP_DYING;
	}
	if (!dying)
		return -1;
	synchronize_rcu_tasks();
	for (i = 0; i < KSPLICE_NR_TRAMPS; i++)
		if (ksplice_tramp_state[i] == KSPLICE_TRAMP_DYING)
			ksplice_tramp_state[i] = KSPLICE_TRAMP_FREE;
	return ksplice_tramp_claim();
}

/**
 * ksplice_direct_install() - call a trampoline from a function's site
 * @r:	the redirection, its old_addr set and its target 0
 *
 * Return: 0; -ENOSPC when every trampoline is in use, -EBUSY when the
 * site has another direct call or an ftrace user that moves the
 * instruction pointer (the caller may then use an ftrace handler); or
 * another error of register_ftrace_direct().
 */
int ksplice_direct_install(struct ksplice_redirect *r)
{
	int i = ksplice_tramp_claim(), ret;

	if (i < 0)
		return -ENOSPC;
	WRITE_ONCE(ksplice_tramp_slots[i], 0);
	ret = KSPLICE_FALLIBLE_CALL(register_ftrace_direct(r->old_addr,
							   ksplice_tramp_addrs[i]));
	if (ret)
		return ret;
	ksplice_tramp_state[i] = KSPLICE_TRAMP_USED;
	r->tramp = i;
	return 0;
}

/**
 * ksplice_direct_remove() - take the direct call off the site again
 * @r:	an installed redirection, inactive (its target 0)
 */
void ksplice_direct_remove(struct ksplice_redirect *r)
{
	int ret = unregister_ftrace_direct(r->old_addr,
					   ksplice_tramp_addrs[r->tramp]);

	if (ret)
		pr_warn("%pS: removing the direct call: %d\n",
			(void *)r->old_addr, ret);
	ksplice_tramp_state[r->tramp] = KSPLICE_TRAMP_DYING;
}

/**
 * ksplice_direct_set() - where the trampoline of @r sends calls
 * @r:		an installed redirection
 * @target:	the new code, or 0: the old function
 *
 * Inside stop_machine(), or while the function cannot run yet.
 */
void ksplice_direct_set(struct ksplice_redirect *r, unsigned long target)
{
	WRITE_ONCE(ksplice_tramp_slots[r->tramp], target);
}

/**
 * ksplice_direct_in_pool() - is @addr inside a trampoline?
 * @addr:	an address from a task's stack
 *
 * Return: whether the task is between a function's site and the code its
 * trampoline sends it to.
 */
bool ksplice_direct_in_pool(unsigned long addr)
{
	return addr >= (unsigned long)ksplice_tramps_start &&
	       addr < (unsigned long)ksplice_tramps_end;
}
