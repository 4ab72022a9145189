/* Changes that an update must refuse, each named, all in one run. */
#define __init __attribute__((section(".init.text")))
#define __exit __attribute__((section(".exit.text")))

const int limits[4] = { 10, 20, 30, 40 };	/* a global const table */
static int level = 3;				/* an initialized static */
static const char mode[8] = "fast";		/* a static const */
static int counts[4];				/* zero: only its size changes */
static const int steps[4] = { 1, 2, 4, 8 };	/* becomes writable */
static int marks[2] = { 5, 6 };			/* becomes read-only */
static int hits;				/* becomes per-CPU */

int pick(int i)
{
	return limits[i & 3] + level + mode[i & 7] + counts[i & 3]++;
}

void bump(void)
{
	level++;
	marks[level & 1]++;
}

int step(int i)
{
	return steps[i & 3] + marks[i & 1];
}

int hit(void)
{
	return ++hits;
}

int __init setup_thing(int i)
{
	return limits[i & 3] + 1;	/* boot code reads the table */
}

void __exit teardown_thing(void)
{
	level = 0;
}

/* a module parameter, as module_param() places it */
static int param_value;
static const struct { const char *name; int *arg; } __param_verbose
	__attribute__((used, section("__param"))) = { "verbose", &param_value };
