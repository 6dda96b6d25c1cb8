// SPDX-License-Identifier: GPL-2.0 OR MIT
/* records.c: split swapscope debugfs files into key=value records. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "records.h"

#define SS_BLANKS	" \t\r"

static __printf(4, 5) int ss_set_err(struct ss_file *f, unsigned int line,
				      int err, const char *fmt, ...);

static int ss_set_err(struct ss_file *f, unsigned int line, int err,
		      const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (line)
		snprintf(f->err, sizeof(f->err), "%s:%u: ", f->name, line);
	else
		snprintf(f->err, sizeof(f->err), "%s: ", f->name);
	n = strlen(f->err);
	va_start(ap, fmt);
	vsnprintf(f->err + n, sizeof(f->err) - n, fmt, ap);
	va_end(ap);
	return err;
}

void ss_file_init(struct ss_file *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
}

void ss_file_free(struct ss_file *f)
{
	size_t i;

	for (i = 0; i < f->nr; i++)
		free(f->rec[i].kv);
	free(f->rec);
	free(f->buf);
	f->rec = NULL;
	f->buf = NULL;
	f->nr = 0;
	f->cap = 0;
}

const char *ss_rec_get(const struct ss_record *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nr_kv; i++)
		if (!strcmp(r->kv[i].key, key))
			return r->kv[i].val;
	return NULL;
}

const struct ss_record *ss_file_find(const struct ss_file *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nr; i++)
		if (ss_rec_get(&f->rec[i], key))
			return &f->rec[i];
	return NULL;
}

/* Takes ownership of @kv, also on failure. */
static int ss_add_record(struct ss_file *f, unsigned int line, const char *tag,
			 struct ss_kv *kv, size_t nr_kv)
{
	struct ss_record *rec;

	if (f->nr == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;

		rec = realloc(f->rec, cap * sizeof(*rec));
		if (!rec) {
			free(kv);
			return ss_set_err(f, line, -ENOMEM, "out of memory");
		}
		f->rec = rec;
		f->cap = cap;
	}
	rec = &f->rec[f->nr++];
	rec->line = line;
	rec->tag = tag;
	rec->kv = kv;
	rec->nr_kv = nr_kv;
	return 0;
}

static size_t ss_count_words(const char *s)
{
	size_t n = 0;

	for (;;) {
		s += strspn(s, SS_BLANKS);
		if (!*s)
			return n;
		n++;
		s += strcspn(s, SS_BLANKS);
	}
}

/* Splits one "key=value" word in place; the caller reports failures. */
static int ss_split_word(char *tok, struct ss_kv *kv)
{
	char *eq = strchr(tok, '=');

	if (!eq || eq == tok)
		return -EINVAL;
	*eq = '\0';
	kv->key = tok;
	kv->val = eq + 1;
	return 0;
}

/* SS_REC_TAGGED: a first word without '=' is the line's tag. */
static char *ss_take_tag(char **s, enum ss_rec_mode mode)
{
	char *tok = *s + strspn(*s, SS_BLANKS), *end;
	size_t len = strcspn(tok, SS_BLANKS);

	if (mode != SS_REC_TAGGED || memchr(tok, '=', len))
		return NULL;
	end = tok + len;
	if (*end)
		*end++ = '\0';
	*s = end;
	return tok;
}

static int ss_parse_words(struct ss_file *f, char *s, unsigned int line,
			  enum ss_rec_mode mode)
{
	size_t n = ss_count_words(s), i, j;
	struct ss_kv *kv;
	char *tag;

	if (!n)
		return 0;
	if (n > SS_MAX_KEYS)
		return ss_set_err(f, line, -EINVAL, "more than %u keys on a line",
				  SS_MAX_KEYS);
	tag = ss_take_tag(&s, mode);
	if (tag)
		n--;
	kv = calloc(n ? n : 1, sizeof(*kv));
	if (!kv)
		return ss_set_err(f, line, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		char *tok = s + strspn(s, SS_BLANKS);

		s = tok + strcspn(tok, SS_BLANKS);
		if (*s)
			*s++ = '\0';
		if (ss_split_word(tok, &kv[i])) {
			ss_set_err(f, line, -EINVAL, "'%.40s' is not key=value",
				   tok);
			goto fail;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(kv[j].key, kv[i].key)) {
				ss_set_err(f, line, -EINVAL,
					   "duplicate key '%.40s'", kv[i].key);
				goto fail;
			}
		}
	}
	return ss_add_record(f, line, tag, kv, n);
fail:
	free(kv);
	return -EINVAL;
}

/* version: the value runs to the end of the line and may hold spaces. */
static int ss_parse_pair(struct ss_file *f, char *s, unsigned int line)
{
	struct ss_kv *kv;
	char *end;

	s += strspn(s, SS_BLANKS);
	if (!*s)
		return 0;
	if (f->nr >= SS_MAX_KEYS)
		return ss_set_err(f, line, -EINVAL, "more than %u keys",
				  SS_MAX_KEYS);
	end = s + strlen(s);
	while (end > s && strchr(SS_BLANKS, end[-1]))
		*--end = '\0';
	kv = calloc(1, sizeof(*kv));
	if (!kv)
		return ss_set_err(f, line, -ENOMEM, "out of memory");
	if (ss_split_word(s, kv) || kv->key[strcspn(kv->key, SS_BLANKS)]) {
		free(kv);
		return ss_set_err(f, line, -EINVAL, "'%.40s' is not key=value",
				  s);
	}
	if (ss_file_find(f, kv->key)) {
		ss_set_err(f, line, -EINVAL, "duplicate key '%.40s'", kv->key);
		free(kv);
		return -EINVAL;
	}
	return ss_add_record(f, line, NULL, kv, 1);
}

/* f->buf holds @len bytes plus a terminating NUL. */
static int ss_parse_lines(struct ss_file *f, size_t len, enum ss_rec_mode mode)
{
	char *p = f->buf, *end = f->buf + len;
	unsigned int line = 0;
	int err;

	while (p < end) {
		char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		line++;
		/* A NUL would silently cut the line short: refuse it. */
		if (memchr(p, '\0', eol - p))
			return ss_set_err(f, line, -EINVAL,
					  "line contains a NUL byte");
		*eol = '\0';
		if (mode == SS_REC_LINE)
			err = ss_parse_pair(f, p, line);
		else
			err = ss_parse_words(f, p, line, mode);
		if (err)
			return err;
		p = eol + 1;
	}
	return 0;
}

int ss_parse_buf(struct ss_file *f, const char *data, size_t len,
		 enum ss_rec_mode mode)
{
	if (len > SS_FILE_MAX)
		return ss_set_err(f, 0, -EFBIG, "larger than %u bytes",
				  SS_FILE_MAX);
	f->buf = malloc(len + 1);
	if (!f->buf)
		return ss_set_err(f, 0, -ENOMEM, "out of memory");
	memcpy(f->buf, data, len);
	f->buf[len] = '\0';
	return ss_parse_lines(f, len, mode);
}

int ss_read_stream(struct ss_file *f, FILE *fp, enum ss_rec_mode mode)
{
	size_t len = 0, cap = 4096, n;
	char *buf;

	/* debugfs files report size 0, so read until EOF. */
	for (;;) {
		if (len + 1 >= cap || !f->buf) {
			if (f->buf)
				cap *= 2;
			buf = realloc(f->buf, cap);
			if (!buf)
				return ss_set_err(f, 0, -ENOMEM,
						  "out of memory");
			f->buf = buf;
		}
		n = fread(f->buf + len, 1, cap - len - 1, fp);
		len += n;
		if (len > SS_FILE_MAX)
			return ss_set_err(f, 0, -EFBIG, "larger than %u bytes",
					  SS_FILE_MAX);
		if (n)
			continue;
		if (ferror(fp)) {
			int err = errno ? errno : EIO;

			return ss_set_err(f, 0, -err, "read: %s",
					  strerror(err));
		}
		break;
	}
	f->buf[len] = '\0';
	return ss_parse_lines(f, len, mode);
}

int ss_read_path(struct ss_file *f, const char *path, enum ss_rec_mode mode)
{
	FILE *fp = fopen(path, "r");
	int err;

	if (!fp) {
		err = errno;
		return ss_set_err(f, 0, -err, "%s", strerror(err));
	}
	errno = 0;
	err = ss_read_stream(f, fp, mode);
	fclose(fp);
	return err;
}

int ss_parse_u64(const char *s, uint64_t *val)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = (unsigned char)*s - '0';

		if (d > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*val = v;
	return 0;
}

int ss_parse_x64(const char *s, uint64_t *val)
{
	uint64_t v = 0;
	size_t n;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	s += 2;
	n = strspn(s, "0123456789abcdefABCDEF");
	if (!n || s[n])
		return -EINVAL;
	s += strspn(s, "0");	/* leading zeros never overflow */
	if (strlen(s) > 16)
		return -ERANGE;
	for (; *s; s++) {
		unsigned int c = (unsigned char)*s;

		v = v << 4 | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	*val = v;
	return 0;
}

int ss_rec_str(struct ss_file *f, const struct ss_record *r, const char *key,
	       const char **val)
{
	*val = ss_rec_get(r, key);
	if (!*val)
		return ss_set_err(f, r->line, -EINVAL, "missing key '%s'", key);
	return 0;
}

int ss_rec_u64(struct ss_file *f, const struct ss_record *r, const char *key,
	       uint64_t *val)
{
	const char *s;
	int err = ss_rec_str(f, r, key, &s);

	if (err)
		return err;
	err = ss_parse_u64(s, val);
	if (err == -ERANGE)
		return ss_set_err(f, r->line, -EINVAL,
				  "%s=%.40s does not fit in 64 bits", key, s);
	if (err)
		return ss_set_err(f, r->line, -EINVAL,
				  "%s=%.40s is not an unsigned decimal number",
				  key, s);
	return 0;
}

int ss_rec_s64(struct ss_file *f, const struct ss_record *r, const char *key,
	       int64_t *val)
{
	const char *s, *digits;
	uint64_t mag;
	int err = ss_rec_str(f, r, key, &s);

	if (err)
		return err;
	digits = s + (*s == '-');
	err = ss_parse_u64(digits, &mag);
	if (!err && mag > (uint64_t)INT64_MAX + (*s == '-'))
		err = -ERANGE;
	if (err)
		return ss_set_err(f, r->line, -EINVAL,
				  "%s=%.40s is not a signed 64-bit decimal number",
				  key, s);
	*val = *s == '-' ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

int ss_rec_x64(struct ss_file *f, const struct ss_record *r, const char *key,
	       uint64_t *val)
{
	const char *s;
	int err = ss_rec_str(f, r, key, &s);

	if (err)
		return err;
	err = ss_parse_x64(s, val);
	if (err == -ERANGE)
		return ss_set_err(f, r->line, -EINVAL,
				  "%s=%.40s does not fit in 64 bits", key, s);
	if (err)
		return ss_set_err(f, r->line, -EINVAL,
				  "%s=%.40s is not a hexadecimal number (0x...)",
				  key, s);
	return 0;
}
