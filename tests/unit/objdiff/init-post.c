#define __init __attribute__((section(".init.text")))
static int ready;

int __init setup_it(void)
{
	ready = 2;
	return 0;
}

int work(int x)
{
	return ready ? x + 2 : 0;
}
