extern int ext_call(int x);
extern int kstrtoint(int x);

int keep(int x)
{
	return ext_call(x) + 1;
}

int change(int x)
{
	return kstrtoint(x) * 2;
}
