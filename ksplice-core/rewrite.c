// SPDX-License-Identifier: GPL-2.0
/*
 * Accept the x86 instructions the kernel rewrites at boot.
 *
 * The pre code is what the compiler emitted; the running kernel has
 * since rewritten some of it (ftrace sites, return and retpoline thunk
 * calls, alternatives, paravirt calls, jump labels, static calls).  The
 * helper lists each such window; here a window is accepted when it holds
 * the original bytes (relocation fields checked) or one of the forms the
 * 6.1 kernel produces for that kind of window, and nothing else.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/string.h>
#include <asm/cpufeature.h>

#include "core.h"

#define OP_RET		0xc3
#define OP_INT3		0xcc
#define OP_CALL		0xe8
#define OP_JMP32	0xe9
#define OP_JMP8		0xeb
#define OP_NOP1		0x90
#define OP_DS_PREFIX	0x3e	/* what alternatives_smp_unlock() writes */

/* __x86_return_thunk, and the variable x86_return_thunk (its choice) */
static unsigned long ksplice_ret_thunk;
static unsigned long *ksplice_ret_thunk_choice;

/*
 * pv_ops and its number of slots (none without CONFIG_PARAVIRT), and the
 * functions apply_paravirt() treats apart.
 */
static unsigned long *ksplice_pv_ops;
static unsigned long ksplice_nr_pv_slots;
static unsigned long ksplice_pv_nop;
static unsigned long ksplice_pv_bug;

static int ksplice_paravirt_init(void)
{
	unsigned long size;

	ksplice_pv_ops = (unsigned long *)ksplice_lookup_name("pv_ops");
	if (!ksplice_pv_ops)
		return 0;
	ksplice_pv_nop = ksplice_lookup_name("_paravirt_nop");
	ksplice_pv_bug = ksplice_lookup_name("paravirt_BUG");
	if (!ksplice_symbol_size((unsigned long)ksplice_pv_ops, &size) ||
	    !ksplice_pv_nop || !ksplice_pv_bug) {
		pr_err("cannot find pv_ops, _paravirt_nop or paravirt_BUG\n");
		return -ENOENT;
	}
	ksplice_nr_pv_slots = size / sizeof(*ksplice_pv_ops);
	return 0;
}

/**
 * ksplice_rewrite_init() - find the return thunks and paravirt ops
 *
 * Return: 0, or -ENOENT.
 */
int ksplice_rewrite_init(void)
{
	ksplice_ret_thunk = ksplice_lookup_name("__x86_return_thunk");
	ksplice_ret_thunk_choice =
		(unsigned long *)ksplice_lookup_name("x86_return_thunk");
	if (!ksplice_ret_thunk || !ksplice_ret_thunk_choice) {
		pr_err("cannot find the return thunks\n");
		return -ENOENT;
	}
	return ksplice_paravirt_init();
}

/**
 * ksplice_pv_slots() - the number of slots of the kernel's pv_ops
 *
 * Return: it, 0 for a kernel without paravirt patching.
 */
unsigned long ksplice_pv_slots(void)
{
	return ksplice_nr_pv_slots;
}

/* Where the rel32 branch of len bytes at offset off of the candidate goes */
static unsigned long ksplice_branch_dest(const struct ksplice_match_ctx *ctx,
					 unsigned int off, unsigned int len)
{
	s32 disp;

	memcpy(&disp, ctx->mem + off + len - 4, sizeof(disp));
	return ctx->addr + off + len + (long)disp;
}

/* The x86 NOP forms the kernel writes (x86_nops[] and compiler forms). */
static const u8 ksplice_nops[][9] = {
	{ 0x90 },
	{ 0x66, 0x90 },
	{ 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 },
	{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

/* The length of the NOP at p (of at most left bytes), or 0. */
static unsigned int ksplice_nop_len(const u8 *p, unsigned int left)
{
	unsigned int i;

	for (i = ARRAY_SIZE(ksplice_nops); i > 0; i--)
		if (i <= left && !memcmp(p, ksplice_nops[i - 1], i))
			return i;
	return 0;
}

static bool ksplice_all(const u8 *p, unsigned int len, u8 byte)
{
	while (len--)
		if (*p++ != byte)
			return false;
	return true;
}

/*
 * Padding: NOPs up to the end, or a short jump to the end over int3 and
 * NOP bytes.
 */
static bool ksplice_is_padding(const u8 *p, unsigned int len)
{
	unsigned int n, i;

	while (len) {
		n = ksplice_nop_len(p, len);
		if (n) {
			p += n;
			len -= n;
			continue;
		}
		if (len < 2 || p[0] != OP_JMP8 || p[1] != len - 2)
			return false;
		for (i = 2; i < len; i += n) {
			n = ksplice_nop_len(p + i, len - i);
			if (!n && p[i] == OP_INT3)
				n = 1;
			if (!n)
				return false;
		}
		return true;
	}
	return true;
}

static bool ksplice_is_jcc32(const u8 *p, unsigned int len)
{
	return len == 6 && p[0] == 0x0f && (p[1] & 0xf0) == 0x80;
}

/* The original bytes, relocation fields checked; no bindings if not. */
static bool ksplice_is_original(struct ksplice_match_ctx *ctx,
				const struct ksplice_rewrite *rw)
{
	unsigned int mark = ctx->nr_undo;
	long bad;

	if (ksplice_check_range(ctx, rw->offset, rw->offset + rw->len, &bad))
		return true;
	ksplice_rollback_to(ctx, mark);
	return false;
}

/* call __fentry__: a 5-byte NOP, or a call into an ftrace trampoline. */
static bool ksplice_fentry_ok(const u8 *w, unsigned int len)
{
	if (len == 5 && w[0] == OP_CALL)
		return true;
	return len == 5 && ksplice_nop_len(w, len) == 5;
}

/*
 * jmp __x86_return_thunk: ret + int3 padding, or a jump to the return
 * thunk the mitigations chose (x86_return_thunk: srso, retbleed, its...)
 * + int3 padding; a conditional one stays as compiled.
 */
static bool ksplice_return_ok(const struct ksplice_match_ctx *ctx,
			      const struct ksplice_rewrite *rw, const u8 *w)
{
	unsigned int len = rw->len;
	unsigned long dest;

	if (w[0] == OP_RET)
		return ksplice_all(w + 1, len - 1, OP_INT3);
	if (w[0] != OP_JMP32 || len < 5)
		return false;
	dest = ksplice_branch_dest(ctx, rw->offset, 5);
	return (dest == READ_ONCE(*ksplice_ret_thunk_choice) ||
		dest == ksplice_ret_thunk) &&
	       ksplice_all(w + 5, len - 5, OP_INT3);
}

/*
 * call/jmp/jcc __x86_indirect_thunk_<reg> rewritten by patch_retpoline():
 * [jncc.d8 over it] [lfence] call/jmp *%reg [int3] NOP padding.
 */
static bool ksplice_retpoline_ok(const u8 *orig, const u8 *w,
				 unsigned int len)
{
	bool jcc = ksplice_is_jcc32(orig, len);
	u8 modrm = orig[0] == OP_CALL ? 0xd0 : 0xe0;
	unsigned int i = 0;

	/* An ITS trampoline: the same branch to a thunk of its own. */
	if (cpu_feature_enabled(X86_FEATURE_INDIRECT_THUNK_ITS) &&
	    w[0] == orig[0] && (!jcc || w[1] == orig[1]))
		return true;
	if (jcc) {
		if (w[0] != 0x70 + ((orig[1] & 0xf) ^ 1) || w[1] != len - 2)
			return false;
		i = 2;
		modrm = 0xe0;
	}
	if (i + 3 <= len && w[i] == 0x0f && w[i + 1] == 0xae &&
	    w[i + 2] == 0xe8)
		i += 3;			/* lfence */
	if (i < len && w[i] == 0x41)
		i++;			/* REX.B */
	if (i + 2 > len || w[i] != 0xff || (w[i + 1] & 0xf8) != modrm ||
	    (w[i + 1] & 7) == 4)
		return false;
	i += 2;
	if (modrm == 0xe0 && i < len && w[i] == OP_INT3)
		i++;
	return ksplice_is_padding(w + i, len - i);
}

/*
 * A replacement that is one 5-byte call or jmp: apply_alternatives()
 * aims it from the window at the same target (a jmp maybe as jmp.d8,
 * then NOPs).  Returns its length in the window, or -1.
 */
static int ksplice_repl_branch(struct ksplice_match_ctx *ctx,
			       const struct ksplice_rewrite *rw, const u8 *w)
{
	const struct ksplice_reloc *r = rw->repl_relocs;
	unsigned long dest;
	int n;

	if (rw->nr_repl_relocs != 1 || r->place != 1 ||
	    (r->type != KSPLICE_R_PC32 && r->type != KSPLICE_R_PLT32))
		return -1;
	if (w[0] == OP_JMP8 && rw->repl[0] == OP_JMP32) {
		n = 2;
		dest = ctx->addr + rw->offset + 2 + (long)(s8)w[1];
	} else if (w[0] == rw->repl[0]) {
		n = 5;
		dest = ksplice_branch_dest(ctx, rw->offset, 5);
	} else {
		return -1;
	}
	/* the field held S + A - P: the branch went to S + A + 4 */
	return ksplice_check_symbol(ctx, r->symbol, dest - r->addend - 4) ?
	       n : -1;
}

/*
 * A replacement copied as it is: its bytes outside relocation fields,
 * and absolute fields decoding to their symbols.
 */
static bool ksplice_repl_copied(struct ksplice_match_ctx *ctx,
				const struct ksplice_rewrite *rw, const u8 *w)
{
	const struct ksplice_reloc *r;
	unsigned int i, off = 0, end;
	unsigned long target;

	for (i = 0; i <= rw->nr_repl_relocs; i++) {
		r = i < rw->nr_repl_relocs ? &rw->repl_relocs[i] : NULL;
		end = r ? r->place : rw->repl_len;
		if (memcmp(w + off, rw->repl + off, end - off))
			return false;
		if (!r)
			break;
		if (ksplice_reloc_is_pcrel(r->type) ||
		    !ksplice_reloc_decode(r->type, w + r->place, 0, r->addend,
					  &target) ||
		    !ksplice_check_symbol(ctx, r->symbol, target))
			return false;
		off = r->place + ksplice_reloc_field_size(r->type);
	}
	return true;
}

/*
 * An alternative's replacement as apply_alternatives() writes it.
 * Returns the length it takes in the window, or -1.
 */
static int ksplice_alt_replacement(struct ksplice_match_ctx *ctx,
				   const struct ksplice_rewrite *rw,
				   const u8 *w)
{
	unsigned int rl = rw->repl_len;

	if (rl > rw->len || (rl && !rw->repl))
		return -1;
	if (rl == 5 && (rw->repl[0] == OP_CALL || rw->repl[0] == OP_JMP32))
		return ksplice_repl_branch(ctx, rw, w);
	return ksplice_repl_copied(ctx, rw, w) ? rl : -1;
}

static bool ksplice_alternative_ok(struct ksplice_match_ctx *ctx,
				   const struct ksplice_rewrite *rw,
				   const u8 *orig, const u8 *w)
{
	unsigned int mark = ctx->nr_undo, olen = rw->len;
	int rl;
	long bad;

	rl = ksplice_alt_replacement(ctx, rw, w);
	if (rl >= 0 && ksplice_is_padding(w + rl, rw->len - rl))
		return true;
	ksplice_rollback_to(ctx, mark);

	/* Not patched, but optimize_nops() rewrote the 0x90 padding. */
	while (olen && orig[olen - 1] == OP_NOP1)
		olen--;
	if (olen == rw->len || !ksplice_is_padding(w + olen, rw->len - olen))
		return false;
	if (ksplice_check_range(ctx, rw->offset, rw->offset + olen, &bad))
		return true;
	ksplice_rollback_to(ctx, mark);
	return false;
}

/*
 * .parainstructions: what apply_paravirt() wrote for the function now in
 * the site's pv_ops slot: a call to it (to paravirt_BUG for an empty
 * slot) then NOPs, or only NOPs for _paravirt_nop.  A slot changed after
 * the site was patched no longer matches: the candidate is refused.
 */
static bool ksplice_paravirt_ok(const struct ksplice_match_ctx *ctx,
				const struct ksplice_rewrite *rw, const u8 *w)
{
	unsigned long fn;

	if (rw->target >= ksplice_nr_pv_slots || rw->len < 5)
		return false;
	fn = READ_ONCE(ksplice_pv_ops[rw->target]);
	if (fn == ksplice_pv_nop)
		return ksplice_is_padding(w, rw->len);
	if (!fn)
		fn = ksplice_pv_bug;
	return w[0] == OP_CALL &&
	       ksplice_branch_dest(ctx, rw->offset, 5) == fn &&
	       ksplice_is_padding(w + 5, rw->len - 5);
}

/*
 * __jump_table: a NOP, or a jmp of the window's length to the entry's
 * target (when the helper knows it: KSPLICE_RWF_TARGET).
 */
static bool ksplice_jump_label_ok(const struct ksplice_match_ctx *ctx,
				  const struct ksplice_rewrite *rw,
				  const u8 *w)
{
	unsigned int len = rw->len;
	unsigned long dest;

	if (ksplice_nop_len(w, len) == len)
		return true;
	if (len == 2 && w[0] == OP_JMP8)
		dest = ctx->addr + rw->offset + 2 + (long)(s8)w[1];
	else if (len == 5 && w[0] == OP_JMP32)
		dest = ksplice_branch_dest(ctx, rw->offset, 5);
	else
		return false;
	return !(rw->flags & KSPLICE_RWF_TARGET) ||
	       dest == ctx->addr + rw->target;
}

/*
 * .static_call_sites: call or jmp to any target, a 5-byte NOP, ret (or a
 * jump to the return thunk) + int3, "xor %eax,%eax" for
 * __static_call_return0, or a jcc tail call.
 */
static bool ksplice_static_call_ok(const u8 *w, unsigned int len)
{
	static const u8 xor5rax[] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };

	if (len == 5 && (w[0] == OP_CALL || w[0] == OP_JMP32))
		return true;
	if (len == 5 && !memcmp(w, xor5rax, sizeof(xor5rax)))
		return true;
	if (len == 5 && ksplice_nop_len(w, len) == 5)
		return true;
	if (w[0] == OP_RET)
		return ksplice_all(w + 1, len - 1, OP_INT3);
	return ksplice_is_jcc32(w, len);
}

bool ksplice_check_rewrite(struct ksplice_match_ctx *ctx,
			   const struct ksplice_rewrite *rw)
{
	const u8 *orig = ctx->sec->code + rw->offset;
	const u8 *w = ctx->mem + rw->offset;

	if (ksplice_is_original(ctx, rw))
		return true;

	switch (rw->kind) {
	case KSPLICE_RW_FENTRY:
		return ksplice_fentry_ok(w, rw->len);
	case KSPLICE_RW_RETURN:
		return ksplice_return_ok(ctx, rw, w);
	case KSPLICE_RW_RETPOLINE:
		return ksplice_retpoline_ok(orig, w, rw->len);
	case KSPLICE_RW_ALTERNATIVE:
		return ksplice_alternative_ok(ctx, rw, orig, w);
	case KSPLICE_RW_PARAVIRT:
		return ksplice_paravirt_ok(ctx, rw, w);
	case KSPLICE_RW_JUMP_LABEL:
		return ksplice_jump_label_ok(ctx, rw, w);
	case KSPLICE_RW_STATIC_CALL:
		return ksplice_static_call_ok(w, rw->len);
	case KSPLICE_RW_LOCK:
		return rw->len == 1 && w[0] == OP_DS_PREFIX;
	default:
		return false;
	}
}
