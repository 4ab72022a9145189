// SPDX-License-Identifier: GPL-2.0
/*
 * emit-helper.c - the helper module's source: the pre code of every
 * function of the touched objects, with relocation and rewrite records,
 * and the table of every symbol the update refers to.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "special.h"
#include "target.h"

const char *ksplice_rel_macro(unsigned int type)
{
	switch (type) {
	case R_64:
		return "KSPLICE_R_64";
	case R_PC32:
		return "KSPLICE_R_PC32";
	case R_PLT32:
		return "KSPLICE_R_PLT32";
	case R_32:
		return "KSPLICE_R_32";
	case R_32S:
		return "KSPLICE_R_32S";
	case R_PC64:
		return "KSPLICE_R_PC64";
	}
	return NULL;
}

static void put_bytes(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s0x%02x,%s", i % 12 ? " " : "\t", p[i],
			i % 12 == 11 || i == n - 1 ? "\n" : "");
}

static void check_type(const struct objpair *op, const struct unit *u,
		       const struct krel *r)
{
	if (!ksplice_rel_macro(r->type))
		fatal(EXIT_ERROR, "%s: function %s: unsupported relocation type %u at offset 0x%lx",
		      op->name, u->name, r->type, r->off - u->start);
}

static void emit_code(FILE *f, struct objpair *op, struct unit *u)
{
	unsigned char *code = xmalloc(u->size);
	size_t first, n, i;

	memcpy(code, u->sec->data + u->start, u->size);
	n = rels_in(u->sec, u->start, u->start + u->size, &first);
	for (i = first; i < first + n; i++)
		check_type(op, u, &u->sec->rels[i]);
	fill_fields(u->sec, u->start, u->size, code, 0);
	fprintf(f, "static const unsigned char code_%d[] = {\n",
		u->helper_idx);
	put_bytes(f, code, u->size);
	fputs("};\n\n", f);
	free(code);
}

/*
 * The bytes each relocation of u to anonymous read-only data must find in
 * the running kernel, as arrays content_<section>_<relocation>.
 */
static void emit_contents(FILE *f, struct unit *u, size_t first, size_t n)
{
	const unsigned char *bytes;
	struct target t;
	size_t i, len;
	long off;

	for (i = 0; i < n; i++) {
		const struct krel *r = &u->sec->rels[first + i];

		target_resolve(r, true, &t);
		if (!target_check_bytes(r, &t, &bytes, &len, &off))
			continue;
		fprintf(f, "/* %s+0x%lx */\n", t.sec->name,
			(unsigned long)(bytes - t.sec->data));
		fprintf(f, "static const unsigned char content_%d_%zu[] = {\n",
			u->helper_idx, i);
		put_bytes(f, bytes, len);
		fputs("};\n\n", f);
	}
}

static void put_content_fields(FILE *f, const struct plan *plan,
			       const struct unit *u, const struct krel *r,
			       size_t i)
{
	const unsigned char *bytes;
	unsigned int sym;
	struct target t;
	size_t len;
	long off;

	target_resolve(r, true, &t);
	if (!target_check_bytes(r, &t, &bytes, &len, &off))
		return;
	/* a string the new code takes: its symbol stands for its start */
	if (plan_string_symbol(plan, r, &sym))
		off = 0;
	fprintf(f, ",\n\t  .content = content_%d_%zu, .content_len = %zu, .content_off = %ld",
		u->helper_idx, i, len, off);
}

/* One relocation record: place, symbol, addend, type. */
static void put_reloc(FILE *f, const struct plan *plan, struct objpair *op,
		      const struct krel *r, unsigned long place)
{
	unsigned int sym = KSPLICE_NO_SYMBOL;
	long addend = r->addend;
	struct target t;

	target_resolve(r, true, &t);
	if (t.sym) {
		sym = plan_helper_symbol(plan, op, t.sym);
		addend = t.addend;
	} else if (plan_string_symbol(plan, r, &sym)) {
		/* the field decodes to the string's start (strings.c) */
		addend = t.coff;
	}
	fprintf(f, "\t{ .place = 0x%lx, .addend = %ld, .symbol = ", place,
		addend);
	if (sym == KSPLICE_NO_SYMBOL)
		fputs("KSPLICE_NO_SYMBOL", f);
	else
		fprintf(f, "%u", sym);
	fprintf(f, ", .type = %s", ksplice_rel_macro(r->type));
}

static size_t emit_relocs(FILE *f, const struct plan *plan,
			  struct objpair *op, struct unit *u)
{
	size_t first, n, i;

	n = rels_in(u->sec, u->start, u->start + u->size, &first);
	if (!n)
		return 0;
	emit_contents(f, u, first, n);
	fprintf(f, "static const struct ksplice_reloc relocs_%d[] = {\n",
		u->helper_idx);
	for (i = 0; i < n; i++) {
		const struct krel *r = &u->sec->rels[first + i];

		put_reloc(f, plan, op, r, r->off - u->start);
		put_content_fields(f, plan, u, r, i);
		fputs(" },\n", f);
	}
	fputs("};\n\n", f);
	return n;
}

/* The bytes and relocations of alternative replacement i of unit u. */
static void emit_repl(FILE *f, const struct plan *plan, struct objpair *op,
		      const struct unit *u, const struct rewrite *w, size_t i)
{
	size_t first, n, k;

	fprintf(f, "static const unsigned char repl_%d_%zu[] = {\n",
		u->helper_idx, i);
	if (w->repl_len)
		put_bytes(f, w->repl, w->repl_len);
	else
		fputs("\t0\n", f);
	fputs("};\n\n", f);
	n = rewrite_repl_rels(w, &first);
	if (!n)
		return;
	fprintf(f, "static const struct ksplice_reloc repl_relocs_%d_%zu[] = {\n",
		u->helper_idx, i);
	for (k = first; k < first + n; k++) {
		const struct krel *r = &w->repl_sec->rels[k];

		put_reloc(f, plan, op, r, r->off - w->repl_off);
		fputs(" },\n", f);
	}
	fputs("};\n\n", f);
}

static void put_rewrite(FILE *f, const struct unit *u,
			const struct rewrite *w, size_t i)
{
	size_t first, n;

	fprintf(f, "\t{ .offset = 0x%x, .len = %u, .kind = %u",
		w->offset, w->len, w->kind);
	if (w->repl)
		fprintf(f, ", .repl_len = %u, .repl = repl_%d_%zu",
			w->repl_len, u->helper_idx, i);
	n = rewrite_repl_rels(w, &first);
	if (n)
		fprintf(f, ",\n\t  .repl_relocs = repl_relocs_%d_%zu, .nr_repl_relocs = %zu",
			u->helper_idx, i, n);
	if (w->has_target)
		fprintf(f, ", .flags = KSPLICE_RWF_TARGET, .target = 0x%lx",
			w->target);
	else if (w->kind == KSPLICE_RW_PARAVIRT)
		fprintf(f, ", .target = %lu", w->target);
	fputs(" },\n", f);
}

static size_t emit_rewrites(FILE *f, const struct plan *plan,
			    struct objpair *op, struct unit *u)
{
	struct rewrite *rw = u->rewrites;
	size_t n = u->nrewrites, i;

	for (i = 0; i < n; i++)
		if (rw[i].repl)
			emit_repl(f, plan, op, u, &rw[i], i);
	if (n) {
		fprintf(f, "static const struct ksplice_rewrite rewrites_%d[] = {\n",
			u->helper_idx);
		for (i = 0; i < n; i++)
			put_rewrite(f, u, &rw[i], i);
		fputs("};\n\n", f);
	}
	return n;
}

/*
 * From u's start to the next symbol of its section that the link keeps
 * (not a weak function, which another object may override), or to the
 * section's end: 0 when that is u's own end.
 */
static unsigned long unit_extent(const struct unit *u)
{
	const struct ksec *sec = u->sec;
	unsigned long end = sec->size;
	size_t i;

	for (i = 0; i < sec->nsyms; i++) {
		const struct ksym *s = sec->syms[i];

		if (s->value < u->start + u->size || !s->name[0] ||
		    (s->type != ST_FUNC && s->type != ST_NOTYPE))
			continue;
		if (s->bind == SB_WEAK && s->type == ST_FUNC)
			continue;
		end = s->value;
		break;
	}
	return end > u->start + u->size ? end - u->start : 0;
}

static void emit_section_entry(FILE *f, const struct plan *plan,
			       struct objpair *op, struct unit *u,
			       size_t nrel, size_t nrw)
{
	fputs("\t{\n\t\t.name = \"", f);
	put_c_string(f, u->name);
	fputs("\",\n\t\t.object = \"", f);
	put_c_string(f, op->name);
	if (op->target) {
		fputs("\",\n\t\t.target = \"", f);
		put_c_string(f, op->target);
	}
	fprintf(f, "\",\n\t\t.code = code_%d,\n\t\t.size = %lu,\n",
		u->helper_idx, u->size);
	if (unit_extent(u))
		fprintf(f, "\t\t.extent = %lu,\n", unit_extent(u));
	if (nrel)
		fprintf(f, "\t\t.relocs = relocs_%d,\n\t\t.nr_relocs = %zu,\n",
			u->helper_idx, nrel);
	if (nrw)
		fprintf(f, "\t\t.rewrites = rewrites_%d,\n\t\t.nr_rewrites = %zu,\n",
			u->helper_idx, nrw);
	fprintf(f, "\t\t.symbol = %u,\n", plan_helper_symbol(plan, op, u->sym));
	fprintf(f, "\t\t.flags = %s%s,\n\t},\n",
		unit_checked(u) ? "KSPLICE_SECT_REPLACED" : "0",
		u->sym->bind == SB_WEAK ? " | KSPLICE_SECT_WEAK" : "");
}

static void emit_symbols(const struct plan *plan, FILE *f)
{
	const struct hsym *hsyms = plan->hsyms;
	size_t i;

	fputs("static struct ksplice_symbol symbols[] = {\n", f);
	for (i = 0; i < plan->nhsyms; i++) {
		fputs("\t{ .name = \"", f);
		put_c_string(f, hsyms[i].name);
		if (hsyms[i].object) {
			fputs("\", .object = \"", f);
			put_c_string(f, hsyms[i].object);
		}
		if (hsyms[i].target) {
			fputs("\", .target = \"", f);
			put_c_string(f, hsyms[i].target);
		}
		fputs("\"", f);
		if (hsyms[i].object && hsyms[i].needed)
			fputs(", .flags = KSPLICE_SYM_LOCAL | KSPLICE_SYM_NEEDED", f);
		else if (hsyms[i].object)
			fputs(", .flags = KSPLICE_SYM_LOCAL", f);
		else if (hsyms[i].needed)
			fputs(", .flags = KSPLICE_SYM_NEEDED", f);
		if (hsyms[i].content)
			fputs(" | KSPLICE_SYM_CONTENT", f);
		if (hsyms[i].group)
			fprintf(f, ", .group = %d, .group_off = %#lx",
				hsyms[i].group, hsyms[i].group_off);
		fputs(" },", f);
		fprintf(f, "\t/* %zu */\n", i);
	}
	fputs("};\n\n", f);
}

static void put_string_field(FILE *f, const char *field, const char *s)
{
	fprintf(f, "\t.%s = \"", field);
	put_c_string(f, s);
	fputs("\",\n", f);
}

void emit_helper(const struct update_info *up, FILE *f)
{
	const struct plan *plan = up->plan;
	size_t *nrel, *nrw, total = 0, i, k, j = 0;
	FILE *body = tmpfile();
	int c;

	if (!body)
		fatal(EXIT_ERROR, "cannot create a temporary file");
	for (i = 0; i < plan->nops; i++)
		total += plan->ops[i].nhelper;
	nrel = xcalloc(total, sizeof(*nrel));
	nrw = xcalloc(total, sizeof(*nrw));
	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->nhelper; k++) {
			struct unit *u = &op->helper_units[k];

			if (u->helper_idx < 0)
				continue;
			emit_code(body, op, u);
			nrel[u->helper_idx] = emit_relocs(body, plan, op, u);
			nrw[u->helper_idx] = emit_rewrites(body, plan, op, u);
			j++;
		}
	}
	fputs("static const struct ksplice_section sections[] = {\n", body);
	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->nhelper; k++) {
			struct unit *u = &op->helper_units[k];

			if (u->helper_idx >= 0)
				emit_section_entry(body, plan, op, u,
						   nrel[u->helper_idx],
						   nrw[u->helper_idx]);
		}
	}
	fputs("};\n\n", body);

	fputs("// SPDX-License-Identifier: GPL-2.0\n"
	      "/* Generated by ksplice-objdiff: the update's helper module. */\n"
	      "#include <linux/module.h>\n"
	      "#include \"ksplice-format.h\"\n\n", f);
	emit_symbols(plan, f);
	rewind(body);
	while ((c = getc(body)) != EOF)
		putc(c, f);
	fclose(body);
	fputs("static struct ksplice_helper helper = {\n"
	      "\t.format = KSPLICE_FORMAT_VERSION,\n", f);
	put_string_field(f, "id", up->id);
	put_string_field(f, "kernel_release", up->release);
	fprintf(f, "\t.symbols = symbols,\n\t.nr_symbols = ARRAY_SIZE(symbols),\n"
		"\t.sections = sections,\n\t.nr_sections = %zu,\n"
		"\t.owner = THIS_MODULE,\n};\n\n", j);
	fputs("static int __init ksplice_helper_init(void)\n{\n"
	      "\treturn ksplice_register_helper(&helper);\n}\n\n"
	      "static void __exit ksplice_helper_exit(void)\n{\n"
	      "\tksplice_unregister_helper(&helper);\n}\n\n"
	      "module_init(ksplice_helper_init);\n"
	      "module_exit(ksplice_helper_exit);\n"
	      "MODULE_LICENSE(\"GPL\");\n", f);
	free(nrel);
	free(nrw);
}
