// SPDX-License-Identifier: GPL-2.0
/*
 * Send calls of an old function to its replacement.
 *
 * A function with an ftrace site at its entry gets an ftrace_ops with
 * IPMODIFY; any other function gets a kprobe on its first instruction.
 * Both are installed inactive: their handlers change the instruction
 * pointer only once the update's active flag is set, which happens for
 * all functions of the update at one instant inside stop_machine().
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
	struct ksplice_func *func = container_of(ops, struct ksplice_func,
						 ops);

	if (READ_ONCE(func->update->active))
		ftrace_instruction_pointer_set(fregs, func->new_addr);
}

static int ksplice_guard_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct ksplice_func *func = container_of(kp, struct ksplice_func,
						 guard);

	if (!READ_ONCE(func->update->active))
		return 0;
	atomic_long_inc(&func->caught);
	instruction_pointer_set(regs, func->new_addr);
	return 1;
}
NOKPROBE_SYMBOL(ksplice_guard_pre);

static int ksplice_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct ksplice_func *func = container_of(kp, struct ksplice_func, kp);

	if (!READ_ONCE(func->update->active))
		return 0;
	instruction_pointer_set(regs, func->new_addr);
	return 1;	/* ip changed: do not single-step */
}
NOKPROBE_SYMBOL(ksplice_kprobe_pre);

/* Its presence keeps the kprobe from being optimised into a jump. */
static void ksplice_kprobe_post(struct kprobe *kp, struct pt_regs *regs,
				unsigned long flags)
{
}
NOKPROBE_SYMBOL(ksplice_kprobe_post);

/* The guard of a function redirected through ftrace; may fail. */
static void ksplice_install_guard(struct ksplice_func *func)
{
	int ret;

	memset(&func->guard, 0, sizeof(func->guard));
	atomic_long_set(&func->caught, 0);
	func->guarded = false;
	if (ksplice_kprobes_off())
		return;		/* it would not be armed */
	func->guard.addr = (kprobe_opcode_t *)(func->old_addr +
					       MCOUNT_INSN_SIZE);
	func->guard.pre_handler = ksplice_guard_pre;
	func->guard.post_handler = ksplice_kprobe_post;
	ret = register_kprobe(&func->guard);
	func->guarded = !ret;
	if (ret && ksplice_debug)
		pr_info("%s: no guard after the ftrace site: %d\n", func->name,
			ret);
}

static int ksplice_install_ftrace(struct ksplice_func *func)
{
	int ret;

	memset(&func->ops, 0, sizeof(func->ops));
	func->ops.func = ksplice_ftrace_handler;
	/* PERMANENT: ftrace cannot be switched off under an applied update */
	func->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_DYNAMIC |
			  FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	ret = ftrace_set_filter_ip(&func->ops, func->old_addr, 0, 0);
	if (ret) {
		ftrace_free_filter(&func->ops);
		return ret;
	}
	ret = register_ftrace_function(&func->ops);
	if (ret) {
		ftrace_set_filter_ip(&func->ops, func->old_addr, 1, 0);
		ftrace_free_filter(&func->ops);
		return ret;
	}
	ksplice_install_guard(func);
	return 0;
}

static void ksplice_remove_ftrace(struct ksplice_func *func)
{
	int ret;

	if (func->guarded)
		unregister_kprobe(&func->guard);
	func->guarded = false;
	ret = unregister_ftrace_function(&func->ops);

	if (ret)
		pr_warn("%s: unregistering ftrace ops: %d\n", func->name, ret);
	ftrace_free_filter(&func->ops);
}

static int ksplice_install_kprobe(struct ksplice_func *func)
{
	memset(&func->kp, 0, sizeof(func->kp));
	func->kp.addr = (kprobe_opcode_t *)func->old_addr;
	func->kp.pre_handler = ksplice_kprobe_pre;
	func->kp.post_handler = ksplice_kprobe_post;
	return register_kprobe(&func->kp);
}

static int ksplice_install(struct ksplice_func *func)
{
	return func->use_ftrace ? ksplice_install_ftrace(func) :
				  ksplice_install_kprobe(func);
}

static void ksplice_remove(struct ksplice_func *func)
{
	if (!func->installed)
		return;
	if (func->use_ftrace)
		ksplice_remove_ftrace(func);
	else
		unregister_kprobe(&func->kp);
	func->installed = false;
}

/* Install every redirection, inactive; all or nothing. */
int ksplice_redirect_install(struct ksplice_update *update)
{
	struct ksplice_func *func;
	unsigned int i;
	int ret;

	WRITE_ONCE(update->active, false);
	if (!ksplice_redirect_possible(update))
		return -EBUSY;
	for (i = 0; i < update->nr_funcs; i++) {
		func = &update->funcs[i];
		ret = ksplice_install(func);
		if (ret) {
			ksplice_redirect_remove(update);
			ksplice_set_cause(update, KSPLICE_CALL_FAILED,
					  "%s: registering the %s redirection failed: %d",
					  func->name,
					  func->use_ftrace ? "ftrace" : "kprobe",
					  ret);
			return ret;
		}
		func->installed = true;
	}
	return 0;
}

/* Remove the redirections; they must be inactive. */
void ksplice_redirect_remove(struct ksplice_update *update)
{
	unsigned int i;

	for (i = update->nr_funcs; i > 0; i--)
		ksplice_remove(&update->funcs[i - 1]);
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
	if (!func->installed)
		return 0;
	return func->use_ftrace ? (func->guarded ? func->guard.nmissed : 0) :
				  func->kp.nmissed;
}
