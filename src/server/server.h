/*
 * server.h - the connections: HTTP on the listen addresses and HAProxy's
 * agent-check on the agent_listen ones.  The sockets themselves are
 * listener.h's; what is answered is answer.h's and agent_line.h's.
 *
 * At most max_connections are open; when a new client comes at the
 * limit, the connection idle the longest (one with no request in
 * progress) is closed for it, as nginx reuses its idle connections, so
 * that a crowd of silent clients can never keep a load balancer's probe
 * out.  Only when every connection is busy do new ones wait in the
 * kernel's backlog.
 */
#ifndef MYDAEMON_SERVER_H
#define MYDAEMON_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "server/answer.h"
#include "http/http.h"

struct config;
struct log_sink;

/* Take connections from the listeners (call once, before the first). */
void	server_init(void);

/* The configuration answers are made with (limits, timeouts, weight). */
void	server_set_config(const struct config *cfg);

/* Who fills the snapshot that the answers are rendered from. */
void	server_set_snapshot(answer_snapshot_fn *fn);

/* Where each answer is logged (NULL: nowhere); the caller owns it. */
void	server_set_access_log(struct log_sink *s);

/*
 * Graceful shutdown: the listeners are closed (by the caller), idle
 * connections now; busy ones finish their answer and close.  `gently`
 * (a restart: the new process serves the listeners already): idle ones
 * too stay until their next request, answered "Connection: close".
 * server_busy() is 1 while any remain.
 */
void	server_stop_accepting(int gently);
/*
 * Hold (on = 1) requests for /health and /health/NAME as they come, and
 * what a connection sent after one, unanswered; on = 0 answers them.
 * Other requests are answered meanwhile.
 */
void	server_hold_health(int on);
int	server_busy(void);
/* Close every connection. */
void	server_close_all(void);

/* Counters for /status and /metrics. */
void	server_counters(uint64_t *connections, uint64_t *requests,
	    uint64_t codes[HTTP_NSTATUS]);
/* Connections closed at accept: their peer is not in allow (SPEC 22). */
uint64_t	server_refused(void);

#endif /* MYDAEMON_SERVER_H */
