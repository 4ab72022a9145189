/* SPDX-License-Identifier: GPL-2.0 */
/*
 * target.h - what a relocation refers to, normalized so that the pre and
 * the post object can be compared: a named symbol plus addend (section
 * symbols replaced by an anchor), read-only data by content, or an
 * anonymous section.
 */
#ifndef OBJDIFF_TARGET_H
#define OBJDIFF_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "elf.h"

enum target_kind {
	T_NAMED,	/* sym + addend */
	T_CONTENT,	/* read-only data, compared by content */
	T_ANON,		/* writable or unknown section without symbols */
};

struct target {
	enum target_kind kind;
	struct ksym *sym;	/* the (anchor) symbol, NULL if anonymous */
	struct ksec *sec;	/* section of the target, NULL if undefined */
	long addend;		/* relative to sym, or to sec if no sym */
	const unsigned char *content;	/* T_CONTENT */
	size_t len;
	long coff;		/* T_CONTENT: addend relative to content */
};

/*
 * Resolve a relocation.  in_code: the relocation is in code, where a
 * PC-relative field is biased by krel.bias (the target is at addend +
 * bias: 4, or more when an immediate follows the field).
 */
void target_resolve(const struct krel *rel, bool in_code, struct target *t);
bool target_equal(const struct target *a, const struct target *b);
/* A short description for messages, in a static buffer. */
const char *target_describe(const struct target *t);
/* Offset of the target within its section (when t->sec is set). */
long target_secoff(const struct target *t);
/* Read-only data that the new code carries its own copy of. */
bool target_is_copyable(const struct target *t);

/* At most this many bytes are checked for one reference (the core's
 * KSPLICE_CONTENT_MAX). */
#define TARGET_CHECK_MAX	4096
/* Other anonymous read-only data: at most this many bytes. */
#define TARGET_CHECK_DATA	64

/*
 * The bytes run-pre matching checks for rel, a relocation in code to
 * read-only data whose target t was resolved with in_code: *len bytes at
 * *bytes, found in the running kernel *off bytes past the address the
 * record's symbol stands for (rel's own, for anonymous data; the named
 * object itself, from its start, for a named read-only object without
 * relocations).  False when there is nothing to check (a function,
 * writable data, an object with pointers, no data).
 */
bool target_check_bytes(const struct krel *rel, const struct target *t,
			const unsigned char **bytes, size_t *len, long *off);

#endif /* OBJDIFF_TARGET_H */
