/*
 * Exports a patch adds: a new function (EXPORT_SYMBOL) and an unchanged
 * one (EXPORT_SYMBOL_GPL), placed as the kernel's EXPORT_SYMBOL() does.
 */
#define EXPORT(sym, sec)						\
	asm(".section \"___ksymtab" sec "+" #sym "\", \"a\"\n"		\
	    ".balign 4\n"						\
	    "__ksymtab_" #sym ":\n"					\
	    ".long " #sym " - .\n"					\
	    ".long __kstrtab_" #sym " - .\n"				\
	    ".long __kstrtabns_" #sym " - .\n"				\
	    ".previous\n"						\
	    ".section \"__ksymtab_strings\",\"aMS\",%progbits,1\n"	\
	    "__kstrtab_" #sym ":\n.asciz \"" #sym "\"\n"			\
	    "__kstrtabns_" #sym ":\n.asciz \"\"\n"			\
	    ".previous\n")

int shared_count;

int old_helper(int x)
{
	return x + 1;
}
EXPORT(old_helper, "_gpl");

#ifndef ONLY_OLD
int new_helper(int x)
{
	return x * 3 + shared_count;
}
EXPORT(new_helper, "");
#endif

int user(int x)
{
	return old_helper(x) * 2;
}

#ifdef EXPORT_DATA
EXPORT(shared_count, "");
#endif
