// SPDX-License-Identifier: GPL-2.0
/*
 * insn.c - instruction lengths from libopcodes' x86 disassembler.
 */
#define PACKAGE "ksplice-objdiff"
#define PACKAGE_VERSION "1"
#include <bfd.h>
#include <dis-asm.h>
#include <stdarg.h>
#include <string.h>

#include "insn.h"
#include "util.h"

static int discard(void *stream, const char *fmt, ...)
{
	(void)stream;
	(void)fmt;
	return 0;
}

static int discard_styled(void *stream, enum disassembler_style style,
			  const char *fmt, ...)
{
	(void)stream;
	(void)style;
	(void)fmt;
	return 0;
}

static disassembler_ftype decoder;

static void decoder_init(struct disassemble_info *info, struct ksec *sec)
{
	init_disassemble_info(info, NULL, discard, discard_styled);
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

/* Decode [start, end) of sec; set the bias of the relocations in it. */
static void annotate_range(struct kobj *obj, struct ksec *sec,
			   struct disassemble_info *info, unsigned long start,
			   unsigned long end)
{
	unsigned long pc = start;
	size_t first, n, i;

	n = rels_in(sec, start, end, &first);
	i = first;
	while (pc < end && i < first + n) {
		int len = decoder(pc, info);
		struct krel *r;

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
		}
		pc += len;
	}
}

void insn_annotate(struct kobj *obj)
{
	struct disassemble_info info;
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
				decoder_init(&info, sec);
				ready = true;
			}
			annotate_range(obj, sec, &info, f->value,
				       f->value + f->size);
		}
	}
}
