/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diff.h - compare the units and data of a pre and a post object.
 */
#ifndef OBJDIFF_DIFF_H
#define OBJDIFF_DIFF_H

#include "units.h"

struct plan;

/* The result of comparing two ranges. */
enum cmp {
	CMP_SAME,
	CMP_LINES,	/* differ only where the line map says a __LINE__
			 * value moved */
	CMP_DIFF,
};

/*
 * Compare op: mark the units whose code or table entries differ as
 * changed (pre and post), and fill op->data_diff.  Exports removed or
 * changed are refused into plan (added ones are the plan's).  A difference that may be only moved __LINE__
 * values is decided with op->pinned, or sets op->need_pinned.
 */
void diff_objpair(struct objpair *op, struct plan *plan);

/*
 * Compare [a0, a0+asize) of sa with [b0, b0+bsize) of sb: bytes outside
 * relocation fields (with lines, a moved __LINE__ gives CMP_LINES) and
 * relocations.  in_code: PC-relative fields are biased by 4.
 */
enum cmp range_compare(const struct ksec *sa, unsigned long a0,
		       unsigned long asize, const struct ksec *sb,
		       unsigned long b0, unsigned long bsize, bool in_code,
		       const struct linemap *lines);

/* The data of pre that post data s is the new version of, or NULL. */
struct ksym *pre_counterpart(const struct objpair *op, const struct ksym *s);
/*
 * p and s, a variable and its pre counterpart, are of another kind: one is
 * writable and the other read-only, or one per-CPU and the other not.
 */
bool data_kind_differs(const struct ksym *p, const struct ksym *s);

/*
 * How obj exports name: 0 not, 1 EXPORT_SYMBOL, 2 EXPORT_SYMBOL_GPL (its
 * "__ksymtab_<name>" symbol is in a section of the GPL table).
 */
int export_kind(const struct kobj *obj, const char *name);

#endif /* OBJDIFF_DIFF_H */
