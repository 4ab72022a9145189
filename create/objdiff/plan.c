// SPDX-License-Identifier: GPL-2.0
/*
 * plan.c - decide the fate of every function and variable, collect the
 * refusals, and fix everything the emitters print (see plan.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "diff.h"
#include "keysites.h"
#include "plan.h"
#include "policy.h"
#include "special.h"
#include "target.h"

void plan_init(struct plan *plan, struct objpair *ops, size_t nops)
{
	plan->ops = ops;
	plan->nops = nops;
	strset_init(&plan->hsym_index);
	strset_init(&plan->extnames);
	strset_init(&plan->imports);
}

/* Append "<object>: <message>" to a list of lines. */
static void add_line(char ***lines, size_t *n, size_t *cap,
		     const struct objpair *op, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		fatal(EXIT_ERROR, "out of memory");
	grow(lines, cap, *n + 1, sizeof(**lines));
	(*lines)[(*n)++] = op ? xasprintf("%s: %s", op->name, msg) :
				xstrdup(msg);
	free(msg);
}

void plan_refuse(struct plan *plan, const struct objpair *op,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(&plan->refusals, &plan->nrefusals, &plan->cap_refusals, op,
		 fmt, ap);
	va_end(ap);
}

void plan_note(struct plan *plan, const struct objpair *op,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(&plan->notes, &plan->nnotes, &plan->cap_notes, op, fmt, ap);
	va_end(ap);
}

/* ---- fates ---- */

void plan_init_change(struct plan *plan, const struct objpair *op,
		      const char *name)
{
	grow(&plan->init_changes, &plan->cap_init_changes,
	     plan->ninit_changes + 1, sizeof(*plan->init_changes));
	plan->init_changes[plan->ninit_changes++] =
		xasprintf("%s %s", op->name, name);
}

static const char *code_what(enum code_class c)
{
	switch (c) {
	case CODE_INIT:
		return "__init function";
	case CODE_EXIT:
		return "__exit function";
	case CODE_NOINSTR:
		return "noinstr function";
	default:
		return "function";
	}
}

/* A changed or new post unit u (pre counterpart: u->match). */
static void decide_changed(struct plan *plan, struct objpair *op,
			   struct unit *u)
{
	enum code_class c = code_class(u->sec);
	const char *what = u->match ? "changed" : "added";
	enum fate fate = u->match ? FATE_REPLACED : FATE_NEW;

	switch (c) {
	case CODE_RUNTIME:
		break;
	case CODE_EXIT:
		plan_note(plan, op, "%s %s %s: built-in __exit code is not in the running kernel, so this has no effect",
			  code_what(c), u->name, what);
		fate = FATE_NO_EFFECT;
		break;
	case CODE_INIT:
		plan_init_change(plan, op, u->name);
		if (plan->skip_init) {
			plan_note(plan, op, "%s %s %s: left out of the update (--skip-init)",
				  code_what(c), u->name, what);
			fate = FATE_NO_EFFECT;
			break;
		}
		plan_refuse(plan, op, "%s %s %s (section %s): init code ran at boot and cannot be changed in a running kernel",
			    code_what(c), u->name, what, u->sec->name);
		fate = FATE_REFUSED;
		break;
	case CODE_NOINSTR:
		plan_refuse(plan, op, "%s %s %s (section %s): code that runs where tracing cannot is never redirected; no live update can change it",
			    code_what(c), u->name, what, u->sec->name);
		fate = FATE_REFUSED;
		break;
	}
	u->fate = fate;
	if (u->match)
		u->match->fate = fate;
}

static void decide_units(struct plan *plan, struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->npost; i++) {
		struct unit *u = &op->post_units[i];

		if (u->changed || !u->match)
			decide_changed(plan, op, u);
	}
	for (i = 0; i < op->npre; i++) {
		struct unit *u = &op->pre_units[i];

		if (!u->match && code_class(u->sec) == CODE_RUNTIME) {
			u->fate = FATE_VANISHED;
			vinfo("%s: %s has no counterpart in post: checked on stacks",
			      op->name, u->name);
		}
	}
}

/*
 * Refused init changes: say what an update of the runtime changes alone
 * would hold.
 */
static void refuse_init_summary(struct plan *plan)
{
	char *list = xstrdup(""), *more;
	size_t i, k, n = 0;

	for (i = 0; i < plan->nops; i++)
		for (k = 0; k < plan->ops[i].npost; k++) {
			struct unit *u = &plan->ops[i].post_units[k];

			if (!unit_carried(u) || u->parent)
				continue;
			more = xasprintf("%s%s%s (%s)", list, n++ ? ", " : "",
					 u->name, plan->ops[i].name);
			free(list);
			list = more;
		}
	if (n)
		plan_refuse(plan, NULL, "the patch also changes runtime code: %s; ksplice-create --skip-init makes an update of that alone, without the init changes",
			    list);
	else
		plan_refuse(plan, NULL, "the patch changes no runtime code besides its init code: there is nothing to update");
	free(list);
}

/* A changed table ksplice does not know: refused, named. */
static void decide_tables(struct plan *plan, struct objpair *op)
{
	size_t i;

	for (i = 0; i < op->nchanged_tables; i++)
		plan_refuse(plan, op, "section %s changed: a kernel table that ksplice does not know (its entries are read by whatever walks it, which would not see the change); not supported",
			    op->changed_tables[i]);
}

size_t plan_decide(struct plan *plan)
{
	size_t i, k, carried = 0;

	for (i = 0; i < plan->nops; i++) {
		decide_units(plan, &plan->ops[i]);
		plan_decide_data(plan, &plan->ops[i]);
		decide_tables(plan, &plan->ops[i]);
	}
	plan_exports_decide(plan);
	for (i = 0; i < plan->nops; i++)
		for (k = 0; k < plan->ops[i].npost; k++)
			carried += unit_carried(&plan->ops[i].post_units[k]);
	if (plan->ninit_changes && !plan->skip_init)
		refuse_init_summary(plan);
	return carried;
}

/* ---- the helper's symbol table ---- */

static unsigned int hsym_add(struct plan *plan, const struct objpair *op,
			     const struct ksym *sym, bool needed)
{
	bool local = sym->bind == SB_LOCAL && sym->sec;
	const char *name = sym_pre_name(op, sym);
	char *key = xasprintf("%s%c%s", name, local ? '@' : '*',
			      local ? op->name : op->target ? op->target : "");
	int i = strset_get(&plan->hsym_index, key);

	if (i < 0) {
		if (plan->frozen)
			fatal(EXIT_ERROR, "internal error: symbol %s is not in the plan",
			      name);
		grow(&plan->hsyms, &plan->cap_hsyms, plan->nhsyms + 1,
		     sizeof(*plan->hsyms));
		plan->hsyms[plan->nhsyms] = (struct hsym){
			.name = name, .object = local ? op->name : NULL,
			.target = op->target,
		};
		i = plan->nhsyms++;
		strset_put(&plan->hsym_index, key, i);
	}
	free(key);
	if (needed)
		plan->hsyms[i].needed = true;
	return i;
}

unsigned int plan_need_symbol(struct plan *plan, const struct objpair *op,
			      const struct ksym *sym)
{
	return hsym_add(plan, op, sym, true);
}

unsigned int plan_helper_symbol(const struct plan *plan,
				const struct objpair *op,
				const struct ksym *sym)
{
	return hsym_add((struct plan *)plan, op, sym, false);
}

static bool helper_wants(const struct unit *u)
{
	enum code_class c = code_class(u->sec);

	return c == CODE_RUNTIME || c == CODE_NOINSTR;
}

/*
 * Helper units made from a separate kernel-layout object take the fate of
 * the pre unit of the same name, and give it their section index.
 */
static void link_helper_unit(struct objpair *op, struct unit *h)
{
	struct unit *u;

	if (op->helper_units == op->pre_units)
		return;
	u = unit_by_name(op->pre_units, op->npre, h->name);
	if (u) {
		h->fate = u->fate;
		u->helper_idx = h->helper_idx;
	}
}

static void check_helper_complete(struct plan *plan, struct objpair *op)
{
	size_t k;

	for (k = 0; k < op->npre; k++) {
		struct unit *u = &op->pre_units[k];

		if (unit_checked(u) && u->helper_idx < 0)
			plan_refuse(plan, op, "function %s is not in the object built as the kernel builds it",
				    u->name);
	}
}

/*
 * The rewrite windows of helper unit u, kept for the emitter, and the
 * symbols the relocations of their alternative replacements name.
 */
static void plan_rewrites(struct plan *plan, struct objpair *op,
			  struct unit *u)
{
	size_t i, first, nr, k;
	struct rewrite *rw;
	struct target t;

	u->nrewrites = rewrites_for(op->hobj, u, &u->rewrites);
	for (i = 0; i < u->nrewrites; i++) {
		rw = &u->rewrites[i];
		nr = rewrite_repl_rels(rw, &first);
		for (k = first; k < first + nr; k++) {
			target_resolve(&rw->repl_sec->rels[k], true, &t);
			if (t.sym)
				hsym_add(plan, op, t.sym, false);
		}
	}
}

static void plan_helper(struct plan *plan)
{
	size_t i, k, first, n, r;
	struct target t;

	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->nhelper; k++) {
			struct unit *u = &op->helper_units[k];

			if (!helper_wants(u))
				continue;
			u->helper_idx = plan->nsections++;
			link_helper_unit(op, u);
			hsym_add(plan, op, u->sym, false);
			n = rels_in(u->sec, u->start, u->start + u->size,
				    &first);
			for (r = first; r < first + n; r++) {
				target_resolve(&u->sec->rels[r], true, &t);
				if (t.sym)
					hsym_add(plan, op, t.sym, false);
			}
			plan_rewrites(plan, op, u);
		}
		check_helper_complete(plan, op);
	}
}

/* ---- the new code ---- */

enum ctx {
	CTX_CODE,	/* a carried unit, or copied code */
	CTX_DATA,	/* copied data */
	CTX_TABLE,	/* an entry of a special table */
};

static struct resolution *secres_get(struct plan *plan,
				     const struct ksec *sec)
{
	size_t i;

	for (i = 0; i < plan->nsecres; i++)
		if (plan->secres[i].sec == sec)
			return plan->secres[i].res;
	grow(&plan->secres, &plan->cap_secres, plan->nsecres + 1,
	     sizeof(*plan->secres));
	plan->secres[plan->nsecres].sec = sec;
	plan->secres[plan->nsecres].res =
		xcalloc(sec->nrels ? sec->nrels : 1, sizeof(struct resolution));
	return plan->secres[plan->nsecres++].res;
}

bool plan_keeps_module(const struct plan *plan)
{
	size_t i, k;

	for (i = 0; i < plan->ncopies; i++)
		if (copy_keeps_module(&plan->copies[i]))
			return true;
	for (i = 0; i < plan->nops; i++)
		for (k = 0; k < plan->ops[i].npost; k++)
			if (unit_keeps_module(&plan->ops[i].post_units[k]))
				return true;
	return false;
}

const struct resolution *plan_resolution(const struct plan *plan,
					 const struct ksec *sec, size_t i)
{
	size_t k;

	for (k = 0; k < plan->nsecres; k++)
		if (plan->secres[k].sec == sec &&
		    plan->secres[k].res[i].kind != RES_NONE)
			return &plan->secres[k].res[i];
	fatal(EXIT_ERROR, "internal error: relocation %zu of %s is not in the plan",
	      i, sec->name);
}

static int copy_of(struct plan *plan, struct objpair *op, struct ksec *sec,
		   unsigned long start, unsigned long size)
{
	size_t i;

	for (i = 0; i < plan->ncopies; i++) {
		struct copy *c = &plan->copies[i];

		if (c->sec == sec && c->start == start && c->size == size)
			return i;
	}
	grow(&plan->copies, &plan->cap_copies, plan->ncopies + 1,
	     sizeof(*plan->copies));
	plan->copies[plan->ncopies] = (struct copy){
		.op = op, .sec = sec, .start = start, .size = size,
	};
	return plan->ncopies++;
}

int plan_copy(struct plan *plan, struct objpair *op, struct ksec *sec,
	      unsigned long start, unsigned long size)
{
	return copy_of(plan, op, sec, start, size);
}

/*
 * A reference to copied data (copy idx, named name): does it hand the
 * address on?  Code that reads or writes the data does not; code that
 * computes its address (an argument, a value stored), and data that
 * points to it, do.  Entries of special tables belong to the module.
 */
static void copy_referenced(struct plan *plan, int idx, const struct krel *r,
			    enum ctx ctx, const char *name)
{
	struct copy *c = &plan->copies[idx];

	if (ctx == CTX_TABLE || (ctx == CTX_CODE && r->access))
		return;
	if (!c->escapes &&
	    !data_address_is_transient(c->sec, c->start, c->size))
		c->escapes = name;
}

static enum data_fate data_fate_of(const struct objpair *op,
				   const struct ksym *sym)
{
	if (!sym->sec || sym->sec->obj != op->post)
		return DFATE_UNCHANGED;
	return op->data_fate[sym - op->post->syms];
}

/*
 * A global that another object of the update adds (new code can call a
 * new function of another object), the target t of relocation r of sec:
 * its unit or variable.
 */
static bool new_elsewhere(struct plan *plan, const struct ksec *sec,
			  const struct krel *r, enum ctx ctx,
			  const struct target *t, struct resolution *res)
{
	bool branch = ctx == CTX_CODE && rel_is_branch(sec, r);
	const char *name = t->sym->name;
	long addend = t->addend;
	size_t i;

	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];
		struct ksym *s = sym_find(op->post, name);
		struct unit *u;

		if (!s || !s->sec || s->bind == SB_LOCAL)
			continue;
		u = unit_by_name(op->post_units, op->npost, name);
		if (u && u->fate == FATE_NEW) {
			u->address_taken |= !branch;
			res->kind = RES_UNIT;
			res->index = u->newid;
			res->off = addend;
			return true;
		}
		if (data_fate_of(op, s) == DFATE_NEW) {
			res->kind = RES_COPY;
			res->index = copy_of(plan, op, s->sec, s->value,
					     s->size);
			res->off = addend;
			copy_referenced(plan, res->index, r, ctx, s->name);
			return true;
		}
	}
	return false;
}

/* A reference to code of op->post: is it one to a carried unit? */
static bool resolve_to_unit(struct plan *plan, struct objpair *op,
			    const struct ksec *sec, const struct krel *r,
			    enum ctx ctx, const struct target *t,
			    struct resolution *res)
{
	long bias = ctx == CTX_CODE && rel_is_pcrel(r->type) ? (long)r->bias : 0;
	long pos = target_secoff(t);
	struct unit *u;
	bool old_entry;

	u = unit_at(op->post_units, op->npost, t->sec, pos + bias, false);
	if (!u)
		u = unit_at(op->post_units, op->npost, t->sec, pos, true);
	if (!u || !unit_carried(u))
		return false;
	/*
	 * Code or data that takes the address of a replaced function gets
	 * the old function's address: it is redirected anyway, compares
	 * equal to what old code stored, and stays valid after undo.
	 */
	old_entry = u->fate == FATE_REPLACED && ctx != CTX_TABLE &&
		    pos + bias == (long)u->start &&
		    !(ctx == CTX_CODE && rel_is_branch(sec, r));
	if (old_entry) {
		res->kind = RES_RECORD;
		res->index = hsym_add(plan, op, u->match->sym, true);
		res->off = pos - (long)u->start;
		return true;
	}
	if (u->fate == FATE_NEW && ctx != CTX_TABLE &&
	    !(ctx == CTX_CODE && rel_is_branch(sec, r)))
		u->address_taken = true;
	res->kind = RES_UNIT;
	res->index = u->newid;
	res->off = pos - (long)u->start;
	return true;
}

/*
 * May r take a string literal from the running kernel (strings.c)?  In a
 * carried function or in copied data, whose records the core writes
 * before anything runs; not in special tables nor in copied code such as
 * alternative replacements, which the module loader reads at load.
 */
static bool takes_kernel_strings(struct objpair *op, const struct ksec *sec,
				 const struct krel *r, enum ctx ctx)
{
	struct unit *u;

	if (ctx == CTX_DATA)
		return true;
	if (ctx != CTX_CODE)
		return false;
	u = unit_at(op->post_units, op->npost, sec, r->off, false);
	return u && unit_carried(u);
}

static void resolve_rel(struct plan *plan, struct objpair *op,
			const struct ksec *sec, size_t i, enum ctx ctx,
			const char *where)
{
	struct resolution *res = &secres_get(plan, sec)[i];
	const struct krel *r = &sec->rels[i];
	struct target t;
	int ns;

	if (res->kind != RES_NONE)
		return;
	target_resolve(r, ctx == CTX_CODE, &t);
	if (ctx == CTX_CODE && t.sym && rel_is_branch(sec, r))
		plan_strings_call(plan, t.sym->name);
	if (t.sec && t.sec->code &&
	    resolve_to_unit(plan, op, sec, r, ctx, &t, res))
		return;
	if (t.sym && !t.sec && new_elsewhere(plan, sec, r, ctx, &t, res))
		return;
	if (t.sym && (t.sym->bind != SB_LOCAL || !t.sym->sec) &&
	    strset_get(&plan->exported, t.sym->name) >= 0) {
		res->kind = RES_EXPORT;
		res->name = t.sym->name;
		res->off = t.addend;
		strset_put(&plan->extnames, t.sym->name, 1);
		ns = strset_get(&plan->namespaces, t.sym->name);
		if (ns >= 0)
			strset_put(&plan->imports, plan->nsnames[ns], 1);
		return;
	}
	if (t.sym && data_fate_of(op, t.sym) == DFATE_NEW) {
		res->kind = RES_COPY;
		res->index = copy_of(plan, op, t.sym->sec, t.sym->value,
				     t.sym->size ? t.sym->size :
				     t.sym->sec->size - t.sym->value);
		res->off = t.addend;
		copy_referenced(plan, res->index, r, ctx, t.sym->name);
		if (ctx == CTX_DATA || (ctx == CTX_CODE && !r->access))
			plan_strings_carried(plan, res->index, &t);
		return;
	}
	if (takes_kernel_strings(op, sec, r, ctx) &&
	    plan_strings_resolve(plan, op, &t, res))
		return;
	if (t.sec && (data_class(t.sec) == DATA_FRESH ||
		      target_is_copyable(&t))) {
		res->kind = RES_COPY;
		res->index = copy_of(plan, op, t.sec, 0, t.sec->size);
		res->off = target_secoff(&t);
		copy_referenced(plan, res->index, r, ctx,
				t.sym ? t.sym->name : t.sec->name);
		if (ctx == CTX_DATA || (ctx == CTX_CODE && !r->access))
			plan_strings_carried(plan, res->index, &t);
		return;
	}
	if (!t.sym) {
		plan_refuse(plan, op, "%s refers to section %s, which has no symbols: not supported yet",
			    where, t.sec->name);
		res->kind = RES_UNIT;	/* never emitted: refused */
		return;
	}
	res->kind = RES_RECORD;
	res->index = hsym_add(plan, op, t.sym, true);
	res->off = t.addend;
}

static void resolve_range(struct plan *plan, struct objpair *op,
			  const struct ksec *sec, unsigned long start,
			  unsigned long size, enum ctx ctx, const char *what)
{
	size_t first, n, i;

	n = rels_in(sec, start, start + size, &first);
	for (i = first; i < first + n; i++)
		resolve_rel(plan, op, sec, i, ctx, what);
}

static void number_units(struct plan *plan)
{
	size_t i, k;

	for (i = 0; i < plan->nops; i++)
		for (k = 0; k < plan->ops[i].npost; k++) {
			struct unit *u = &plan->ops[i].post_units[k];

			if (unit_carried(u))
				u->newid = plan->nnew++;
		}
}

static void resolve_units(struct plan *plan)
{
	size_t i, k;

	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->npost; k++) {
			struct unit *u = &op->post_units[k];

			if (unit_carried(u))
				resolve_range(plan, op, u->sec, u->start,
					      u->size, CTX_CODE, u->name);
		}
	}
}

static void resolve_tables(struct plan *plan)
{
	size_t i, k, e;

	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < nr_specials; k++) {
			const struct special *sp = &specials[k];
			struct ksec *sec = sec_find(op->post, sp->name);

			for (e = 0; sec && e < sec->size / sp->entsize; e++) {
				struct unit *u = special_entry_unit(sec, sp, e,
					op->post_units, op->npost);

				if (u && unit_carried(u))
					resolve_range(plan, op, sec,
						      e * sp->entsize,
						      sp->entsize, CTX_TABLE,
						      sp->name);
			}
		}
	}
}

/* Copies can refer to more data to copy: until none is added. */
static void resolve_copies(struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->ncopies; i++) {
		struct copy c = plan->copies[i];

		resolve_range(plan, c.op, c.sec, c.start, c.size,
			      c.sec->code ? CTX_CODE : CTX_DATA, c.sec->name);
	}
}

/* Each carried unit's name in new-code.S: unique, and not an export's. */
static void name_units(struct plan *plan)
{
	struct strset used;
	size_t i, k;

	strset_init(&used);
	for (i = 0; i < plan->nops; i++)
		for (k = 0; k < plan->ops[i].npost; k++) {
			struct unit *u = &plan->ops[i].post_units[k];
			char *name;
			int dup = 0;

			if (!unit_carried(u))
				continue;
			name = xstrdup(u->name);
			while (strset_get(&used, name) >= 0 ||
			       strset_get(&plan->extnames, name) >= 0) {
				free(name);
				name = xasprintf("%s.%d", u->name, ++dup);
			}
			strset_put(&used, name, 1);
			u->asm_name = name;
		}
}

void plan_resolve(struct plan *plan)
{
	plan_helper(plan);
	number_units(plan);
	resolve_units(plan);
	resolve_tables(plan);
	keysites_resolve(plan);
	values_resolve(plan);
	resolve_copies(plan);
	plan_strings_finish(plan);
	plan_exports_resolve(plan);
	name_units(plan);
	plan_neighbours(plan);
	plan->frozen = true;
}
