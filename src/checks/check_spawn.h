/*
 * check_spawn.h - posix_spawn with the checks' sandbox (see check_run.h),
 * its attributes and file actions prepared once, not for every run.
 */
#ifndef MYDAEMON_CHECK_SPAWN_H
#define MYDAEMON_CHECK_SPAWN_H

#include <sys/types.h>

/*
 * Start argv in envp, in a group of its own, with default signals and
 * an empty mask, stdin /dev/null and stdout and stderr on the descriptor
 * out.  0 and *pid, or an errno.
 */
int	check_spawn(pid_t *pid, char *const argv[], char *const envp[],
	    int out);

#endif /* MYDAEMON_CHECK_SPAWN_H */
