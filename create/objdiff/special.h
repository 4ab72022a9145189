/* SPDX-License-Identifier: GPL-2.0 */
/*
 * special.h - the kernel's special-section tables (x86-64, Linux 6.1):
 * their entry layouts, which entries belong to which function, and the
 * places of a function that the kernel rewrites at boot.
 */
#ifndef OBJDIFF_SPECIAL_H
#define OBJDIFF_SPECIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "units.h"

/* struct exception_table_entry: insn, fixup (s32 offsets), data (type) */
#define EXTABLE_SIZE		12
/* struct jump_entry: code, target (s32 offsets), key (long, branch bits) */
#define JUMP_ENTRY_SIZE		16
#define JUMP_ENTRY_TARGET	4
#define JUMP_ENTRY_KEY		8
/* struct static_call_site: addr, key (s32 offsets, flag bits in key) */
#define STATIC_CALL_SITE_SIZE	8
#define STATIC_CALL_SITE_KEY	4
/* struct alt_instr */
#define ALT_SIZE		12
#define ALT_REPL_OFFSET		4	/* s32: the replacement */
#define ALT_INSTRLEN		10	/* u8: length of the original */
#define ALT_REPLLEN		11	/* u8: length of the replacement */
/* struct paravirt_patch_site: instr (pointer), type, len */
#define PARA_SIZE		16
#define PARA_TYPE		8	/* u8: index of its slot in pv_ops */
#define PARA_LEN		9	/* u8: length of the site */
/* struct bug_entry (CONFIG_DEBUG_BUGVERBOSE): addr, file, line, flags */
#define BUG_ENTRY_SIZE		12
/* .retpoline_sites, .return_sites, .orc_unwind_ip: s32 offsets */
#define SITE_SIZE		4
/* struct orc_entry */
#define ORC_SIZE		6
/* __mcount_loc, _kprobe_blacklist: pointers */
#define POINTER_SIZE		8
/* struct error_injection_entry: addr, etype (int), padding */
#define EI_ENTRY_SIZE		16

struct special {
	const char *name;
	unsigned int entsize;
	const char *companion;		/* parallel table (.orc_unwind) */
	unsigned int companion_size;
	bool end_ok;			/* entries may point at a unit's end */
};

extern const struct special specials[];
extern const size_t nr_specials;

const struct special *special_find(const char *name);
/* Is name the companion table of a special table? */
bool special_companion(const char *name);

/*
 * The unit entry i of table sec belongs to (its first relocation points
 * into it), or NULL.
 */
struct unit *special_entry_unit(const struct ksec *sec,
				const struct special *sp, size_t i,
				struct unit *units, size_t n);

/*
 * The replacement of .altinstructions entry i of obj: section and offset.
 * False when the entry has no replacement relocation.
 */
bool alt_replacement(const struct ksec *alt, size_t i, struct ksec **sec,
		     unsigned long *off);

/*
 * The length of the jump-label site at p (left bytes to the unit's end):
 * 5 or 2 (a jmp or a NOP of that size).
 */
unsigned int jump_label_len(const unsigned char *p, unsigned long left);

/* Where a relocation points: section and offset (no bias). */
bool rel_place(const struct krel *r, struct ksec **sec, unsigned long *off);

struct rewrite {
	unsigned int offset;
	unsigned int len;
	unsigned int kind;
	unsigned int repl_len;		/* alternative: its replacement */
	unsigned char *repl;		/* ... relocation fields zeroed */
	const struct ksec *repl_sec;	/* ... where it is */
	unsigned long repl_off;
	bool has_target;		/* jump label: target in the unit */
	unsigned long target;		/* ... its offset in the unit;
					 * paravirt: the site's type */
};

/* The rewrites of unit u of obj, sorted, overlaps merged. */
size_t rewrites_for(struct kobj *obj, struct unit *u, struct rewrite **out);

/* The relocations of an alternative's replacement: count, first index. */
size_t rewrite_repl_rels(const struct rewrite *w, size_t *first);

#endif /* OBJDIFF_SPECIAL_H */
