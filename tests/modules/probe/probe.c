// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c - test module: a kprobe on the entry of a function (parameter
 * "symbol"), as a tracer or debugger would place one, for the functions
 * the kprobe events of tracefs refuse (those without an ftrace site).
 * It counts its hits and says how many when it is unloaded.
 */
#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/printk.h>

static char *symbol = "tracing_readme_read";
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "the function to probe");

static atomic_t probe_hits = ATOMIC_INIT(0);

static int probe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_inc(&probe_hits);
	return 0;
}

static struct kprobe probe_kp = {
	.pre_handler = probe_pre,
};

static int __init probe_init(void)
{
	int ret;

	probe_kp.symbol_name = symbol;
	ret = register_kprobe(&probe_kp);
	if (ret)
		pr_err("ksplice-test-probe: %s: register_kprobe: %d\n", symbol, ret);
	else
		pr_info("ksplice-test-probe: on %s\n", symbol);
	return ret;
}

static void __exit probe_exit(void)
{
	unregister_kprobe(&probe_kp);
	pr_info("ksplice-test-probe: %s: hits=%d\n", symbol,
		atomic_read(&probe_hits));
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_DESCRIPTION("ksplice test bed: a kprobe on a function's entry");
MODULE_LICENSE("GPL");
