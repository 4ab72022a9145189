/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tables.h - compare a function's entries in the kernel's tables: bug
 * table, exception table, jump labels, static calls, alternatives (with
 * their replacement code), paravirt sites, kprobe blacklist and error
 * injection list.  A WARN_ON that became WARN_ON_ONCE, a jump label's
 * new key or branch, an alternative's new feature bit or a new
 * NOKPROBE_SYMBOL show only there.
 */
#ifndef OBJDIFF_TABLES_H
#define OBJDIFF_TABLES_H

#include "diff.h"
#include "units.h"

/* Index the table entries of both objects of op by owning unit. */
void tables_index(struct objpair *op);

/* Compare the table entries of pre unit u and post unit m. */
enum cmp tables_compare(struct objpair *op, struct unit *u, struct unit *m,
			const struct linemap *lines);

#endif /* OBJDIFF_TABLES_H */
