#define PER_CPU __attribute__((section(".data..percpu")))

static int target;
/* a per-CPU pointer with an initial value: cannot be made */
static PER_CPU int *where = &target;

int count_event(int x)
{
	int *p;

	asm volatile("movq %%gs:%c1, %0" : "=r" (p) : "i" (&where));
	return x + *p;
}
