// SPDX-License-Identifier: GPL-2.0
/*
 * badhelper.c - test module that registers a helper with one malformed
 * record (module parameter bad=<what>), which the core must refuse
 * without reading outside the module; bad=none registers a well-formed
 * helper with nothing to match.  bad=prefix has a section with the
 * running int_sqrt's first 16 bytes, which must not match: the running
 * function goes on; bad=whole has all of them up to its int3 padding;
 * bad=prefixext has the prefix with an extent past the running function
 * (the object goes on there), which matches.
 * bad=needed has no section and one symbol the new code would need,
 * int_sqrt, found by name alone.  bad=pvright and bad=pvwrong have the
 * running __flush_tlb_all with a paravirt call site as compiled behind a
 * window of its pv_ops slot (which must match) or of the next slot
 * (which must not).
 */
#include <generated/utsrelease.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/paravirt.h>
#include <asm/tlbflush.h>

#include "ksplice-format.h"

static char *bad = "none";
module_param(bad, charp, 0400);

static const unsigned char code[16];
static const unsigned char content[4] = "abc";

static struct ksplice_symbol symbols[] = {
	{ .name = "ksplice_badin_nothing" },
};

static struct ksplice_reloc relocs[] = {
	{ .place = 4, .symbol = 0, .type = KSPLICE_R_PC32,
	  .content = content, .content_len = sizeof(content) },
};

static struct ksplice_rewrite rewrites[] = {
	{ .offset = 0, .len = 5, .kind = KSPLICE_RW_FENTRY },
};

static const unsigned char repl[2] = { 0xe8 };

static const struct ksplice_reloc repl_relocs[] = {
	{ .place = 1, .symbol = 0, .type = KSPLICE_R_PC32 },
};

static const struct ksplice_rewrite replreloc = {
	.offset = 0, .len = 5, .kind = KSPLICE_RW_ALTERNATIVE,
	.repl_len = sizeof(repl), .repl = repl,
	.repl_relocs = repl_relocs, .nr_repl_relocs = 1,
};

static const struct ksplice_rewrite pvslot = {
	.offset = 0, .len = 6, .kind = KSPLICE_RW_PARAVIRT,
	.target = 0x10000000,
};

static struct ksplice_section sections[] = {
	{ .name = "ksplice_badin_nothing", .object = "badin.o", .code = code,
	  .size = sizeof(code), .relocs = relocs, .nr_relocs = 1,
	  .rewrites = rewrites, .nr_rewrites = 1, .symbol = 0 },
};

static struct ksplice_helper helper = {
	.format = KSPLICE_FORMAT_VERSION,
	.id = "badin",
	.kernel_release = UTS_RELEASE,
	.symbols = symbols,
	.nr_symbols = ARRAY_SIZE(symbols),
	.owner = THIS_MODULE,
};

static unsigned char fn_code[KSYM_SYMBOL_LEN];

/* A REPLACED section with the first size bytes of the running fn. */
static void badhelper_copy(const char *name, const void *fn,
			   unsigned long size)
{
	memcpy(fn_code, fn, size);
	symbols[0].name = name;
	sections[0].name = name;
	sections[0].code = fn_code;
	sections[0].size = size;
	sections[0].nr_relocs = 0;
	sections[0].nr_rewrites = 0;
	sections[0].flags = KSPLICE_SECT_REPLACED;
}

/* fn's length up to the int3 padding kallsyms counts in it, or 0. */
static unsigned long badhelper_size(const void *fn)
{
	char buf[KSYM_SYMBOL_LEN];
	const unsigned char *p = fn;
	unsigned long size;
	char *slash;

	sprint_symbol(buf, (unsigned long)fn);
	slash = strchr(buf, '/');
	if (!slash || kstrtoul(slash + 1, 16, &size) ||
	    size > sizeof(fn_code))
		return 0;
	while (size && p[size - 1] == 0xcc)
		size--;
	return size;
}

/*
 * The running __flush_tlb_all, with its paravirt call of
 * mmu.flush_tlb_user (patched at boot into a direct call + NOP) put back
 * into the compiled form, call *pv_ops+slot(%rip) with the field zeroed
 * and no relocation record, behind a paravirt window of the slot + delta.
 */
static bool badhelper_pv(unsigned long delta)
{
	unsigned long fn = (unsigned long)pv_ops.mmu.flush_tlb_user;
	unsigned long size = badhelper_size(__flush_tlb_all), i;
	const unsigned char *p = (const unsigned char *)__flush_tlb_all;
	s32 disp;

	for (i = 0; i + 6 <= size; i++) {
		memcpy(&disp, p + i + 1, sizeof(disp));
		if (p[i] == 0xe8 && (unsigned long)p + i + 5 + disp == fn)
			break;
	}
	if (i + 6 > size)
		return false;
	badhelper_copy("__flush_tlb_all", __flush_tlb_all, size);
	fn_code[i] = 0xff;
	fn_code[i + 1] = 0x15;
	memset(fn_code + i + 2, 0, 4);
	rewrites[0].offset = i;
	rewrites[0].len = 6;
	rewrites[0].kind = KSPLICE_RW_PARAVIRT;
	rewrites[0].target = PARAVIRT_PATCH(mmu.flush_tlb_user) + delta;
	sections[0].nr_rewrites = 1;
	pr_info("badhelper: paravirt call at __flush_tlb_all+0x%lx\n", i);
	return true;
}

/* Make the record that bad names malformed; false if bad is unknown. */
static bool badhelper_break(void)
{
	if (!strcmp(bad, "none"))
		return true;
	if (!strcmp(bad, "needed")) {
		symbols[0].name = "int_sqrt";
		symbols[0].flags = KSPLICE_SYM_NEEDED;
		return true;
	}
	helper.sections = sections;
	helper.nr_sections = ARRAY_SIZE(sections);
	if (!strcmp(bad, "place"))
		relocs[0].place = ULONG_MAX - 1;	/* place + 4 wraps */
	else if (!strcmp(bad, "window"))
		rewrites[0].offset = UINT_MAX - 1;	/* offset + len wraps */
	else if (!strcmp(bad, "kind"))
		rewrites[0].kind = 99;
	else if (!strcmp(bad, "content"))
		relocs[0].content = (const unsigned char *)&jiffies;
	else if (!strcmp(bad, "count"))
		helper.nr_symbols = 0x10000000;
	else if (!strcmp(bad, "name"))
		sections[0].name = (const char *)&jiffies;
	else if (!strcmp(bad, "owner"))
		helper.owner = NULL;
	else if (!strcmp(bad, "format"))
		helper.format = KSPLICE_FORMAT_VERSION + 1;
	else if (!strcmp(bad, "replreloc"))
		rewrites[0] = replreloc;	/* its field ends past repl */
	else if (!strcmp(bad, "pvslot"))
		rewrites[0] = pvslot;		/* a slot pv_ops lacks */
	else if (!strcmp(bad, "extent"))
		sections[0].extent = sections[0].size;	/* not past it */
	else if (!strcmp(bad, "prefix"))
		badhelper_copy("int_sqrt", int_sqrt, 16);
	else if (!strcmp(bad, "prefixext") && badhelper_size(int_sqrt)) {
		/* the object goes on past the prefix: weak code, say */
		badhelper_copy("int_sqrt", int_sqrt, 16);
		sections[0].extent = badhelper_size(int_sqrt) + 64;
	}
	else if (!strcmp(bad, "whole") && badhelper_size(int_sqrt))
		badhelper_copy("int_sqrt", int_sqrt, badhelper_size(int_sqrt));
	else if (!strcmp(bad, "pvright"))
		return badhelper_pv(0);
	else if (!strcmp(bad, "pvwrong"))
		return badhelper_pv(1);
	else
		return false;
	return true;
}

static int __init badhelper_init(void)
{
	if (!badhelper_break())
		return -EINVAL;
	return ksplice_register_helper(&helper);
}

static void __exit badhelper_exit(void)
{
	ksplice_unregister_helper(&helper);
}

module_init(badhelper_init);
module_exit(badhelper_exit);
MODULE_DESCRIPTION("ksplice test bed: a helper with a malformed record");
MODULE_LICENSE("GPL");
