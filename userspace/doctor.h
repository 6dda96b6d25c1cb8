/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* doctor.h: interface between doctor.c and its helpers btf.c and spawn.c. */
#ifndef SWAPSCOPE_DOCTOR_H
#define SWAPSCOPE_DOCTOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* spawn.c: run a helper program and read its standard output */
struct spawn {
	pid_t pid;
	FILE *out;	/* the program's stdout */
	FILE *err;	/* its stderr, a temporary file read once it is done */
};

/* 0, or a positive errno (ENOENT: no such program) */
int spawn_start(struct spawn *s, char *const argv[]);
/*
 * Waits for the program: its exit status, or -1 when a signal ended it;
 * msg gets the first line of what it wrote to stderr ("" if nothing).
 */
int spawn_finish(struct spawn *s, char *msg, size_t len);

/* btf.c: function prototypes from a kernel's BTF */
struct btf;

enum btf_load_result {
	BTF_LOADED,
	BTF_NO_TOOL,	/* the file needs bpftool, which is not installed */
	BTF_FAILED,	/* why says what went wrong */
};

/*
 * FILE is a BTF blob or an ELF file with a .BTF section, dumped with
 * "BPFTOOL btf dump file FILE format raw", or the text of such a dump
 * saved earlier, read as it is.  *how gets "bpftool" or "saved dump".
 */
enum btf_load_result btf_load(struct btf **bp, const char *file,
			      const char *bpftool, const char **how,
			      char *why, size_t len);
size_t btf_nr_types(const struct btf *b);
/*
 * The prototypes of the FUNCs named @name, canonical (see proto_canon),
 * distinct ones only, in the order of their type ids; returns how many.
 */
size_t btf_func_protos(const struct btf *b, const char *name, char ***protos);
void btf_free(struct btf *b);

/*
 * One spelling per prototype, "ret(type, type)" without parameter names:
 * integer types as "unsigned long", qualifiers first ("const loff_t" for
 * "loff_t const"), "*" against the name of what it points to.  @params
 * names every parameter, as the source does; "" or "void": none.
 * NULL when a parameter has no type left once its name is taken off.
 */
char *proto_canon(const char *ret, const char *params);
/* The same spelling of one type given without a name. */
char *type_canon(const char *type);

#endif /* SWAPSCOPE_DOCTOR_H */
