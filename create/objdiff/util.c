// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - allocation, errors, string set, C string escaping.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool verbose;

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		fatal(EXIT_ERROR, "out of memory");
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		fatal(EXIT_ERROR, "out of memory");
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		fatal(EXIT_ERROR, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal(EXIT_ERROR, "out of memory");
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatal(EXIT_ERROR, "out of memory");
	va_end(ap);
	return s;
}

void fatal(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ksplice-objdiff: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void vinfo(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	fputs("  ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void grow(void *array, size_t *cap, size_t n, size_t elem)
{
	void **p = array;
	size_t c = *cap;

	if (n <= c)
		return;
	while (c < n)
		c = c ? c * 2 : 16;
	*p = xrealloc(*p, c * elem);
	*cap = c;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

void strset_init(struct strset *set)
{
	memset(set, 0, sizeof(*set));
}

static size_t strset_slot(const struct strset *set, const char *key)
{
	size_t i = hash_str(key) & (set->cap - 1);

	while (set->keys[i] && strcmp(set->keys[i], key))
		i = (i + 1) & (set->cap - 1);
	return i;
}

int strset_get(const struct strset *set, const char *key)
{
	size_t i;

	if (!set->cap)
		return -1;
	i = strset_slot(set, key);
	return set->keys[i] ? set->vals[i] : -1;
}

static void strset_rehash(struct strset *set)
{
	struct strset old = *set;
	size_t i;

	set->cap = old.cap ? old.cap * 2 : 64;
	set->keys = xcalloc(set->cap, sizeof(*set->keys));
	set->vals = xcalloc(set->cap, sizeof(*set->vals));
	for (i = 0; i < old.cap; i++) {
		size_t j;

		if (!old.keys[i])
			continue;
		j = strset_slot(set, old.keys[i]);
		set->keys[j] = old.keys[i];
		set->vals[j] = old.vals[i];
	}
	free(old.keys);
	free(old.vals);
}

void strset_put(struct strset *set, const char *key, int val)
{
	size_t i;

	if ((set->count + 1) * 2 > set->cap)
		strset_rehash(set);
	i = strset_slot(set, key);
	if (!set->keys[i]) {
		set->keys[i] = xstrdup(key);
		set->count++;
	}
	set->vals[i] = val;
}

bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

void put_c_bytes(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f || c == '?')
			/* three octal digits: never run into the next char */
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
}

void put_c_string(FILE *f, const char *s)
{
	put_c_bytes(f, s, strlen(s));
}
