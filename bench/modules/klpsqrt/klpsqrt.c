// SPDX-License-Identifier: GPL-2.0
/*
 * klpsqrt.c - bench/overhead's peer: the kernel's own livepatch replacing
 * int_sqrt() with the same algorithm, for comparing the cost of a call
 * of a replaced function.  Not part of ksplice.
 */
#include <linux/bitops.h>
#include <linux/livepatch.h>
#include <linux/module.h>

static unsigned long klpsqrt_int_sqrt(unsigned long x)
{
	unsigned long b, m, y = 0;

	if (x <= 1)
		return x;
	m = 1UL << (__fls(x) & ~1UL);
	while (m != 0) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

static struct klp_func klpsqrt_funcs[] = {
	{ .old_name = "int_sqrt", .new_func = klpsqrt_int_sqrt },
	{ }
};

static struct klp_object klpsqrt_objs[] = {
	{ .funcs = klpsqrt_funcs },	/* vmlinux */
	{ }
};

static struct klp_patch klpsqrt_patch = {
	.mod = THIS_MODULE,
	.objs = klpsqrt_objs,
};

static int __init klpsqrt_init(void)
{
	return klp_enable_patch(&klpsqrt_patch);
}

static void __exit klpsqrt_exit(void)
{
}

module_init(klpsqrt_init);
module_exit(klpsqrt_exit);
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("bench/overhead: livepatch of int_sqrt");
MODULE_LICENSE("GPL");
