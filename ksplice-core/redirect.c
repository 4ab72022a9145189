// SPDX-License-Identifier: GPL-2.0
/*
 * Send calls of an old function to its replacement.
 *
 * A function with an ftrace site at its entry gets an ftrace_ops with
 * IPMODIFY; any other function gets a kprobe on its first instruction.
 * Both are installed inactive: their handlers change the instruction
 * pointer only once the redirection has a target, which all functions of
 * the update get at one instant inside stop_machine().  A redirection is
 * allocated on its own (struct ksplice_redirect), so that a cumulative
 * update can take over one that an update it replaces installed.
 *
 * The ftrace redirections are PERMANENT: while one is registered, the
 * kernel refuses to switch ftrace off.  Kprobes have no such guard: an
 * update is not applied while they are switched off, but switching them
 * off afterwards silences its kprobe redirections.
 *
 * Missed calls.  ftrace calls our handler directly while it is the only
 * user of a function; when other ftrace users share it (the function
 * tracer, kprobes on ftrace), the kernel's list function calls them all
 * and skips them all when it finds itself recursing (a traced function
 * called from inside an ftrace callback, two levels deep): the old code
 * would run.  So a function redirected through ftrace also gets a guard:
 * a kprobe on the instruction after its ftrace site, reached only by a
 * call that ftrace let through.  Once the update is active, the guard
 * sends the call to the new code too and counts it ("caught").  A
 * kprobe (a redirection, or a guard) hit while another kprobe's handler
 * runs on that CPU is skipped by the kprobes core, which counts it in
 * nmissed: such calls run the old code ("missed").  A guard cannot be
 * placed on some instructions (a jump-label site, say), nor while
 * kprobes are switched off; such a function is "unguarded".
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/slab.h>

#include "core.h"

/* The kernel's switches: sysctl kernel.ftrace_enabled, kprobes' enabled. */
static int *ksplice_ftrace_enabled;
static bool *ksplice_kprobes_disarmed;

/**
 * ksplice_redirect_init() - find the switches that turn redirections off
 *
 * Return: 0, or -EBUSY when ftrace is switched off (the core then does
 * not load: its own probe on module_finalize would not fire).
 */
int ksplice_redirect_init(void)
{
	ksplice_ftrace_enabled = (int *)ksplice_lookup_name("ftrace_enabled");
	ksplice_kprobes_disarmed =
		(bool *)ksplice_lookup_name("kprobes_all_disarmed");
	if (ksplice_ftrace_enabled && !READ_ONCE(*ksplice_ftrace_enabled)) {
		pr_err("ftrace is switched off (sysctl kernel.ftrace_enabled=0): not loading\n");
		return -EBUSY;
	}
	return 0;
}

/* Are kprobes switched off (our module_finalize probe with them)? */
bool ksplice_kprobes_off(void)
{
	return ksplice_kprobes_disarmed && READ_ONCE(*ksplice_kprobes_disarmed);
}

/* Can every redirection of the update take effect?  Sets the cause. */
static bool ksplice_redirect_possible(struct ksplice_update *update)
{
	bool ftrace = false, kprobe = false;
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++) {
		if (update->funcs[i].use_ftrace)
			ftrace = true;
		else
			kprobe = true;
	}
	if (ftrace && ksplice_ftrace_enabled &&
	    !READ_ONCE(*ksplice_ftrace_enabled)) {
		ksplice_set_cause(update, KSPLICE_CALL_FAILED,
				  "ftrace is switched off (sysctl kernel.ftrace_enabled=0)");
		return false;
	}
	if (kprobe && ksplice_kprobes_off()) {
		ksplice_set_cause(update, KSPLICE_CALL_FAILED,
				  "kprobes are switched off (debugfs kprobes/enabled is 0)");
		return false;
	}
	return true;
}

static void notrace ksplice_ftrace_handler(unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_ops *ops,
					   struct ftrace_regs *fregs)
{
	struct ksplice_redirect *r = container_of(ops, struct ksplice_redirect,
						  ops);
	unsigned long target = READ_ONCE(r->target);

	if (target)
		ftrace_instruction_pointer_set(fregs, target);
}

/*
 * Send a probed call to r's target; 1: ip changed, do not single-step.
 * Inlined into the probe handlers, which are not probeable themselves.
 */
static __always_inline int ksplice_send(struct ksplice_redirect *r,
					struct pt_regs *regs,
					atomic_long_t *count)
{
	unsigned long target = READ_ONCE(r->target);

	if (!target)
		return 0;
	if (count)
		atomic_long_inc(count);
	instruction_pointer_set(regs, target);
	return 1;
}

static int ksplice_guard_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct ksplice_redirect *r = container_of(kp, struct ksplice_redirect,
						  guard);

	return ksplice_send(r, regs, &r->caught);
}
NOKPROBE_SYMBOL(ksplice_guard_pre);

static int ksplice_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return ksplice_send(container_of(kp, struct ksplice_redirect, kp),
			    regs, NULL);
}
NOKPROBE_SYMBOL(ksplice_kprobe_pre);

/* Its presence keeps the kprobe from being optimised into a jump. */
static void ksplice_kprobe_post(struct kprobe *kp, struct pt_regs *regs,
				unsigned long flags)
{
}
NOKPROBE_SYMBOL(ksplice_kprobe_post);

/* The guard of a function redirected through ftrace; may fail. */
static void ksplice_install_guard(struct ksplice_redirect *r)
{
	int ret;

	if (ksplice_kprobes_off())
		return;		/* it would not be armed */
	r->guard.addr = (kprobe_opcode_t *)(r->old_addr + MCOUNT_INSN_SIZE);
	r->guard.pre_handler = ksplice_guard_pre;
	r->guard.post_handler = ksplice_kprobe_post;
	ret = register_kprobe(&r->guard);
	r->guarded = !ret;
	if (ret && ksplice_debug)
		pr_info("%pS: no guard after the ftrace site: %d\n",
			(void *)r->old_addr, ret);
}

static int ksplice_install_ftrace(struct ksplice_redirect *r)
{
	int ret;

	r->ops.func = ksplice_ftrace_handler;
	/* PERMANENT: ftrace cannot be switched off under an applied update */
	r->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_DYNAMIC |
		       FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	ret = ftrace_set_filter_ip(&r->ops, r->old_addr, 0, 0);
	if (ret) {
		ftrace_free_filter(&r->ops);
		return ret;
	}
	ret = KSPLICE_FALLIBLE_CALL(register_ftrace_function(&r->ops));
	if (ret) {
		ftrace_set_filter_ip(&r->ops, r->old_addr, 1, 0);
		ftrace_free_filter(&r->ops);
		return ret;
	}
	ksplice_install_guard(r);
	return 0;
}

static void ksplice_remove_ftrace(struct ksplice_redirect *r)
{
	int ret;

	if (r->guarded)
		unregister_kprobe(&r->guard);
	ret = unregister_ftrace_function(&r->ops);
	if (ret)
		pr_warn("%pS: unregistering ftrace ops: %d\n",
			(void *)r->old_addr, ret);
	ftrace_free_filter(&r->ops);
}

static int ksplice_install_kprobe(struct ksplice_redirect *r)
{
	r->kp.addr = (kprobe_opcode_t *)r->old_addr;
	r->kp.pre_handler = ksplice_kprobe_pre;
	r->kp.post_handler = ksplice_kprobe_post;
	return KSPLICE_FALLIBLE_CALL(register_kprobe(&r->kp));
}

/**
 * ksplice_redirect_func() - install a redirection of a function's entry
 * @func:	a function whose old_addr is known and that has none
 *
 * The redirection is inactive until its target is set.
 *
 * Return: 0, or the error of registering the ftrace ops or kprobe.
 */
int ksplice_redirect_func(struct ksplice_func *func)
{
	struct ksplice_redirect *r = KSPLICE_FALLIBLE(kzalloc(sizeof(*r), GFP_KERNEL));
	int ret;

	if (!r)
		return -ENOMEM;
	r->old_addr = func->old_addr;
	r->use_ftrace = func->use_ftrace;
	ret = r->use_ftrace ? ksplice_install_ftrace(r) :
			      ksplice_install_kprobe(r);
	if (ret) {
		kfree(r);
		return ret;
	}
	func->redir = r;
	return 0;
}

/**
 * ksplice_unredirect_func() - remove a function's redirection, if any
 * @func:	the function; its redirection must be inactive
 */
void ksplice_unredirect_func(struct ksplice_func *func)
{
	struct ksplice_redirect *r = func->redir;

	if (!r)
		return;
	if (r->use_ftrace)
		ksplice_remove_ftrace(r);
	else
		unregister_kprobe(&r->kp);
	func->redir = NULL;
	kfree(r);
}

/*
 * Install every redirection, inactive; all or nothing.  A function whose
 * entry an update this one replaces already redirects (func->take) keeps
 * that redirection: it is taken over at the switch.
 */
int ksplice_redirect_install(struct ksplice_update *update)
{
	struct ksplice_func *func;
	unsigned int i;
	int ret;

	if (!ksplice_redirect_possible(update))
		return -EBUSY;
	for (i = 0; i < update->nr_funcs; i++) {
		func = &update->funcs[i];
		if (func->take || !func->old_addr)
			continue;	/* taken over, or its module waits */
		ret = ksplice_redirect_func(func);
		if (ret) {
			ksplice_redirect_remove(update);
			ksplice_set_cause(update, ret == -ENOMEM ?
					  KSPLICE_OUT_OF_MEMORY :
					  KSPLICE_CALL_FAILED,
					  "%s: registering the %s redirection failed: %d",
					  func->name,
					  func->use_ftrace ? "ftrace" : "kprobe",
					  ret);
			return ret;
		}
	}
	return 0;
}

/* Remove the update's redirections; they must be inactive. */
void ksplice_redirect_remove(struct ksplice_update *update)
{
	unsigned int i;

	for (i = update->nr_funcs; i > 0; i--)
		ksplice_unredirect_func(&update->funcs[i - 1]);
}

/**
 * ksplice_redirect_switch() - turn the update's redirections on or off
 * @update: an update whose redirections are installed
 * @on: send calls to the new code, or to the old code again
 *
 * Inside stop_machine.  A function with func->take set gets the
 * redirection it takes over.
 */
void ksplice_redirect_switch(struct ksplice_update *update, bool on)
{
	struct ksplice_func *func;
	struct ksplice_redirect *r;
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++) {
		func = &update->funcs[i];
		r = func->redir ? func->redir :
		    func->take ? func->take->redir : NULL;
		if (r)		/* none: its module waits */
			WRITE_ONCE(r->target, on ? func->new_addr : 0);
	}
}

/**
 * ksplice_redirect_take() - make taken-over redirections the update's own
 * @update: an update just switched on
 */
void ksplice_redirect_take(struct ksplice_update *update)
{
	struct ksplice_func *func;
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++) {
		func = &update->funcs[i];
		if (!func->take)
			continue;
		func->redir = func->take->redir;
		func->take->redir = NULL;
		func->take = NULL;
	}
}

/**
 * ksplice_redirect_missed() - calls that ran the old code, as far as seen
 * @func: a redirected function
 *
 * Return: the number of calls that a kprobe of ours (the redirection, or
 * the guard) saw while another kprobe ran, and so let into the old code.
 */
unsigned long ksplice_redirect_missed(const struct ksplice_func *func)
{
	const struct ksplice_redirect *r = func->redir;

	if (!r)
		return 0;
	return r->use_ftrace ? (r->guarded ? r->guard.nmissed : 0) :
			       r->kp.nmissed;
}

static void ksplice_unpatch_one(const struct kprobe *kp, unsigned long addr,
				u8 *buf, unsigned long size)
{
	unsigned long at = (unsigned long)kp->addr;

	if (at >= addr && at - addr < size)
		buf[at - addr] = kp->opcode;
}

/**
 * ksplice_redirect_unpatch() - see a copy of code without our kprobes
 * @addr: where the code was read from
 * @buf: its bytes
 * @size: how many
 *
 * A kprobe of ours (a redirection, or a guard after an ftrace site)
 * writes an int3 over the first byte of its instruction; put back the
 * byte it saved, so that run-pre matching sees the code as it was (a
 * cumulative update matches the functions that the updates it replaces
 * redirect).  Under ksplice_mutex.
 */
void ksplice_redirect_unpatch(unsigned long addr, u8 *buf, unsigned long size)
{
	const struct ksplice_update *update;
	const struct ksplice_redirect *r;
	unsigned int i;

	list_for_each_entry(update, &ksplice_updates, list) {
		for (i = 0; i < update->nr_funcs; i++) {
			r = update->funcs[i].redir;
			if (!r)
				continue;
			if (!r->use_ftrace)
				ksplice_unpatch_one(&r->kp, addr, buf, size);
			else if (r->guarded)
				ksplice_unpatch_one(&r->guard, addr, buf, size);
		}
	}
}
