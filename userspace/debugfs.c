// SPDX-License-Identifier: GPL-2.0 OR MIT
/* debugfs.c: find the swapscope debugfs directory and load its files. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "main.h"

#define DEBUGFS_MAGIC	0x64626720	/* include/uapi/linux/magic.h */

static const char hint_rebuild[] =
	"rebuild the CLI and the module from the same tree";

static int ss_no_permission(const char *path)
{
	p_err("%s: permission denied: debugfs is readable by root only, run swapscope as root",
	      path);
	return -1;
}

int ss_bad_record(const struct ss_file *f)
{
	p_err("%s; the module and the CLI disagree on the record format: %s",
	      f->err, hint_rebuild);
	return -1;
}

/*
 * An unmounted mount point is an empty directory.  Recorded trees (the
 * tests pass them with --debugfs) are not debugfs but are never empty.
 */
static bool ss_debugfs_mounted(const char *dir)
{
	struct statfs sfs;
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (!statfs(dir, &sfs) && sfs.f_type == DEBUGFS_MAGIC)
		return true;
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		found = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return found;
}

/* The directory is missing: tell an unmounted debugfs from a module not loaded. */
static int ss_explain_missing(void)
{
	char *copy = xasprintf("%s", debugfs_dir);
	const char *parent = dirname(copy);

	if (ss_debugfs_mounted(parent))
		p_err("the swapscope module is not loaded (no %s): load it with 'modprobe swapscope' or 'insmod swapscope.ko'",
		      debugfs_dir);
	else
		p_err("debugfs is not mounted on %s: mount it with 'mount -t debugfs none %s'",
		      parent, parent);
	free(copy);
	return -1;
}

static int ss_open_dir(void)
{
	struct stat st;

	if (stat(debugfs_dir, &st)) {
		int err = errno;

		if (err == EACCES || err == EPERM)
			return ss_no_permission(debugfs_dir);
		if (err == ENOENT || err == ENOTDIR)
			return ss_explain_missing();
		p_err("%s: %s", debugfs_dir, strerror(err));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		p_err("%s is not a directory: --debugfs takes the swapscope directory, e.g. %s",
		      debugfs_dir, SWAPSCOPE_DEBUGFS_DIR);
		return -1;
	}
	return 0;
}

int ss_load(struct ss_file *f, const char *name, enum ss_rec_mode mode)
{
	char *path = xasprintf("%s/%s", debugfs_dir, name);
	int err;

	ss_file_init(f, path);
	err = ss_read_path(f, path, mode);
	if (!err)
		return 0;
	if (err == -EACCES || err == -EPERM)
		ss_no_permission(path);
	else if (err == -ENOENT)
		p_err("%s does not exist, the module does not provide it: %s",
		      path, hint_rebuild);
	else if (err == -EINVAL)
		ss_bad_record(f);
	else
		p_err("%s", f->err);
	ss_unload(f);
	return -1;
}

/*
 * One command, one write(), as the module's command files want.  A write
 * error is reported with @explain's hint for it appended (NULL: none).
 */
int ss_write(const char *name, const char *cmd, const char *(*explain)(int err))
{
	char *path = xasprintf("%s/%s", debugfs_dir, name);
	size_t len = strlen(cmd);
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == EACCES || err == EPERM)
			p_err("%s: permission denied: it is writable by root only, run swapscope as root",
			      path);
		else if (err == ENOENT)
			p_err("%s does not exist, the module does not provide it: %s",
			      path, hint_rebuild);
		else
			p_err("%s: %s", path, strerror(err));
		free(path);
		return -1;
	}
	n = write(fd, cmd, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	if (close(fd) && !err)
		err = errno;
	if (err)
		p_err("writing '%s' to %s: %s%s", cmd, path, strerror(err),
		      explain ? explain(err) : "");
	free(path);
	return err ? -1 : 0;
}

void ss_unload(struct ss_file *f)
{
	ss_file_free(f);
	free((char *)f->name);
	f->name = NULL;
}

/* version holds one key a line; each key appears on a record of its own. */
static int ss_version_str(struct ss_file *f, const char *key, const char **val)
{
	const struct ss_record *r = ss_file_find(f, key);

	if (!r) {
		p_err("%s: missing key '%s': %s", f->name, key, hint_rebuild);
		return -1;
	}
	*val = ss_rec_get(r, key);
	return 0;
}

static int ss_check_abi(struct ss_version *v)
{
	struct ss_file *f = &v->file;
	const char *s;

	if (ss_version_str(f, "abi", &s))
		return -1;
	if (ss_rec_u64(f, ss_file_find(f, "abi"), "abi", &v->abi))
		return ss_bad_record(f);
	if (v->abi != SWAPSCOPE_ABI) {
		p_err("module abi %" PRIu64 " (in %s) is not the abi %d of this swapscope: %s",
		      v->abi, f->name, SWAPSCOPE_ABI, hint_rebuild);
		return -1;
	}
	return 0;
}

/* Every command starts here: directory, then version, then abi. */
int ss_load_version(struct ss_version *v)
{
	struct ss_file *f = &v->file;

	if (ss_open_dir() || ss_load(f, "version", SS_REC_LINE))
		return -1;
	/* abi first: under another abi any other key may have changed. */
	if (ss_check_abi(v) ||
	    ss_version_str(f, "module", &v->module) ||
	    ss_version_str(f, "kernel", &v->kernel) ||
	    ss_version_str(f, "kernel_version", &v->kernel_version) ||
	    ss_version_str(f, "build", &v->build)) {
		ss_unload(f);
		return -1;
	}
	return 0;
}
