// SPDX-License-Identifier: GPL-2.0 OR MIT
/* control.c: "swapscope enable|disable RULE" and "swapscope reset". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static const char *control_explain(int err)
{
	if (err == EOPNOTSUPP)
		return " (the rule is not applicable on this kernel, see 'swapscope report')";
	if (err == EBUSY)
		return " (the rule disabled itself on an internal inconsistency, see 'swapscope report' and dmesg; 'swapscope reset' judges it again)";
	if (err == ESRCH)
		return " (no such process)";
	if (err == EINVAL)
		return " (the module refused the command, see dmesg)";
	return "";
}

/*
 * One command, one write(), as the control file wants; errors reported.
 * Returns 0 or an exit code.
 */
int control_command(const char *cmd)
{
	struct ss_version v;

	if (ss_load_version(&v))
		return SS_EXIT_USAGE;
	ss_unload(&v.file);
	if (ss_write("control", cmd, control_explain))
		return SS_EXIT_USAGE;
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

	if (cmd_no_options(&argc, &argv, verb))
		return SS_EXIT_USAGE;
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
	if (cmd_no_options(&argc, &argv, "reset"))
		return SS_EXIT_USAGE;
	if (argc) {
		p_err("reset takes no arguments, got '%s'", argv[0]);
		return SS_EXIT_USAGE;
	}
	return control_write("reset");
}
