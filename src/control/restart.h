/*
 * restart.h - `mydaemon -s restart` (and the init script's restart and
 * upgrade): the running daemon hands its listening sockets to a new
 * process, which takes over before the old one drains and exits, so no
 * connection is refused (handoff.h says how).
 */
#ifndef MYDAEMON_RESTART_H
#define MYDAEMON_RESTART_H

#include <stddef.h>

struct config;

struct restart_req {
	const char		*conffile;	/* absolute */
	const struct config	*cfg;		/* as the new one reads it */
	const char		*pidfile;	/* the new process's */
	char *const		*argv;		/* to start it: mydaemon ... */
	unsigned int		 wait_s;	/* for the old one to let go */
};

/*
 * Hand over to a new process started with r->argv.  Returns 0 when it
 * took over, 1 when it failed (the old process serves on; the reason is
 * on stderr), -1 when no daemon of this configuration can hand over (none
 * runs, or one of a version without the control socket).
 */
int	restart_run(const struct restart_req *r);

#endif /* MYDAEMON_RESTART_H */
