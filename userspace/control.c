// SPDX-License-Identifier: GPL-2.0 OR MIT
/* control.c: "swapscope enable|disable RULE" and "swapscope reset". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

/*
 * One command, one write(), as the control file wants; errors reported.
 * Returns 0 or an exit code.
 */
int control_command(const char *cmd)
{
	char *path = xasprintf("%s/control", debugfs_dir);
	size_t len = strlen(cmd);
	struct ss_version v;
	ssize_t n;
	int fd, err = 0;

	if (ss_load_version(&v)) {
		free(path);
		return SS_EXIT_USAGE;
	}
	ss_unload(&v.file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == EACCES || err == EPERM)
			p_err("%s: permission denied: the control file is writable by root only, run swapscope as root",
			      path);
		else if (err == ENOENT)
			p_err("%s does not exist, the module does not provide it: rebuild the CLI and the module from the same tree",
			      path);
		else
			p_err("%s: %s", path, strerror(err));
		free(path);
		return SS_EXIT_USAGE;
	}
	n = write(fd, cmd, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	if (close(fd) && !err)
		err = errno;
	if (err) {
		p_err("writing '%s' to %s: %s%s", cmd, path, strerror(err),
		      err == EOPNOTSUPP ?
		      " (the rule is not applicable on this kernel, see 'swapscope report')" :
		      err == ESRCH ? " (no such process)" :
		      err == EINVAL ?
		      " (the module refused the command, see dmesg)" : "");
		free(path);
		return SS_EXIT_USAGE;
	}
	free(path);
	return SS_EXIT_OK;
}

static int control_write(const char *cmd)
{
	int ret = control_command(cmd);

	if (ret)
		return ret;
	if (json_output) {
		jsonw_null(&json_wtr);
		jsonw_finish(&json_wtr);
	}
	return SS_EXIT_OK;
}

static int rule_command(const char *verb, int argc, char **argv)
{
	char *cmd;
	int r, ret;

	if (argc != 1) {
		p_err("%s takes one RULE, e.g. '%s U3'", verb, verb);
		return SS_EXIT_USAGE;
	}
	r = rule_find(argv[0], true);
	if (r < 0) {
		char *list = rule_id_list();

		p_err("unknown rule '%.40s': the rules are %s", argv[0], list);
		free(list);
		return SS_EXIT_USAGE;
	}
	cmd = xasprintf("%s %s", verb, rule_ids[r]);
	ret = control_write(cmd);
	free(cmd);
	return ret;
}

int do_enable(int argc, char **argv)
{
	return rule_command("enable", argc, argv);
}

int do_disable(int argc, char **argv)
{
	return rule_command("disable", argc, argv);
}

int do_reset(int argc, char **argv)
{
	if (argc) {
		p_err("reset takes no arguments, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	return control_write("reset");
}
