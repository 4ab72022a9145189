extern void report(const char *where, int line);

void early(void)
{
	report("early", __LINE__);
}
/* a comment moves late() down */

void late(void)
{
	report("late", __LINE__);
}
