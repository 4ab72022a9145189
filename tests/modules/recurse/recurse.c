// SPDX-License-Identifier: GPL-2.0
/*
 * recurse.c - test module that calls int_sqrt() twice: once plainly, and
 * once as from inside an ftrace callback that the list function already
 * entered twice in this context (both of its recursion bits set), where
 * the list function skips every callback of the function called.  Logs
 * both results and stays loaded until removed.
 */
#include <linux/init.h>
#include <linux/math.h>
#include <linux/module.h>
#include <linux/trace_recursion.h>

/* int_sqrt(RECURSE_X) is 39907; tests/patches/sqrt-recurse.patch: 42 */
#define RECURSE_X	1592614637UL

static noinline unsigned long recurse_plain(void)
{
	unsigned long y = int_sqrt(RECURSE_X);

	barrier();	/* a call, not a tail jump: the trace shows us */
	return y;
}

static noinline unsigned long recurse_nested(void)
{
	int bit = TRACE_LIST_START + trace_get_context_bit();
	int transition = TRACE_LIST_START + TRACE_CTX_TRANSITION;
	unsigned long y;

	trace_recursion_set(bit);
	trace_recursion_set(transition);
	y = int_sqrt(RECURSE_X);
	trace_recursion_clear(transition);
	trace_recursion_clear(bit);
	return y;
}

static int __init recurse_init(void)
{
	unsigned long plain = recurse_plain();

	pr_info("ksplice-test-recurse: plain=%lu nested=%lu\n", plain,
		recurse_nested());
	return 0;
}

static void __exit recurse_exit(void)
{
}

module_init(recurse_init);
module_exit(recurse_exit);
MODULE_DESCRIPTION("ksplice test bed: a call that ftrace's recursion guard skips");
MODULE_LICENSE("GPL");
