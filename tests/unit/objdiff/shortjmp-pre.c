/* A tail call to a neighbouring function: a short jmp when both are in .text. */
static int __attribute__((noinline)) triple(int x)
{
	return x * 3 + 1;
}

int tail(int x)
{
	if (x)
		return triple(x + 1);
	return 0;
}

int other(int x)
{
	return x - 1;
}
