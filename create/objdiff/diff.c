// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - decide which functions changed.
 *
 * A function changed when its size, its bytes outside relocation fields
 * (except __LINE__ values that moved as the line map says) or its
 * relocations (offset, type, normalized target) differ.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "diff.h"
#include "target.h"
#include "util.h"

static char why[512];

bool sec_is_fresh(const struct ksec *sec)
{
	return !strcmp(sec->name, ".data.once") ||
	       !strcmp(sec->name, ".data..once") ||
	       !strcmp(sec->name, "__dyndbg");
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Is the byte difference at p explained by a moved __LINE__? */
static bool line_window(const unsigned char *a, const unsigned char *b,
			const unsigned char *mask, unsigned long size,
			unsigned long p, const struct linemap *lines,
			unsigned long *end)
{
	unsigned long w = p >= 3 ? p - 3 : 0;

	for (; w <= p && w + 4 <= size; w++) {
		uint32_t v = le32(a + w), x = le32(b + w);

		if (mask[w] || mask[w + 1] || mask[w + 2] || mask[w + 3])
			continue;
		if (v != x && linemap_maps(lines, v, x)) {
			*end = w + 4;
			return true;
		}
	}
	return false;
}

static bool bytes_differ(const unsigned char *a, const unsigned char *b,
			 unsigned long size, const unsigned char *mask,
			 const struct linemap *lines)
{
	unsigned long p = 0, end;

	while (p < size) {
		if (mask[p] || a[p] == b[p]) {
			p++;
			continue;
		}
		if (!line_window(a, b, mask, size, p, lines, &end)) {
			snprintf(why, sizeof(why),
				 "bytes differ at offset 0x%lx (%02x -> %02x)",
				 p, a[p], b[p]);
			return true;
		}
		p = end;
	}
	return false;
}

static bool relocs_differ(const struct ksec *sa, unsigned long a0,
			  const struct ksec *sb, unsigned long b0,
			  unsigned long size, bool in_code)
{
	size_t fa, fb, na, nb, i;

	na = rels_in(sa, a0, a0 + size, &fa);
	nb = rels_in(sb, b0, b0 + size, &fb);
	for (i = 0; i < na && i < nb; i++) {
		const struct krel *ra = &sa->rels[fa + i];
		const struct krel *rb = &sb->rels[fb + i];
		struct target ta, tb;

		if (ra->off - a0 != rb->off - b0 || ra->type != rb->type) {
			snprintf(why, sizeof(why),
				 "relocation at offset 0x%lx differs (0x%lx type %u -> 0x%lx type %u)",
				 ra->off - a0, ra->off - a0, ra->type,
				 rb->off - b0, rb->type);
			return true;
		}
		target_resolve(ra, in_code, &ta);
		target_resolve(rb, in_code, &tb);
		if (!target_equal(&ta, &tb)) {
			int n = snprintf(why, sizeof(why),
					 "relocation at offset 0x%lx: %s",
					 ra->off - a0, target_describe(&ta));

			snprintf(why + n, sizeof(why) - n, " -> %s",
				 target_describe(&tb));
			return true;
		}
	}
	if (na != nb) {
		snprintf(why, sizeof(why), "%zu relocations -> %zu", na, nb);
		return true;
	}
	return false;
}

/* Do the ranges differ?  Leaves the reason in why. */
static bool range_differs(const struct ksec *sa, unsigned long a0,
			  unsigned long asize, const struct ksec *sb,
			  unsigned long b0, unsigned long bsize, bool in_code,
			  const struct linemap *lines)
{
	unsigned char *mask;
	bool differ;

	if (asize != bsize) {
		snprintf(why, sizeof(why), "size 0x%lx -> 0x%lx", asize,
			 bsize);
		return true;
	}
	if (relocs_differ(sa, a0, sb, b0, asize, in_code))
		return true;
	mask = xcalloc(1, asize);
	fill_fields(sa, a0, asize, mask, 1);
	differ = bytes_differ(sa->data + a0, sb->data + b0, asize, mask,
			      lines);
	free(mask);
	return differ;
}

static void unsupported_func(const struct objpair *op, const struct unit *u,
			     const char *what)
{
	if (sec_is_init(u->sec))
		fatal(EXIT_UNSUPPORTED, "%s: __init function %s %s: not supported",
		      op->name, u->name, what);
	if (sec_is_noinstr(u->sec))
		fatal(EXIT_UNSUPPORTED, "%s: function %s (section %s) %s: not supported, it cannot be redirected",
		      op->name, u->name, u->sec->name, what);
}

static void compare_units(struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->npre; i++) {
		struct unit *u = &op->pre_units[i], *m = u->match;

		if (!m)
			continue;
		if (!range_differs(u->sec, u->start, u->size, m->sec,
				   m->start, m->size, true, op->lines))
			continue;
		u->changed = true;
		m->changed = true;
		vinfo("%s: %s: %s", op->name, u->name, why);
	}
}

static bool base_known(const struct objpair *op, const char *name)
{
	char *base = name_base(name);
	struct unit *pre = unit_by_name(op->pre_units, op->npre, base);
	struct unit *post = unit_by_name(op->post_units, op->npost, base);
	bool known = pre || (post && post->changed) ||
		     sym_find(op->pre, base);

	free(base);
	return known;
}

static void check_added(struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->npost; i++) {
		struct unit *u = &op->post_units[i];

		if (u->match)
			continue;
		unsupported_func(op, u, "added");
		if (!name_is_clone(u->name) || !base_known(op, u->name))
			fatal(EXIT_UNSUPPORTED, "%s: new function %s: not supported yet",
			      op->name, u->name);
		u->include = true;
		vinfo("%s: %s: new compiler clone", op->name, u->name);
	}
}

/* A changed function and its cold part are replaced together. */
static void spread_cold(struct unit *units, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct unit *c = &units[i], *p = c->parent;

		if (!p || c->changed == p->changed)
			continue;
		c->changed = true;
		p->changed = true;
		if (c->match)
			c->match->changed = true;
		if (p->match)
			p->match->changed = true;
	}
}

static void mark_results(struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->npre; i++) {
		struct unit *u = &op->pre_units[i];

		if (u->changed || (u->parent && u->parent->changed))
			u->replaced = true;
		if (u->changed)
			unsupported_func(op, u, "changed");
	}
	for (i = 0; i < op->npost; i++) {
		struct unit *u = &op->post_units[i];

		if (u->changed || (u->parent && u->parent->include) ||
		    (u->parent && u->parent->changed))
			u->include = true;
	}
}

static bool data_ignored(const struct ksec *sec)
{
	static const char * const prefixes[] = {
		".discard", "__ksymtab", "__kstrtab", "__kcrctab",
		".initcall", "__param", ".modinfo", ".init.", ".exit.",
		"___ksymtab", ".con_initcall", "__setup", ".debug",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (starts_with(sec->name, prefixes[i]))
			return true;
	return sec_is_fresh(sec);
}

static bool is_plain_rodata_sym(const struct ksym *s)
{
	size_t first;

	return !s->sec->writable &&
	       !rels_in(s->sec, s->value, s->value + s->size, &first);
}

/* The data of pre that post data s is the new version of, or NULL. */
static struct ksym *pre_counterpart(const struct objpair *op,
				    const struct ksym *s)
{
	if (s->twin)
		return s->twin;
	if (sym_is_numbered(s))
		return NULL;
	return sym_find(op->pre, s->name);
}

static void check_data(struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->post->nsyms; i++) {
		struct ksym *s = &op->post->syms[i], *p;

		if (!sym_is_data(s) || !s->name[0] || data_ignored(s->sec))
			continue;
		p = pre_counterpart(op, s);
		if (!p) {
			if (is_plain_rodata_sym(s))
				continue;
			fatal(EXIT_UNSUPPORTED, "%s: new data %s (section %s): not supported yet",
			      op->name, s->name, s->sec->name);
		}
		if (!sym_is_data(p) ||
		    range_differs(p->sec, p->value, p->size, s->sec, s->value,
				  s->size, false, NULL)) {
			if (sym_is_data(p) && is_plain_rodata_sym(p) &&
			    is_plain_rodata_sym(s))
				continue;
			vinfo("%s: data %s: %s", op->name, s->name, why);
			fatal(EXIT_UNSUPPORTED, "%s: data %s (section %s) changed: not supported yet",
			      op->name, s->name, s->sec->name);
		}
	}
}

size_t diff_objpair(struct objpair *op)
{
	size_t i, found = 0;

	correlate_statics(op);
	compare_units(op);
	spread_cold(op->pre_units, op->npre);
	spread_cold(op->post_units, op->npost);
	mark_results(op);
	check_added(op);
	check_data(op);
	for (i = 0; i < op->npost; i++)
		if (op->post_units[i].include)
			found++;
	return found;
}
