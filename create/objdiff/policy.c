// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - section classes of an object built into vmlinux or into a
 * module (whose exit code and data stay until it is unloaded).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "special.h"
#include "util.h"

/* Debian's kernels set CONFIG_MEMORY_HOTPLUG: __meminit is runtime code. */
static bool memory_hotplug = true;
/* ... and CONFIG_MODVERSIONS: exports carry a symbol version. */
static bool modversions = true;

void policy_init(const char *kconfig)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (!kconfig)
		return;
	f = fopen(kconfig, "r");
	if (!f)
		fatal(EXIT_ERROR, "%s: %s", kconfig, strerror(errno));
	memory_hotplug = false;
	modversions = false;
	while (getline(&line, &cap, f) > 0) {
		if (!strcmp(line, "CONFIG_MEMORY_HOTPLUG=y\n"))
			memory_hotplug = true;
		if (!strcmp(line, "CONFIG_MODVERSIONS=y\n"))
			modversions = true;
	}
	free(line);
	fclose(f);
}

/* ".init.text", ".init.text.foo" (with -ffunction-sections)... */
static bool sec_in(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && (name[n] == '\0' || name[n] == '.');
}

enum code_class code_class(const struct ksec *sec)
{
	const char *n = sec->name;

	if (sec_in(n, ".init.text") || sec_in(n, ".head.text") ||
	    sec_in(n, ".init.rodata"))
		return CODE_INIT;
	if (sec_in(n, ".meminit.text"))
		return memory_hotplug ? CODE_RUNTIME : CODE_INIT;
	/* a module's exit code runs when it is unloaded */
	if (sec_in(n, ".exit.text"))
		return sec->obj->target ? CODE_RUNTIME : CODE_EXIT;
	if (sec_in(n, ".noinstr.text") || sec_in(n, ".entry.text"))
		return CODE_NOINSTR;
	/* .ref.text (__ref) is runtime code that may call init code. */
	return CODE_RUNTIME;
}

/*
 * The compiler's own data sections (and the kernel's variants of them:
 * .data..read_mostly, .data.once, .rodata.str1.1...), whose contents are
 * variables and constants.  Any other allocated section is a table that
 * some part of the kernel walks (.pci_fixup_header, __tracepoints...).
 */
static bool plain_data_section(const char *n)
{
	static const char * const plain[] = {
		".data", ".rodata", ".bss", ".tdata", ".tbss", ".init.",
		".exit.", ".meminit.", ".ref.",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(plain); i++)
		if (starts_with(n, plain[i]))
			return true;
	return false;
}

enum data_class data_class(const struct ksec *sec)
{
	static const char * const boot[] = {
		"__param", ".initcall", ".con_initcall", ".init.setup",
		"__setup", ".security_initcall", ".init_array", ".ctors",
	};
	static const char * const ignored[] = {
		".debug", ".note", ".comment", ".discard", ".modinfo",
		".BTF", ".llvm",
	};
	const char *n = sec->name;
	size_t i;

	if (!sec->alloc)
		return DATA_IGNORED;
	for (i = 0; i < ARRAY_SIZE(ignored); i++)
		if (starts_with(n, ignored[i]))
			return DATA_IGNORED;
	if (starts_with(n, "__ksymtab") || starts_with(n, "___ksymtab") ||
	    starts_with(n, "__kstrtab") || starts_with(n, "__kcrctab"))
		return DATA_EXPORT;
	for (i = 0; i < ARRAY_SIZE(boot); i++)
		if (starts_with(n, boot[i]))
			return DATA_BOOT;
	if (sec_in(n, ".init.data") || sec_in(n, ".init.rodata") ||
	    sec_in(n, ".init.bss"))
		return DATA_INIT;
	if (sec_in(n, ".meminit.data") || sec_in(n, ".meminit.rodata"))
		return memory_hotplug ? DATA_RUNTIME : DATA_INIT;
	if (sec_in(n, ".exit.data"))
		return sec->obj->target ? DATA_RUNTIME : DATA_EXIT;
	if (!strcmp(n, "__dyndbg"))
		return DATA_FRESH;
	if (sec_in(n, ".data..percpu"))
		return DATA_PERCPU;
	if (special_find(n) || special_companion(n))
		return DATA_TABLE;
	if (!plain_data_section(n))
		return DATA_UNKNOWN;
	return DATA_RUNTIME;
}

bool policy_modversions(void)
{
	return modversions;
}

/*
 * __ADDRESSABLE(sym) (module_exit(), EXPORT_SYMBOL...) makes a pointer
 * named __UNIQUE_ID___addressable_<sym><N> that nothing reads: it only
 * keeps sym referenced.  N follows __COUNTER__, which moves whenever a
 * patch adds one above it.
 */
bool data_is_anchor(const struct ksym *sym)
{
	return starts_with(sym->name, "__UNIQUE_ID___addressable_");
}

/*
 * [start, start+size) of read-only sec: text, NUL-terminated, and nothing
 * else (a literal padded with NULs to an array's size, or several in a
 * row in an unnamed .rodata).
 */
static bool is_text_constant(const struct ksec *sec, unsigned long start,
			     unsigned long size)
{
	const unsigned char *b = sec->data + start;
	size_t first;
	unsigned long i;

	if (sec->writable || sec->nobits || size < 2 ||
	    start + size > sec->size || !b[0] || b[size - 1] ||
	    rels_in(sec, start, start + size, &first))
		return false;
	for (i = 0; i < size; i++)
		if (b[i] && !isprint(b[i]) && !isspace(b[i]))
			return false;
	return true;
}

/*
 * Where new code hands on the address of its own data, the kernel may keep
 * it past a reversal (plan.c keeps the module then).  Two kinds are
 * exempt, as the kernel treats them so for every module:
 *  - text constants: string literals (.rodata.str*) and const char arrays
 *    of text.  Format strings and names go to printers or are copied by
 *    the API (kstrdup_const() copies a module's strings: kmem_cache_create(),
 *    kobject names...).  The exceptions are APIs that store a name
 *    pointer as it is (request_region(), request_irq()): their callers
 *    release them before their module goes, which old code after a
 *    reversal does not do.  A literal that a replaced function already
 *    used is taken from the running kernel (strings.c); a literal new to
 *    the object, stored so, is not caught here.
 *  - __dyndbg: pr_debug()'s entry, handed to the dynamic debug printers;
 *    the loader registers the module's table and removes it on unload.
 */
bool data_address_is_transient(const struct ksec *sec, unsigned long start,
			       unsigned long size)
{
	return !strcmp(sec->name, "__dyndbg") || data_is_text(sec, start, size);
}

bool data_is_text(const struct ksec *sec, unsigned long start,
		  unsigned long size)
{
	return (sec->merge && sec->strings) ||
	       is_text_constant(sec, start, size);
}

/*
 * Functions of the kernel that keep the name pointer they are given as it
 * is, not a copy (res->name, action->name, cls->name), until the caller
 * releases what it claimed; and wrappers that hand a name on to one.
 * The macros and inline functions users call (request_region(),
 * request_mem_region(), request_irq(), devm_request_irq(),
 * class_create()) compile to calls of these.
 */
static const char *const name_keepers[] = {
	"__request_region", "__devm_request_region", "get_free_mem_region",
	"request_threaded_irq", "request_any_context_irq", "request_nmi",
	"__request_percpu_irq", "request_percpu_nmi",
	"devm_request_threaded_irq", "devm_request_any_context_irq",
	"__class_create",
	"pci_request_region", "pci_request_regions",
	"pci_request_regions_exclusive", "pci_request_selected_regions",
	"pci_request_selected_regions_exclusive", "pcim_iomap_regions",
	"pcim_iomap_regions_request_all",
};

bool call_keeps_name(const char *callee)
{
	size_t i;

	for (i = 0; i < sizeof(name_keepers) / sizeof(name_keepers[0]); i++)
		if (!strcmp(callee, name_keepers[i]))
			return true;
	return false;
}
