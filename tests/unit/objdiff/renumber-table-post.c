/*
 * gcc 12 numbers function-local statics ("calls.2") in reverse order of
 * the functions: a static added to the last function renumbers all the
 * others.
 */
extern int _printk(const char *fmt, ...);

int count_a(void)
{
	static int calls;

	return ++calls;
}

int count_b(void)
{
	static int calls;

	return calls += 2;
}

int lookup(int i)
{
	static const int table[] = { 3, 1, 4, 1, 5, 9, 2, 7 };

	return table[i & 7];
}

void patched(void)
{
	_printk("patched\n");
}
