/*
 * conn.c - what happens on a connection once its answers are made:
 * sending them with one send(2) for a whole batch, keeping only what the
 * client has not taken yet, the lingering close, and the agent port's
 * one-line exchange (see conn.h).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/agent_line.h"
#include "config/config.h"
#include "server/conn.h"
#include "server/listener.h"

void
conn_linger(struct conn *c)
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
	conn_watch(c, EPOLLIN);
	conn_touch(c, L_LINGER);
}

/* All answers are with the client (or the kernel): what next. */
void
conn_output_done(struct conn *c)
{
	if (c->close_after) {
		conn_linger(c);
		return;
	}
	if (c->list == L_PARKED)
		return;		/* conn_unpark() goes on */
	if (c->in != NULL && c->in->scan.pos == 0) {
		/* Requests that waited while the output was full. */
		conn_http_process(c, c->in->data, c->in->len);
		if (srv.outq.len > 0) {
			conn_emit(c);
			return;
		}
	}
	if (c->peer_done && c->in == NULL) {
		conn_free(c);
		return;
	}
	conn_watch(c, EPOLLIN);
	if (c->in == NULL) {
		conn_touch(c, L_OPEN);	/* idle from now */
		/* and so a candidate to make room */
		if (!srv.stopping)
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
			conn_watch(c, EPOLLOUT);
			return 0;
		}
		if (n <= 0) {
			conn_free(c);
			return -1;
		}
		o->pos += (size_t)n;
		if (c->list == L_OPEN)
			conn_touch(c, L_OPEN);	/* the client is taking it */
	}
	free(c->out);
	c->out = NULL;
	return 1;
}

/*
 * Send the answers of this batch (srv.outq) with one send(2); what the
 * kernel does not take now is copied to the connection's own buffer.
 */
void
conn_emit(struct conn *c)
{
	ssize_t n = 0;

	if (srv.outq.failed) {
		buf_reset(&srv.outq);
		conn_free(c);
		return;
	}
	while (srv.outq.len > 0 && (n = send(c->io.fd, srv.outq.data,
	    srv.outq.len, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	if (srv.outq.len > 0 && n == -1 && errno != EAGAIN) {
		buf_reset(&srv.outq);
		conn_free(c);
		return;
	}
	if (n < 0)
		n = 0;
	if ((size_t)n < srv.outq.len) {
		if ((c->out = malloc(sizeof(*c->out) + srv.outq.len -
		    (size_t)n)) == NULL) {
			buf_reset(&srv.outq);
			conn_free(c);
			return;
		}
		c->out->len = srv.outq.len - (size_t)n;
		c->out->pos = 0;
		memcpy(c->out->data, srv.outq.data + n, c->out->len);
	}
	buf_reset(&srv.outq);
	if (c->out != NULL)
		conn_watch(c, EPOLLOUT);
	else
		conn_output_done(c);
}

void
conn_read_agent(struct conn *c)
{
	struct http_scan none = { 0, 0, 0 };
	char *nl;
	ssize_t n;

	if (c->in == NULL && conn_http_keep_head(c, NULL, 0, &none) == -1) {
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
		conn_agent_reply(c, c->in->data, (size_t)(nl - c->in->data));
	else if (n == 0 || c->in->len > AGENT_SENT_MAX)
		conn_agent_reply(c, c->in->data, c->in->len);
}

/* The agent-check line for what the peer sent (n bytes), then close. */
void
conn_agent_reply(struct conn *c, const char *sent, size_t n)
{
	struct snapshot snap;

	memset(&snap, 0, sizeof(snap));
	srv.fill(&snap, 0);
	agent_line(&snap, sent, n, srv.conf->agent_warning_weight,
	    &srv.outq);
	c->close_after = 1;
	free(c->in);
	c->in = NULL;
	conn_emit(c);
}

void
conn_io(struct loop_io *io, uint32_t events)
{
	struct conn *c = io->arg;
	char drop[4096];
	ssize_t n;

	if (c->out != NULL) {
		if (send_out(c) == 1)
			conn_output_done(c);
		return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	if (c->list == L_PARKED) {
		conn_free(c);	/* reset or gone while it waited */
		return;
	}
	if (c->list == L_LINGER) {
		/* One read per wake-up: a flood cannot hog the loop. */
		n = read(c->io.fd, drop, sizeof(drop));
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			conn_free(c);
	} else if (c->kind == LISTENER_AGENT)
		conn_read_agent(c);
	else
		conn_http_read(c);
}
