extern int _printk(const char *fmt, ...);
extern void arm(void *obj);
extern void register_ops(const void *ops);
extern void *published;

int handle(int x)
{
	return x + 1;
}
