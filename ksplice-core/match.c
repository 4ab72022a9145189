// SPDX-License-Identifier: GPL-2.0
/*
 * Run-pre matching: find where each function of the helper's
 * pre code is in the running kernel, and bind the symbols it refers to.
 *
 * A candidate for a section is any vmlinux address kallsyms gives the
 * section's name, or for a section of a module, any address of that name
 * in the module (targets.c).  The sections and symbols of a module that
 * is not loaded wait: they are matched alone when it loads
 * (ksplice_match_module(), with the update's other symbols as bound).
 * A candidate matches when its bytes equal the pre code outside
 * relocation fields and rewrite windows, every relocation field decodes
 * to an acceptable address of its symbol, and every rewrite window holds
 * the original bytes or a form the kernel rewrites them to (rewrite.c).
 * A symbol a candidate binds is bound tentatively: the bindings are
 * rolled back unless the candidate is the only match.  A symbol no match
 * binds is one kallsyms knows once, or a static placed by a bound
 * neighbour of its object's data section (struct ksplice_symbol.group).
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "core.h"

enum ksplice_sec_state {
	KSPLICE_SEC_UNDECIDED,
	KSPLICE_SEC_MATCHED,
	KSPLICE_SEC_IGNORED,
};

struct ksplice_matcher {
	struct ksplice_match_ctx ctx;
	struct ksplice_names names;	/* vmlinux, applied updates */
	struct ksplice_targets targets;
	const char *only;		/* a module matched alone, or NULL */
	enum ksplice_sec_state *state;
	u8 *buf;
	u8 *pad;		/* KSPLICE_PAD_MAX bytes */
};

bool ksplice_check_symbol(struct ksplice_match_ctx *ctx, unsigned int sym,
			  unsigned long target)
{
	struct ksplice_symbol *s;
	struct ksplice_name *n;
	unsigned int i;

	if (sym == KSPLICE_NO_SYMBOL)
		return true;
	if (sym >= ctx->helper->nr_symbols)
		return false;
	s = &ctx->helper->symbols[sym];
	if (ctx->bound[sym])
		return s->value == target;
	n = ctx->sym_names[sym];
	for (i = 0; i < n->nr; i++) {
		if (n->addrs[i] != target)
			continue;
		s->value = target;
		ctx->bound[sym] = true;
		ctx->undo[ctx->nr_undo++] = sym;
		return true;
	}
	return false;
}

/* Undo the tentative bindings made since mark. */
void ksplice_rollback_to(struct ksplice_match_ctx *ctx, unsigned int mark)
{
	unsigned int sym;

	while (ctx->nr_undo > mark) {
		sym = ctx->undo[--ctx->nr_undo];
		ctx->bound[sym] = false;
		ctx->helper->symbols[sym].value = 0;
	}
}

/*
 * Do the running kernel's bytes at addr equal the record's content?
 * Read in pieces through copy_from_kernel_nofault: addr comes from the
 * candidate's code and may point anywhere.
 */
static bool ksplice_check_content(const struct ksplice_reloc *r,
				  unsigned long addr)
{
	u8 buf[64];
	unsigned int done, n;

	for (done = 0; done < r->content_len; done += n) {
		n = min_t(unsigned int, sizeof(buf), r->content_len - done);
		if (copy_from_kernel_nofault(buf, (void *)(addr + done), n))
			return false;
		if (memcmp(buf, r->content + done, n))
			return false;
	}
	return true;
}

/*
 * A string literal's symbol (KSPLICE_SYM_CONTENT) not bound yet: bound
 * tentatively where its record found the bytes it checks.
 */
static bool ksplice_bind_content(struct ksplice_match_ctx *ctx,
				 const struct ksplice_reloc *r,
				 unsigned long target)
{
	struct ksplice_symbol *s;

	if (r->symbol >= ctx->helper->nr_symbols || !r->content_len ||
	    r->content_off || ctx->bound[r->symbol])
		return false;
	s = &ctx->helper->symbols[r->symbol];
	if (!(s->flags & KSPLICE_SYM_CONTENT))
		return false;
	s->value = target;
	ctx->bound[r->symbol] = true;
	ctx->undo[ctx->nr_undo++] = r->symbol;
	return true;
}

bool ksplice_check_reloc(struct ksplice_match_ctx *ctx,
			 const struct ksplice_reloc *r)
{
	unsigned long target;

	if (r->symbol == KSPLICE_NO_SYMBOL && !r->content_len)
		return true;
	if (!ksplice_reloc_decode(r->type, ctx->mem + r->place,
				  ctx->addr + r->place, r->addend, &target))
		return false;
	if (r->content_len &&
	    !ksplice_check_content(r, target + r->content_off))
		return false;
	if (ksplice_bind_content(ctx, r, target))
		return true;
	return ksplice_check_symbol(ctx, r->symbol, target);
}

/* The first relocation at or after offset off. */
static unsigned int ksplice_first_reloc(const struct ksplice_section *sec,
					unsigned long off)
{
	unsigned int lo = 0, hi = sec->nr_relocs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sec->relocs[mid].place < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Compare [start, end) of the pre code with the candidate, checking the
 * relocation fields there.  On a difference, *bad is its offset.
 */
bool ksplice_check_range(struct ksplice_match_ctx *ctx, unsigned int start,
			 unsigned int end, long *bad)
{
	const struct ksplice_section *sec = ctx->sec;
	unsigned int i = ksplice_first_reloc(sec, start);
	unsigned long off = start, next, size;
	const struct ksplice_reloc *r;

	while (off < end) {
		r = i < sec->nr_relocs ? &sec->relocs[i] : NULL;
		next = r && r->place < end ? r->place : end;
		for (; off < next; off++) {
			if (sec->code[off] != ctx->mem[off]) {
				*bad = off;
				return false;
			}
		}
		if (off >= end)
			break;
		size = ksplice_reloc_field_size(r->type);
		if (!ksplice_check_reloc(ctx, r)) {
			*bad = off;
			return false;
		}
		off += size;
		i++;
	}
	return true;
}

/*
 * Does the candidate in ctx match the section?  Returns -1 if so, else
 * the offset of the first difference.
 */
static long ksplice_match_bytes(struct ksplice_match_ctx *ctx)
{
	const struct ksplice_section *sec = ctx->sec;
	const struct ksplice_rewrite *rw;
	unsigned int i = 0, j, off = 0, end;
	long bad;

	while (off < sec->size) {
		while (i < sec->nr_rewrites && sec->rewrites[i].offset < off)
			i++;
		end = i < sec->nr_rewrites ? sec->rewrites[i].offset : sec->size;
		if (!ksplice_check_range(ctx, off, end, &bad))
			return bad;
		if (i == sec->nr_rewrites)
			break;
		off = end;
		for (j = i; j < sec->nr_rewrites; j++) {
			rw = &sec->rewrites[j];
			if (rw->offset != end)
				return end;
			if (rw->len && end + rw->len <= sec->size &&
			    ksplice_check_rewrite(ctx, rw)) {
				off = end + rw->len;
				break;
			}
		}
		if (off == end)
			return end;
	}
	return -1;
}

/* The most padding read after a candidate; more is a difference. */
#define KSPLICE_PAD_MAX		PAGE_SIZE

/*
 * The length of the NOP instruction at p (at most left bytes), in any of
 * the forms assemblers pad with: 0x66 and 0x2e prefixes, then 0x90 or
 * "nopl/nopw" (0f 1f /0) with a zero displacement; or 0.
 */
static unsigned int ksplice_fill_nop_len(const u8 *p, unsigned int left)
{
	static const u8 modrm_len[] = {
		[0x00] = 1, [0x40] = 2, [0x44] = 3, [0x80] = 5, [0x84] = 6,
	};
	unsigned int i = 0, n, k;

	while (i < left && i < 14 && (p[i] == 0x66 || p[i] == 0x2e))
		i++;
	if (i < left && p[i] == 0x90)
		return i + 1;
	if (i + 3 > left || p[i] != 0x0f || p[i + 1] != 0x1f ||
	    p[i + 2] >= ARRAY_SIZE(modrm_len) || !modrm_len[p[i + 2]])
		return 0;
	n = modrm_len[p[i + 2]];
	if (i + 2 + n > left)
		return 0;
	for (k = 1; k < n; k++)		/* SIB 0x00 (0x44, 0x84), disp 0 */
		if (p[i + 2 + k])
			return 0;
	return i + 2 + n;
}

/*
 * Is p[0..len) padding: int3 (the linker's fill between functions in
 * vmlinux), NOPs (the assembler's alignment, maybe after a short jump
 * over them), or zeros (the module loader's fill between the sections
 * of a module)?
 */
static bool ksplice_is_fill(const u8 *p, unsigned int len)
{
	unsigned int i = 0, n;

	if (len && !p[0] && !memchr_inv(p, 0, len))
		return true;
	while (i < len) {
		/* a short jump to the end, over the rest of the fill */
		if (len - i >= 2 && p[i] == 0xeb && p[i + 1] == len - i - 2)
			return ksplice_is_fill(p + i + 2, len - i - 2);
		n = p[i] == 0xcc ? 1 : ksplice_fill_nop_len(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/*
 * Is the candidate no longer than the pre code?  kallsyms gives it the
 * bytes up to the next symbol: after the pre code's size, only padding
 * may follow, or what the object has up to its next symbol that the link
 * keeps (ksplice_section.extent: weak functions another object overrode
 * leave no symbol).  A running function that goes on with code is
 * another function with the same beginning.
 */
static bool ksplice_candidate_ends(struct ksplice_matcher *m,
				   unsigned long addr)
{
	unsigned long size = m->ctx.sec->size, ksize, pad;

	if (!ksplice_symbol_size(addr, &ksize) || ksize < size)
		return false;
	if (ksize <= m->ctx.sec->extent)
		return true;
	pad = ksize - size;
	if (pad > KSPLICE_PAD_MAX)
		return false;
	if (copy_from_kernel_nofault(m->pad, (void *)(addr + size), pad))
		return false;
	return ksplice_is_fill(m->pad, pad);
}

/* Try one candidate address; its bindings stay in ctx->undo. */
static long ksplice_try_candidate(struct ksplice_matcher *m,
				  unsigned long addr)
{
	struct ksplice_match_ctx *ctx = &m->ctx;
	long off;

	ctx->addr = addr;
	if (!ksplice_check_symbol(ctx, ctx->sec->symbol, addr))
		return 0;
	if (copy_from_kernel_nofault(m->buf, (void *)addr, ctx->sec->size))
		return 0;
	ksplice_redirect_unpatch(addr, m->buf, ctx->sec->size);
	ctx->mem = m->buf;
	off = ksplice_match_bytes(ctx);
	if (off < 0 && !ksplice_candidate_ends(m, addr))
		return ctx->sec->size;	/* the running function goes on */
	return off;
}

/* Is the module a section or symbol comes from not loaded? */
static bool ksplice_target_missing(struct ksplice_matcher *m,
				   const char *target)
{
	return target && !ksplice_target_find(&m->targets, target)->mod;
}

static void ksplice_no_match(struct ksplice_matcher *m,
			     const struct ksplice_section *sec,
			     unsigned int nr, unsigned long best,
			     long best_off, unsigned int nr_matched)
{
	struct ksplice_update *update = m->ctx.update;

	if (nr_matched > 1)
		ksplice_set_cause(update, KSPLICE_NO_MATCH,
				  "%s (%s): %u candidates match",
				  sec->name, sec->object, nr_matched);
	else if (sec->flags & KSPLICE_SECT_WEAK)
		ksplice_set_cause(update, KSPLICE_NO_MATCH,
				  "%s (%s): no match; it is weak: where another object's %s overrides it, the kernel runs that one and this change has no effect (%u other candidates)",
				  sec->name, sec->object, sec->name, nr);
	else if (!nr)
		ksplice_set_cause(update, KSPLICE_NO_MATCH,
				  "%s (%s): no match; not in kallsyms",
				  sec->name, sec->object);
	else
		ksplice_set_cause(update, KSPLICE_NO_MATCH,
				  "%s (%s): no match; best candidate %lx differs at +0x%lx",
				  sec->name, sec->object, best, best_off);
}

/*
 * Count the matching candidates of one section.  When exactly one
 * matches, bind it.  Returns 0, or -ENOENT when a replaced section
 * cannot match any more.
 */
static int ksplice_match_section(struct ksplice_matcher *m, unsigned int s,
				 bool *progress, bool final)
{
	const struct ksplice_section *sec = &m->ctx.helper->sections[s];
	struct ksplice_name *n = ksplice_section_candidates(&m->targets,
							    &m->names, sec);
	unsigned long addr, found = 0, best = 0;
	unsigned int i, nr_matched = 0;
	long off, best_off = -1;

	m->ctx.sec = sec;
	for (i = 0; i < n->nr; i++) {
		addr = n->addrs[i];
		off = ksplice_try_candidate(m, addr);
		ksplice_rollback_to(&m->ctx, 0);
		if (ksplice_debug)
			pr_info("%s: %s (%s) candidate %lx: %s +0x%lx\n",
				m->ctx.update->id, sec->name, sec->object,
				addr, off < 0 ? "matches" : "differs at",
				off < 0 ? 0 : off);
		if (off < 0) {
			found = addr;
			nr_matched++;
		} else if (off > best_off) {
			best_off = off;
			best = addr;
		}
	}

	if (nr_matched == 1) {
		ksplice_try_candidate(m, found);
		m->ctx.nr_undo = 0;	/* keep its bindings */
		m->state[s] = KSPLICE_SEC_MATCHED;
		*progress = true;
		return 0;
	}
	if (nr_matched == 0 || final) {
		if (!(sec->flags & KSPLICE_SECT_REPLACED)) {
			m->state[s] = KSPLICE_SEC_IGNORED;
			return 0;
		}
		ksplice_no_match(m, sec, n->nr, best, best_off, nr_matched);
		return -ENOENT;
	}
	return 0;
}

/*
 * Repeat passes while unique matches bind symbols that help others; a
 * last pass then decides the sections that still have several matches.
 */
static int ksplice_match_sections(struct ksplice_matcher *m)
{
	struct ksplice_helper *helper = m->ctx.helper;
	bool progress, final = false;
	unsigned int s;
	int ret;

	for (;;) {
		progress = false;
		for (s = 0; s < helper->nr_sections; s++) {
			if (m->state[s] != KSPLICE_SEC_UNDECIDED)
				continue;
			ret = ksplice_match_section(m, s, &progress, final);
			if (ret)
				return ret;
		}
		if (final)
			return 0;
		if (!progress)
			final = true;
	}
}

/*
 * The one address of a name that no match bound: kallsyms knows it once,
 * or once in vmlinux while the other candidates are applied updates' new
 * code that a call of it leads to anyway (a replacement of it, or of a
 * replacement).  0 otherwise: ambiguous.
 */
static unsigned long ksplice_single_address(const struct ksplice_name *n)
{
	unsigned int i;

	if (n->nr == 1)
		return n->addrs[0];
	if (n->nr_vmlinux != 1)
		return 0;
	for (i = 1; i < n->nr; i++)
		if (!ksplice_leads_to(n->addrs[0], n->addrs[i]))
			return 0;
	return n->addrs[0];
}

/*
 * The address of symbol i that the bound symbols of its group give (the
 * distance of their offsets in the object's data section), if they all
 * agree and kallsyms has symbol i's name there; else 0.
 */
static unsigned long ksplice_group_address(struct ksplice_matcher *m,
					   unsigned int i)
{
	const struct ksplice_helper *helper = m->ctx.helper;
	const struct ksplice_symbol *sym = &helper->symbols[i], *o;
	const struct ksplice_name *n = m->ctx.sym_names[i];
	unsigned long addr = 0, a;
	unsigned int j, k;

	if (!sym->group)
		return 0;
	for (j = 0; j < helper->nr_symbols; j++) {
		o = &helper->symbols[j];
		if (j == i || !m->ctx.bound[j] || o->group != sym->group)
			continue;
		a = o->value - o->group_off + sym->group_off;
		if (addr && a != addr)
			return 0;
		addr = a;
	}
	for (k = 0; addr && k < n->nr; k++)
		if (n->addrs[k] == addr)
			return addr;
	return 0;
}

/*
 * Symbols no match bound: kallsyms must know exactly one address, or a
 * bound neighbour in the same data section must put it at one of them.
 */
static int ksplice_resolve_rest(struct ksplice_matcher *m)
{
	struct ksplice_helper *helper = m->ctx.helper;
	struct ksplice_symbol *sym;
	struct ksplice_name *n;
	unsigned long addr;
	unsigned int i;

	for (i = 0; i < helper->nr_symbols; i++) {
		sym = &helper->symbols[i];
		/* waiting for its module; or, matching one, not its */
		if (m->ctx.bound[i] || ksplice_target_missing(m, sym->target) ||
		    (m->only && (!sym->target || strcmp(sym->target, m->only))))
			continue;
		n = m->ctx.sym_names[i];
		addr = ksplice_single_address(n);
		if (!addr) {
			addr = ksplice_group_address(m, i);
			if (addr && ksplice_debug)
				pr_info("%s: %s (%s) at %lx, by its neighbours\n",
					m->ctx.update->id, sym->name,
					sym->object, addr);
		}
		if (addr) {
			sym->value = addr;
			m->ctx.bound[i] = true;
			continue;
		}
		/* Only the pre code refers to it: leave it unresolved. */
		if (!(sym->flags & KSPLICE_SYM_NEEDED))
			continue;
		if (sym->flags & KSPLICE_SYM_CONTENT)
			ksplice_set_cause(m->ctx.update, KSPLICE_FAILED_TO_FIND,
					  "%s (%s): not found where its function refers to it",
					  sym->name, sym->object);
		else if (!n->nr)
			ksplice_set_cause(m->ctx.update, KSPLICE_FAILED_TO_FIND,
					  "%s%s%s%s: not in kallsyms", sym->name,
					  sym->object ? " (" : "",
					  sym->object ? sym->object : "",
					  sym->object ? ")" : "");
		else
			ksplice_set_cause(m->ctx.update, KSPLICE_FAILED_TO_FIND,
					  "%s%s%s%s: ambiguous: %u candidates",
					  sym->name, sym->object ? " (" : "",
					  sym->object ? sym->object : "",
					  sym->object ? ")" : "", n->nr);
		return -ENOENT;
	}
	return 0;
}

/* Sections of a module that waits (or, matching one, not its) wait. */
static void ksplice_matcher_states(struct ksplice_matcher *m)
{
	const struct ksplice_section *sec;
	unsigned int s;

	for (s = 0; s < m->ctx.helper->nr_sections; s++) {
		sec = &m->ctx.helper->sections[s];
		if (m->only ? !sec->target || strcmp(sec->target, m->only) :
		    ksplice_target_missing(m, sec->target))
			m->state[s] = KSPLICE_SEC_IGNORED;
	}
}

/*
 * Matching one module: the update's other symbols keep what the apply
 * found for them.
 */
static void ksplice_matcher_known(struct ksplice_matcher *m)
{
	struct ksplice_update *update = m->ctx.update;
	const struct ksplice_symbol *sym;
	unsigned int i;

	for (i = 0; i < m->ctx.helper->nr_symbols; i++) {
		sym = &m->ctx.helper->symbols[i];
		if (sym->target && !strcmp(sym->target, m->only))
			continue;
		m->ctx.bound[i] = update->known[i];
		m->ctx.helper->symbols[i].value =
			update->known[i] ? update->values[i] : 0;
	}
}

static int ksplice_matcher_init(struct ksplice_matcher *m,
				struct ksplice_update *update,
				struct module *coming)
{
	struct ksplice_helper *helper = update->helper;
	unsigned long max = 1;
	unsigned int i;
	int ret;

	m->ctx.update = update;
	m->ctx.helper = helper;
	for (i = 0; i < helper->nr_symbols; i++) {
		helper->symbols[i].value = 0;
		ret = ksplice_names_add(&m->names, helper->symbols[i].name);
		if (ret)
			return ret;
	}
	for (i = 0; i < helper->nr_sections; i++) {
		max = max(max, helper->sections[i].size);
		ret = ksplice_names_add(&m->names, helper->sections[i].name);
		if (ret)
			return ret;
	}
	m->ctx.sym_names = KSPLICE_FALLIBLE(kcalloc(helper->nr_symbols + 1,
				   sizeof(*m->ctx.sym_names), GFP_KERNEL));
	m->ctx.bound = KSPLICE_FALLIBLE(kcalloc(helper->nr_symbols + 1, sizeof(bool),
			       GFP_KERNEL));
	m->ctx.undo = KSPLICE_FALLIBLE(kcalloc(helper->nr_symbols + 1, sizeof(unsigned int),
			      GFP_KERNEL));
	m->state = KSPLICE_FALLIBLE(kcalloc(helper->nr_sections + 1, sizeof(*m->state),
			   GFP_KERNEL));
	m->buf = kvmalloc(max, GFP_KERNEL);
	m->pad = KSPLICE_FALLIBLE(kmalloc(KSPLICE_PAD_MAX, GFP_KERNEL));
	if (!m->ctx.sym_names || !m->ctx.bound || !m->ctx.undo ||
	    !m->state || !m->buf || !m->pad)
		return -ENOMEM;

	ret = ksplice_names_collect(&m->names);
	if (!ret)
		ret = ksplice_collect_applied(&m->names);
	if (!ret)
		ret = ksplice_targets_init(&m->targets, helper, coming);
	if (ret)
		return ret;
	m->only = coming ? coming->name : NULL;
	for (i = 0; i < helper->nr_symbols; i++) {
		m->ctx.sym_names[i] =
			ksplice_symbol_candidates(&m->targets, &m->names,
						  &helper->symbols[i]);
		/* A name kallsyms has once is fixed from the start. */
		if (m->ctx.sym_names[i]->nr == 1) {
			helper->symbols[i].value = m->ctx.sym_names[i]->addrs[0];
			m->ctx.bound[i] = true;
		}
	}
	if (m->only)
		ksplice_matcher_known(m);
	ksplice_matcher_states(m);
	return 0;
}

static void ksplice_matcher_free(struct ksplice_matcher *m)
{
	ksplice_names_free(&m->names);
	ksplice_targets_free(&m->targets);
	kfree(m->ctx.sym_names);
	kfree(m->ctx.bound);
	kfree(m->ctx.undo);
	kfree(m->state);
	kvfree(m->buf);
	kfree(m->pad);
}

static void ksplice_match_summary(struct ksplice_matcher *m)
{
	struct ksplice_helper *helper = m->ctx.helper;
	unsigned int s, i, matched = 0, replaced = 0, found = 0;

	for (s = 0; s < helper->nr_sections; s++) {
		if (m->state[s] != KSPLICE_SEC_MATCHED)
			continue;
		matched++;
		if (helper->sections[s].flags & KSPLICE_SECT_REPLACED)
			replaced++;
	}
	for (i = 0; i < helper->nr_symbols; i++)
		found += m->ctx.bound[i];
	pr_info("%s: matched %u of %u functions (%u replaced), resolved %u of %u symbols\n",
		m->ctx.update->id, matched, helper->nr_sections, replaced,
		found, helper->nr_symbols);
}

/*
 * Match the helper of an update.  Returns 0 with update->matched set,
 * 0 with abort_cause set when the kernel does not match, or -ENOMEM.
 */
int ksplice_match(struct ksplice_update *update)
{
	struct ksplice_helper *helper = update->helper;
	struct ksplice_matcher m = {};
	struct ksplice_modtarget *mods;
	unsigned long *values, flags;
	bool *known;
	unsigned int i;
	int ret;

	ret = ksplice_matcher_init(&m, update, NULL);
	if (ret)
		goto out;
	ret = ksplice_match_sections(&m);
	if (!ret)
		ret = ksplice_resolve_rest(&m);
	if (ret) {
		pr_info("%s: %s\n", update->id, update->detail);
		ret = 0;
		goto out;
	}
	values = KSPLICE_FALLIBLE(kcalloc(helper->nr_symbols + 1, sizeof(*values), GFP_KERNEL));
	known = KSPLICE_FALLIBLE(kcalloc(helper->nr_symbols + 1, sizeof(*known), GFP_KERNEL));
	mods = KSPLICE_FALLIBLE(kcalloc(m.targets.nr + 1, sizeof(*mods), GFP_KERNEL));
	if (!values || !known || !mods) {
		kfree(values);
		kfree(known);
		kfree(mods);
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < helper->nr_symbols; i++) {
		values[i] = helper->symbols[i].value;
		known[i] = m.ctx.bound[i];
	}
	for (i = 0; i < m.targets.nr; i++) {
		mods[i].name = m.targets.t[i].name;
		mods[i].mod = m.targets.t[i].mod;
	}
	/* The module_finalize probe reads these under the spinlock. */
	spin_lock_irqsave(&ksplice_update_lock, flags);
	update->values = values;
	update->known = known;
	update->nr_values = helper->nr_symbols;
	update->mods = mods;
	update->nr_mods = m.targets.nr;
	update->matched = true;
	spin_unlock_irqrestore(&ksplice_update_lock, flags);
	ksplice_match_summary(&m);
out:
	ksplice_matcher_free(&m);
	return ret;
}

/**
 * ksplice_match_module() - match the functions of a module as it loads
 * @update:	an applied update that patches the module (helper kept)
 * @mod:	the module, before its init runs
 *
 * Only the module's sections and symbols are matched; the update's other
 * symbols keep what the apply found.  Under ksplice_mutex.
 *
 * Return: 0 with the module's symbols in update->values and ->known;
 * -ENOENT with the cause set when the module does not match; -ENOMEM.
 */
int ksplice_match_module(struct ksplice_update *update, struct module *mod)
{
	struct ksplice_helper *helper = update->helper;
	const struct ksplice_symbol *sym;
	struct ksplice_matcher m = {};
	unsigned long flags;
	unsigned int i;
	int ret;

	ret = ksplice_matcher_init(&m, update, mod);
	if (!ret)
		ret = ksplice_match_sections(&m);
	if (!ret)
		ret = ksplice_resolve_rest(&m);
	if (!ret) {
		spin_lock_irqsave(&ksplice_update_lock, flags);
		for (i = 0; i < helper->nr_symbols; i++) {
			sym = &helper->symbols[i];
			if (!sym->target || strcmp(sym->target, mod->name))
				continue;
			update->values[i] = sym->value;
			update->known[i] = m.ctx.bound[i];
		}
		spin_unlock_irqrestore(&ksplice_update_lock, flags);
		ksplice_match_summary(&m);
	}
	ksplice_matcher_free(&m);
	return ret;
}
