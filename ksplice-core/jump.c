// SPDX-License-Identifier: GPL-2.0
/*
 * Redirection by a jump written over a function's entry: the way for a
 * function with no ftrace site, without a trap on every call.
 *
 * The switch writes a 5-byte "jmp rel32" to the new code over the first
 * bytes of the old function (after its endbr, if it has one), through a
 * writable alias of its page mapped before the machine stops (alias.c);
 * the reversal writes the saved bytes back.  No task can be inside those
 * bytes then: the stack check has found none in the old function when
 * applying, and while the jump is there no call runs them.  Every CPU
 * serialises its instruction stream before it leaves the stop (apply.c).
 * A module that loads while the update is applied is written with
 * text_poke() before its init; one that goes gets its bytes back.
 *
 * The bytes written over must be the function's own and stay so.
 * Installing fails with -EBUSY (the caller then uses a kprobe) when the
 * function is shorter than the jump, or when its first bytes hold a site
 * that the kernel rewrites while running (a jump label, a static call, a
 * lock prefix of the SMP alternatives, an ftrace site) or a kprobe.  A
 * kprobe placed on the entry once the jump is there copies the jump and
 * runs it; the entry then no longer holds our bytes, and a switch that
 * would write over them is refused (ksplice_jump_intact()) until that
 * kprobe is gone.
 *
 *   installed (alias mapped, bytes saved) --set(new code)--> jump written
 *      ^                                                         |
 *      +------------- set(0): the saved bytes back --------------+
 *   removed: alias unmapped (only with the saved bytes in place)
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <asm/ibt.h>
#include <asm/text-patching.h>

#include "core.h"

struct ksplice_jump {
	unsigned long at;		/* where the jump goes */
	u8 saved[JMP32_INSN_SIZE];	/* the function's bytes there */
	struct ksplice_alias alias;	/* writable, while installed */
};

typedef int (*text_reserved_t)(void *start, void *end);

/* the kernel's records of the sites it rewrites; all needed */
static text_reserved_t ksplice_reserved[4];

/**
 * ksplice_jump_init() - find the kernel's lists of rewritten sites
 *
 * Without them all, every function with no ftrace site gets a kprobe.
 */
void ksplice_jump_init(void)
{
	static const char * const names[] = {
		"jump_label_text_reserved", "static_call_text_reserved",
		"alternatives_text_reserved", "ftrace_text_reserved",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		ksplice_reserved[i] =
			(text_reserved_t)ksplice_lookup_name(names[i]);
}

/* Does the kernel rewrite, or has a kprobe in, [at, at + 5)? */
static bool ksplice_jump_reserved(unsigned long at)
{
	void *start = (void *)at, *last = (void *)(at + JMP32_INSN_SIZE - 1);
	bool busy = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ksplice_reserved) && !busy; i++)
		busy = !ksplice_reserved[i] || ksplice_reserved[i](start, last);
	/* a kprobe, or no way to tell */
	if (!busy)
		busy = ksplice_kprobes_in(at, JMP32_INSN_SIZE) != 0;
	for (i = 0; i < JMP32_INSN_SIZE && !busy; i++)
		busy = ((u8 *)at)[i] == INT3_INSN_OPCODE;
	return busy;
}

/* "jmp target" as it would be written at j->at */
static void ksplice_jump_insn(const struct ksplice_jump *j,
			      unsigned long target, u8 *insn)
{
	s32 rel = (s32)(target - (j->at + JMP32_INSN_SIZE));

	insn[0] = JMP32_INSN_OPCODE;
	memcpy(insn + 1, &rel, sizeof(rel));
}

/**
 * ksplice_jump_install() - ready a function for a jump over its entry
 * @r:		the redirection, its old_addr set and its target 0
 * @size:	the function's size
 * @in_module:	whether it is a module's
 *
 * Return: 0; -EBUSY when a jump cannot go there (the caller uses a
 * kprobe); -ENOMEM, or -EFAULT when its page is not found.
 */
int ksplice_jump_install(struct ksplice_redirect *r, unsigned long size,
			 bool in_module)
{
	struct ksplice_jump *j;
	unsigned long at = r->old_addr;
	int ret;

	if (size >= ENDBR_INSN_SIZE && is_endbr(*(u32 *)at)) {
		at += ENDBR_INSN_SIZE;
		size -= ENDBR_INSN_SIZE;
	}
	if (size < JMP32_INSN_SIZE || ksplice_jump_reserved(at))
		return -EBUSY;
	j = KSPLICE_FALLIBLE(kzalloc(sizeof(*j), GFP_KERNEL));
	if (!j)
		return -ENOMEM;
	j->at = at;
	memcpy(j->saved, (void *)at, JMP32_INSN_SIZE);
	ret = ksplice_alias_map(&j->alias, at, JMP32_INSN_SIZE, in_module);
	if (ret) {
		kfree(j);
		return ret;
	}
	r->jump = j;
	return 0;
}

/**
 * ksplice_jump_remove() - forget the jump's state
 * @r:	an installed jump redirection, its saved bytes in place
 */
void ksplice_jump_remove(struct ksplice_redirect *r)
{
	ksplice_alias_unmap(&r->jump->alias);
	kfree(r->jump);
	r->jump = NULL;
}

/**
 * ksplice_jump_intact() - does the entry hold what we left there?
 * @r:	an installed jump redirection
 *
 * Return: whether its bytes are the saved ones (target 0) or our jump.
 */
bool ksplice_jump_intact(const struct ksplice_redirect *r)
{
	const struct ksplice_jump *j = r->jump;
	u8 insn[JMP32_INSN_SIZE];
	unsigned long target = READ_ONCE(r->target);

	if (!target)
		return !memcmp((void *)j->at, j->saved, JMP32_INSN_SIZE);
	ksplice_jump_insn(j, target, insn);
	return !memcmp((void *)j->at, insn, JMP32_INSN_SIZE);
}

/**
 * ksplice_jump_set() - write the jump to @target, or the saved bytes
 * @r:		an installed jump redirection
 * @target:	the new code, or 0
 * @stopped:	inside stop_machine() (else: text_poke(), may sleep; the
 *		function must not be running: its module is not live)
 */
void ksplice_jump_set(struct ksplice_redirect *r, unsigned long target,
		      bool stopped)
{
	const struct ksplice_jump *j = r->jump;
	u8 insn[JMP32_INSN_SIZE];
	const u8 *bytes = j->saved;

	if (target) {
		ksplice_jump_insn(j, target, insn);
		bytes = insn;
	}
	if (stopped)
		memcpy(j->alias.p, bytes, JMP32_INSN_SIZE);
	else
		ksplice_poke_text((void *)j->at, bytes, JMP32_INSN_SIZE);
}

/**
 * ksplice_jump_unpatch() - see a copy of code without our jump
 * @r:		an installed jump redirection
 * @addr:	where the copy was read from
 * @buf:	its bytes
 * @size:	how many
 */
void ksplice_jump_unpatch(const struct ksplice_redirect *r, unsigned long addr,
			  u8 *buf, unsigned long size)
{
	const struct ksplice_jump *j = r->jump;
	unsigned int i;

	for (i = 0; i < JMP32_INSN_SIZE; i++)
		if (j->at + i >= addr && j->at + i - addr < size)
			buf[j->at + i - addr] = j->saved[i];
}
