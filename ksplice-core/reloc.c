// SPDX-License-Identifier: GPL-2.0
/*
 * Relocation fields: decoding them in running code (matching),
 * and writing the new-code module's records while it is being loaded.
 *
 * The records are written from a kprobe on module_finalize(): the module
 * loader calls it after applying the module's own ELF relocations and
 * before it processes jump labels, static calls and ftrace sites, while
 * the module's memory is still writable.  module_finalize() itself
 * patches alternatives, retpolines and returns after our pre-handler.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/elf.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>

#include "core.h"

/*
 * The target T = S of a field at address place holding S + A or
 * S + A - P.  Returns false for an unknown type.
 */
bool ksplice_reloc_decode(unsigned int type, const u8 *field,
			  unsigned long place, long addend,
			  unsigned long *target)
{
	u32 v32;
	u64 v64;

	memcpy(&v32, field, sizeof(v32));
	switch (type) {
	case KSPLICE_R_PC32:
	case KSPLICE_R_PLT32:
		*target = place + (long)(s32)v32 - addend;
		return true;
	case KSPLICE_R_32S:
		*target = (unsigned long)(long)(s32)v32 - addend;
		return true;
	case KSPLICE_R_32:
		*target = (unsigned long)v32 - addend;
		return true;
	case KSPLICE_R_64:
		memcpy(&v64, field, sizeof(v64));
		*target = v64 - addend;
		return true;
	case KSPLICE_R_PC64:
		memcpy(&v64, field, sizeof(v64));
		*target = place + v64 - addend;
		return true;
	default:
		return false;
	}
}

/* The value a field of the given type holds, or false if it cannot. */
static bool ksplice_reloc_encode(unsigned int type, unsigned long sym,
				 long addend, unsigned long place, u64 *out)
{
	s64 v;

	switch (type) {
	case KSPLICE_R_64:
		*out = sym + addend;
		return true;
	case KSPLICE_R_PC64:
		*out = sym + addend - place;
		return true;
	case KSPLICE_R_32:
		*out = sym + addend;
		return *out == (u32)*out;
	case KSPLICE_R_32S:
		v = (s64)(sym + addend);
		*out = (u32)v;
		return v == (s32)v;
	case KSPLICE_R_PC32:
	case KSPLICE_R_PLT32:
		v = (s64)(sym + addend - place);
		*out = (u32)v;
		return v == (s32)v;
	default:
		return false;
	}
}

/* Does the loader read place as a jump label or static call entry? */
static bool ksplice_in_loader_tables(const struct module *mod,
				     unsigned long place)
{
	unsigned long start;

#ifdef CONFIG_JUMP_LABEL
	start = (unsigned long)mod->jump_entries;
	if (place - start < mod->num_jump_entries * sizeof(struct jump_entry))
		return true;
#endif
#ifdef CONFIG_HAVE_STATIC_CALL_INLINE
	start = (unsigned long)mod->static_call_sites;
	if (place - start <
	    mod->num_static_call_sites * sizeof(struct static_call_site))
		return true;
#endif
	return false;
}

/*
 * The value of a record: true to write it, false with *out untouched for
 * one that waits for its module (written when it loads, modules.c), or
 * -EINVAL with update->finalize_msg set.
 */
static int ksplice_record_value(struct ksplice_update *update,
				struct module *mod,
				const struct ksplice_reloc *r, u64 *out)
{
	unsigned int size = ksplice_reloc_field_size(r->type);

	if (!size) {
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "record at %lx: unknown type %u", r->place, r->type);
		return -EINVAL;
	}
	if (r->symbol >= update->nr_values) {
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "record at %lx: bad symbol index %u",
			 r->place, r->symbol);
		return -EINVAL;
	}
	if (!update->known[r->symbol] &&
	    ksplice_symbol_waits(update, r->symbol)) {
		if (!ksplice_in_loader_tables(mod, r->place))
			return false;
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "a jump label or static call of the new code uses %s of module %s, which is not loaded",
			 update->helper->symbols[r->symbol].name,
			 update->helper->symbols[r->symbol].target);
		return -ENODEV;
	}
	if (!update->known[r->symbol]) {
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "record at %lx: symbol %u was not found",
			 r->place, r->symbol);
		return -EINVAL;
	}
	if (!within_module(r->place, mod) ||
	    !within_module(r->place + size - 1, mod)) {
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "record at %lx: outside the module", r->place);
		return -EINVAL;
	}
	if (!ksplice_record_encode(update, r, out)) {
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "record at %lx: value of symbol %u out of range for type %u",
			 r->place, r->symbol, r->type);
		return -EINVAL;
	}
	return true;
}

/* Check every record first, then write them all: all or nothing. */
static int ksplice_write_records(struct ksplice_update *update,
				 struct module *mod,
				 const struct ksplice_new *kn)
{
	const struct ksplice_reloc *r;
	unsigned int i;
	int ret;
	u64 v;

	if (!ksplice_new_relocs_valid(mod, kn)) {
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "records outside the module");
		return -EINVAL;
	}
	for (i = 0; i < kn->nr_relocs; i++) {
		ret = ksplice_record_value(update, mod, &kn->relocs[i], &v);
		if (ret < 0)
			return ret;
	}
	for (i = 0; i < kn->nr_relocs; i++) {
		r = &kn->relocs[i];
		if (ksplice_record_value(update, mod, r, &v) > 0)
			memcpy((void *)r->place, &v,
			       ksplice_reloc_field_size(r->type));
	}
	return 0;
}

/**
 * ksplice_record_encode() - the value a new-code record holds now
 * @update:	the update, its symbol values known
 * @r:		one of its new-code module's records
 * @out:	the value, of the record's field size
 *
 * Return: whether the value fits the field.
 */
bool ksplice_record_encode(const struct ksplice_update *update,
			   const struct ksplice_reloc *r, u64 *out)
{
	return ksplice_reloc_encode(r->type, update->values[r->symbol],
				    r->addend, r->place, out);
}

static const Elf_Shdr *ksplice_find_section(const Elf_Ehdr *hdr,
					    const Elf_Shdr *sechdrs)
{
	const char *secstrings;
	unsigned int i;

	secstrings = (const char *)hdr + sechdrs[hdr->e_shstrndx].sh_offset;
	for (i = 1; i < hdr->e_shnum; i++)
		if ((sechdrs[i].sh_flags & SHF_ALLOC) &&
		    !strcmp(secstrings + sechdrs[i].sh_name,
			    KSPLICE_NEW_SECTION))
			return &sechdrs[i];
	return NULL;
}

/* Under ksplice_update_lock; sets update->finalize_*. */
static int ksplice_finalize_update(struct ksplice_update *update,
				   struct module *mod,
				   const struct ksplice_new *kn,
				   const Elf_Ehdr *hdr, const Elf_Shdr *sechdrs)
{
	const char *problem;

	update->finalize_msg[0] = '\0';
	update->finalized_mod = mod;
	if (!update->matched)
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "loaded before a successful match");
	else if (update->new)
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "the update already has new code");
	if (update->finalize_msg[0]) {
		update->finalize_err = -EINVAL;
		return update->finalize_err;
	}
	update->finalize_err = ksplice_write_records(update, mod, kn);
	problem = ksplice_hooks_find(update, mod, hdr, sechdrs);
	if (!update->finalize_err && problem) {
		snprintf(update->finalize_msg, sizeof(update->finalize_msg),
			 "%s", problem);
		update->finalize_err = -EINVAL;
	}
	return update->finalize_err;
}

static void ksplice_finalize_new(struct module *mod,
				 const struct ksplice_new *kn,
				 const Elf_Ehdr *hdr, const Elf_Shdr *sechdrs)
{
	struct ksplice_update *update = NULL;
	unsigned long flags;
	int ret = -EINVAL;

	spin_lock_irqsave(&ksplice_update_lock, flags);
	if (kn->format == KSPLICE_FORMAT_VERSION && kn->id)
		update = ksplice_find_update(kn->id);
	if (update)
		ret = ksplice_finalize_update(update, mod, kn, hdr, sechdrs);
	spin_unlock_irqrestore(&ksplice_update_lock, flags);

	if (!update && kn->format != KSPLICE_FORMAT_VERSION)
		pr_err("%s: %s has format %u, expected %u\n", mod->name,
		       KSPLICE_NEW_SECTION, kn->format, KSPLICE_FORMAT_VERSION);
	else if (!update)
		pr_err("%s: no helper registered for its update\n", mod->name);
	if (ret) {
		/*
		 * Fields were left zero: keep the loader from patching jump
		 * labels and static calls through them.  The module's init
		 * then fails in ksplice_register_new() and it is unloaded.
		 */
		mod->num_jump_entries = 0;
		mod->num_static_call_sites = 0;
	}
}

/* module_finalize(const Elf_Ehdr *hdr, const Elf_Shdr *sechdrs, mod) */
static int ksplice_finalize_pre(struct kprobe *p, struct pt_regs *regs)
{
	const Elf_Ehdr *hdr = (const Elf_Ehdr *)regs->di;
	const Elf_Shdr *sechdrs = (const Elf_Shdr *)regs->si;
	struct module *mod = (struct module *)regs->dx;
	const Elf_Shdr *sec;

	sec = ksplice_find_section(hdr, sechdrs);
	if (!sec)
		return 0;
	if (sec->sh_size < sizeof(struct ksplice_new)) {
		pr_err("%s: %s too small\n", mod->name, KSPLICE_NEW_SECTION);
		mod->num_jump_entries = 0;
		mod->num_static_call_sites = 0;
		return 0;
	}
	ksplice_finalize_new(mod, (const struct ksplice_new *)sec->sh_addr, hdr,
			     sechdrs);
	return 0;
}
NOKPROBE_SYMBOL(ksplice_finalize_pre);

static struct kprobe ksplice_finalize_kp = {
	.symbol_name = "module_finalize",
	.pre_handler = ksplice_finalize_pre,
};

int ksplice_finalize_init(void)
{
	int ret = register_kprobe(&ksplice_finalize_kp);

	if (ret)
		pr_err("cannot probe module_finalize: %d\n", ret);
	return ret;
}

void ksplice_finalize_exit(void)
{
	unregister_kprobe(&ksplice_finalize_kp);
}
