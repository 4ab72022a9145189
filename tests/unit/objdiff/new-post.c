extern int _printk(const char *fmt, ...);
extern void register_cb(void (*cb)(int));
extern int ns_export(int x);		/* exported in namespace TESTNS */

static void __attribute__((noinline)) on_event(int x)
{
	_printk("event! %d\n", x);
}

/* new data: initialized, zeroed, pointers to strings and to code */
static int counter = 5;
int total_calls;
static const char *const names[] = { "first", "second" };
void (*handler)(int) = on_event;

/* a new static and a new global function */
static int __attribute__((noinline)) helper(int x)
{
	counter++;
	total_calls++;
	return x + counter;
}

int __attribute__((noinline)) brand_new(int x)
{
	return ns_export(helper(x)) * 7;
}

/* a new callback: its address is stored, so its module must stay */
static void __attribute__((noinline)) on_other_event(int x)
{
	total_calls += x;
}

void setup(void)
{
	register_cb(on_event);
	register_cb(on_other_event);
	_printk("%s\n", names[total_calls & 1]);
	handler(total_calls);
}

int compute(int x)
{
	return brand_new(x) * 3;
}
