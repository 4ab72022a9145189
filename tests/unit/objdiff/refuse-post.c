/* Changes that an update must refuse, each named, all in one run. */
#define __init __attribute__((section(".init.text")))
#define __exit __attribute__((section(".exit.text")))

const int limits[4] = { 10, 20, 30, 41 };	/* a global const table */
static int level = 4;				/* an initialized static */
static const char mode[9] = "slow";		/* a static const */
static int counts[8];				/* zero: only its size changes */
static int steps[4] = { 1, 2, 4, 8 };		/* becomes writable */
static const int marks[2] = { 5, 6 };		/* becomes read-only */
static int hits __attribute__((section(".data..percpu")));	/* becomes per-CPU */

int pick(int i)
{
	return limits[i & 3] + level + mode[i & 7] + counts[i & 7]++;
}

void bump(void)
{
	level++;
}

int step(int i)
{
	return steps[i & 3]++ + marks[i & 1];
}

int hit(void)
{
	int v;

	asm("incl %%gs:%1; movl %%gs:%1, %0" : "=r"(v) : "m"(hits));
	return v;
}

int __init setup_thing(int i)
{
	return limits[i & 3] + 2;	/* boot code reads the table */
}

void __exit teardown_thing(void)
{
	level = -1;
}

/* a module parameter, as module_param() places it */
static int param_value;
static const struct { const char *name; int *arg; } __param_verbose
	__attribute__((used, section("__param"))) = { "quiet", &param_value };

/* an export of data, as EXPORT_SYMBOL() places it */
static const int __ksymtab_level __attribute__((used, section("___ksymtab+level"))) = 0;

/* a new per-CPU variable, as DEFINE_PER_CPU places it, with an address */
static int *pcpu_where __attribute__((used, section(".data..percpu"))) = &param_value;
