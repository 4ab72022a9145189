extern int _printk(const char *fmt, ...);
extern void claim(unsigned long start, const char *name);

/*
 * claim() keeps the name pointer, as request_region() does: the new code
 * names a literal the replaced probe() already has, the end of one, a
 * literal only an unchanged function has, and a new one; a const char
 * array that probe() has, and a new one.
 */
static const char tag[] = "tagged";
static const char fresh_tag[] = "fresh tag";

int probe(int x)
{
	_printk(tag);
	_printk("probe starts\n");
	_printk("probe %d\n", x);
	claim(0x100, "probe %d\n");
	claim(0x200, "d\n");
	claim(0x300, "only other\n");
	claim(0x400, "a fresh name");
	claim(0x500, tag);
	claim(0x600, fresh_tag);
	return x + 2;
}

int other(int x)
{
	_printk("only other\n");
	return x * 3;
}
