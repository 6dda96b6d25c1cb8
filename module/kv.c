// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: text in and out of the debugfs files: the intake of the
 * commands written to control, pagemap and audit, and task names made one
 * word of a key=value record.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "swapscope.h"

/*
 * One command per write(), in words separated by blanks (spaces, tabs,
 * newlines); leading and trailing blanks, a trailing newline among them,
 * are ignored.  Each file has its own language, parsed by its writer:
 *
 *   control (control.c, ss_control_locked):
 *     reset            zero every count, verdict, sample and path
 *                      statistic; judge the rules that failed again
 *     enable RULE      judge RULE again (-EOPNOTSUPP: not applicable to
 *                      this kernel, -EBUSY: it failed, reset first)
 *     disable RULE     stop judging RULE; its counts stay as they were
 *     scope PID        watch only PID's process tree (-ESRCH: no such
 *                      process); "scope none": every process
 *     at most SS_CONTROL_MAX - 1 bytes, else -E2BIG
 *   pagemap (pagemap.c, ss_pm_parse):
 *     PID START END    compare /proc/PID/pagemap with the page tables over
 *                      [START, END): page-aligned, hex with 0x or decimal,
 *                      at most SS_PM_MAX_PAGES pages (-ESRCH: no process)
 *     at most SS_PM_WRITE_MAX - 1 bytes, else -E2BIG
 *   audit (audit.c, ss_audit_check):
 *     run              audit every in-use swap slot now, in this process
 *     at most SS_AUDIT_CMD_MAX - 1 bytes, else -E2BIG
 *
 * Whatever the file, an empty write, one holding a NUL byte and any
 * command of the wrong words fail with -EINVAL; a command is validated
 * whole and a failing one changes nothing.  Refusals are logged
 * rate-limited: a writer looping on bad input must not flood the log.
 *
 * A write of @len bytes at @ubuf into @c, for the file @f: 0, or the
 * error, logged.
 */
static int ss_cmd_read(struct ss_cmd *c, const struct ss_cmd_file *f,
		       const char __user *ubuf, size_t len)
{
	size_t max = min_t(size_t, f->max, sizeof(c->text));
	char *p;
	int i;

	if (!len) {
		pr_err_ratelimited("%s: empty write\n", f->name);
		return -EINVAL;
	}
	if (len >= max) {
		pr_err_ratelimited("%s: %zu-byte write refused (at most %zu)\n",
				   f->name, len, max - 1);
		return -E2BIG;
	}
	if (copy_from_user(c->buf, ubuf, len))
		return -EFAULT;
	c->buf[len] = '\0';
	if (strlen(c->buf) != len) {
		pr_err_ratelimited("%s: binary data written\n", f->name);
		return -EINVAL;
	}
	p = strim(c->buf);
	strscpy(c->text, p, sizeof(c->text));
	for (i = 0; i < ARRAY_SIZE(c->word); i++)
		c->word[i] = "";
	for (c->nr = 0; *p; c->nr++) {
		char *word = p;

		while (*p && !isspace(*p))
			p++;
		if (*p)
			*p++ = '\0';
		while (isspace(*p))
			p++;
		if (c->nr < ARRAY_SIZE(c->word))
			c->word[c->nr] = word;
	}
	return 0;
}

/*
 * The ->write of every debugfs file that takes commands, its struct
 * ss_cmd_file the file's data (debugfs_create_file): one command per
 * write, taken in, checked by ->check (if any), then run by ->run under
 * ->lock, one at a time.  @len, or the error.
 */
ssize_t ss_cmd_write(struct file *file, const char __user *ubuf, size_t len,
		     loff_t *ppos)
{
	const struct ss_cmd_file *f = file_inode(file)->i_private;
	struct ss_cmd c;
	int ret;

	ret = ss_cmd_read(&c, f, ubuf, len);
	if (!ret && f->check)
		ret = f->check(&c);
	if (ret)
		return ret;
	if (mutex_lock_killable(f->lock))
		return -EINTR;
	ret = f->run(&c);
	mutex_unlock(f->lock);
	return ret ? ret : len;
}

/*
 * @comm, a task's comm as copied (ss_comm_copy), as one word of a
 * key=value record: every comm shown in samples, events and audit
 * records goes through here.
 */
void ss_comm_word(char dst[TASK_COMM_LEN], const char *comm)
{
	int i;

	for (i = 0; i < TASK_COMM_LEN - 1 && comm[i]; i++)
		dst[i] = ss_kv_char(comm[i]);
	dst[i] = '\0';
}

/*
 * Any context: a copy of @comm, a task's comm, NUL-terminated.  As
 * tracepoints do: get_task_comm() takes task_lock, which a probe cannot.
 */
void ss_comm_copy(char dst[TASK_COMM_LEN], const char *comm)
{
	memcpy(dst, comm, TASK_COMM_LEN);
	dst[TASK_COMM_LEN - 1] = '\0';
}
