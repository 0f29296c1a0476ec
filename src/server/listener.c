/*
 * listener.c - the listening sockets (see listener.h).
 */
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_values.h"
#include "server/listener.h"
#include "log/log.h"
#include "base/loop.h"

#define MAX_LISTENERS	(2 * CONFIG_MAX_LISTEN)
#define MAX_ADOPTED	MAX_LISTENERS
#define LISTEN_BACKLOG	4096	/* the kernel caps it at somaxconn */
#define ACCEPT_BATCH	64
#define EMFILE_PAUSE_MS	100
#define EMFILE_LOG_MS	10000	/* say so at most this often */

struct listener {
	struct loop_io		 io;
	struct config_listen	 addr;
	enum listener_kind	 kind;
};

static struct listener	 cur[MAX_LISTENERS], pend[MAX_LISTENERS];
static int		 pend_new[MAX_LISTENERS];
static size_t		 ncur, npend;
static struct {
	int			 fd;	/* -1 once used */
	struct config_listen	 addr;
	char			 name[64];
} adopted[MAX_ADOPTED];
static size_t		 nadopted;
static int		 accepting = 1, paused, held;
static struct loop_timer resume_timer;
static uint64_t		 emfile_logged;
static listener_accept_fn *take;
static listener_room_fn	*room;

static void	on_accept(struct loop_io *, uint32_t);

void
listener_set_accept(listener_room_fn *room_fn, listener_accept_fn *take_fn)
{
	room = room_fn;
	take = take_fn;
}

/* "127.0.0.1:8080" or "[::1]:8080", as a listen line would say it. */
static void
addr_text(struct config_listen *a)
{
	const struct sockaddr_in *in4 = (const void *)&a->addr;
	const struct sockaddr_in6 *in6 = (const void *)&a->addr;
	char host[INET6_ADDRSTRLEN];

	if (a->addr.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(a->text, sizeof(a->text), "[%s]:%u", host,
		    ntohs(in6->sin6_port));
	} else {
		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		snprintf(a->text, sizeof(a->text), "%s:%u", host,
		    ntohs(in4->sin_port));
	}
}

int
listener_adopt(int fd, const char *name, char *err, size_t errlen)
{
	struct config_listen *a;
	int type = 0, on = 0, fl;
	socklen_t len = sizeof(type);

	if (nadopted == MAX_ADOPTED) {
		snprintf(err, errlen, "too many sockets passed (at most %d)",
		    MAX_ADOPTED);
		return -1;
	}
	a = &adopted[nadopted].addr;
	memset(a, 0, sizeof(*a));
	a->addrlen = sizeof(a->addr);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM || (len = sizeof(on), getsockopt(fd,
	    SOL_SOCKET, SO_ACCEPTCONN, &on, &len)) == -1 || !on ||
	    getsockname(fd, (struct sockaddr *)&a->addr, &a->addrlen) == -1 ||
	    (a->addr.ss_family != AF_INET && a->addr.ss_family != AF_INET6)) {
		snprintf(err, errlen, "passed descriptor %d (%s) is not a "
		    "listening TCP socket", fd, name);
		return -1;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(err, errlen, "passed descriptor %d: %s", fd,
		    strerror(errno));
		return -1;
	}
	addr_text(a);
	adopted[nadopted].fd = fd;
	snprintf(adopted[nadopted].name, sizeof(adopted[nadopted].name), "%s",
	    name);
	nadopted++;
	return 0;
}

/* An adopted socket bound to a's address, taken out of the pool. */
static int
take_adopted(const struct config_listen *a)
{
	size_t i;
	int fd;

	for (i = 0; i < nadopted; i++) {
		if (adopted[i].fd == -1 ||
		    !config_values_same_addr(&adopted[i].addr, a))
			continue;
		fd = adopted[i].fd;
		adopted[i].fd = -1;
		return fd;
	}
	return -1;
}

static int
open_listener(const struct config_listen *a)
{
	int fd, one = 1, saved;

	if ((fd = take_adopted(a)) != -1)
		return fd;
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
find_current(const struct config_listen *a, enum listener_kind kind)
{
	size_t i;

	for (i = 0; i < ncur; i++)
		if (cur[i].kind == kind &&
		    config_values_same_addr(&cur[i].addr, a))
			return &cur[i];
	return NULL;
}

static int
prepare_one(const struct config_listen *a, enum listener_kind kind,
    char *err, size_t errlen)
{
	struct listener *old = find_current(a, kind);
	struct listener *l = &pend[npend];

	l->addr = *a;
	l->kind = kind;
	l->io.cb = on_accept;
	l->io.arg = l;
	pend_new[npend] = old == NULL;
	l->io.fd = old ? old->io.fd : open_listener(a);
	if (l->io.fd == -1) {
		snprintf(err, errlen, "cannot listen on %s%s: %s", a->text,
		    kind == LISTENER_AGENT ? " (agent_listen)" : "",
		    strerror(errno));
		return -1;
	}
	npend++;
	return 0;
}

int
listener_prepare(const struct config *cfg, int first, char *err,
    size_t errlen)
{
	size_t i;

	npend = 0;
	for (i = 0; i < cfg->nlisten; i++)
		if (prepare_one(&cfg->listen[i], LISTENER_HTTP, err,
		    errlen) == -1)
			goto fail;
	for (i = 0; i < cfg->nagent_listen; i++)
		if (prepare_one(&cfg->agent_listen[i], LISTENER_AGENT, err,
		    errlen) == -1)
			goto fail;
	for (i = 0; first && i < nadopted; i++) {
		if (adopted[i].fd == -1)
			continue;
		snprintf(err, errlen, "passed socket %s (%s) matches no "
		    "listen or agent_listen address", adopted[i].name,
		    adopted[i].addr.text);
		goto fail;
	}
	return 0;
fail:
	listener_abort();
	return -1;
}

void
listener_abort(void)
{
	size_t i;

	for (i = 0; i < npend; i++)
		if (pend_new[i] && pend[i].io.fd != -1)
			close(pend[i].io.fd);
	npend = 0;
}

static uint32_t
listen_events(const struct listener *l)
{
	return accepting && !paused && !(held && l->kind == LISTENER_AGENT) ?
	    EPOLLIN : 0;
}

void
listener_commit(void)
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
		cur[i].io.arg = &cur[i];
		if (pend_new[i]) {
			loop_add(&cur[i].io, listen_events(&cur[i]));
			log_info("listening on %s%s", cur[i].addr.text,
			    cur[i].kind == LISTENER_AGENT ? " (agent)" : "");
		} else	/* its struct moved: tell epoll the new address */
			loop_mod(&cur[i].io, listen_events(&cur[i]));
	}
	ncur = npend;
	npend = 0;
}

static void
update_events(void)
{
	size_t i;

	for (i = 0; i < ncur; i++)
		loop_mod(&cur[i].io, listen_events(&cur[i]));
}

void
listener_accepting(int on)
{
	if (accepting == on)
		return;
	accepting = on;
	update_events();
}

void
listener_hold(int on)
{
	if (held == on)
		return;
	held = on;
	update_events();
}

static void
on_resume(struct loop_timer *t)
{
	(void)t;
	paused = 0;
	update_events();
}

/* Out of descriptors: pause instead of spinning, retry on a timer. */
static void
pause_accept(int e)
{
	if (emfile_logged == 0 || loop_now() - emfile_logged >= EMFILE_LOG_MS) {
		log_warnx("accept: %s: retrying every %d ms", strerror(e),
		    EMFILE_PAUSE_MS);
		emfile_logged = loop_now();
	}
	log_debug("pausing accept for %d ms: %s", EMFILE_PAUSE_MS,
	    strerror(e));
	paused = 1;
	update_events();
	resume_timer.cb = on_resume;
	loop_timer_set(&resume_timer, EMFILE_PAUSE_MS);
}

static void
on_accept(struct loop_io *io, uint32_t events)
{
	struct listener *l = io->arg;
	struct sockaddr_storage peer;
	socklen_t plen;
	int i, fd;

	(void)events;
	for (i = 0; i < ACCEPT_BATCH && accepting && !paused &&
	    !(held && l->kind == LISTENER_AGENT); i++) {
		if (!room()) {
			/* the rest wait in the backlog */
			listener_accepting(0);
			return;
		}
		plen = sizeof(peer);
		memset(&peer, 0, sizeof(peer));
		fd = accept4(io->fd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd != -1) {
			take(fd, l->kind, (const struct sockaddr *)&peer);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			pause_accept(errno);
		if (errno != EINTR && errno != ECONNABORTED)
			return;
	}
}

void
listener_close_all(void)
{
	size_t i;

	for (i = 0; i < ncur; i++) {
		loop_del(&cur[i].io);
		close(cur[i].io.fd);
		log_info("stopped listening on %s", cur[i].addr.text);
	}
	ncur = 0;
	loop_timer_cancel(&resume_timer);
	for (i = 0; i < nadopted; i++)
		if (adopted[i].fd != -1) {
			close(adopted[i].fd);
			adopted[i].fd = -1;
		}
}

size_t
listener_current(int *fds, const char **addrs, enum listener_kind *kinds,
    size_t max)
{
	size_t i;

	for (i = 0; i < ncur && i < max; i++) {
		fds[i] = cur[i].io.fd;
		addrs[i] = cur[i].addr.text;
		kinds[i] = cur[i].kind;
	}
	return i;
}
