// SPDX-License-Identifier: GPL-2.0
/*
 * lines.c - read a LINEMAP: lines "OLD_FIRST OLD_LAST DELTA".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "util.h"

struct linemap *linemap_read(const char *path)
{
	struct linemap *map;
	size_t cap = 0, len = 0;
	char *line = NULL;
	unsigned long lineno = 0;
	FILE *f;

	if (!strcmp(path, "-"))
		return NULL;
	f = fopen(path, "r");
	if (!f)
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	map = xcalloc(1, sizeof(*map));
	while (getline(&line, &len, f) > 0) {
		struct line_range r;
		char extra;
		int n;

		lineno++;
		n = sscanf(line, "%ld %ld %ld %c", &r.first, &r.last,
			   &r.delta, &extra);
		if (n == EOF)
			continue;
		if (n != 3 || r.first > r.last || r.first < 1)
			fatal(EXIT_ERROR, "%s:%lu: expected \"OLD_FIRST OLD_LAST DELTA\"",
			      path, lineno);
		grow(&map->ranges, &cap, map->nranges + 1, sizeof(r));
		map->ranges[map->nranges++] = r;
	}
	free(line);
	fclose(f);
	return map;
}

bool linemap_maps(const struct linemap *map, long old, long new)
{
	unsigned long i;

	if (!map)
		return false;
	for (i = 0; i < map->nranges; i++) {
		const struct line_range *r = &map->ranges[i];

		if (old >= r->first && old <= r->last)
			return new == old + r->delta;
	}
	return false;
}
