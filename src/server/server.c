/*
 * server.c - the connections (see server.h): accepting, the limit, the
 * shutdown.  A connection's lists and transport are conn.c's; what is
 * said on it is conn_http.c's (HTTP) or conn_agent.c's (the agent
 * port), whose handlers each new connection is given here, once.
 *
 * Everything is non-blocking and driven by the one loop.  A connection
 * costs little while it is idle: its struct and nothing else.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cidr.h"
#include "config/config.h"
#include "server/conn.h"
#include "server/conn_agent.h"
#include "server/conn_http.h"
#include "server/listener.h"
#include "log/log.h"
#include "server/server.h"

#define REFUSED_LOG_MS	60000

/* The connection idle the longest with no request in progress, or NULL. */
static struct conn *
oldest_idle(void)
{
	struct conn *c;

	for (c = conn_first(L_OPEN); c != NULL; c = c->next)
		if (c->in == NULL && c->out == NULL && !c->close_after)
			return c;
	return NULL;
}

/* Room for one more, if need be by closing an idle one (see take()). */
static int
room(void)
{
	return conn_count() < srv.conf->max_connections ||
	    oldest_idle() != NULL;
}

/*
 * allow (SPEC 22): a peer outside it is closed before a byte is read
 * from it or a byte of memory spent on it, and counted.  The close is a
 * reset (no TIME_WAIT left behind for a flood), and the log says so at
 * most every REFUSED_LOG_MS, or a flood would fill it.
 */
static int
refused(int fd, const struct sockaddr *peer)
{
	const struct config *cfg = srv.conf;
	const struct sockaddr_in6 *in6 = (const void *)peer;
	struct linger hard = { 1, 0 };
	char host[INET6_ADDRSTRLEN] = "?";

	if (cfg->allow == NULL || cidr_match(cfg->allow, cfg->nallow, peer))
		return 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
	close(fd);
	srv.refused_allow++;
	if (srv.refused_logged != 0 &&
	    loop_now() - srv.refused_logged < REFUSED_LOG_MS)
		return 1;
	srv.refused_logged = loop_now();
	if (peer->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
	else if (peer->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    peer)->sin_addr, host, sizeof(host));
	log_info("refused a connection from %s: not in allow (%llu so far; "
	    "said at most once a minute)", host,
	    (unsigned long long)srv.refused_allow);
	return 1;
}

static void
take(int fd, enum listener_kind kind, const struct sockaddr *peer)
{
	struct conn *c, *old;

	if (refused(fd, peer))
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->io.fd = fd;
	c->io.cb = conn_io;
	c->io.arg = c;
	c->kind = (uint8_t)kind;
	/* Decided once: a reload applies to the connections after it. */
	c->may_status = srv.conf->status_allow == NULL ||
	    cidr_match(srv.conf->status_allow, srv.conf->nstatus_allow, peer);
	/* What each kind does on the connection, given to it once. */
	c->ops = kind == LISTENER_AGENT ? &conn_agent_ops : &conn_http_ops;
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
	if (conn_count() >= srv.conf->max_connections &&
	    (old = oldest_idle()) != NULL) {
		log_debug("max_connections reached: closing the connection "
		    "idle the longest");
		conn_free(old);
	}
	conn_add(c, kind == LISTENER_AGENT ? L_AGENT : L_OPEN);
}

void
server_init(void)
{
	/*
	 * The big answers' buffers (/status, the status page of many
	 * checks with their history) are given back after use (answer.c,
	 * conn.c): with glibc's mmap threshold fixed rather than raised by
	 * the first such free, they are mapped apart and really go back,
	 * instead of staying in the heap and in RssAnon.
	 */
#ifdef M_MMAP_THRESHOLD
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
	conn_init();
	listener_set_accept(room, take);
}

void
server_set_config(const struct config *cfg)
{
	srv.conf = cfg;
	answer_invalidate();	/* health_details may have changed */
	conn_rearm(L_OPEN);	/* a new idle_timeout, from each one's clock */
	/* A lowered limit applies at once; a raised one lets more in. */
	listener_accepting(conn_count() < cfg->max_connections);
}

void
server_set_snapshot(answer_snapshot_fn *fn)
{
	srv.fill = fn;
	answer_set_snapshot(fn);
}

void
server_set_access_log(struct log_sink *s)
{
	srv.access_sink = s;
}

void
server_hold_health(int on)
{
	srv.hold_health = on;
	while (!on && conn_first(L_PARKED) != NULL)
		conn_http_unpark(conn_first(L_PARKED));
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
	for (c = conn_first(L_OPEN); c != NULL; c = next) {
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
	return conn_count() > 0;
}

void
server_close_all(void)
{
	conn_free_all();
	buf_free(&srv.outq);
	answer_free();
}

void
server_counters(uint64_t *connections, uint64_t *requests,
    uint64_t codes[HTTP_NSTATUS])
{
	*connections = conn_count_http();
	*requests = srv.nrequests;
	memcpy(codes, srv.by_code, sizeof(srv.by_code));
}

uint64_t
server_refused(void)
{
	return srv.refused_allow;
}
