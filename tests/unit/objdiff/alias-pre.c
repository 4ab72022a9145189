/* One body under three names, as SYSCALL_DEFINE0 makes them. */
extern int ext_call(int x);

static int __do_sys_thing(int x)
{
	return ext_call(x) + 1;
}

int __x64_sys_thing(int x) __attribute__((alias("__do_sys_thing")));
int __ia32_sys_thing(int x) __attribute__((alias("__do_sys_thing")));
