// SPDX-License-Identifier: GPL-2.0 OR MIT
/* kv.c: key=value files, read and parsed in place (see kv.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"

ssize_t kv_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

int kv_write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

/* Length of the line at @s: up to its '\n' or the NUL. */
static size_t kv_line_len(const char *s)
{
	return strcspn(s, "\n");
}

const char *kv_next_line(const char **pos, size_t *len)
{
	const char *s = *pos;

	if (!*s)
		return NULL;
	*len = kv_line_len(s);
	*pos = s[*len] ? s + *len + 1 : s + *len;
	return s;
}

const char *kv_find_line(const char *buf, const char *key, const char *val)
{
	const char *pos = buf, *line;
	size_t len;

	while ((line = kv_next_line(&pos, &len)))
		if (kv_is(line, key, val))
			return line;
	return NULL;
}

const char *kv_get(const char *line, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *p = line, *end = line + kv_line_len(line), *w;

	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		w = p;
		while (p < end && *p != ' ')
			p++;
		if ((size_t)(p - w) > klen && w[klen] == '=' &&
		    !memcmp(w, key, klen)) {
			*vlen = p - w - klen - 1;
			return w + klen + 1;
		}
	}
	return NULL;
}

bool kv_is(const char *line, const char *key, const char *val)
{
	size_t vlen;
	const char *v = kv_get(line, key, &vlen);

	return v && vlen == strlen(val) && !memcmp(v, val, vlen);
}

bool kv_u64(const char *line, const char *key, int base, uint64_t *v)
{
	char tmp[32], *end;
	const char *s;
	size_t vlen;
	uint64_t n;

	s = kv_get(line, key, &vlen);
	if (!s || !vlen || vlen >= sizeof(tmp))
		return false;
	memcpy(tmp, s, vlen);
	tmp[vlen] = '\0';
	n = strtoull(tmp, &end, base);
	if (*end)
		return false;
	*v = n;
	return true;
}

bool kv_str(const char *line, const char *key, char *val, size_t size)
{
	size_t vlen;
	const char *v = kv_get(line, key, &vlen);

	if (!v || !size)
		return false;
	if (vlen >= size)
		vlen = size - 1;
	memcpy(val, v, vlen);
	val[vlen] = '\0';
	return true;
}

uint64_t kv_dec(const char *s, size_t len)
{
	uint64_t v = 0;

	while (len-- && *s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

int kv_lookup(const char *const *names, int n, const char *s, size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return i;
	return -1;
}

int kv_index(const char *line, const char *key, const char *const *names,
	     int n)
{
	size_t vlen;
	const char *v = kv_get(line, key, &vlen);

	return v ? kv_lookup(names, n, v, vlen) : -1;
}
