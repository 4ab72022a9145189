// SPDX-License-Identifier: GPL-2.0
/*
 * tables.c - per-function comparison of special-table entries.
 *
 * Tables derived from the code alone (ORC, __mcount_loc, retpoline and
 * return sites) are not compared: equal code gives equal entries.
 */
#include <stdlib.h>
#include <string.h>

#include "ksplice-format.h"
#include "special.h"
#include "tables.h"
#include "util.h"

static const char * const compared[] = {
	"__ex_table", "__jump_table", ".static_call_sites", ".altinstructions",
	".parainstructions", "__bug_table", "_kprobe_blacklist",
	"_error_injection_whitelist",
	KSPLICE_HOOK_SEC_PRE_APPLY, KSPLICE_HOOK_SEC_CHECK_APPLY,
	KSPLICE_HOOK_SEC_APPLY, KSPLICE_HOOK_SEC_POST_APPLY,
	KSPLICE_HOOK_SEC_FAIL_APPLY, KSPLICE_HOOK_SEC_PRE_REVERSE,
	KSPLICE_HOOK_SEC_CHECK_REVERSE, KSPLICE_HOOK_SEC_REVERSE,
	KSPLICE_HOOK_SEC_POST_REVERSE, KSPLICE_HOOK_SEC_FAIL_REVERSE,
};

#define NR_COMPARED	ARRAY_SIZE(compared)

/* One table of one object: its section and the unit of each entry. */
struct table {
	const struct special *sp;
	struct ksec *sec;
	size_t n;
	struct unit **owner;
};

struct tables {
	struct table pre[NR_COMPARED];
	struct table post[NR_COMPARED];
};

static void index_one(struct table *t, struct kobj *obj, const char *name,
		      struct unit *units, size_t nunits)
{
	size_t i;

	t->sp = special_find(name);
	t->sec = sec_find(obj, name);
	if (!t->sec || !t->sp)
		return;
	t->n = t->sec->size / t->sp->entsize;
	t->owner = xcalloc(t->n ? t->n : 1, sizeof(*t->owner));
	for (i = 0; i < t->n; i++)
		t->owner[i] = special_entry_unit(t->sec, t->sp, i, units,
						 nunits);
}

void tables_index(struct objpair *op)
{
	struct tables *ts = xcalloc(1, sizeof(*ts));
	size_t k;

	for (k = 0; k < NR_COMPARED; k++) {
		index_one(&ts->pre[k], op->pre, compared[k], op->pre_units,
			  op->npre);
		index_one(&ts->post[k], op->post, compared[k], op->post_units,
			  op->npost);
	}
	op->tables = ts;
}

/* The next entry of t from *i on that belongs to u; false at the end. */
static bool next_entry(const struct table *t, const struct unit *u,
		       size_t *i)
{
	for (; *i < t->n; (*i)++)
		if (t->owner[*i] == u)
			return true;
	return false;
}

static enum cmp alt_compare(const struct table *a, size_t i,
			    const struct table *b, size_t j,
			    const struct linemap *lines)
{
	unsigned int la = a->sec->data[i * ALT_SIZE + ALT_REPLLEN];
	unsigned int lb = b->sec->data[j * ALT_SIZE + ALT_REPLLEN];
	struct ksec *ra, *rb;
	unsigned long oa, ob;

	if (!alt_replacement(a->sec, i, &ra, &oa) ||
	    !alt_replacement(b->sec, j, &rb, &ob) ||
	    oa + la > ra->size || ob + lb > rb->size)
		return CMP_DIFF;
	return range_compare(ra, oa, la, rb, ob, lb, true, lines);
}

static enum cmp table_compare(const struct table *a, const struct unit *u,
			      const struct table *b, const struct unit *m,
			      const struct linemap *lines)
{
	unsigned int size = a->sp ? a->sp->entsize : b->sp->entsize;
	enum cmp res = CMP_SAME, r;
	size_t i = 0, j = 0;

	for (;; i++, j++) {
		bool has_a = a->sec && next_entry(a, u, &i);
		bool has_b = b->sec && next_entry(b, m, &j);

		if (!has_a && !has_b)
			return res;
		if (has_a != has_b)
			return CMP_DIFF;
		r = range_compare(a->sec, i * size, size, b->sec, j * size,
				  size, false, lines);
		if (r != CMP_DIFF && !strcmp(a->sp->name, ".altinstructions")) {
			enum cmp ra = alt_compare(a, i, b, j, lines);

			if (ra > r)
				r = ra;
		}
		if (r == CMP_DIFF)
			return r;
		if (r > res)
			res = r;
	}
}

enum cmp tables_compare(struct objpair *op, struct unit *u, struct unit *m,
			const struct linemap *lines)
{
	struct tables *ts = op->tables;
	enum cmp res = CMP_SAME, r;
	size_t k;

	for (k = 0; k < NR_COMPARED; k++) {
		if (!ts->pre[k].sec && !ts->post[k].sec)
			continue;
		r = table_compare(&ts->pre[k], u, &ts->post[k], m, lines);
		if (r == CMP_DIFF) {
			vinfo("%s: %s: its %s entries differ", op->name,
			      u->name, compared[k]);
			return r;
		}
		if (r > res)
			res = r;
	}
	return res;
}
