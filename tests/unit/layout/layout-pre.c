/* Types a kernel object uses (compiled with -g): their layouts. */
struct kept {
	int a;
	long b;
};

struct grown {
	int a;
	int b;
};

struct moved {
	char c;
	int x;
};

enum order { ORDER_FIRST, ORDER_SECOND };

struct kept kept_v;
struct grown grown_v;
struct moved moved_v;
enum order order_v = ORDER_SECOND;
