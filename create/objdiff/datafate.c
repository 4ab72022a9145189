// SPDX-License-Identifier: GPL-2.0
/*
 * datafate.c - the fate of every variable of a post object (see the end
 * of the table in plan.h): unchanged, new, a new value written in place,
 * or refused, saying why.
 */
#include <stdlib.h>

#include "diff.h"
#include "plan.h"
#include "policy.h"

static const char *data_what(const struct ksym *s)
{
	return s->sec->writable ? "variable" : "read-only data";
}

/*
 * A new per-CPU variable goes into the new code's .data..percpu, which the
 * module loader copies to each CPU's area.  It does so before relocating
 * anything there: an initial value that holds an address cannot be made.
 */
static enum data_fate percpu_fate(struct plan *plan, struct objpair *op,
				  const struct ksym *s)
{
	size_t first;

	if (!rels_in(s->sec, s->value, s->value + s->size, &first))
		return DFATE_NEW;
	plan_refuse(plan, op, "new per-CPU variable %s (section %s) has an address in its initial value: the module loader copies per-CPU data before relocating it; initialize it at run time",
		    s->name, s->sec->name);
	return DFATE_REFUSED;
}

/* A changed variable whose size differs from its pre counterpart's. */
static bool resized(const struct objpair *op, const struct ksym *s)
{
	const struct ksym *p = pre_counterpart(op, s);

	return p && p->size != s->size;
}

/*
 * A variable of the running kernel that becomes per-CPU, or stops being
 * one, is not where the new code would look for it (an offset into each
 * CPU's area, or one address).  One that becomes writable is mapped
 * read-only there: the new code's writes would fault.  One that becomes
 * read-only may have been written since boot, while the new code takes it
 * for its initial value.  Each is refused, saying so.
 */
static bool kind_changed(struct plan *plan, const struct objpair *op,
			 const struct ksym *s)
{
	const struct ksym *p = pre_counterpart(op, s);
	bool percpu = data_class(s->sec) == DATA_PERCPU;

	if (!p || !data_kind_differs(p, s))
		return false;
	if (percpu != (data_class(p->sec) == DATA_PERCPU))
		plan_refuse(plan, op, "%s %s %s per-CPU (section %s -> %s): the running kernel has %s; give the new code a new variable",
			    data_what(s), s->name,
			    percpu ? "becomes" : "is no longer",
			    p->sec->name, s->sec->name,
			    percpu ? "one copy of it, not one per CPU" :
			    "one copy per CPU");
	else if (s->sec->writable)
		plan_refuse(plan, op, "read-only data %s becomes writable (section %s -> %s): the kernel maps its running copy read-only; keep it const, or give the new code a new variable",
			    s->name, p->sec->name, s->sec->name);
	else
		plan_refuse(plan, op, "variable %s becomes read-only (section %s -> %s): its running copy may have been written since boot, and the new code would take it for its initial value; keep it writable",
			    s->name, p->sec->name, s->sec->name);
	return true;
}

void plan_decide_data(struct plan *plan, struct objpair *op)
{
	size_t i;

	op->data_fate = xcalloc(op->post->nsyms ? op->post->nsyms : 1,
				sizeof(*op->data_fate));
	for (i = 0; i < op->post->nsyms; i++) {
		struct ksym *s = &op->post->syms[i];
		enum data_class c;

		if (op->data_diff[i] == DD_NONE || op->data_diff[i] == DD_SAME)
			continue;
		c = data_class(s->sec);
		if (op->data_diff[i] == DD_NEW && data_is_anchor(s))
			continue;	/* renumbered; nothing reads it */
		if (op->data_diff[i] == DD_NEW && c == DATA_RUNTIME) {
			op->data_fate[i] = DFATE_NEW;
			continue;
		}
		if (op->data_diff[i] == DD_NEW && c == DATA_INIT)
			continue;	/* used by init code only */
		if (op->data_diff[i] == DD_NEW && c == DATA_PERCPU) {
			op->data_fate[i] = percpu_fate(plan, op, s);
			continue;
		}
		if (c == DATA_INIT) {
			plan_init_change(plan, op, s->name);
			if (plan->skip_init) {
				plan_note(plan, op, "init data %s changed: left out of the update (--skip-init)",
					  s->name);
				continue;
			}
		}
		if ((c == DATA_RUNTIME || c == DATA_PERCPU) &&
		    kind_changed(plan, op, s)) {
			op->data_fate[i] = DFATE_REFUSED;
			continue;
		}
		if (c == DATA_RUNTIME && op->data_diff[i] == DD_CHANGED) {
			op->data_fate[i] = values_decide(plan, op, s,
						pre_counterpart(op, s));
			if (op->data_fate[i] != DFATE_UNCHANGED)
				continue;
		}
		op->data_fate[i] = DFATE_REFUSED;
		if (c == DATA_BOOT)
			plan_refuse(plan, op, "%s %s (section %s) %s: the kernel reads it only at boot; leave it as it is",
				    data_what(s), s->name, s->sec->name,
				    op->data_diff[i] == DD_NEW ? "added" : "changed");
		else if (c == DATA_INIT)
			plan_refuse(plan, op, "init data %s (section %s) changed: it was used at boot and cannot be changed in a running kernel",
				    s->name, s->sec->name);
		else if (resized(op, s))
			plan_refuse(plan, op, "%s %s (section %s) changes its size (%lu to %lu bytes): the running copy, which the kernel's code uses, cannot grow or shrink; give the new code a new variable",
				    data_what(s), s->name, s->sec->name,
				    pre_counterpart(op, s)->size, s->size);
		else
			plan_refuse(plan, op, "%s %s (section %s) has a new initial value: a live update cannot change existing data, whose running copy stays as it is; keep the old value, or give the new code a new variable",
				    data_what(s), s->name, s->sec->name);
	}
}
