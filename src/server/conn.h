/*
 * conn.h - one client connection, between conn.c (its lists and timers,
 * sending, lingering, the end), the kinds that speak on it (conn_http.c,
 * conn_agent.c) and server.c (accepting, the limit, shutdown).
 * Internal to those four.
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
/* outq is given back after a larger batch (a big /status or page) */
#define OUTQ_KEEP	(256 * 1024)
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
	uint64_t	 began_us;	/* its request's first byte, while
					   an access log is on */
	struct inbuf	*in;
	struct outbuf	*out;
	uint32_t	 events;	/* registered with epoll */
	uint8_t		 list;
	uint8_t		 kind;		/* enum listener_kind */
	uint8_t		 close_after;	/* then a lingering close */
	uint8_t		 peer_done;	/* the client shut down */
	uint8_t		 answered;	/* a request was answered */
	uint8_t		 may_status;	/* in status_allow (SPEC 22) */
	const struct conn_ops	*ops;	/* its kind's, from the accept on */
};

/*
 * What a kind of connection (HTTP, the agent port) does on it, given to
 * it once at accept, so that the transport and the lists never call up
 * into a kind by name: read when there is input, expire when its list's
 * deadline passes, resume when its answers are all out.  read and expire
 * may free the connection; expire must take it off its list (free it, or
 * conn_touch() it to another), or it expires again at once; resume
 * returns 1 only once it has called conn_emit() (more went out), else 0.
 */
struct conn_ops {
	void	(*read)(struct conn *c);
	void	(*expire)(struct conn *c);
	int	(*resume)(struct conn *c);
};

/* What the four share. */
struct server_state {
	const struct config	*conf;
	struct log_sink		*access_sink;
	answer_snapshot_fn	*fill;
	int			 stopping;
	int			 hold_health;	/* park /health requests */
	uint64_t		 nrequests, by_code[HTTP_NSTATUS];
	uint64_t		 refused_allow;	/* closed at accept */
	uint64_t		 refused_logged; /* ms, the last said */
	char			 scratch[SCRATCH_SIZE];
	struct buf		 outq;	/* answers of the current batch */
};
extern struct server_state srv;

/* The lists' timers (call once). */
void	conn_init(void);
/* A new connection (its kind and ops set) onto list l, counted. */
void	conn_add(struct conn *c, enum list_id l);
/* Its list (to the tail, clock now), epoll's interest, the end. */
void	conn_touch(struct conn *c, enum list_id l);
void	conn_watch(struct conn *c, uint32_t events);
void	conn_free(struct conn *c);
/* The oldest of list l (follow ->next), or NULL; its timer again. */
struct conn	*conn_first(enum list_id l);
void		 conn_rearm(enum list_id l);
/* Open connections, and those of them on HTTP listeners. */
size_t	conn_count(void);
size_t	conn_count_http(void);
/* Close every one (shutdown). */
void	conn_free_all(void);

/* epoll's callback of every connection. */
void	conn_io(struct loop_io *io, uint32_t events);
/* Send srv.outq (the answers of this batch), keep what did not go. */
void	conn_emit(struct conn *c);
/* All answers are with the client: what next (close, resume, wait). */
void	conn_output_done(struct conn *c);
/* Stop sending, read and drop until the client is done, then close. */
void	conn_linger(struct conn *c);

#endif /* MYDAEMON_CONN_H */
