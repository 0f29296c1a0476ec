/*
 * server.c - the connections (see server.h): their lists and timers,
 * accepting, shutdown.  What happens on a connection is conn.c's (sending,
 * lingering, the agent port) and conn_http.c's (HTTP).
 *
 * Everything is non-blocking and driven by the one loop.  A connection
 * costs little while it is idle: its struct and nothing else.
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

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "server/conn.h"
#include "server/listener.h"
#include "log/log.h"
#include "server/server.h"

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

void
conn_touch(struct conn *c, enum list_id l)
{
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
	return nconns < srv.conf->max_connections || oldest_idle() != NULL;
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
	c->io.cb = conn_io;
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
	if (nconns >= srv.conf->max_connections &&
	    (old = oldest_idle()) != NULL) {
		log_debug("max_connections reached: closing the connection "
		    "idle the longest");
		conn_free(old);
	}
	put(c, kind == LISTENER_AGENT ? L_AGENT : L_OPEN);
	if (++nconns > peak)
		peak = nconns;
	nhttp += kind == LISTENER_HTTP;
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
			conn_agent_reply(c, c->in != NULL ? c->in->data : "",
			    c->in != NULL ? c->in->len : 0);
		else if (c->list == L_PARKED)
			conn_unpark(c);
		else if (c->list == L_OPEN && c->in != NULL && c->out == NULL &&
		    !c->close_after) {
			free(c->in);
			c->in = NULL;
			conn_http_answer_error(c, NULL, 408);
			conn_touch(c, L_LINGER); /* ends then, sent or not */
			conn_emit(c);
		} else
			conn_free(c);
	}
	arm((enum list_id)(cl - lists));
}

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
	srv.conf = cfg;
	arm(L_OPEN);	/* a new idle_timeout, from each one's clock */
	/* A lowered limit applies at once; a raised one lets more in. */
	listener_accepting(nconns < cfg->max_connections);
}

void
server_set_status(answer_status_fn *fn)
{
	srv.fill = fn;
	answer_set_status(fn);
}

void
server_set_access_log(struct log_sink *s)
{
	srv.access_sink = s;
}

void
conn_unpark(struct conn *c)
{
	conn_touch(c, L_OPEN);
	conn_watch(c, EPOLLIN);
	conn_http_process(c, c->in->data, c->in->len);
	if (srv.outq.len > 0)
		conn_emit(c);
	else if (c->close_after)
		conn_output_done(c);
}

void
server_hold_health(int on)
{
	srv.hold_health = on;
	while (!on && lists[L_PARKED].head != NULL)
		conn_unpark(lists[L_PARKED].head);
}

void
server_stop_accepting(int gently)
{
	struct conn *c, *next;
	int unread;

	srv.stopping = 1;
	if (gently)
		return;		/* each closes after its next answer */
	server_hold_health(0);	/* the verdict as it is: no more waiting */
	/*
	 * Idle keep-alive connections go now; busy ones after answering.  A
	 * request the kernel holds but we have not read yet is in flight too,
	 * and so is a connection that has sent nothing yet: accepted (by us,
	 * or by the kernel on a socket systemd holds for the next process),
	 * its first request is answered, with "Connection: close", within
	 * shutdown_timeout.
	 */
	for (c = lists[L_OPEN].head; c != NULL; c = next) {
		next = c->next;
		if (c->in == NULL && c->out == NULL && c->answered &&
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
	buf_free(&srv.outq);
	answer_free();
}

void
server_counters(uint64_t *connections, uint64_t *requests,
    uint64_t codes[HTTP_NSTATUS])
{
	*connections = nhttp;
	*requests = srv.nrequests;
	memcpy(codes, srv.by_code, sizeof(srv.by_code));
}
