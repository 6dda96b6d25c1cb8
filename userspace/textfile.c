// SPDX-License-Identifier: GPL-2.0 OR MIT
/* textfile.c: a small text file read whole (baselines, expectations, ...). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

char *read_text_file(const char *path, const char *what, size_t max,
		     size_t *lenp)
{
	char *buf;
	size_t len;
	FILE *fp;
	int err;

	fp = fopen(path, "re");
	if (!fp) {
		err = errno;
		if (what)
			p_err("%s %s: %s", what, path, strerror(err));
		errno = err;
		return NULL;
	}
	buf = xcalloc(max + 1, 1);
	len = fread(buf, 1, max + 1, fp);
	err = ferror(fp) ? (errno ? errno : EIO) : 0;
	fclose(fp);
	if (err) {
		if (what)
			p_err("%s %s: %s", what, path, strerror(err));
	} else if (len > max) {
		err = EFBIG;
		if (what)
			p_err("%s %s: larger than %zu bytes, not %s %s", what,
			      path, max, strchr("aeiou", *what) ? "an" : "a",
			      what);
	} else if (memchr(buf, '\0', len)) {
		err = EINVAL;
		if (what)
			p_err("%s %s: a NUL byte, not a text file", what, path);
	}
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

int read_text_lines(const char *path, const char *what, size_t max,
		    int (*fn)(void *ctx, char *line, unsigned int nr),
		    void *ctx)
{
	char *buf = read_text_file(path, what, max, NULL), *line, *next;
	unsigned int nr = 0;
	int ret = 0;

	if (!buf)
		return -1;
	for (line = buf; line && !ret; line = next) {
		char *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		nr++;
		p = line + strspn(line, " \t\r");
		if (*p && *p != '#')
			ret = fn(ctx, p, nr);
	}
	free(buf);
	return ret;
}
