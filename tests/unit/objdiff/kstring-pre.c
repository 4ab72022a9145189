extern int _printk(const char *fmt, ...);
extern void claim(unsigned long start, const char *name);

static const char tag[] = "tagged";

int probe(int x)
{
	_printk(tag);
	_printk("probe starts\n");
	_printk("probe %d\n", x);
	return x + 1;
}

int other(int x)
{
	_printk("only other\n");
	return x * 3;
}
