extern int _printk(const char *fmt, ...);
extern void arm(void *obj);
extern void register_ops(const void *ops);
extern void *published;

struct timerish {
	struct timerish *next;
	unsigned long expires;
};

struct ops {
	int (*fn)(int);
	int flags;
};

/* handed on: as an argument, stored, pointed to by new data */
static struct timerish timer;
static const struct ops ops = { .flags = 3 };
static int stored;
static int target;

/* only read and written where they are: no address leaves them */
static int calls;
static const unsigned char lut[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
static int *ptr_to_target = &target;

/* text: handed to printers, which keep nothing */
static const char note[] = "a const char array of text\n";
static const char padded[16] = "padded text\n";

int handle(int x)
{
	calls++;
	if (x == 1)
		arm(&timer);
	if (x == 2)
		register_ops(&ops);
	if (x == 3)
		published = &stored;
	if (x == 4)
		published = ptr_to_target;
	if (x == 5)
		ptr_to_target = 0;
	_printk("handled %d\n", x);
	_printk(note);
	_printk(padded);
	return lut[x & 7] + calls;
}
