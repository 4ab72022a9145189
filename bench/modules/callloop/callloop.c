// SPDX-License-Identifier: GPL-2.0
/*
 * callloop.c - bench/overhead's caller: writing anything to the parameter
 * "run" calls int_sqrt() (which=0, a function with an ftrace site) or
 * trace_clock_jiffies() (which=1, one without) "loops" times in a row and
 * leaves the time per call, in picoseconds, in "result_ps".
 */
#include <linux/ktime.h>
#include <linux/math.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/trace_clock.h>

static unsigned long loops = 200000;
module_param(loops, ulong, 0644);
MODULE_PARM_DESC(loops, "calls per run");

static unsigned int which;
module_param(which, uint, 0644);
MODULE_PARM_DESC(which, "0: int_sqrt, 1: trace_clock_jiffies");

static unsigned long result_ps;
module_param(result_ps, ulong, 0444);
MODULE_PARM_DESC(result_ps, "the last run's time per call (ps)");

static unsigned long callloop_sink;

static int callloop_run(const char *val, const struct kernel_param *kp)
{
	unsigned long i, sum = 0;
	u64 start;

	if (!loops)
		return -EINVAL;
	start = ktime_get_ns();
	if (which)
		for (i = 0; i < loops; i++)
			sum += trace_clock_jiffies();
	else
		for (i = 0; i < loops; i++)
			sum += int_sqrt(i | 0x10000);
	result_ps = (ktime_get_ns() - start) * 1000 / loops;
	WRITE_ONCE(callloop_sink, sum);
	return 0;
}

static const struct kernel_param_ops callloop_run_ops = {
	.set = callloop_run,
};
module_param_cb(run, &callloop_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "write to run the loop");

MODULE_DESCRIPTION("bench/overhead: a function called in a loop");
MODULE_LICENSE("GPL");
