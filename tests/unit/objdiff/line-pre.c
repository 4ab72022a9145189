extern void report(const char *where, int line);

void early(void)
{
	report("early", __LINE__);
}

void late(void)
{
	report("late", __LINE__);
}
