/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lines.h - the line map of one object: which source lines moved by how
 * much between the pre and the post source.
 */
#ifndef OBJDIFF_LINES_H
#define OBJDIFF_LINES_H

#include <stdbool.h>

struct line_range {
	long first;
	long last;
	long delta;
};

struct linemap {
	struct line_range *ranges;
	unsigned long nranges;
};

/* Read a LINEMAP file ("-" gives NULL, an empty map). Exits on error. */
struct linemap *linemap_read(const char *path);

/* Does line old (pre) map to line new (post)? */
bool linemap_maps(const struct linemap *map, long old, long new);

#endif /* OBJDIFF_LINES_H */
