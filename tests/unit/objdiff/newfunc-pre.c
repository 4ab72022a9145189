int old_one(int x)
{
	return x + 1;
}
