/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal declarations of the ksplice core module.
 */
#ifndef KSPLICE_CORE_H
#define KSPLICE_CORE_H

#include <linux/elf.h>
#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "ksplice-format.h"

#define KSPLICE_DETAIL_LEN	256
#define KSPLICE_MAX_CONFLICTS	32

/*
 * The life of an update.  stage is what sysfs "stage" shows and writes;
 * the finer state (sysfs "state", ksplice_state()) follows from the
 * fields named below.
 *
 *  helper loads --> unmatched ------------------------+  (abort_cause
 *      |            (matching failed: !matched)        |   set; helper
 *      v                                               |   unloads)
 *   matched  (matched, !new) --new-code module loads-->  ready (new)
 *                                                         |
 *               "applied" written: pin, pre_apply hooks,  v
 *               install redirections (inactive)        applying (busy)
 *                 | stop_machine: stacks clear,           |  fail: fail_apply
 *                 | check_apply hooks, active = true,     |  hooks, remove,
 *                 v apply hooks; then post_apply hooks    |  unpin --> ready
 *              applied  (stage APPLIED, pin)  <-----------+
 *                 | "reversed" written: no update on top,
 *                 | pre_reverse hooks       --> reversing (busy)
 *                 | stop_machine: stacks clear of new code, check_reverse
 *                 | hooks, active = false, reverse hooks; remove, post_
 *                 v reverse hooks (fail: fail_reverse hooks --> applied)
 *              reversed (stage REVERSED): unpinned; the new-code module
 *                 may go, and with it the update
 *              kept (REVERSED, kept): still pinned, for good
 *
 * The update is freed when the modules that keep it are gone: the
 * helper before new code registers, or the new-code module when the
 * update is not applied (an applied one is pinned).
 */
enum ksplice_stage {
	KSPLICE_STAGE_PREPARING,
	KSPLICE_STAGE_APPLIED,
	KSPLICE_STAGE_REVERSED,
};


/*
 * The redirection of one old entry (redirect.c), core-owned and allocated
 * on its own: a cumulative update takes it over from the update it
 * replaces.  target is where calls go: 0 lets them run the old code; it
 * changes only through ksplice_redirect_set().
 */
struct ksplice_redirect {
	enum ksplice_redirect_kind kind;
	struct ftrace_ops ops;		/* FTRACE */
	struct kprobe kp;		/* KPROBE */
	/* DIRECT, FTRACE: after the site, catches calls ftrace let through */
	struct kprobe guard;
	int tramp;			/* DIRECT: its trampoline (direct.c) */
	struct ksplice_jump *jump;	/* JUMP (jump.c) */
	unsigned long old_addr;
	unsigned long target;		/* READ_ONCE/WRITE_ONCE */
	bool guarded;
	atomic_long_t caught;		/* calls the guard redirected */
};

/* A second, writable mapping of read-only memory (alias.c). */
struct ksplice_alias {
	void *map;
	u8 *p;				/* the object through map */
};

/*
 * A module an update patches (modules.c).  Its functions are redirected
 * while it is loaded and the update applied; when it is not loaded they
 * wait, and are matched and redirected when it loads, before its init.
 *
 *   waiting (mod NULL) --loads, matches--> patched (mod) --unloads--+
 *      ^                                                             |
 *      +-------------------------------------------------------------+
 */
struct ksplice_modtarget {
	const char *name;		/* the helper's string */
	struct module *mod;		/* patched in it; NULL: waiting */
	struct module *keys;		/* its keysites linked (keysites.c) */
};

/* One redirected function: everything apply and undo need, core-owned. */
struct ksplice_func {
	struct ksplice_update *update;
	char *name;
	int target;			/* in update->mods, or -1: vmlinux */
	unsigned int symbol;		/* its section's, in the helper */
	unsigned long old_addr;		/* 0 while its module is waiting */
	unsigned long old_size;		/* the matched function's */
	unsigned long new_addr;
	bool use_ftrace;		/* it has an ftrace site at its entry */
	struct ksplice_redirect *redir;	/* NULL: not installed */
	/* a cumulative update's: the replaced function it takes over */
	struct ksplice_func *take;
	bool taken;			/* ... and, in that one, taken over */
};

/* An address range that no task may be executing in when switching. */
struct ksplice_range {
	unsigned long start;
	unsigned long size;
};

struct ksplice_conflict {
	char comm[TASK_COMM_LEN];
	pid_t pid;
	unsigned long addr;
};

struct ksplice_update {
	struct list_head list;		/* ksplice_updates, under both locks */
	struct kobject kobj;
	char id[KSPLICE_ID_MAX + 1];
	bool dead;			/* unlinked, sysfs going away */

	enum ksplice_stage stage;
	enum ksplice_cause cause;
	char detail[KSPLICE_DETAIL_LEN];
	char *conflicts_text;		/* kmalloc'd, or NULL */

	struct ksplice_helper *helper;	/* NULL once the helper is gone */
	/* the modules it patches; while applied the core holds the helper */
	struct ksplice_modtarget *mods;
	unsigned int nr_mods;
	struct module_use *helper_hold;
	bool matched;
	unsigned long *values;		/* symbol values, core copy */
	bool *known;			/* ... which of them were found */
	unsigned int nr_values;

	/* written by the module_finalize probe, under ksplice_update_lock */
	struct module *finalized_mod;
	int finalize_err;
	char finalize_msg[KSPLICE_DETAIL_LEN];

	struct ksplice_new *new;	/* NULL until the new code registers */
	/* the patch's hooks in the new-code module, by kind (hooks.c) */
	void **hooks[KSPLICE_NR_HOOKS];
	unsigned int nr_hooks[KSPLICE_NR_HOOKS];
	struct module *new_mod;
	char *description;
	struct ksplice_func *funcs;
	unsigned int nr_funcs;
	/* a cumulative update being applied: what it replaces (replace.c) */
	struct ksplice_update **replaced;
	unsigned int nr_replaced;
	struct ksplice_range *ranges;	/* every REPLACED section */
	unsigned int nr_ranges;
	struct ksplice_range *new_ranges;	/* ksplice_new.code, or its text */
	unsigned int nr_new_ranges;

	/* a stage write is switching it (and may drop ksplice_mutex) */
	bool busy;
	/* the core uses new_mod (pin.c): from apply until reversal */
	struct module_use *pin;
	/* reversed, but the kernel may hold new code addresses: pinned */
	bool kept;
	/* per new value (values.c) */
	struct ksplice_value_state *vstates;
	unsigned int nr_vstates;
	/* its exports are visible (exports.c); the targets that holds */
	bool exports_published;
	struct module **export_mods;	/* per ksplice_exports.targets */

	/* stack scan state, filled inside stop_machine */
	const struct ksplice_range *scan_ranges;
	unsigned int scan_nr_ranges;
	bool scan_activate;
	bool scan_skip_old;		/* ignore old_addr values */
	bool scan_skip_new;		/* ignore new_addr values */
	unsigned int nr_conflicts;
	unsigned int nr_scanned_by_words;	/* not walked reliably */
	unsigned int nr_tasks;		/* tasks when stopped */
	unsigned int nr_scanned;	/* ... checked then (ran since) */
	/* the last stop of each kind: [0] apply, [1] reversal (sysfs pause) */
	u64 pause_ns[2];
	unsigned int pause_tasks[2];
	unsigned int pause_scanned[2];
	struct ksplice_conflict conflicts[KSPLICE_MAX_CONFLICTS];
};

/* update.c */
extern struct mutex ksplice_mutex;
extern spinlock_t ksplice_update_lock;
extern struct list_head ksplice_updates;
extern int ksplice_debug;
extern unsigned int ksplice_max_tries;
extern unsigned int ksplice_retry_delay_ms;
extern bool ksplice_precheck;
extern bool ksplice_precheck_verify;

struct ksplice_update *ksplice_find_update(const char *id);
void ksplice_set_cause(struct ksplice_update *update,
		       enum ksplice_cause cause, const char *fmt, ...)
	__printf(3, 4);
void ksplice_clear_cause(struct ksplice_update *update);
void ksplice_link(struct ksplice_update *update);
void ksplice_unlink(struct ksplice_update *update);
void ksplice_free_funcs(struct ksplice_update *update);

/* check.c */
int ksplice_check_init(void);
bool ksplice_in_text(const struct module *mod, const void *p,
		     unsigned long size);
int ksplice_check_header(const struct module *mod, const void *self,
			 unsigned int format, const char *id,
			 const char *release, const char *what);
int ksplice_check_helper(const struct ksplice_helper *helper);
const char *ksplice_new_problem(const struct ksplice_helper *helper,
				const struct ksplice_new *kn);
bool ksplice_new_relocs_valid(const struct module *mod,
			      const struct ksplice_new *kn);

/* kallsyms.c */
struct ksplice_name {
	const char *name;
	unsigned long *addrs;		/* vmlinux's first, then modules' */
	unsigned int nr;
	unsigned int nr_vmlinux;
	unsigned int cap;
};

struct ksplice_names {
	struct ksplice_name *names;	/* sorted by name, unique */
	unsigned int nr;
};

int ksplice_kallsyms_init(void);
unsigned long ksplice_lookup_name(const char *name);
int ksplice_names_add(struct ksplice_names *names, const char *name);
void ksplice_names_sort(struct ksplice_names *names);
int ksplice_names_collect(struct ksplice_names *names);
int ksplice_module_symbols(int (*fn)(void *, const char *, struct module *,
				     unsigned long), void *data);
struct ksplice_name *ksplice_names_find(struct ksplice_names *names,
					const char *name);
int ksplice_name_append(struct ksplice_name *n, unsigned long addr);
void ksplice_names_free(struct ksplice_names *names);
bool ksplice_symbol_size(unsigned long addr, unsigned long *size);
struct task_struct *ksplice_idle_task(int cpu);
int ksplice_stack_reliable(struct task_struct *tsk, unsigned long *store,
			   unsigned int size);
/* return trampolines of the function-graph tracer and kretprobes */
#define KSPLICE_NR_TRAMPOLINES	3
const unsigned long *ksplice_trampolines(void);

/* targets.c: the modules an update patches */
struct ksplice_target {
	const char *name;		/* the helper's string */
	struct module *mod;		/* NULL: not loaded */
	struct ksplice_names names;	/* the helper's names in it */
};

struct ksplice_targets {
	struct ksplice_target *t;
	unsigned int nr;
	struct ksplice_names others;	/* in the other loaded modules */
};

int ksplice_targets_init(struct ksplice_targets *ts,
			 const struct ksplice_helper *helper,
			 struct module *coming);
void ksplice_targets_free(struct ksplice_targets *ts);
bool ksplice_own_module(const struct module *mod);
struct ksplice_target *ksplice_target_find(struct ksplice_targets *ts,
					   const char *name);
struct ksplice_name *ksplice_section_candidates(struct ksplice_targets *ts,
						struct ksplice_names *vmlinux,
						const struct ksplice_section *sec);
struct ksplice_name *ksplice_symbol_candidates(struct ksplice_targets *ts,
					       struct ksplice_names *vmlinux,
					       const struct ksplice_symbol *sym);

/* match.c */
int ksplice_match(struct ksplice_update *update);
int ksplice_match_module(struct ksplice_update *update, struct module *mod);

/* rewrite.c: the matching state one candidate needs */
struct ksplice_match_ctx {
	struct ksplice_update *update;
	struct ksplice_helper *helper;
	struct ksplice_name **sym_names;	/* per symbol */
	bool *bound;				/* per symbol */
	unsigned int *undo;			/* symbols bound by a candidate */
	unsigned int nr_undo;
	const struct ksplice_section *sec;
	unsigned long addr;			/* candidate */
	const u8 *mem;				/* candidate's bytes */
};

bool ksplice_check_symbol(struct ksplice_match_ctx *ctx, unsigned int sym,
			  unsigned long target);
void ksplice_rollback_to(struct ksplice_match_ctx *ctx, unsigned int mark);
bool ksplice_check_reloc(struct ksplice_match_ctx *ctx,
			 const struct ksplice_reloc *r);
int ksplice_rewrite_init(void);
unsigned long ksplice_pv_slots(void);
bool ksplice_check_rewrite(struct ksplice_match_ctx *ctx,
			   const struct ksplice_rewrite *rw);
bool ksplice_check_range(struct ksplice_match_ctx *ctx, unsigned int start,
			 unsigned int end, long *bad);

/* keysites.c */
void ksplice_keysites_init(void);
const char *ksplice_keysites_problem(const struct ksplice_update *update,
				     const struct ksplice_new *kn);
int ksplice_keysites_link(struct ksplice_update *update, int t);
void ksplice_keysites_unlink(struct ksplice_update *update, int t,
			     bool restore);
int ksplice_keysites_link_loaded(struct ksplice_update *update);
void ksplice_keysites_unlink_all(struct ksplice_update *update, bool restore);

/* reloc.c */
unsigned int ksplice_reloc_size(unsigned int type);
bool ksplice_reloc_decode(unsigned int type, const u8 *field,
			  unsigned long place, long addend,
			  unsigned long *target);
bool ksplice_record_encode(const struct ksplice_update *update,
			   const struct ksplice_reloc *r, u64 *out);
int ksplice_finalize_init(void);
void ksplice_finalize_exit(void);

/* stack.c */
int ksplice_stack_precheck(struct ksplice_update *update);
void ksplice_stack_precheck_done(void);
int ksplice_stack_scan(struct ksplice_update *update);
void ksplice_stack_init(void);
void ksplice_stack_exit(void);

/* watch.c */
int ksplice_watch_start(void);
bool ksplice_watch_each(void (*fn)(struct task_struct *t, void *data),
			void *data);
void ksplice_watch_stop(void);
void ksplice_watch_init(void);
void ksplice_watch_exit(void);

/* modules.c */
int ksplice_modtarget_index(const struct ksplice_update *update,
			    const char *name);
bool ksplice_symbol_waits(const struct ksplice_update *update,
			  unsigned int sym);
int ksplice_modules_hold(struct ksplice_update *update);
void ksplice_modules_applied(struct ksplice_update *update);
void ksplice_modules_release(struct ksplice_update *update, bool reversed);
int ksplice_modules_init(void);
void ksplice_modules_exit(void);
void ksplice_poke_text(void *addr, const void *src, size_t len);

/* redirect.c */
int ksplice_redirect_init(void);
int ksplice_redirect_func(struct ksplice_func *func);
void ksplice_unredirect_func(struct ksplice_func *func);
const char *ksplice_redirect_kind(const struct ksplice_func *func);
struct kprobe *ksplice_kprobe_at(unsigned long addr);
int ksplice_kprobes_in(unsigned long addr, unsigned long len);
bool ksplice_kprobes_off(void);
int ksplice_redirect_install(struct ksplice_update *update);
void ksplice_redirect_remove(struct ksplice_update *update);
void ksplice_redirect_set(struct ksplice_redirect *r, unsigned long target,
			  bool stopped);
bool ksplice_redirect_intact(struct ksplice_update *update);
void ksplice_redirect_switch(struct ksplice_update *update, bool on);
void ksplice_redirect_take(struct ksplice_update *update);
void ksplice_redirect_unpatch(unsigned long addr, u8 *buf, unsigned long size);
unsigned long ksplice_redirect_missed(const struct ksplice_func *func);

/* direct.c */
int ksplice_direct_install(struct ksplice_redirect *r);
void ksplice_direct_remove(struct ksplice_redirect *r);
void ksplice_direct_set(struct ksplice_redirect *r, unsigned long target);
bool ksplice_direct_in_pool(unsigned long addr);

/* jump.c */
void ksplice_jump_init(void);
int ksplice_jump_install(struct ksplice_redirect *r, unsigned long size,
			 bool in_module);
void ksplice_jump_remove(struct ksplice_redirect *r);
bool ksplice_jump_intact(const struct ksplice_redirect *r);
void ksplice_jump_set(struct ksplice_redirect *r, unsigned long target,
		      bool stopped);
void ksplice_jump_unpatch(const struct ksplice_redirect *r, unsigned long addr,
			  u8 *buf, unsigned long size);

/* alias.c */
int ksplice_alias_map(struct ksplice_alias *alias, unsigned long addr,
		      unsigned long size, bool in_module);
void ksplice_alias_unmap(struct ksplice_alias *alias);

/* replace.c */
int ksplice_replace_prepare(struct ksplice_update *update,
			    struct ksplice_range **ranges,
			    unsigned int *nr_ranges);
void ksplice_replace_switch(struct ksplice_update *update);
void ksplice_replace_finish(struct ksplice_update *update);
void ksplice_replace_cancel(struct ksplice_update *update);
bool ksplice_replacing(const struct ksplice_update *update,
		       const struct ksplice_update *other);

/* inject.c: fault injection for tests */
bool ksplice_inject(const void *where);
/* An allocation that the test parameter fail_nth may make fail. */
#define KSPLICE_FALLIBLE(alloc)						\
	(ksplice_inject((void *)_THIS_IP_) ? NULL : (alloc))
/* ... and a call returning 0 or an error */
#define KSPLICE_FALLIBLE_CALL(call)					\
	(ksplice_inject((void *)_THIS_IP_) ? -ENOMEM : (call))

/* exports.c */
const char *ksplice_exports_problem(const struct ksplice_update *update,
				    const struct ksplice_new *kn);
int ksplice_exports_alloc(struct ksplice_update *update);
void ksplice_exports_free(struct ksplice_update *update);
int ksplice_exports_prepare(struct ksplice_update *update);
void ksplice_exports_cancel(struct ksplice_update *update);
void ksplice_exports_publish(struct ksplice_update *update);
int ksplice_exports_withdraw(struct ksplice_update *update,
			     struct ksplice_update *blame);
void ksplice_exports_module_live(struct module *mod);
ssize_t ksplice_exports_show(const struct ksplice_update *update, char *buf);

/* values.c */
struct ksplice_value_state;
const char *ksplice_values_problem(const struct ksplice_update *update,
				   const struct ksplice_new *kn);
int ksplice_values_alloc(struct ksplice_update *update);
void ksplice_values_free(struct ksplice_update *update);
int ksplice_values_prepare(struct ksplice_update *update, bool apply);
void ksplice_values_switch(struct ksplice_update *update, bool apply);
void ksplice_values_finish(struct ksplice_update *update);
int ksplice_values_module_coming(struct ksplice_update *update,
				 struct module *mod);
void ksplice_values_module_going(struct ksplice_update *update,
				 struct module *mod);
int ksplice_values_init(void);

/* pin.c */
int ksplice_pin_init(void);
void ksplice_module_lock(void);
void ksplice_module_unlock(void);
struct module *ksplice_use_target(struct module *user, const char *name);
void ksplice_unuse_target(struct module *user, struct module *mod);
struct module_use *ksplice_hold(struct module *mod);
void ksplice_unhold(struct module_use *use);
int ksplice_pin(struct ksplice_update *update);
void ksplice_unpin(struct ksplice_update *update);
bool ksplice_unpin_reversed(struct ksplice_update *update);

/* hooks.c */
const char *ksplice_hooks_find(struct ksplice_update *update,
			       const struct module *mod, const Elf_Ehdr *hdr,
			       const Elf_Shdr *sechdrs);
int ksplice_run_hooks(struct ksplice_update *update,
		      enum ksplice_hook_kind kind);

/* shadow.c */
void ksplice_shadow_exit(void);

/* stacking.c */
int ksplice_collect_applied(struct ksplice_names *names);
bool ksplice_is_on_top(const struct ksplice_update *upper,
		       const struct ksplice_update *lower);
bool ksplice_leads_to(unsigned long old_addr, unsigned long addr);
struct ksplice_update *ksplice_update_on_top(const struct ksplice_update *lower);

/* apply.c */
int ksplice_apply(struct ksplice_update *update);
int ksplice_reverse(struct ksplice_update *update);

/* sysfs.c: the fine state of the diagram above, and the directories */
const char *ksplice_state(const struct ksplice_update *update);
int ksplice_sysfs_init(void);
void ksplice_sysfs_exit(void);
int ksplice_sysfs_add(struct ksplice_update *update);
void ksplice_sysfs_del(struct ksplice_update *update);
void ksplice_free_update(struct ksplice_update *update);

#endif /* KSPLICE_CORE_H */
