/*
 * conn_http.c - HTTP on a connection (see conn_http.h): bytes are read into one
 * scratch buffer and answered from there; only a request head that is
 * not complete yet gets a buffer of the connection's own, and a head
 * that cannot be valid is answered 400 at its first bad byte.  Several
 * requests in one read (pipelining) are answered in order, into one
 * batch.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "server/conn.h"
#include "server/conn_http.h"
#include "log/log.h"
#include "log/log_sink.h"

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
	double ms = (double)(clock_us() - c->began_us) / 1000;

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
		log_sink_write(srv.access_sink, line, (size_t)n);
}

static void
answered(struct conn *c, const struct http_request *req, int code,
    size_t bytes)
{
	int i = http_status_index(code), mlen, plen;
	const char *m, *p;

	srv.nrequests++;
	if (i >= 0)
		srv.by_code[i]++;
	if (log_on(LOG_DEBUG)) {
		request_words(req, &mlen, &m, &plen, &p);
		log_debug("answered %d to %.*s %.*s", code, mlen, m, plen, p);
	}
	if (srv.access_sink != NULL)
		access_log(c, req, code, bytes);
}

static void
answer(struct conn *c, const struct http_request *req)
{
	int keep = req->keep_alive && !srv.stopping && !c->peer_done, code;
	size_t n;

	if (!c->may_status && answer_is_private(req)) {
		answer_forbidden(req, keep, &srv.outq, &n);
		code = 403;
	} else
		code = answer_http(req, keep, &srv.outq, &n);
	answered(c, req, code, req->method == HTTP_HEAD ? 0 : n);
	c->answered = 1;
	if (!keep)
		c->close_after = 1;
}

static void
conn_http_answer_error(struct conn *c, const struct http_request *req, int code)
{
	size_t n;

	if (req != NULL && req->method_len == 0)
		req = NULL;
	answer_error(req, code, &srv.outq, &n);
	answered(c, req, code, req != NULL && req->method == HTTP_HEAD ? 0 :
	    n);
	c->close_after = 1;
}

/* Keep len bytes as the start of a head (scan: how far it was seen). */
int
conn_http_keep_head(struct conn *c, const char *data, size_t len,
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
 * The verdict is not there yet (start-up, srv.hold_health): keep this
 * request and those after it, read nothing more, until conn_http_unpark().
 * What was answered before it goes out meanwhile.
 */
static void
park(struct conn *c, const char *data, size_t len)
{
	struct http_scan none = { 0, 0, 0 };

	if (conn_http_keep_head(c, data, len, &none) == -1) {
		c->close_after = 1;	/* out of memory: end it */
		free(c->in);
		c->in = NULL;
		return;
	}
	conn_watch(c, 0);
	conn_touch(c, L_PARKED);
}

/*
 * Answer every complete request in data, in order, into srv.outq; keep what
 * is left (the start of the next head) in c->in.  A head that cannot be
 * valid is answered at its first bad byte.
 */
static void
conn_http_process(struct conn *c, char *data, size_t len)
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
			conn_http_answer_error(c, NULL, r);
			len = 0;
		}
		memset(&scan, 0, sizeof(scan));
	}
	while (off < len && !c->close_after && srv.outq.len < OUT_HIGH) {
		if ((r = http_parse(data + off, len - off, &req)) == -1) {
			if ((r = http_scan(&scan, data + off, len - off)) == -1)
				break;	/* may still become a valid head */
			if (r == 0)	/* cannot be: both find the same end */
				r = 400;
		}
		if (r != 0) {
			conn_http_answer_error(c, &req, r);
			break;
		}
		if (srv.hold_health && answer_is_health(&req)) {
			park(c, data + off, len - off);
			return;
		}
		answer(c, &req);
		off += req.head_len;
	}
	if (off < len && !c->close_after) {
		if (conn_http_keep_head(c, data + off, len - off, &scan) ==
		    -1) {
			c->close_after = 1;	/* out of memory: end it */
			free(c->in);
			c->in = NULL;
		}
	} else {
		free(c->in);
		c->in = NULL;
	}
}

static void
conn_http_read(struct conn *c)
{
	char *p = srv.scratch;
	size_t room_left = sizeof(srv.scratch);
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
	} else if (c->in == NULL) {
		conn_touch(c, L_OPEN);	/* the first byte of a head */
		if (srv.access_sink != NULL)	/* no clock read otherwise */
			c->began_us = clock_us();
	}
	if (c->in != NULL) {
		c->in->len += (size_t)n;
		conn_http_process(c, c->in->data, c->in->len);
	} else
		conn_http_process(c, srv.scratch, (size_t)n);
	if (c->peer_done && c->in != NULL && srv.outq.len == 0 &&
	    c->list != L_PARKED) {
		conn_free(c);		/* EOF in the middle of a head */
		return;
	}
	if (srv.outq.len > 0)
		conn_emit(c);
}

void
conn_http_unpark(struct conn *c)
{
	conn_touch(c, L_OPEN);
	conn_watch(c, EPOLLIN);
	conn_http_process(c, c->in->data, c->in->len);
	if (srv.outq.len > 0)
		conn_emit(c);
	else if (c->close_after)
		conn_output_done(c);
}

/*
 * Its list's deadline: an idle connection is closed, a head begun and
 * not finished within idle_timeout is told so (408), a parked request is
 * answered with the verdict as it is.
 */
static void
on_expire(struct conn *c)
{
	if (c->list == L_PARKED)
		conn_http_unpark(c);
	else if (c->list == L_OPEN && c->in != NULL && c->out == NULL &&
	    !c->close_after) {
		free(c->in);
		c->in = NULL;
		conn_http_answer_error(c, NULL, 408);
		conn_touch(c, L_LINGER);	/* ends then, sent or not */
		conn_emit(c);
	} else
		conn_free(c);
}

/* Its answers are out: requests that waited meanwhile, if any. */
static int
on_resume(struct conn *c)
{
	if (c->in == NULL || c->in->scan.pos != 0)
		return 0;
	conn_http_process(c, c->in->data, c->in->len);
	if (srv.outq.len == 0)
		return 0;
	conn_emit(c);
	return 1;
}

const struct conn_ops conn_http_ops = { conn_http_read, on_expire,
    on_resume };
