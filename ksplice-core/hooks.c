// SPDX-License-Identifier: GPL-2.0
/*
 * The patch's hooks: functions of the new code that the core calls
 * around a switch (ksplice-format.h, HOOKS; include/ksplice-patch.h).
 *
 * The new-code module carries one section of pointers per kind of hook.
 * They are found while the module is being loaded (the module_finalize
 * probe, which sees its section headers) and checked to point into the
 * module's text; they stay valid while the module is loaded.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/module.h>

#include "core.h"

static const char * const ksplice_hook_sections[] = KSPLICE_HOOK_SECTIONS;
static_assert(ARRAY_SIZE(ksplice_hook_sections) == KSPLICE_NR_HOOKS);

/* The kinds whose hooks return int: a non-zero value stops the switch. */
static bool ksplice_hook_can_fail(enum ksplice_hook_kind kind)
{
	switch (kind) {
	case KSPLICE_HOOK_PRE_APPLY:
	case KSPLICE_HOOK_CHECK_APPLY:
	case KSPLICE_HOOK_PRE_REVERSE:
	case KSPLICE_HOOK_CHECK_REVERSE:
		return true;
	default:
		return false;
	}
}

/* A hook's name for messages: its section name without the prefix. */
static const char *ksplice_hook_name(enum ksplice_hook_kind kind)
{
	return ksplice_hook_sections[kind] +
	       sizeof(KSPLICE_HOOK_SEC_APPLY) - sizeof("apply");
}

/**
 * ksplice_hooks_find() - record the hooks of a new-code module
 * @update: the update the module belongs to (its hooks are set)
 * @mod: the module, being loaded
 * @hdr: its ELF header
 * @sechdrs: its section headers, with final addresses
 *
 * Called from the module_finalize probe, under ksplice_update_lock.
 *
 * Return: NULL, or what is wrong (a pointer outside the module's text).
 */
const char *ksplice_hooks_find(struct ksplice_update *update,
			       const struct module *mod, const Elf_Ehdr *hdr,
			       const Elf_Shdr *sechdrs)
{
	const char *secstrings = (const char *)hdr +
				 sechdrs[hdr->e_shstrndx].sh_offset;
	unsigned int i, j, k, n;
	void **fns;

	memset(update->hooks, 0, sizeof(update->hooks));
	memset(update->nr_hooks, 0, sizeof(update->nr_hooks));
	for (i = 1; i < hdr->e_shnum; i++) {
		if (!(sechdrs[i].sh_flags & SHF_ALLOC))
			continue;
		for (k = 0; k < KSPLICE_NR_HOOKS; k++)
			if (!strcmp(secstrings + sechdrs[i].sh_name,
				    ksplice_hook_sections[k]))
				break;
		if (k == KSPLICE_NR_HOOKS)
			continue;
		fns = (void **)sechdrs[i].sh_addr;
		n = sechdrs[i].sh_size / sizeof(*fns);
		while (n && !fns[n - 1])
			n--;	/* alignment padding */
		for (j = 0; j < n; j++)
			if (!ksplice_in_text(mod, fns[j], 1))
				return "a hook outside the module's text";
		update->hooks[k] = fns;
		update->nr_hooks[k] = n;
	}
	return NULL;
}

/**
 * ksplice_run_hooks() - call the update's hooks of one kind, in order
 * @update: an update with new code
 * @kind: which hooks
 *
 * For the kinds that can fail, the first hook that returns non-zero
 * stops the others and sets the update's cause, naming it.  May run
 * inside stop_machine (check_*, apply, reverse): only formats text.
 *
 * Return: 0, or what the failing hook returned (-ECANCELED for a
 * positive value).
 */
int ksplice_run_hooks(struct ksplice_update *update,
		      enum ksplice_hook_kind kind)
{
	unsigned int i;
	void *fn;
	int ret;

	for (i = 0; i < update->nr_hooks[kind]; i++) {
		fn = update->hooks[kind][i];
		if (!ksplice_hook_can_fail(kind)) {
			((void (*)(void))fn)();
			continue;
		}
		ret = ((int (*)(void))fn)();
		if (!ret)
			continue;
		ksplice_set_cause(update, KSPLICE_CALL_FAILED,
				  "%s hook %ps failed: %d",
				  ksplice_hook_name(kind), fn, ret);
		return ret < 0 ? ret : -ECANCELED;
	}
	return 0;
}
