/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* compiler.h: the kernel's attribute shorthands, for userspace. */
#ifndef SWAPSCOPE_COMPILER_H
#define SWAPSCOPE_COMPILER_H

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef __noreturn
#define __noreturn	__attribute__((noreturn))
#endif

#endif /* SWAPSCOPE_COMPILER_H */
