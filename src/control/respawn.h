/*
 * respawn.h - what a restart was handed by the old process, and the
 * start of the new one (respawn.c).
 */
#ifndef MYDAEMON_RESPAWN_H
#define MYDAEMON_RESPAWN_H

#include <stddef.h>

#include "instance/handoff_wire.h"

struct handed {
	int		 fds[HANDOFF_MAX_FDS];
	size_t		 nfds;
	char		*names[HANDOFF_MAX_FDS];	/* "http" or "agent" */
	long		 pid;
	char		 pidfile[4096];
	char		 notify[108];	/* its NOTIFY_SOCKET, or "" */
	char		 watchdog[24];	/* its WATCHDOG_USEC */
	int		 stderr_fd;	/* its log stream, or -1 */
	char		 journal[64];	/* its JOURNAL_STREAM, or "" */
};

/*
 * In a fresh child: the sockets of h at 3.., LISTEN_FDS and friends,
 * MYDAEMON_TAKEOVER when the pidfile stays the same, the old process's
 * log stream as stdout and stderr (MYDAEMON_STDERR) when it logged
 * there, then execute argv.
 * Returns (-1) only when that failed, in a state only fit for _exit().
 */
int	respawn_exec(const struct handed *h, const char *pidfile,
	    char *const argv[]);

/* This binary's path, for argv[0] of the new process; 0 or -1. */
int	respawn_self(char *buf, size_t size);

/* Become a starter: execute argv[0] with argv (on failure, says why and
   returns). */
void	respawn_execv(char *const argv[]);

#endif /* MYDAEMON_RESPAWN_H */
