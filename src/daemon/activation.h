/*
 * activation.h - what the process that started us handed over in the
 * environment, read once before the environment is wiped (daemon(7)):
 * systemd's socket activation (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES,
 * sd_listen_fds(3)), its notification socket (NOTIFY_SOCKET,
 * WATCHDOG_USEC, WATCHDOG_PID, sd_notify(3)), the journal's stream
 * (JOURNAL_STREAM), and the old process a restart takes over from
 * (MYDAEMON_TAKEOVER, MYDAEMON_STDERR, see handoff.h).
 */
#ifndef MYDAEMON_ACTIVATION_H
#define MYDAEMON_ACTIVATION_H

#include <stdint.h>

#define ACTIVATION_FIRST_FD	3	/* SD_LISTEN_FDS_START */
#define ACTIVATION_MAX_FDS	64

struct activation {
	int		 nfds;		/* passed: fds 3 .. 3 + nfds - 1 */
	char		 names[ACTIVATION_MAX_FDS][64];	/* LISTEN_FDNAMES */
	char		 notify[108];	/* NOTIFY_SOCKET, "" when unset */
	uint64_t	 watchdog_usec;	/* 0: no watchdog for us */
	long		 takeover;	/* pid of a restart's old process */
	long		 started_pid;	/* the process that was started */
	int		 log_fd;	/* a restart's old log stream, fd
					   3 + nfds (MYDAEMON_STDERR), or -1 */
	char		 journal[64];	/* JOURNAL_STREAM, "" when unset */
};

/*
 * Read and remember the variables; the passed descriptors only count
 * when LISTEN_PID is this process (and are then left open by
 * daemonize_sanitize()).  Call first thing in main().
 */
void	activation_capture(void);

const struct activation	*activation(void);

#endif /* MYDAEMON_ACTIVATION_H */
