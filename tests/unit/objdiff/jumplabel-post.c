/* A function with a jump label (as arch_static_branch() makes one). */
long jl_key;

static inline __attribute__((always_inline)) int jl_on(void)
{
	asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n\t"
		 ".pushsection __jump_table, \"aw\"\n\t"
		 ".balign 8\n\t"
		 ".long 1b - ., %l[yes] - .\n\t"
		 ".quad jl_key - .\n\t"
		 ".popsection\n\t" : : : : yes);
	return 0;
yes:
	return 1;
}

int jl_func(int x)
{
	if (jl_on())
		return x * 3;
	return x + 2;
}
