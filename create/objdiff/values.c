// SPDX-License-Identifier: GPL-2.0
/*
 * values.c - read-only data whose value the patch changes: a const table
 * or structure of the same size (an nla_policy that gains a bound, an ops
 * table that gains a callback).  The running object is written in place
 * at the switch, and its old value put back at an undo (NEW VALUES in
 * ksplice-format.h), so that every reader that reads it after the switch
 * sees the new value, as the kernel built from post would.
 *
 * Refused, naming the object: a new size; writable data (its running
 * value is state that the kernel changed since boot); data read by init
 * code or by tables the kernel reads at boot (that reading is over: the
 * change could not take effect where it was read).
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "policy.h"
#include "target.h"

/* The most bytes one new value may have. */
#define MAX_VALUE_SIZE	65536

/* Does relocation r (in sec) refer to [sym, sym+size)? */
static bool refers_to(const struct ksec *sec, const struct krel *r,
		      const struct ksym *sym)
{
	struct target t;
	long off;

	target_resolve(r, sec->code, &t);
	if (t.sym == sym)
		return true;
	if (!t.sec || t.sec != sym->sec)
		return false;
	off = target_secoff(&t);
	return off >= (long)sym->value && off < (long)(sym->value + sym->size);
}

/* A reader of sym in obj whose reading was at boot, or NULL. */
static const char *boot_reader(const struct kobj *obj, const struct ksym *sym)
{
	size_t i, k;

	for (i = 0; i < obj->nsecs; i++) {
		const struct ksec *sec = &obj->secs[i];
		bool boot;

		if (!sec->alloc || !sec->nrels)
			continue;
		if (sec->code)
			boot = code_class(sec) == CODE_INIT;
		else
			boot = data_class(sec) == DATA_INIT ||
			       data_class(sec) == DATA_BOOT;
		if (!boot)
			continue;
		for (k = 0; k < sec->nrels; k++) {
			const struct ksym *who;

			if (!refers_to(sec, &sec->rels[k], sym))
				continue;
			who = sym_containing(sec, sec->rels[k].off);
			return who ? who->name : sec->name;
		}
	}
	return NULL;
}

/**
 * values_decide() - can the changed read-only data s be given its new value?
 * @plan:	the plan
 * @op:		its objects
 * @s:		the post symbol
 * @p:		its pre counterpart
 *
 * Return: DFATE_NEWVALUE (added to plan->values), DFATE_REFUSED (refused,
 * said why) or DFATE_UNCHANGED (not read-only data: the caller decides).
 */
enum data_fate values_decide(struct plan *plan, struct objpair *op,
			     struct ksym *s, struct ksym *p)
{
	const char *reader;
	struct newvalue *v;

	if (s->sec->writable || !p)
		return DFATE_UNCHANGED;
	if (!s->size || s->size != p->size || s->size > MAX_VALUE_SIZE) {
		plan_refuse(plan, op, "read-only data %s (section %s) changes its size (%lu to %lu bytes): the running object cannot be given the new value in place",
			    s->name, s->sec->name, p->size, s->size);
		return DFATE_REFUSED;
	}
	reader = boot_reader(op->pre, p);
	if (!reader)
		reader = boot_reader(op->post, s);
	if (reader) {
		plan_refuse(plan, op, "read-only data %s (section %s) has a new value, but %s read it at boot: the new value would not reach what was read there",
			    s->name, s->sec->name, reader);
		return DFATE_REFUSED;
	}
	grow(&plan->values, &plan->cap_values, plan->nvalues + 1,
	     sizeof(*plan->values));
	v = &plan->values[plan->nvalues++];
	memset(v, 0, sizeof(*v));
	v->op = op;
	v->post = s;
	v->pre = p;
	return DFATE_NEWVALUE;
}

/**
 * values_resolve() - the new value's copy in the new code, and the
 *	running object's symbol in the helper
 * @plan:	a plan being resolved, before its copies are
 */
void values_resolve(struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nvalues; i++) {
		struct newvalue *v = &plan->values[i];

		v->copy = plan_copy(plan, v->op, v->post->sec, v->post->value,
				    v->post->size);
		v->hsym = plan_need_symbol(plan, v->op, v->pre);
	}
}
