/*
 * instance.h - the files of this instance: the locked pidfile that says
 * it runs, and the state file beside it through which `mydaemon -s`
 * hears back from it (state.h).
 */
#ifndef MYDAEMON_INSTANCE_H
#define MYDAEMON_INSTANCE_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct state_info;

/*
 * Lock the pidfile (NULL: run without one).  When another instance holds
 * it, starting again is not an error (LSB: start on a running service
 * succeeds) once that one is ready; one that is starting or shutting
 * down is waited for, at most wait_ms, and taken over if it goes.  When
 * it is `takeover` (the old process of a restart), the pidfile is shared
 * with it instead.  Returns 0 when the pidfile is ours (or shared), 1
 * when another instance runs and is ready (*running: its pid), -1 with
 * the reason in err.
 */
int	instance_claim(const char *pidfile, pid_t takeover, uint64_t wait_ms,
	    pid_t *running, char *err, size_t errlen);

/*
 * Write our PID into the pidfile and open the state file: at once for a
 * start; only when ready for a takeover, so that a new process that
 * fails leaves the old one's files as they were.  0, or -1 with the
 * reason in err.
 */
int	instance_commit(char *err, size_t errlen);

/* Rewrite the state file (a failure is logged). */
void	instance_save(struct state_info *st);

/*
 * A restart took over: let go of the lock, and of the files unless the
 * new process uses another pidfile (then they are removed as at exit).
 */
void	instance_hand_over(const char *new_pidfile);

/* Clean exit: remove the state file and the pidfile (or empty them). */
void	instance_release(void);

#endif /* MYDAEMON_INSTANCE_H */
