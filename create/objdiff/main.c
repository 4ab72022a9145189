// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - ksplice-objdiff: compare pre and post objects function by
 * function and write the sources of an update's two modules.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "emit.h"

static const char usage_text[] =
	"usage: ksplice-objdiff [-v] --id ID --release REL --description-file FILE\n"
	"                       --symvers MODULE_SYMVERS --out DIR MANIFEST\n"
	"MANIFEST lines: OBJNAME PRE.o POST.o LINEMAP|-\n"
	"exit: 0 changes written, 3 no changes, 4 unsupported change, 1 error\n";

static void usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "ksplice-objdiff: %s\n", msg);
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 0;
	char *s = NULL;
	int c;

	if (!f)
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	while ((c = getc(f)) != EOF) {
		grow(&s, &cap, len + 2, 1);
		s[len++] = c;
	}
	fclose(f);
	if (!s)
		s = xstrdup("");
	s[len] = '\0';
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

/* Module.symvers: crc, name, module, export type (tab separated). */
static void read_symvers(const char *path, struct strset *set)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	strset_init(set);
	while (getline(&line, &cap, f) > 0) {
		char *crc = strtok(line, "\t\n");
		char *name = strtok(NULL, "\t\n");
		char *module = strtok(NULL, "\t\n");

		if (crc && name && module && !strcmp(module, "vmlinux"))
			strset_put(set, name, 1);
	}
	free(line);
	fclose(f);
	if (!set->count)
		fatal(EXIT_ERROR, "%s: no vmlinux exports found", path);
}

static void read_manifest(const char *path, struct update_info *up)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, ocap = 0;
	unsigned long lineno = 0;

	if (!f)
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		char name[4096], pre[4096], post[4096], map[4096], extra;
		struct objpair *op;
		int n;

		lineno++;
		n = sscanf(line, "%4095s %4095s %4095s %4095s %c", name, pre,
			   post, map, &extra);
		if (n == EOF)
			continue;
		if (n != 4)
			fatal(EXIT_ERROR, "%s:%lu: expected \"OBJNAME PRE.o POST.o LINEMAP\"",
			      path, lineno);
		grow(&up->ops, &ocap, up->nops + 1, sizeof(*up->ops));
		op = &up->ops[up->nops++];
		memset(op, 0, sizeof(*op));
		op->name = xstrdup(name);
		op->pre = obj_load(pre, name);
		op->post = obj_load(post, name);
		op->lines = linemap_read(map);
	}
	free(line);
	fclose(f);
	if (!up->nops)
		fatal(EXIT_ERROR, "%s: no objects listed", path);
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	return n >= 1 && n <= 32 && strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static void print_summary(struct update_info *up, FILE *changes)
{
	size_t i, k;

	for (i = 0; i < up->nops; i++) {
		struct objpair *op = &up->ops[i];

		for (k = 0; k < op->npost; k++) {
			struct unit *u = &op->post_units[k];
			const char *what = u->match ? "changed" : "added";

			if (!u->include)
				continue;
			printf("%s: %s %s\n", op->name, u->name, what);
			fprintf(changes, "%s %s %s\n", what, op->name, u->name);
		}
	}
}

static FILE *open_out(const char *dir, const char *name, char **tmp)
{
	FILE *f;

	*tmp = xasprintf("%s/.%s.tmp", dir, name);
	f = fopen(*tmp, "w");
	if (!f)
		fatal(EXIT_ERROR, "%s: %s", *tmp, strerror(errno));
	return f;
}

static void close_out(FILE *f, const char *tmp)
{
	if (ferror(f) || fclose(f))
		fatal(EXIT_ERROR, "%s: write error", tmp);
}

static void commit_out(const char *dir, const char *name, char *tmp)
{
	char *path = xasprintf("%s/%s", dir, name);

	if (rename(tmp, path))
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	free(path);
	free(tmp);
}

static void write_outputs(struct update_info *up, const char *dir)
{
	static const char * const names[] = {
		"new-code.S", "new-desc.c", "helper.c", "changes",
	};
	char *tmp[ARRAY_SIZE(names)];
	FILE *f[ARRAY_SIZE(names)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		f[i] = open_out(dir, names[i], &tmp[i]);
	helper_number_sections(up);
	emit_new(up, f[0], f[1]);
	emit_helper(up, f[2]);
	print_summary(up, f[3]);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		close_out(f[i], tmp[i]);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		commit_out(dir, names[i], tmp[i]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "release", required_argument, NULL, 'r' },
		{ "description-file", required_argument, NULL, 'd' },
		{ "symvers", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *desc = NULL, *symvers = NULL, *out = NULL;
	struct update_info up;
	size_t i, found = 0;
	int c;

	memset(&up, 0, sizeof(up));
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			up.id = optarg;
			break;
		case 'r':
			up.release = optarg;
			break;
		case 'd':
			desc = optarg;
			break;
		case 's':
			symvers = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			usage(NULL);
		}
	}
	if (!up.id || !up.release || !desc || !symvers || !out)
		usage("missing option");
	if (optind != argc - 1)
		usage("expected one MANIFEST argument");
	if (!valid_id(up.id))
		usage("ID must be 1 to 32 characters of [a-z0-9_]");
	if (access(out, W_OK))
		fatal(EXIT_ERROR, "%s: %s", out, strerror(errno));
	up.description = read_text(desc);
	read_symvers(symvers, &up.exported);
	read_manifest(argv[optind], &up);

	for (i = 0; i < up.nops; i++) {
		units_build(&up.ops[i]);
		found += diff_objpair(&up.ops[i]);
	}
	if (!found) {
		printf("no changes detected\n");
		return EXIT_NO_CHANGES;
	}
	write_outputs(&up, out);
	return 0;
}
