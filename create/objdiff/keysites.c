// SPDX-License-Identifier: GPL-2.0
/*
 * keysites.c - the new code's jump labels and static calls whose key is
 * in a module.
 *
 * The module loader reads a module's __jump_table and .static_call_sites
 * once, as the module loads, and links every entry to its key for as long
 * as the module stays.  The key of a module the update patches is not
 * there for that: the module may load only later (the update waits for
 * it), or unload while patched and come back at another address (the
 * core then writes the new code's records again).  An entry linked to a
 * key that does not exist, or no longer does, is memory the kernel would
 * write through.  So the new code keeps no such entry:
 *
 *   static call  the entry is left out: the call goes through the
 *                trampoline, which the kernel keeps pointing where the
 *                key says (the entry only makes the call direct);
 *   jump label   the entry is left out and the site becomes a jump to a
 *                check carried after the function (keysites.h): the key's
 *                count against zero, then the label's target or back past
 *                the site.  The count is what the kernel patches the site
 *                by (a count of -1, a first enable under way, counts as
 *                on), so the check takes the way the site would.  The key
 *                is a record, written whenever the module loads.
 *
 * The flags are free at a jump-label site: GCC takes every x86 asm
 * statement as clobbering them.  A 2-byte site reaches 127 bytes on; one
 * whose check cannot be that near is left as compiled and linked to its
 * key by the core instead, through the kernel's own jump-label code,
 * while the key's module is loaded (struct ksplice_keysite); its function
 * is kept from kprobes, as is every function with a record of a module
 * (emit-new.c).
 */
#include <stdlib.h>
#include <string.h>

#include "keysites.h"
#include "plan.h"

/* A field of a table entry: the relocation there, or -1. */
static long entry_rel(const struct ksec *sec, unsigned long off)
{
	size_t first;

	if (!rels_in(sec, off, off + 1, &first))
		return -1;
	return first;
}

/* Is this key field a record of a symbol in a module? */
static const struct resolution *module_key(const struct plan *plan,
					   const struct ksec *sec,
					   unsigned long off)
{
	const struct resolution *res;
	long r = entry_rel(sec, off);

	if (r < 0)
		return NULL;
	res = plan_resolution(plan, sec, r);
	if (res->kind != RES_RECORD || !plan->hsyms[res->index].target)
		return NULL;
	return res;
}

static void drop(struct plan *plan, const struct ksec *sec, size_t e)
{
	grow(&plan->dropped, &plan->cap_dropped, plan->ndropped + 1,
	     sizeof(*plan->dropped));
	plan->dropped[plan->ndropped].sec = sec;
	plan->dropped[plan->ndropped].entry = e;
	plan->ndropped++;
}

/* The unwind state in effect at sec+off in obj: its .orc_unwind entry. */
static bool orc_at(const struct kobj *obj, const struct ksec *sec,
		   unsigned long off, unsigned char *out)
{
	const struct ksec *ip = sec_find(obj, ".orc_unwind_ip");
	const struct ksec *orc = sec_find(obj, ".orc_unwind");
	unsigned long best = 0, place;
	long found = -1;
	struct ksec *s;
	size_t e;
	long r;

	if (!ip || !orc)
		return false;
	for (e = 0; e < ip->size / SITE_SIZE; e++) {
		r = entry_rel(ip, e * SITE_SIZE);
		if (r < 0 || !rel_place(&ip->rels[r], &s, &place) ||
		    s != sec || place > off || (found >= 0 && place < best))
			continue;
		best = place;
		found = e;
	}
	if (found < 0 || (unsigned long)(found + 1) * ORC_SIZE > orc->size)
		return false;
	memcpy(out, orc->data + found * ORC_SIZE, ORC_SIZE);
	return true;
}

static int cmp_site(const void *a, const void *b)
{
	const struct keysite *x = a, *y = b;
	int m = strcmp(x->module, y->module);

	if (m)
		return m;
	if (x->unit->newid != y->unit->newid)
		return x->unit->newid - y->unit->newid;
	return x->site < y->site ? -1 : x->site > y->site;
}

/*
 * The checks of one unit (keysites [first, end), sorted by site) go
 * after its bytes, one after the other.  2-byte sites take the nearest
 * places first, the earliest site first (it has the least reach); a
 * 2-byte site out of reach is linked by the core.  Either way its entry
 * leaves the table.
 */
static void place_checks(struct plan *plan, size_t first, size_t end,
			 const struct ksec *table)
{
	unsigned long next = plan->keysites[first].unit->size;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = first; i < end; i++) {
			struct keysite *ks = &plan->keysites[i];

			if (ks->len != (pass == 0 ? 2 : 5))
				continue;
			drop(plan, table, ks->entry);
			if (ks->len == 2 && next - (ks->site + 2) > 127) {
				ks->linked = true;
				continue;
			}
			ks->check = next;
			next += KEYCHECK_SIZE;
		}
}

/* The jump labels of op's carried units whose key is a module's. */
static void collect_jump_labels(struct plan *plan, struct objpair *op)
{
	const struct special *sp = special_find("__jump_table");
	const struct ksec *jt = sec_find(op->post, "__jump_table");
	size_t e, start = plan->nkeysites, i, end;
	struct ksec *s;
	unsigned long off;

	for (e = 0; jt && e < jt->size / JUMP_ENTRY_SIZE; e++) {
		unsigned long base = e * JUMP_ENTRY_SIZE;
		struct unit *u = special_entry_unit(jt, sp, e, op->post_units,
						    op->npost);
		const struct resolution *key;
		struct keysite *ks;
		long r, t;

		if (!u || !unit_carried(u))
			continue;
		key = module_key(plan, jt, base + JUMP_ENTRY_KEY);
		r = entry_rel(jt, base);
		t = entry_rel(jt, base + JUMP_ENTRY_TARGET);
		if (!key || r < 0 || t < 0 ||
		    !rel_place(&jt->rels[r], &s, &off))
			continue;
		grow(&plan->keysites, &plan->cap_keysites, plan->nkeysites + 1,
		     sizeof(*plan->keysites));
		ks = &plan->keysites[plan->nkeysites++];
		memset(ks, 0, sizeof(*ks));
		ks->unit = u;
		ks->module = op->target;
		ks->entry = e;
		ks->site = off - u->start;
		ks->len = jump_label_len(u->sec->data + off,
					 u->size - ks->site);
		ks->branch = key->off & 1;
		ks->key = key;
		ks->target = plan_resolution(plan, jt, t);
		ks->has_orc = orc_at(op->post, u->sec, off, ks->orc);
		if (ks->len != 2 && ks->len != 5)
			fatal(EXIT_ERROR, "%s: jump label at %s+0x%lx: not a 2- or 5-byte site",
			      op->name, u->name, ks->site);
	}
	qsort(plan->keysites + start, plan->nkeysites - start,
	      sizeof(*plan->keysites), cmp_site);
	for (i = start; i < plan->nkeysites; i = end) {
		end = i;
		while (end < plan->nkeysites &&
		       plan->keysites[end].unit == plan->keysites[i].unit)
			end++;
		place_checks(plan, i, end, jt);
	}
}

/*
 * A linked site's jump target is in the new code (a label of the
 * function or its .cold part): it is an address the core can hand over.
 */
static void check_linked(struct plan *plan, size_t start,
			 const struct objpair *op)
{
	size_t i;

	for (i = start; i < plan->nkeysites; i++) {
		const struct keysite *ks = &plan->keysites[i];

		if (ks->linked && ks->target->kind != RES_UNIT)
			plan_refuse(plan, op, "jump label at %s+0x%lx: its target is not in the new code",
				    ks->unit->name, ks->site);
	}
}

/* Static calls of op's carried units whose key is a module's. */
static void collect_static_calls(struct plan *plan, struct objpair *op)
{
	const struct special *sp = special_find(".static_call_sites");
	const struct ksec *sc = sec_find(op->post, ".static_call_sites");
	size_t e;

	for (e = 0; sc && e < sc->size / STATIC_CALL_SITE_SIZE; e++) {
		struct unit *u = special_entry_unit(sc, sp, e, op->post_units,
						    op->npost);

		if (u && unit_carried(u) &&
		    module_key(plan, sc, e * STATIC_CALL_SITE_SIZE +
			       STATIC_CALL_SITE_KEY))
			drop(plan, sc, e);
	}
}

/*
 * An unwind entry at a unit's end (objtool's mark after the last
 * instruction) moves past the unit's checks.
 */
static void move_end_marks(struct plan *plan, struct objpair *op)
{
	const struct special *sp = special_find(".orc_unwind_ip");
	const struct ksec *ip = sec_find(op->post, ".orc_unwind_ip");
	size_t e;

	for (e = 0; ip && e < ip->size / SITE_SIZE; e++) {
		struct unit *u = special_entry_unit(ip, sp, e, op->post_units,
						    op->npost);
		struct resolution *res;
		long r = entry_rel(ip, e * SITE_SIZE);

		if (!u || !unit_carried(u) || r < 0)
			continue;
		res = (struct resolution *)plan_resolution(plan, ip, r);
		if (res->kind == RES_UNIT && res->index == u->newid &&
		    res->off == (long)u->size)
			res->off = keysites_unit_size(plan, u);
	}
}

void keysites_resolve(struct plan *plan)
{
	size_t i, start;

	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		if (!op->target)
			continue;
		start = plan->nkeysites;
		collect_jump_labels(plan, op);
		check_linked(plan, start, op);
		collect_static_calls(plan, op);
		move_end_marks(plan, op);
	}
	/* each module's together: the core links them as one module's */
	qsort(plan->keysites, plan->nkeysites, sizeof(*plan->keysites),
	      cmp_site);
}

bool keysites_dropped(const struct plan *plan, const struct ksec *sec,
		      size_t e)
{
	size_t i;

	for (i = 0; i < plan->ndropped; i++)
		if (plan->dropped[i].sec == sec && plan->dropped[i].entry == e)
			return true;
	return false;
}

size_t keysites_of(const struct plan *plan, const struct unit *u,
		   size_t *first)
{
	size_t i, n = 0;

	*first = 0;
	for (i = 0; i < plan->nkeysites; i++) {
		if (plan->keysites[i].unit != u)
			continue;
		if (!n)
			*first = i;
		n++;
	}
	return n;
}

unsigned long keysites_unit_size(const struct plan *plan,
				 const struct unit *u)
{
	size_t first, n = keysites_of(plan, u, &first), i, checks = 0;

	for (i = first; i < first + n; i++)
		checks += !plan->keysites[i].linked;
	return u->size + checks * KEYCHECK_SIZE;
}
