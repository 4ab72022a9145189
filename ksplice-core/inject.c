// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for tests: the kernel's failslab and fail_page_alloc
 * are not built into Debian's kernels, so the core injects its own.  With
 * the parameter fail_nth at N, the Nth fallible step of the core since
 * fail_nth was written fails (an allocation returns NULL), and so does
 * every later step at the same place (a loader that tries again, as
 * busybox's insmod does, fails there again); the kernel log says where.  0 (the default) injects nothing.  With fail_log
 * set, every fallible step is logged with its number and place, and none
 * fails: a test finds there the first step of each place, to make each
 * place fail once.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/atomic.h>
#include <linux/moduleparam.h>

#include "core.h"

static unsigned int ksplice_fail_nth;
static bool ksplice_fail_log;
static atomic_t ksplice_fail_count = ATOMIC_INIT(0);
static const void *ksplice_fail_where;	/* the place that failed */

static int ksplice_fail_nth_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_uint(val, kp);

	if (!ret) {
		WRITE_ONCE(ksplice_fail_where, NULL);
		atomic_set(&ksplice_fail_count, 0);
	}
	return ret;
}

static const struct kernel_param_ops ksplice_fail_nth_ops = {
	.set = ksplice_fail_nth_set,
	.get = param_get_uint,
};

module_param_cb(fail_nth, &ksplice_fail_nth_ops, &ksplice_fail_nth, 0644);
MODULE_PARM_DESC(fail_nth, "for tests: make the Nth fallible step fail (0: none)");
module_param_named(fail_log, ksplice_fail_log, bool, 0644);
MODULE_PARM_DESC(fail_log, "for tests: log every fallible step, failing none");

/**
 * ksplice_inject() - should this fallible step fail?
 * @where:	the caller, for the log
 *
 * Return: true at the fail_nth-th call since fail_nth was written, and at
 * every later call from the same place.
 */
bool ksplice_inject(const void *where)
{
	unsigned int nth = READ_ONCE(ksplice_fail_nth), n;

	if (READ_ONCE(ksplice_fail_log)) {
		pr_info("fallible step %d at %pS\n",
			atomic_inc_return(&ksplice_fail_count), where);
		return false;
	}
	if (!nth)
		return false;
	n = atomic_inc_return(&ksplice_fail_count);
	if (n < nth || (n > nth && READ_ONCE(ksplice_fail_where) != where))
		return false;
	WRITE_ONCE(ksplice_fail_where, where);
	pr_info("injected failure %u at %pS\n", n, where);
	return true;
}
