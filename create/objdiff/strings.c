// SPDX-License-Identifier: GPL-2.0
/*
 * strings.c - string literals of the new code that the running kernel
 * already holds.
 *
 * A literal the new code names is normally carried by its module, like
 * other read-only data.  Most are handed to printers or copied by the API
 * they are given to, but some APIs keep the pointer as it is
 * (request_region(), request_irq(), class_create()): after a reversal the
 * kernel would still point into the unloaded module.  So a literal that
 * a function of the helper which must match (a replaced or vanished one,
 * see unit_checked()) also refers to, or the end of such a literal, is
 * taken from the running kernel instead: that reference of the helper
 * gets a symbol of its own (struct hsym.content) that run-pre matching
 * binds to the address where it found the string, and the new code's
 * references become records of that symbol.  A const char array of text
 * that such a function refers to is taken by its name, which matching
 * binds there.  A literal no such function has stays in the module; if the new code also calls a function that
 * keeps names (policy.c's call_keeps_name()), such a literal handed on
 * keeps the module after an undo.  A literal handed to the kernel through
 * an unchanged function of its own is not caught (see policy.c's
 * data_address_is_transient()).
 *
 * Run-pre matching compares the whole string from the referenced byte to
 * its NUL, so the running kernel's bytes are the new code's exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "plan.h"
#include "policy.h"
#include "special.h"
#include "target.h"

/* A string literal, from the referenced byte to its NUL included. */
static bool is_string(const struct target *t)
{
	return t->kind == T_CONTENT && !t->sym && t->sec &&
	       t->sec->merge && t->sec->strings && t->content && t->len &&
	       t->len <= TARGET_CHECK_MAX && !t->content[t->len - 1];
}

static bool in_rewrite(const struct unit *u, unsigned long off,
		       unsigned int size)
{
	size_t i;

	for (i = 0; i < u->nrewrites; i++) {
		const struct rewrite *w = &u->rewrites[i];

		if (off < w->offset + w->len && off + size > w->offset)
			return true;
	}
	return false;
}

/* Do the len bytes at b end the plen bytes at p (both end with NUL)? */
static bool ends_with(const unsigned char *p, size_t plen,
		      const unsigned char *b, size_t len)
{
	return len <= plen && !memcmp(p + plen - len, b, len);
}

/*
 * Does r, a relocation of a helper unit, resolved as t, refer to what
 * want describes?
 */
typedef bool (*ref_test)(const struct krel *r, const struct target *t,
			 const void *want);

/*
 * The first relocation of a helper unit of op that must match (so that
 * matching checks it), outside the unit's rewrite windows, that test
 * accepts; *t is its target.
 */
static const struct krel *find_checked_ref(const struct objpair *op,
					   ref_test test, const void *want,
					   struct target *t)
{
	size_t k, first, n, i;

	for (k = 0; k < op->nhelper; k++) {
		const struct unit *u = &op->helper_units[k];

		if (u->helper_idx < 0 || !unit_checked(u))
			continue;
		n = rels_in(u->sec, u->start, u->start + u->size, &first);
		for (i = first; i < first + n; i++) {
			const struct krel *r = &u->sec->rels[i];

			target_resolve(r, true, t);
			if (!in_rewrite(u, r->off - u->start, rel_size(r->type)) &&
			    test(r, t, want))
				return r;
		}
	}
	return NULL;
}

/*
 * A string that matching checks whole and that ends with the bytes of
 * want, a string target (the linker merges a string that ends another
 * into it).
 */
static bool ends_want(const struct krel *r, const struct target *t,
		      const void *want)
{
	const struct target *w = want;
	const unsigned char *check;
	size_t clen;
	long off;

	return is_string(t) && ends_with(t->content, t->len, w->content, w->len) &&
	       target_check_bytes(r, t, &check, &clen, &off) && clen == t->len;
}

/* A named const char array of text (target.c: plain read-only data). */
static bool is_named_text(const struct target *t)
{
	return t->kind == T_CONTENT && t->sym && t->sym->type == ST_OBJECT &&
	       t->content && t->len &&
	       data_is_text(t->sec, t->sym->value, t->sym->size);
}

struct named_want {
	const char *name;		/* pre's name of the array */
	const struct target *t;
};

/* The array of text called want->name, with want->t's bytes. */
static bool same_named(const struct krel *r, const struct target *t,
		       const void *want)
{
	const struct named_want *w = want;

	(void)r;
	return is_named_text(t) && !strcmp(t->sym->name, w->name) &&
	       t->len == w->t->len && !memcmp(t->content, w->t->content, t->len);
}

/*
 * The text of a string literal for a name or a word of the contents: at
 * most 40 characters, those outside the printable ones (and with word,
 * blanks and quotes) as dots, and "..." if there is more.
 */
static void string_text(char out[48], const unsigned char *bytes, size_t len,
			bool word)
{
	size_t i, n = 0;
	unsigned char c;

	for (i = 0; i + 1 < len && n < 40; i++) {
		c = bytes[i];
		out[n++] = c >= 0x20 && c < 0x7f &&
			   !(word && (c == ' ' || c == '"')) ? c : '.';
	}
	strcpy(out + n, i + 1 < len ? "..." : "");
}

/* "string \"...\"", for messages. */
static char *string_name(const unsigned char *bytes, size_t len)
{
	char text[48];

	string_text(text, bytes, len, false);
	return xasprintf("string \"%s\"", text);
}

/* A helper symbol of its own for a string literal of op. */
static unsigned int content_symbol(struct plan *plan, const struct objpair *op,
				   char *name)
{
	if (plan->frozen)
		fatal(EXIT_ERROR, "internal error: %s is not in the plan", name);
	grow(&plan->hsyms, &plan->cap_hsyms, plan->nhsyms + 1,
	     sizeof(*plan->hsyms));
	plan->hsyms[plan->nhsyms] = (struct hsym){
		.name = name, .object = op->name, .target = op->target,
		.needed = true, .content = true,
	};
	return plan->nhsyms++;
}

bool plan_strings_resolve(struct plan *plan, struct objpair *op,
			  const struct target *t, struct resolution *res)
{
	const struct krel *rel;
	struct strbind *b;
	struct target pt;
	size_t i;

	if (is_named_text(t)) {
		/* matching binds it (kallsyms has it) after checking its bytes */
		struct named_want want = { sym_pre_name(op, t->sym), t };

		if (!find_checked_ref(op, same_named, &want, &pt))
			return false;
		res->kind = RES_RECORD;
		res->index = plan_need_symbol(plan, op, pt.sym);
		res->off = t->addend;
		return true;
	}
	if (!is_string(t))
		return false;
	for (i = 0; i < plan->nstrbinds; i++) {
		b = &plan->strbinds[i];
		if (b->op == op && ends_with(b->bytes, b->len, t->content, t->len))
			goto found;
	}
	rel = find_checked_ref(op, ends_want, t, &pt);
	if (!rel)
		return false;
	grow(&plan->strbinds, &plan->cap_strbinds, plan->nstrbinds + 1,
	     sizeof(*plan->strbinds));
	b = &plan->strbinds[plan->nstrbinds++];
	b->op = op;
	b->rel = rel;
	b->bytes = pt.content;
	b->len = pt.len;
	b->hsym = content_symbol(plan, op, string_name(pt.content, pt.len));
found:
	res->kind = RES_RECORD;
	res->index = b->hsym;
	res->off = (long)(b->len - t->len) + t->coff;
	return true;
}

bool plan_string_symbol(const struct plan *plan, const struct krel *rel,
			unsigned int *hsym)
{
	size_t i;

	for (i = 0; i < plan->nstrbinds; i++)
		if (plan->strbinds[i].rel == rel) {
			*hsym = plan->strbinds[i].hsym;
			return true;
		}
	return false;
}

void plan_strings_call(struct plan *plan, const char *callee)
{
	if (!plan->name_keeper && call_keeps_name(callee))
		plan->name_keeper = callee;
}

/* "text": one word of the contents (keep-module lines). */
static char *string_token(const unsigned char *bytes, size_t len)
{
	char text[48];

	string_text(text, bytes, len, true);
	return xasprintf("\"%s\"", text);
}

void plan_strings_carried(struct plan *plan, int idx, const struct target *t)
{
	struct copy *c = &plan->copies[idx];

	if (c->literal)
		return;
	if (is_string(t))
		c->literal = string_token(t->content, t->len);
	else if (t->sym && t->sec && t->sym->size &&
		 data_is_text(t->sec, t->sym->value, t->sym->size))
		c->literal = t->sym->name;
}

void plan_strings_finish(struct plan *plan)
{
	size_t i;

	if (!plan->name_keeper)
		return;
	for (i = 0; i < plan->ncopies; i++) {
		struct copy *c = &plan->copies[i];

		if (c->literal && !c->escapes) {
			c->escapes = c->literal;
			c->kept_by = plan->name_keeper;
		}
	}
}
