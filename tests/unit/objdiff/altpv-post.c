/*
 * A function with a paravirt call site and an alternative whose
 * replacement is a call (as PVOP_CALL and alternative_call() make them).
 */
struct pv_slots {
	void (*ops[40])(void);
};
struct pv_slots pv_ops;
void altpv_plain(void);
void altpv_fast(void);

static inline __attribute__((always_inline)) void altpv_pv(void)
{
	/* slot 29: pv_ops + 29 * 8 */
	asm volatile("771: call *pv_ops+232(%%rip)\n772:\n\t"
		     ".pushsection .parainstructions, \"a\"\n\t"
		     ".balign 8\n\t"
		     ".quad 771b\n\t"
		     ".byte 29\n\t"
		     ".byte 772b-771b\n\t"
		     ".short 1\n\t"
		     ".balign 8\n\t"
		     ".popsection" : : : "memory");
}

static inline __attribute__((always_inline)) void altpv_call(void)
{
	asm volatile("661: call altpv_plain\n662:\n\t"
		     ".pushsection .altinstructions, \"a\"\n\t"
		     ".long 661b - .\n\t"
		     ".long 6631f - .\n\t"
		     ".short 123\n\t"
		     ".byte 662b-661b\n\t"
		     ".byte 6641f-6631f\n\t"
		     ".popsection\n\t"
		     ".pushsection .altinstr_replacement, \"ax\"\n"
		     "6631: call altpv_fast\n6641:\n\t"
		     ".popsection" : : : "memory");
}

int altpv_func(int x)
{
	altpv_pv();
	altpv_call();
	return x + 2;
}
