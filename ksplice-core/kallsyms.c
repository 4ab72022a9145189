// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol lookups in the running kernel.
 *
 * kallsyms_lookup_name() and kallsyms_on_each_symbol() are not exported
 * in 6.1.  Registering a kprobe on "kallsyms_lookup_name" makes kprobes
 * resolve its address for us; everything else is found through it.  The
 * kprobe is registered disabled, so that nothing has to be armed (which
 * needs ftrace at a function's entry).
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/bsearch.h>
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "core.h"

typedef unsigned long (*lookup_name_t)(const char *name);
typedef int (*on_each_symbol_t)(int (*fn)(void *, const char *,
					  struct module *, unsigned long),
				void *data);
typedef struct task_struct *(*idle_task_t)(int cpu);
typedef int (*size_offset_t)(unsigned long addr, unsigned long *size,
			     unsigned long *offset);
typedef int (*save_reliable_t)(struct task_struct *tsk, unsigned long *store,
			       unsigned int size);

static lookup_name_t ksplice_kallsyms_lookup_name;
static on_each_symbol_t ksplice_kallsyms_on_each_symbol;
static on_each_symbol_t ksplice_module_kallsyms_on_each_symbol;
static idle_task_t ksplice_idle_task_fn;
static size_offset_t ksplice_size_offset_fn;
static save_reliable_t ksplice_save_reliable_fn;
static unsigned long ksplice_trampoline_addrs[KSPLICE_NR_TRAMPOLINES];

int ksplice_kallsyms_init(void)
{
	/* registered disabled: only its address is wanted, never a hit */
	struct kprobe kp = {
		.symbol_name = "kallsyms_lookup_name",
		.flags = KPROBE_FLAG_DISABLED,
	};
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot find kallsyms_lookup_name: %d\n", ret);
		return ret;
	}
	ksplice_kallsyms_lookup_name = (lookup_name_t)kp.addr;
	unregister_kprobe(&kp);

	ksplice_kallsyms_on_each_symbol = (on_each_symbol_t)
		ksplice_lookup_name("kallsyms_on_each_symbol");
	ksplice_module_kallsyms_on_each_symbol = (on_each_symbol_t)
		ksplice_lookup_name("module_kallsyms_on_each_symbol");
	ksplice_idle_task_fn = (idle_task_t)ksplice_lookup_name("idle_task");
	ksplice_size_offset_fn = (size_offset_t)
		ksplice_lookup_name("kallsyms_lookup_size_offset");
	if (!ksplice_kallsyms_on_each_symbol ||
	    !ksplice_module_kallsyms_on_each_symbol ||
	    !ksplice_idle_task_fn || !ksplice_size_offset_fn) {
		pr_err("cannot find (module_)kallsyms_on_each_symbol, kallsyms_lookup_size_offset or idle_task\n");
		return -ENOENT;
	}
	ksplice_save_reliable_fn = (save_reliable_t)
		ksplice_lookup_name("stack_trace_save_tsk_reliable");
	if (!ksplice_save_reliable_fn)
		pr_warn("no reliable stack unwinder: stacks are scanned word by word\n");
	/* where the function-graph tracer and kretprobes make tasks return */
	ksplice_trampoline_addrs[0] = ksplice_lookup_name("return_to_handler");
	ksplice_trampoline_addrs[1] =
		ksplice_lookup_name("arch_rethook_trampoline");
	ksplice_trampoline_addrs[2] =
		ksplice_lookup_name("__kretprobe_trampoline");
	return 0;
}

const unsigned long *ksplice_trampolines(void)
{
	return ksplice_trampoline_addrs;
}

unsigned long ksplice_lookup_name(const char *name)
{
	return ksplice_kallsyms_lookup_name(name);
}

/**
 * ksplice_symbol_size() - the extent kallsyms gives a symbol
 * @addr:	the symbol's address
 * @size:	set to the distance to the next symbol (the function and
 *		the padding after it)
 *
 * Return: whether kallsyms knows a symbol that starts at @addr.
 */
bool ksplice_symbol_size(unsigned long addr, unsigned long *size)
{
	unsigned long offset;

	return ksplice_size_offset_fn(addr, size, &offset) && !offset;
}

struct task_struct *ksplice_idle_task(int cpu)
{
	return ksplice_idle_task_fn(cpu);
}

/**
 * ksplice_stack_reliable() - the return addresses of a task's stack
 * @tsk:	a task that is not running, or current
 * @store:	where to put them
 * @size:	room in @store
 *
 * The kernel's reliable unwinder (ORC), which also recovers the return
 * addresses that the function-graph tracer and kretprobes hide behind
 * their trampolines.
 *
 * Return: the number of entries (0 for a task without a stack), or a
 * negative error when the stack cannot be walked reliably or there is no
 * reliable unwinder.
 */
int ksplice_stack_reliable(struct task_struct *tsk, unsigned long *store,
			   unsigned int size)
{
	if (!ksplice_save_reliable_fn)
		return -EOPNOTSUPP;
	return ksplice_save_reliable_fn(tsk, store, size);
}

/*
 * A set of names and, after ksplice_names_collect(), every address that
 * kallsyms gives each of them in vmlinux.  Names are added first (in any
 * order, duplicates allowed); collecting sorts them and drops duplicates.
 */
int ksplice_names_add(struct ksplice_names *names, const char *name)
{
	struct ksplice_name *n;

	n = KSPLICE_FALLIBLE(krealloc_array(names->names, names->nr + 1,
					    sizeof(*n), GFP_KERNEL));
	if (!n)
		return -ENOMEM;
	names->names = n;
	memset(&n[names->nr], 0, sizeof(*n));
	n[names->nr].name = name;
	names->nr++;
	return 0;
}

static int ksplice_name_cmp(const void *a, const void *b)
{
	const struct ksplice_name *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int ksplice_name_key_cmp(const void *key, const void *elt)
{
	const struct ksplice_name *n = elt;

	return strcmp(key, n->name);
}

struct ksplice_name *ksplice_names_find(struct ksplice_names *names,
					const char *name)
{
	return bsearch(name, names->names, names->nr, sizeof(*names->names),
		       ksplice_name_key_cmp);
}

int ksplice_name_append(struct ksplice_name *n, unsigned long addr)
{
	unsigned long *a;
	unsigned int i;

	for (i = 0; i < n->nr; i++)
		if (n->addrs[i] == addr)
			return 0;	/* aliases at one address count once */
	if (n->nr == n->cap) {
		a = KSPLICE_FALLIBLE(krealloc_array(n->addrs,
						    n->cap ? 2 * n->cap : 4,
						    sizeof(*a), GFP_KERNEL));
		if (!a)
			return -ENOMEM;
		n->addrs = a;
		n->cap = n->cap ? 2 * n->cap : 4;
	}
	n->addrs[n->nr++] = addr;
	return 0;
}

static int ksplice_collect_one(void *data, const char *name,
			       struct module *mod, unsigned long addr)
{
	struct ksplice_name *n;

	if (mod)
		return 0;
	n = ksplice_names_find(data, name);
	if (!n)
		return 0;
	return ksplice_name_append(n, addr);
}

/* Sort the names and drop duplicates, for ksplice_names_find(). */
void ksplice_names_sort(struct ksplice_names *names)
{
	unsigned int i, j;

	sort(names->names, names->nr, sizeof(*names->names),
	     ksplice_name_cmp, NULL);
	for (i = 0, j = 0; i < names->nr; i++) {
		if (j && !strcmp(names->names[j - 1].name,
				 names->names[i].name))
			continue;
		names->names[j++] = names->names[i];
	}
	names->nr = j;
}

/* One pass over vmlinux's kallsyms collecting the addresses of every name. */
int ksplice_names_collect(struct ksplice_names *names)
{
	unsigned int i;
	int ret;

	ksplice_names_sort(names);
	ret = ksplice_kallsyms_on_each_symbol(ksplice_collect_one, names);
	for (i = 0; i < names->nr; i++)
		names->names[i].nr_vmlinux = names->names[i].nr;
	return ret;
}

/**
 * ksplice_module_symbols() - walk the symbols of every loaded module
 * @fn:		called with each name, its module and its address; a
 *		non-zero return stops the walk and is returned
 * @data:	passed to @fn
 *
 * @fn runs under the module loader's module_mutex.
 *
 * Return: 0, or what @fn returned.
 */
int ksplice_module_symbols(int (*fn)(void *, const char *, struct module *,
				     unsigned long), void *data)
{
	return ksplice_module_kallsyms_on_each_symbol(fn, data);
}

void ksplice_names_free(struct ksplice_names *names)
{
	unsigned int i;

	for (i = 0; i < names->nr; i++)
		kfree(names->names[i].addrs);
	kfree(names->names);
	names->names = NULL;
	names->nr = 0;
}
