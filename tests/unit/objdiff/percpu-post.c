#define PER_CPU __attribute__((section(".data..percpu")))

/* new per-CPU variables: a counter and a zeroed array */
static PER_CPU unsigned long events = 7;
static PER_CPU int seen[4];

int count_event(int x)
{
	unsigned long n;

	/* the kernel's this_cpu_inc() and this_cpu_read() */
	asm volatile("incq %%gs:%c1" : "+m" (events) : "i" (&events));
	asm volatile("movq %%gs:%c1, %0" : "=r" (n) : "i" (&events));
	asm volatile("incl %%gs:%c1" : "+m" (seen[x & 3]) : "i" (&seen[1]));
	return x + n;
}
