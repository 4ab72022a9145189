extern int _printk(const char *fmt, ...);

void hello(void)
{
	_printk("hello, world\n");
}

void other(void)
{
	_printk("other\n");
}
