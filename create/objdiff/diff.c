// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - compare a pre and a post object: which functions changed,
 * which variables are new or changed, which exports differ.
 *
 * A function changed when its size, its bytes outside relocation fields,
 * its relocations (offset, type, normalized target) or its entries in
 * the kernel's tables (tables.c) differ.  A difference that the line map
 * explains as a moved __LINE__ value is decided exactly by the same
 * objects built with __LINE__ pinned: the function changed when those
 * differ.  Without them the object is marked need_pinned.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "diff.h"
#include "plan.h"
#include "policy.h"
#include "tables.h"
#include "target.h"
#include "util.h"

static char why[512];

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

static enum cmp bytes_compare(const unsigned char *a, const unsigned char *b,
			      unsigned long size, const unsigned char *mask,
			      const struct linemap *lines)
{
	enum cmp res = CMP_SAME;
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
			return CMP_DIFF;
		}
		snprintf(why, sizeof(why),
			 "a __LINE__ value moved at offset 0x%lx", p);
		res = CMP_LINES;
		p = end;
	}
	return res;
}

/*
 * Do two strings differ only in numbers that the line map says are the
 * same moved line ("at net/socket.c:2527", a __stringify(__LINE__))?
 */
static bool strings_differ_in_lines(const struct target *a,
				    const struct target *b,
				    const struct linemap *lines)
{
	const char *p = (const char *)a->content, *q = (const char *)b->content;
	const char *pe = p + a->len, *qe = q + b->len;

	if (!lines || a->kind != T_CONTENT || b->kind != T_CONTENT ||
	    !a->sec->strings || !b->sec->strings || a->coff != b->coff)
		return false;
	while (p < pe && q < qe) {
		if (isdigit((unsigned char)*p) && isdigit((unsigned char)*q)) {
			char *pn, *qn;
			long x = strtol(p, &pn, 10), y = strtol(q, &qn, 10);

			if (x != y && !linemap_maps(lines, x, y))
				return false;
			p = pn;
			q = qn;
			continue;
		}
		if (*p++ != *q++)
			return false;
	}
	return p == pe && q == qe;
}

static enum cmp relocs_compare(const struct ksec *sa, unsigned long a0,
			       const struct ksec *sb, unsigned long b0,
			       unsigned long size, bool in_code,
			       const struct linemap *lines)
{
	enum cmp res = CMP_SAME;
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
			if (!strings_differ_in_lines(&ta, &tb, lines))
				return CMP_DIFF;
			res = CMP_LINES;
		}
	}
	if (na != nb) {
		snprintf(why, sizeof(why), "%zu relocations -> %zu", na, nb);
		return CMP_DIFF;
	}
	return res;
}

enum cmp range_compare(const struct ksec *sa, unsigned long a0,
		       unsigned long asize, const struct ksec *sb,
		       unsigned long b0, unsigned long bsize, bool in_code,
		       const struct linemap *lines)
{
	unsigned char *mask;
	enum cmp res, rres;

	if (asize != bsize) {
		snprintf(why, sizeof(why), "size 0x%lx -> 0x%lx", asize,
			 bsize);
		return CMP_DIFF;
	}
	rres = relocs_compare(sa, a0, sb, b0, asize, in_code, lines);
	if (rres == CMP_DIFF)
		return CMP_DIFF;
	mask = xcalloc(1, asize ? asize : 1);
	fill_fields(sa, a0, asize, mask, 1);
	res = bytes_compare(sa->data + a0, sb->data + b0, asize, mask, lines);
	free(mask);
	return res > rres ? res : rres;
}

static enum cmp worst(enum cmp a, enum cmp b)
{
	return a > b ? a : b;
}

/* Code and table entries of pre unit u and post unit m. */
static enum cmp unit_compare(struct objpair *op, struct unit *u,
			     struct unit *m, const struct linemap *lines)
{
	enum cmp res = range_compare(u->sec, u->start, u->size, m->sec,
				     m->start, m->size, true, lines);

	if (res == CMP_DIFF)
		return res;
	return worst(res, tables_compare(op, u, m, lines));
}

/*
 * u and m differ only where __LINE__ values may have moved: do their
 * twins of the pinned build differ at all?
 */
static bool pinned_differ(struct objpair *op, struct unit *u)
{
	struct objpair *pp = op->pinned;
	struct unit *pu = unit_by_name(pp->pre_units, pp->npre, u->name);

	if (!pu || !pu->match) {
		snprintf(why, sizeof(why),
			 "not found in the objects built with __LINE__ pinned");
		return true;
	}
	return unit_compare(pp, pu, pu->match, NULL) != CMP_SAME;
}

static void compare_units(struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->npre; i++) {
		struct unit *u = &op->pre_units[i], *m = u->match;
		enum cmp res;

		if (!m)
			continue;
		res = unit_compare(op, u, m, op->lines);
		if (res == CMP_SAME)
			continue;
		if (res == CMP_LINES) {
			if (!op->pinned) {
				vinfo("%s: %s: %s: to be decided with __LINE__ pinned",
				      op->name, u->name, why);
				op->need_pinned = true;
				continue;
			}
			if (!pinned_differ(op, u)) {
				vinfo("%s: %s: only __LINE__ values moved",
				      op->name, u->name);
				continue;
			}
		}
		u->changed = true;
		m->changed = true;
		vinfo("%s: %s: %s", op->name, u->name, why);
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

/*
 * An entry of a boot table (__setup, module parameters...) whose name
 * holds a __COUNTER__ value (__UNIQUE_ID) is renamed when the patch adds
 * a counter user above it: pre's entry of the same section and the same
 * bytes and relocations is its counterpart, when there is exactly one.
 */
static struct ksym *boot_entry_by_content(const struct objpair *op,
					  const struct ksym *s)
{
	struct ksym *found = NULL;
	size_t i;

	for (i = 0; i < op->pre->nsyms; i++) {
		struct ksym *p = &op->pre->syms[i];

		if (!sym_is_data(p) || strcmp(p->sec->name, s->sec->name) ||
		    sym_find(op->post, p->name) ||
		    range_compare(p->sec, p->value, p->size, s->sec, s->value,
				  s->size, false, NULL) != CMP_SAME)
			continue;
		if (found)
			return NULL;
		found = p;
	}
	return found;
}

struct ksym *pre_counterpart(const struct objpair *op, const struct ksym *s)
{
	struct ksym *p;

	if (s->twin)
		return s->twin;
	if (sym_is_numbered(s))
		return NULL;
	p = sym_find(op->pre, s->name);
	if (p && sym_is_data(p))
		return p;
	if (data_class(s->sec) == DATA_BOOT)
		return boot_entry_by_content(op, s);
	return NULL;
}

static bool is_variable(const struct ksym *s)
{
	if (!sym_is_data(s) || !s->name[0])
		return false;
	switch (data_class(s->sec)) {
	case DATA_RUNTIME:
	case DATA_PERCPU:
	case DATA_INIT:
	case DATA_BOOT:
		return true;
	default:
		return false;
	}
}

static bool is_percpu(const struct ksym *s)
{
	return data_class(s->sec) == DATA_PERCPU;
}

bool data_kind_differs(const struct ksym *p, const struct ksym *s)
{
	return p->sec->writable != s->sec->writable ||
	       is_percpu(p) != is_percpu(s);
}

static enum cmp data_compare(const struct ksym *p, const struct ksym *s,
			     const struct linemap *lines)
{
	return range_compare(p->sec, p->value, p->size, s->sec, s->value,
			     s->size, false, lines);
}

static bool pinned_data_differ(struct objpair *op, const struct ksym *s)
{
	struct objpair *pp = op->pinned;
	struct ksym *ps = sym_find(pp->post, s->name);
	struct ksym *pr = ps ? pre_counterpart(pp, ps) : NULL;

	if (!ps || !pr) {
		snprintf(why, sizeof(why),
			 "not found in the objects built with __LINE__ pinned");
		return true;
	}
	return data_compare(pr, ps, NULL) != CMP_SAME;
}

static void compare_data(struct objpair *op)
{
	size_t i;

	op->data_diff = xcalloc(op->post->nsyms ? op->post->nsyms : 1,
				sizeof(*op->data_diff));
	for (i = 0; i < op->post->nsyms; i++) {
		struct ksym *s = &op->post->syms[i], *p;
		enum cmp res;

		if (!is_variable(s))
			continue;
		p = pre_counterpart(op, s);
		if (!p) {
			op->data_diff[i] = DD_NEW;
			continue;
		}
		if (data_kind_differs(p, s)) {
			op->data_diff[i] = DD_CHANGED;
			vinfo("%s: data %s: of another kind (section %s -> %s)",
			      op->name, s->name, p->sec->name, s->sec->name);
			continue;
		}
		res = data_compare(p, s, op->lines);
		if (res == CMP_LINES && !op->pinned) {
			vinfo("%s: data %s: %s: to be decided with __LINE__ pinned",
			      op->name, s->name, why);
			op->need_pinned = true;
			res = CMP_SAME;
		} else if (res == CMP_LINES && !pinned_data_differ(op, s)) {
			res = CMP_SAME;
		}
		op->data_diff[i] = res == CMP_SAME ? DD_SAME : DD_CHANGED;
		if (res != CMP_SAME)
			vinfo("%s: data %s: %s", op->name, s->name, why);
	}
}

/* Does section sec of one side differ from its namesake in other? */
static enum cmp table_compare(const struct ksec *sec, const struct kobj *other,
			      const struct linemap *lines)
{
	const struct ksec *o = sec_find(other, sec->name);

	if (!o || o->size != sec->size)
		return CMP_DIFF;
	return range_compare(o, 0, o->size, sec, 0, sec->size, false, lines);
}

static void table_changed(struct objpair *op, const char *name)
{
	op->changed_tables = xrealloc(op->changed_tables,
				      (op->nchanged_tables + 1) *
				      sizeof(*op->changed_tables));
	op->changed_tables[op->nchanged_tables++] = name;
}

/*
 * Tables ksplice does not know (DATA_UNKNOWN): any difference, a section
 * that appears or goes, counts (a moved __LINE__ alone is decided with
 * __LINE__ pinned, as for data).
 */
static void compare_tables(struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->post->nsecs; i++) {
		const struct ksec *s = &op->post->secs[i];
		enum cmp res;

		if (data_class(s) != DATA_UNKNOWN || s->code)
			continue;
		res = table_compare(s, op->pre, op->lines);
		if (res == CMP_LINES && !op->pinned) {
			op->need_pinned = true;
			continue;
		}
		if (res == CMP_LINES) {
			const struct ksec *ps = sec_find(op->pinned->post,
							 s->name);

			res = ps ? table_compare(ps, op->pinned->pre, NULL) :
				   CMP_DIFF;
		}
		if (res != CMP_SAME)
			table_changed(op, s->name);
	}
	for (i = 0; i < op->pre->nsecs; i++) {
		const struct ksec *s = &op->pre->secs[i];

		if (data_class(s) == DATA_UNKNOWN && !s->code &&
		    !sec_find(op->post, s->name))
			table_changed(op, s->name);
	}
}

int export_kind(const struct kobj *obj, const char *name)
{
	char *key = xasprintf("__ksymtab_%s", name);
	struct ksym *s = sym_find(obj, key);
	int kind = 0;

	free(key);
	if (s && s->sec)
		kind = strstr(s->sec->name, "_gpl") ? 2 : 1;
	return kind;
}

/*
 * Exports removed (b is pre) or changed between the tables: refused.
 * Exports added are the plan's to decide (plan_decide()).
 */
static void export_changes(const struct objpair *op, const struct kobj *a,
			   const struct kobj *b, bool added,
			   struct plan *plan)
{
	static const char * const kinds[] = { "", "EXPORT_SYMBOL",
					      "EXPORT_SYMBOL_GPL" };
	size_t i;

	for (i = 0; i < b->nsyms; i++) {
		const char *name = b->syms[i].name;
		int kb, ka;

		if (!starts_with(name, "__ksymtab_") || !b->syms[i].sec)
			continue;
		name += strlen("__ksymtab_");
		kb = export_kind(b, name);
		ka = export_kind(a, name);
		if (ka == kb || (!added && ka) || (added && !ka))
			continue;
		if (!ka)
			plan_refuse(plan, op, "%s %s removed: a live update cannot take an export away (modules may use it); leave the export as it is",
				    kinds[kb], name);
		else
			plan_refuse(plan, op, "%s changed from %s to %s: a live update cannot change an export the kernel already has; leave the export as it is",
				    name, kinds[ka], kinds[kb]);
	}
}

/*
 * The kernel is built without -ffunction-sections: there a jmp or jcc to
 * a function of the same .text section is resolved by the assembler and
 * may take its 2-byte form, where pre has 5 or 6 bytes and a relocation.
 * Then the helper must be made from pre built as the kernel builds it.
 */
static void check_kernel_layout(struct objpair *op)
{
	size_t i, first, n, r;
	struct target t;

	if (op->hobj != op->pre)
		return;
	for (i = 0; i < op->npre && !op->need_kernel_pre; i++) {
		struct unit *u = &op->pre_units[i];

		if (!starts_with(u->sec->name, ".text"))
			continue;
		n = rels_in(u->sec, u->start, u->start + u->size, &first);
		for (r = first; r < first + n; r++) {
			const struct krel *rel = &u->sec->rels[r];

			if (!rel_is_jump(u->sec, rel))
				continue;
			target_resolve(rel, true, &t);
			if (!t.sec || t.sec == u->sec || !t.sec->code ||
			    !starts_with(t.sec->name, ".text"))
				continue;
			vinfo("%s: %s jumps to %s: the kernel's build may have a short jump there",
			      op->name, u->name, target_describe(&t));
			op->need_kernel_pre = true;
			break;
		}
	}
}

void diff_objpair(struct objpair *op, struct plan *plan)
{
	check_kernel_layout(op);
	correlate_statics(op);
	if (op->pinned)
		correlate_statics(op->pinned);
	tables_index(op);
	if (op->pinned)
		tables_index(op->pinned);
	compare_units(op);
	spread_cold(op->pre_units, op->npre);
	spread_cold(op->post_units, op->npost);
	compare_data(op);
	compare_tables(op);
	export_changes(op, op->pre, op->post, true, plan);
	export_changes(op, op->post, op->pre, false, plan);
}
