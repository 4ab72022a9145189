/* SPDX-License-Identifier: GPL-2.0 */
/*
 * correlate.h - pair the numbered local statics of the pre and the post
 * object.  GCC names a function-local static "name.N", with N counted
 * per translation unit in order of appearance, so a patch that adds or
 * removes one renumbers every later one ("__key.4" in post is then pre's
 * "__key.3").  Comparing such symbols by name would report every later
 * function that uses one as changed.
 */
#ifndef OBJDIFF_CORRELATE_H
#define OBJDIFF_CORRELATE_H

#include <stdbool.h>

#include "units.h"

/* A defined local data object whose name ends in ".<digits>". */
bool sym_is_numbered(const struct ksym *sym);

/*
 * Set ksym.twin of the numbered statics of op->pre and op->post that
 * correspond: first by the evidence of the relocations of the functions
 * present in both versions, then, for the rest, by order within the same
 * base name when both versions have as many of them.  Call after
 * units_build().
 */
void correlate_statics(struct objpair *op);

/*
 * Do symbol a of the pre object and symbol b of the post object stand
 * for the same thing?  Numbered statics correspond only through their
 * twin; other symbols by name.
 */
bool sym_same(const struct ksym *a, const struct ksym *b);

/* The name the running kernel knows a symbol of op->post by. */
const char *sym_pre_name(const struct objpair *op, const struct ksym *sym);

#endif /* OBJDIFF_CORRELATE_H */
