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
#include "insn.h"
#include "plan.h"
#include "policy.h"

static const char usage_text[] =
	"usage: ksplice-objdiff [-v] --id ID --release REL --description-file FILE\n"
	"                       --symvers MODULE_SYMVERS [--kconfig CONFIG]\n"
	"                       [--core-symvers CORE_SYMVERS] [--skip-init]\n"
	"                       [--replaces ID]...\n"
	"                       --out DIR MANIFEST\n"
	"MANIFEST lines: OBJNAME PRE.o POST.o LINEMAP|- [OPTION=FILE...]\n"
	"  pinned-pre=, pinned-post=  the objects built with __LINE__ pinned\n"
	"  kernel-pre=                pre built as the kernel builds it\n"
	"  target=                    the module the object is linked into\n"
	"  post-symvers=              post's \"#SYMVER name crc\" lines\n"
	"exit: 0 update written, 5 no changes, 6 a change is refused,\n"
	"      10 build what DIR/need-builds lists and run again,\n"
	"      1 error, 2 usage\n";

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

/*
 * Module.symvers: crc, name, module, export type, namespace (tab
 * separated).  The exports of vmlinux (module "vmlinux"), with their
 * namespaces; with module NULL, every export of the file (the core's:
 * what a patch may call, such as the shadow variable API).
 */
static void read_symvers(const char *path, struct plan *plan,
			 const char *module)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, before = plan->exported.count;
	static size_t nscap;

	if (!f)
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		char *fields[5] = { NULL }, *p = line;
		int n;

		line[strcspn(line, "\n")] = '\0';
		for (n = 0; n < 5 && p; n++)
			fields[n] = strsep(&p, "\t");
		if (n < 3 || !fields[1][0] ||
		    (module && strcmp(fields[2], module)))
			continue;
		strset_put(&plan->exported, fields[1], 1);
		if (n < 5 || !fields[4][0])
			continue;
		grow(&plan->nsnames, &nscap, plan->nnsnames + 1,
		     sizeof(*plan->nsnames));
		plan->nsnames[plan->nnsnames] = xstrdup(fields[4]);
		strset_put(&plan->namespaces, fields[1], plan->nnsnames++);
	}
	free(line);
	fclose(f);
	if (plan->exported.count == before)
		fatal(EXIT_ERROR, "%s: no %s exports found", path,
		      module ? module : "");
}

static struct objpair *objpair_load(const char *name, const char *pre,
				    const char *post, const char *map)
{
	struct objpair *op = xcalloc(1, sizeof(*op));

	op->name = xstrdup(name);
	op->pre = obj_load(pre, name);
	op->post = obj_load(post, name);
	insn_annotate(op->pre);
	insn_annotate(op->post);
	op->lines = map ? linemap_read(map) : NULL;
	return op;
}

/* A module name as KBUILD_MODNAME spells it: [A-Za-z0-9_], at most 55. */
static bool valid_module_name(const char *s)
{
	size_t n = strlen(s);

	return n && n < 56 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

/* Every object of op is linked into op->target (NULL: vmlinux). */
static void objpair_set_target(struct objpair *op)
{
	op->pre->target = op->target;
	op->post->target = op->target;
	if (op->hobj)
		op->hobj->target = op->target;
	if (op->pinned) {
		op->pinned->pre->target = op->target;
		op->pinned->post->target = op->target;
	}
}

/* "key=value" in a manifest line: value if tok starts with key=. */
static const char *opt_value(const char *tok, const char *key)
{
	size_t n = strlen(key);

	return !strncmp(tok, key, n) && tok[n] == '=' ? tok + n + 1 : NULL;
}

static void manifest_line(const char *path, unsigned long lineno,
			  char *line, struct objpair *op)
{
	const char *name, *pre, *post, *map, *v;
	const char *ppre = NULL, *ppost = NULL, *kpre = NULL, *target = NULL;
	const char *symvers = NULL;
	char *tok, *save;
	struct objpair *loaded;

	name = strtok_r(line, " \t\n", &save);
	pre = strtok_r(NULL, " \t\n", &save);
	post = strtok_r(NULL, " \t\n", &save);
	map = strtok_r(NULL, " \t\n", &save);
	if (!map)
		fatal(EXIT_ERROR, "%s:%lu: expected \"OBJNAME PRE.o POST.o LINEMAP [OPTION=FILE...]\"",
		      path, lineno);
	while ((tok = strtok_r(NULL, " \t\n", &save))) {
		if ((v = opt_value(tok, "pinned-pre")))
			ppre = v;
		else if ((v = opt_value(tok, "pinned-post")))
			ppost = v;
		else if ((v = opt_value(tok, "kernel-pre")))
			kpre = v;
		else if ((v = opt_value(tok, "target")))
			target = v;
		else if ((v = opt_value(tok, "post-symvers")))
			symvers = v;
		else
			fatal(EXIT_ERROR, "%s:%lu: unknown option %s", path,
			      lineno, tok);
	}
	if (!ppre != !ppost)
		fatal(EXIT_ERROR, "%s:%lu: pinned-pre and pinned-post go together",
		      path, lineno);
	loaded = objpair_load(name, pre, post, map);
	*op = *loaded;
	free(loaded);
	if (ppre)
		op->pinned = objpair_load(name, ppre, ppost, "-");
	if (kpre) {
		op->hobj = obj_load(kpre, name);
		insn_annotate(op->hobj);
	}
	if (target && !valid_module_name(target))
		fatal(EXIT_ERROR, "%s:%lu: bad module name %s", path, lineno,
		      target);
	op->target = target ? xstrdup(target) : NULL;
	op->post_symvers = symvers ? xstrdup(symvers) : NULL;
	objpair_set_target(op);
}

static void read_manifest(const char *path, struct objpair **ops,
			  size_t *nops)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, ocap = 0;
	unsigned long lineno = 0;

	if (!f)
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (!line[strspn(line, " \t\n")])
			continue;
		grow(ops, &ocap, *nops + 1, sizeof(**ops));
		manifest_line(path, lineno, line, &(*ops)[(*nops)++]);
	}
	free(line);
	fclose(f);
	if (!*nops)
		fatal(EXIT_ERROR, "%s: no objects listed", path);
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	return n >= 1 && n <= KSPLICE_ID_MAX && strspn(id, KSPLICE_ID_CHARS) == n;
}

/*
 * A global that the update adds: if the running kernel has one of that
 * name where the object is linked (a weak definition the patch
 * overrides, a function it moves from another file), the kernel's
 * callers call that one, so ksplice-apply refuses the update.
 */
static void put_global(FILE *changes, const struct objpair *op,
		       const char *name)
{
	fprintf(changes, "global %s %s %s\n", op->name, name,
		op->target ? op->target : "vmlinux");
}

static void print_summary(const struct plan *plan, FILE *changes)
{
	size_t i, k;

	for (i = 0; i < plan->nops; i++) {
		struct objpair *op = &plan->ops[i];

		for (k = 0; k < op->npost; k++) {
			struct unit *u = &op->post_units[k];
			const char *what = u->match ? "changed" : "added";

			if (!unit_carried(u))
				continue;
			printf("%s: %s %s\n", op->name, u->name, what);
			fprintf(changes, "%s %s %s\n", what, op->name, u->name);
			if (u->fate == FATE_NEW && u->sym->bind != SB_LOCAL)
				put_global(changes, op, u->name);
			if (unit_keeps_module(u))
				fprintf(changes, "keep-module %s %s\n", op->name,
					u->name);
		}
		for (k = 0; k < op->post->nsyms; k++) {
			struct ksym *s = &op->post->syms[k];

			if (op->data_fate[k] == DFATE_NEWVALUE) {
				printf("%s: read-only data %s: new value, written in place at the switch\n",
				       op->name, s->name);
				fprintf(changes, "new-value %s %s\n", op->name,
					s->name);
				continue;
			}
			if (op->data_fate[k] != DFATE_NEW)
				continue;
			printf("%s: %s %s added\n", op->name,
			       s->sec->writable ? "variable" : "read-only data",
			       s->name);
			fprintf(changes, "data %s %s\n", op->name, s->name);
			if (s->bind != SB_LOCAL)
				put_global(changes, op, s->name);
		}
		for (k = 0; k < plan->ncopies; k++) {
			const struct copy *c = &plan->copies[k];

			if (c->op != op || !copy_keeps_module(c))
				continue;
			if (c->kept_by)
				printf("%s: the update hands on string %s, which it carries, and calls %s, which keeps the names it is given: its module stays after an undo\n",
				       op->name, c->escapes, c->kept_by);
			else
				printf("%s: the update hands on the address of %s: its module stays after an undo\n",
				       op->name, c->escapes);
			fprintf(changes, "keep-module %s %s\n", op->name,
				c->escapes);
		}
		for (k = 0; k < op->npre; k++) {
			struct unit *u = &op->pre_units[k];

			if (u->fate == FATE_VANISHED)
				fprintf(changes, "vanished %s %s\n", op->name,
					u->name);
		}
	}
	for (i = 0; i < plan->nexports; i++) {
		const struct export *e = &plan->exports[i];

		printf("%s: %s exported (%s)\n", e->op->name, e->name,
		       e->gpl ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL");
		fprintf(changes, "export %s %s %s ", e->op->name, e->name,
			e->gpl ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL");
		fprintf(changes, e->has_crc ? "0x%08lx\n" : "-\n", e->crc);
	}
	for (i = 0; plan->skip_init && i < plan->ninit_changes; i++)
		fprintf(changes, "init-skipped %s\n", plan->init_changes[i]);
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

static void write_outputs(const struct update_info *up, const char *dir)
{
	static const char * const names[] = {
		"new-code.S", "new-desc.c", "helper.c", "changes",
	};
	char *tmp[ARRAY_SIZE(names)];
	FILE *f[ARRAY_SIZE(names)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		f[i] = open_out(dir, names[i], &tmp[i]);
	emit_new(up, f[0], f[1]);
	emit_helper(up, f[2]);
	print_summary(up->plan, f[3]);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		close_out(f[i], tmp[i]);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		commit_out(dir, names[i], tmp[i]);
}

/*
 * Tell ksplice-create which objects to build again: "pinned OBJ" (with
 * __LINE__ pinned) and "kernel-pre OBJ" (pre as the kernel builds it).
 */
static int ask_for_builds(const struct plan *plan, const char *dir)
{
	char *path = xasprintf("%s/need-builds", dir);
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		fatal(EXIT_ERROR, "%s: %s", path, strerror(errno));
	for (i = 0; i < plan->nops; i++) {
		if (plan->ops[i].need_pinned)
			fprintf(f, "pinned %s\n", plan->ops[i].name);
		if (plan->ops[i].need_kernel_pre)
			fprintf(f, "kernel-pre %s\n", plan->ops[i].name);
	}
	if (ferror(f) || fclose(f))
		fatal(EXIT_ERROR, "%s: write error", path);
	free(path);
	return EXIT_NEED_BUILDS;
}

static void print_list(const char *title, char **lines, size_t n)
{
	size_t i;

	if (n)
		fprintf(stderr, "%s\n", title);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", lines[i]);
}

static int refuse(const struct plan *plan)
{
	print_list("ksplice-objdiff: the update cannot make these changes:",
		   plan->refusals, plan->nrefusals);
	return EXIT_UNSUPPORTED;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "release", required_argument, NULL, 'r' },
		{ "description-file", required_argument, NULL, 'd' },
		{ "symvers", required_argument, NULL, 's' },
		{ "core-symvers", required_argument, NULL, 'c' },
		{ "replaces", required_argument, NULL, 'R' },
		{ "kconfig", required_argument, NULL, 'k' },
		{ "skip-init", no_argument, NULL, 'S' },
		{ "out", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *desc = NULL, *symvers = NULL, *out = NULL, *kconfig = NULL;
	const char *core_symvers = NULL;
	struct update_info up;
	struct plan plan;
	struct objpair *ops = NULL;
	size_t i, nops = 0, carried;
	bool need_builds = false;
	int c;

	memset(&up, 0, sizeof(up));
	memset(&plan, 0, sizeof(plan));
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
		case 'c':
			core_symvers = optarg;
			break;
		case 'R':
			if (!valid_id(optarg))
				usage("--replaces takes an update id");
			up.replaces = xrealloc(up.replaces,
					       (up.nreplaces + 1) *
					       sizeof(*up.replaces));
			up.replaces[up.nreplaces++] = optarg;
			break;
		case 'k':
			kconfig = optarg;
			break;
		case 'S':
			plan.skip_init = true;
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
		usage(xasprintf("ID must be 1 to %d characters of [a-z0-9_]",
				KSPLICE_ID_MAX));
	if (access(out, W_OK))
		fatal(EXIT_ERROR, "%s: %s", out, strerror(errno));
	policy_init(kconfig);
	up.description = read_text(desc);
	read_manifest(argv[optind], &ops, &nops);
	plan_init(&plan, ops, nops);
	strset_init(&plan.exported);
	strset_init(&plan.namespaces);
	read_symvers(symvers, &plan, "vmlinux");
	if (core_symvers)
		read_symvers(core_symvers, &plan, NULL);
	up.plan = &plan;

	for (i = 0; i < nops; i++) {
		units_build(&ops[i]);
		if (ops[i].pinned)
			units_build(ops[i].pinned);
		diff_objpair(&ops[i], &plan);
		need_builds |= ops[i].need_pinned || ops[i].need_kernel_pre;
	}
	if (need_builds)
		return ask_for_builds(&plan, out);
	/* new values and exports change the kernel without carried code */
	carried = plan_decide(&plan) + plan.nvalues + plan.nexports;
	if (!carried && plan.ninit_changes && !plan.nrefusals)
		plan_refuse(&plan, NULL, "the patch changes only init code: without it (--skip-init) nothing is left to update");
	if (!carried && !plan.nrefusals) {
		print_list("ksplice-objdiff: notes:", plan.notes, plan.nnotes);
		printf("no changes detected\n");
		return EXIT_NO_CHANGES;
	}
	if (plan.nrefusals)
		return refuse(&plan);
	plan_resolve(&plan);
	if (plan.nrefusals)
		return refuse(&plan);
	print_list("ksplice-objdiff: notes:", plan.notes, plan.nnotes);
	write_outputs(&up, out);
	return 0;
}
