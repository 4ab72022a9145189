#define __exit __attribute__((section(".exit.text")))
static int state;

void __exit teardown(void)
{
	state = 0;
}

int get_state(void)
{
	return state;
}
