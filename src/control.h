/*
 * control.h - `mydaemon -s ACTION`: talk to the running instance.
 *
 * The instance is whoever holds the pidfile's lock; signals go to that
 * PID only, read from the lock (F_GETLK), never from the file's text.
 * Replies come back through the state file (see state.h).
 */
#ifndef MYDAEMON_CONTROL_H
#define MYDAEMON_CONTROL_H

/*
 * Run `action` (status, stop, reload, reopen) against the daemon that
 * owns `pidfile`, waiting at most `wait_s` seconds for it to act.
 * Returns the exit code: status gives the LSB codes 0/1/3/4; the others
 * 0 success, 1 failure, 4 no permission.  Returns 2 for an unknown
 * action.
 */
int	control_run(const char *action, const char *pidfile,
	    unsigned int wait_s);

#endif /* MYDAEMON_CONTROL_H */
