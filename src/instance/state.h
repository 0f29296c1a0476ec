/*
 * state.h - the state file: how a running daemon answers `mydaemon -s`.
 *
 * Beside the pidfile (mydaemon.pid -> mydaemon.state) the daemon keeps a
 * small text file, opened before privileges are dropped and rewritten in
 * place with one pwrite(2) whenever a reload starts or ends or the logs
 * are reopened.  `-s reload` reads reload_started, sends SIGHUP, and
 * waits until reload_done passes it: the last_reload line is then the
 * daemon's own verdict on a configuration read after the signal.  It
 * needs no HTTP and no privileges, so it works with `listen = none` and
 * for a daemon running as nobody.
 *
 * Format, one "key=value" per line, first and last line carrying the
 * same sequence number so that a reader can reject a torn read:
 *   seq=N pid= stopping=0|1 starting=0|1 generation= reload_started=
 *   reload_done= reload_ok=
 *   reload_failed= last_reload=ok|failed|none reason= reopens=
 *   reopen_failed= reopen_reason= drain_reads= drained=0|1
 *   maintenance_file= stop_wait_ms= end=N
 * stop_wait_ms is how long a SIGTERM may take to end the daemon
 * (shutdown_drain + shutdown_timeout; 0 without a shutdown_drain): what
 * -s stop waits at least.
 */
#ifndef MYDAEMON_STATE_H
#define MYDAEMON_STATE_H

#include <sys/types.h>
#include <stddef.h>

#define STATE_REASON_MAX	512

struct state_info {
	unsigned long	 seq;
	long		 pid;
	int		 stopping;	/* shutting down: not "running" */
	int		 starting;	/* not ready yet: a stop waits */
	unsigned long	 generation;
	unsigned long	 reload_started;
	unsigned long	 reload_done;
	unsigned long	 reload_ok;
	unsigned long	 reload_failed;
	char		 last_reload[8];	/* "ok", "failed", "none" */
	char		 reason[STATE_REASON_MAX];
	unsigned long	 reopens;
	unsigned long	 reopen_failed;
	char		 reopen_reason[STATE_REASON_MAX];
	unsigned long	 drain_reads;	/* maintenance file read (SIGUSR2) */
	int		 drained;	/* what it said last */
	char		 maintenance_file[STATE_REASON_MAX];
	unsigned long	 stop_wait_ms;	/* a SIGTERM's drain and shutdown */
};

/* "/run/mydaemon.pid" -> "/run/mydaemon.state"; malloc'ed, NULL on ENOMEM. */
char	*state_path(const char *pidfile);

/* Pure: render / parse.  format returns the length, parse 0 or -1. */
size_t	 state_format(char *buf, size_t size, const struct state_info *si);
int	 state_parse(const char *buf, size_t len, struct state_info *si);

/*
 * Open for the daemon (create 0644, no symlinks, close-on-exec), emptied
 * unless the record there is still another process's to keep (a
 * restart's old one, until the new one takes over).
 */
int	 state_open(const char *path, int empty);
/* Rewrite the file with one pwrite.  Returns 0 or -1. */
int	 state_write(int fd, struct state_info *si);
/* Read and parse, retrying a torn read a few times.  0 or -1 (errno). */
int	 state_read(const char *path, struct state_info *si);

#endif /* MYDAEMON_STATE_H */
