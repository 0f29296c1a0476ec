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

#include "status.h"

struct config;
struct log_sink;

/* Bind the listen set of cfg into a pending set.  0, or -1 with err. */
int	server_prepare(const struct config *cfg, char *err, size_t errlen);
/* Make the pending set current (start accepting), close dropped ones. */
void	server_commit(void);
/* Close what server_prepare() opened; the current set is untouched. */
void	server_abort(void);

/* The configuration answers are made with (limits, timeouts). */
void	server_set_config(const struct config *cfg);

/* Who fills the snapshot that /health, /status and /metrics render. */
typedef void	server_status_fn(struct status_info *si);
void		server_set_status(server_status_fn *fn);

/* Where each answer is logged (NULL: nowhere); the caller owns it. */
void	server_set_access_log(struct log_sink *s);

/*
 * Graceful shutdown: close the listeners and idle connections; busy ones
 * finish their answer and close.  server_busy() is 1 while any remain.
 */
void	server_stop_accepting(void);
int	server_busy(void);
/* Close everything (listeners and connections). */
void	server_close_all(void);

/* Counters for /status and /metrics. */
void	server_counters(uint64_t *connections, uint64_t *requests,
	    uint64_t codes[STATUS_NCODES]);

#endif /* MYDAEMON_SERVER_H */
