// SPDX-License-Identifier: GPL-2.0
/*
 * Writable aliases of read-only kernel memory, for writes inside
 * stop_machine(), where text_poke() cannot be used: the pages of an
 * object are mapped a second time, writable, before the machine stops
 * (vmap() may sleep), written through while every CPU is stopped, and
 * unmapped after.  Used for new values of read-only data (values.c) and
 * for the jumps written over old functions (jump.c).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "core.h"

/**
 * ksplice_alias_map() - map [addr, addr + size) a second time, writable
 * @alias:	filled in; ksplice_alias_unmap() undoes it
 * @addr:	the object, in vmlinux or in a module
 * @size:	its size
 * @in_module:	whether it is in a module (vmalloc'd) rather than vmlinux
 *
 * Return: 0, -ENOMEM, or -EFAULT when a page is not found.
 */
int ksplice_alias_map(struct ksplice_alias *alias, unsigned long addr,
		      unsigned long size, bool in_module)
{
	unsigned long start = addr & PAGE_MASK;
	unsigned int n = DIV_ROUND_UP(addr + size - start, PAGE_SIZE), i;
	struct page **pages;

	pages = KSPLICE_FALLIBLE(kcalloc(n, sizeof(*pages), GFP_KERNEL));
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		void *p = (void *)(start + i * PAGE_SIZE);

		pages[i] = in_module ? vmalloc_to_page(p) : virt_to_page(p);
		if (!pages[i]) {
			kfree(pages);
			return -EFAULT;
		}
	}
	alias->map = KSPLICE_FALLIBLE(vmap(pages, n, VM_MAP, PAGE_KERNEL));
	kfree(pages);
	if (!alias->map)
		return -ENOMEM;
	alias->p = (u8 *)alias->map + (addr - start);
	return 0;
}

/**
 * ksplice_alias_unmap() - drop the alias, if mapped
 * @alias:	an alias, mapped or not
 */
void ksplice_alias_unmap(struct ksplice_alias *alias)
{
	if (alias->map)
		vunmap(alias->map);
	alias->map = NULL;
	alias->p = NULL;
}
