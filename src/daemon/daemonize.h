/*
 * daemonize.h - the SysV start-up steps of daemon(7) and the readiness
 * pipe that lets the starting process report the daemon's real outcome.
 */
#ifndef MYDAEMON_DAEMONIZE_H
#define MYDAEMON_DAEMONIZE_H

#include <stdnoreturn.h>

/*
 * Steps 1-3 of daemon(7), done first thing in main(): close every
 * inherited descriptor above 2 but the `keep` passed on purpose from 3
 * up (socket activation; and make sure 0-2 are open), reset all
 * signal dispositions and the mask, and give the process a clean
 * environment (PATH only): the inherited strings are wiped in place,
 * because clearenv() alone leaves them visible in /proc/PID/environ.
 */
void	daemonize_sanitize(int keep);

/*
 * fork, setsid, fork, stdio to /dev/null, umask 027, chdir /.  Returns
 * in the final daemon process only.  The original process waits on the
 * readiness pipe and exits 0 when the daemon calls daemonize_ready(), or
 * prints the daemon's reason and exits 1 when it fails (or dies) first.
 * log_fd (-1: none), a restart's old log stream, becomes the daemon's
 * stdout and stderr instead of /dev/null.
 */
void	daemonize_detach(int log_fd);

/* Foreground mode: the same umask and working directory, no fork. */
void	daemonize_foreground(void);

/* Tell the waiting starter that we are ready; close the pipe. */
void	daemonize_ready(void);

/* The main log now goes somewhere other than stderr. */
void	daemonize_log_opened(void);

/*
 * Start-up failure: log the reason, hand it to the starter (or print it
 * on stderr in the foreground), and exit 1 (atexit handlers run, so a
 * pidfile already taken is released).
 */
noreturn void	daemonize_fatalx(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/*
 * Not an error, but nothing to start (another instance is running and
 * ready): the starter prints the message and exits 0.
 */
noreturn void	daemonize_exit_ok(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

#endif /* MYDAEMON_DAEMONIZE_H */
