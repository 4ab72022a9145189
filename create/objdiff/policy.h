/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - what the kernel does with each section of an object built
 * into vmlinux: the one place that knows which code runs after boot,
 * which data the kernel reads only at boot, and which sections never
 * reach the running kernel.
 */
#ifndef OBJDIFF_POLICY_H
#define OBJDIFF_POLICY_H

#include <stdbool.h>

#include "elf.h"

enum code_class {
	CODE_RUNTIME,	/* ordinary text: can be replaced */
	CODE_INIT,	/* __init: ran at boot and was freed */
	CODE_EXIT,	/* __exit of built-in code: discarded at link time */
	CODE_NOINSTR,	/* noinstr and entry code: cannot be redirected */
};

enum data_class {
	DATA_RUNTIME,	/* variables and read-only data of the running kernel */
	DATA_PERCPU,	/* per-CPU variables: offsets into each CPU's area */
	DATA_INIT,	/* __initdata, __initconst: used at boot only */
	DATA_EXIT,	/* __exitdata: discarded with __exit code */
	DATA_BOOT,	/* tables the kernel reads once, at boot (initcalls,
			 * __setup, module parameters): a change cannot take
			 * effect in a running kernel */
	DATA_EXPORT,	/* export tables, compared by exported name */
	DATA_TABLE,	/* a special table (special.h), compared per function */
	DATA_FRESH,	/* __dyndbg: the new code gets its own copy */
	DATA_UNKNOWN,	/* a table ksplice does not know (.pci_fixup_header,
			 * __tracepoints...): its entries may have no names,
			 * and a change to it would not reach whatever
			 * walked it: any difference is refused */
	DATA_IGNORED,	/* never in memory: debug info, notes, .modinfo */
};

/*
 * Read the target's kernel configuration (CONFIG_MEMORY_HOTPLUG keeps
 * __meminit code); NULL: the defaults of Debian's kernels.
 */
void policy_init(const char *kconfig);

/* Does the kernel version its exports (CONFIG_MODVERSIONS)? */
bool policy_modversions(void);

/* A pointer that only keeps a symbol referenced (__ADDRESSABLE). */
bool data_is_anchor(const struct ksym *sym);

/*
 * [start, start+size) of sec: data whose address the new code may hand on
 * without its module having to outlive a reversal (text constants,
 * dynamic debug entries).
 */
bool data_address_is_transient(const struct ksec *sec, unsigned long start,
			       unsigned long size);

/*
 * Does the kernel function callee keep a name pointer it is given (a
 * string literal of the new code then outlives the module)?
 */
bool call_keeps_name(const char *callee);

/*
 * [start, start+size) of sec: text (string literals, a const char array
 * of text), which names and messages are made of.
 */
bool data_is_text(const struct ksec *sec, unsigned long start,
		  unsigned long size);

enum code_class code_class(const struct ksec *sec);
enum data_class data_class(const struct ksec *sec);

#endif /* OBJDIFF_POLICY_H */
