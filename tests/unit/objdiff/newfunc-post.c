int old_one(int x)
{
	return x + 1;
}

int brand_new(int x)
{
	return x * 7;
}
