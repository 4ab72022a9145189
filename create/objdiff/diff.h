/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diff.h - compare the units and data of a pre and a post object.
 */
#ifndef OBJDIFF_DIFF_H
#define OBJDIFF_DIFF_H

#include "units.h"

/*
 * Compare op, mark changed units, the units to carry as new code and the
 * pre units to flag replaced.  Exits with status 4 on a change that is
 * not supported.  Returns the number of changed or added units.
 */
size_t diff_objpair(struct objpair *op);

/* Sections whose objects the new code gets a fresh copy of. */
bool sec_is_fresh(const struct ksec *sec);

#endif /* OBJDIFF_DIFF_H */
