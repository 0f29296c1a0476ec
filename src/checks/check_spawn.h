/*
 * check_spawn.h - starting a check's program in the checks' sandbox (see
 * check_run.h).
 */
#ifndef MYDAEMON_CHECK_SPAWN_H
#define MYDAEMON_CHECK_SPAWN_H

#include <sys/types.h>

/*
 * Start argv in envp (argv[0] searched in the daemon's PATH if it has no
 * slash), in a group of its own, with default signals and an empty mask,
 * stdin /dev/null and stdout and stderr on the descriptor out, made
 * blocking in the child.  0 and *pid, or an errno (execve()'s too).
 */
int	check_spawn(pid_t *pid, char *const argv[], char *const envp[],
	    int out);

#endif /* MYDAEMON_CHECK_SPAWN_H */
