// SPDX-License-Identifier: GPL-2.0
/*
 * The ksplice core module: loading and unloading it.  The parts are
 * update.c (parameters, locks, the updates' lifetime), register.c (the
 * API the update modules call), check.c, reloc.c (the module loader
 * hook), match.c and rewrite.c (run-pre matching), stack.c, redirect.c,
 * pin.c, apply.c, replace.c, stacking.c, hooks.c, shadow.c, exports.c,
 * values.c, modules.c, keysites.c and sysfs.c.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/kernel.h>
#include <linux/module.h>

#include "core.h"

static int __init ksplice_init(void)
{
	int ret;

	ret = ksplice_kallsyms_init();
	if (ret)
		return ret;
	ret = ksplice_redirect_init();
	if (!ret)
		ret = ksplice_pin_init();
	if (!ret)
		ret = ksplice_check_init();
	if (!ret)
		ret = ksplice_rewrite_init();
	if (!ret)
		ret = ksplice_values_init();
	if (!ret) {
		ksplice_stack_init();
		ksplice_keysites_init();
	}
	if (ret)
		return ret;
	ret = ksplice_sysfs_init();
	if (ret)
		return ret;
	ret = ksplice_finalize_init();
	if (!ret) {
		ret = ksplice_modules_init();
		if (ret)
			ksplice_finalize_exit();
	}
	if (ret) {
		ksplice_sysfs_exit();
		return ret;
	}
	pr_info("ready\n");
	return 0;
}

static void __exit ksplice_exit(void)
{
	ksplice_modules_exit();
	ksplice_finalize_exit();
	ksplice_sysfs_exit();
	ksplice_shadow_exit();
	ksplice_stack_exit();
}

module_init(ksplice_init);
module_exit(ksplice_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksplice: rebootless kernel updates");
