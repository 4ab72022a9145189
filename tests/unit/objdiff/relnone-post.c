/*
 * The same NOP, with the R_X86_64_NONE that objtool leaves where it
 * turned a jmp to another section into a NOP: nothing changed.
 */
void target(void)
{
	asm volatile("" ::: "memory");
}

void site(void)
{
	asm volatile("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
		     ".reloc 1b + 1, R_X86_64_NONE, target + 0x10");
	target();
}
