/*
 * server.h - the HTTP listeners and connections.
 *
 * Listeners are (re)built in two phases so that a reload is atomic:
 * server_prepare() binds every address of a new configuration, reusing
 * the socket of any address already bound, and server_commit() or
 * server_abort() then makes it current or throws it away.  A reload
 * therefore never closes a socket it keeps, and never half-applies.
 */
#ifndef MYDAEMON_SERVER_H
#define MYDAEMON_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct config;

/* Bind the listen set of cfg into a pending set.  0, or -1 with err. */
int	server_prepare(const struct config *cfg, char *err, size_t errlen);
/* Make the pending set current (start accepting), close dropped ones. */
void	server_commit(void);
/* Close what server_prepare() opened; the current set is untouched. */
void	server_abort(void);

/* The configuration answers are made from (limits, maintenance). */
void	server_set_config(const struct config *cfg);

/* Graceful shutdown: stop accepting; 1 while connections remain. */
void	server_stop_accepting(void);
int	server_busy(void);
/* Close everything (listeners and connections). */
void	server_close_all(void);

/* Counters for /status and /metrics. */
size_t		server_connections(void);
uint64_t	server_requests(void);

#endif /* MYDAEMON_SERVER_H */
