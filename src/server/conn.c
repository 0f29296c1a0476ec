/*
 * conn.c - a connection whatever is said on it (see conn.h): its list and
 * timer, sending its answers with one send(2) for a whole batch, keeping
 * only what the client has not taken yet, the lingering close, and the
 * end that frees everything it holds.
 *
 * No timer per connection: every open connection is on one list in the
 * order of its last exchange (the first byte of a request head counts,
 * later bytes of the same head do not, so a head must be whole within
 * idle_timeout of its first byte), so the oldest is at the head, and one
 * timer for the head serves them all.  The list also says which idle
 * connection to close for a new one at max_connections.  Lingering
 * closes, agent-check peers and parked requests have lists of their own.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/epoll.h>

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "server/conn.h"
#include "server/listener.h"

#define TRIM_PEAK	64	/* after this many at once, trim at none */

struct server_state	 srv;

static struct conn_list {
	struct conn		*head, *tail;
	struct loop_timer	 timer;
} lists[NLISTS];

static size_t		 nconns, nhttp;
static size_t		 peak;		/* most connections since a trim */

static uint64_t
ttl(enum list_id l)
{
	return l == L_OPEN ? srv.conf->idle_timeout_ms : l == L_LINGER ?
	    LINGER_MS : l == L_PARKED ? PARKED_MAX_MS : AGENT_WAIT_MS;
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
	/*
	 * A new head is due no sooner than the old one (the list is in the
	 * order of the clock): the timer stays, and if it fires early,
	 * on_expiry() sets it again.  An empty list stops it.
	 */
	if (was_head && cl->head == NULL)
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

void
conn_touch(struct conn *c, enum list_id l)
{
	/* The last of l since now already (a request, then its answer). */
	if (c->list == l && lists[l].tail == c && c->since == loop_now())
		return;
	unlink_conn(c);
	put(c, l);
}

void
conn_watch(struct conn *c, uint32_t events)
{
	if (c->events != events && loop_mod(&c->io, events) == 0)
		c->events = events;
}

/* One function frees everything a client holds (slowcgi's rule). */
void
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
	/*
	 * The last of many connections gone: give their structs' memory
	 * back (glibc keeps small freed chunks in the heap for good).
	 */
	if (--nconns == 0 && peak >= TRIM_PEAK) {
		malloc_trim(0);
		peak = 0;
	}
	if (!srv.stopping)
		listener_accepting(1);
}

/*
 * A list's deadline: a lingering close ends; for the others the kind
 * decides (an idle one is closed, a head begun and not finished is told
 * 408, an agent peer that sent no name gets the host's verdict).
 */
static void
on_expiry(struct loop_timer *t)
{
	struct conn_list *cl = t->arg;
	struct conn *c;
	uint64_t now = loop_now();

	while ((c = cl->head) != NULL && c->since + ttl(c->list) <= now) {
		if (c->list == L_LINGER)
			conn_free(c);
		else
			c->ops->expire(c);
	}
	arm((enum list_id)(cl - lists));
}

void
conn_init(void)
{
	size_t i;

	for (i = 0; i < NLISTS; i++) {
		lists[i].timer.cb = on_expiry;
		lists[i].timer.arg = &lists[i];
	}
}

void
conn_add(struct conn *c, enum list_id l)
{
	put(c, l);
	if (++nconns > peak)
		peak = nconns;
	nhttp += c->kind == LISTENER_HTTP;
}

struct conn *
conn_first(enum list_id l)
{
	return lists[l].head;
}

void
conn_rearm(enum list_id l)
{
	arm(l);
}

size_t
conn_count(void)
{
	return nconns;
}

size_t
conn_count_http(void)
{
	return nhttp;
}

void
conn_free_all(void)
{
	size_t i;

	for (i = 0; i < NLISTS; i++)
		while (lists[i].head != NULL)
			conn_free(lists[i].head);
}

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
		return;		/* its kind takes it up again */
	if (c->ops->resume(c))
		return;		/* more answers went out */
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
	if (srv.outq.cap > OUTQ_KEEP)	/* a big answer's: given back */
		buf_free(&srv.outq);
	if (c->out != NULL)
		conn_watch(c, EPOLLOUT);
	else
		conn_output_done(c);
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
	} else
		c->ops->read(c);
}
