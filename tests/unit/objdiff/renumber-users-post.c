/* foo keeps its counter; bar, new and inlined into foo, gains its own */
int bar(void)
{
	static int count;
	return count += 2;
}
int foo(void)
{
	static int count;
	return ++count + bar();
}
