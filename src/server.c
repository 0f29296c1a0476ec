/*
 * server.c - the connections (see server.h).
 *
 * Everything is non-blocking and driven by the one loop.  A connection
 * costs little while it is idle: its struct and nothing else.  Bytes are
 * read into one scratch buffer and answered from there; only a request
 * head that is not complete yet gets a buffer of its connection's own,
 * and only answers the client has not taken yet are copied out of the
 * shared output buffer.  A read that brings several requests (pipelining)
 * is answered with one send.
 *
 * No timer per connection: every open connection is on one list in the
 * order of its last exchange (the first byte of a request head counts,
 * later bytes of the same head do not, so a head must be whole within
 * idle_timeout of its first byte), so the oldest is at the head, and one
 * timer for the head serves them all.  The list also says which idle
 * connection to close for a new one at max_connections.  Lingering
 * closes and agent-check peers have lists of their own.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentcheck.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "httpscan.h"
#include "listener.h"
#include "log.h"
#include "logsink.h"
#include "loop.h"
#include "server.h"

#define SCRATCH_SIZE	(16 * 1024)
#define OUT_HIGH	(64 * 1024)	/* stop answering until it is sent */
#define IN_FIRST	512		/* first size of a partial head's buffer */
#define LINGER_MS	2000
#define AGENT_WAIT_MS	50		/* for HAProxy's agent-send string */
#define AGENT_SENT_MAX	64

enum list_id { L_OPEN, L_LINGER, L_AGENT, NLISTS };

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
	struct conn	*prev, *next;	/* on lists[list] */
	uint64_t	 since;		/* ms, the list's clock for it */
	struct inbuf	*in;
	struct outbuf	*out;
	uint32_t	 events;	/* registered with epoll */
	uint8_t		 list;
	uint8_t		 kind;		/* enum listener_kind */
	uint8_t		 close_after;	/* then a lingering close */
	uint8_t		 peer_done;	/* the client shut down */
};

static struct conn_list {
	struct conn		*head, *tail;
	struct loop_timer	 timer;
} lists[NLISTS];

static const struct config *conf;
static struct log_sink	*access_sink;
static answer_status_fn	*fill;
static int		 stopping;
static size_t		 nconns, nhttp;
static uint64_t		 nrequests, by_code[HTTP_NSTATUS];
static char		 scratch[SCRATCH_SIZE];
static struct buf	 outq;		/* answers of the current batch */

static void	on_conn(struct loop_io *, uint32_t);
static void	emit(struct conn *);

/* --- lists and their timers ------------------------------------------ */

static uint64_t
ttl(enum list_id l)
{
	return l == L_OPEN ? conf->idle_timeout_ms : l == L_LINGER ?
	    LINGER_MS : AGENT_WAIT_MS;
}

static void
arm(enum list_id l)
{
	struct conn_list *cl = &lists[l];
	uint64_t due, now = loop_now();

	if (cl->head == NULL) {
		loop_timer_cancel(&cl->timer);
		return;
	}
	due = cl->head->since + ttl(l);
	loop_timer_set(&cl->timer, due > now ? due - now : 0);
}

static void
unlink_conn(struct conn *c)
{
	struct conn_list *cl = &lists[c->list];
	int was_head = cl->head == c;

	if (c->prev)
		c->prev->next = c->next;
	else
		cl->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		cl->tail = c->prev;
	c->prev = c->next = NULL;
	if (was_head)
		arm(c->list);
}

/* To the tail of list l, with its clock at now. */
static void
put(struct conn *c, enum list_id l)
{
	struct conn_list *cl = &lists[l];

	c->since = loop_now();
	c->list = (uint8_t)l;
	c->prev = cl->tail;
	c->next = NULL;
	if (cl->tail)
		cl->tail->next = c;
	else
		cl->head = c;
	cl->tail = c;
	if (cl->head == c)
		arm(l);
}

static void
touch(struct conn *c, enum list_id l)
{
	unlink_conn(c);
	put(c, l);
}

static void
watch(struct conn *c, uint32_t events)
{
	if (c->events != events && loop_mod(&c->io, events) == 0)
		c->events = events;
}

/* One function frees everything a client holds (slowcgi's rule). */
static void
conn_free(struct conn *c)
{
	unlink_conn(c);
	loop_del(&c->io);
	close(c->io.fd);
	free(c->in);
	free(c->out);
	if (c->kind == LISTENER_HTTP)
		nhttp--;
	free(c);
	nconns--;
	if (!stopping)
		listener_accepting(1);
}

/* --- accepting ------------------------------------------------------- */

/* The connection idle the longest with no request in progress, or NULL. */
static struct conn *
oldest_idle(void)
{
	struct conn *c;

	for (c = lists[L_OPEN].head; c != NULL; c = c->next)
		if (c->in == NULL && c->out == NULL && !c->close_after)
			return c;
	return NULL;
}

/* Room for one more, if need be by closing an idle one (see take()). */
static int
room(void)
{
	return nconns < conf->max_connections || oldest_idle() != NULL;
}

static void
take(int fd, enum listener_kind kind)
{
	struct conn *c, *old;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->io.fd = fd;
	c->io.cb = on_conn;
	c->io.arg = c;
	c->kind = (uint8_t)kind;
	c->events = EPOLLIN;
	if (loop_add(&c->io, EPOLLIN) == -1) {
		close(fd);
		free(c);
		return;
	}
	/*
	 * At the limit, the idle one goes now that the new one is really
	 * here (room() only looked: the accept may have found no one).
	 */
	if (nconns >= conf->max_connections && (old = oldest_idle()) != NULL) {
		log_debug("max_connections reached: closing the connection "
		    "idle the longest");
		conn_free(old);
	}
	put(c, kind == LISTENER_AGENT ? L_AGENT : L_OPEN);
	nconns++;
	nhttp += kind == LISTENER_HTTP;
}

/* --- answers ----------------------------------------------------------- */

/* "GET", "/health" of a request for logs; "-" when there is none. */
static void
request_words(const struct http_request *req, int *mlen, const char **m,
    int *plen, const char **p)
{
	int ok = req != NULL && req->method_len > 0;

	*mlen = ok ? (int)req->method_len : 1;
	*m = ok ? req->method_text : "-";
	ok = ok && req->path_len < 256;
	*plen = ok ? (int)req->path_len : 1;
	*p = ok ? req->path : "-";
}

static void
access_log(struct conn *c, const struct http_request *req, int code,
    size_t bytes)
{
	char line[512], host[INET6_ADDRSTRLEN] = "?", ts[40];
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	const char *m, *p;
	int port = 0, n, mlen, pl, v6 = 0;
	double ms = (double)(loop_now_fresh() - c->since);

	if (getpeername(c->io.fd, (struct sockaddr *)&peer, &plen) == 0) {
		v6 = peer.ss_family == AF_INET6;
		inet_ntop(peer.ss_family, v6 ?
		    (const void *)&((struct sockaddr_in6 *)&peer)->sin6_addr :
		    (const void *)&((struct sockaddr_in *)&peer)->sin_addr,
		    host, sizeof(host));
		port = ntohs(v6 ? ((struct sockaddr_in6 *)&peer)->sin6_port :
		    ((struct sockaddr_in *)&peer)->sin_port);
	}
	log_timestamp(ts, sizeof(ts));
	request_words(req, &mlen, &m, &pl, &p);
	/* The parser let through visible ASCII only: safe to print. */
	n = snprintf(line, sizeof(line), "%s %s%s%s:%d %.*s %.*s %d %zu "
	    "%.3fms\n", ts, v6 ? "[" : "", host, v6 ? "]" : "", port, mlen, m,
	    pl, p, code, bytes, ms);
	if (n > 0 && (size_t)n >= sizeof(line))
		line[(n = sizeof(line) - 1) - 1] = '\n';
	if (n > 0)
		logsink_write(access_sink, line, (size_t)n);
}

static void
answered(struct conn *c, const struct http_request *req, int code,
    size_t bytes)
{
	int i = http_status_index(code), mlen, plen;
	const char *m, *p;

	nrequests++;
	if (i >= 0)
		by_code[i]++;
	request_words(req, &mlen, &m, &plen, &p);
	log_debug("answered %d to %.*s %.*s", code, mlen, m, plen, p);
	if (access_sink != NULL)
		access_log(c, req, code, bytes);
}

static void
answer(struct conn *c, const struct http_request *req)
{
	int keep = req->keep_alive && !stopping && !c->peer_done, code;
	size_t n;

	code = answer_http(req, keep, &outq, &n);
	answered(c, req, code, req->method == HTTP_HEAD ? 0 : n);
	if (!keep)
		c->close_after = 1;
}

static void
answer_err(struct conn *c, const struct http_request *req, int code)
{
	size_t n;

	if (req != NULL && req->method_len == 0)
		req = NULL;
	answer_error(req, code, &outq, &n);
	answered(c, req, code, req != NULL && req->method == HTTP_HEAD ? 0 :
	    n);
	c->close_after = 1;
}

/* Keep len bytes as the start of a head (scan: how far it was seen). */
static int
keep_head(struct conn *c, const char *data, size_t len,
    const struct http_scan *scan)
{
	struct inbuf *in = c->in;
	size_t cap = in != NULL ? in->cap : IN_FIRST;

	/*
	 * A head takes at most HTTP_HEAD_MAX + 1 (the scan says 431 then);
	 * requests that wait for the output to drain may take more.
	 */
	while (cap < len)
		cap *= 2;
	if (cap > HTTP_HEAD_MAX + 1 && len <= HTTP_HEAD_MAX + 1)
		cap = HTTP_HEAD_MAX + 1;
	if (in == NULL || in->cap < cap) {
		if ((in = malloc(sizeof(*in) + cap)) == NULL)
			return -1;
		in->cap = cap;
	}
	if (len > 0 && data != in->data)
		memmove(in->data, data, len);
	if (in != c->in)
		free(c->in);
	in->len = len;
	in->scan = *scan;
	c->in = in;
	return 0;
}

/* More room for a head that goes on (at most HTTP_HEAD_MAX + 1). */
static int
grow_in(struct conn *c)
{
	struct inbuf *in;
	size_t cap = c->in->cap * 2;

	if (cap > HTTP_HEAD_MAX + 1)
		cap = HTTP_HEAD_MAX + 1;
	if (cap == c->in->cap || (in = realloc(c->in, sizeof(*in) + cap)) ==
	    NULL)
		return -1;
	in->cap = cap;
	c->in = in;
	return 0;
}

/*
 * Answer every complete request in data, in order, into outq; keep what
 * is left (the start of the next head) in c->in.  A head that cannot be
 * valid is answered at its first bad byte.
 */
static void
process(struct conn *c, char *data, size_t len)
{
	struct http_request req;
	struct http_scan scan = { 0, 0, 0 };
	size_t off = 0;
	int r;

	if (c->in != NULL && data == c->in->data) {
		/* The rest of a head: look at its new bytes only. */
		scan = c->in->scan;
		if ((r = http_scan(&scan, data, len)) == -1) {
			c->in->scan = scan;
			return;
		}
		if (r != 0) {
			answer_err(c, NULL, r);
			len = 0;
		}
		memset(&scan, 0, sizeof(scan));
	}
	while (off < len && !c->close_after && outq.len < OUT_HIGH) {
		if ((r = http_parse(data + off, len - off, &req)) == -1) {
			if ((r = http_scan(&scan, data + off, len - off)) == -1)
				break;	/* may still become a valid head */
			if (r == 0)	/* cannot be: both find the same end */
				r = 400;
		}
		if (r != 0) {
			answer_err(c, &req, r);
			break;
		}
		answer(c, &req);
		off += req.head_len;
	}
	if (off < len && !c->close_after) {
		if (keep_head(c, data + off, len - off, &scan) == -1) {
			c->close_after = 1;	/* out of memory: end it */
			free(c->in);
			c->in = NULL;
		}
	} else {
		free(c->in);
		c->in = NULL;
	}
}

/* The agent-check line for what the peer sent (n bytes), then close. */
static void
agent_reply(struct conn *c, const char *sent, size_t n)
{
	struct status_info si;

	memset(&si, 0, sizeof(si));
	fill(&si, 0);
	agentcheck_line(&si, sent, n, conf->agent_warning_weight, &outq);
	c->close_after = 1;
	free(c->in);
	c->in = NULL;
	emit(c);
}

/* --- I/O --------------------------------------------------------------- */

static void
start_linger(struct conn *c)
{
	int unread = 0;

	/*
	 * Closing with unread input makes the kernel send a reset, which can
	 * destroy answers the client has not read yet: unless the client has
	 * finished sending, linger: stop sending, read and drop until EOF.
	 * An agent-check peer has said all it says by now: it lingers only
	 * if it did send more.
	 */
	if (c->peer_done || (c->kind == LISTENER_AGENT &&
	    ioctl(c->io.fd, FIONREAD, &unread) == 0 && unread == 0)) {
		conn_free(c);
		return;
	}
	shutdown(c->io.fd, SHUT_WR);
	watch(c, EPOLLIN);
	touch(c, L_LINGER);
}

/* All answers are with the client (or the kernel): what next. */
static void
output_done(struct conn *c)
{
	if (c->close_after) {
		start_linger(c);
		return;
	}
	if (c->in != NULL && c->in->scan.pos == 0) {
		/* Requests that waited while the output was full. */
		process(c, c->in->data, c->in->len);
		if (outq.len > 0) {
			emit(c);
			return;
		}
	}
	if (c->peer_done && c->in == NULL) {
		conn_free(c);
		return;
	}
	watch(c, EPOLLIN);
	if (c->in == NULL) {
		touch(c, L_OPEN);	/* idle from now */
		if (!stopping)		/* and so a candidate to make room */
			listener_accepting(1);
	}
}

/* Send what is in c->out; 1 when all of it went, 0 to wait, -1 freed. */
static int
send_out(struct conn *c)
{
	struct outbuf *o = c->out;
	ssize_t n;

	while (o->pos < o->len) {
		n = send(c->io.fd, o->data + o->pos, o->len - o->pos,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			watch(c, EPOLLOUT);
			return 0;
		}
		if (n <= 0) {
			conn_free(c);
			return -1;
		}
		o->pos += (size_t)n;
		if (c->list == L_OPEN)
			touch(c, L_OPEN);	/* the client is taking it */
	}
	free(c->out);
	c->out = NULL;
	return 1;
}

/*
 * Send the answers of this batch (outq) with one send(2); what the
 * kernel does not take now is copied to the connection's own buffer.
 */
static void
emit(struct conn *c)
{
	ssize_t n = 0;

	if (outq.failed) {
		buf_reset(&outq);
		conn_free(c);
		return;
	}
	while (outq.len > 0 && (n = send(c->io.fd, outq.data, outq.len,
	    MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	if (outq.len > 0 && n == -1 && errno != EAGAIN) {
		buf_reset(&outq);
		conn_free(c);
		return;
	}
	if (n < 0)
		n = 0;
	if ((size_t)n < outq.len) {
		if ((c->out = malloc(sizeof(*c->out) + outq.len -
		    (size_t)n)) == NULL) {
			buf_reset(&outq);
			conn_free(c);
			return;
		}
		c->out->len = outq.len - (size_t)n;
		c->out->pos = 0;
		memcpy(c->out->data, outq.data + n, c->out->len);
	}
	buf_reset(&outq);
	if (c->out != NULL)
		watch(c, EPOLLOUT);
	else
		output_done(c);
}

static void
read_http(struct conn *c)
{
	char *p = scratch;
	size_t room_left = sizeof(scratch);
	ssize_t n;

	if (c->in != NULL) {
		if (c->in->len == c->in->cap && grow_in(c) == -1) {
			conn_free(c);
			return;
		}
		p = c->in->data + c->in->len;
		room_left = c->in->cap - c->in->len;	/* > 0: see http_scan */
	}
	n = read(c->io.fd, p, room_left);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		conn_free(c);
		return;
	}
	if (n == 0) {
		c->peer_done = 1;
		if (c->in == NULL) {	/* EOF with no request begun */
			conn_free(c);
			return;
		}
	} else if (c->in == NULL)
		touch(c, L_OPEN);	/* the first byte of a head */
	if (c->in != NULL) {
		c->in->len += (size_t)n;
		process(c, c->in->data, c->in->len);
	} else
		process(c, scratch, (size_t)n);
	if (c->peer_done && c->in != NULL && outq.len == 0) {
		conn_free(c);		/* EOF in the middle of a head */
		return;
	}
	if (outq.len > 0)
		emit(c);
}

static void
read_agent(struct conn *c)
{
	struct http_scan none = { 0, 0, 0 };
	char *nl;
	ssize_t n;

	if (c->in == NULL && keep_head(c, NULL, 0, &none) == -1) {
		conn_free(c);
		return;
	}
	n = read(c->io.fd, c->in->data + c->in->len,
	    AGENT_SENT_MAX + 1 - c->in->len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		conn_free(c);
		return;
	}
	c->in->len += (size_t)n;
	c->peer_done = n == 0;
	if ((nl = memchr(c->in->data, '\n', c->in->len)) != NULL)
		agent_reply(c, c->in->data, (size_t)(nl - c->in->data));
	else if (n == 0 || c->in->len > AGENT_SENT_MAX)
		agent_reply(c, c->in->data, c->in->len);
}

static void
on_conn(struct loop_io *io, uint32_t events)
{
	struct conn *c = io->arg;
	char drop[4096];
	ssize_t n;

	if (c->out != NULL) {
		if (send_out(c) == 1)
			output_done(c);
		return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	if (c->list == L_LINGER) {
		/* One read per wake-up: a flood cannot hog the loop. */
		n = read(c->io.fd, drop, sizeof(drop));
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			conn_free(c);
	} else if (c->kind == LISTENER_AGENT)
		read_agent(c);
	else
		read_http(c);
}

/*
 * A list's deadline: idle ones are closed, one that began a head and
 * did not finish it is told so (408) first; an agent peer that sent no
 * name gets the host's verdict; a lingering close ends.
 */
static void
on_expiry(struct loop_timer *t)
{
	struct conn_list *cl = t->arg;
	struct conn *c;
	uint64_t now = loop_now();

	while ((c = cl->head) != NULL && c->since + ttl(c->list) <= now) {
		if (c->list == L_AGENT)
			agent_reply(c, c->in != NULL ? c->in->data : "",
			    c->in != NULL ? c->in->len : 0);
		else if (c->list == L_OPEN && c->in != NULL && c->out == NULL &&
		    !c->close_after) {
			free(c->in);
			c->in = NULL;
			answer_err(c, NULL, 408);
			touch(c, L_LINGER);	/* ends then, sent or not */
			emit(c);
		} else
			conn_free(c);
	}
	arm((enum list_id)(cl - lists));
}

/* --- set-up, shutdown and counters ----------------------------------- */

void
server_init(void)
{
	size_t i;

	for (i = 0; i < NLISTS; i++) {
		lists[i].timer.cb = on_expiry;
		lists[i].timer.arg = &lists[i];
	}
	listener_set_accept(room, take);
}

void
server_set_config(const struct config *cfg)
{
	conf = cfg;
	arm(L_OPEN);	/* a new idle_timeout, from each one's clock */
	/* A lowered limit applies at once; a raised one lets more in. */
	listener_accepting(nconns < cfg->max_connections);
}

void
server_set_status(answer_status_fn *fn)
{
	fill = fn;
	answer_set_status(fn);
}

void
server_set_access_log(struct log_sink *s)
{
	access_sink = s;
}

void
server_stop_accepting(int gently)
{
	struct conn *c, *next;
	int unread;

	stopping = 1;
	if (gently)
		return;		/* each closes after its next answer */
	/*
	 * Idle keep-alive connections go now; busy ones after answering.  A
	 * request the kernel holds but we have not read yet is in flight too.
	 */
	for (c = lists[L_OPEN].head; c != NULL; c = next) {
		next = c->next;
		if (c->in == NULL && c->out == NULL &&
		    (ioctl(c->io.fd, FIONREAD, &unread) == -1 || unread == 0))
			conn_free(c);
		else if (c->in == NULL && c->out == NULL)
			continue;	/* its request is read next turn */
		else if (c->in == NULL)
			c->close_after = 1;
	}
}

int
server_busy(void)
{
	return nconns > 0;
}

void
server_close_all(void)
{
	size_t i;

	for (i = 0; i < NLISTS; i++)
		while (lists[i].head != NULL)
			conn_free(lists[i].head);
	buf_free(&outq);
	answer_free();
}

void
server_counters(uint64_t *connections, uint64_t *requests,
    uint64_t codes[HTTP_NSTATUS])
{
	*connections = nhttp;
	*requests = nrequests;
	memcpy(codes, by_code, sizeof(by_code));
}
