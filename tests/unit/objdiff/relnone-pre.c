/* A jump label site as objtool leaves it: a 5-byte NOP. */
void target(void)
{
	asm volatile("" ::: "memory");
}

void site(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x44, 0x00, 0x00");
	target();
}
