/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* json.h: a tiny streaming JSON writer in the manner of bpftool's. */
#ifndef SWAPSCOPE_JSON_H
#define SWAPSCOPE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer {
	FILE *out;
	unsigned int depth;	/* open objects and arrays */
	bool pretty;		/* newline and 4-space indent per level */
	bool need_sep;		/* a value precedes at this level: emit ',' */
	bool after_name;	/* a name was written, its value comes next */
};

void jsonw_init(struct json_writer *w, FILE *out, bool pretty);
/* Ends the document with a newline. */
void jsonw_finish(struct json_writer *w);

void jsonw_start_object(struct json_writer *w);
void jsonw_end_object(struct json_writer *w);
void jsonw_start_array(struct json_writer *w);
void jsonw_end_array(struct json_writer *w);

void jsonw_name(struct json_writer *w, const char *name);
void jsonw_string(struct json_writer *w, const char *s);
void jsonw_u64(struct json_writer *w, uint64_t v);
void jsonw_null(struct json_writer *w);
void jsonw_bool(struct json_writer *w, bool v);

void jsonw_string_field(struct json_writer *w, const char *name,
			const char *s);
void jsonw_u64_field(struct json_writer *w, const char *name, uint64_t v);
void jsonw_s64_field(struct json_writer *w, const char *name, int64_t v);
void jsonw_x64_field(struct json_writer *w, const char *name, uint64_t v);
void jsonw_null_field(struct json_writer *w, const char *name);
void jsonw_bool_field(struct json_writer *w, const char *name, bool v);

#endif /* SWAPSCOPE_JSON_H */
