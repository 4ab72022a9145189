/*
 * A module's function with jump labels and a static call on the module's
 * own keys (objdiff-keysite.t).
 */
struct static_key { int enabled; void *entries; };
struct static_key ks_near, ks_far;
struct static_call_key { void *func; void *mods; };
struct static_call_key __SCK__ks_call;

/* the __jump_table entry of the site at 1:, label yes, key KEY (+ bits) */
#define JUMP_ENTRY(key)						\
	".pushsection __jump_table, \"aw\"\n\t"			\
	".balign 8\n\t"						\
	".long 1b - ., %l[yes] - .\n\t"				\
	".quad " key " - .\n\t"					\
	".popsection\n\t"

/* as arch_static_branch() with objtool's hack: a jmp, 2 bytes here */
static inline __attribute__((always_inline)) int ks_on_near(void)
{
	asm goto("1: jmp %l[yes]\n\t"
		 JUMP_ENTRY("ks_near + 2") : : : : yes);
	return 0;
yes:
	return 1;
}

/* as arch_static_branch(key, true): a 5-byte NOP, branch bit set */
static inline __attribute__((always_inline)) int ks_off_far(void)
{
	asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n\t"
		 JUMP_ENTRY("ks_far + 1") : : : : yes);
	return 0;
yes:
	return 1;
}

/* as static_call(): a call of the trampoline, and a site entry */
static inline __attribute__((always_inline)) int ks_static_call(int x)
{
	int ret;

	asm volatile("1: call __SCT__ks_call\n\t"
		     ".pushsection .static_call_sites, \"aw\"\n\t"
		     ".long 1b - ., __SCK__ks_call - .\n\t"
		     ".popsection\n\t"
		     : "=a" (ret) : "D" (x)
		     : "memory", "rsi", "rdx", "rcx", "r8", "r9", "r10", "r11");
	return ret;
}

int ks_func(int x)
{
	if (ks_on_near())
		x *= 3;
	if (__builtin_expect(ks_off_far(), 0))
		x -= 7;
	return ks_static_call(x) + 5;
}

/* a 2-byte site too far from the function's end for a check */
int ks_long(int x)
{
	asm goto("1: jmp %l[yes]\n\t"
		 JUMP_ENTRY("ks_near + 2") : : : : yes);
	x += 1;
yes:
	asm volatile(".fill 200, 1, 0x90");
	return x + 5;
}
