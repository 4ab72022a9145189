extern void report(const char *where, int line);

int limit(int x)
{
	report("limit", __LINE__);
	return x > 7 ? 7 : x;
}

int other(int x)
{
	report("other", __LINE__);
	return x + 11;
}
