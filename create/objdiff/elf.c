// SPDX-License-Identifier: GPL-2.0
/*
 * elf.c - read an ELF relocatable object through libbfd.
 */
#define PACKAGE "ksplice-objdiff"
#define PACKAGE_VERSION "1"
#include <bfd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "util.h"

/*
 * libbfd does not install elf-bfd.h, whose elf_symbol_type carries the
 * ELF size and type of a symbol.  Every asymbol of an ELF bfd is the
 * head of that structure; mirror its first fields (binutils 2.40).
 * obj_load checks that the mirrored value agrees with the asymbol.
 */
struct elf_sym_mirror {
	asymbol symbol;
	struct {
		bfd_vma st_value;
		bfd_vma st_size;
		unsigned long st_name;
		unsigned char st_info;
		unsigned char st_other;
		unsigned char st_target_internal;
		unsigned int st_shndx;
	} internal;
};

static bool bfd_ready;

static const char *bfd_msg(void)
{
	return bfd_errmsg(bfd_get_error());
}

unsigned int rel_size(unsigned int type)
{
	return ksplice_reloc_field_size(type);
}

bool rel_is_pcrel(unsigned int type)
{
	return ksplice_reloc_is_pcrel(type);
}

/* x86 opcodes of a direct branch with a 32-bit displacement */
#define OP_CALL		0xe8
#define OP_JMP		0xe9
#define OP_JCC_0	0x0f	/* 0f 80..8f: jcc */

static bool rel_follows(const struct ksec *sec, const struct krel *r,
			bool calls)
{
	const unsigned char *d = sec->data;

	if (!rel_is_pcrel(r->type) || rel_size(r->type) != 4 || sec->nobits)
		return false;
	if (r->off >= 1 && (d[r->off - 1] == OP_JMP ||
			    (calls && d[r->off - 1] == OP_CALL)))
		return true;
	return r->off >= 2 && d[r->off - 2] == OP_JCC_0 &&
	       (d[r->off - 1] & 0xf0) == 0x80;
}

bool rel_is_branch(const struct ksec *sec, const struct krel *r)
{
	return rel_follows(sec, r, true);
}

bool rel_is_jump(const struct ksec *sec, const struct krel *r)
{
	return rel_follows(sec, r, false);
}

const char *rel_name(unsigned int type)
{
	switch (type) {
	case R_64:
		return "64";
	case R_PC32:
		return "PC32";
	case R_PLT32:
		return "PLT32";
	case R_32:
		return "32";
	case R_32S:
		return "32S";
	case R_PC64:
		return "PC64";
	}
	return NULL;
}

bool sym_is_func(const struct ksym *sym)
{
	return sym->type == ST_FUNC && sym->sec && sym->size && sym->sec->code;
}

bool sym_is_data(const struct ksym *sym)
{
	return sym->type == ST_OBJECT && sym->sec && sym->sec->alloc &&
	       !sym->sec->code;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct krel *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int cmp_symp(const void *a, const void *b)
{
	const struct ksym *x = *(struct ksym * const *)a;
	const struct ksym *y = *(struct ksym * const *)b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/* functions and objects before labels at the same place */
	return (y->type == ST_FUNC || y->type == ST_OBJECT) -
	       (x->type == ST_FUNC || x->type == ST_OBJECT);
}

static void load_sections(bfd *abfd, struct kobj *obj)
{
	asection *bs;

	obj->nsecs = bfd_count_sections(abfd);
	obj->secs = xcalloc(obj->nsecs, sizeof(*obj->secs));
	for (bs = abfd->sections; bs; bs = bs->next) {
		struct ksec *sec = &obj->secs[bs->index];
		flagword fl = bfd_section_flags(bs);

		sec->obj = obj;
		sec->name = xstrdup(bfd_section_name(bs));
		sec->size = bfd_section_size(bs);
		sec->alloc = fl & SEC_ALLOC;
		sec->writable = !(fl & SEC_READONLY) && (fl & SEC_ALLOC);
		sec->code = fl & SEC_CODE;
		sec->merge = fl & SEC_MERGE;
		sec->strings = fl & SEC_STRINGS;
		sec->entsize = bs->entsize;
		sec->align_pow = bs->alignment_power;
		sec->nobits = !(fl & SEC_HAS_CONTENTS);
		sec->data = xcalloc(1, sec->size + 1);
		if (!sec->nobits && sec->size &&
		    !bfd_get_section_contents(abfd, bs, sec->data, 0,
					      sec->size))
			fatal(EXIT_ERROR, "%s: cannot read section %s: %s",
			      obj->path, sec->name, bfd_msg());
	}
}

static void load_symbols(struct kobj *obj, asymbol **bsyms, long n)
{
	long i;

	obj->nsyms = n;
	obj->syms = xcalloc(n, sizeof(*obj->syms));
	for (i = 0; i < n; i++) {
		asymbol *as = bsyms[i];
		struct elf_sym_mirror *es = (struct elf_sym_mirror *)as;
		struct ksym *sym = &obj->syms[i];
		unsigned char info = es->internal.st_info;

		as->udata.i = i;
		sym->name = as->name ? as->name : "";
		sym->type = info & 0xf;
		sym->bind = info >> 4;
		sym->value = as->value;
		sym->size = es->internal.st_size;
		if (es->internal.st_value != as->value &&
		    !bfd_is_com_section(as->section))
			fatal(EXIT_ERROR, "%s: libbfd symbol layout not understood (symbol %s)",
			      obj->path, sym->name);
		if (bfd_is_und_section(as->section) ||
		    bfd_is_abs_section(as->section) ||
		    bfd_is_com_section(as->section))
			continue;
		sym->sec = &obj->secs[as->section->index];
		if (as->flags & BSF_SECTION_SYM)
			sym->type = ST_SECTION;
	}
}

static void index_symbols(struct kobj *obj)
{
	size_t i;

	for (i = 0; i < obj->nsyms; i++) {
		struct ksym *sym = &obj->syms[i];
		struct ksec *sec = sym->sec;

		if (!sec || sym->type == ST_SECTION || sym->type == ST_FILE ||
		    !sym->name[0] || starts_with(sym->name, ".L"))
			continue;
		sec->syms = xrealloc(sec->syms,
				     (sec->nsyms + 1) * sizeof(*sec->syms));
		sec->syms[sec->nsyms++] = sym;
	}
	for (i = 0; i < obj->nsecs; i++) {
		struct ksec *sec = &obj->secs[i];

		qsort(sec->syms, sec->nsyms, sizeof(*sec->syms), cmp_symp);
	}
}

static void load_relocs(bfd *abfd, struct kobj *obj, asymbol **bsyms)
{
	asection *bs;

	for (bs = abfd->sections; bs; bs = bs->next) {
		struct ksec *sec = &obj->secs[bs->index];
		long size = bfd_get_reloc_upper_bound(abfd, bs);
		arelent **rp;
		long n, i, k;

		if (size < 0)
			fatal(EXIT_ERROR, "%s: cannot read relocations of %s: %s",
			      obj->path, sec->name, bfd_msg());
		rp = xmalloc(size);
		n = bfd_canonicalize_reloc(abfd, bs, rp, bsyms);
		if (n < 0)
			fatal(EXIT_ERROR, "%s: cannot read relocations of %s: %s",
			      obj->path, sec->name, bfd_msg());
		sec->rels = xcalloc(n ? n : 1, sizeof(*sec->rels));
		for (i = 0, k = 0; i < n; i++) {
			arelent *r = rp[i];
			struct krel *kr = &sec->rels[k];
			asymbol *as = *r->sym_ptr_ptr;

			if (!r->howto)
				fatal(EXIT_ERROR, "%s: section %s: unknown relocation type at offset 0x%lx",
				      obj->path, sec->name,
				      (unsigned long)r->address);
			/*
			 * R_X86_64_NONE writes nothing: objtool leaves one
			 * where it turned a jump label's jmp into a NOP.
			 */
			if (r->howto->type == R_NONE)
				continue;
			k++;
			kr->off = r->address;
			kr->type = r->howto->type;
			kr->addend = r->addend;
			kr->bias = rel_size(kr->type);
			if (bfd_is_abs_section(as->section) &&
			    as == bfd_abs_section_ptr->symbol)
				fatal(EXIT_ERROR, "%s: section %s: relocation without symbol at 0x%lx",
				      obj->path, sec->name, kr->off);
			kr->sym = &obj->syms[as->udata.i];
		}
		sec->nrels = k;
		qsort(sec->rels, k, sizeof(*sec->rels), cmp_rel);
		free(rp);
	}
}

struct kobj *obj_load(const char *path, const char *name)
{
	struct kobj *obj = xcalloc(1, sizeof(*obj));
	asymbol **bsyms;
	long size, n;
	bfd *abfd;

	if (!bfd_ready) {
		bfd_init();
		bfd_ready = true;
	}
	obj->path = xstrdup(path);
	obj->name = xstrdup(name);
	abfd = bfd_openr(path, NULL);
	if (!abfd)
		fatal(EXIT_ERROR, "%s: cannot open: %s", path, bfd_msg());
	if (!bfd_check_format(abfd, bfd_object))
		fatal(EXIT_ERROR, "%s: not an object file: %s", path,
		      bfd_msg());
	if (bfd_get_flavour(abfd) != bfd_target_elf_flavour ||
	    bfd_get_arch(abfd) != bfd_arch_i386 ||
	    bfd_arch_bits_per_address(abfd) != 64)
		fatal(EXIT_ERROR, "%s: not an x86-64 ELF object", path);
	if (bfd_get_file_flags(abfd) & (EXEC_P | DYNAMIC))
		fatal(EXIT_ERROR, "%s: not a relocatable object", path);
	load_sections(abfd, obj);
	size = bfd_get_symtab_upper_bound(abfd);
	if (size < 0)
		fatal(EXIT_ERROR, "%s: cannot read symbols: %s", path,
		      bfd_msg());
	bsyms = xmalloc(size);
	n = bfd_canonicalize_symtab(abfd, bsyms);
	if (n < 0)
		fatal(EXIT_ERROR, "%s: cannot read symbols: %s", path,
		      bfd_msg());
	load_symbols(obj, bsyms, n);
	index_symbols(obj);
	load_relocs(abfd, obj, bsyms);
	/* keep abfd open: symbol names and section names live in it */
	return obj;
}

struct ksec *sec_find(const struct kobj *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->nsecs; i++)
		if (!strcmp(obj->secs[i].name, name))
			return &obj->secs[i];
	return NULL;
}

struct ksym *sym_find(const struct kobj *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->nsyms; i++) {
		struct ksym *sym = &obj->syms[i];

		if (sym->sec && sym->type != ST_SECTION &&
		    !strcmp(sym->name, name))
			return sym;
	}
	return NULL;
}

size_t rels_in(const struct ksec *sec, unsigned long start,
	       unsigned long end, size_t *first)
{
	size_t lo = 0, hi = sec->nrels, i;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sec->rels[mid].off < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (i = lo; i < sec->nrels && sec->rels[i].off < end; i++)
		;
	return i - lo;
}

void fill_fields(const struct ksec *sec, unsigned long start,
		 unsigned long size, unsigned char *buf, unsigned char byte)
{
	size_t first, n, i;

	n = rels_in(sec, start, start + size, &first);
	for (i = first; i < first + n; i++) {
		const struct krel *r = &sec->rels[i];
		unsigned long off = r->off - start, k;

		for (k = 0; k < rel_size(r->type) && off + k < size; k++)
			buf[off + k] = byte;
	}
}

struct ksym *sym_containing(const struct ksec *sec, unsigned long off)
{
	struct ksym *best = NULL;
	size_t i;

	for (i = 0; i < sec->nsyms; i++) {
		struct ksym *s = sec->syms[i];

		if (s->type != ST_FUNC && s->type != ST_OBJECT)
			continue;
		if (off >= s->value && off < s->value + s->size &&
		    (!best || s->size < best->size))
			best = s;
	}
	return best;
}
