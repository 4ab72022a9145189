/* Types a kernel object uses (compiled with -g): their layouts. */
struct kept {
	int a;
	long renamed;		/* same layout, another name: kept */
};

struct grown {
	int a;
	int b;
	int added;		/* a new field: the size grows */
};

struct moved {
	int x;			/* reordered: same size, members moved */
	char c;
};

enum order { ORDER_SECOND, ORDER_FIRST };	/* values swapped */

struct kept kept_v;
struct grown grown_v;
struct moved moved_v;
enum order order_v = ORDER_SECOND;
