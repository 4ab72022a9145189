/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plan.h - the update's plan: for every function and variable of the
 * compared objects, what the update does with it, decided before
 * anything is written.  The emitters only print the plan.
 *
 * A function (struct unit) goes through these fates:
 *
 *   pre unit                          post unit
 *   --------                          ---------
 *   FATE_UNCHANGED  same as post      FATE_UNCHANGED  same as pre
 *   FATE_REPLACED   redirected to     FATE_REPLACED   carried as the new
 *                   its post version                  version of its pre
 *                   (or the .cold                     unit
 *                   part of one)      FATE_NEW        carried, no pre
 *   FATE_VANISHED   no post unit:                     counterpart
 *                   not redirected,   FATE_NO_EFFECT  changed, but never in
 *                   checked on stacks                 the running kernel
 *   FATE_NO_EFFECT  (as post)                         (__exit code)
 *   FATE_REFUSED    a change the      FATE_REFUSED    (as pre)
 *                   update cannot
 *                   make
 *
 *   diff_objpair() marks units changed; plan_decide() turns that into
 *   fates (all units start UNCHANGED) and collects every refusal;
 *   plan_resolve() then fixes the helper's sections and symbols, the
 *   new code's names, copies of data and how each relocation of the new
 *   code is resolved.  After that the plan is frozen: emitters look
 *   things up and never add to it.
 *
 * A variable of the post object is UNCHANGED (the new code uses the
 * running kernel's, found through the helper's symbol table: it is
 * "referenced"), NEW (the new code carries it, initialized as in post),
 * NEWVALUE (read-only data with a new value, written over the running
 * object at the switch) or REFUSED (a writable variable's initial value
 * or size changed, or the kernel reads it only at boot): datafate.c.
 */
#ifndef OBJDIFF_PLAN_H
#define OBJDIFF_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "units.h"
#include "util.h"

struct keysite;
struct dropped_entry;

/* How the new code gets the value of one relocation field. */
enum res_kind {
	RES_NONE,	/* not resolved (a section not emitted) */
	RES_UNIT,	/* new code: __ksplice_f<index> + off */
	RES_COPY,	/* the new code's copy of data: __ksplice_d<index> + off */
	RES_EXPORT,	/* an exported symbol, by name, + off */
	RES_RECORD,	/* a record for the core: helper symbol index, + off */
};

struct resolution {
	enum res_kind kind;
	int index;
	long off;
	const char *name;	/* RES_EXPORT */
};

/* A piece of data the new code carries: [start, start+size) of sec. */
struct copy {
	struct objpair *op;
	struct ksec *sec;
	unsigned long start;
	unsigned long size;
	/*
	 * Its name when code or data of the update hands its address on
	 * (plan.c): the kernel may link it into its own structures (a
	 * timer, a work, a list), so the module must outlive a reversal.
	 */
	const char *escapes;
	/*
	 * strings.c: the first string literal of it that the new code hands
	 * on, as one word ("text", blanks as dots); and when that keeps the
	 * module, a function the new code calls that keeps names it is given.
	 */
	const char *literal;
	const char *kept_by;
};

struct hsym {
	const char *name;
	const char *object;		/* NULL: global */
	const char *target;		/* module of the referring object */
	bool needed;			/* the new code refers to it */
	/*
	 * neighbours.c: 1 + the index of the data section of hobj that
	 * holds it with other symbols of the table, or 0; its offset there.
	 */
	int group;
	unsigned long group_off;
	/*
	 * strings.c: a string literal, not a symbol of the object; bound
	 * by run-pre matching where it finds the bytes one reference of the
	 * helper checks (KSPLICE_SYM_CONTENT).
	 */
	bool content;
};

/*
 * String literals of the new code taken from the running kernel
 * (strings.c): relocation rel, of a helper unit of op, checks the len
 * bytes of a string (its NUL included), and binds helper symbol hsym to
 * the first; the new code's literals that end it are taken from there.
 */
struct strbind {
	const struct objpair *op;
	const struct krel *rel;
	const unsigned char *bytes;
	size_t len;
	unsigned int hsym;
};

/*
 * A function the patch exports (exports.c): the new code's copy (a new
 * function, hsym -1) or the running entry of one the kernel has (hsym:
 * its helper symbol, written by a record).
 */
struct export {
	struct objpair *op;
	struct unit *unit;		/* post */
	const char *name;
	const char *ns;			/* namespace, "" for none */
	bool gpl;
	bool has_crc;			/* CONFIG_MODVERSIONS: crc is set */
	unsigned long crc;
	int hsym;
};

/*
 * Read-only data the update gives a new value in place (values.c): the
 * new value is copy "copy" of the new code; the running object is helper
 * symbol hsym.
 */
struct newvalue {
	struct objpair *op;
	struct ksym *post;
	struct ksym *pre;
	int copy;
	unsigned int hsym;
};

struct secres {
	const struct ksec *sec;
	struct resolution *res;		/* one per relocation of sec */
};

struct plan {
	struct objpair *ops;
	size_t nops;
	struct strset exported;		/* vmlinux exports (Module.symvers) */
	struct strset namespaces;	/* export -> index in nsnames */
	char **nsnames;
	size_t nnsnames;

	char **refusals;
	size_t nrefusals, cap_refusals;
	char **notes;
	size_t nnotes, cap_notes;
	/*
	 * Changes to init code and data: refused, or with skip_init left
	 * out of the update (ksplice-create --skip-init): "OBJECT NAME".
	 */
	bool skip_init;
	char **init_changes;
	size_t ninit_changes, cap_init_changes;

	struct hsym *hsyms;
	size_t nhsyms, cap_hsyms;
	struct strset hsym_index;
	int nsections;			/* helper sections */
	int nnew;			/* carried units */

	struct copy *copies;
	size_t ncopies, cap_copies;
	struct secres *secres;
	size_t nsecres, cap_secres;
	struct newvalue *values;
	size_t nvalues, cap_values;
	struct strbind *strbinds;
	size_t nstrbinds, cap_strbinds;
	const char *name_keeper;	/* a call of the new code (strings.c) */
	struct export *exports;		/* sorted by name once resolved */
	size_t nexports, cap_exports;
	struct keysite *keysites;	/* by module, unit, site (keysites.c) */
	size_t nkeysites, cap_keysites;
	struct dropped_entry *dropped;	/* table entries left out */
	size_t ndropped, cap_dropped;
	struct strset extnames;		/* exports the new code names */
	struct strset imports;		/* namespaces the new code imports */
	bool frozen;
};

void plan_init(struct plan *plan, struct objpair *ops, size_t nops);

/* Record a refusal: "<object>: <message>". */
void plan_refuse(struct plan *plan, const struct objpair *op,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record a note for the user (a change that has no effect). */
void plan_note(struct plan *plan, const struct objpair *op,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A change to init code or data of op, named (refused or left out). */
void plan_init_change(struct plan *plan, const struct objpair *op,
		      const char *name);
/* The fates of op's variables (datafate.c); refusals. */
void plan_decide_data(struct plan *plan, struct objpair *op);

/* Fates of every unit and variable; refusals.  Returns units carried. */
size_t plan_decide(struct plan *plan);
/* Helper sections and symbols, names, copies, resolutions; freezes. */
void plan_resolve(struct plan *plan);

/* The resolution of relocation i of sec (a section the new code emits). */
const struct resolution *plan_resolution(const struct plan *plan,
					 const struct ksec *sec, size_t i);
/* Add sym of op to the helper's symbol table, needed: its index. */
unsigned int plan_need_symbol(struct plan *plan, const struct objpair *op,
			      const struct ksym *sym);

struct target;
/*
 * A reference of the new code to string literal t: resolved as a record
 * of the running kernel's copy when a helper unit that must match checks
 * the same bytes (strings.c).  False: the new code carries it.
 */
bool plan_strings_resolve(struct plan *plan, struct objpair *op,
			  const struct target *t, struct resolution *res);
/* The new code calls callee (strings.c: does it keep names?). */
void plan_strings_call(struct plan *plan, const char *callee);
/* The new code hands on t, in copy idx: a string literal it carries? */
void plan_strings_carried(struct plan *plan, int idx, const struct target *t);
/*
 * Once resolved: when the new code calls a function that keeps names,
 * the literals it carries and hands on keep its module.
 */
void plan_strings_finish(struct plan *plan);
/* The content symbol that rel, a relocation of the helper, binds. */
bool plan_string_symbol(const struct plan *plan, const struct krel *rel,
			unsigned int *hsym);

/* A copy of [start, start+size) of sec in the new code: its index. */
int plan_copy(struct plan *plan, struct objpair *op, struct ksec *sec,
	      unsigned long start, unsigned long size);

/* New values of read-only data (values.c): the fate of s, then resolved. */
enum data_fate values_decide(struct plan *plan, struct objpair *op,
			     struct ksym *s, struct ksym *p);
void values_resolve(struct plan *plan);

/* Exports the patch adds (exports.c): decided, then resolved. */
void plan_exports_decide(struct plan *plan);
void plan_exports_resolve(struct plan *plan);

/* Groups of the helper's statics that share a data section (neighbours.c). */
void plan_neighbours(struct plan *plan);

/* Index in the helper's symbol table of sym of op (must be there). */
unsigned int plan_helper_symbol(const struct plan *plan,
				const struct objpair *op,
				const struct ksym *sym);

static inline bool unit_carried(const struct unit *u)
{
	return u->fate == FATE_REPLACED || u->fate == FATE_NEW;
}

/*
 * A function of the new code whose address the update stores: the kernel
 * may call it after a reversal, so its module is never unloaded.
 */
static inline bool unit_keeps_module(const struct unit *u)
{
	return unit_carried(u) && u->address_taken && !u->parent;
}

/* Data of the new code whose address the update hands on (plan.c). */
static inline bool copy_keeps_module(const struct copy *c)
{
	return c->escapes;
}

bool plan_keeps_module(const struct plan *plan);

/* A pre unit that no task may be running when the update is applied. */
static inline bool unit_checked(const struct unit *u)
{
	return u->fate == FATE_REPLACED || u->fate == FATE_VANISHED;
}

#endif /* OBJDIFF_PLAN_H */
