/*
 * A zero-size static (a lock_class_key without lockdep) and the variable
 * after it share an offset of .bss when built without -fdata-sections;
 * a tail call to a neighbour makes the helper come from that build.
 */
struct key { };

void use(void *k, long *c);

static int __attribute__((noinline)) triple(int x)
{
	return x * 3 + 1;
}

int tail(int x)
{
	if (x)
		return triple(x + 1);
	return 0;
}

void setup(void)
{
	static struct key key;
	static long count;

	use(&key, &count);
	use(&key, 0);
}
