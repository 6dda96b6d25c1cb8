// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * btf.c: function prototypes from a kernel's BTF, through bpftool's raw
 * dump, in one canonical C spelling that the source's can be compared to.
 *
 * "bpftool btf dump file FILE format raw" prints one type a line, its
 * members, parameters or values indented below it:
 *
 *   [7] INT 'long unsigned int' size=8 bits_offset=0 nr_bits=64 ...
 *   [9011] PTR '(anon)' type_id=9012
 *   [55703] FUNC_PROTO '(anon)' ret_type_id=76 vlen=4
 *           'folio' type_id=2915
 *   [55709] FUNC 'try_to_unmap_one' type_id=55703 linkage=static
 *
 * Only what a prototype needs is kept: each type's kind, name and the
 * type it refers to, and a FUNC_PROTO's parameters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "doctor.h"

#define BTF_MAX_ID	(1u << 24)	/* vmlinux has ~10^5 types */
#define BTF_MAX_DEPTH	32		/* a type chain longer is a loop */
#define BTF_MAGIC_LO	0x9f		/* 0xeb9f, little-endian */
#define BTF_MAGIC_HI	0xeb

enum btf_kind {
	K_NONE,		/* no type has this id */
	K_INT, K_FLOAT, K_TYPEDEF,
	K_STRUCT, K_UNION, K_ENUM, K_FWD_STRUCT, K_FWD_UNION,
	K_PTR, K_CONST, K_VOLATILE, K_RESTRICT, K_TYPE_TAG,
	K_ARRAY, K_FUNC_PROTO, K_FUNC,
	K_OTHER,	/* VAR, DATASEC, DECL_TAG, ...: never in a prototype */
};

static const struct {
	const char *name;
	enum btf_kind kind;
} btf_kinds[] = {
	{ "INT", K_INT }, { "FLOAT", K_FLOAT }, { "TYPEDEF", K_TYPEDEF },
	{ "STRUCT", K_STRUCT }, { "UNION", K_UNION }, { "ENUM", K_ENUM },
	{ "ENUM64", K_ENUM }, { "FWD", K_FWD_STRUCT }, { "PTR", K_PTR },
	{ "CONST", K_CONST }, { "VOLATILE", K_VOLATILE },
	{ "RESTRICT", K_RESTRICT }, { "TYPE_TAG", K_TYPE_TAG },
	{ "ARRAY", K_ARRAY }, { "FUNC_PROTO", K_FUNC_PROTO },
	{ "FUNC", K_FUNC },
};

struct btf_type {
	enum btf_kind kind;
	uint32_t ref;		/* type_id=, ret_type_id= of a FUNC_PROTO */
	char *name;		/* NULL for '(anon)' */
	uint32_t *params;	/* FUNC_PROTO: parameter type ids */
	uint32_t nr_params;
};

struct btf {
	struct btf_type *t;	/* indexed by type id */
	size_t cap;
	size_t nr;		/* types read */
};

/* ------------------------------------------------------------------ */
/* canonical spelling                                                  */
/* ------------------------------------------------------------------ */

struct tokens {
	char **v;
	size_t n;
};

static bool is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Identifiers, "...", and every other character but blanks on its own. */
static void tokenize(const char *s, struct tokens *tk)
{
	tk->v = xcalloc(strlen(s) + 1, sizeof(*tk->v));
	tk->n = 0;
	while (*s) {
		size_t len = 1;

		if (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		if (is_ident(*s))
			while (is_ident(s[len]))
				len++;
		else if (!strncmp(s, "...", 3))
			len = 3;
		tk->v[tk->n++] = strndup(s, len);
		if (!tk->v[tk->n - 1]) {
			p_err("out of memory");
			exit(SS_EXIT_PROBLEM);
		}
		s += len;
	}
}

static void tokens_free(struct tokens *tk)
{
	size_t i;

	for (i = 0; i < tk->n; i++)
		free(tk->v[i]);
	free(tk->v);
}

static const char *const int_words[] = {
	"signed", "unsigned", "char", "short", "int", "long",
};

static bool is_int_word(const char *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(int_words); i++)
		if (!strcmp(w, int_words[i]))
			return true;
	return false;
}

static bool is_qualifier(const char *w)
{
	return !strcmp(w, "const") || !strcmp(w, "volatile") ||
	       !strcmp(w, "restrict");
}

/* "long unsigned int" (DWARF's order) and "unsigned long" alike. */
static const char *int_canon(char **w, size_t n)
{
	size_t i, longs = 0;
	bool is_unsigned = false, is_signed = false, is_char = false;
	bool is_short = false;

	for (i = 0; i < n; i++) {
		if (!strcmp(w[i], "unsigned"))
			is_unsigned = true;
		else if (!strcmp(w[i], "signed"))
			is_signed = true;
		else if (!strcmp(w[i], "char"))
			is_char = true;
		else if (!strcmp(w[i], "short"))
			is_short = true;
		else if (!strcmp(w[i], "long"))
			longs++;
	}
	if (is_char)
		return is_unsigned ? "unsigned char" :
		       is_signed ? "signed char" : "char";
	if (is_short)
		return is_unsigned ? "unsigned short" : "short";
	if (longs >= 2)
		return is_unsigned ? "unsigned long long" : "long long";
	if (longs)
		return is_unsigned ? "unsigned long" : "long";
	return is_unsigned ? "unsigned int" : "int";
}

/* Appends @s to the malloc'ed string *out. */
static void cat(char **out, const char *s)
{
	char *n = xasprintf("%s%s", *out, s);

	free(*out);
	*out = n;
}

/* The qualifiers among @w, in one order, blank-separated. */
static char *qualifiers(char **w, size_t n)
{
	static const char *const order[] = { "const", "volatile", "restrict" };
	char *out = xasprintf("%s", "");
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		for (j = 0; j < n; j++)
			if (!strcmp(w[j], order[i])) {
				cat(&out, *out ? " " : "");
				cat(&out, order[i]);
				break;
			}
	return out;
}

/* Tokens [from, to) as they are, blank-separated. */
static char *canon_verbatim(char **v, size_t from, size_t to)
{
	char *out = xasprintf("%s", "");
	size_t i;

	for (i = from; i < to; i++) {
		cat(&out, i > from ? " " : "");
		cat(&out, v[i]);
	}
	return out;
}

/*
 * Tokens [from, to) of a declaration without its name: qualifiers, base
 * type, then "*" each with its own qualifiers.  Anything else (function
 * pointers, arrays) keeps its tokens.
 */
static char *canon_tokens(char **v, size_t from, size_t to)
{
	char **base = v + from;
	size_t i, n, nbase, words = 0;
	bool in_ptr = false;
	char *out, *q;

	for (i = from; i < to; i++) {
		if (!strcmp(v[i], "*"))
			in_ptr = true;
		else if (!is_ident(v[i][0]) || (in_ptr && !is_qualifier(v[i])))
			return canon_verbatim(v, from, to);
	}
	out = xasprintf("%s", "");
	for (nbase = 0; from + nbase < to && strcmp(base[nbase], "*"); nbase++)
		;
	q = qualifiers(base, nbase);
	cat(&out, q);
	cat(&out, *q ? " " : "");
	free(q);
	for (i = 0; i < nbase; i++)
		if (!is_qualifier(base[i]) && !is_int_word(base[i]))
			break;
	if (i == nbase) {		/* an integer type, or none */
		for (i = 0; i < nbase; i++)
			words += is_int_word(base[i]);
		if (words)
			cat(&out, int_canon(base, nbase));
	} else {
		for (i = 0; i < nbase; i++) {
			if (is_qualifier(base[i]))
				continue;
			cat(&out, words++ ? " " : "");
			cat(&out, base[i]);
		}
	}
	for (i = from + nbase; i < to; i += n) {
		/* "*" and the qualifiers after it */
		for (n = 1; i + n < to && strcmp(v[i + n], "*"); n++)
			;
		cat(&out, *out && out[strlen(out) - 1] != '*' ? " *" : "*");
		q = qualifiers(v + i + 1, n - 1);
		cat(&out, q);
		free(q);
	}
	return out;
}

char *type_canon(const char *type)
{
	struct tokens tk;
	char *out;

	tokenize(type, &tk);
	out = canon_tokens(tk.v, 0, tk.n);
	tokens_free(&tk);
	return out;
}

/* One parameter as the source spells it: its type, then its name. */
static char *param_canon(char **v, size_t n)
{
	if (n < 2 || !is_ident(v[n - 1][0]) || is_int_word(v[n - 1]) ||
	    is_qualifier(v[n - 1]))
		return NULL;
	return canon_tokens(v, 0, n - 1);
}

char *proto_canon(const char *ret, const char *params)
{
	char *out = type_canon(ret), *p;
	size_t i, n, start = 0, depth = 0, nr = 0;
	struct tokens tk;

	cat(&out, "(");
	tokenize(params, &tk);
	n = tk.n;
	if (n == 1 && !strcmp(tk.v[0], "void"))
		n = 0;
	/* each parameter ends at a comma outside parentheses, or at the end */
	for (i = 0; n && i <= n; i++) {
		if (i < n) {
			if (!strcmp(tk.v[i], "("))
				depth++;
			else if (!strcmp(tk.v[i], ")") && depth)
				depth--;
			if (depth || strcmp(tk.v[i], ","))
				continue;
		}
		if (i - start == 1 && !strcmp(tk.v[start], "..."))
			p = xasprintf("...");
		else
			p = param_canon(tk.v + start, i - start);
		if (!p) {
			free(out);
			out = NULL;
			break;
		}
		cat(&out, nr++ ? ", " : "");
		cat(&out, p);
		free(p);
		start = i + 1;
	}
	tokens_free(&tk);
	if (out)
		cat(&out, ")");
	return out;
}

/* ------------------------------------------------------------------ */
/* the raw dump                                                        */
/* ------------------------------------------------------------------ */

static struct btf_type *btf_get(const struct btf *b, uint32_t id)
{
	return id < b->cap && b->t[id].kind != K_NONE ? &b->t[id] : NULL;
}

static struct btf_type *btf_slot(struct btf *b, uint32_t id)
{
	if (id >= b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		struct btf_type *t;

		while (cap <= id)
			cap *= 2;
		t = realloc(b->t, cap * sizeof(*t));
		if (!t) {
			p_err("out of memory");
			exit(SS_EXIT_PROBLEM);
		}
		memset(t + b->cap, 0, (cap - b->cap) * sizeof(*t));
		b->t = t;
		b->cap = cap;
	}
	return &b->t[id];
}

/* The number after " key=" in @s; false when there is none. */
static bool field_u32(const char *s, const char *key, uint32_t *val)
{
	char pat[32];
	const char *p;
	char *end;
	unsigned long v;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(s, pat);
	if (!p)
		return false;
	p += strlen(pat);
	errno = 0;
	v = strtoul(p, &end, 10);
	if (end == p || errno || v >= BTF_MAX_ID)
		return false;
	*val = (uint32_t)v;
	return true;
}

/* "[ID] KIND 'NAME' key=value...": 0, or -1 when it is not one. */
static int btf_parse_type(struct btf *b, const char *line,
			  struct btf_type **cur)
{
	const char *p = line + 1, *kind, *name, *rest;
	struct btf_type *t;
	unsigned long id;
	size_t i, klen;
	char *end;

	errno = 0;
	id = strtoul(p, &end, 10);
	if (end == p || errno || !id || id >= BTF_MAX_ID ||
	    strncmp(end, "] ", 2))
		return -1;
	kind = end + 2;
	klen = strcspn(kind, " ");
	if (kind[klen] != ' ' || kind[klen + 1] != '\'')
		return -1;
	name = kind + klen + 2;
	rest = strchr(name, '\'');
	if (!rest)
		return -1;
	t = btf_slot(b, (uint32_t)id);
	if (t->kind != K_NONE)
		return -1;	/* each id once */
	t->kind = K_OTHER;
	for (i = 0; i < ARRAY_SIZE(btf_kinds); i++)
		if (strlen(btf_kinds[i].name) == klen &&
		    !strncmp(kind, btf_kinds[i].name, klen))
			t->kind = btf_kinds[i].kind;
	if (t->kind == K_FWD_STRUCT && strstr(rest, " fwd_kind=union"))
		t->kind = K_FWD_UNION;
	if (rest - name != 6 || strncmp(name, "(anon)", 6)) {
		t->name = strndup(name, rest - name);
		if (!t->name) {
			p_err("out of memory");
			exit(SS_EXIT_PROBLEM);
		}
	}
	if (t->kind == K_FUNC_PROTO)
		field_u32(rest, "ret_type_id", &t->ref);
	else
		field_u32(rest, "type_id", &t->ref);
	b->nr++;
	*cur = t->kind == K_FUNC_PROTO ? t : NULL;
	return 0;
}

/* "\t'NAME' type_id=N" below a FUNC_PROTO. */
static int btf_parse_param(struct btf_type *proto, const char *line)
{
	uint32_t id, *p;

	if (line[1] != '\'' || !field_u32(strchr(line + 2, '\'') ? : line,
					   "type_id", &id))
		return -1;
	p = realloc(proto->params, (proto->nr_params + 1) * sizeof(*p));
	if (!p) {
		p_err("out of memory");
		exit(SS_EXIT_PROBLEM);
	}
	p[proto->nr_params++] = id;
	proto->params = p;
	return 0;
}

static int btf_parse(struct btf *b, FILE *fp, char *why, size_t len)
{
	struct btf_type *proto = NULL;
	unsigned long nr = 0;
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;
	int err = 0;

	while ((n = getline(&line, &cap, fp)) > 0) {
		nr++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '[')
			err = btf_parse_type(b, line, &proto);
		else if (line[0] == '\t' && proto)
			err = btf_parse_param(proto, line);
		else if (line[0] != '\t' && line[0])
			err = -1;
		if (err) {
			snprintf(why, len, "line %lu is not bpftool's raw format: %.60s",
				 nr, line);
			break;
		}
	}
	free(line);
	if (!err && ferror(fp)) {
		snprintf(why, len, "read: %s", strerror(errno));
		err = -1;
	}
	if (!err && !b->nr) {
		snprintf(why, len, "no types in it");
		err = -1;
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* loading                                                             */
/* ------------------------------------------------------------------ */

static enum btf_load_result btf_run_bpftool(struct btf *b, const char *file,
					    const char *bpftool, char *why,
					    size_t len)
{
	char *argv[] = { (char *)bpftool, "btf", "dump", "file", (char *)file,
			 "format", "raw", NULL };
	char msg[256];
	struct spawn s;
	int err, status;

	err = spawn_start(&s, argv);
	if (err == ENOENT)
		return BTF_NO_TOOL;
	if (err) {
		snprintf(why, len, "cannot run %s: %s", bpftool, strerror(err));
		return BTF_FAILED;
	}
	err = btf_parse(b, s.out, why, len);
	status = spawn_finish(&s, msg, sizeof(msg));
	/*
	 * bpftool's own message says more than "no types" of no output; but
	 * once the parser gave up, a SIGPIPE is only the echo of that.
	 */
	if (status > 0 || (status < 0 && !err)) {
		snprintf(why, len, "%s btf dump file %s failed (%s): %s",
			 bpftool, file, status < 0 ? "killed" : "exit status",
			 msg[0] ? msg : "no message");
		return BTF_FAILED;
	}
	return err ? BTF_FAILED : BTF_LOADED;
}

enum btf_load_result btf_load(struct btf **bp, const char *file,
			      const char *bpftool, const char **how,
			      char *why, size_t len)
{
	unsigned char head[4] = { 0 };
	struct btf *b = xcalloc(1, sizeof(*b));
	enum btf_load_result ret;
	FILE *fp;

	*bp = NULL;
	fp = fopen(file, "r");
	if (!fp) {
		snprintf(why, len, "%s: %s", file, strerror(errno));
		free(b);
		return BTF_FAILED;
	}
	if (fread(head, 1, sizeof(head), fp) < 1 && ferror(fp)) {
		snprintf(why, len, "%s: %s", file, strerror(errno));
		fclose(fp);
		free(b);
		return BTF_FAILED;
	}
	if (head[0] == '[') {
		*how = "saved dump";
		rewind(fp);
		ret = btf_parse(b, fp, why, len) ? BTF_FAILED : BTF_LOADED;
	} else if ((head[0] == BTF_MAGIC_LO && head[1] == BTF_MAGIC_HI) ||
		   !memcmp(head, "\177ELF", 4)) {
		*how = "bpftool";
		ret = btf_run_bpftool(b, file, bpftool, why, len);
	} else {
		snprintf(why, len, "%s is neither BTF, nor ELF, nor a saved 'bpftool btf dump ... format raw'",
			 file);
		ret = BTF_FAILED;
	}
	fclose(fp);
	if (ret == BTF_LOADED)
		*bp = b;
	else
		btf_free(b);
	return ret;
}

size_t btf_nr_types(const struct btf *b)
{
	return b->nr;
}

void btf_free(struct btf *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->cap; i++) {
		free(b->t[i].name);
		free(b->t[i].params);
	}
	free(b->t);
	free(b);
}

/* ------------------------------------------------------------------ */
/* prototypes                                                          */
/* ------------------------------------------------------------------ */

static char *btf_render(const struct btf *b, uint32_t id, int depth);

/* A FUNC_PROTO as "ret(type, type)", or the "(*)" of a function pointer. */
static char *btf_render_proto(const struct btf *b, const struct btf_type *t,
			      const char *inner, int depth)
{
	char *out = btf_render(b, t->ref, depth + 1), *p;
	uint32_t i;

	cat(&out, inner);
	cat(&out, "(");
	for (i = 0; i < t->nr_params; i++) {
		/* type 0 as the last parameter: variadic */
		p = t->params[i] || i + 1 < t->nr_params ?
		    btf_render(b, t->params[i], depth + 1) : xasprintf("...");
		cat(&out, i ? ", " : "");
		cat(&out, p);
		free(p);
	}
	cat(&out, ")");
	return out;
}

static const struct btf_type *btf_skip_tags(const struct btf *b,
					    const struct btf_type *t)
{
	int n = 0;

	while (t && t->kind == K_TYPE_TAG && n++ < BTF_MAX_DEPTH)
		t = btf_get(b, t->ref);
	return t;
}

/* A type in C, qualifiers before what they qualify but for pointers. */
static char *btf_render(const struct btf *b, uint32_t id, int depth)
{
	static const char *const qual[] = {
		[K_CONST] = "const", [K_VOLATILE] = "volatile",
		[K_RESTRICT] = "restrict",
	};
	const struct btf_type *t = btf_get(b, id), *to;
	const char *name;
	char *inner, *out;

	if (!id)
		return xasprintf("void");
	if (!t || depth > BTF_MAX_DEPTH)
		return xasprintf("?%u", id);
	name = t->name ? t->name : "(anon)";
	switch (t->kind) {
	case K_INT: case K_FLOAT: case K_TYPEDEF:
		return xasprintf("%s", name);
	case K_STRUCT: case K_FWD_STRUCT:
		return xasprintf("struct %s", name);
	case K_UNION: case K_FWD_UNION:
		return xasprintf("union %s", name);
	case K_ENUM:
		return xasprintf("enum %s", name);
	case K_TYPE_TAG:
		return btf_render(b, t->ref, depth + 1);
	case K_PTR:
		to = btf_skip_tags(b, btf_get(b, t->ref));
		if (to && to->kind == K_FUNC_PROTO)
			return btf_render_proto(b, to, " (*)", depth);
		inner = btf_render(b, t->ref, depth + 1);
		out = xasprintf("%s *", inner);
		free(inner);
		return out;
	case K_CONST: case K_VOLATILE: case K_RESTRICT:
		to = btf_skip_tags(b, btf_get(b, t->ref));
		inner = btf_render(b, t->ref, depth + 1);
		if (to && to->kind == K_PTR)
			out = xasprintf("%s %s", inner, qual[t->kind]);
		else
			out = xasprintf("%s %s", qual[t->kind], inner);
		free(inner);
		return out;
	case K_ARRAY:
		inner = btf_render(b, t->ref, depth + 1);
		out = xasprintf("%s []", inner);
		free(inner);
		return out;
	case K_FUNC_PROTO:
		return btf_render_proto(b, t, "", depth);
	default:
		return xasprintf("?%u", id);
	}
}

/* The FUNC_PROTO's types, each in type_canon's spelling. */
static char *btf_proto_canon(const struct btf *b, const struct btf_type *p)
{
	char *out, *s, *c;
	uint32_t i;

	s = btf_render(b, p->ref, 0);
	out = type_canon(s);
	free(s);
	cat(&out, "(");
	for (i = 0; i < p->nr_params; i++) {
		if (!p->params[i] && i + 1 == p->nr_params)
			c = xasprintf("...");
		else {
			s = btf_render(b, p->params[i], 0);
			c = type_canon(s);
			free(s);
		}
		cat(&out, i ? ", " : "");
		cat(&out, c);
		free(c);
	}
	cat(&out, ")");
	return out;
}

size_t btf_func_protos(const struct btf *b, const char *name, char ***protos)
{
	const struct btf_type *p;
	size_t id, i, n = 0;
	char *s;

	*protos = NULL;
	for (id = 1; id < b->cap; id++) {
		if (b->t[id].kind != K_FUNC || !b->t[id].name ||
		    strcmp(b->t[id].name, name))
			continue;
		p = btf_get(b, b->t[id].ref);
		if (p && p->kind == K_FUNC_PROTO)
			s = btf_proto_canon(b, p);
		else
			s = xasprintf("?(type %u is no FUNC_PROTO)", b->t[id].ref);
		for (i = 0; i < n && strcmp((*protos)[i], s); i++)
			;
		if (i < n) {
			free(s);
			continue;
		}
		*protos = realloc(*protos, (n + 1) * sizeof(**protos));
		if (!*protos) {
			p_err("out of memory");
			exit(SS_EXIT_PROBLEM);
		}
		(*protos)[n++] = s;
	}
	return n;
}
