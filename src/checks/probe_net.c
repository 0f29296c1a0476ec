/*
 * probe_net.c - a network probe's connection on the loop (see
 * probe_net.h), from connect() to the outcome, with the check's timeout
 * as its deadline.
 *
 * socket() (non-blocking, close-on-exec), connect(): EINPROGRESS waits
 * until the socket is writable and SO_ERROR says how it went; what there
 * is to send goes as fast as the socket takes it (never a SIGPIPE); then
 * one read a turn goes to the kind until it says the run is over.  No
 * call blocks.  net_end() closes, disarms and frees on every way out,
 * before the scheduler hears of the end, which may start the next run.
 *
 * A run copies what it needs of its config when it starts: a reload may
 * free the config while the run is in flight.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/loop.h"
#include "checks/health.h"
#include "checks/probe_net.h"
#include "checks/probe_private.h"
#include "checks/probe_text.h"
#include "http/http_answer.h"

#define READ_MAX	16384	/* bytes read at a time */

enum { PHASE_CONNECT, PHASE_SEND, PHASE_READ };

/* ---- the end ---- */

/* Close, disarm, free: nothing of the run is left. */
static void
net_end(struct probe *p)
{
	struct probe_net	*n = p->net;

	if (n == NULL)		/* not a network probe's run */
		return;
	if (p->io.fd != -1) {
		if (n->events != 0)
			loop_del(&p->io);
		close(p->io.fd);
		p->io.fd = -1;
	}
	loop_timer_cancel(&p->deadline);
	free(n->target);
	free(n->want);
	free(n->req);
	free(n->ans);
	free(n);
	p->net = NULL;
}

void
probe_net_abort(struct probe *p)
{
	net_end(p);
}

int
probe_net_local(struct probe *p, const char *kind, const char *target,
    const char *what)
{
	probe_outcome(p, kind, HEALTH_UNKNOWN, 0, NULL, "%s: %s: %s", target,
	    what, strerror(errno));
	return PROBE_NET_OVER;
}

/* The service failed us: CRITICAL with the system's words. */
static int
refused(struct probe *p, int err)
{
	probe_outcome(p, p->net->kind->name, HEALTH_CRITICAL, 0, NULL,
	    "%s: %s", p->net->target, strerror(err));
	return PROBE_NET_OVER;
}

/* "time=Ns;W;C;0;TIMEOUT", and " size=NB" for http. */
static void
perfdata(const struct probe_net *n, uint64_t us, char *dst, size_t size)
{
	const struct config_probe *cp = &n->limits;
	char			 w[32] = "", c[32] = "", max[32];
	int			 k;

	if (cp->warning.unit == CONFIG_UNIT_MS)
		probe_text_secs(w, sizeof(w), cp->warning.value / 1000);
	if (cp->critical.unit == CONFIG_UNIT_MS)
		probe_text_secs(c, sizeof(c), cp->critical.value / 1000);
	probe_text_secs(max, sizeof(max), n->timeout_ms);
	k = snprintf(dst, size, "time=%.6fs;%s;%s;0;%s", (double)us / 1e6, w,
	    c, max);
	if (n->ans != NULL && k > 0 && (size_t)k < size)
		snprintf(dst + k, size - (size_t)k, " size=%zuB", n->size);
}

int
probe_net_answered(struct probe *p, const char *what)
{
	const struct probe_net	*n = p->net;
	const struct config_probe *cp = &n->limits;
	uint64_t		 us = clock_us() - p->t0_us;
	char			 perf[160], took[32], lim[32], note[64] = "";
	enum health_state	 st;

	/* in microseconds: a threshold of 1 ms must see 1.5 ms */
	st = probe_threshold(cp, CONFIG_UNIT_MS, us, 1);
	if (st != HEALTH_OK) {
		probe_text_ms(lim, sizeof(lim), (st == HEALTH_CRITICAL ?
		    cp->critical.value : cp->warning.value) / 1000);
		snprintf(note, sizeof(note), " (%s above %s)",
		    st == HEALTH_CRITICAL ? "critical" : "warning", lim);
	}
	probe_text_us(took, sizeof(took), us);
	perfdata(n, us, perf, sizeof(perf));
	probe_outcome(p, n->kind->name, st, 0, perf, "%s%s in %s%s",
	    n->target, what, took, note);
	return PROBE_NET_OVER;
}

/* ---- the steps ---- */

static int
step_connect(struct probe *p)
{
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (getsockopt(p->io.fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0)
		return refused(p, err);
	p->net->phase = PHASE_SEND;
	return PROBE_NET_NEXT;
}

static int
step_send(struct probe *p)
{
	struct probe_net	*n = p->net;
	ssize_t			 k;
	int			 rc;

	while (n->sent < n->req_len) {
		k = send(p->io.fd, n->req + n->sent, n->req_len - n->sent,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return PROBE_NET_WAIT;
		if (k == -1)
			return refused(p, errno);
		n->sent += (size_t)k;
	}
	if ((rc = n->kind->sent(p)) == PROBE_NET_NEXT)
		n->phase = PHASE_READ;
	return rc;
}

/* One read a turn: a flood cannot keep the loop to itself. */
static int
step_read(struct probe *p)
{
	static char	 buf[READ_MAX];
	ssize_t		 k;

	k = read(p->io.fd, buf, sizeof(buf));
	if (k == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return PROBE_NET_WAIT;
	if (k == -1)
		return refused(p, errno);
	return p->net->kind->got(p, buf, (size_t)k);
}

/* Watch for what the phase waits for. */
static int
watch(struct probe *p)
{
	struct probe_net	*n = p->net;
	uint32_t		 ev;
	int			 rc;

	ev = n->phase == PHASE_READ ? EPOLLIN : EPOLLOUT;
	if (ev == n->events)
		return PROBE_NET_WAIT;
	rc = n->events == 0 ? loop_add(&p->io, ev) : loop_mod(&p->io, ev);
	if (rc == -1)
		return probe_net_local(p, n->kind->name, n->target,
		    "cannot watch the socket");
	n->events = ev;
	return PROBE_NET_WAIT;
}

/* Go as far as the socket lets us without waiting. */
static int
advance(struct probe *p)
{
	int	 rc;

	do {
		switch (p->net->phase) {
		case PHASE_CONNECT:
			rc = step_connect(p);
			break;
		case PHASE_SEND:
			rc = step_send(p);
			break;
		default:
			rc = step_read(p);
			break;
		}
	} while (rc == PROBE_NET_NEXT);
	return rc == PROBE_NET_WAIT ? watch(p) : rc;
}

static void
on_io(struct loop_io *io, uint32_t events)
{
	struct probe	*p = io->arg;

	(void)events;	/* errors and hang-ups show in SO_ERROR, read */
	if (p->net == NULL || advance(p) != PROBE_NET_OVER)
		return;
	net_end(p);
	probe_over(p);
}

static void
on_deadline(struct loop_timer *t)
{
	struct probe		*p = t->arg;
	struct probe_net	*n = p->net;
	char			 s[32];

	if (n == NULL)
		return;
	probe_text_ms(s, sizeof(s), n->timeout_ms);
	if (n->phase == PHASE_CONNECT)
		probe_outcome(p, n->kind->name, HEALTH_CRITICAL, 1, NULL,
		    "%s: no connection within %s", n->target, s);
	else if (n->phase == PHASE_SEND)
		probe_outcome(p, n->kind->name, HEALTH_CRITICAL, 1, NULL,
		    "%s: what it was sent not taken within %s", n->target, s);
	else
		n->kind->late(p);
	net_end(p);
	probe_over(p);
}

/* ---- the start ---- */

/* ms to us, saturated: response times are compared in microseconds. */
static void
scale(struct config_threshold *t)
{
	t->value = t->value > UINT64_MAX / 1000 ? UINT64_MAX :
	    t->value * 1000;
}

/* The run's own copy of what it needs of the config. */
static struct probe_net *
net_new(const struct config_check *conf, const char *target,
    const char *want, size_t want_len)
{
	/* Never NULL: this is a probe's kind (probe_run.c). */
	const struct config_probe *cp = conf->probe;
	struct probe_net	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->timeout_ms = conf->timeout_ms;
	n->limits.warning = cp->warning;
	n->limits.critical = cp->critical;
	scale(&n->limits.warning);
	scale(&n->limits.critical);
	memcpy(n->limits.status, cp->status, sizeof(cp->status));
	n->limits.nstatus = cp->nstatus;
	if ((n->target = strdup(target)) == NULL) {
		free(n);
		return NULL;
	}
	if (want != NULL && (n->want = malloc(want_len + 1)) == NULL) {
		free(n->target);
		free(n);
		return NULL;
	}
	if (want != NULL) {
		memcpy(n->want, want, want_len);
		n->want[want_len] = '\0';
		n->want_len = want_len;
	}
	return n;
}

/* Connect: PROBE_NET_OVER when the run is over at once. */
static int
net_connect(struct probe *p)
{
	/* Never NULL: this is a probe's kind (probe_run.c). */
	const struct config_probe *cp = p->conf->probe;
	struct probe_net	*n = p->net;
	int			 fd, rc;

	fd = socket(cp->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return probe_net_local(p, n->kind->name, n->target,
		    "cannot make a socket");
	p->io.fd = fd;
	p->io.cb = on_io;
	p->io.arg = p;
	p->deadline.cb = on_deadline;
	p->deadline.arg = p;
	if (loop_timer_set(&p->deadline, n->timeout_ms) == -1)
		return probe_net_local(p, n->kind->name, n->target,
		    "cannot set the deadline");
	while ((rc = connect(fd, (const struct sockaddr *)&cp->addr,
	    cp->addrlen)) == -1 && errno == EINTR)
		;
	/* a Unix socket answers at once: accepted, refused, or EAGAIN */
	if (rc == -1 && errno != EINPROGRESS)
		return refused(p, errno);
	n->phase = rc == 0 ? PHASE_SEND : PHASE_CONNECT;
	return rc == 0 ? advance(p) : watch(p);
}

int
probe_net_start(struct probe *p, const struct probe_net_kind *k,
    const char *target, char *req, size_t req_len, const char *want,
    size_t want_len)
{
	if ((p->net = net_new(p->conf, target, want, want_len)) == NULL) {
		free(req);
		probe_net_local(p, k->name, target, "cannot start");
		return 1;
	}
	p->net->kind = k;
	p->net->req = req;
	p->net->req_len = req != NULL ? req_len : 0;
	if (k->begin != NULL && k->begin(p) == -1) {
		probe_net_local(p, k->name, target, "cannot start");
		net_end(p);
		return 1;
	}
	if (net_connect(p) != PROBE_NET_OVER)
		return 0;
	net_end(p);
	return 1;
}
