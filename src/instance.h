/*
 * instance.h - the files of this instance: the locked pidfile that says
 * it runs, and the state file beside it through which `mydaemon -s`
 * hears back from it (state.h).
 */
#ifndef MYDAEMON_INSTANCE_H
#define MYDAEMON_INSTANCE_H

#include <stdint.h>

struct state_info;

/*
 * Lock and write the pidfile (NULL: run without one) and open the state
 * file.  When another instance holds the lock, starting again is not an
 * error (LSB: start on a running service succeeds) once that one is
 * ready; one that is starting or shutting down is waited for, at most
 * wait_ms, and taken over if it goes.  Never returns on failure or when
 * another instance is running: the starter is told (daemonize.h).
 */
void	instance_claim(const char *pidfile, uint64_t wait_ms);

/* Rewrite the state file (a failure is logged). */
void	instance_save(struct state_info *st);

/* Clean exit: remove the state file and the pidfile (or empty them). */
void	instance_release(void);

#endif /* MYDAEMON_INSTANCE_H */
