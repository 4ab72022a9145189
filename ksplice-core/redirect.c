// SPDX-License-Identifier: GPL-2.0
/*
 * Send calls of an old function to its replacement.
 *
 * Each redirection is of one kind (enum ksplice_redirect_kind, shown in
 * sysfs "redirects"), chosen when it is installed:
 *
 *   function with an ftrace site:
 *     direct   ftrace calls one of our trampolines from the site (direct.c)
 *     ftrace   else (the trampolines used up, or another direct call on
 *              the site): an ftrace_ops with IPMODIFY whose handler moves
 *              the instruction pointer
 *   function without one:
 *     jump     a jump over its entry, written at the switch (jump.c)
 *     kprobe   else (a short function, a site the kernel rewrites there):
 *              a kprobe on its first instruction
 *
 * All are installed inactive: they send calls to the new code only once
 * the redirection has a target, which all functions of the update get at
 * one instant inside stop_machine() (ksplice_redirect_set()).  A
 * redirection is allocated on its own (struct ksplice_redirect), so that
 * a cumulative update can take over one that an update it replaces
 * installed.  The parameters "direct" and "jump" (default Y) can turn the
 * first way of each off, for comparison and tests.
 *
 * The ftrace redirections are PERMANENT (ftrace's own direct_ops is
 * too): while one is registered, the kernel refuses to switch ftrace
 * off.  Kprobes have no such guard: an update is not applied while they
 * are switched off, but switching them off afterwards silences its
 * kprobe redirections.
 *
 * Missed calls.  ftrace calls our trampoline or handler directly while it
 * is the only user of a function; when other ftrace users share it (the
 * function tracer, kprobes on ftrace), the kernel's list function calls
 * them all and skips them all when it finds itself recursing (a traced
 * function called from inside an ftrace callback, two levels deep): the
 * old code would run.  So a function redirected through ftrace also gets
 * a guard: a kprobe on the instruction after its ftrace site, reached
 * only by a call that ftrace let through.  Once the update is active,
 * the guard sends the call to the new code too and counts it ("caught").
 * A kprobe (a redirection, or a guard) hit while another kprobe's handler
 * runs on that CPU is skipped by the kprobes core, which counts it in
 * nmissed: such calls run the old code ("missed").  A guard cannot be
 * placed on some instructions (a jump-label site, say), nor while
 * kprobes are switched off; such a function is "unguarded".  A jump
 * misses nothing.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <asm/text-patching.h>

#include "core.h"

/* The kernel's switches: sysctl kernel.ftrace_enabled, kprobes' enabled. */
static int *ksplice_ftrace_enabled;
static bool *ksplice_kprobes_disarmed;

static bool ksplice_use_direct = true;
module_param_named(direct, ksplice_use_direct, bool, 0644);
MODULE_PARM_DESC(direct, "redirect functions with an ftrace site by direct call (default Y; N: an ftrace handler)");

static bool ksplice_use_jump = true;
module_param_named(jump, ksplice_use_jump, bool, 0644);
MODULE_PARM_DESC(jump, "redirect functions without an ftrace site by a jump over their entry (default Y; N: a kprobe)");

static const char * const ksplice_kind_names[] = KSPLICE_REDIRECT_NAMES;

typedef struct kprobe *(*get_kprobe_t)(void *addr);
static get_kprobe_t ksplice_get_kprobe;

/**
 * ksplice_kprobe_at() - is there a kprobe at @addr?
 * @addr:	an instruction's address
 *
 * With preemption disabled (kprobes' list is RCU).
 *
 * Return: the kprobe (ours or another's), NULL, or ERR_PTR(-ENOENT) when
 * the kernel's lookup was not found.
 */
struct kprobe *ksplice_kprobe_at(unsigned long addr)
{
	if (!ksplice_get_kprobe)
		return ERR_PTR(-ENOENT);
	return ksplice_get_kprobe((void *)addr);
}

/**
 * ksplice_kprobes_in() - is there a kprobe in [@addr, @addr + @len)?
 * @addr:	the first byte
 * @len:	how many bytes
 *
 * Return: 1 when one is (ours or another's), 0 when none is, -ENOENT
 * when the kernel's lookup was not found.
 */
int ksplice_kprobes_in(unsigned long addr, unsigned long len)
{
	unsigned long i;
	int found = 0;

	if (!ksplice_get_kprobe)
		return -ENOENT;
	preempt_disable();	/* kprobes' list is RCU */
	for (i = 0; i < len && !found; i++)
		found = ksplice_get_kprobe((void *)(addr + i)) != NULL;
	preempt_enable();
	return found;
}

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
	ksplice_get_kprobe = (get_kprobe_t)ksplice_lookup_name("get_kprobe");
	ksplice_jump_init();
	return 0;
}

/* Are kprobes switched off (our module_finalize probe with them)? */
bool ksplice_kprobes_off(void)
{
	return ksplice_kprobes_disarmed && READ_ONCE(*ksplice_kprobes_disarmed);
}

/* Can the update's ftrace redirections take effect?  Sets the cause. */
static bool ksplice_redirect_possible(struct ksplice_update *update)
{
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++) {
		if (!update->funcs[i].use_ftrace || !ksplice_ftrace_enabled ||
		    READ_ONCE(*ksplice_ftrace_enabled))
			continue;
		ksplice_set_cause(update, KSPLICE_CALL_FAILED,
				  "ftrace is switched off (sysctl kernel.ftrace_enabled=0)");
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
	return 0;
}

static void ksplice_remove_ftrace(struct ksplice_redirect *r)
{
	int ret = unregister_ftrace_function(&r->ops);

	if (ret)
		pr_warn("%pS: unregistering ftrace ops: %d\n",
			(void *)r->old_addr, ret);
	ftrace_free_filter(&r->ops);
}

static int ksplice_install_kprobe(struct ksplice_redirect *r)
{
	if (ksplice_kprobes_off())
		return -EPERM;	/* it would not be armed */
	r->kp.addr = (kprobe_opcode_t *)r->old_addr;
	r->kp.pre_handler = ksplice_kprobe_pre;
	r->kp.post_handler = ksplice_kprobe_post;
	return KSPLICE_FALLIBLE_CALL(register_kprobe(&r->kp));
}

/* A function with an ftrace site: a direct call, else an ftrace handler. */
static int ksplice_install_at_site(struct ksplice_redirect *r)
{
	int ret = -EBUSY;

	r->kind = KSPLICE_REDIRECT_DIRECT;
	if (ksplice_use_direct)
		ret = ksplice_direct_install(r);
	if (ret == -EBUSY || ret == -ENOSPC) {
		r->kind = KSPLICE_REDIRECT_FTRACE;
		ret = ksplice_install_ftrace(r);
	}
	if (!ret)
		ksplice_install_guard(r);
	return ret;
}

/*
 * A function without: a jump over its entry, else a kprobe; -EEXIST when
 * someone else's kprobe is within its first bytes: a jump cannot go over
 * it, and a kprobe of ours beside it would keep it from firing (the
 * kprobes core stops at the first handler that moves the instruction
 * pointer, and puts the newest first).
 */
static int ksplice_install_at_entry(struct ksplice_redirect *r,
				    const struct ksplice_func *func)
{
	int ret = -EBUSY;

	if (ksplice_kprobes_in(r->old_addr, JMP32_INSN_SIZE) > 0)
		return -EEXIST;
	r->kind = KSPLICE_REDIRECT_JUMP;
	if (ksplice_use_jump)
		ret = ksplice_jump_install(r, func->old_size, func->target >= 0);
	if (ret == -EBUSY) {
		r->kind = KSPLICE_REDIRECT_KPROBE;
		ret = ksplice_install_kprobe(r);
	}
	return ret;
}

/**
 * ksplice_redirect_func() - install a redirection of a function's entry
 * @func:	a function whose old_addr is known and that has none
 *
 * The redirection is inactive until its target is set.
 *
 * Return: 0, or the error of installing it (-EPERM: kprobes are off;
 * -EEXIST: another kprobe is on the entry of a function without an
 * ftrace site).
 */
int ksplice_redirect_func(struct ksplice_func *func)
{
	struct ksplice_redirect *r = KSPLICE_FALLIBLE(kzalloc(sizeof(*r), GFP_KERNEL));
	int ret;

	if (!r)
		return -ENOMEM;
	r->old_addr = func->old_addr;
	ret = func->use_ftrace ? ksplice_install_at_site(r) :
				 ksplice_install_at_entry(r, func);
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
	if (r->guarded)
		unregister_kprobe(&r->guard);
	switch (r->kind) {
	case KSPLICE_REDIRECT_DIRECT:
		ksplice_direct_remove(r);
		break;
	case KSPLICE_REDIRECT_FTRACE:
		ksplice_remove_ftrace(r);
		break;
	case KSPLICE_REDIRECT_JUMP:
		ksplice_jump_remove(r);
		break;
	case KSPLICE_REDIRECT_KPROBE:
		unregister_kprobe(&r->kp);
		break;
	}
	func->redir = NULL;
	kfree(r);
}

/**
 * ksplice_redirect_kind() - how a function is redirected, for people
 * @func:	a function of an update
 *
 * Return: the kind's name, or the kind it would get (no redirection yet).
 */
const char *ksplice_redirect_kind(const struct ksplice_func *func)
{
	if (func->redir)
		return ksplice_kind_names[func->redir->kind];
	return ksplice_kind_names[func->use_ftrace ? KSPLICE_REDIRECT_DIRECT :
				  KSPLICE_REDIRECT_JUMP];
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
		if (!ret)
			continue;
		ksplice_redirect_remove(update);
		if (ret == -EPERM)
			ksplice_set_cause(update, KSPLICE_CALL_FAILED,
					  "%s: kprobes are switched off (debugfs kprobes/enabled is 0)",
					  func->name);
		else if (ret == -EEXIST)
			ksplice_set_cause(update, KSPLICE_CALL_FAILED,
					  "%s: another kprobe is on its entry, which has no ftrace site: remove it first",
					  func->name);
		else
			ksplice_set_cause(update, ret == -ENOMEM ?
					  KSPLICE_OUT_OF_MEMORY :
					  KSPLICE_CALL_FAILED,
					  "%s: installing the redirection failed: %d",
					  func->name, ret);
		return ret;
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
 * ksplice_redirect_set() - send the calls of a function to @target
 * @r:		an installed redirection
 * @target:	the new code, or 0: the old code
 * @stopped:	inside stop_machine(); else the function cannot run yet
 *		(its module is coming, or going), and this may sleep
 */
void ksplice_redirect_set(struct ksplice_redirect *r, unsigned long target,
			  bool stopped)
{
	if (r->kind == KSPLICE_REDIRECT_JUMP && target != READ_ONCE(r->target))
		ksplice_jump_set(r, target, stopped);
	else if (r->kind == KSPLICE_REDIRECT_DIRECT)
		ksplice_direct_set(r, target);
	WRITE_ONCE(r->target, target);
}

/* The redirection a function of a switching update uses. */
static struct ksplice_redirect *ksplice_func_redirect(struct ksplice_func *func)
{
	return func->redir ? func->redir : func->take ? func->take->redir : NULL;
}

/* The first function of @update whose jump was written over, or NULL. */
static const char *ksplice_jump_overwritten(struct ksplice_update *update)
{
	struct ksplice_redirect *r;
	unsigned int i;

	for (i = 0; i < update->nr_funcs; i++) {
		r = ksplice_func_redirect(&update->funcs[i]);
		if (r && r->kind == KSPLICE_REDIRECT_JUMP && !ksplice_jump_intact(r))
			return update->funcs[i].name;
	}
	return NULL;
}

/**
 * ksplice_redirect_intact() - may the switch write every jump it writes?
 * @update:	an update about to be switched, inside stop_machine()
 *
 * A jump's bytes must be what the core left there (ksplice_jump_intact()):
 * someone else (a kprobe placed on the jump) may have written over them.
 * The jumps of the updates a cumulative one replaces count too.
 *
 * Return: true, or false with @update's cause set, naming the function.
 */
bool ksplice_redirect_intact(struct ksplice_update *update)
{
	const char *name = ksplice_jump_overwritten(update);
	unsigned int i;

	for (i = 0; !name && i < update->nr_replaced; i++)
		name = ksplice_jump_overwritten(update->replaced[i]);
	if (!name)
		return true;
	ksplice_set_cause(update, KSPLICE_CALL_FAILED,
			  "%s: its entry no longer holds what ksplice wrote there (a kprobe on it?)",
			  name);
	return false;
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
		r = ksplice_func_redirect(func);
		if (r)		/* none: its module waits */
			ksplice_redirect_set(r, on ? func->new_addr : 0, true);
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
	if (r->kind == KSPLICE_REDIRECT_KPROBE)
		return r->kp.nmissed;
	return r->guarded ? r->guard.nmissed : 0;
}

static void ksplice_unpatch_one(const struct kprobe *kp, unsigned long addr,
				u8 *buf, unsigned long size)
{
	unsigned long at = (unsigned long)kp->addr;

	if (at >= addr && at - addr < size)
		buf[at - addr] = kp->opcode;
}

/*
 * Someone else's kprobes: an int3 over the first byte of the probed
 * instruction, or once optimised, a jump over the first five bytes.
 */
static void ksplice_unpatch_kprobes(unsigned long addr, u8 *buf,
				    unsigned long size)
{
	struct optimized_kprobe *op;
	struct kprobe *p;
	unsigned long i, k;

	preempt_disable();
	for (i = 0; i < size; i++) {
		if (buf[i] != INT3_INSN_OPCODE && buf[i] != JMP32_INSN_OPCODE)
			continue;
		p = ksplice_kprobe_at(addr + i);
		if (IS_ERR_OR_NULL(p))
			continue;
		buf[i] = p->opcode;
		if (!kprobe_optimized(p))
			continue;
		op = container_of(p, struct optimized_kprobe, kp);
		for (k = 0; k < DISP32_SIZE && i + 1 + k < size; k++)
			buf[i + 1 + k] = op->optinsn.copied_insn[k];
	}
	preempt_enable();
}

/**
 * ksplice_redirect_unpatch() - see a copy of code without kprobes and jumps
 * @addr: where the code was read from
 * @buf: its bytes
 * @size: how many
 *
 * A kprobe of ours (a redirection, or a guard after an ftrace site)
 * writes an int3 over the first byte of its instruction, and a jump of
 * ours five bytes; put back what was there, so that run-pre matching
 * sees the code as it was (a cumulative update matches the functions
 * that the updates it replaces redirect).  Then the same for kprobes
 * others placed (a tracer's, a debugger's).  Under ksplice_mutex.
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
			if (r->kind == KSPLICE_REDIRECT_KPROBE)
				ksplice_unpatch_one(&r->kp, addr, buf, size);
			else if (r->kind == KSPLICE_REDIRECT_JUMP)
				ksplice_jump_unpatch(r, addr, buf, size);
			if (r->guarded)
				ksplice_unpatch_one(&r->guard, addr, buf, size);
		}
	}
	ksplice_unpatch_kprobes(addr, buf, size);
}
