/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksplice-patch.h - what a patch made into a Ksplice update may use.
 *
 * ksplice-create compiles the patched kernel sources with this directory
 * on the include path: a patch adds
 *
 *	#include <ksplice-patch.h>
 *
 * to the file it changes and declares hooks, functions of its own that
 * the core calls when the update is applied or reversed:
 *
 *	static int my_prepare(void) { ... return 0; }
 *	ksplice_pre_apply(my_prepare);
 *
 * The kinds, their order and their contexts are in ksplice-format.h
 * (HOOKS): pre_* and check_* hooks return 0 or a negative errno, and a
 * non-zero value aborts the switch (the fail_* hooks then run); the
 * others return nothing.  A hook must be a function of the patch: one it
 * adds, or one it changes.
 *
 * Shadow variables give an existing object a field its structure lacks:
 *
 *	struct my_extra *x = ksplice_shadow_get_or_alloc(obj, MY_ID,
 *							 sizeof(*x), GFP_KERNEL);
 *
 * finds or makes (zeroed) the variable MY_ID of the object at obj; the
 * patch frees it with ksplice_shadow_free() when the object goes away,
 * and can free all of one id with ksplice_shadow_free_all(), in a
 * post_reverse hook for instance.  Ids are the patch's to choose.
 */
#ifndef KSPLICE_PATCH_H
#define KSPLICE_PATCH_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "../ksplice-format.h"

#define __ksplice_int_hook(kind, sec, fn)				\
	static int (*__ksplice_##kind##_##fn)(void) __used __section(sec) = (fn)
#define __ksplice_void_hook(kind, sec, fn)				\
	static void (*__ksplice_##kind##_##fn)(void) __used __section(sec) = (fn)

#define ksplice_pre_apply(fn)						\
	__ksplice_int_hook(pre_apply, KSPLICE_HOOK_SEC_PRE_APPLY, fn)
#define ksplice_check_apply(fn)						\
	__ksplice_int_hook(check_apply, KSPLICE_HOOK_SEC_CHECK_APPLY, fn)
#define ksplice_apply(fn)						\
	__ksplice_void_hook(apply, KSPLICE_HOOK_SEC_APPLY, fn)
#define ksplice_post_apply(fn)						\
	__ksplice_void_hook(post_apply, KSPLICE_HOOK_SEC_POST_APPLY, fn)
#define ksplice_fail_apply(fn)						\
	__ksplice_void_hook(fail_apply, KSPLICE_HOOK_SEC_FAIL_APPLY, fn)
#define ksplice_pre_reverse(fn)						\
	__ksplice_int_hook(pre_reverse, KSPLICE_HOOK_SEC_PRE_REVERSE, fn)
#define ksplice_check_reverse(fn)					\
	__ksplice_int_hook(check_reverse, KSPLICE_HOOK_SEC_CHECK_REVERSE, fn)
#define ksplice_reverse(fn)						\
	__ksplice_void_hook(reverse, KSPLICE_HOOK_SEC_REVERSE, fn)
#define ksplice_post_reverse(fn)					\
	__ksplice_void_hook(post_reverse, KSPLICE_HOOK_SEC_POST_REVERSE, fn)
#define ksplice_fail_reverse(fn)					\
	__ksplice_void_hook(fail_reverse, KSPLICE_HOOK_SEC_FAIL_REVERSE, fn)

/* Shadow variables, exported by the core (shadow.c). */
void *ksplice_shadow_get(const void *obj, unsigned long id);
void *ksplice_shadow_alloc(const void *obj, unsigned long id, size_t size,
			   gfp_t gfp);
void *ksplice_shadow_get_or_alloc(const void *obj, unsigned long id,
				  size_t size, gfp_t gfp);
void ksplice_shadow_free(const void *obj, unsigned long id);
unsigned long ksplice_shadow_free_all(unsigned long id);

#endif /* KSPLICE_PATCH_H */
