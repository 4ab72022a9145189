/* Read-only data with new values: a string pointer and a number. */
static const char *const names[] = { "zero", "ONE", "two" };
static const int limits[4] = { 10, 20, 30, 41 };

const char *name_of(int i)
{
	return names[i % 3];
}

int limit_of(int i)
{
	return limits[i & 3];
}
