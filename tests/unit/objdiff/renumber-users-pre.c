int foo(void)
{
	static int count;
	return ++count;
}
