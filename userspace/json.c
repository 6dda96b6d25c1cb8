// SPDX-License-Identifier: GPL-2.0 OR MIT
/* json.c: a tiny streaming JSON writer in the manner of bpftool's. */
#include <inttypes.h>

#include "json.h"

void jsonw_init(struct json_writer *w, FILE *out, bool pretty)
{
	w->out = out;
	w->depth = 0;
	w->pretty = pretty;
	w->need_sep = false;
	w->after_name = false;
}

void jsonw_finish(struct json_writer *w)
{
	fputc('\n', w->out);
}

static void jsonw_indent(struct json_writer *w)
{
	unsigned int i;

	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/* Separator and indent due before a name, or a value not after a name. */
static void jsonw_elem(struct json_writer *w)
{
	if (w->after_name) {
		w->after_name = false;
		return;
	}
	if (w->need_sep)
		fputc(',', w->out);
	if (w->pretty && w->depth)
		jsonw_indent(w);
}

static void jsonw_open(struct json_writer *w, char c)
{
	jsonw_elem(w);
	fputc(c, w->out);
	w->depth++;
	w->need_sep = false;
}

static void jsonw_close(struct json_writer *w, char c)
{
	w->depth--;
	/* need_sep clear here means the container stayed empty: "{}". */
	if (w->pretty && w->need_sep)
		jsonw_indent(w);
	fputc(c, w->out);
	w->need_sep = true;
}

void jsonw_start_object(struct json_writer *w)
{
	jsonw_open(w, '{');
}

void jsonw_end_object(struct json_writer *w)
{
	jsonw_close(w, '}');
}

void jsonw_start_array(struct json_writer *w)
{
	jsonw_open(w, '[');
}

void jsonw_end_array(struct json_writer *w)
{
	jsonw_close(w, ']');
}

/* Length of the valid UTF-8 sequence at @s, 0 if it is not one. */
static unsigned int utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], n, i, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		/* Also stops at the terminating NUL. */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Strings come from kernel files and may hold any byte; a JSON reader
 * rejects invalid UTF-8, so such bytes become U+FFFD.
 */
static void jsonw_quote(struct json_writer *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int n;

	fputc('"', w->out);
	while (*s) {
		n = utf8_len(s);
		if (*s == '"' || *s == '\\') {
			fputc('\\', w->out);
			fputc(*s++, w->out);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(w->out, "\\u%04x", *s++);
		} else if (n) {
			fwrite(s, 1, n, w->out);
			s += n;
		} else {
			fputs("\\ufffd", w->out);
			s++;
		}
	}
	fputc('"', w->out);
}

void jsonw_name(struct json_writer *w, const char *name)
{
	jsonw_elem(w);
	jsonw_quote(w, name);
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_name = true;
}

void jsonw_string(struct json_writer *w, const char *s)
{
	jsonw_elem(w);
	jsonw_quote(w, s);
	w->need_sep = true;
}

void jsonw_u64(struct json_writer *w, uint64_t v)
{
	jsonw_elem(w);
	fprintf(w->out, "%" PRIu64, v);
	w->need_sep = true;
}

void jsonw_null(struct json_writer *w)
{
	jsonw_elem(w);
	fputs("null", w->out);
	w->need_sep = true;
}

void jsonw_bool(struct json_writer *w, bool v)
{
	jsonw_elem(w);
	fputs(v ? "true" : "false", w->out);
	w->need_sep = true;
}

void jsonw_string_field(struct json_writer *w, const char *name,
			const char *s)
{
	jsonw_name(w, name);
	jsonw_string(w, s);
}

void jsonw_u64_field(struct json_writer *w, const char *name, uint64_t v)
{
	jsonw_name(w, name);
	jsonw_u64(w, v);
}

void jsonw_s64_field(struct json_writer *w, const char *name, int64_t v)
{
	jsonw_name(w, name);
	jsonw_elem(w);
	fprintf(w->out, "%" PRId64, v);
	w->need_sep = true;
}

/* Addresses, PTEs and other bit patterns: "0x..." strings, as the module prints them. */
void jsonw_x64_field(struct json_writer *w, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jsonw_string_field(w, name, buf);
}

void jsonw_null_field(struct json_writer *w, const char *name)
{
	jsonw_name(w, name);
	jsonw_null(w);
}

void jsonw_bool_field(struct json_writer *w, const char *name, bool v)
{
	jsonw_name(w, name);
	jsonw_bool(w, v);
}
