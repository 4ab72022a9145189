/*
 * Relocations to anonymous read-only data: strings (one at offset 0 of
 * the section, one further in), constants (through PC-relative references
 * to .LC labels) and a blob without a symbol, partly relocated.
 */
extern int _printk(const char *fmt, ...);

void greet(int n)
{
	_printk("first\n");
	if (n)
		_printk("second: %d\n", n);
}

double scale(double x)
{
	return x * 3.25 + 1.5;
}

asm(".section .rodata.blob,\"a\"\n"
    ".Lblob:\n"
    "\t.ascii \"0123456789abcdefghijklmnopqrstuvwxyz\"\n"
    "\t.ascii \"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz\"\n"
    "\t.quad greet\n"
    "\t.ascii \"tail\"\n"
    "\t.previous\n");

const char *blob_head(void)
{
	const char *p;

	asm("movq $.Lblob+2, %0" : "=r"(p));
	return p;
}

const char *blob_tail(void)
{
	const char *p;

	asm("movq $.Lblob+70, %0" : "=r"(p));
	return p;
}

static const char table[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

const char *pick(int i)
{
	return &table[i & 7];
}
