// SPDX-License-Identifier: GPL-2.0
/*
 * swapscope: the control file's language (reset, enable, disable, scope),
 * one command per write, one command at a time.  Its grammar is written
 * out above ss_cmd_read() (kv.c), with those of the pagemap and audit
 * files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include "swapscope.h"
#include "pmwatch.h"

/* The longest command written to control, plus one. */
#define SS_CONTROL_MAX	64
static_assert(SS_CONTROL_MAX <= SS_CMD_MAX);

static DEFINE_MUTEX(ss_control_lock);	/* one control command at a time */

static int ss_rule_by_name(const char *name)
{
	int r;

	for (r = 0; r < SS_NR_RULES; r++)
		if (!strcmp(ss_rule_name(r), name))
			return r;
	return -1;
}

static void ss_reset(void)
{
	ss_verdicts_reset();
	ss_samples_reset();
	ss_stats_reset();
	ss_scope_reset();
	ss_pmw_reset();
	ss_events_reset();
	ss_watch_full_reset();
	ss_rules_rearm();
}

/* "scope PID" or "scope none"; -EINVAL/-ESRCH, changing nothing. */
static int ss_control_scope(const char *arg)
{
	int nr;

	if (!strcmp(arg, "none"))
		return ss_scope_set(0);
	if (kstrtoint(arg, 10, &nr) || nr <= 0) {
		pr_err_ratelimited("control: scope takes a pid or 'none', not '%s'\n", arg);
		return -EINVAL;
	}
	return ss_scope_set(nr);
}

/*
 * One command of the control language (kv.c): 0 or -EINVAL /
 * -EOPNOTSUPP / -EBUSY / -ESRCH, having changed nothing on error.
 */
static int ss_control_locked(const struct ss_cmd *c)
{
	const char *verb = c->word[0], *name = c->word[1];
	const char *why;
	int r, ret;

	if (c->nr == 1 && !strcmp(verb, "reset")) {
		ss_reset();
		return 0;
	}
	if (c->nr == 2 && !strcmp(verb, "scope"))
		return ss_control_scope(name);
	if (c->nr != 2 || (strcmp(verb, "enable") && strcmp(verb, "disable"))) {
		pr_err_ratelimited("control: unknown command '%s' (reset, enable RULE, disable RULE, scope PID|none)\n",
				   c->text);
		return -EINVAL;
	}
	r = ss_rule_by_name(name);
	if (r < 0) {
		pr_err_ratelimited("control: unknown rule '%s'\n", name);
		return -EINVAL;
	}
	ret = ss_rule_set_enabled(r, !strcmp(verb, "enable"), &why);
	if (ret == -EOPNOTSUPP)
		pr_err_ratelimited("control: rule %s cannot be enabled: %s\n",
				   name, why);
	else if (ret == -EBUSY)
		pr_err_ratelimited("control: rule %s disabled itself (%s): reset to judge it again\n",
				   name, why);
	return ret;
}

const struct ss_cmd_file ss_control_cmd = {
	.name = "control",
	.max = SS_CONTROL_MAX,
	.lock = &ss_control_lock,
	.run = ss_control_locked,
};

const struct file_operations ss_control_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = ss_cmd_write,	/* ss_control_cmd */
	.llseek = noop_llseek,
};
