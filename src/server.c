/*
 * server.c - listeners and connections (see server.h).
 *
 * This is the small first server: one request per connection, answered
 * and closed.  Everything is non-blocking and driven by the loop; a
 * client can hold at most one connection slot and one idle timer.
 */
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "loop.h"
#include "server.h"

#define REQ_MAX		8192
#define RESP_MAX	1024
#define EMFILE_PAUSE_MS	100
#define LISTEN_BACKLOG	511

struct listener {
	struct loop_io		io;
	struct config_listen	addr;
};

struct conn {
	struct loop_io		 io;
	struct loop_timer	 idle;
	struct conn		*prev, *next;
	size_t			 inlen, outlen, outpos;
	char			 in[REQ_MAX];
	char			 out[RESP_MAX];
};

static struct listener	 cur[CONFIG_MAX_LISTEN], pend[CONFIG_MAX_LISTEN];
static int		 pend_new[CONFIG_MAX_LISTEN];
static size_t		 ncur, npend;
static int		 accepting = 1, stopping;
static struct loop_timer resume_timer;
static struct conn	*conns;
static size_t		 nconns;
static uint64_t		 nrequests;
static const struct config *conf;

static void	on_accept(struct loop_io *, uint32_t);
static void	on_conn(struct loop_io *, uint32_t);

static int
open_listener(const struct config_listen *a)
{
	int fd, one = 1;

	fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || (a->addr.ss_family == AF_INET6 && setsockopt(fd,
	    IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    bind(fd, (const struct sockaddr *)&a->addr, a->addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		int saved = errno;
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
		pend[i].io.fd = old ? old->io.fd : open_listener(&cfg->listen[i]);
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
		} else
			loop_mod(&cur[i].io, listen_events());
	}
	ncur = npend;
	npend = 0;
}

void
server_set_config(const struct config *cfg)
{
	conf = cfg;
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

static void
conn_free(struct conn *c)
{
	loop_del(&c->io);
	loop_timer_cancel(&c->idle);
	close(c->io.fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
	nconns--;
	if (!accepting && !loop_timer_armed(&resume_timer))
		on_resume(&resume_timer);
}

static void
on_idle(struct loop_timer *t)
{
	conn_free(t->arg);
}

static void
accept_one(int lfd)
{
	struct conn *c;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of descriptors: pause instead of spinning. */
			log_warn("accept");
			set_accepting(0);
			resume_timer.cb = on_resume;
			loop_timer_set(&resume_timer, EMFILE_PAUSE_MS);
		}
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->io.fd = fd;
	c->io.cb = on_conn;
	c->io.arg = c;
	c->idle.cb = on_idle;
	c->idle.arg = c;
	if (loop_add(&c->io, EPOLLIN) == -1) {
		close(fd);
		free(c);
		return;
	}
	loop_timer_set(&c->idle, conf->idle_timeout_ms);
	c->next = conns;
	if (conns)
		conns->prev = c;
	conns = c;
	if (++nconns >= conf->max_connections)
		set_accepting(0);
}

static void
on_accept(struct loop_io *io, uint32_t events)
{
	(void)events;
	if (accepting && !stopping && io->fd != -1)
		accept_one(io->fd);
}

static void
respond(struct conn *c, int head_only, const char *status, const char *body)
{
	int n;

	n = snprintf(c->out, sizeof(c->out), "HTTP/1.1 %s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n"
	    "Connection: close\r\n\r\n%s",
	    status, strlen(body), head_only ? "" : body);
	c->outlen = n < 0 ? 0 : (size_t)n >= sizeof(c->out) ?
	    sizeof(c->out) - 1 : (size_t)n;
	c->outpos = 0;
	nrequests++;
	loop_mod(&c->io, EPOLLOUT);
}

/* The request line decides the answer; the rest of the head is ignored. */
static void
handle_request(struct conn *c)
{
	char *sp1, *sp2;
	int head;

	sp1 = memchr(c->in, ' ', c->inlen);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', c->inlen - (size_t)(sp1 + 1 - c->in))
	    : NULL;
	if (sp1 == NULL || sp2 == NULL) {
		respond(c, 0, "400 Bad Request", "bad request\n");
		return;
	}
	head = sp1 - c->in == 4 && memcmp(c->in, "HEAD", 4) == 0;
	if (!head && !(sp1 - c->in == 3 && memcmp(c->in, "GET", 3) == 0)) {
		respond(c, 0, "405 Method Not Allowed", "method not allowed\n");
		return;
	}
	if (sp2 - sp1 - 1 == 7 && memcmp(sp1 + 1, "/health", 7) == 0) {
		if (conf->maintenance)
			respond(c, head, "503 Service Unavailable",
			    "maintenance\n");
		else
			respond(c, head, "200 OK", "ok\n");
	} else
		respond(c, head, "404 Not Found", "not found\n");
}

static void
conn_read(struct conn *c)
{
	ssize_t n;

	n = read(c->io.fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		conn_free(c);
		return;
	}
	if (n < 0)
		return;
	c->inlen += (size_t)n;
	loop_timer_set(&c->idle, conf->idle_timeout_ms);
	if (memmem(c->in, c->inlen, "\r\n\r\n", 4) != NULL ||
	    memmem(c->in, c->inlen, "\n\n", 2) != NULL)
		handle_request(c);
	else if (c->inlen == sizeof(c->in))
		respond(c, 0, "431 Request Header Fields Too Large",
		    "request header too large\n");
}

static void
conn_write(struct conn *c)
{
	ssize_t n;

	n = write(c->io.fd, c->out + c->outpos, c->outlen - c->outpos);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || (c->outpos += (size_t)n) == c->outlen) {
		shutdown(c->io.fd, SHUT_WR);
		conn_free(c);
	}
}

static void
on_conn(struct loop_io *io, uint32_t events)
{
	struct conn *c = io->arg;

	if (c->outlen > 0 && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		conn_write(c);
	else if (c->outlen == 0)
		conn_read(c);
}

void
server_stop_accepting(void)
{
	stopping = 1;
	set_accepting(0);
	accepting = 0;
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
}

size_t
server_connections(void)
{
	return nconns;
}

uint64_t
server_requests(void)
{
	return nrequests;
}
