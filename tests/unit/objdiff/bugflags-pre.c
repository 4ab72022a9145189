/* A warning as the kernel's WARN_ON places it: ud2 and a __bug_table entry. */
#define BUGFLAG_WARNING		(1 << 0)
#define BUGFLAG_ONCE		(1 << 1)
#define WARN_FLAGS(flags)						\
	asm volatile("1: ud2\n"						\
		     ".pushsection __bug_table,\"aw\"\n"		\
		     "2: .long 1b - .\n"				\
		     ".long %c0 - .\n"					\
		     ".word %c1\n"					\
		     ".word %c2\n"					\
		     ".org 2b + 12\n"					\
		     ".popsection" : : "i" ("kernel/bugflags.c"), "i" (__LINE__),	\
		     "i" (flags))

int check(int x)
{
	if (x < 0)
		WARN_FLAGS(BUGFLAG_WARNING);
	return x * 2;
}

int other(int x)
{
	if (x > 100)
		WARN_FLAGS(BUGFLAG_WARNING);
	return x + 1;
}
