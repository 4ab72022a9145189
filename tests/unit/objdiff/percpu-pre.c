int count_event(int x)
{
	return x;
}
