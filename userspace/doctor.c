// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * doctor.c: "swapscope doctor", the preflight before insmod: is this
 * kernel of a series the module supports, does it have what the module
 * needs, and are its probe targets (those of its series) there,
 * probe-able and of the prototypes the handlers were written for?
 *
 * Every check ends ok, problem (with how to fix it) or skipped (with why).
 * --root DIR reads a recorded system instead of this one: DIR/proc/...,
 * DIR/sys/..., DIR/boot/..., DIR/lib/modules/...; the unit tests use it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "main.h"
#include "doctor.h"

/* doctor's options */
static const char *doctor_root;		/* --root DIR: a recorded system */
static const char *doctor_btf;		/* --btf FILE */
static const char *doctor_bpftool;	/* --bpftool PATH */

#define DEBUGFS_MNT	"/sys/kernel/debug"
#define KPROBES_DIR	DEBUGFS_MNT "/kprobes"
#define SECURITYFS_MNT	"/sys/kernel/security"
#define EFI_SECURE_BOOT	"/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define SIG_ENFORCE	"/sys/module/module/parameters/sig_enforce"
#define MODULE_SIG_MAGIC "~Module signature appended~\n"

/* ------------------------------------------------------------------ */
/* what the module was written for                                     */
/* ------------------------------------------------------------------ */

/* A kernel series, VERSION.PATCHLEVEL, as one number; 0: unknown. */
#define SERIES(v, p)	((v) * 1000u + (p))

struct probe_base {
	const char *probe;
	const char *symbol;	/* the function on 6.1 */
};

#define SS_X_BASE(id, pname, sym, is_ret) \
	[SS_PROBE_##id] = { .probe = pname, .symbol = sym },
static const struct probe_base probe_bases[SS_NR_PROBES] = {
	SS_PROBES(SS_X_BASE)
};
#undef SS_X_BASE

struct probe_proto {
	const char *ret;
	const char *params;
};

/*
 * Indexed by probe id: an unknown id does not compile, a second entry for
 * one is an -Woverride-init error, and the count must match.
 */
#define SS_X_PROTO(id, r, p) [SS_PROBE_##id] = { .ret = r, .params = p },
static const struct probe_proto protos[SS_NR_PROBES] = {
	SS_PROTOS(SS_X_PROTO)
};
#undef SS_X_PROTO

#define SS_X_COUNT(id, r, p) + 1
_Static_assert(0 SS_PROTOS(SS_X_COUNT) == SS_NR_PROBES,
	       "SS_PROTOS needs one entry per SS_PROBES entry");
#undef SS_X_COUNT

/*
 * The probes whose function takes nr slots on later kernels (SS_PROBES_NR),
 * and the series from which swapscope.ko probes that function: what
 * module/compat/probes.h decides from LINUX_VERSION_CODE (6.10 batched
 * swap_free_nr and free_swap_and_cache_nr, 6.12 swap_shmem_alloc's nr),
 * doctor decides from the running kernel's series.  An SS_PROBES_NR entry
 * without its NR_SINCE_ here does not compile.
 */
enum {
	NR_SINCE_SWAP_FREE	= SERIES(6, 10),
	NR_SINCE_FREE_SWAP	= SERIES(6, 10),
	NR_SINCE_SHMEM_SWAP	= SERIES(6, 12),
};

struct probe_nr {
	const char *symbol;
	const char *ret;
	const char *params;
	unsigned int since;	/* 0: the probe has no nr form */
};

#define SS_X_NR(id, sym, r, p) [SS_PROBE_##id] = \
	{ .symbol = sym, .ret = r, .params = p, .since = NR_SINCE_##id },
static const struct probe_nr probes_nr[SS_NR_PROBES] = {
	SS_PROBES_NR(SS_X_NR)
};
#undef SS_X_NR

/* What swapscope.ko probes on the kernel doctor looks at. */
struct probe_target {
	const char *probe;
	const char *symbol;	/* the function it sits on */
	const char *ret;	/* that function's prototype, as written */
	const char *params;	/* in the table named here: */
	const char *table;	/* "SS_PROTOS" or "SS_PROBES_NR" */
	/* the probe's other form, on the other side of probes_nr's since */
	const char *other;	/* its function; NULL: the same one */
	const char *other_ret;	/* NULL: the probe has one form only */
	const char *other_params;
	unsigned int since;
	bool batched;		/* the nr form */
};

struct config_option {
	const char *name;
	bool required;
	const char *why;	/* required: what needs it; else: what is lost */
};

static const struct config_option config_options[] = {
	{ "CONFIG_MODULES", true, "insmod needs loadable module support" },
	{ "CONFIG_KPROBES", true, "swapscope's probes are kprobes" },
	{ "CONFIG_KRETPROBES", true, "most of swapscope's probes are kretprobes" },
	{ "CONFIG_DEBUG_FS", true, "swapscope reports through debugfs" },
	{ "CONFIG_SWAP", true, "without swap there are no swap entries to watch" },
	{ "CONFIG_MODULE_UNLOAD", false,
	  "rmmod is impossible, only a reboot unloads swapscope" },
	{ "CONFIG_KPROBES_ON_FTRACE", false,
	  "probes use int3 breakpoints instead of ftrace sites (slower)" },
	{ "CONFIG_DEBUG_INFO_BTF", false,
	  "no /sys/kernel/btf/vmlinux: the prototypes cannot be checked" },
};

/* ------------------------------------------------------------------ */
/* the checks and their results                                        */
/* ------------------------------------------------------------------ */

enum doc_result { DOC_OK, DOC_PROBLEM, DOC_SKIPPED };

static const char *const result_names[] = {
	[DOC_OK] = "ok", [DOC_PROBLEM] = "problem", [DOC_SKIPPED] = "skipped",
};

struct doc_check {
	const char *check;
	char *subject;		/* NULL: none */
	enum doc_result result;
	char *detail;
	char *fix;		/* problems only */
};

struct sym_seen {
	size_t text;		/* t, T or W symbols of vmlinux by that name */
	char type;		/* of a symbol by that name that is no text */
	uint64_t addr;		/* of the first text one; 0 when hidden */
	char clone[128];	/* e.g. try_to_unmap_one.isra.0 */
};

struct doctor {
	const char *root;	/* "" for this system */
	char *release;
	unsigned int series;	/* the release's, SERIES(); 0: unknown */
	struct probe_target t[SS_NR_PROBES];
	struct doc_check *c;
	size_t nr;
	size_t cap;
	/* what later checks learn from earlier ones */
	bool debugfs_mounted;
	bool securityfs_mounted;	/* on /sys/kernel/security */
	enum { LD_UNKNOWN, LD_NONE, LD_INTEGRITY, LD_CONFIDENTIALITY } lockdown;
	bool module_for_release;	/* loaded and built for this kernel */
	struct sym_seen seen[SS_NR_PROBES];	/* t[].symbol */
	struct sym_seen other[SS_NR_PROBES];	/* t[].other */
};

__printf(5, 6)
static void doc_add(struct doctor *d, const char *check, const char *subject,
		    enum doc_result result, const char *fmt, ...)
{
	struct doc_check *c;
	va_list ap;

	if (d->nr == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		c = xcalloc(d->cap, sizeof(*c));
		if (d->nr)
			memcpy(c, d->c, d->nr * sizeof(*c));
		free(d->c);
		d->c = c;
	}
	c = &d->c[d->nr++];
	c->check = check;
	c->subject = subject ? xasprintf("%s", subject) : NULL;
	c->result = result;
	va_start(ap, fmt);
	if (vasprintf(&c->detail, fmt, ap) < 0) {
		p_err("out of memory");
		exit(SS_EXIT_PROBLEM);
	}
	va_end(ap);
	c->fix = NULL;
}

/* How to fix the problem added last. */
__printf(2, 3)
static void doc_fix(struct doctor *d, const char *fmt, ...)
{
	struct doc_check *c = &d->c[d->nr - 1];
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&c->fix, fmt, ap) < 0) {
		p_err("out of memory");
		exit(SS_EXIT_PROBLEM);
	}
	va_end(ap);
}

__printf(2, 3)
static char *doc_path(const struct doctor *d, const char *fmt, ...)
{
	char *rel, *path;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&rel, fmt, ap) < 0) {
		p_err("out of memory");
		exit(SS_EXIT_PROBLEM);
	}
	va_end(ap);
	path = xasprintf("%s%s", d->root, rel);
	free(rel);
	return path;
}

/* Why a file could not be opened, for a "skipped" line. */
static const char *doc_why(int err)
{
	if (err == EACCES || err == EPERM)
		return "permission denied (run as root)";
	return strerror(err);
}

/* ------------------------------------------------------------------ */
/* the kernel series, and what the module probes on it                */
/* ------------------------------------------------------------------ */

/* VERSION.PATCHLEVEL at the start of @s ("6.12.118+deb12-amd64", "6.1"). */
static unsigned int series_of(const char *s)
{
	unsigned long v, p;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return 0;
	p = strtoul(end + 1, &end, 10);
	if (!v || v > 999 || p > 999)
		return 0;
	return SERIES(v, p);
}

/* SWAPSCOPE_KERNELS as words: "6.1 and 6.12" (@conj "and"). */
static char *kernels_joined(const char *conj)
{
	char *list = xasprintf("%s", SWAPSCOPE_KERNELS), *out = NULL, *tmp;
	char *w, *save, *last = NULL;

	for (w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (last) {
			tmp = out ? xasprintf("%s, %s", out, last) :
				    xasprintf("%s", last);
			free(out);
			out = tmp;
		}
		last = w;
	}
	tmp = out ? xasprintf("%s %s %s", out, conj, last ? last : "") :
		    xasprintf("%s", last ? last : "");
	free(out);
	free(list);
	return tmp;
}

static bool series_supported(unsigned int series)
{
	char *list = xasprintf("%s", SWAPSCOPE_KERNELS), *w, *save;
	bool found = false;

	for (w = strtok_r(list, " ", &save); w && !found;
	     w = strtok_r(NULL, " ", &save))
		found = series && series_of(w) == series;
	free(list);
	return found;
}

/*
 * Is the kernel one of SWAPSCOPE_KERNELS?  Kbuild refuses any other when
 * swapscope.ko is built, from the same line of module/uapi/swapscope.h.
 */
static void check_kernel(struct doctor *d)
{
	char *and = kernels_joined("and"), *or = kernels_joined("or");
	char series[32];

	snprintf(series, sizeof(series), "%u.%u", d->series / 1000,
		 d->series % 1000);
	if (series_supported(d->series)) {
		doc_add(d, "kernel", series, DOC_OK,
			"series %s: supported (swapscope is written for %s)",
			series, and);
		goto out;
	}
	if (d->series)
		doc_add(d, "kernel", series, DOC_PROBLEM,
			"series %s is not supported: swapscope is written for %s only, and its Kbuild refuses to build swapscope.ko for %s",
			series, and, d->release);
	else
		doc_add(d, "kernel", NULL, DOC_PROBLEM,
			"release %s does not begin with VERSION.PATCHLEVEL: swapscope is written for the series %s only, and its Kbuild refuses any other",
			d->release, and);
	doc_fix(d, "boot a kernel of series %s (Debian 12's: install its linux-image and linux-headers packages) and run doctor there; or add this kernel to swapscope: its differences in module/compat/, its series in SWAPSCOPE_KERNELS (module/uapi/swapscope.h)",
		or);
out:
	free(and);
	free(or);
}

/* The kernels on which @t is what it is: "from 6.10 on", "before 6.10". */
static char *series_when(const struct probe_target *t)
{
	return t->batched ? xasprintf("from %u.%u on", t->since / 1000,
				      t->since % 1000) :
			    xasprintf("before %u.%u", t->since / 1000,
				      t->since % 1000);
}

/*
 * Which function, and which prototype, each probe has on this kernel:
 * SS_PROBES' and SS_PROTOS', or SS_PROBES_NR's from its series on.
 */
static void doctor_targets(struct doctor *d)
{
	struct probe_target *t;
	const struct probe_nr *nr;
	size_t i;

	for (i = 0; i < SS_NR_PROBES; i++) {
		t = &d->t[i];
		nr = &probes_nr[i];
		t->probe = probe_bases[i].probe;
		t->since = nr->since;
		t->batched = nr->since && d->series >= nr->since;
		if (t->batched) {
			t->symbol = nr->symbol;
			t->ret = nr->ret;
			t->params = nr->params;
			t->table = "SS_PROBES_NR";
			t->other = probe_bases[i].symbol;
			t->other_ret = protos[i].ret;
			t->other_params = protos[i].params;
		} else {
			t->symbol = probe_bases[i].symbol;
			t->ret = protos[i].ret;
			t->params = protos[i].params;
			t->table = "SS_PROTOS";
			t->other = nr->symbol;
			t->other_ret = nr->ret;
			t->other_params = nr->params;
		}
		if (t->other && !strcmp(t->other, t->symbol))
			t->other = NULL;
	}
}

/* ------------------------------------------------------------------ */
/* kernel config                                                       */
/* ------------------------------------------------------------------ */

/* "CONFIG_X=v" lines; "# CONFIG_X is not set" is as good as absent. */
static void config_read(FILE *fp, char (*val)[8])
{
	char *line = NULL, *eq;
	size_t cap = 0, i;

	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\n")] = '\0';
		eq = strchr(line, '=');
		if (line[0] != 'C' || !eq)
			continue;
		*eq = '\0';
		for (i = 0; i < ARRAY_SIZE(config_options); i++)
			if (!strcmp(line, config_options[i].name))
				snprintf(val[i], sizeof(val[i]), "%s", eq + 1);
	}
	free(line);
}

/* 0 when read; else what to say on each option's skipped line. */
static char *config_load(struct doctor *d, char (*val)[8], char **src)
{
	char *boot = doc_path(d, "/boot/config-%s", d->release);
	char *gz = doc_path(d, "/proc/config.gz");
	char *argv[] = { "gzip", "-dc", gz, NULL }, msg[256], *why = NULL;
	struct spawn s;
	FILE *fp;
	int err;

	*src = NULL;
	fp = fopen(boot, "r");
	if (fp) {
		config_read(fp, val);
		fclose(fp);
		*src = boot;
		free(gz);
		return NULL;
	}
	err = errno;
	if (err != ENOENT) {
		why = xasprintf("%s: %s", boot, doc_why(err));
	} else if (access(gz, F_OK)) {
		why = xasprintf("neither %s nor %s (CONFIG_IKCONFIG_PROC) exists",
				boot, gz);
	} else {
		err = spawn_start(&s, argv);
		if (err) {
			why = xasprintf("cannot run gzip to read %s: %s", gz,
					err == ENOENT ? "not installed" : strerror(err));
		} else {
			config_read(s.out, val);
			if (spawn_finish(&s, msg, sizeof(msg)))
				why = xasprintf("gzip -dc %s failed: %s", gz, msg);
			else
				*src = xasprintf("%s", gz);
		}
	}
	free(boot);
	free(gz);
	return why;
}

static void check_config(struct doctor *d)
{
	char val[ARRAY_SIZE(config_options)][8] = { { 0 } };
	const struct config_option *o;
	char *src, *why;
	size_t i;
	bool set;

	why = config_load(d, val, &src);
	for (i = 0; i < ARRAY_SIZE(config_options); i++) {
		o = &config_options[i];
		set = !strcmp(val[i], "y") || !strcmp(val[i], "m");
		if (why)
			doc_add(d, "config", o->name, DOC_SKIPPED, "%s", why);
		else if (set)
			doc_add(d, "config", o->name, DOC_OK, "%s (%s)%s", val[i],
				src, o->required ? "" : ", optional");
		else if (!o->required)
			doc_add(d, "config", o->name, DOC_OK,
				"not set (%s), optional: %s", src, o->why);
		else {
			doc_add(d, "config", o->name, DOC_PROBLEM,
				"not set (%s): %s", src, o->why);
			doc_fix(d, "boot a kernel built with %s=y", o->name);
		}
	}
	free(src);
	free(why);
}

/* ------------------------------------------------------------------ */
/* root, debugfs, the module, headers, kprobes                         */
/* ------------------------------------------------------------------ */

static void check_root(struct doctor *d)
{
	uid_t euid = geteuid();

	if (*d->root)
		doc_add(d, "root", NULL, DOC_SKIPPED,
			"--root: reading recorded files, not this system");
	else if (!euid)
		doc_add(d, "root", NULL, DOC_OK, "euid 0");
	else {
		doc_add(d, "root", NULL, DOC_PROBLEM,
			"euid %u: insmod, debugfs and the kprobes blacklist need root",
			(unsigned int)euid);
		doc_fix(d, "run as root, e.g. sudo swapscope doctor");
	}
}

static void check_debugfs(struct doctor *d)
{
	char *path = doc_path(d, "/proc/mounts"), *line = NULL;
	char dev[256], mnt[4096], type[64], *elsewhere = NULL;
	size_t cap = 0;
	FILE *fp;

	fp = fopen(path, "r");
	if (!fp) {
		doc_add(d, "debugfs", DEBUGFS_MNT, DOC_SKIPPED, "%s: %s", path,
			doc_why(errno));
		free(path);
		return;
	}
	while (getline(&line, &cap, fp) > 0) {
		if (sscanf(line, "%255s %4095s %63s", dev, mnt, type) != 3)
			continue;
		if (!strcmp(type, "securityfs") && !strcmp(mnt, SECURITYFS_MNT))
			d->securityfs_mounted = true;
		if (strcmp(type, "debugfs"))
			continue;
		if (!strcmp(mnt, DEBUGFS_MNT))
			d->debugfs_mounted = true;
		else if (!elsewhere)
			elsewhere = xasprintf("%s", mnt);
	}
	free(line);
	fclose(fp);
	if (d->debugfs_mounted) {
		doc_add(d, "debugfs", DEBUGFS_MNT, DOC_OK, "mounted (%s)", path);
	} else {
		if (elsewhere)
			doc_add(d, "debugfs", DEBUGFS_MNT, DOC_PROBLEM,
				"mounted on %s only, swapscope's files are looked for on %s",
				elsewhere, DEBUGFS_MNT);
		else
			doc_add(d, "debugfs", DEBUGFS_MNT, DOC_PROBLEM,
				"not mounted (%s)", path);
		doc_fix(d, "mount -t debugfs none %s", DEBUGFS_MNT);
	}
	free(elsewhere);
	free(path);
}

/* The swapscope directory: --debugfs, else the one under --root. */
static char *module_dir(const struct doctor *d)
{
	if (strcmp(debugfs_dir, SWAPSCOPE_DEBUGFS_DIR))
		return xasprintf("%s", debugfs_dir);
	return doc_path(d, "%s", SWAPSCOPE_DEBUGFS_DIR);
}

static const char *version_get(struct ss_file *f, const char *key)
{
	const struct ss_record *r = ss_file_find(f, key);

	return r ? ss_rec_get(r, key) : NULL;
}

static void module_loaded(struct doctor *d, const char *dir)
{
	const char *module, *abi, *built_for;
	char *path = xasprintf("%s/version", dir), *wrong = NULL;
	uint64_t v = 0;
	struct ss_file f;

	ss_file_init(&f, path);
	if (ss_read_path(&f, path, SS_REC_LINE)) {
		doc_add(d, "module", SWAPSCOPE_NAME, DOC_PROBLEM,
			"loaded, but its %s cannot be read: %s", path, f.err);
		doc_fix(d, "rebuild the module and the CLI from the same tree, then rmmod swapscope && insmod swapscope.ko");
		goto out;
	}
	module = version_get(&f, "module");
	abi = version_get(&f, "abi");
	built_for = version_get(&f, "built_for");
	if (!abi || ss_parse_u64(abi, &v) || v != SWAPSCOPE_ABI)
		wrong = xasprintf("abi %s, this swapscope reads abi %d",
				  abi ? abi : "missing", SWAPSCOPE_ABI);
	else if (!built_for)
		wrong = xasprintf("its version file has no built_for=: a module older than this swapscope");
	else if (strcmp(built_for, d->release))
		wrong = xasprintf("built for %s, this kernel is %s", built_for,
				  d->release);
	if (wrong) {
		doc_add(d, "module", SWAPSCOPE_NAME, DOC_PROBLEM, "loaded, %s",
			wrong);
		doc_fix(d, "rebuild swapscope.ko for %s from this CLI's tree (make), then rmmod swapscope && insmod swapscope.ko",
			d->release);
	} else {
		d->module_for_release = true;
		doc_add(d, "module", SWAPSCOPE_NAME, DOC_OK,
			"loaded: %s, abi %" PRIu64 ", built for %s",
			module ? module : "?", v, built_for);
	}
	free(wrong);
out:
	ss_file_free(&f);
	free(path);
}

static void check_module(struct doctor *d)
{
	char *dir = module_dir(d);
	bool explicit = strcmp(debugfs_dir, SWAPSCOPE_DEBUGFS_DIR);
	struct stat st;

	if (!explicit && !d->debugfs_mounted)
		doc_add(d, "module", SWAPSCOPE_NAME, DOC_SKIPPED,
			"debugfs is not mounted on %s", DEBUGFS_MNT);
	else if (!stat(dir, &st))
		module_loaded(d, dir);
	else if (errno == ENOENT || errno == ENOTDIR)
		doc_add(d, "module", SWAPSCOPE_NAME, DOC_OK,
			"not loaded (insmod swapscope.ko)");
	else
		doc_add(d, "module", SWAPSCOPE_NAME, DOC_SKIPPED, "%s: %s",
			dir, doc_why(errno));
	free(dir);
}

/* A swapscope.ko where "make install" or DKMS put one for this kernel. */
static char *installed_module(const struct doctor *d)
{
	static const char *const where[] = { "updates", "updates/dkms", "extra" };
	char *path;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		path = doc_path(d, "/lib/modules/%s/%s/swapscope.ko", d->release,
				where[i]);
		if (!access(path, F_OK))
			return path;
		free(path);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* lockdown and Secure Boot                                            */
/* ------------------------------------------------------------------ */

/*
 * What lockdown refuses swapscope (6.1, 6.12; include/linux/security.h
 * orders the reasons: integrity ones, then confidentiality ones):
 *  - LOCKDOWN_MODULE_SIGNATURE (integrity, kernel/module/signing.c): a
 *    module without a valid signature is refused, even with sig_enforce
 *    off.
 *  - LOCKDOWN_DEBUGFS (integrity, fs/debugfs/file.c debugfs_locked_down):
 *    a debugfs file opens only if its mode has no bit but 0444, it is
 *    opened read-only and has no ioctl or mmap: swapscope's control (0200),
 *    pagemap and audit (0600) are refused, as kprobes/enabled (0600) is;
 *    version, probes, stats, rules, health (0444), samples, events (0400)
 *    open.
 *  - LOCKDOWN_KPROBES (confidentiality) is checked by kprobe_events
 *    (kernel/trace/trace_kprobe.c), not by register_kprobe(), which
 *    swapscope.ko calls: confidentiality refuses swapscope nothing more.
 */
static void check_lockdown(struct doctor *d)
{
	char *path = doc_path(d, "%s/lockdown", SECURITYFS_MNT), *buf, *l, *r;

	buf = read_text_file(path, NULL, 256, NULL);
	if (!buf) {
		if (errno != ENOENT)
			doc_add(d, "lockdown", "-", DOC_SKIPPED, "%s: %s", path,
				doc_why(errno));
		else if (!d->securityfs_mounted)
			doc_add(d, "lockdown", "-", DOC_SKIPPED,
				"securityfs is not mounted on %s (mount -t securityfs securityfs %s to read the level; lockdown= on the kernel command line sets it)",
				SECURITYFS_MNT, SECURITYFS_MNT);
		else {
			d->lockdown = LD_NONE;
			doc_add(d, "lockdown", "-", DOC_OK,
				"no %s: this kernel has no lockdown", path);
		}
		goto out;
	}
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!r) {
		buf[strcspn(buf, "\n")] = '\0';
		doc_add(d, "lockdown", "-", DOC_SKIPPED,
			"%s says '%.60s', no [level]", path, buf);
		goto out;
	}
	*r = '\0';
	l++;
	if (!strcmp(l, "none")) {
		d->lockdown = LD_NONE;
		doc_add(d, "lockdown", l, DOC_OK, "not locked down (%s)", path);
		goto out;
	}
	if (!strcmp(l, "integrity"))
		d->lockdown = LD_INTEGRITY;
	else if (!strcmp(l, "confidentiality"))
		d->lockdown = LD_CONFIDENTIALITY;
	else {
		doc_add(d, "lockdown", l, DOC_SKIPPED,
			"unknown lockdown level in %s", path);
		goto out;
	}
	doc_add(d, "lockdown", l, DOC_PROBLEM,
		"%s: the kernel loads only signed modules (LOCKDOWN_MODULE_SIGNATURE) and opens only debugfs files without write permission, read-only (LOCKDOWN_DEBUGFS): swapscope's control, pagemap and audit files are refused, so enable, disable, reset, run, pagemap and audit fail (Operation not permitted); status, stats, report, samples, check, baseline and events work%s",
		path, d->lockdown == LD_CONFIDENTIALITY ?
		"; what confidentiality adds to integrity (kprobe_events, tracefs, perf, /proc/kcore, bpf reads of kernel memory) swapscope does not use: the module registers its kprobes itself" :
		"");
	doc_fix(d, "lockdown cannot be lowered on a running kernel: boot without it (under Secure Boot, which locks the kernel down: turn Secure Boot off in the firmware, or mokutil --disable-validation; else drop lockdown= from the kernel command line)");
out:
	free(buf);
	free(path);
}

/* swapscope's debugfs directory is there (whatever it was built for). */
static bool module_is_loaded(const struct doctor *d)
{
	char *dir = module_dir(d);
	struct stat st;
	bool ret = d->debugfs_mounted && !stat(dir, &st);

	free(dir);
	return ret;
}

/* 1: the file ends in the module signature's magic, 0: not, -1: unread */
static int module_signed(const char *path)
{
	char tail[sizeof(MODULE_SIG_MAGIC) - 1];
	int ret = -1;
	FILE *fp = fopen(path, "r");

	if (!fp)
		return -1;
	if (fseek(fp, -(long)sizeof(tail), SEEK_END))
		ret = 0;	/* shorter than the magic */
	else if (fread(tail, 1, sizeof(tail), fp) == sizeof(tail))
		ret = !memcmp(tail, MODULE_SIG_MAGIC, sizeof(tail));
	fclose(fp);
	return ret;
}

/*
 * Secure Boot: the EFI variable SecureBoot (4 bytes of attributes, then
 * the value).  With it on, and module signatures enforced (sig_enforce=Y,
 * or lockdown, which Debian's kernels turn on under Secure Boot), an
 * unsigned swapscope.ko is refused.
 */
static void check_secure_boot(struct doctor *d)
{
	char *efi = doc_path(d, "/sys/firmware/efi"), *ko = NULL, *sig;
	char *var = doc_path(d, "%s", EFI_SECURE_BOOT), *why = NULL;
	unsigned char val[5];
	bool on, enforced, have_var;
	struct stat st;
	size_t n = 0;
	FILE *fp;

	if (stat(efi, &st)) {
		doc_add(d, "secureboot", "-", DOC_OK,
			"not booted through EFI: no Secure Boot");
		goto out;
	}
	fp = fopen(var, "r");
	if (!fp && errno != ENOENT) {
		doc_add(d, "secureboot", "-", DOC_SKIPPED, "%s: %s", var,
			doc_why(errno));
		goto out;
	}
	have_var = fp;
	if (fp) {
		n = fread(val, 1, sizeof(val), fp);
		fclose(fp);
	}
	on = n == sizeof(val) && val[4] == 1;
	sig = doc_path(d, "%s", SIG_ENFORCE);
	fp = fopen(sig, "r");
	enforced = fp && fgetc(fp) == 'Y';
	if (fp)
		fclose(fp);
	free(sig);
	if (enforced)
		why = xasprintf("sig_enforce=Y");
	else if (d->lockdown > LD_NONE)
		why = xasprintf("lockdown %s", d->lockdown == LD_INTEGRITY ?
				"integrity" : "confidentiality");
	else if (on && d->lockdown == LD_UNKNOWN)
		why = xasprintf("lockdown, which Secure Boot turns on in Debian's kernels");
	if (!why) {
		doc_add(d, "secureboot", on ? "on" : "off", DOC_OK,
			"%s; module signatures not enforced (sig_enforce not Y, no lockdown): an unsigned swapscope.ko loads",
			on ? "on" : have_var ? "off" : "no SecureBoot EFI variable");
		goto out;
	}
	if (d->module_for_release || module_is_loaded(d)) {
		doc_add(d, "secureboot", on ? "on" : "off", DOC_OK,
			"%s, module signatures enforced (%s): swapscope is loaded, so signed by a key the kernel trusts",
			on ? "on" : "off", why);
		goto out;
	}
	ko = installed_module(d);
	if (ko && module_signed(ko) == 1) {
		doc_add(d, "secureboot", on ? "on" : "off", DOC_OK,
			"%s, module signatures enforced (%s); %s is signed: its key must be one the kernel trusts (built in, or enrolled as a MOK)",
			on ? "on" : "off", why, ko);
		goto out;
	}
	doc_add(d, "secureboot", on ? "on" : "off", DOC_PROBLEM,
		"%s, module signatures enforced (%s): an unsigned swapscope.ko is refused (insmod: Key was rejected by service, or Operation not permitted)%s%s",
		on ? "on" : "off", why, ko ? "; unsigned: " : "",
		ko ? ko : "");
	doc_fix(d, "sign swapscope.ko with a key enrolled as a MOK: make one (openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=swapscope/ -outform DER -keyout MOK.priv -out MOK.der), mokutil --import MOK.der and reboot to enroll it, then /lib/modules/%s/build/scripts/sign-file sha256 MOK.priv MOK.der swapscope.ko; or install through DKMS, which signs with its own MOK (mokutil --import /var/lib/dkms/mok.pub)",
		d->release);
out:
	free(why);
	free(ko);
	free(var);
	free(efi);
}

static void check_headers(struct doctor *d)
{
	char *dir = xasprintf("/lib/modules/%s/build", d->release);
	char *mk = doc_path(d, "%s/Makefile", dir), *ko;

	if (!access(mk, R_OK)) {
		doc_add(d, "headers", dir, DOC_OK, "installed");
	} else if (d->module_for_release) {
		doc_add(d, "headers", dir, DOC_OK,
			"not installed, not needed: the loaded swapscope was built for %s",
			d->release);
	} else if ((ko = installed_module(d))) {
		doc_add(d, "headers", dir, DOC_OK,
			"not installed, not needed: %s is installed", ko);
		free(ko);
	} else {
		doc_add(d, "headers", dir, DOC_PROBLEM,
			"not installed (no %s): swapscope.ko cannot be built for %s",
			mk, d->release);
		doc_fix(d, "apt-get install linux-headers-%s", d->release);
	}
	free(mk);
	free(dir);
}

static void check_kprobes_enabled(struct doctor *d)
{
	char *path = doc_path(d, "%s/enabled", KPROBES_DIR), buf[16] = "";
	FILE *fp;

	if (!d->debugfs_mounted) {
		doc_add(d, "kprobes", "enabled", DOC_SKIPPED,
			"debugfs is not mounted on %s", DEBUGFS_MNT);
		goto out;
	}
	fp = fopen(path, "r");
	if (!fp && errno == EPERM && d->lockdown > LD_NONE) {
		doc_add(d, "kprobes", "enabled", DOC_SKIPPED,
			"%s: refused by lockdown (a debugfs file root may write)",
			path);
		goto out;
	}
	if (!fp) {
		doc_add(d, "kprobes", "enabled", DOC_SKIPPED, "%s: %s", path,
			doc_why(errno));
		goto out;
	}
	if (!fgets(buf, sizeof(buf), fp))
		buf[0] = '\0';
	fclose(fp);
	if (buf[0] == '1') {
		doc_add(d, "kprobes", "enabled", DOC_OK, "1 (%s)", path);
	} else {
		buf[strcspn(buf, "\n")] = '\0';
		doc_add(d, "kprobes", "enabled", DOC_PROBLEM,
			"'%s' in %s: every kprobe is disarmed", buf, path);
		doc_fix(d, "echo 1 > %s/enabled", KPROBES_DIR);
	}
out:
	free(path);
}

/* ------------------------------------------------------------------ */
/* the probe targets: kallsyms, blacklist, prototypes                  */
/* ------------------------------------------------------------------ */

/* One kallsyms entry of vmlinux against the function @want. */
static void sym_note(struct sym_seen *s, const char *want, const char *addr,
		     const char *type, const char *name)
{
	size_t len = strlen(want);

	if (strncmp(name, want, len))
		return;
	if (name[len] == '.' && !s->clone[0])
		snprintf(s->clone, sizeof(s->clone), "%s", name);
	if (name[len])
		return;
	if (strchr("tTW", type[0]) && !type[1]) {
		if (!s->text++)
			s->addr = strtoull(addr, NULL, 16);
	} else {
		s->type = type[0];
	}
}

static void kallsyms_line(struct doctor *d, char *line)
{
	char *addr, *type, *name, *mod, *save;
	size_t i;

	addr = strtok_r(line, " \t\n", &save);
	type = strtok_r(NULL, " \t\n", &save);
	name = strtok_r(NULL, " \t\n", &save);
	mod = strtok_r(NULL, " \t\n", &save);
	if (!addr || !type || !name || mod)	/* module symbols: not ours */
		return;
	for (i = 0; i < SS_NR_PROBES; i++) {
		sym_note(&d->seen[i], d->t[i].symbol, addr, type, name);
		if (d->t[i].other)
			sym_note(&d->other[i], d->t[i].other, addr, type, name);
	}
}

/*
 * A target absent from kallsyms while the probe's other form is there: the
 * kernel batches (or not) against what its series says.
 */
static void kallsyms_other_form(struct doctor *d, const struct probe_target *t,
				const char *path)
{
	char *when = series_when(t);

	doc_add(d, "kallsyms", t->symbol, DOC_PROBLEM,
		"not in %s, but %s is: swapscope.ko probes %s %s (module/compat/probes.h), and this kernel is %s",
		path, t->other, t->symbol, when, d->release);
	free(when);
	doc_fix(d, "probe %s will be unavailable (the others still load); pointing it at %s with symbols= would misread the nr argument: module/compat/probes.h must learn this kernel first",
		t->probe, t->other);
}

static void check_kallsyms(struct doctor *d)
{
	char *path = doc_path(d, "/proc/kallsyms"), *line = NULL;
	const struct probe_target *t;
	const struct sym_seen *s;
	size_t cap = 0, i;
	FILE *fp;
	int err;

	fp = fopen(path, "r");
	err = errno;
	if (fp) {
		while (getline(&line, &cap, fp) > 0)
			kallsyms_line(d, line);
		free(line);
		fclose(fp);
	}
	for (i = 0; i < SS_NR_PROBES; i++) {
		t = &d->t[i];
		s = &d->seen[i];
		if (!fp) {
			doc_add(d, "kallsyms", t->symbol, DOC_SKIPPED, "%s: %s",
				path, doc_why(err));
			continue;
		}
		if (s->text == 1 && t->batched && t->other) {
			char *when = series_when(t);

			doc_add(d, "kallsyms", t->symbol, DOC_OK,
				"text symbol; probe %s's function %s (%s)",
				t->probe, when, t->table);
			free(when);
			continue;
		}
		if (s->text == 1) {
			doc_add(d, "kallsyms", t->symbol, DOC_OK, "text symbol");
			continue;
		}
		if (s->text > 1) {
			doc_add(d, "kallsyms", t->symbol, DOC_PROBLEM,
				"%zu text symbols of that name: probe %s may attach to the wrong one",
				s->text, t->probe);
			doc_fix(d, "a kprobe takes the first %s in /proc/kallsyms: make sure it is the function in mm/ before trusting probe %s",
				t->symbol, t->probe);
			continue;
		}
		if (t->other && d->other[i].text && !s->clone[0] && !s->type) {
			kallsyms_other_form(d, t, path);
			continue;
		}
		if (s->clone[0])
			doc_add(d, "kallsyms", t->symbol, DOC_PROBLEM,
				"not in %s, only the compiler's clone %s, whose arguments may differ",
				path, s->clone);
		else if (s->type)
			doc_add(d, "kallsyms", t->symbol, DOC_PROBLEM,
				"in %s as type '%c', not as a function", path,
				s->type);
		else
			doc_add(d, "kallsyms", t->symbol, DOC_PROBLEM,
				"not in %s: inlined, renamed or compiled out", path);
		doc_fix(d, "probe %s will be unavailable (the others still load); if the kernel renamed %s, point the probe at the new name: insmod swapscope.ko symbols=%s=NEWNAME",
			t->probe, t->symbol, t->probe);
	}
	free(path);
}

struct blacklisted {
	char *range;		/* "0x...-0x... name", as the file has it */
	bool by_name;
};

/* One line "0xSTART-0xEND\tNAME [MODULE]" against every target. */
static void blacklist_line(const struct doctor *d, char *line,
			   struct blacklisted *hit)
{
	unsigned long long start, end;
	char name[256], rest[64];
	size_t i;
	int n;

	line[strcspn(line, "\n")] = '\0';
	n = sscanf(line, "0x%llx-0x%llx %255s %63s", &start, &end, name, rest);
	if (n != 3)		/* a module's entry has a 4th field */
		return;
	for (i = 0; i < SS_NR_PROBES; i++) {
		bool named = !strcmp(name, d->t[i].symbol);
		bool inside = d->seen[i].addr && start <= d->seen[i].addr &&
			      d->seen[i].addr < end;

		if ((named || inside) && !hit[i].range) {
			hit[i].range = xasprintf("%s", line);
			hit[i].by_name = named;
		}
	}
}

static void check_blacklist(struct doctor *d)
{
	char *path = doc_path(d, "%s/blacklist", KPROBES_DIR), *line = NULL;
	struct blacklisted hit[SS_NR_PROBES] = { { 0 } };
	char *why = NULL;
	size_t cap = 0, i;
	FILE *fp = NULL;

	if (!d->debugfs_mounted)
		why = xasprintf("debugfs is not mounted on %s", DEBUGFS_MNT);
	else if (!(fp = fopen(path, "r")))
		why = xasprintf("%s: %s", path, doc_why(errno));
	if (fp) {
		while (getline(&line, &cap, fp) > 0)
			blacklist_line(d, line, hit);
		free(line);
		fclose(fp);
	}
	for (i = 0; i < SS_NR_PROBES; i++) {
		const struct probe_target *t = &d->t[i];

		if (why) {
			doc_add(d, "blacklist", t->symbol, DOC_SKIPPED, "%s", why);
		} else if (hit[i].range) {
			doc_add(d, "blacklist", t->symbol, DOC_PROBLEM,
				"%s in %s: the kernel refuses kprobes there",
				hit[i].by_name ? "listed" : "inside a blacklisted range",
				path);
			doc_fix(d, "none in swapscope: probe %s stays unavailable on this kernel (%s)",
				t->probe, hit[i].range);
		} else {
			doc_add(d, "blacklist", t->symbol, DOC_OK,
				"not blacklisted");
		}
		free(hit[i].range);
	}
	free(why);
	free(path);
}

/*
 * How to fix a prototype that is not the one expected.  A probe with two
 * forms gets its function and prototype from module/compat/probes.h.
 */
static void prototype_fix(struct doctor *d, const struct probe_target *t)
{
	if (t->other_ret)
		doc_fix(d, "do not load swapscope on this kernel before module/probes.c, module/compat/probes.h (which picks probe %s's form by kernel version) and %s in module/uapi/swapscope.h are adapted to %s's prototype",
			t->probe, t->table, t->symbol);
	else
		doc_fix(d, "do not load swapscope on this kernel before module/probes.c and %s in module/uapi/swapscope.h are adapted to %s's prototype",
			t->table, t->symbol);
}

/*
 * One target's prototype in BTF (@n of them found) against @want; @other:
 * the probe's other form's, NULL if none.
 */
static void prototype_one(struct doctor *d, const struct probe_target *t,
			  const char *want, const char *other, char **found,
			  size_t n)
{
	size_t k;

	for (k = 0; k < n && strcmp(found[k], want); k++)
		;
	if (n == 1 && k == 0) {
		doc_add(d, "prototype", t->symbol, DOC_OK, "%s", want);
		return;
	}
	if (!n) {
		doc_add(d, "prototype", t->symbol, DOC_PROBLEM,
			"no FUNC %s in BTF: inlined, or left out because the compiler changed how it is called; expected %s",
			t->symbol, want);
		doc_fix(d, "check %s in this kernel's source against %s in module/uapi/swapscope.h before trusting probe %s",
			t->symbol, t->table, t->probe);
		return;
	}
	if (n == 1 && other && !strcmp(found[0], other)) {
		struct probe_target o = *t;
		char *when = series_when(t), *owhen;

		o.batched = !t->batched;
		owhen = series_when(&o);
		doc_add(d, "prototype", t->symbol, DOC_PROBLEM,
			"BTF has %s, the prototype probe %s expects %s; %s, as on %s, it expects %s",
			found[0], t->probe, owhen, when, d->release, want);
		free(owhen);
		free(when);
	} else if (n == 1)
		doc_add(d, "prototype", t->symbol, DOC_PROBLEM,
			"BTF has %s, probe %s was written for %s", found[0],
			t->probe, want);
	else	/* show one that is not ours */
		doc_add(d, "prototype", t->symbol, DOC_PROBLEM,
			"%zu FUNCs of that name with different prototypes in BTF, e.g. %s; probe %s was written for %s",
			n, found[k == 0 ? 1 : 0], t->probe, want);
	prototype_fix(d, t);
}

static void check_prototypes(struct doctor *d, const struct btf *b,
			     const char *skipped)
{
	char **found, *want, *other;
	size_t i, k, n;

	for (i = 0; i < SS_NR_PROBES; i++) {
		const struct probe_target *t = &d->t[i];

		if (!b) {
			doc_add(d, "prototype", t->symbol, DOC_SKIPPED, "%s",
				skipped);
			continue;
		}
		want = proto_canon(t->ret, t->params);
		if (!want) {	/* a parameter without a name: fix the table */
			doc_add(d, "prototype", t->symbol, DOC_PROBLEM,
				"this swapscope's %s entry of probe %s cannot be read",
				t->table, t->probe);
			doc_fix(d, "name every parameter in %s (module/uapi/swapscope.h) and rebuild",
				t->table);
			continue;
		}
		other = t->other_ret ? proto_canon(t->other_ret,
						   t->other_params) : NULL;
		n = btf_func_protos(b, t->symbol, &found);
		prototype_one(d, t, want, other, found, n);
		for (k = 0; k < n; k++)
			free(found[k]);
		free(found);
		free(other);
		free(want);
	}
}

/* ------------------------------------------------------------------ */
/* BTF                                                                 */
/* ------------------------------------------------------------------ */

/* The btf check line; *skipped says why prototypes are not checked. */
static struct btf *check_btf(struct doctor *d, char **skipped)
{
	const char *name = doctor_btf ? doctor_btf : "/sys/kernel/btf/vmlinux";
	const char *tool = doctor_bpftool ? doctor_bpftool : "bpftool";
	char *file = doctor_btf ? xasprintf("%s", doctor_btf) :
		     doc_path(d, "%s", name);
	const char *how = "";
	struct btf *b = NULL;
	char why[512];

	*skipped = NULL;
	if (!doctor_btf && access(file, F_OK) && errno == ENOENT) {
		doc_add(d, "btf", name, DOC_SKIPPED,
			"%s absent: the kernel has no CONFIG_DEBUG_INFO_BTF", file);
		*skipped = xasprintf("no BTF to read it from");
		goto out;
	}
	switch (btf_load(&b, file, tool, &how, why, sizeof(why))) {
	case BTF_LOADED:
		doc_add(d, "btf", name, DOC_OK, "%zu types (%s, %s)",
			btf_nr_types(b), how, file);
		break;
	case BTF_NO_TOOL:
		doc_add(d, "btf", name, DOC_SKIPPED,
			"%s not found: install bpftool (apt-get install bpftool)",
			tool);
		*skipped = xasprintf("no bpftool to read BTF with");
		break;
	case BTF_FAILED:
		doc_add(d, "btf", name, DOC_SKIPPED, "%s", why);
		*skipped = xasprintf("BTF not readable");
		break;
	}
out:
	free(file);
	return b;
}

/* ------------------------------------------------------------------ */
/* output                                                              */
/* ------------------------------------------------------------------ */

static void doctor_count(const struct doctor *d, size_t *count)
{
	size_t i;

	count[DOC_OK] = count[DOC_PROBLEM] = count[DOC_SKIPPED] = 0;
	for (i = 0; i < d->nr; i++)
		count[d->c[i].result]++;
}

static void doctor_json(const struct doctor *d)
{
	struct json_writer *w = &json_wtr;
	const struct doc_check *c;
	size_t i, count[3];

	doctor_count(d, count);
	jsonw_start_object(w);
	jsonw_string_field(w, "kernel", d->release);
	jsonw_name(w, "checks");
	jsonw_start_array(w);
	for (i = 0; i < d->nr; i++) {
		c = &d->c[i];
		jsonw_start_object(w);
		jsonw_string_field(w, "check", c->check);
		if (c->subject)
			jsonw_string_field(w, "subject", c->subject);
		else
			jsonw_null_field(w, "subject");
		jsonw_string_field(w, "result", result_names[c->result]);
		jsonw_string_field(w, "detail", c->detail);
		if (c->fix)
			jsonw_string_field(w, "fix", c->fix);
		else
			jsonw_null_field(w, "fix");
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "summary");
	jsonw_start_object(w);
	jsonw_u64_field(w, "checks", d->nr);
	jsonw_u64_field(w, "ok", count[DOC_OK]);
	jsonw_u64_field(w, "problems", count[DOC_PROBLEM]);
	jsonw_u64_field(w, "skipped", count[DOC_SKIPPED]);
	jsonw_end_object(w);
	jsonw_end_object(w);
	jsonw_finish(w);
}

static const unsigned char doctor_align[] = {
	TABLE_LEFT, TABLE_LEFT, TABLE_LEFT, TABLE_LEFT,
};

static void doctor_plain(const struct doctor *d)
{
	const struct doc_check *c;
	size_t i, count[3];
	struct table t;

	printf("kernel  %s\n\n", d->release);
	table_init(&t, ARRAY_SIZE(doctor_align), doctor_align);
	table_add_row(&t);
	table_set(&t, 0, "check");
	table_set(&t, 1, "subject");
	table_set(&t, 2, "result");
	table_set(&t, 3, "detail");
	for (i = 0; i < d->nr; i++) {
		c = &d->c[i];
		table_add_row(&t);
		table_set(&t, 0, "%s", c->check);
		table_set(&t, 1, "%s", c->subject ? c->subject : "-");
		table_set(&t, 2, "%s", result_names[c->result]);
		if (c->fix)
			table_set(&t, 3, "%s; fix: %s", c->detail, c->fix);
		else
			table_set(&t, 3, "%s", c->detail);
	}
	table_print(&t);
	table_free(&t);
	doctor_count(d, count);
	printf("\n%zu checks: %zu ok, %zu %s, %zu skipped\n", d->nr,
	       count[DOC_OK], count[DOC_PROBLEM],
	       count[DOC_PROBLEM] == 1 ? "problem" : "problems",
	       count[DOC_SKIPPED]);
}

/* ------------------------------------------------------------------ */
/* the command                                                         */
/* ------------------------------------------------------------------ */

/* This kernel's release, or the recorded one under --root. */
static int doctor_release(struct doctor *d)
{
	char *path, buf[256];
	struct utsname u;
	FILE *fp;

	if (!*d->root) {
		uname(&u);
		d->release = xasprintf("%s", u.release);
		return 0;
	}
	path = doc_path(d, "/proc/sys/kernel/osrelease");
	fp = fopen(path, "r");
	if (!fp || !fgets(buf, sizeof(buf), fp) || buf[0] == '\n') {
		p_err("--root %s: cannot read the kernel release from %s",
		      d->root, path);
		if (fp)
			fclose(fp);
		free(path);
		return -1;
	}
	fclose(fp);
	free(path);
	buf[strcspn(buf, "\n")] = '\0';
	d->release = xasprintf("%s", buf);
	return 0;
}

enum { OPT_ROOT = 256, OPT_BTF, OPT_BPFTOOL };

const struct option doctor_longopts[] = {
	{ "root",	required_argument,	NULL, OPT_ROOT },
	{ "btf",	required_argument,	NULL, OPT_BTF },
	{ "bpftool",	required_argument,	NULL, OPT_BPFTOOL },
	{ 0 }
};

static int doctor_opt(void *ctx, int opt, char *arg)
{
	(void)ctx;
	if (opt == OPT_ROOT)
		doctor_root = arg;
	else if (opt == OPT_BTF)
		doctor_btf = arg;
	else if (opt == OPT_BPFTOOL)
		doctor_bpftool = arg;
	else
		return SS_EXIT_USAGE;
	return 0;
}

static int doctor_options(int *argc, char ***argv)
{
	static const struct cmd_opts opts = {
		.cmd = "doctor", .longopts = doctor_longopts,
	};
	struct stat st;

	if (cmd_parse(argc, argv, &opts, doctor_opt, NULL))
		return -1;
	if (*argc) {
		p_err("doctor takes no arguments, got '%s'", (*argv)[0]);
		return -1;
	}

	if ((doctor_root && !*doctor_root) || (doctor_btf && !*doctor_btf) ||
	    (doctor_bpftool && !*doctor_bpftool)) {
		p_err("--root, --btf and --bpftool need a non-empty argument");
		return -1;
	}
	if (doctor_root && (stat(doctor_root, &st) || !S_ISDIR(st.st_mode))) {
		p_err("--root %s: not a directory", doctor_root);
		return -1;
	}
	if (doctor_btf && access(doctor_btf, R_OK)) {
		p_err("--btf %s: %s", doctor_btf, strerror(errno));
		return -1;
	}
	return 0;
}

int do_doctor(int argc, char **argv)
{
	struct doctor d = { 0 };
	char *skipped;
	struct btf *b;
	size_t i, count[3];

	if (doctor_options(&argc, &argv))
		return SS_EXIT_USAGE;
	d.root = doctor_root ? doctor_root : "";
	if (doctor_release(&d))
		return SS_EXIT_USAGE;
	d.series = series_of(d.release);
	doctor_targets(&d);
	check_kernel(&d);
	check_config(&d);
	check_root(&d);
	check_debugfs(&d);
	check_module(&d);
	check_lockdown(&d);
	check_secure_boot(&d);
	check_headers(&d);
	check_kprobes_enabled(&d);
	b = check_btf(&d, &skipped);
	check_kallsyms(&d);
	check_blacklist(&d);
	check_prototypes(&d, b, skipped);
	btf_free(b);
	free(skipped);

	if (json_output)
		doctor_json(&d);
	else
		doctor_plain(&d);
	doctor_count(&d, count);
	for (i = 0; i < d.nr; i++) {
		free(d.c[i].subject);
		free(d.c[i].detail);
		free(d.c[i].fix);
	}
	free(d.c);
	free(d.release);
	return count[DOC_PROBLEM] ? SS_EXIT_PROBLEM : SS_EXIT_OK;
}
