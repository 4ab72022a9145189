// SPDX-License-Identifier: GPL-2.0
/*
 * badhelper.c - test module that registers a helper with one malformed
 * record (module parameter bad=<what>), which the core must refuse
 * without reading outside the module; bad=none registers a well-formed
 * helper with nothing to match.  bad=prefix has a section with the
 * running int_sqrt's first 16 bytes, which must not match: the running
 * function goes on; bad=whole has all of them up to its int3 padding.
 * bad=needed has no section and one symbol the new code would need,
 * int_sqrt, found by name alone.
 */
#include <generated/utsrelease.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/module.h>
#include <linux/string.h>

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

static unsigned char sqrt_code[KSYM_SYMBOL_LEN];

/* A REPLACED section with the first size bytes of the running int_sqrt. */
static void badhelper_sqrt(unsigned long size)
{
	memcpy(sqrt_code, (const void *)int_sqrt, size);
	symbols[0].name = "int_sqrt";
	sections[0].name = "int_sqrt";
	sections[0].code = sqrt_code;
	sections[0].size = size;
	sections[0].nr_relocs = 0;
	sections[0].nr_rewrites = 0;
	sections[0].flags = KSPLICE_SECT_REPLACED;
}

/* int_sqrt's length up to the int3 padding kallsyms counts in it. */
static unsigned long badhelper_sqrt_size(void)
{
	char buf[KSYM_SYMBOL_LEN];
	const unsigned char *p = (const unsigned char *)int_sqrt;
	unsigned long size;
	char *slash;

	sprint_symbol(buf, (unsigned long)int_sqrt);
	slash = strchr(buf, '/');
	if (!slash || kstrtoul(slash + 1, 16, &size) ||
	    size > sizeof(sqrt_code))
		return 0;
	while (size && p[size - 1] == 0xcc)
		size--;
	return size;
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
	else if (!strcmp(bad, "prefix"))
		badhelper_sqrt(16);
	else if (!strcmp(bad, "whole") && badhelper_sqrt_size())
		badhelper_sqrt(badhelper_sqrt_size());
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
