// SPDX-License-Identifier: GPL-2.0
/*
 * useexport.c - test module that calls the two functions that
 * tests/patches/exports.patch exports: it loads only while an update
 * publishes them, and logs what they return.  Built against a symvers
 * file made from the update's contents (their symbol versions).
 */
#include <linux/init.h>
#include <linux/module.h>

int binfmt_misc_enabled(void);
int nr_processes(void);

static int __init useexport_init(void)
{
	pr_info("ksplice-test-useexport: enabled=%d processes=%d\n",
		binfmt_misc_enabled(), nr_processes());
	return 0;
}

static void __exit useexport_exit(void)
{
}

module_init(useexport_init);
module_exit(useexport_exit);
MODULE_DESCRIPTION("ksplice test: calls functions an update exports");
MODULE_LICENSE("GPL");
