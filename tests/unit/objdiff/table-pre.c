/*
 * A linker-collected table whose entries have no names (as
 * DECLARE_PCI_FIXUP_HEADER makes them), next to a function.
 */
void fixup_a(void) { }
void fixup_b(void) { }

asm(".section .test_fixup_header, \"a\"\n"
    ".balign 16\n"
    ".short 0x8086, 0x2a40\n"
    ".long fixup_a - .\n"
    ".previous\n");

int table_user(int x)
{
	return x + 1;
}
