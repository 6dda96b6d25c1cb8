// SPDX-License-Identifier: GPL-2.0 OR MIT
/* test_records.c: unit tests of the debugfs record parser, userspace/records.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Fails the running test with the condition that did not hold. */
#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			return -1;					\
		}							\
	} while (0)

#define CHECK_STR(a, b)	CHECK((a) && !strcmp((a), (b)))
#define CHECK_HAS(s, sub) CHECK(strstr((s), (sub)))

static int parse(struct ss_file *f, const char *name, const char *text,
		 enum ss_rec_mode mode)
{
	ss_file_init(f, name);
	return ss_parse_buf(f, text, strlen(text), mode);
}

/* ------------------------------------------------------------------ */
/* well-formed input                                                   */
/* ------------------------------------------------------------------ */

static int t_probe_line(void)
{
	struct ss_file f;
	const struct ss_record *r;

	CHECK(!parse(&f, "probes",
		     "probe=zap symbol=unmap_page_range type=kprobe state=active hits=12 nmissed=0 maxactive=0 reason=-\n",
		     SS_REC_WORDS));
	CHECK(f.nr == 1);
	r = &f.rec[0];
	CHECK(r->line == 1 && r->nr_kv == 8);
	CHECK_STR(ss_rec_get(r, "probe"), "zap");
	CHECK_STR(ss_rec_get(r, "symbol"), "unmap_page_range");
	CHECK_STR(ss_rec_get(r, "reason"), "-");
	CHECK(!ss_rec_get(r, "nope"));
	CHECK(!ss_rec_get(r, "zap"));	/* a value is not a key */
	ss_file_free(&f);
	return 0;
}

static int t_blanks(void)
{
	struct ss_file f;

	CHECK(!parse(&f, "probes", "  probe=a\t\tsymbol=b \t\n\n \t\nprobe=c\n",
		     SS_REC_WORDS));
	CHECK(f.nr == 2);
	CHECK(f.rec[0].line == 1 && f.rec[0].nr_kv == 2);
	CHECK_STR(ss_rec_get(&f.rec[0], "symbol"), "b");
	CHECK(f.rec[1].line == 4 && f.rec[1].nr_kv == 1);
	CHECK_STR(ss_rec_get(&f.rec[1], "probe"), "c");
	ss_file_free(&f);
	return 0;
}

static int t_no_final_newline(void)
{
	struct ss_file f;

	CHECK(!parse(&f, "stats", "a=1\nb=2", SS_REC_WORDS));
	CHECK(f.nr == 2);
	CHECK_STR(ss_rec_get(&f.rec[1], "b"), "2");
	ss_file_free(&f);
	return 0;
}

static int t_empty_file(void)
{
	struct ss_file f;

	CHECK(!parse(&f, "probes", "", SS_REC_WORDS));
	CHECK(f.nr == 0);
	ss_file_free(&f);
	CHECK(!parse(&f, "version", "\n\n", SS_REC_LINE));
	CHECK(f.nr == 0);
	ss_file_free(&f);
	return 0;
}

static int t_unknown_keys(void)
{
	struct ss_file f;
	uint64_t v;

	CHECK(!parse(&f, "stats", "new=x path=swapin calls=3 newer=y=z\n",
		     SS_REC_WORDS));
	CHECK(!ss_rec_u64(&f, &f.rec[0], "calls", &v) && v == 3);
	CHECK_STR(ss_rec_get(&f.rec[0], "path"), "swapin");
	/* only the first '=' splits */
	CHECK_STR(ss_rec_get(&f.rec[0], "newer"), "y=z");
	ss_file_free(&f);
	return 0;
}

static int t_empty_value(void)
{
	struct ss_file f;
	uint64_t v;

	CHECK(!parse(&f, "probes", "reason= hits=\n", SS_REC_WORDS));
	CHECK_STR(ss_rec_get(&f.rec[0], "reason"), "");
	CHECK(ss_rec_u64(&f, &f.rec[0], "hits", &v) == -EINVAL);
	CHECK_HAS(f.err, "probes:1: hits= is not an unsigned decimal");
	ss_file_free(&f);
	return 0;
}

static int t_version_lines(void)
{
	struct ss_file f;
	const struct ss_record *r;

	CHECK(!parse(&f, "version",
		     "module=0.1.0\nabi=1\n\nkernel_version=#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 \t\nbuild=a=b\n",
		     SS_REC_LINE));
	CHECK(f.nr == 4);
	r = ss_file_find(&f, "abi");
	CHECK(r && r->line == 2);
	r = ss_file_find(&f, "kernel_version");
	CHECK(r && r->line == 4);
	CHECK_STR(ss_rec_get(r, "kernel_version"),
		  "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2");
	CHECK_STR(ss_rec_get(ss_file_find(&f, "build"), "build"), "a=b");
	CHECK(!ss_file_find(&f, "kernel"));
	ss_file_free(&f);
	return 0;
}

static int t_long_value(void)
{
	size_t n = 100000;
	char *text = malloc(n + 16);
	struct ss_file f;
	const char *v;

	CHECK(text);
	strcpy(text, "symbol=");
	memset(text + 7, 'x', n);
	strcpy(text + 7 + n, " hits=1\n");
	CHECK(!parse(&f, "probes", text, SS_REC_WORDS));
	free(text);
	v = ss_rec_get(&f.rec[0], "symbol");
	CHECK(v && strlen(v) == n);
	CHECK_STR(ss_rec_get(&f.rec[0], "hits"), "1");
	ss_file_free(&f);
	return 0;
}

/* More than one read buffer's worth, as a real stats file can be. */
static int t_read_stream(void)
{
	FILE *fp = tmpfile();
	struct ss_file f;
	uint64_t v;
	int i;

	CHECK(fp);
	for (i = 1; i <= 300; i++)
		fprintf(fp, "path=p%d phase=before calls=%d present=0 swap=%d\n",
			i, i, 2 * i);
	rewind(fp);
	ss_file_init(&f, "stats");
	CHECK(!ss_read_stream(&f, fp, SS_REC_WORDS));
	fclose(fp);
	CHECK(f.nr == 300);
	CHECK(f.rec[299].line == 300);
	CHECK(!ss_rec_u64(&f, &f.rec[299], "swap", &v) && v == 600);
	CHECK_STR(ss_rec_get(&f.rec[150], "path"), "p151");
	ss_file_free(&f);
	return 0;
}

static int t_free_twice(void)
{
	struct ss_file f;

	CHECK(!parse(&f, "stats", "a=1\n", SS_REC_WORDS));
	ss_file_free(&f);
	CHECK(!f.nr && !f.rec && !f.buf);
	ss_file_free(&f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* malformed input: an error naming the file and line, never a crash   */
/* ------------------------------------------------------------------ */

static int t_bare_word(void)
{
	struct ss_file f;

	CHECK(parse(&f, "probes", "probe=a\nprobe=zap kprobe hits=1\n",
		    SS_REC_WORDS) == -EINVAL);
	CHECK_HAS(f.err, "probes:2: 'kprobe' is not key=value");
	ss_file_free(&f);
	return 0;
}

static int t_tagged(void)
{
	struct ss_file f;
	const struct ss_record *r;

	CHECK(!parse(&f, "pagemap",
		     "pagemap=done pid=7\n  page\taddr=0x1000 truth=none\nslot\n",
		     SS_REC_TAGGED));
	CHECK(f.nr == 3);
	r = &f.rec[0];
	CHECK(!r->tag && r->nr_kv == 2);
	CHECK_STR(ss_rec_get(r, "pagemap"), "done");
	r = &f.rec[1];
	CHECK_STR(r->tag, "page");
	CHECK(r->line == 2 && r->nr_kv == 2);
	CHECK_STR(ss_rec_get(r, "addr"), "0x1000");
	CHECK(!ss_rec_get(r, "page"));	/* a tag is not a key */
	r = &f.rec[2];
	CHECK_STR(r->tag, "slot");
	CHECK(r->nr_kv == 0);
	ss_file_free(&f);

	/* Only the first word may be bare. */
	CHECK(parse(&f, "audit", "slot type=0\nslot type=1 leak\n",
		    SS_REC_TAGGED) == -EINVAL);
	CHECK_HAS(f.err, "audit:2: 'leak' is not key=value");
	ss_file_free(&f);
	CHECK(parse(&f, "audit", "slot page type=0\n", SS_REC_TAGGED) ==
	      -EINVAL);
	CHECK_HAS(f.err, "audit:1: 'page' is not key=value");
	ss_file_free(&f);
	/* Other modes keep refusing a bare first word. */
	CHECK(parse(&f, "probes", "page addr=0x1000\n", SS_REC_WORDS) ==
	      -EINVAL);
	CHECK_HAS(f.err, "probes:1: 'page' is not key=value");
	ss_file_free(&f);
	return 0;
}

static int t_empty_key(void)
{
	struct ss_file f;

	CHECK(parse(&f, "stats", "calls=1 =5\n", SS_REC_WORDS) == -EINVAL);
	CHECK_HAS(f.err, "stats:1: '=5' is not key=value");
	ss_file_free(&f);
	return 0;
}

static int t_duplicate_key(void)
{
	struct ss_file f;

	CHECK(parse(&f, "stats", "calls=1 swap=2 calls=3\n", SS_REC_WORDS) ==
	      -EINVAL);
	CHECK_HAS(f.err, "stats:1: duplicate key 'calls'");
	ss_file_free(&f);
	CHECK(parse(&f, "version", "abi=1\nmodule=x\nabi=2\n", SS_REC_LINE) ==
	      -EINVAL);
	CHECK_HAS(f.err, "version:3: duplicate key 'abi'");
	ss_file_free(&f);
	return 0;
}

static int t_nul_byte(void)
{
	static const char text[] = "a=1\nb=2\0c=3\n";
	struct ss_file f;

	ss_file_init(&f, "probes");
	CHECK(ss_parse_buf(&f, text, sizeof(text) - 1, SS_REC_WORDS) ==
	      -EINVAL);
	CHECK_HAS(f.err, "probes:2: line contains a NUL byte");
	ss_file_free(&f);
	return 0;
}

static int t_version_bad_line(void)
{
	struct ss_file f;

	CHECK(parse(&f, "version", "module=0.1.0\nnot a pair\n", SS_REC_LINE) ==
	      -EINVAL);
	CHECK_HAS(f.err, "version:2: 'not a pair' is not key=value");
	ss_file_free(&f);
	CHECK(parse(&f, "version", "bad key=1\n", SS_REC_LINE) == -EINVAL);
	CHECK_HAS(f.err, "version:1:");
	ss_file_free(&f);
	return 0;
}

static int t_parse_u64(void)
{
	static const struct {
		const char *s;
		int ret;
		uint64_t val;
	} cases[] = {
		{ "0", 0, 0 },
		{ "42", 0, 42 },
		{ "007", 0, 7 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "12x", -EINVAL, 0 },
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = 12345;
		if (ss_parse_u64(cases[i].s, &v) != cases[i].ret ||
		    (!cases[i].ret && v != cases[i].val)) {
			printf("# \"%s\": wrong result\n", cases[i].s);
			return -1;
		}
	}
	return 0;
}

static int t_parse_x64(void)
{
	static const struct {
		const char *s;
		int ret;
		uint64_t val;
	} cases[] = {
		{ "0x0", 0, 0 },
		{ "0x7f0000001000", 0, 0x7f0000001000ull },
		{ "0X8000000123456867", 0, 0x8000000123456867ull },
		{ "0xDeadBeef", 0, 0xdeadbeef },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "0x0000000000000000000001", 0, 1 },
		{ "0x10000000000000000", -ERANGE, 0 },
		{ "0x", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "0", -EINVAL, 0 },
		{ "1234", -EINVAL, 0 },
		{ "x12", -EINVAL, 0 },
		{ "0x12g", -EINVAL, 0 },
		{ "0x 12", -EINVAL, 0 },
		{ "-0x1", -EINVAL, 0 },
		{ "0x-1", -EINVAL, 0 },
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = 12345;
		if (ss_parse_x64(cases[i].s, &v) != cases[i].ret ||
		    (!cases[i].ret && v != cases[i].val) ||
		    (cases[i].ret && v != 12345)) {
			printf("# \"%s\": wrong result\n", cases[i].s);
			return -1;
		}
	}
	return 0;
}

static int t_rec_x64_errors(void)
{
	struct ss_file f;
	uint64_t v;

	CHECK(!parse(&f, "samples",
		     "addr=0x7f00 pte_before=0x7f00zz pte_after=0x10000000000000000\n",
		     SS_REC_WORDS));
	CHECK(!ss_rec_x64(&f, &f.rec[0], "addr", &v) && v == 0x7f00);
	CHECK(ss_rec_x64(&f, &f.rec[0], "pte_before", &v) == -EINVAL);
	CHECK_HAS(f.err, "samples:1: pte_before=0x7f00zz is not a hexadecimal number");
	CHECK(ss_rec_x64(&f, &f.rec[0], "pte_after", &v) == -EINVAL);
	CHECK_HAS(f.err, "samples:1: pte_after=0x10000000000000000 does not fit");
	CHECK(ss_rec_x64(&f, &f.rec[0], "kind", &v) == -EINVAL);
	CHECK_HAS(f.err, "samples:1: missing key 'kind'");
	ss_file_free(&f);
	return 0;
}

static int t_rec_errors(void)
{
	struct ss_file f;
	const char *s;
	uint64_t v;

	CHECK(!parse(&f, "probes",
		     "probe=a\nhits=12x nmissed=99999999999999999999\n",
		     SS_REC_WORDS));
	CHECK(ss_rec_u64(&f, &f.rec[1], "hits", &v) == -EINVAL);
	CHECK_HAS(f.err, "probes:2: hits=12x is not an unsigned decimal");
	CHECK(ss_rec_u64(&f, &f.rec[1], "nmissed", &v) == -EINVAL);
	CHECK_HAS(f.err, "probes:2: nmissed=99999999999999999999 does not fit");
	CHECK(ss_rec_str(&f, &f.rec[1], "maxactive", &s) == -EINVAL);
	CHECK_HAS(f.err, "probes:2: missing key 'maxactive'");
	ss_file_free(&f);
	return 0;
}

static int t_too_many_keys(void)
{
	size_t n = SS_MAX_KEYS + 1, i;
	char *text = malloc(n * 12 + 2), *p = text;
	struct ss_file f;
	int ret;

	CHECK(text);
	for (i = 0; i < n; i++)
		p += sprintf(p, "k%zu=1 ", i);
	ret = parse(&f, "stats", text, SS_REC_WORDS);
	free(text);
	CHECK(ret == -EINVAL);
	CHECK_HAS(f.err, "stats:1: more than");
	ss_file_free(&f);
	return 0;
}

static int t_too_large(void)
{
	size_t n = SS_FILE_MAX + 1;
	char *text = malloc(n);
	struct ss_file f;
	FILE *fp;

	CHECK(text);
	memset(text, 'a', n);
	ss_file_init(&f, "stats");
	CHECK(ss_parse_buf(&f, text, n, SS_REC_WORDS) == -EFBIG);
	CHECK_HAS(f.err, "stats: larger than");
	ss_file_free(&f);

	fp = tmpfile();
	CHECK(fp);
	CHECK(fwrite(text, 1, n, fp) == n);
	free(text);
	rewind(fp);
	ss_file_init(&f, "stats");
	CHECK(ss_read_stream(&f, fp, SS_REC_WORDS) == -EFBIG);
	fclose(fp);
	ss_file_free(&f);
	return 0;
}

static int t_read_path_missing(void)
{
	struct ss_file f;

	ss_file_init(&f, "/nonexistent/swapscope/stats");
	CHECK(ss_read_path(&f, f.name, SS_REC_WORDS) == -ENOENT);
	CHECK_HAS(f.err, "/nonexistent/swapscope/stats: ");
	ss_file_free(&f);
	return 0;
}

/* Whatever the parser accepted must be made of sane key=value pairs. */
static int check_records(const struct ss_file *f, enum ss_rec_mode mode)
{
	size_t i, j;

	for (i = 0; i < f->nr; i++) {
		const struct ss_record *r = &f->rec[i];

		CHECK((r->nr_kv > 0 || r->tag) && r->line > 0);
		CHECK(!r->tag || mode == SS_REC_TAGGED);
		CHECK(!r->tag || (r->tag[0] && !strpbrk(r->tag, " \t\r\n=")));
		for (j = 0; j < r->nr_kv; j++) {
			CHECK(r->kv[j].key[0]);
			CHECK(!strpbrk(r->kv[j].key, " \t\r\n="));
			if (mode != SS_REC_LINE)
				CHECK(!strpbrk(r->kv[j].val, " \t\r\n"));
		}
	}
	return 0;
}

/*
 * Random damage to a good file: each parse either succeeds with sane
 * records or fails with a message naming the file.  Run under ASan by
 * run.sh, this also catches reads and writes out of bounds.
 */
static int t_fuzz(void)
{
	static const char good[] =
		"path=swapin phase=before calls=3 present=0 swap=3\n"
		"probe=zap symbol=unmap_page_range reason=-\n"
		"kernel_version=#1 SMP PREEMPT_DYNAMIC\n"
		"page addr=0x1000 truth=none\n";
	static const char alphabet[] = " =\n\t\r\0a1-#";
	char buf[sizeof(good)];
	unsigned int iter, k;
	struct ss_file f;
	int ret;

	srand(1);
	for (iter = 0; iter < 20000; iter++) {
		static const enum ss_rec_mode modes[] = {
			SS_REC_WORDS, SS_REC_LINE, SS_REC_TAGGED,
		};
		enum ss_rec_mode mode = modes[iter % ARRAY_SIZE(modes)];
		size_t len = sizeof(good) - 1;

		memcpy(buf, good, sizeof(good));
		for (k = rand() % 6; k > 0; k--) {
			size_t at = rand() % len;

			if (rand() % 2)
				buf[at] = alphabet[rand() % (sizeof(alphabet) - 1)];
			else
				buf[at] = (char)(rand() % 256);
		}
		if (rand() % 4 == 0)
			len = rand() % len;
		ss_file_init(&f, "fuzz");
		ret = ss_parse_buf(&f, buf, len, mode);
		if (ret) {
			CHECK(ret == -EINVAL);
			CHECK(!strncmp(f.err, "fuzz:", 5));
		} else if (check_records(&f, mode)) {
			printf("# iteration %u\n", iter);
			return -1;
		}
		ss_file_free(&f);
	}
	return 0;
}

static const struct {
	const char *desc;
	int (*fn)(void);
} tests[] = {
	{ "a probes line splits into its 8 keys", t_probe_line },
	{ "runs of blanks and blank lines are skipped, line numbers kept", t_blanks },
	{ "a last line without newline is read", t_no_final_newline },
	{ "an empty file has no records", t_empty_file },
	{ "unknown keys are kept out of the way of known ones", t_unknown_keys },
	{ "an empty value parses but is not a number", t_empty_value },
	{ "version values run to the end of the line", t_version_lines },
	{ "a 100000-byte value is read whole", t_long_value },
	{ "a stream longer than one buffer is read whole", t_read_stream },
	{ "ss_file_free can be called twice", t_free_twice },
	{ "a bare word is an error at its line", t_bare_word },
	{ "a tagged line: a bare first word is its tag, no other", t_tagged },
	{ "an empty key is an error", t_empty_key },
	{ "a duplicate key is an error", t_duplicate_key },
	{ "a NUL byte is an error at its line", t_nul_byte },
	{ "a version line without '=' is an error", t_version_bad_line },
	{ "unsigned decimal parsing rejects signs, blanks, hex, overflow", t_parse_u64 },
	{ "bad and missing values are errors naming key, file and line", t_rec_errors },
	{ "hexadecimal parsing: 0x and 1-16 digits, any case, leading zeros", t_parse_x64 },
	{ "bad hexadecimal values are errors naming key, file and line", t_rec_x64_errors },
	{ "more than SS_MAX_KEYS keys on a line is an error", t_too_many_keys },
	{ "a file over SS_FILE_MAX is refused", t_too_large },
	{ "a missing file gives -ENOENT and names it", t_read_path_missing },
	{ "20000 damaged files: sane records or a clean error", t_fuzz },
};

int main(void)
{
	unsigned int pass = 0, fail = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		bool ok = !tests[i].fn();

		printf("%s - records: %s\n", ok ? "ok" : "not ok", tests[i].desc);
		fflush(stdout);
		ok ? pass++ : fail++;
	}
	printf("# test_records: %u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
