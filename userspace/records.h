/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* records.h: parse swapscope debugfs files into key=value records. */
#ifndef SWAPSCOPE_RECORDS_H
#define SWAPSCOPE_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A debugfs file is tiny (a few KiB); anything far larger is not one of
 * ours, and reading it whole would only waste memory.
 */
#define SS_FILE_MAX	(4u << 20)
/* Keys a record, or lines of version: keeps duplicate checks cheap. */
#define SS_MAX_KEYS	1024u
#define SS_ERR_LEN	512

enum ss_rec_mode {
	SS_REC_WORDS,	/* space-separated key=value pairs: probes, stats */
	SS_REC_LINE,	/* one key=value a line, value to end of line: version */
	SS_REC_TAGGED,	/* as WORDS, and a line may start with a bare word, its
			 * tag: "page addr=..." of pagemap, "slot type=..."
			 * of audit */
};

struct ss_kv {
	const char *key;
	const char *val;
};

struct ss_record {
	unsigned int line;	/* 1-based line number, for messages */
	const char *tag;	/* SS_REC_TAGGED: the bare first word, or NULL */
	size_t nr_kv;
	struct ss_kv *kv;	/* points into ss_file.buf */
};

struct ss_file {
	const char *name;	/* file name as shown in messages */
	char *buf;		/* whole file, split in place */
	size_t nr;
	size_t cap;
	struct ss_record *rec;
	char err[SS_ERR_LEN];	/* "name:line: what" after a failure */
};

void ss_file_init(struct ss_file *f, const char *name);
void ss_file_free(struct ss_file *f);

/* All return 0 or a negative errno, with f->err set on failure. */
int ss_parse_buf(struct ss_file *f, const char *data, size_t len,
		 enum ss_rec_mode mode);
int ss_read_stream(struct ss_file *f, FILE *fp, enum ss_rec_mode mode);
int ss_read_path(struct ss_file *f, const char *path, enum ss_rec_mode mode);

/* Value of @key in @r, NULL if absent; unknown keys are simply never asked. */
const char *ss_rec_get(const struct ss_record *r, const char *key);
/* First record of @f carrying @key (version has one key per record). */
const struct ss_record *ss_file_find(const struct ss_file *f, const char *key);

int ss_rec_str(struct ss_file *f, const struct ss_record *r, const char *key,
	       const char **val);
int ss_rec_u64(struct ss_file *f, const struct ss_record *r, const char *key,
	       uint64_t *val);
int ss_parse_u64(const char *s, uint64_t *val);
/* A signed decimal number: the counts of a sample (expected=, actual=). */
int ss_rec_s64(struct ss_file *f, const struct ss_record *r, const char *key,
	       int64_t *val);
/* "0x" and 1 to 16 hexadecimal digits, as the module prints addresses and PTEs. */
int ss_rec_x64(struct ss_file *f, const struct ss_record *r, const char *key,
	       uint64_t *val);
int ss_parse_x64(const char *s, uint64_t *val);

#endif /* SWAPSCOPE_RECORDS_H */
