/* Exports a patch adds (exports-post.c): none here. */
int shared_count;

int old_helper(int x)
{
	return x + 1;
}

int user(int x)
{
	return old_helper(x) * 2;
}
