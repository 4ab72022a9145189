// SPDX-License-Identifier: GPL-2.0
/*
 * correlate.c - pair the numbered local statics ("__key.4", "msg.3",
 * "__already_done.28") of the pre and the post object.
 *
 * Evidence: a function present in both versions whose relocations line
 * up (same count and types, or a common head or tail at the same
 * offsets) and that refers to pre's base.N where post refers to base.M
 * votes for the pair (N, M).  A pair is taken when each side is the
 * other's unique best.  Of the statics left over, two that the same
 * functions use (by name), and no other of their base name, are paired;
 * the rest in the order of their numbers, per base name, when both
 * versions have as many.
 *
 * A read-only static without relocations is its bytes ("__func__.3" is
 * the name of the function it is in): two such are paired only when
 * their bytes are the same, whatever the evidence or the order, and any
 * two with the same bytes may be.  One left without a twin is new data
 * that the new code carries, and the function that read the old one is
 * replaced (its relocation now names another symbol): what a changed
 * function-local constant needs, since such statics are only ever
 * function-local or made by the compiler.
 */
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "target.h"
#include "util.h"

struct vote {
	struct ksym *pre;
	struct ksym *post;
	unsigned int n;
	bool vetoed;		/* their bytes differ */
};

struct votes {
	struct vote *v;
	size_t n;
	size_t cap;
};

/* A numbered static: base name length and number, for sorting. */
struct numsym {
	struct ksym *sym;
	size_t baselen;
	unsigned long num;
};

static bool split_number(const char *name, size_t *baselen,
			 unsigned long *num)
{
	const char *dot = strrchr(name, '.');
	size_t digits;

	if (!dot || dot == name)
		return false;
	digits = strspn(dot + 1, "0123456789");
	if (!digits || dot[1 + digits] != '\0')
		return false;
	*baselen = dot - name;
	*num = strtoul(dot + 1, NULL, 10);
	return true;
}

bool sym_is_numbered(const struct ksym *sym)
{
	size_t baselen;
	unsigned long num;

	return sym->type == ST_OBJECT && sym->bind == SB_LOCAL && sym->sec &&
	       sym->sec->alloc && split_number(sym->name, &baselen, &num);
}

/* Same base name, and both writable or both read-only. */
static bool same_group(const struct ksym *a, const struct ksym *b)
{
	size_t la, lb;
	unsigned long na, nb;

	split_number(a->name, &la, &na);
	split_number(b->name, &lb, &nb);
	return la == lb && !strncmp(a->name, b->name, la) &&
	       a->sec->writable == b->sec->writable;
}

/* A read-only static whose bytes say all it is: no relocations in it. */
static bool bytes_known(const struct ksym *sym)
{
	size_t first;

	return !sym->sec->writable &&
	       !rels_in(sym->sec, sym->value, sym->value + sym->size, &first);
}

/* Two read-only statics whose bytes are known and differ. */
static bool bytes_differ(const struct ksym *a, const struct ksym *b)
{
	if (!bytes_known(a) || !bytes_known(b))
		return false;
	if (a->size != b->size)
		return true;
	if (a->sec->nobits || b->sec->nobits)
		return a->sec->nobits != b->sec->nobits;
	return memcmp(a->sec->data + a->value, b->sec->data + b->value,
		      a->size) != 0;
}

static void add_vote(struct votes *vs, struct ksym *pre, struct ksym *post)
{
	size_t i;

	for (i = 0; i < vs->n; i++) {
		if (vs->v[i].pre == pre && vs->v[i].post == post) {
			vs->v[i].n++;
			return;
		}
	}
	grow(&vs->v, &vs->cap, vs->n + 1, sizeof(*vs->v));
	vs->v[vs->n].pre = pre;
	vs->v[vs->n].post = post;
	vs->v[vs->n].n = 1;
	vs->v[vs->n].vetoed = false;
	vs->n++;
}

static void vote_rel(struct votes *vs, const struct krel *ra,
		     const struct krel *rb)
{
	struct target ta, tb;

	target_resolve(ra, true, &ta);
	target_resolve(rb, true, &tb);
	if (!ta.sym || !tb.sym || ta.addend != tb.addend ||
	    !sym_is_numbered(ta.sym) || !sym_is_numbered(tb.sym) ||
	    !same_group(ta.sym, tb.sym))
		return;
	add_vote(vs, ta.sym, tb.sym);
}

static bool types_match(const struct krel *a, const struct krel *b,
			size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].type != b[i].type)
			return false;
	return true;
}

/*
 * Align the relocations of pre unit u and post unit m: one for one when
 * they have the same count and types, else the head that sits at the
 * same offsets from the start and the tail at the same offsets from the
 * end.
 */
static void vote_unit(struct votes *vs, const struct unit *u,
		      const struct unit *m)
{
	const struct krel *a, *b;
	unsigned long aend = u->start + u->size, bend = m->start + m->size;
	size_t fa, fb, na, nb, head, i;

	na = rels_in(u->sec, u->start, aend, &fa);
	nb = rels_in(m->sec, m->start, bend, &fb);
	a = u->sec->rels + fa;
	b = m->sec->rels + fb;
	if (na == nb && types_match(a, b, na)) {
		for (i = 0; i < na; i++)
			vote_rel(vs, &a[i], &b[i]);
		return;
	}
	for (head = 0; head < na && head < nb; head++) {
		if (a[head].off - u->start != b[head].off - m->start ||
		    a[head].type != b[head].type)
			break;
		vote_rel(vs, &a[head], &b[head]);
	}
	for (i = 1; i <= na - head && i <= nb - head; i++) {
		const struct krel *ra = &a[na - i], *rb = &b[nb - i];

		if (aend - ra->off != bend - rb->off || ra->type != rb->type)
			break;
		vote_rel(vs, ra, rb);
	}
}

/* Is v the only vote with the most count among those sharing its side? */
static bool unique_best(const struct votes *vs, const struct vote *v,
			bool by_pre)
{
	size_t i;

	for (i = 0; i < vs->n; i++) {
		const struct vote *o = &vs->v[i];

		if (o == v || (by_pre ? o->pre != v->pre : o->post != v->post))
			continue;
		if (o->n >= v->n)
			return false;
	}
	return true;
}

static void set_twins(const struct objpair *op, struct ksym *pre,
		      struct ksym *post, const char *how)
{
	pre->twin = post;
	post->twin = pre;
	if (strcmp(pre->name, post->name))
		vinfo("%s: %s is pre's %s (%s)", op->name, post->name,
		      pre->name, how);
}

static void pair_by_evidence(struct objpair *op)
{
	struct votes vs = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < op->npre; i++) {
		struct unit *u = &op->pre_units[i];

		if (u->match)
			vote_unit(&vs, u, u->match);
	}
	for (i = 0; i < vs.n; i++) {
		struct vote *v = &vs.v[i];

		if (!unique_best(&vs, v, true) || !unique_best(&vs, v, false))
			continue;
		if (bytes_differ(v->pre, v->post)) {
			vinfo("%s: %s -> %s: used alike but their bytes differ, not paired",
			      op->name, v->pre->name, v->post->name);
			v->vetoed = true;
			continue;
		}
		set_twins(op, v->pre, v->post, "by use");
	}
	for (i = 0; i < vs.n; i++) {
		struct vote *v = &vs.v[i];

		if (!v->pre->twin && !v->post->twin && !v->vetoed)
			vinfo("%s: %s -> %s: conflicting evidence (%u uses), not paired by use",
			      op->name, v->pre->name, v->post->name, v->n);
	}
	free(vs.v);
}

static int cmp_group(const struct numsym *a, const struct numsym *b)
{
	size_t len = a->baselen < b->baselen ? a->baselen : b->baselen;
	int c = strncmp(a->sym->name, b->sym->name, len);

	if (c)
		return c;
	if (a->baselen != b->baselen)
		return a->baselen < b->baselen ? -1 : 1;
	return (int)a->sym->sec->writable - (int)b->sym->sec->writable;
}

static int cmp_numsym(const void *x, const void *y)
{
	const struct numsym *a = x, *b = y;
	int c = cmp_group(a, b);

	if (c)
		return c;
	return a->num < b->num ? -1 : a->num > b->num;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The numbered statics of obj without a twin, sorted by group, number. */
static struct numsym *unpaired(const struct kobj *obj, size_t *count)
{
	struct numsym *ns = NULL;
	size_t cap = 0, n = 0, i;

	for (i = 0; i < obj->nsyms; i++) {
		struct ksym *sym = &obj->syms[i];

		if (!sym_is_numbered(sym) || sym->twin)
			continue;
		grow(&ns, &cap, n + 1, sizeof(*ns));
		ns[n].sym = sym;
		split_number(sym->name, &ns[n].baselen, &ns[n].num);
		n++;
	}
	if (n)
		qsort(ns, n, sizeof(*ns), cmp_numsym);
	*count = n;
	return ns;
}

/* The end of the group starting at ns[i]. */
static size_t group_end(const struct numsym *ns, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && !cmp_group(&ns[i], &ns[j]))
		j++;
	return j;
}

static void pair_by_order(struct objpair *op)
{
	size_t na, nb, i = 0, j = 0;
	struct numsym *a = unpaired(op->pre, &na);
	struct numsym *b = unpaired(op->post, &nb);

	while (i < na && j < nb) {
		int c = cmp_group(&a[i], &b[j]);
		size_t ie, je, k;

		if (c < 0) {
			i = group_end(a, na, i);
			continue;
		}
		if (c > 0) {
			j = group_end(b, nb, j);
			continue;
		}
		ie = group_end(a, na, i);
		je = group_end(b, nb, j);
		if (ie - i == je - j)
			for (k = 0; k < ie - i; k++)
				if (!bytes_differ(a[i + k].sym, b[j + k].sym))
					set_twins(op, a[i + k].sym,
						  b[j + k].sym, "by order");
		i = ie;
		j = je;
	}
	free(a);
	free(b);
}

/*
 * The names of the units of units[0..n) that refer to sym, sorted and
 * joined by spaces ("" for none): a function-local static is used by
 * its function and by those its function is inlined into.
 */
static char *users_of(const struct unit *units, size_t n,
		      const struct ksym *sym)
{
	char *list = xstrdup(""), *more;
	const char **names = NULL;
	size_t cap = 0, nn = 0, i, k, first, nr;
	struct target t;

	for (i = 0; i < n; i++) {
		const struct unit *u = &units[i];

		nr = rels_in(u->sec, u->start, u->start + u->size, &first);
		for (k = first; k < first + nr; k++) {
			target_resolve(&u->sec->rels[k], true, &t);
			if (t.sym == sym)
				break;
		}
		if (k == first + nr)
			continue;
		grow(&names, &cap, nn + 1, sizeof(*names));
		names[nn++] = u->name;
	}
	qsort(names, nn, sizeof(*names), cmp_str);
	for (i = 0; i < nn; i++) {
		more = xasprintf("%s%s ", list, names[i]);
		free(list);
		list = more;
	}
	free(names);
	return list;
}

/*
 * Statics left over that the same functions use on both sides (by name),
 * and no other static of their group does: the same variable, though the
 * code around it moved too much for pair_by_evidence (a function that
 * gained a call) and the numbering changed (another function gained a
 * static of the same name).  Taking it for new data would start the new
 * code on a fresh copy and drop the running kernel's state.
 */
static void pair_by_users(struct objpair *op)
{
	size_t na, nb, i, j, k;
	struct numsym *a = unpaired(op->pre, &na);
	struct numsym *b = unpaired(op->post, &nb);
	char **ua = xcalloc(na + 1, sizeof(*ua)), **ub = xcalloc(nb + 1, sizeof(*ub));

	for (i = 0; i < na; i++)
		ua[i] = users_of(op->pre_units, op->npre, a[i].sym);
	for (j = 0; j < nb; j++)
		ub[j] = users_of(op->post_units, op->npost, b[j].sym);
	for (i = 0; i < na; i++) {
		size_t found = nb, hits = 0;

		if (!*ua[i])
			continue;
		for (j = 0; j < nb; j++)
			if (!cmp_group(&a[i], &b[j]) && !strcmp(ua[i], ub[j])) {
				found = j;
				hits++;
			}
		if (hits != 1)
			continue;
		for (k = 0; k < na; k++)
			if (k != i && !cmp_group(&a[k], &b[found]) &&
			    !strcmp(ua[k], ub[found]))
				hits++;
		if (hits != 1 || b[found].sym->twin ||
		    bytes_differ(a[i].sym, b[found].sym))
			continue;
		set_twins(op, a[i].sym, b[found].sym, "used by the same functions");
	}
	for (i = 0; i < na; i++)
		free(ua[i]);
	for (j = 0; j < nb; j++)
		free(ub[j]);
	free(ua);
	free(ub);
	free(a);
	free(b);
}

/* Read-only statics left over, paired with one of the same bytes. */
static void pair_by_content(struct objpair *op)
{
	size_t i, j;

	for (i = 0; i < op->pre->nsyms; i++) {
		struct ksym *a = &op->pre->syms[i];

		if (!sym_is_numbered(a) || a->twin || !bytes_known(a))
			continue;
		for (j = 0; j < op->post->nsyms; j++) {
			struct ksym *b = &op->post->syms[j];

			if (!sym_is_numbered(b) || b->twin || !bytes_known(b) ||
			    !same_group(a, b) || bytes_differ(a, b))
				continue;
			set_twins(op, a, b, "same bytes");
			break;
		}
	}
}

static void report_new(const struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->post->nsyms; i++) {
		const struct ksym *sym = &op->post->syms[i];

		if (sym_is_numbered(sym) && !sym->twin)
			vinfo("%s: %s has no counterpart in pre", op->name,
			      sym->name);
	}
}

void correlate_statics(struct objpair *op)
{
	pair_by_evidence(op);
	pair_by_users(op);
	pair_by_content(op);
	pair_by_order(op);
	report_new(op);
}

bool sym_same(const struct ksym *a, const struct ksym *b)
{
	if (a->twin || b->twin)
		return a->twin == b;
	if (sym_is_numbered(a) || sym_is_numbered(b))
		return false;
	return !strcmp(a->name, b->name);
}

const char *sym_pre_name(const struct objpair *op, const struct ksym *sym)
{
	if (sym->twin && sym->sec && sym->sec->obj == op->post)
		return sym->twin->name;
	return sym->name;
}
