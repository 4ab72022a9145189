/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pool of direct-call trampolines (tramp.S, direct.c): shared by the
 * assembly and the C that hands them out.
 */
#ifndef KSPLICE_TRAMP_H
#define KSPLICE_TRAMP_H

/* Functions that can be redirected by direct call at once. */
#define KSPLICE_NR_TRAMPS	1024

#ifndef __ASSEMBLY__
/* per trampoline: 0 (back to the old function), or the new code */
extern unsigned long ksplice_tramp_slots[KSPLICE_NR_TRAMPS];
/* per trampoline: its address */
extern const unsigned long ksplice_tramp_addrs[KSPLICE_NR_TRAMPS];
/* the pool's text: its first byte, and the byte after its last */
extern const char ksplice_tramps_start[], ksplice_tramps_end[];
#endif

#endif /* KSPLICE_TRAMP_H */
