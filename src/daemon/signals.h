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

struct state_info;

/* What the daemon does on a signal. */
enum signal_work {
	SIGNAL_RELOAD,		/* read the configuration again */
	SIGNAL_REOPEN,		/* reopen the logs */
	SIGNAL_MAINTENANCE,	/* read the maintenance file again */
	SIGNAL_STOP,		/* shut down */
	SIGNAL_CHILD		/* reap the checks */
};

/*
 * The one table of the signals the daemon handles (as nginx's signals[]):
 * the handlers are installed from it, the daemon's loop dispatches on
 * `work`, `mydaemon -s ACTION` sends the signal of its `action`, and
 * waits until `acted` says the state file proves it done (NULL: no
 * proof but the process's exit, for stop).
 */
struct signal_entry {
	int		 signo;
	const char	*name;		/* "SIGHUP", for log lines */
	enum signal_work work;
	const char	*action;	/* the -s action sending it, or NULL */
	/* now, read after `before`: has the daemon acted since? */
	int		(*acted)(const struct state_info *before,
			    const struct state_info *now);
};

/* The entry of signo, or NULL when the daemon does not handle it. */
const struct signal_entry *signals_by_number(int signo);
/* The entry whose -s action is `action` ("reload"), or NULL. */
const struct signal_entry *signals_by_action(const char *action);

/*
 * Restore every signal to its default disposition and empty the mask
 * (daemon(7): inherited state is not to be trusted).  Safe in a child
 * between fork and exec.
 */
void	signals_reset(void);

/*
 * Create the pipe and install the handler for every signal of the table;
 * ignore SIGPIPE.  Returns the pipe's read end, or -1.
 */
int	signals_init(void);

/* Close both ends of the pipe (in a child before exec they are CLOEXEC). */
void	signals_fini(void);

/* From now on the kernel drops signo (SIG_IGN): no handler, no byte. */
int	signals_ignore(int signo);

/*
 * The next recorded signal, in arrival order, or 0 when none is pending;
 * but a stop signal (SIGTERM, SIGINT) comes first, ahead of what was
 * queued before it (it comes again in its place, to be ignored then).
 * Signals recorded while the pipe was full are returned after it drains.
 */
int	signals_next(void);

/* How many stop signals have arrived so far: one each, however often
   signals_next() returns it. */
int	signals_stops(void);

/* Name of a handled signal ("SIGHUP"), for log lines. */
const char	*signals_name(int signo);

#endif /* MYDAEMON_SIGNALS_H */
