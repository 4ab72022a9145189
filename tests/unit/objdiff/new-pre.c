extern int _printk(const char *fmt, ...);
extern void register_cb(void (*cb)(int));

static void __attribute__((noinline)) on_event(int x)
{
	_printk("event %d\n", x);
}

void setup(void)
{
	register_cb(on_event);
}

/* used by compute before the patch only: it vanishes */
static int __attribute__((noinline)) old_helper(int x)
{
	return x * 3;
}

int compute(int x)
{
	return old_helper(x) + 1;
}
