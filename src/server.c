/*
 * server.c - listeners and HTTP connections (see server.h).
 *
 * Everything is non-blocking and driven by the one loop.  A connection
 * holds one fixed input buffer (a request head is at most 8 KiB) and one
 * output buffer that grows to the largest answer it ever sent and is then
 * reused: after warm-up, answering a request allocates nothing.
 *
 * Requests are answered in order (pipelining): every complete head in
 * the input buffer is answered into the output buffer, until that holds
 * OUT_HIGH bytes; then reading pauses until the client has taken them.
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
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "server.h"
#include "status.h"

#define OUT_HIGH	(64 * 1024)
#define OUT_KEEP	(16 * 1024)	/* larger buffers are freed when idle */
#define EMFILE_PAUSE_MS	100
#define EMFILE_LOG_MS	10000	/* say so at most this often */
#define LINGER_MS	2000
#define LISTEN_BACKLOG	511
#define ACCEPT_BATCH	32

struct listener {
	struct loop_io		io;
	struct config_listen	addr;
};

enum conn_state { CONN_OPEN, CONN_LINGER };

struct conn {
	struct loop_io		 io;
	struct loop_timer	 timer;
	struct conn		*prev, *next;
	enum conn_state		 state;
	int			 close_after;	/* then a lingering close */
	int			 peer_done;	/* the client shut down */
	uint32_t		 events;	/* registered with epoll */
	struct timespec		 req_start;	/* first byte of a request */
	struct sockaddr_storage	 peer;
	size_t			 inlen, outpos;
	struct status_buf	 out;
	char			 in[HTTP_HEAD_MAX];
};

static struct listener	 cur[CONFIG_MAX_LISTEN], pend[CONFIG_MAX_LISTEN];
static int		 pend_new[CONFIG_MAX_LISTEN];
static size_t		 ncur, npend;
static int		 accepting = 1, stopping;
static struct loop_timer resume_timer;
static uint64_t		 emfile_logged;
static struct conn	*conns;
static size_t		 nconns;
static uint64_t		 nrequests, by_code[STATUS_NCODES];
static const struct config *conf;
static server_status_fn	*fill_status;
static struct log_sink	*access_sink;
static struct status_buf body;		/* scratch, reused by every answer */

static void	on_accept(struct loop_io *, uint32_t);
static void	on_conn(struct loop_io *, uint32_t);
static void	on_resume(struct loop_timer *);
static void	set_accepting(int);

/* --- listeners ------------------------------------------------------- */

static int
open_listener(const struct config_listen *a)
{
	int fd, one = 1, saved;

	fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || (a->addr.ss_family == AF_INET6 && setsockopt(fd,
	    IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    bind(fd, (const struct sockaddr *)&a->addr, a->addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static struct listener *
find_current(const struct config_listen *a)
{
	size_t i;

	for (i = 0; i < ncur; i++)
		if (cur[i].addr.addrlen == a->addrlen &&
		    memcmp(&cur[i].addr.addr, &a->addr, a->addrlen) == 0)
			return &cur[i];
	return NULL;
}

int
server_prepare(const struct config *cfg, char *err, size_t errlen)
{
	struct listener *old;
	size_t i;

	npend = 0;
	for (i = 0; i < cfg->nlisten; i++, npend++) {
		pend[i].addr = cfg->listen[i];
		pend[i].io.cb = on_accept;
		old = find_current(&cfg->listen[i]);
		pend_new[i] = old == NULL;
		pend[i].io.fd = old ? old->io.fd :
		    open_listener(&cfg->listen[i]);
		if (pend[i].io.fd == -1) {
			snprintf(err, errlen, "cannot listen on %s: %s",
			    cfg->listen[i].text, strerror(errno));
			server_abort();
			return -1;
		}
	}
	return 0;
}

void
server_abort(void)
{
	size_t i;

	for (i = 0; i < npend; i++)
		if (pend_new[i] && pend[i].io.fd != -1)
			close(pend[i].io.fd);
	npend = 0;
}

static uint32_t
listen_events(void)
{
	return accepting && !stopping ? EPOLLIN : 0;
}

void
server_commit(void)
{
	size_t i, j;
	int kept;

	for (i = 0; i < ncur; i++) {
		for (kept = 0, j = 0; j < npend; j++)
			kept |= !pend_new[j] && pend[j].io.fd == cur[i].io.fd;
		if (!kept) {
			loop_del(&cur[i].io);
			close(cur[i].io.fd);
			log_info("stopped listening on %s", cur[i].addr.text);
		}
	}
	for (i = 0; i < npend; i++) {
		cur[i] = pend[i];
		if (pend_new[i]) {
			loop_add(&cur[i].io, listen_events());
			log_info("listening on %s", cur[i].addr.text);
		} else	/* its struct moved: tell epoll the new address */
			loop_mod(&cur[i].io, listen_events());
	}
	ncur = npend;
	npend = 0;
}

void
server_set_config(const struct config *cfg)
{
	conf = cfg;
	if (nconns >= cfg->max_connections)	/* a lowered limit, at once */
		set_accepting(0);
	else if (!stopping && !accepting && !loop_timer_armed(&resume_timer))
		on_resume(&resume_timer);
}

void
server_set_status(server_status_fn *fn)
{
	fill_status = fn;
}

void
server_set_access_log(struct log_sink *s)
{
	access_sink = s;
}

static void
set_accepting(int on)
{
	size_t i;

	if (accepting == on)
		return;
	accepting = on;
	for (i = 0; i < ncur; i++)
		loop_mod(&cur[i].io, listen_events());
}

static void
on_resume(struct loop_timer *t)
{
	(void)t;
	if (nconns < conf->max_connections)
		set_accepting(1);
}

/* --- connections ----------------------------------------------------- */

/* One function frees everything a client holds (slowcgi's rule). */
static void
conn_free(struct conn *c)
{
	loop_del(&c->io);
	loop_timer_cancel(&c->timer);
	close(c->io.fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	status_buf_free(&c->out);
	free(c);
	nconns--;
	if (!accepting && !loop_timer_armed(&resume_timer))
		on_resume(&resume_timer);
}

static void	answer_error(struct conn *, const struct http_request *, int);
static void	flush(struct conn *);

/*
 * idle_timeout: a silent connection is simply closed; one that started a
 * request head and did not finish it is told so (408) first.  The next
 * expiry, during the answer or its lingering close, ends it for good.
 */
static void
on_timer(struct loop_timer *t)
{
	struct http_request none = { .method_len = 0 };
	struct conn *c = t->arg;

	if (c->state != CONN_OPEN || c->inlen == 0 || c->close_after ||
	    c->out.len > 0) {
		conn_free(c);
		return;
	}
	answer_error(c, &none, 408);
	loop_timer_set(&c->timer, LINGER_MS);
	flush(c);
}

static void
watch(struct conn *c, uint32_t events)
{
	if (c->events != events && loop_mod(&c->io, events) == 0)
		c->events = events;
}

/* Accept one client; -1 when there is none left to accept now. */
static int
accept_one(int lfd)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct conn *c;
	int fd, saved;

	fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		saved = errno;
		if (saved == EMFILE || saved == ENFILE || saved == ENOBUFS ||
		    saved == ENOMEM) {
			/* Out of descriptors: pause instead of spinning. */
			if (loop_now() - emfile_logged >= EMFILE_LOG_MS) {
				log_warnx("accept: %s: retrying every %d ms",
				    strerror(saved), EMFILE_PAUSE_MS);
				emfile_logged = loop_now();
			}
			log_debug("pausing accept for %d ms: %s",
			    EMFILE_PAUSE_MS, strerror(saved));
			set_accepting(0);
			resume_timer.cb = on_resume;
			loop_timer_set(&resume_timer, EMFILE_PAUSE_MS);
		}
		return saved == EINTR || saved == ECONNABORTED ? 0 : -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return 0;
	}
	c->peer = peer;
	c->io.fd = fd;
	c->io.cb = on_conn;
	c->io.arg = c;
	c->timer.cb = on_timer;
	c->timer.arg = c;
	c->events = EPOLLIN;
	if (loop_add(&c->io, EPOLLIN) == -1) {
		close(fd);
		free(c);
		return 0;
	}
	loop_timer_set(&c->timer, conf->idle_timeout_ms);
	if ((c->next = conns) != NULL)
		conns->prev = c;
	conns = c;
	if (++nconns >= conf->max_connections)
		set_accepting(0);
	return 0;
}

static void
on_accept(struct loop_io *io, uint32_t events)
{
	int i;

	(void)events;
	for (i = 0; i < ACCEPT_BATCH && accepting && !stopping; i++)
		if (io->fd == -1 || accept_one(io->fd) == -1)
			return;
}

/* --- answers ---------------------------------------------------------- */

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
	char line[512], host[INET6_ADDRSTRLEN], ts[40];
	const char *m, *p;
	struct timespec now;
	int port, n, mlen, plen, v6 = c->peer.ss_family == AF_INET6;
	const void *a;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - c->req_start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - c->req_start.tv_nsec) / 1e6;
	a = v6 ? (const void *)&((struct sockaddr_in6 *)&c->peer)->sin6_addr :
	    (const void *)&((struct sockaddr_in *)&c->peer)->sin_addr;
	port = ntohs(v6 ? ((struct sockaddr_in6 *)&c->peer)->sin6_port :
	    ((struct sockaddr_in *)&c->peer)->sin_port);
	if (inet_ntop(c->peer.ss_family, a, host, sizeof(host)) == NULL)
		snprintf(host, sizeof(host), "?");
	log_timestamp(ts, sizeof(ts));
	request_words(req, &mlen, &m, &plen, &p);
	/* The parser let through visible ASCII only: safe to print. */
	n = snprintf(line, sizeof(line), "%s %s%s%s:%d %.*s %.*s %d %zu "
	    "%.3fms\n", ts, v6 ? "[" : "", host, v6 ? "]" : "", port, mlen, m,
	    plen, p, code, bytes, ms);
	if (n > 0 && (size_t)n >= sizeof(line))
		line[(n = sizeof(line) - 1) - 1] = '\n';
	if (n > 0)
		log_sink_write(access_sink, line, (size_t)n);
}

static void
count(int code)
{
	int i = status_code_index(code);

	nrequests++;
	if (i >= 0)
		by_code[i]++;
}

/*
 * Queue one answer: the head, then (unless HEAD) the body in `body`.
 * `keep` says whether the connection stays open afterwards.
 */
static void
queue_answer(struct conn *c, const struct http_request *req, int code,
    const char *ctype, int keep)
{
	int head_only = req != NULL && req->method == HTTP_HEAD;
	const char *m, *p;
	int mlen, plen;

	status_buf_printf(&c->out, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n%s"
	    "Connection: %s\r\n\r\n", code, http_reason(code), ctype,
	    body.len, code == 405 ? "Allow: GET, HEAD\r\n" : "",
	    keep ? "keep-alive" : "close");
	if (!head_only)
		status_buf_append(&c->out, body.data, body.len);
	count(code);
	request_words(req, &mlen, &m, &plen, &p);
	log_debug("answered %d to %.*s %.*s", code, mlen, m, plen, p);
	if (access_sink != NULL)
		access_log(c, req, code, head_only ? 0 : body.len);
	if (!keep)
		c->close_after = 1;
}

static void
answer_error(struct conn *c, const struct http_request *req, int code)
{
	status_buf_reset(&body);
	status_buf_printf(&body, "%s\n", http_reason(code));
	queue_answer(c, req->method_len ? req : NULL, code,
	    "text/plain; charset=utf-8", 0);
}

static void
answer(struct conn *c, const struct http_request *req)
{
	struct status_info si;
	const char *ctype = "text/plain; charset=utf-8";
	int code = 200;

	status_buf_reset(&body);
	memset(&si, 0, sizeof(si));
	if (req->method == HTTP_OTHER) {
		code = 405;
		status_buf_printf(&body, "%s\n", http_reason(code));
	} else if (req->path_len == 7 && memcmp(req->path, "/health", 7) == 0) {
		fill_status(&si);
		code = status_health(&si, &body);
	} else if (req->path_len == 7 && memcmp(req->path, "/status", 7) == 0) {
		fill_status(&si);
		status_json(&si, &body);
		ctype = "application/json";
	} else if (req->path_len == 8 && memcmp(req->path, "/metrics", 8) == 0) {
		fill_status(&si);
		status_metrics(&si, &body);
		ctype = "text/plain; version=0.0.4; charset=utf-8";
	} else {
		code = 404;
		status_buf_printf(&body, "%s\n", http_reason(code));
	}
	if (body.failed || c->out.failed) {
		status_buf_reset(&body);
		code = 500;
	}
	queue_answer(c, req, code, ctype, req->keep_alive && !stopping &&
	    !c->peer_done);
}

/* Answer every complete request in the input buffer, in order. */
static void
process(struct conn *c)
{
	struct http_request req;
	int r;

	while (!c->close_after && c->inlen > 0 && c->out.len < OUT_HIGH) {
		memset(&req, 0, sizeof(req));
		if ((r = http_parse(c->in, c->inlen, &req)) == -1)
			break;
		if (r != 0) {
			answer_error(c, &req, r);
			break;
		}
		answer(c, &req);
		c->inlen -= req.head_len;
		memmove(c->in, c->in + req.head_len, c->inlen);
		if (c->inlen > 0)
			clock_gettime(CLOCK_MONOTONIC, &c->req_start);
	}
	if (c->peer_done && c->out.len == 0 && !c->close_after)
		c->close_after = 1;	/* EOF with no complete request */
}

/* --- I/O --------------------------------------------------------------- */

static void
finish_output(struct conn *c)
{
	/* A burst of pipelined answers should not pin its memory forever. */
	if (c->out.cap > OUT_KEEP)
		status_buf_free(&c->out);
	status_buf_reset(&c->out);
	c->outpos = 0;
	if (!c->close_after) {
		/* The client has idle_timeout for its next request. */
		loop_timer_set(&c->timer, conf->idle_timeout_ms);
		process(c);	/* pipelined requests that waited */
		if (c->out.len > 0) {
			flush(c);
			return;
		}
		if (!c->close_after) {
			watch(c, EPOLLIN);
			return;
		}
	}
	/*
	 * Closing with unread input makes the kernel send a reset, which can
	 * destroy answers the client has not read yet: unless the client has
	 * finished sending, linger: stop sending, read and drop until EOF.
	 */
	if (c->peer_done) {
		conn_free(c);
		return;
	}
	shutdown(c->io.fd, SHUT_WR);
	c->state = CONN_LINGER;
	watch(c, EPOLLIN);
	loop_timer_set(&c->timer, LINGER_MS);
}

static void
flush(struct conn *c)
{
	ssize_t n;

	while (c->outpos < c->out.len) {
		n = send(c->io.fd, c->out.data + c->outpos,
		    c->out.len - c->outpos, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			watch(c, EPOLLOUT);
			return;
		}
		if (n <= 0) {
			conn_free(c);
			return;
		}
		c->outpos += (size_t)n;
	}
	finish_output(c);
}

static void
read_input(struct conn *c)
{
	char sink[4096];
	ssize_t n;

	if (c->state == CONN_LINGER) {
		/* One read per wake-up: a flood cannot hog the loop. */
		n = read(c->io.fd, sink, sizeof(sink));
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			conn_free(c);
		return;
	}
	if (c->inlen == sizeof(c->in))
		return;		/* the parser decides before this: defensive */
	n = read(c->io.fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		conn_free(c);
		return;
	}
	if (n == 0)
		c->peer_done = 1;
	else if (c->inlen == 0) {
		/*
		 * A whole request head must arrive within idle_timeout of its
		 * first byte: a client trickling one byte at a time does not
		 * get to hold its slot for ever.
		 */
		clock_gettime(CLOCK_MONOTONIC, &c->req_start);
		loop_timer_set(&c->timer, conf->idle_timeout_ms);
	}
	c->inlen += (size_t)n;
	process(c);
	if (c->out.len > 0)
		flush(c);
	else if (c->close_after)
		conn_free(c);
	else if (c->peer_done)
		conn_free(c);
}

static void
on_conn(struct loop_io *io, uint32_t events)
{
	struct conn *c = io->arg;

	if (c->out.len > c->outpos)
		flush(c);
	else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_input(c);
}

/* --- shutdown and counters ------------------------------------------- */

void
server_stop_accepting(void)
{
	struct conn *c, *next;
	size_t i;
	int unread;

	stopping = 1;
	for (i = 0; i < ncur; i++) {
		loop_del(&cur[i].io);
		close(cur[i].io.fd);
		log_info("stopped listening on %s", cur[i].addr.text);
	}
	ncur = 0;
	loop_timer_cancel(&resume_timer);
	/*
	 * Idle keep-alive connections go now; busy ones after answering.  A
	 * request the kernel holds but we have not read yet is in flight too.
	 */
	for (c = conns; c != NULL; c = next) {
		next = c->next;
		if (c->inlen == 0 && c->out.len == 0 &&
		    (ioctl(c->io.fd, FIONREAD, &unread) == -1 || unread == 0))
			conn_free(c);
		else
			c->close_after = c->inlen == 0 ? 1 : c->close_after;
	}
}

int
server_busy(void)
{
	return conns != NULL;
}

void
server_close_all(void)
{
	size_t i;

	while (conns != NULL)
		conn_free(conns);
	for (i = 0; i < ncur; i++) {
		loop_del(&cur[i].io);
		close(cur[i].io.fd);
	}
	ncur = 0;
	loop_timer_cancel(&resume_timer);
	status_buf_free(&body);
}

void
server_counters(uint64_t *connections, uint64_t *requests,
    uint64_t codes[STATUS_NCODES])
{
	*connections = nconns;
	*requests = nrequests;
	memcpy(codes, by_code, sizeof(by_code));
}
