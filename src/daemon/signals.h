/*
 * signals.h - signal handling by self-pipe.
 *
 * The handlers only write the signal number as one byte into a
 * non-blocking, close-on-exec pipe; the main loop reads the bytes in
 * order and does the work.  One byte per delivered signal, so every
 * SIGHUP that the kernel delivers is one reload, and a SIGHUP that
 * arrives during a reload is read on the next loop turn.
 */
#ifndef MYDAEMON_SIGNALS_H
#define MYDAEMON_SIGNALS_H

/*
 * Restore every signal to its default disposition and empty the mask
 * (daemon(7): inherited state is not to be trusted).  Safe in a child
 * between fork and exec.
 */
void	signals_reset(void);

/*
 * Create the pipe and install the handlers for SIGHUP, SIGUSR1, SIGUSR2,
 * SIGTERM, SIGINT and SIGCHLD; ignore SIGPIPE.  Returns the pipe's read
 * end, or -1.
 */
int	signals_init(void);

/* Close both ends of the pipe (in a child before exec they are CLOEXEC). */
void	signals_fini(void);

/* From now on the kernel drops signo (SIG_IGN): no handler, no byte. */
int	signals_ignore(int signo);

/*
 * The next recorded signal, in arrival order, or 0 when none is pending.
 * Signals recorded while the pipe was full are returned after it drains.
 */
int	signals_next(void);

/* Name of a handled signal ("SIGHUP"), for log lines. */
const char	*signals_name(int signo);

#endif /* MYDAEMON_SIGNALS_H */
