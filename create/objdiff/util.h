/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - small helpers shared by every part of ksplice-objdiff:
 * allocation that cannot fail, fatal errors with an exit status,
 * verbose output and a string set.
 */
#ifndef OBJDIFF_UTIL_H
#define OBJDIFF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ksplice-format.h"

/* Exit statuses of ksplice-objdiff: those of ksplice-create. */
#define EXIT_ERROR		KSPLICE_EXIT_ERROR
#define EXIT_USAGE		KSPLICE_EXIT_USAGE
#define EXIT_NO_CHANGES		KSPLICE_EXIT_NO_CHANGES
#define EXIT_UNSUPPORTED	KSPLICE_EXIT_UNSUPPORTED
#define EXIT_NEED_BUILDS	KSPLICE_EXIT_NEED_BUILDS

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

extern bool verbose;

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "ksplice-objdiff: <message>" on stderr and exit with status. */
void fatal(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* Print a detail line on stdout when -v was given. */
void vinfo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *array (of *cap elements of size elem) to hold at least n. */
void grow(void *array, size_t *cap, size_t n, size_t elem);

/* A set of strings with an int value each (open addressing). */
struct strset {
	char **keys;
	int *vals;
	size_t cap;
	size_t count;
};

void strset_init(struct strset *set);
/* Returns the value of key or -1. */
int strset_get(const struct strset *set, const char *key);
/* Inserts or replaces the value of key. */
void strset_put(struct strset *set, const char *key, int val);

bool starts_with(const char *s, const char *prefix);

/* Write s as the contents of a C string literal (without quotes). */
void put_c_string(FILE *f, const char *s);
void put_c_bytes(FILE *f, const char *s, size_t len);

#endif /* OBJDIFF_UTIL_H */
