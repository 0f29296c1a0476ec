/*
 * conn.h - one client connection, between server.c (the lists, their
 * timers, accepting, shutdown), conn.c (sending, lingering, the agent
 * port's exchange) and conn_http.c (reading and answering HTTP).
 * Internal to those three.
 */
#ifndef MYDAEMON_CONN_H
#define MYDAEMON_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "server/answer.h"
#include "base/buf.h"
#include "http/http.h"
#include "http/http_scan.h"
#include "base/loop.h"

#define SCRATCH_SIZE	(16 * 1024)
#define OUT_HIGH	(64 * 1024)	/* stop answering until it is sent */
#define IN_FIRST	512		/* first buffer of a partial head */
#define LINGER_MS	2000
#define AGENT_WAIT_MS	50		/* for HAProxy's agent-send string */
#define AGENT_SENT_MAX	64

struct config;
struct log_sink;

/* Every connection is on one list, in the order of its clock. */
enum list_id { L_OPEN, L_LINGER, L_AGENT, L_PARKED, NLISTS };
#define PARKED_MAX_MS	10000	/* a parked request waits at most */

/* A request head that is not complete yet, and how far it was scanned. */
struct inbuf {
	struct http_scan scan;
	size_t		 len, cap;
	char		 data[];
};

/* What the client has not taken yet. */
struct outbuf {
	size_t		 len, pos;
	char		 data[];
};

struct conn {
	struct loop_io	 io;
	struct conn	*prev, *next;	/* on its list */
	uint64_t	 since;		/* ms, the list's clock for it */
	struct inbuf	*in;
	struct outbuf	*out;
	uint32_t	 events;	/* registered with epoll */
	uint8_t		 list;
	uint8_t		 kind;		/* enum listener_kind */
	uint8_t		 close_after;	/* then a lingering close */
	uint8_t		 peer_done;	/* the client shut down */
	uint8_t		 answered;	/* a request was answered */
};

/* What the three share. */
struct server_state {
	const struct config	*conf;
	struct log_sink		*access_sink;
	answer_status_fn	*fill;
	int			 stopping;
	int			 hold_health;	/* park /health requests */
	uint64_t		 nrequests, by_code[HTTP_NSTATUS];
	char			 scratch[SCRATCH_SIZE];
	struct buf		 outq;	/* answers of the current batch */
};
extern struct server_state srv;

/* server.c: its list (to the tail, clock now), epoll's interest, the end. */
void	conn_touch(struct conn *c, enum list_id l);
void	conn_watch(struct conn *c, uint32_t events);
void	conn_free(struct conn *c);
/* Answer a parked connection's requests now (server.c). */
void	conn_unpark(struct conn *c);

/* conn.c */
void	conn_io(struct loop_io *io, uint32_t events);
void	conn_emit(struct conn *c);
void	conn_output_done(struct conn *c);
void	conn_linger(struct conn *c);
void	conn_read_agent(struct conn *c);
void	conn_agent_reply(struct conn *c, const char *sent, size_t n);

/* conn_http.c */
void	conn_http_read(struct conn *c);
void	conn_http_process(struct conn *c, char *data, size_t len);
void	conn_http_answer_error(struct conn *c, const struct http_request *req,
	    int code);
int	conn_http_keep_head(struct conn *c, const char *data, size_t len,
	    const struct http_scan *scan);

#endif /* MYDAEMON_CONN_H */
