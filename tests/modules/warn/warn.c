// SPDX-License-Identifier: GPL-2.0
/*
 * warn.c - test module whose init logs a kernel WARNING and fails, so
 * that the test bed's detection of kernel warnings can be tested.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init warn_init(void)
{
	WARN_ON(1);
	return -EINVAL;
}

module_init(warn_init);
MODULE_DESCRIPTION("ksplice test bed: module that warns on load");
MODULE_LICENSE("GPL");
