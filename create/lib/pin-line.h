/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pin-line.h - included first by ksplice-create's second build of the
 * objects whose differences may be moved __LINE__ values: with every
 * __LINE__ the same, code that differs only in line numbers compiles to
 * the same bytes, and any difference left is a real change.
 */
#pragma GCC system_header
#undef __LINE__
#define __LINE__ 0
