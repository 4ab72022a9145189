// SPDX-License-Identifier: GPL-2.0
/*
 * emit-new.c - the new-code module's sources: new-code.S (the post bytes
 * of the carried units, their special-section entries and the data the
 * new code carries) and new-desc.c (struct ksplice_new with its patches
 * and the relocation records the core writes).  Everything comes from
 * the resolved plan.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "keysites.h"
#include "policy.h"
#include "special.h"

struct record {
	char *label;
	unsigned long off;
	long addend;
	unsigned int sym;
	unsigned int type;
};

struct new_state {
	const struct update_info *up;
	const struct plan *plan;
	struct record *recs;
	size_t nrecs, cap_recs;
	struct strset labels;		/* labels records refer to */
};

static void add_record(struct new_state *st, const char *label,
		       unsigned long off, long addend, unsigned int sym,
		       unsigned int type)
{
	struct record *rec;

	grow(&st->recs, &st->cap_recs, st->nrecs + 1, sizeof(*st->recs));
	rec = &st->recs[st->nrecs++];
	rec->label = xstrdup(label);
	rec->off = off;
	rec->addend = addend;
	rec->sym = sym;
	rec->type = type;
	strset_put(&st->labels, label, 1);
}

static void put_bytes(FILE *f, const unsigned char *p, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s0x%02x%s", i % 16 ? "," : "\t.byte ", p[i],
			i % 16 == 15 || i == n - 1 ? "\n" : "");
}

/* The bytes of [start, start+n) of sec: .zero for a run of NOBITS. */
static void put_data(FILE *f, const struct ksec *sec, unsigned long start,
		     unsigned long n)
{
	if (!n)
		return;
	if (sec->nobits)
		fprintf(f, "\t.zero %lu\n", n);
	else
		put_bytes(f, sec->data + start, n);
}

/*
 * A relocated field of a type's size at label + label_off, its value
 * resolved as res with bias added to the addend.
 */
static void emit_field(struct new_state *st, FILE *f,
		       const struct resolution *res, unsigned int type,
		       const char *label, unsigned long label_off, long bias)
{
	static const unsigned char zero[8];

	switch (res->kind) {
	case RES_UNIT:
		fprintf(f, "\t.reloc ., R_X86_64_%s, __ksplice_f%d%+ld\n",
			rel_name(type), res->index, res->off + bias);
		break;
	case RES_COPY:
		fprintf(f, "\t.reloc ., R_X86_64_%s, __ksplice_d%d%+ld\n",
			rel_name(type), res->index, res->off + bias);
		break;
	case RES_EXPORT:
		fprintf(f, "\t.reloc ., R_X86_64_%s, %s%+ld\n",
			rel_name(type), res->name, res->off + bias);
		break;
	default:
		add_record(st, label, label_off, res->off + bias, res->index,
			   type);
		break;
	}
	put_bytes(f, zero, rel_size(type));
}

/*
 * Emit [start, start+size) of sec with its relocations as the plan
 * resolved them; records refer to label + label_off + offset.
 */
static void emit_range(struct new_state *st, FILE *f, struct ksec *sec,
		       unsigned long start, unsigned long size,
		       const char *label, unsigned long label_off,
		       const char *what)
{
	unsigned long p = start, end = start + size;
	size_t first, n, i;

	n = rels_in(sec, start, end, &first);
	for (i = first; i < first + n; i++) {
		const struct krel *r = &sec->rels[i];
		unsigned int fsize = rel_size(r->type);

		if (!ksplice_rel_macro(r->type))
			fatal(EXIT_ERROR, "%s: %s: unsupported relocation type %u at offset 0x%lx",
			      sec->obj->name, what, r->type, r->off - start);
		if (r->off < p || r->off + fsize > end)
			fatal(EXIT_ERROR, "%s: %s: overlapping relocations at offset 0x%lx",
			      sec->obj->name, what, r->off - start);
		put_data(f, sec, p, r->off - p);
		emit_field(st, f, plan_resolution(st->plan, sec, i), r->type,
			   label, label_off + r->off - start, 0);
		p = r->off + fsize;
	}
	put_data(f, sec, p, end - p);
}

/* A jump-label site made a jump to its check (keysites.h). */
static void emit_keysite_jump(FILE *f, const struct keysite *ks)
{
	long disp = (long)ks->check - (long)(ks->site + ks->len);

	if (ks->len == 2)
		fprintf(f, "\t.byte 0xeb, 0x%02lx\t/* to its key's check */\n",
			disp & 0xff);
	else
		fprintf(f, "\t.byte 0xe9\t/* to its key's check */\n\t.long %ld\n",
			disp);
}

/* The check of a jump label's key, at label + ks->check. */
static void emit_keycheck(struct new_state *st, FILE *f,
			  const struct keysite *ks, const char *label)
{
	long back = (long)(ks->site + ks->len) -
		    (long)(ks->check + KEYCHECK_SIZE);

	fprintf(f, "\t/* the jump label at +0x%lx: the key's count */\n"
		"\t.byte 0x83, 0x3d\n", ks->site);
	emit_field(st, f, ks->key, R_PC32, label, ks->check + KEYCHECK_KEY,
		   -(ks->key->off & 3) - KEYCHECK_KEY_BIAS);
	fprintf(f, "\t.byte 0x00\n\t.byte 0x0f, 0x%02x\t/* %s */\n",
		ks->branch ? 0x84 : 0x85, ks->branch ? "je" : "jne");
	emit_field(st, f, ks->target, R_PC32, label,
		   ks->check + KEYCHECK_TARGET, -4);
	fprintf(f, "\t.byte 0xe9\n\t.long %ld\n", back);
}

static void emit_unit(struct new_state *st, FILE *f, struct unit *u)
{
	const struct plan *plan = st->plan;
	unsigned long pos = 0;
	char label[32], *what;
	size_t first, n, i, k;

	snprintf(label, sizeof(label), "__ksplice_f%d", u->newid);
	fprintf(f, "\n\t.section .text.ksplice.%d,\"ax\",@progbits\n"
		"\t.balign 16\n\t.globl %s\n\t.hidden %s\n"
		"\t.type %s,@function\n%s:\n\t.type %s,@function\n%s:\n",
		u->newid, label, label, label, label, u->asm_name,
		u->asm_name);
	what = xasprintf("function %s", u->name);
	n = keysites_of(plan, u, &first);
	for (i = first; i < first + n; i++) {
		const struct keysite *ks = &plan->keysites[i];

		if (ks->linked)
			continue;
		emit_range(st, f, u->sec, u->start + pos, ks->site - pos,
			   label, pos, what);
		emit_keysite_jump(f, ks);
		pos = ks->site + ks->len;
	}
	emit_range(st, f, u->sec, u->start + pos, u->size - pos, label, pos,
		   what);
	free(what);
	/* the checks, in the order of their places */
	for (k = 0; k < n; k++)
		for (i = first; i < first + n; i++)
			if (!plan->keysites[i].linked &&
			    plan->keysites[i].check ==
			    u->size + k * KEYCHECK_SIZE)
				emit_keycheck(st, f, &plan->keysites[i],
					      label);
	fprintf(f, "\t.size %s, . - %s\n\t.size %s, . - %s\n", u->asm_name,
		u->asm_name, label, label);
}

static const char *sec_flags(const struct ksec *sec)
{
	if (sec->code)
		return "ax";
	return sec->writable ? "aw" : "a";
}

static void start_table(FILE *f, const char *name, const struct ksec *sec,
			const char *label)
{
	fprintf(f, "\n\t.section %s,\"%s\",@progbits\n"
		"\t.balign %u\n\t.globl %s\n\t.hidden %s\n%s:\n",
		name, sec_flags(sec), 1u << sec->align_pow, label, label,
		label);
}

/*
 * The unwind entries of the jump-label checks (the state at their site):
 * after the others, in .orc_unwind_ip (relocs) and .orc_unwind.
 */
static void emit_keycheck_unwind(FILE *f, const struct plan *plan,
				 const char *name, bool relocs,
				 const char *label, bool started)
{
	size_t i;

	for (i = 0; i < plan->nkeysites; i++) {
		const struct keysite *ks = &plan->keysites[i];

		if (!ks->has_orc || ks->linked)
			continue;
		if (!started)
			start_table(f, name, sec_find(ks->unit->sec->obj, name),
				    label);
		started = true;
		if (relocs)
			fprintf(f, "\t.long __ksplice_f%d + 0x%lx - .\n",
				ks->unit->newid, ks->check);
		else
			put_bytes(f, ks->orc, ORC_SIZE);
	}
}

static void emit_table(struct new_state *st, FILE *f, size_t k,
		       const char *name, unsigned int entsize, bool relocs,
		       const struct special *sp)
{
	const struct plan *plan = st->plan;
	char label[32];
	unsigned long out = 0;
	bool started = false;
	size_t i, e;

	snprintf(label, sizeof(label), "__ksplice_s%zu%s", k,
		 relocs ? "" : "c");
	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];
		struct ksec *sec = sec_find(op->post, name);
		struct ksec *site = sec_find(op->post, sp->name);

		if (!sec || !site)
			continue;
		for (e = 0; e < site->size / sp->entsize; e++) {
			struct unit *u = special_entry_unit(site, sp, e,
							    op->post_units,
							    op->npost);
			char *what;

			if (!u || !unit_carried(u) ||
			    (e + 1) * entsize > sec->size ||
			    keysites_dropped(plan, site, e))
				continue;
			if (!started)
				start_table(f, name, sec, label);
			started = true;
			what = xasprintf("%s entry %zu", name, e);
			if (relocs)
				emit_range(st, f, sec, e * entsize, entsize,
					   label, out, what);
			else
				put_bytes(f, sec->data + e * entsize,
					  entsize);
			free(what);
			out += entsize;
		}
	}
	if (sp->companion)
		emit_keycheck_unwind(f, plan, name, relocs, label, started);
}

static void emit_specials(struct new_state *st, FILE *f)
{
	size_t k;

	for (k = 0; k < nr_specials; k++) {
		const struct special *sp = &specials[k];

		emit_table(st, f, k, sp->name, sp->entsize, true, sp);
		if (sp->companion)
			emit_table(st, f, k, sp->companion,
				   sp->companion_size, false, sp);
	}
}

static void emit_copies(struct new_state *st, FILE *f)
{
	const struct plan *plan = st->plan;
	size_t k;

	for (k = 0; k < plan->ncopies; k++) {
		const struct copy *c = &plan->copies[k];
		struct ksec *sec = c->sec;
		unsigned int align = 1u << sec->align_pow;
		char label[32], *what, *name;

		snprintf(label, sizeof(label), "__ksplice_d%zu", k);
		if (sec->code)
			name = xstrdup(sec->name);
		else if (data_class(sec) == DATA_PERCPU)
			/*
			 * The one section the module loader gives each CPU a
			 * copy of (in the first chunk, so that %gs: reaches it).
			 */
			name = xstrdup(".data..percpu");
		else if (sec->writable)
			name = xasprintf(".data.ksplice.%zu", k);
		else
			name = xasprintf(".rodata.ksplice.%zu", k);
		/* A piece of a section keeps the alignment of its offset. */
		while (align > 1 && c->start % align)
			align >>= 1;
		fprintf(f, "\n\t.section %s,\"%s\",@progbits\n\t.balign %u\n"
			"\t.globl %s\n\t.hidden %s\n%s:\n", name,
			sec_flags(sec), align, label, label, label);
		what = xasprintf("section %s", sec->name);
		emit_range(st, f, sec, c->start, c->size, label, 0, what);
		free(what);
		free(name);
	}
}

/* The kernel_symbol table of the plain or the GPL exports, and its crcs. */
static void emit_export_table(struct new_state *st, FILE *f, bool gpl)
{
	const struct plan *plan = st->plan;
	const char *label = gpl ? "__ksplice_ksymtab_gpl" : "__ksplice_ksymtab";
	const char *crcs = gpl ? "__ksplice_kcrctab_gpl" : "__ksplice_kcrctab";
	unsigned long off = 0;
	size_t i;

	fprintf(f, "\n\t.section .ksplice%s,\"a\",@progbits\n\t.balign 4\n"
		"\t.globl %s\n\t.hidden %s\n%s:\n", label + 9, label, label,
		label);
	strset_put(&st->labels, label, 1);
	for (i = 0; i < plan->nexports; i++) {
		const struct export *e = &plan->exports[i];

		if (e->gpl != gpl)
			continue;
		if (e->hsym < 0) {
			fprintf(f, "\t.long __ksplice_f%d - .\n", e->unit->newid);
		} else {
			add_record(st, label, off, 0, e->hsym, R_PC32);
			fputs("\t.long 0\n", f);
		}
		fprintf(f, "\t.long __ksplice_kstr%zu - .\n"
			"\t.long __ksplice_kns%zu - .\t/* %s */\n", i, i,
			e->name);
		off += 12;
	}
	fprintf(f, "\n\t.section .ksplice%s,\"a\",@progbits\n\t.balign 4\n"
		"\t.globl %s\n\t.hidden %s\n%s:\n", crcs + 9, crcs, crcs,
		crcs);
	strset_put(&st->labels, crcs, 1);
	for (i = 0; i < plan->nexports; i++)
		if (plan->exports[i].gpl == gpl)
			fprintf(f, "\t.long 0x%08lx\n", plan->exports[i].crc);
}

static void emit_exports(struct new_state *st, FILE *f)
{
	const struct plan *plan = st->plan;
	size_t i;

	if (!plan->nexports)
		return;
	emit_export_table(st, f, false);
	emit_export_table(st, f, true);
	fputs("\n\t.section .rodata.ksplice.kstr,\"a\",@progbits\n", f);
	for (i = 0; i < plan->nexports; i++)
		fprintf(f, "__ksplice_kstr%zu:\t.asciz \"%s\"\n"
			"__ksplice_kns%zu:\t.asciz \"%s\"\n", i,
			plan->exports[i].name, i, plan->exports[i].ns);
}

static void emit_code(struct new_state *st, FILE *f)
{
	const struct plan *plan = st->plan;
	size_t i, k;

	fputs("/* Generated by ksplice-objdiff: the update's new code. */\n", f);
	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->npost; k++)
			if (unit_carried(&op->post_units[k]))
				emit_unit(st, f, &op->post_units[k]);
	}
	emit_specials(st, f);
	emit_copies(st, f);
	emit_exports(st, f);
	/* new values are copies that new-desc.c names */
	for (i = 0; i < plan->nvalues; i++) {
		char *label = xasprintf("__ksplice_d%d", plan->values[i].copy);

		strset_put(&st->labels, label, 1);
		free(label);
	}
}

/* Every piece of new code, for the stack check of an undo. */
static void emit_code_ranges(const struct plan *plan, FILE *f)
{
	size_t i, k;

	fputs("static const struct ksplice_code code[] = {\n", f);
	for (i = 0; i < plan->nops; i++)
		for (k = 0; k < plan->ops[i].npost; k++) {
			struct unit *u = &plan->ops[i].post_units[k];

			if (unit_carried(u))
				fprintf(f, "\t{ .start = __ksplice_f%d, .size = 0x%lx },\t/* %s */\n",
					u->newid, keysites_unit_size(plan, u),
					u->name);
		}
	fputs("};\n\n", f);
}

static size_t emit_patches(const struct plan *plan, FILE *f)
{
	size_t i, k, n = 0;

	fputs("static const struct ksplice_patch patches[] = {\n", f);
	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->npost; k++) {
			struct unit *u = &op->post_units[k];

			if (u->fate != FATE_REPLACED || u->parent)
				continue;
			fprintf(f, "\t{ .section = %d, .new_code = __ksplice_f%d },\t/* %s %s */\n",
				u->match->helper_idx, u->newid, op->name,
				u->name);
			n++;
		}
	}
	fputs("};\n\n", f);
	return n;
}

static void emit_externs(struct new_state *st, FILE *f)
{
	const struct plan *plan = st->plan;
	size_t i, k;

	for (i = 0; i < plan->nops; i++)
		for (k = 0; k < plan->ops[i].npost; k++) {
			struct unit *u = &plan->ops[i].post_units[k];
			char *label;

			if (!unit_carried(u))
				continue;
			label = xasprintf("__ksplice_f%d", u->newid);
			strset_put(&st->labels, label, 1);
			free(label);
		}
	for (i = 0; i < st->labels.cap; i++)
		if (st->labels.keys[i])
			fprintf(f, "extern char %s[];\n", st->labels.keys[i]);
	fputs("\n", f);
}

/* Each new value: the old bytes and mask it checks, and where it is. */
static void emit_values(const struct plan *plan, FILE *f)
{
	size_t i;

	if (!plan->nvalues)
		return;
	for (i = 0; i < plan->nvalues; i++) {
		const struct newvalue *v = &plan->values[i];
		unsigned long n = v->pre->size, k;
		unsigned char *old = xcalloc(n, 1), *mask = xcalloc(n, 1);

		memcpy(old, v->pre->sec->data + v->pre->value, n);
		memset(mask, 0xff, n);
		fill_fields(v->pre->sec, v->pre->value, n, old, 0);
		fill_fields(v->pre->sec, v->pre->value, n, mask, 0);
		fprintf(f, "/* %s (%s) */\nstatic const unsigned char value%zu_old[] = {",
			v->pre->name, v->op->name, i);
		for (k = 0; k < n; k++)
			fprintf(f, "%s0x%02x,", k % 12 ? " " : "\n\t", old[k]);
		fprintf(f, "\n};\n\nstatic const unsigned char value%zu_mask[] = {", i);
		for (k = 0; k < n; k++)
			fprintf(f, "%s0x%02x,", k % 12 ? " " : "\n\t", mask[k]);
		fputs("\n};\n\n", f);
		free(old);
		free(mask);
	}
	fputs("static const struct ksplice_value values[] = {\n", f);
	for (i = 0; i < plan->nvalues; i++) {
		const struct newvalue *v = &plan->values[i];

		fprintf(f, "\t{ .symbol = %u, .size = %lu, .new_data = __ksplice_d%d,\n"
			"\t  .old_data = value%zu_old, .old_mask = value%zu_mask },\t/* %s */\n",
			v->hsym, v->pre->size, v->copy, i, i, v->pre->name);
	}
	fputs("};\n\n", f);
}

/* struct ksplice_exports: its tables, counts, and the modules involved. */
static void emit_exports_desc(const struct plan *plan, FILE *f)
{
	struct strset targets;
	size_t i, n[2] = { 0, 0 };
	bool crcs = false;

	if (!plan->nexports)
		return;
	strset_init(&targets);
	fputs("static const char *const export_targets[] = {\n", f);
	for (i = 0; i < plan->nexports; i++) {
		const struct export *e = &plan->exports[i];

		n[e->gpl]++;
		crcs |= e->has_crc;
		if (!e->op->target || strset_get(&targets, e->op->target) >= 0)
			continue;
		strset_put(&targets, e->op->target, 1);
		fprintf(f, "\t\"%s\",\n", e->op->target);
	}
	fputs("\tNULL\n};\n\n", f);
	fprintf(f, "static const struct ksplice_exports exports = {\n"
		"\t.syms = (const struct kernel_symbol *)__ksplice_ksymtab,\n"
		"\t.nr_syms = %zu,\n"
		"\t.gpl_syms = (const struct kernel_symbol *)__ksplice_ksymtab_gpl,\n"
		"\t.nr_gpl_syms = %zu,\n", n[0], n[1]);
	if (crcs)
		fputs("\t.crcs = (const int *)__ksplice_kcrctab,\n"
		      "\t.gpl_crcs = (const int *)__ksplice_kcrctab_gpl,\n", f);
	fputs("\t.targets = export_targets,\n"
	      "\t.nr_targets = ARRAY_SIZE(export_targets) - 1,\n};\n\n", f);
}

/*
 * The jump labels the core links (struct ksplice_keysite), each module
 * target's together (the plan sorts them so), and room for their jump
 * entries.
 */
static size_t emit_linked(const struct plan *plan, FILE *f)
{
	size_t i, n = 0;

	for (i = 0; i < plan->nkeysites; i++) {
		const struct keysite *ks = &plan->keysites[i];
		const unsigned char *b;

		if (!ks->linked)
			continue;
		if (!n++)
			fputs("static const struct ksplice_keysite keysites[] = {\n", f);
		b = ks->unit->sec->data + ks->unit->start + ks->site;
		fprintf(f, "\t{ .site = (unsigned long)(__ksplice_f%d + 0x%lx), .target = (unsigned long)(__ksplice_f%d%+ld), .symbol = %d, .addend = %ld, .len = %u, .bytes = { 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x } },\t/* %s */\n",
			ks->unit->newid, ks->site, ks->target->index,
			ks->target->off, ks->key->index, ks->key->off,
			ks->len, b[0], b[1], ks->len > 2 ? b[2] : 0,
			ks->len > 2 ? b[3] : 0, ks->len > 2 ? b[4] : 0,
			ks->unit->name);
	}
	if (n)
		fprintf(f, "};\n\nstatic struct jump_entry keysite_entries[%zu];\n\n",
			n);
	return n;
}

/* Put label into the blacklist being printed, once. */
static void blacklist_put(FILE *f, struct strset *seen, const char *label,
			  const char *why, const char *what)
{
	if (strset_get(seen, label) >= 0)
		return;
	if (!seen->count)
		fputs("static unsigned long kprobe_blacklist[] __used __section(\"_kprobe_blacklist\") = {\n",
		      f);
	strset_put(seen, label, 1);
	fprintf(f, "\t(unsigned long)%s,\t/* %s %s */\n", label, why, what);
}

/*
 * The kernel's kprobe blacklist (the section NOKPROBE_SYMBOL() fills,
 * read as the module loads) gets the functions of the new code whose
 * bytes the core writes while the kernel may have a probe there:
 *
 *   - a record of a module target's symbol, written again each time the
 *     module loads (modules.c): a probe copies the instruction it sits on
 *     to run it elsewhere, and would go on running the copy with the old
 *     address; an optimized probe's jump covers the field, and the write
 *     would break it;
 *   - a linked jump label: the kernel keeps probes off the sites it knows
 *     (jump_label_text_reserved() reads the jump entries of the module
 *     that holds the address), not off these, which the core links with
 *     entries of its own, and it stops the machine when a site it patches
 *     does not hold what it expects.
 *
 * A blacklisted function takes no probe anywhere in it.
 */
static void emit_kprobe_blacklist(struct new_state *st, FILE *f)
{
	const struct plan *plan = st->plan;
	struct strset seen;
	char label[32];
	size_t i;

	strset_init(&seen);
	for (i = 0; i < st->nrecs; i++) {
		const struct record *r = &st->recs[i];

		if (!strncmp(r->label, "__ksplice_f", 11) &&
		    plan->hsyms[r->sym].target)
			blacklist_put(f, &seen, r->label, "a record of",
				      plan->hsyms[r->sym].target);
	}
	for (i = 0; i < plan->nkeysites; i++) {
		const struct keysite *ks = &plan->keysites[i];

		if (!ks->linked)
			continue;
		snprintf(label, sizeof(label), "__ksplice_f%d", ks->unit->newid);
		blacklist_put(f, &seen, label, "a linked jump label:",
			      ks->unit->name);
	}
	if (seen.count)
		fputs("};\n\n", f);
}

static void emit_desc(struct new_state *st, FILE *f)
{
	const struct update_info *up = st->up;
	const struct plan *plan = st->plan;
	size_t i, npatches, nlinked;

	fputs("// SPDX-License-Identifier: GPL-2.0\n"
	      "/* Generated by ksplice-objdiff: the update's new-code module. */\n"
	      "#include <linux/jump_label.h>\n"
	      "#include <linux/module.h>\n"
	      "#include \"ksplice-format.h\"\n\n", f);
	emit_externs(st, f);
	if (st->nrecs) {
		fputs("static const struct ksplice_reloc relocs[] = {\n", f);
		for (i = 0; i < st->nrecs; i++) {
			struct record *r = &st->recs[i];

			fprintf(f, "\t{ .place = (unsigned long)(%s + 0x%lx), .addend = %ld, .symbol = %u, .type = %s },\n",
				r->label, r->off, r->addend, r->sym,
				ksplice_rel_macro(r->type));
		}
		fputs("};\n\n", f);
	}
	npatches = emit_patches(plan, f);
	emit_code_ranges(plan, f);
	if (up->nreplaces) {
		fputs("static const char *const replaces[] = {\n", f);
		for (i = 0; i < up->nreplaces; i++) {
			fputs("\t\"", f);
			put_c_string(f, up->replaces[i]);
			fputs("\",\n", f);
		}
		fputs("};\n\n", f);
	}
	emit_exports_desc(plan, f);
	emit_values(plan, f);
	nlinked = emit_linked(plan, f);
	emit_kprobe_blacklist(st, f);
	fputs("static struct ksplice_new ksplice_new __section(KSPLICE_NEW_SECTION) __used = {\n"
	      "\t.format = KSPLICE_FORMAT_VERSION,\n\t.id = \"", f);
	put_c_string(f, up->id);
	fputs("\",\n\t.kernel_release = \"", f);
	put_c_string(f, up->release);
	fputs("\",\n\t.description = \"", f);
	put_c_string(f, up->description);
	fprintf(f, "\",\n\t.patches = patches,\n\t.nr_patches = %zu,\n",
		npatches);
	fputs("\t.code = code,\n\t.nr_code = ARRAY_SIZE(code),\n", f);
	if (st->nrecs)
		fputs("\t.relocs = relocs,\n\t.nr_relocs = ARRAY_SIZE(relocs),\n",
		      f);
	if (plan_keeps_module(plan))
		fputs("\t.flags = KSPLICE_NEW_KEEP_MODULE,\n", f);
	if (up->nreplaces)
		fputs("\t.replaces = replaces,\n\t.nr_replaces = ARRAY_SIZE(replaces),\n",
		      f);
	if (plan->nexports)
		fputs("\t.exports = &exports,\n", f);
	if (plan->nvalues)
		fputs("\t.values = values,\n\t.nr_values = ARRAY_SIZE(values),\n",
		      f);
	if (nlinked)
		fputs("\t.keysites = keysites,\n\t.nr_keysites = ARRAY_SIZE(keysites),\n"
		      "\t.keysite_entries = keysite_entries,\n", f);
	fputs("\t.owner = THIS_MODULE,\n};\n\n"
	      "static int __init ksplice_new_init(void)\n{\n"
	      "\treturn ksplice_register_new(&ksplice_new);\n}\n\n"
	      "static void __exit ksplice_new_exit(void)\n{\n"
	      "\tksplice_unregister_new(&ksplice_new);\n}\n\n"
	      "module_init(ksplice_new_init);\n"
	      "module_exit(ksplice_new_exit);\n", f);
	for (i = 0; i < plan->imports.cap; i++)
		if (plan->imports.keys[i])
			fprintf(f, "MODULE_IMPORT_NS(%s);\n",
				plan->imports.keys[i]);
	fputs("MODULE_LICENSE(\"GPL\");\n", f);
}

void emit_new(const struct update_info *up, FILE *code, FILE *desc)
{
	struct new_state st;

	memset(&st, 0, sizeof(st));
	st.up = up;
	st.plan = up->plan;
	strset_init(&st.labels);
	emit_code(&st, code);
	emit_desc(&st, desc);
}
