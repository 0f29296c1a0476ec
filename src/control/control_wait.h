/*
 * control_wait.h - how `mydaemon -s` reaches the daemon and waits for it to
 * act: signals go to the pidfile lock's holder only, and every wait is a
 * bounded poll of what the lock, a pidfd and the state file say.
 */
#ifndef MYDAEMON_CONTROL_WAIT_H
#define MYDAEMON_CONTROL_WAIT_H

#include <sys/types.h>

#include "instance/state.h"

/* Signal the lock holder (its pid in *pid); 0, or an exit code after a
   message (1, or 4 for no permission). */
int	control_wait_signal(const char *pidfile, int sig, pid_t *pid);

/* A pidfd of pid while it holds the lock, or -1 (it went meanwhile). */
/* Wait (at most wait_s) until the lock holder has finished starting. */
void	control_wait_started(const char *pidfile, unsigned int wait_s);
int	control_wait_pidfd(const char *pidfile, pid_t pid);

/*
 * Wait at most wait_s seconds until pid no longer holds the lock (or a
 * start raced us and another instance holds it) and, given its pidfd
 * (else -1), has exited.  0, or -1 when the time ran out.
 */
int	control_wait_gone(const char *pidfile, pid_t pid, int pidfd,
	    unsigned int wait_s);

/*
 * Send the signal of -s `action` ("reload", "reopen", "drain": the
 * signal table, signals.h) to the lock holder and wait at most wait_s
 * seconds until its state file says it acted on it; a new holder (a
 * restart handed over) is signalled too.  *before and *after are its
 * state before the signal and once it acted.  0; 7 when the daemon
 * stopped meanwhile; another exit code after a message.
 */
int	control_wait_acted(const char *pidfile, const char *action,
	    unsigned int wait_s, struct state_info *before,
	    struct state_info *after);

#endif /* MYDAEMON_CONTROL_WAIT_H */
