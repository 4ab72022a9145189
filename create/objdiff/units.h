/* SPDX-License-Identifier: GPL-2.0 */
/*
 * units.h - functions as units of comparison, and the pairs of pre and
 * post objects they come from.
 */
#ifndef OBJDIFF_UNITS_H
#define OBJDIFF_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "elf.h"
#include "lines.h"

struct tables;

/* What the update does with a unit: see the table in plan.h. */
enum fate {
	FATE_UNCHANGED,
	FATE_REPLACED,
	FATE_NEW,
	FATE_VANISHED,
	FATE_NO_EFFECT,
	FATE_REFUSED,
};

/* How a variable of the post object compares with pre (diff.c). */
enum data_diff {
	DD_NONE,		/* not a variable of the running kernel */
	DD_SAME,
	DD_NEW,			/* no counterpart in pre */
	DD_CHANGED,		/* its initial value differs */
};

/* What the update does with a variable of the post object (plan.h). */
enum data_fate {
	DFATE_UNCHANGED,
	DFATE_NEW,
	DFATE_NEWVALUE,		/* read-only, written in place (values.c) */
	DFATE_REFUSED,
};

struct rewrite;		/* special.h */

struct unit {
	struct ksym *sym;
	struct ksec *sec;
	const char *name;
	unsigned long start;
	unsigned long size;
	struct unit *match;	/* same name in the other version */
	struct unit *parent;	/* a .cold part: its function */
	struct unit *cold;	/* the function's .cold part */
	bool changed;		/* pre and post: code or table entries differ */
	enum fate fate;		/* plan.c */
	int newid;		/* post: N of __ksplice_fN, or -1 */
	int helper_idx;		/* pre: index in the helper's sections */
	const char *asm_name;	/* post: unique name in new-code.S */
	bool address_taken;	/* post, new: code or data of the update
				 * stores its address (plan.c) */
	struct rewrite *rewrites;	/* helper: its windows (plan.c) */
	size_t nrewrites;
};

struct objpair {
	const char *name;
	const char *target;	/* the module it is linked into, or NULL */
	struct kobj *pre;
	struct kobj *post;
	struct linemap *lines;
	struct unit *pre_units;
	size_t npre;
	struct unit *post_units;
	size_t npost;
	/*
	 * The pre object the helper is made from: pre itself, or the same
	 * source built as the kernel builds it (without -ffunction-sections,
	 * so that a jump to a neighbouring function has the running kernel's
	 * short form).  Its units are pre_units, or units of their own.
	 */
	struct kobj *hobj;
	struct unit *helper_units;
	size_t nhelper;
	bool need_kernel_pre;	/* hobj is pre, and a jump may differ */
	/*
	 * The same objects built with __LINE__ pinned, or NULL: they decide
	 * differences that may be only moved __LINE__ values.
	 */
	struct objpair *pinned;
	bool need_pinned;	/* such a difference, and no pinned objects */
	const char *post_symvers;	/* post's Kbuild .cmd lines "#SYMVER
					 * name crc", or NULL */
	struct tables *tables;	/* table entries by unit (tables.c) */
	enum data_diff *data_diff;	/* per post symbol (diff.c) */
	enum data_fate *data_fate;	/* per post symbol (plan.c) */
	/* tables ksplice does not know (DATA_UNKNOWN) that differ (diff.c) */
	const char **changed_tables;
	size_t nchanged_tables;
};

/* Find the units of both objects and pair them by name. */
void units_build(struct objpair *op);

/* The unit of units containing sec+off; at_end also accepts its end. */
struct unit *unit_at(struct unit *units, size_t n, const struct ksec *sec,
		     unsigned long off, bool at_end);
struct unit *unit_by_name(struct unit *units, size_t n, const char *name);

/* "foo.cold" or "foo.cold.3": a cold part. */
bool name_is_cold(const char *name);

#endif /* OBJDIFF_UNITS_H */
