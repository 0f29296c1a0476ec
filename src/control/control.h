/*
 * control.h - `mydaemon -s ACTION`: talk to the running instance.
 *
 * The instance is whoever holds the pidfile's lock; signals go to that
 * PID only, read from the lock (F_GETLK), never from the file's text.
 * Replies come back through the state file (see state.h); a drain is
 * recorded in the maintenance file (drain.h) and read on SIGUSR2.
 */
#ifndef MYDAEMON_CONTROL_H
#define MYDAEMON_CONTROL_H

struct control_req {
	const char	*action;	/* status, stop, reload, reopen, ... */
	const char	*pidfile;
	unsigned int	 wait_s;	/* for the daemon to act, at most */
	const char	*reason;	/* drain: -r, or NULL */
	/* drain, undrain: the file when no running daemon says which */
	const char	*maintenance_file;
	/* SPEC 21: drain and undrain NAME, -d */
	const char	*name;		/* a check; NULL: the host */
	unsigned long long duration_ms;	/* -d; 0: until undrained */
	const char	*conffile;	/* to know the check names */
	const char	*maint_status;	/* the config's, for a message */
};

/*
 * Run the action against the daemon that owns the pidfile, waiting at
 * most wait_s seconds for it to act.  Returns the exit code: status
 * gives the LSB codes 0/1/3/4; the others 0 success, 1 failure, 4 no
 * permission; drain and undrain 7 when no daemon runs (the state is
 * recorded all the same).  2 for an unknown action.
 */
int	control_run(const struct control_req *r);

/* drain (on) and undrain, control_drain.c: an exit code as above. */
int	control_drain(const struct control_req *r, int on);

#endif /* MYDAEMON_CONTROL_H */
