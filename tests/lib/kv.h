/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kv.h: small files of "key=value key=value ..." lines (the module's
 * debugfs files: stats, probes, rules, samples, audit, ssinject's status),
 * read with plain open/read/close into the caller's buffer and parsed in
 * place: nothing here allocates or maps memory, so a test may read between
 * two snapshots whose zaps are counted.
 *
 * A "line" is a pointer into such a buffer: it ends at its '\n' or at the
 * buffer's NUL, whichever comes first.  Its words are separated by spaces;
 * a word "key=value" gives key's value (the first such word wins).
 */
#ifndef SWAPSCOPE_KV_H
#define SWAPSCOPE_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read a whole small file into buf (NUL-terminated); length or -errno. */
ssize_t kv_read_file(const char *path, char *buf, size_t size);
/* Write a string to a file in one write(2); 0 or -errno. */
int kv_write_file(const char *path, const char *s);

/*
 * The line at *@pos, its length (without the '\n') in *@len, and *@pos
 * moved past it; NULL at the end of the buffer.
 */
const char *kv_next_line(const char **pos, size_t *len);
/* The first line of @buf with the word @key=@val; NULL if none. */
const char *kv_find_line(const char *buf, const char *key, const char *val);

/* Where key's value starts in @line, its length in *@vlen; NULL if absent. */
const char *kv_get(const char *line, const char *key, size_t *vlen);
/* The line has @key=@val. */
bool kv_is(const char *line, const char *key, const char *val);
/*
 * key's value as a number in @base (as strtoull's: 0 takes 0x for hex);
 * false, *@v untouched, when absent or not wholly a number.
 */
bool kv_u64(const char *line, const char *key, int base, uint64_t *v);
/* key's value copied to @val (NUL-terminated, cut to @size); false if absent. */
bool kv_str(const char *line, const char *key, char *val, size_t size);

/* The leading decimal digits of @s (at most @len characters); 0 if none. */
uint64_t kv_dec(const char *s, size_t len);
/* The index of the name @s (@len characters long) in @names, -1 if none. */
int kv_lookup(const char *const *names, int n, const char *s, size_t len);
/* The index of key's value in @names; -1 if absent or not a name there. */
int kv_index(const char *line, const char *key, const char *const *names,
	     int n);

#endif /* SWAPSCOPE_KV_H */
