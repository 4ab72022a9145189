// SPDX-License-Identifier: GPL-2.0
/*
 * emit-new.c - the new-code module's sources: new-code.S (the post bytes
 * of the included units, their special-section entries and the data they
 * need a copy of) and new-desc.c (struct ksplice_new with its patches and
 * the relocation records the core writes).
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "emit.h"
#include "special.h"
#include "target.h"

struct copy {
	struct objpair *op;
	struct ksec *sec;
};

struct record {
	char *label;
	unsigned long off;
	long addend;
	unsigned int sym;
	unsigned int type;
};

struct new_state {
	struct update_info *up;
	struct copy *copies;
	size_t ncopies, cap_copies;
	struct record *recs;
	size_t nrecs, cap_recs;
	struct strset extnames;		/* symbols referenced by name */
	struct strset labels;		/* labels records refer to */
};

static int copy_id(struct new_state *st, struct objpair *op,
		   struct ksec *sec)
{
	size_t i;

	for (i = 0; i < st->ncopies; i++)
		if (st->copies[i].sec == sec)
			return i;
	grow(&st->copies, &st->cap_copies, st->ncopies + 1,
	     sizeof(*st->copies));
	st->copies[st->ncopies].op = op;
	st->copies[st->ncopies].sec = sec;
	return st->ncopies++;
}

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

/*
 * The expression a relocation field of the new code gets, written to buf;
 * or false when the field is left to a record of the core.
 */
static bool reloc_expr(struct new_state *st, struct objpair *op,
		       const struct krel *r, bool in_code, const char *where,
		       char *buf, size_t len)
{
	long bias = in_code && rel_is_pcrel(r->type) ? 4 : 0;
	struct target t;
	struct unit *u;
	long pos;

	target_resolve(r, in_code, &t);
	pos = target_secoff(&t);
	if (t.sec) {
		u = unit_at(op->post_units, op->npost, t.sec, pos + bias,
			    false);
		if (!u)
			u = unit_at(op->post_units, op->npost, t.sec, pos,
				    true);
		if (u && u->include) {
			snprintf(buf, len, "__ksplice_f%d%+ld", u->newid,
				 pos - (long)u->start);
			return true;
		}
	}
	if (t.sym && (t.sym->bind != SB_LOCAL || !t.sym->sec) &&
	    strset_get(&st->up->exported, t.sym->name) >= 0) {
		snprintf(buf, len, "%s%+ld", t.sym->name, t.addend);
		strset_put(&st->extnames, t.sym->name, 1);
		return true;
	}
	if (t.sec && (sec_is_fresh(t.sec) || target_is_copyable(&t))) {
		snprintf(buf, len, "__ksplice_d%d%+ld",
			 copy_id(st, op, t.sec), pos);
		return true;
	}
	if (!t.sym)
		fatal(EXIT_UNSUPPORTED, "%s: %s refers to section %s, which has no symbols: not supported yet",
		      op->name, where, t.sec->name);
	return false;
}

static void put_bytes(FILE *f, const unsigned char *p, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s0x%02x%s", i % 16 ? "," : "\t.byte ", p[i],
			i % 16 == 15 || i == n - 1 ? "\n" : "");
}

/*
 * Emit [start, start+size) of sec with its relocations; records refer to
 * label + label_off + offset.
 */
static void emit_range(struct new_state *st, FILE *f, struct objpair *op,
		       struct ksec *sec, unsigned long start,
		       unsigned long size, bool in_code, const char *label,
		       unsigned long label_off, const char *what)
{
	static const unsigned char zero[8];
	unsigned long p = start, end = start + size;
	size_t first, n, i;
	char expr[512];

	n = rels_in(sec, start, end, &first);
	for (i = first; i < first + n; i++) {
		const struct krel *r = &sec->rels[i];
		unsigned int fsize = rel_size(r->type);
		char *where;

		if (!ksplice_rel_macro(r->type))
			fatal(EXIT_ERROR, "%s: %s: unsupported relocation type %u at offset 0x%lx",
			      op->name, what, r->type, r->off - start);
		if (r->off < p || r->off + fsize > end)
			fatal(EXIT_ERROR, "%s: %s: overlapping relocations at offset 0x%lx",
			      op->name, what, r->off - start);
		put_bytes(f, sec->data + p, r->off - p);
		where = xasprintf("%s (offset 0x%lx)", what, r->off - start);
		if (reloc_expr(st, op, r, in_code, where, expr, sizeof(expr))) {
			fprintf(f, "\t.reloc ., R_X86_64_%s, %s\n",
				rel_name(r->type), expr);
		} else {
			struct target t;

			target_resolve(r, in_code, &t);
			add_record(st, label, label_off + r->off - start,
				   t.addend, helper_symbol_needed(op, t.sym),
				   r->type);
		}
		free(where);
		put_bytes(f, zero, fsize);
		p = r->off + fsize;
	}
	put_bytes(f, sec->data + p, end - p);
}

static void emit_unit(struct new_state *st, FILE *f, struct objpair *op,
		      struct unit *u)
{
	char label[32], *what;

	snprintf(label, sizeof(label), "__ksplice_f%d", u->newid);
	fprintf(f, "\n\t.section .text.ksplice.%d,\"ax\",@progbits\n"
		"\t.balign 16\n\t.globl %s\n\t.hidden %s\n"
		"\t.type %s,@function\n%s:\n\t.type %s,@function\n%s:\n",
		u->newid, label, label, label, label, u->asm_name,
		u->asm_name);
	what = xasprintf("function %s", u->name);
	emit_range(st, f, op, u->sec, u->start, u->size, true, label, 0,
		   what);
	free(what);
	fprintf(f, "\t.size %s, . - %s\n\t.size %s, . - %s\n", u->asm_name,
		u->asm_name, label, label);
}

static const char *sec_flags(const struct ksec *sec)
{
	if (sec->code)
		return "ax";
	return sec->writable ? "aw" : "a";
}

static void emit_table(struct new_state *st, FILE *f, size_t k,
		       const char *name, unsigned int entsize, bool relocs,
		       const struct special *sp)
{
	char label[32];
	unsigned long out = 0;
	bool started = false;
	size_t i, e;

	snprintf(label, sizeof(label), "__ksplice_s%zu%s", k,
		 relocs ? "" : "c");
	for (i = 0; i < st->up->nops; i++) {
		struct objpair *op = &st->up->ops[i];
		struct ksec *sec = sec_find(op->post, name);
		struct ksec *site = sec_find(op->post, sp->name);

		if (!sec || !site)
			continue;
		for (e = 0; e < site->size / sp->entsize; e++) {
			struct unit *u = special_entry_unit(site, sp, e,
							    op->post_units,
							    op->npost);
			char *what;

			if (!u || !u->include ||
			    (e + 1) * entsize > sec->size)
				continue;
			if (!started) {
				fprintf(f, "\n\t.section %s,\"%s\",@progbits\n"
					"\t.balign %u\n\t.globl %s\n\t.hidden %s\n%s:\n",
					name, sec_flags(sec),
					1u << sec->align_pow, label, label,
					label);
				started = true;
			}
			what = xasprintf("%s entry %zu", name, e);
			if (relocs)
				emit_range(st, f, op, sec, e * entsize,
					   entsize, false, label, out, what);
			else
				put_bytes(f, sec->data + e * entsize,
					  entsize);
			free(what);
			out += entsize;
		}
	}
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
	size_t k;

	for (k = 0; k < st->ncopies; k++) {
		struct copy *c = &st->copies[k];
		struct ksec *sec = c->sec;
		char label[32], *what, *name;

		snprintf(label, sizeof(label), "__ksplice_d%zu", k);
		if (sec->code)
			name = xstrdup(sec->name);
		else if (sec->writable)
			name = xasprintf(".data.ksplice.%zu", k);
		else
			name = xasprintf(".rodata.ksplice.%zu", k);
		fprintf(f, "\n\t.section %s,\"%s\",@progbits\n\t.balign %u\n"
			"\t.globl %s\n\t.hidden %s\n%s:\n", name,
			sec_flags(sec), 1u << sec->align_pow, label, label,
			label);
		what = xasprintf("section %s", sec->name);
		emit_range(st, f, c->op, sec, 0, sec->size, sec->code, label, 0,
			   what);
		free(what);
		free(name);
	}
}

static void emit_code(struct new_state *st, FILE *f)
{
	size_t i, k;

	fputs("/* Generated by ksplice-objdiff: the update's new code. */\n", f);
	for (i = 0; i < st->up->nops; i++) {
		struct objpair *op = &st->up->ops[i];

		for (k = 0; k < op->npost; k++)
			if (op->post_units[k].include)
				emit_unit(st, f, op, &op->post_units[k]);
	}
	emit_specials(st, f);
	emit_copies(st, f);
}

/* Number the included units and give each a unique assembler name. */
static void name_units(struct new_state *st, bool final)
{
	struct strset used;
	size_t i, k;
	int n = 0;

	strset_init(&used);
	for (i = 0; i < st->up->nops; i++) {
		struct objpair *op = &st->up->ops[i];

		for (k = 0; k < op->npost; k++) {
			struct unit *u = &op->post_units[k];
			char *name = xstrdup(u->name);
			int dup = 0;

			if (!u->include)
				continue;
			u->newid = n++;
			while (final && (strset_get(&used, name) >= 0 ||
					 strset_get(&st->extnames, name) >= 0)) {
				free(name);
				name = xasprintf("%s.%d", u->name, ++dup);
			}
			strset_put(&used, name, 1);
			u->asm_name = name;
		}
	}
}

/* Every piece of new code, for the stack check of an undo. */
static void emit_code_ranges(struct update_info *up, FILE *f)
{
	size_t i, k;

	fputs("static const struct ksplice_code code[] = {\n", f);
	for (i = 0; i < up->nops; i++)
		for (k = 0; k < up->ops[i].npost; k++) {
			struct unit *u = &up->ops[i].post_units[k];

			if (u->include)
				fprintf(f, "\t{ .start = __ksplice_f%d, .size = 0x%lx },\t/* %s */\n",
					u->newid, u->size, u->name);
		}
	fputs("};\n\n", f);
}

static void emit_desc(struct new_state *st, FILE *f)
{
	struct update_info *up = st->up;
	size_t i, k, npatches = 0;

	fputs("// SPDX-License-Identifier: GPL-2.0\n"
	      "/* Generated by ksplice-objdiff: the update's new-code module. */\n"
	      "#include <linux/module.h>\n"
	      "#include \"ksplice-format.h\"\n\n", f);
	for (i = 0; i < up->nops; i++)
		for (k = 0; k < up->ops[i].npost; k++) {
			struct unit *u = &up->ops[i].post_units[k];
			char *label;

			if (!u->include)
				continue;
			label = xasprintf("__ksplice_f%d", u->newid);
			strset_put(&st->labels, label, 1);
			free(label);
		}
	for (i = 0; i < st->labels.cap; i++)
		if (st->labels.keys[i])
			fprintf(f, "extern char %s[];\n", st->labels.keys[i]);
	fputs("\n", f);
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
	fputs("static const struct ksplice_patch patches[] = {\n", f);
	for (i = 0; i < up->nops; i++) {
		struct objpair *op = &up->ops[i];

		for (k = 0; k < op->npost; k++) {
			struct unit *u = &op->post_units[k];

			if (!u->include || !u->match || u->parent)
				continue;
			fprintf(f, "\t{ .section = %d, .new_code = __ksplice_f%d },\t/* %s %s */\n",
				u->match->helper_idx, u->newid, op->name,
				u->name);
			npatches++;
		}
	}
	fputs("};\n\n", f);
	emit_code_ranges(up, f);
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
	fputs("\t.owner = THIS_MODULE,\n};\n\n"
	      "static int __init ksplice_new_init(void)\n{\n"
	      "\treturn ksplice_register_new(&ksplice_new);\n}\n\n"
	      "static void __exit ksplice_new_exit(void)\n{\n"
	      "\tksplice_unregister_new(&ksplice_new);\n}\n\n"
	      "module_init(ksplice_new_init);\n"
	      "module_exit(ksplice_new_exit);\n"
	      "MODULE_LICENSE(\"GPL\");\n", f);
}

static void reset_state(struct new_state *st)
{
	size_t i;

	for (i = 0; i < st->nrecs; i++)
		free(st->recs[i].label);
	st->nrecs = 0;
	st->ncopies = 0;
	strset_init(&st->labels);
}

void emit_new(struct update_info *up, FILE *code, FILE *desc)
{
	struct new_state st;
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		fatal(EXIT_ERROR, "cannot open /dev/null");
	memset(&st, 0, sizeof(st));
	st.up = up;
	strset_init(&st.extnames);
	name_units(&st, false);
	emit_code(&st, null);
	fclose(null);
	reset_state(&st);
	name_units(&st, true);
	emit_code(&st, code);
	emit_desc(&st, desc);
}
