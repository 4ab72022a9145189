// SPDX-License-Identifier: GPL-2.0
/*
 * insn.c - instruction lengths and operand kinds from libopcodes' x86
 * disassembler (AT&T syntax, read through its styled output).
 */
#define PACKAGE "ksplice-objdiff"
#define PACKAGE_VERSION "1"
#include <bfd.h>
#include <dis-asm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "insn.h"
#include "util.h"

/* What one decoded instruction printed: enough to tell its operands. */
struct insn_text {
	bool lea;		/* "lea": computes an address */
	bool immediate;		/* an operand "$..." */
};

static int discard(void *stream, const char *fmt, ...)
{
	(void)stream;
	(void)fmt;
	return 0;
}

static int note_styled(void *stream, enum disassembler_style style,
		       const char *fmt, ...)
{
	struct insn_text *it = stream;
	char text[64];
	va_list ap;

	if (style != dis_style_mnemonic && style != dis_style_immediate)
		return 0;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* "$" opens an immediate; a bare number there is a scale */
	if (style == dis_style_immediate && text[0] == '$')
		it->immediate = true;
	/* prefixes ("lock ") print as mnemonics too */
	if (style == dis_style_mnemonic && !strncmp(text, "lea", 3))
		it->lea = true;
	return 0;
}

static disassembler_ftype decoder;

static void decoder_init(struct disassemble_info *info, struct ksec *sec,
			 struct insn_text *it)
{
	init_disassemble_info(info, it, discard, note_styled);
	info->arch = bfd_arch_i386;
	info->mach = bfd_mach_x86_64;
	info->buffer = sec->data;
	info->buffer_vma = 0;
	info->buffer_length = sec->size;
	disassemble_init_for_target(info);
	if (!decoder)
		decoder = disassembler(bfd_arch_i386, false, bfd_mach_x86_64,
				       NULL);
	if (!decoder)
		fatal(EXIT_ERROR, "libopcodes has no x86-64 disassembler");
}

/*
 * A field of an instruction that ends at the instruction's end is its
 * immediate if it has one (x86 encodes the immediate last); any other is
 * a displacement, which only "lea" turns into a value.
 */
static bool field_is_access(const struct insn_text *it, const struct krel *r,
			    unsigned long end)
{
	if (it->lea)
		return false;
	return !(it->immediate && r->off + rel_size(r->type) == end);
}

/* Decode [start, end) of sec; annotate the relocations in it. */
static void annotate_range(struct kobj *obj, struct ksec *sec,
			   struct disassemble_info *info, unsigned long start,
			   unsigned long end)
{
	unsigned long pc = start;
	size_t first, n, i;

	n = rels_in(sec, start, end, &first);
	i = first;
	while (pc < end && i < first + n) {
		struct insn_text *it = info->stream;
		struct krel *r;
		int len;

		memset(it, 0, sizeof(*it));
		len = decoder(pc, info);

		if (len <= 0)
			fatal(EXIT_ERROR, "%s: %s+0x%lx: cannot decode an instruction",
			      obj->path, sec->name, pc);
		for (; i < first + n && sec->rels[i].off < pc + len; i++) {
			r = &sec->rels[i];
			if (r->off < pc || r->off + rel_size(r->type) > pc + len)
				fatal(EXIT_ERROR, "%s: %s+0x%lx: a relocation field crosses an instruction boundary",
				      obj->path, sec->name, r->off);
			if (rel_is_pcrel(r->type))
				r->bias = pc + len - r->off;
			r->access = field_is_access(it, r, pc + len);
		}
		pc += len;
	}
}

void insn_annotate(struct kobj *obj)
{
	struct disassemble_info info;
	struct insn_text it;
	size_t s, k;

	for (s = 0; s < obj->nsecs; s++) {
		struct ksec *sec = &obj->secs[s];
		bool ready = false;

		if (!sec->code || sec->nobits || !sec->nrels)
			continue;
		for (k = 0; k < sec->nsyms; k++) {
			struct ksym *f = sec->syms[k];

			if (!sym_is_func(f))
				continue;
			if (!ready) {
				decoder_init(&info, sec, &it);
				ready = true;
			}
			annotate_range(obj, sec, &info, f->value,
				       f->value + f->size);
		}
	}
}
