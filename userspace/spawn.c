// SPDX-License-Identifier: GPL-2.0 OR MIT
/* spawn.c: run a helper program (bpftool, zcat) and read its output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "doctor.h"

extern char **environ;

/*
 * posix_spawnp() reports a program it cannot execute as its return value,
 * so "not installed" is told apart from "ran and failed" without a shell.
 * stdin is /dev/null; stderr goes to a temporary file, read afterwards, so
 * that a chatty program cannot block on a pipe nobody reads yet.
 */
int spawn_start(struct spawn *s, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int fd[2], err;

	s->pid = -1;
	s->out = NULL;
	s->err = tmpfile();
	if (!s->err)
		return errno;
	if (pipe2(fd, O_CLOEXEC)) {
		err = errno;
		goto out_err;
	}
	err = posix_spawn_file_actions_init(&fa);
	if (err)
		goto out_pipe;
	err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, fileno(s->err), 2);
	if (!err)
		err = posix_spawnp(&s->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		goto out_pipe;
	close(fd[1]);
	s->out = fdopen(fd[0], "r");
	if (!s->out) {
		err = errno;
		close(fd[0]);
		spawn_finish(s, NULL, 0);
		return err;
	}
	return 0;

out_pipe:
	close(fd[0]);
	close(fd[1]);
out_err:
	fclose(s->err);
	s->err = NULL;
	return err;
}

int spawn_finish(struct spawn *s, char *msg, size_t len)
{
	int status = 0;

	if (s->out) {
		fclose(s->out);	/* a program still writing gets SIGPIPE */
		s->out = NULL;
	}
	while (s->pid > 0 && waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (msg && len) {
		msg[0] = '\0';
		rewind(s->err);
		if (fgets(msg, (int)len, s->err))
			msg[strcspn(msg, "\n")] = '\0';
	}
	fclose(s->err);
	s->err = NULL;
	s->pid = -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}
