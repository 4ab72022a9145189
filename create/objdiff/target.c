// SPDX-License-Identifier: GPL-2.0
/*
 * target.c - normalize relocation targets.
 */
#include <stdio.h>
#include <string.h>

#include "correlate.h"
#include "target.h"
#include "util.h"

/*
 * The named symbol of sec that stands for sec+off: the function or object
 * containing off, else the symbol at offset 0, else any named symbol.
 */
static struct ksym *choose_anchor(const struct ksec *sec, long off)
{
	struct ksym *s = NULL;
	size_t i;

	if (off >= 0)
		s = sym_containing(sec, off);
	if (s)
		return s;
	for (i = 0; i < sec->nsyms; i++)
		if (sec->syms[i]->value == 0)
			return sec->syms[i];
	return sec->nsyms ? sec->syms[0] : NULL;
}

static bool has_relocs(const struct ksec *sec, unsigned long start,
		       unsigned long end)
{
	size_t first;

	return rels_in(sec, start, end, &first) != 0;
}

/* A named local read-only object without relocations of its own. */
static bool is_plain_rodata(const struct ksym *sym)
{
	const struct ksec *sec = sym->sec;

	return sym->type == ST_OBJECT && sym->bind == SB_LOCAL && sec &&
	       sec->alloc && !sec->writable && !sec->code &&
	       !has_relocs(sec, sym->value, sym->value + sym->size);
}

static void set_anon_content(struct target *t, long off)
{
	const struct ksec *sec = t->sec;
	unsigned long base;

	if (off < 0 || (unsigned long)off > sec->size) {
		t->content = NULL;
		t->len = 0;
		t->coff = t->addend;
		return;
	}
	base = off;
	if (sec->merge && sec->strings) {
		t->len = strnlen((const char *)sec->data + base,
				 sec->size - base);
		if (base + t->len < sec->size)
			t->len++;
	} else if (sec->merge && sec->entsize) {
		base -= base % sec->entsize;
		t->len = sec->entsize;
		if (base + t->len > sec->size)
			t->len = sec->size - base;
	} else {
		t->len = sec->size - base;
	}
	t->content = sec->data + base;
	t->coff = t->addend - (long)base;
}

/* An assembler-local label (.LC0) kept in the symbol table. */
static bool is_local_label(const struct ksym *sym)
{
	return sym->bind == SB_LOCAL && starts_with(sym->name, ".L");
}

void target_resolve(const struct krel *rel, bool in_code, struct target *t)
{
	struct ksym *sym = rel->sym;
	long bias = in_code && rel_is_pcrel(rel->type) ? (long)rel->bias : 0;

	memset(t, 0, sizeof(*t));
	t->sec = sym->sec;
	t->addend = rel->addend;
	t->kind = T_NAMED;
	if (!sym->sec) {
		t->sym = sym;
		return;
	}
	if (sym->type != ST_SECTION && !is_local_label(sym)) {
		t->sym = sym;
	} else {
		long off = (long)sym->value + rel->addend;

		t->sym = choose_anchor(sym->sec, off + bias);
		t->addend = off - (t->sym ? (long)t->sym->value : 0);
	}
	if (t->sym) {
		if (is_plain_rodata(t->sym)) {
			t->kind = T_CONTENT;
			t->content = t->sec->data + t->sym->value;
			t->len = t->sym->size;
			t->coff = t->addend;
		}
		return;
	}
	if (t->sec->writable) {
		t->kind = T_ANON;
		return;
	}
	t->kind = T_CONTENT;
	set_anon_content(t, t->addend + bias);
}

bool target_equal(const struct target *a, const struct target *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case T_NAMED:
		return a->addend == b->addend && sym_same(a->sym, b->sym);
	case T_CONTENT:
		return a->coff == b->coff && a->len == b->len &&
		       (!a->len || !memcmp(a->content, b->content, a->len));
	case T_ANON:
		return a->addend == b->addend &&
		       !strcmp(a->sec->name, b->sec->name);
	}
	return false;
}

const char *target_describe(const struct target *t)
{
	static char buf[256];

	switch (t->kind) {
	case T_NAMED:
		snprintf(buf, sizeof(buf), "%s%+ld", t->sym->name, t->addend);
		break;
	case T_CONTENT:
		if (t->sec->strings)
			snprintf(buf, sizeof(buf), "\"%.*s\"%+ld",
				 (int)(t->len > 60 ? 60 : t->len),
				 (const char *)t->content, t->coff);
		else
			snprintf(buf, sizeof(buf), "%zu bytes of %s%+ld",
				 t->len, t->sym ? t->sym->name : t->sec->name,
				 t->coff);
		break;
	case T_ANON:
		snprintf(buf, sizeof(buf), "%s%+ld", t->sec->name, t->addend);
		break;
	}
	return buf;
}

long target_secoff(const struct target *t)
{
	return t->sym ? (long)t->sym->value + t->addend : t->addend;
}

bool target_is_copyable(const struct target *t)
{
	return t->kind == T_CONTENT;
}

/* The bytes of sec from base on before the first relocated one, at most max. */
static size_t unrelocated_len(const struct ksec *sec, unsigned long base,
			      size_t max)
{
	unsigned long start = base > 8 ? base - 8 : 0;
	size_t first, n, i;

	n = rels_in(sec, start, base + max, &first);
	for (i = first; i < first + n; i++) {
		const struct krel *r = &sec->rels[i];

		if (r->off + rel_size(r->type) <= base)
			continue;
		return r->off <= base ? 0 : r->off - base;
	}
	return max;
}

/* A named read-only object without relocations: its bytes from its start. */
static bool named_check_bytes(const struct target *t,
			      const unsigned char **bytes, size_t *len,
			      long *off)
{
	const struct ksym *s = t->sym;
	const struct ksec *sec = s->sec;

	if (s->type != ST_OBJECT || !s->size || !sec || !sec->alloc ||
	    sec->writable || sec->code || sec->nobits ||
	    s->value + s->size > sec->size ||
	    has_relocs(sec, s->value, s->value + s->size))
		return false;
	*bytes = sec->data + s->value;
	*len = s->size > TARGET_CHECK_MAX ? TARGET_CHECK_MAX : s->size;
	*off = 0;
	return true;
}

bool target_check_bytes(const struct krel *rel, const struct target *t,
			const unsigned char **bytes, size_t *len, long *off)
{
	const struct ksec *sec = t->sec;
	unsigned long base;
	size_t n;

	if (t->sym)
		return named_check_bytes(t, bytes, len, off);
	if (t->kind != T_CONTENT || !t->content || !t->len ||
	    !sec || sec->code || sec->nobits)
		return false;
	base = t->content - sec->data;
	n = t->len;
	if (!(sec->merge && (sec->strings || sec->entsize))) {
		if (n > TARGET_CHECK_DATA)
			n = TARGET_CHECK_DATA;
		n = unrelocated_len(sec, base, n);
	}
	if (n > TARGET_CHECK_MAX)
		n = TARGET_CHECK_MAX;
	if (!n)
		return false;
	*bytes = t->content;
	*len = n;
	*off = (long)base - (long)rel->sym->value;
	return true;
}
