// SPDX-License-Identifier: GPL-2.0
/*
 * hello.c - trivial test module: one line on load, one on unload.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init hello_init(void)
{
	pr_info("ksplice-test-hello: loaded\n");
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("ksplice-test-hello: unloaded\n");
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_DESCRIPTION("ksplice test bed: trivial module");
MODULE_LICENSE("GPL");
