/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elf.h - the libbfd layer: an object file as sections, symbols and
 * relocations sorted by offset.
 */
#ifndef OBJDIFF_ELF_H
#define OBJDIFF_ELF_H

#include <stdbool.h>
#include <stddef.h>

#include "ksplice-format.h"

/* Relocation types of x86-64: the ELF numbers, which the format uses. */
#define R_NONE		0
#define R_64		KSPLICE_R_64
#define R_PC32		KSPLICE_R_PC32
#define R_PLT32		KSPLICE_R_PLT32
#define R_32		KSPLICE_R_32
#define R_32S		KSPLICE_R_32S
#define R_PC64		KSPLICE_R_PC64

/* ELF symbol types and bindings that matter here. */
#define ST_NOTYPE	0
#define ST_OBJECT	1
#define ST_FUNC		2
#define ST_SECTION	3
#define ST_FILE		4
#define SB_LOCAL	0
#define SB_GLOBAL	1
#define SB_WEAK		2

struct kobj;
struct ksec;

struct ksym {
	const char *name;
	struct ksec *sec;		/* NULL: undefined */
	unsigned long value;
	unsigned long size;
	unsigned char type;		/* ST_* */
	unsigned char bind;		/* SB_* */
	struct ksym *twin;		/* correlated numbered static of the
					 * other version (correlate.h) */
};

struct krel {
	unsigned long off;
	unsigned int type;		/* R_* */
	struct ksym *sym;
	long addend;
	/*
	 * PC-relative fields in code: bytes from the field to the end of
	 * its instruction (4, or more when an immediate follows: the target
	 * is then sym + addend + bias).  Set by insn_annotate().
	 */
	unsigned int bias;
	/*
	 * Code only: the field is the displacement of a memory operand that
	 * the instruction reads or writes ("incl var(%rip)"), so the code
	 * uses what is there, not the address itself ("lea var(%rip)" or
	 * "mov $var" hand the address on).  Set by insn_annotate(); false
	 * where the code was not decoded.
	 */
	bool access;
};

struct ksec {
	struct kobj *obj;
	const char *name;
	unsigned long size;
	unsigned char *data;		/* zeroes for NOBITS */
	bool nobits;
	bool alloc;
	bool writable;
	bool code;
	bool merge;
	bool strings;
	unsigned long entsize;
	unsigned int align_pow;
	struct krel *rels;		/* sorted by off */
	size_t nrels;
	struct ksym **syms;		/* named symbols, sorted by value */
	size_t nsyms;
};

struct kobj {
	const char *name;		/* path in the kernel tree */
	const char *path;		/* file read */
	const char *target;		/* module it is linked into, or NULL */
	struct ksec *secs;
	size_t nsecs;
	struct ksym *syms;
	size_t nsyms;
};

/* Load an object; exits with status 1 and a message on failure. */
struct kobj *obj_load(const char *path, const char *name);

struct ksec *sec_find(const struct kobj *obj, const char *name);
struct ksym *sym_find(const struct kobj *obj, const char *name);

/* Relocations of sec with offset in [start, end): *first and count. */
size_t rels_in(const struct ksec *sec, unsigned long start,
	       unsigned long end, size_t *first);

/*
 * Set to byte every byte of buf (which holds [start, start+size) of sec)
 * that a relocation field of sec covers.
 */
void fill_fields(const struct ksec *sec, unsigned long start,
		 unsigned long size, unsigned char *buf, unsigned char byte);

/* Size of the field a relocation of this type writes; 0 if unknown. */
unsigned int rel_size(unsigned int type);
bool rel_is_pcrel(unsigned int type);
const char *rel_name(unsigned int type);
/*
 * Is r, a relocation of code in sec, the displacement of a direct call,
 * jmp or jcc (rel_is_branch), or of a jmp or jcc (rel_is_jump)?  A
 * PC-relative field after such an opcode byte cannot be a RIP-relative
 * operand, whose ModRM byte is never one of them.
 */
bool rel_is_branch(const struct ksec *sec, const struct krel *r);
bool rel_is_jump(const struct ksec *sec, const struct krel *r);

bool sym_is_func(const struct ksym *sym);
bool sym_is_data(const struct ksym *sym);

/* The named FUNC/OBJECT symbol of sec containing off, or NULL. */
struct ksym *sym_containing(const struct ksec *sec, unsigned long off);

#endif /* OBJDIFF_ELF_H */
