// SPDX-License-Identifier: GPL-2.0
/*
 * special.c - special-section tables and boot-time rewrites.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ksplice-format.h"
#include "special.h"
#include "util.h"

const struct special specials[] = {
	{ "__ex_table", EXTABLE_SIZE, NULL, 0, false },
	{ "__jump_table", JUMP_ENTRY_SIZE, NULL, 0, false },
	{ ".static_call_sites", STATIC_CALL_SITE_SIZE, NULL, 0, false },
	{ ".altinstructions", ALT_SIZE, NULL, 0, false },
	{ ".parainstructions", PARA_SIZE, NULL, 0, false },
	{ ".retpoline_sites", SITE_SIZE, NULL, 0, false },
	{ ".return_sites", SITE_SIZE, NULL, 0, false },
	{ "__mcount_loc", POINTER_SIZE, NULL, 0, false },
	{ "__bug_table", BUG_ENTRY_SIZE, NULL, 0, false },
	{ ".orc_unwind_ip", SITE_SIZE, ".orc_unwind", ORC_SIZE, true },
	{ "_kprobe_blacklist", POINTER_SIZE, NULL, 0, false },
	{ "_error_injection_whitelist", EI_ENTRY_SIZE, NULL, 0, false },
	{ ".smp_locks", SITE_SIZE, NULL, 0, false },
	/* the patch's hooks (ksplice-patch.h): pointers to functions */
	{ KSPLICE_HOOK_SEC_PRE_APPLY, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_CHECK_APPLY, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_APPLY, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_POST_APPLY, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_FAIL_APPLY, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_PRE_REVERSE, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_CHECK_REVERSE, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_REVERSE, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_POST_REVERSE, POINTER_SIZE, NULL, 0, false },
	{ KSPLICE_HOOK_SEC_FAIL_REVERSE, POINTER_SIZE, NULL, 0, false },
};

const size_t nr_specials = ARRAY_SIZE(specials);

const struct special *special_find(const char *name)
{
	size_t i;

	for (i = 0; i < nr_specials; i++)
		if (!strcmp(specials[i].name, name))
			return &specials[i];
	return NULL;
}

bool special_companion(const char *name)
{
	size_t i;

	for (i = 0; i < nr_specials; i++)
		if (specials[i].companion && !strcmp(specials[i].companion, name))
			return true;
	return false;
}

bool rel_place(const struct krel *r, struct ksec **sec, unsigned long *off)
{
	if (!r->sym->sec)
		return false;
	*sec = r->sym->sec;
	*off = r->sym->value + r->addend;
	return true;
}

struct unit *special_entry_unit(const struct ksec *sec,
				const struct special *sp, size_t i,
				struct unit *units, size_t n)
{
	unsigned long start = i * sp->entsize, off;
	struct ksec *site;
	size_t first;

	if (!rels_in(sec, start, start + sp->entsize, &first))
		return NULL;
	if (!rel_place(&sec->rels[first], &site, &off))
		return NULL;
	return unit_at(units, n, site, off, sp->end_ok);
}

struct rw_list {
	struct rewrite *v;
	size_t n;
	size_t cap;
};

static void rw_add(struct rw_list *l, unsigned long off, unsigned int len,
		   unsigned int kind)
{
	struct rewrite *w;

	grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	w = &l->v[l->n++];
	memset(w, 0, sizeof(*w));
	w->offset = off;
	w->len = len;
	w->kind = kind;
}

/* call/jmp/jcc through a relocation at field offset off */
static void branch_rewrite(struct rw_list *l, const unsigned char *code,
			   unsigned long off, unsigned int kind)
{
	if (off >= 2 && code[off - 2] == 0x0f &&
	    (code[off - 1] & 0xf0) == 0x80)
		rw_add(l, off - 2, 6, kind);
	else if (off >= 1)
		rw_add(l, off - 1, 5, kind);
}

static void reloc_rewrites(struct unit *u, struct rw_list *l)
{
	const unsigned char *code = u->sec->data + u->start;
	size_t first, n, i;

	n = rels_in(u->sec, u->start, u->start + u->size, &first);
	for (i = first; i < first + n; i++) {
		const struct krel *r = &u->sec->rels[i];
		const char *name = r->sym->name;
		unsigned long off = r->off - u->start;

		if (r->sym->sec || !rel_is_pcrel(r->type))
			continue;
		if (!strcmp(name, "__fentry__") && off >= 1)
			rw_add(l, off - 1, 5, KSPLICE_RW_FENTRY);
		else if (!strcmp(name, "__x86_return_thunk"))
			branch_rewrite(l, code, off, KSPLICE_RW_RETURN);
		else if (starts_with(name, "__x86_indirect_thunk_"))
			branch_rewrite(l, code, off, KSPLICE_RW_RETPOLINE);
	}
}

unsigned int jump_label_len(const unsigned char *p, unsigned long left)
{
	static const unsigned char nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

	if (left >= 5 && (p[0] == 0xe9 || !memcmp(p, nop5, 5)))
		return 5;
	if (left >= 2 && (p[0] == 0xeb || (p[0] == 0x66 && p[1] == 0x90)))
		return 2;
	return left >= 5 ? 5 : left;
}

/* The target of __jump_table entry i, when it lies in unit u. */
static void jump_target(const struct ksec *table, size_t i,
			const struct unit *u, struct rewrite *w)
{
	unsigned long e = i * JUMP_ENTRY_SIZE + JUMP_ENTRY_TARGET, off;
	struct ksec *site;
	size_t first;

	if (!rels_in(table, e, e + 4, &first) ||
	    !rel_place(&table->rels[first], &site, &off))
		return;
	/* ".long target - .": the relocation's place is the target */
	if (site != u->sec || off < u->start || off > u->start + u->size)
		return;
	w->has_target = true;
	w->target = off - u->start;
}

bool alt_replacement(const struct ksec *alt, size_t i, struct ksec **sec,
		     unsigned long *off)
{
	unsigned long e = i * ALT_SIZE + ALT_REPL_OFFSET;
	size_t first;

	return rels_in(alt, e, e + 4, &first) &&
	       rel_place(&alt->rels[first], sec, off);
}

/* The replacement of .altinstructions entry i, for window w. */
static void alt_repl(struct kobj *obj, const struct ksec *alt, size_t i,
		     struct rewrite *w)
{
	unsigned int len = w->repl_len;
	struct ksec *rs;
	unsigned long roff;

	if (!alt_replacement(alt, i, &rs, &roff) || roff + len > rs->size)
		fatal(EXIT_ERROR, "%s: .altinstructions entry %zu: bad replacement",
		      obj->path, i);
	w->repl = xmalloc(len ? len : 1);
	memcpy(w->repl, rs->data + roff, len);
	fill_fields(rs, roff, len, w->repl, 0);
	w->repl_sec = rs;
	w->repl_off = roff;
}

size_t rewrite_repl_rels(const struct rewrite *w, size_t *first)
{
	*first = 0;
	if (!w->repl_sec || !w->repl_len)
		return 0;
	return rels_in(w->repl_sec, w->repl_off, w->repl_off + w->repl_len,
		       first);
}

static void table_rewrites(struct kobj *obj, struct unit *u,
			   const char *name, struct rw_list *l)
{
	const struct special *sp = special_find(name);
	struct ksec *sec = sec_find(obj, name);
	const unsigned char *code = u->sec->data + u->start;
	size_t i;

	if (!sec || !sp)
		return;
	for (i = 0; i < sec->size / sp->entsize; i++) {
		const unsigned char *e = sec->data + i * sp->entsize;
		size_t first;
		unsigned long off;
		struct ksec *site;

		if (!rels_in(sec, i * sp->entsize, i * sp->entsize + 1, &first) ||
		    !rel_place(&sec->rels[first], &site, &off) ||
		    site != u->sec || off < u->start ||
		    off >= u->start + u->size)
			continue;
		off -= u->start;
		if (!strcmp(name, "__jump_table")) {
			rw_add(l, off, jump_label_len(code + off,
						      u->size - off),
			       KSPLICE_RW_JUMP_LABEL);
			jump_target(sec, i, u, &l->v[l->n - 1]);
		} else if (!strcmp(name, ".static_call_sites")) {
			rw_add(l, off, 5, KSPLICE_RW_STATIC_CALL);
		} else if (!strcmp(name, ".smp_locks")) {
			rw_add(l, off, 1, KSPLICE_RW_LOCK);
		} else if (!strcmp(name, ".parainstructions")) {
			rw_add(l, off, e[PARA_LEN], KSPLICE_RW_PARAVIRT);
			l->v[l->n - 1].target = e[PARA_TYPE];
		} else if (!strcmp(name, ".altinstructions")) {
			rw_add(l, off, e[ALT_INSTRLEN], KSPLICE_RW_ALTERNATIVE);
			l->v[l->n - 1].repl_len = e[ALT_REPLLEN];
			alt_repl(obj, sec, i, &l->v[l->n - 1]);
		}
	}
}

static int cmp_rw(const void *a, const void *b)
{
	const struct rewrite *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return y->len - x->len;
}

/*
 * Sort; where windows overlap keep one covering both, of the larger kind.
 * Windows at the same place and of the same length stay apart: they are
 * the alternatives of one site (ALTERNATIVE_2, ALTERNATIVE_TERNARY), and
 * the running code may hold any one of their replacements.
 */
static void merge_rewrites(struct rw_list *l, unsigned long size)
{
	size_t i, out = 0;

	qsort(l->v, l->n, sizeof(*l->v), cmp_rw);
	for (i = 0; i < l->n; i++) {
		struct rewrite *w = &l->v[i];

		if (w->offset + w->len > size)
			w->len = size - w->offset;
		if (out) {
			struct rewrite *p = &l->v[out - 1];
			unsigned int end = p->offset + p->len;

			if (w->offset < end &&
			    !(w->offset == p->offset && w->len == p->len)) {
				unsigned int wend = w->offset + w->len;

				if (w->len > p->len) {
					unsigned int off = p->offset;

					free(p->repl);
					*p = *w;
					p->offset = off;
				} else {
					free(w->repl);
				}
				p->len = (wend > end ? wend : end) - p->offset;
				/* a jump target belongs to a window of its own */
				p->has_target = false;
				continue;
			}
		}
		l->v[out++] = *w;
	}
	l->n = out;
}

size_t rewrites_for(struct kobj *obj, struct unit *u, struct rewrite **out)
{
	static const char * const tables[] = {
		"__jump_table", ".static_call_sites", ".parainstructions",
		".altinstructions", ".smp_locks",
	};
	struct rw_list l = { NULL, 0, 0 };
	size_t i;

	reloc_rewrites(u, &l);
	for (i = 0; i < ARRAY_SIZE(tables); i++)
		table_rewrites(obj, u, tables[i], &l);
	merge_rewrites(&l, u->size);
	*out = l.v;
	return l.n;
}
