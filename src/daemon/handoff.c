/*
 * handoff.c - restarts that keep the listening sockets (see handoff.h).
 *
 * The messages are datagrams of a SOCK_SEQPACKET socket, so each one
 * comes whole:
 *   "handoff"        -> "pid=N\npidfile=PATH\n" and a line "KIND ADDR"
 *                       per socket, the sockets attached (SCM_RIGHTS);
 *                       when we log to stderr, "journal=DEV:INO" (or
 *                       empty) and a last "stderr -" with that stream;
 *                       "busy" while another restart has them
 *   "checks"         -> one "c\t..." datagram per check, then "end"
 *   "go PIDFILE"     -> "ok", and the old process leaves
 */
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/activation.h"
#include "checks/check.h"
#include "checks/check_run.h"
#include "config/config.h"
#include "config/config_values.h"
#include "daemon/handoff.h"
#include "server/listener.h"
#include "log/log.h"
#include "log/log_sink.h"
#include "base/loop.h"
#include "instance/pidfile.h"

#define MAX_PEERS	4
#define RETRY_MS	10
#define RETRY_MAX	6000	/* a minute */
#define HISTORY_CHUNK	256	/* history entries a datagram */

static struct {
	struct loop_io		 io;		/* the control socket */
	struct loop_io		 peers[MAX_PEERS];
	struct sockaddr_un	 name;
	socklen_t		 namelen;
	struct loop_timer	 retry;
	int			 retries;
	char			*pidfile;
	handoff_go_fn		*go;
	struct loop_io		*handing;	/* the peer with our sockets */
} hd = { .io = { .fd = -1 } };

/* --- the running daemon's side ----------------------------------------- */

static void
close_peer(struct loop_io *p)
{
	if (hd.handing == p)
		hd.handing = NULL;	/* that restart gave up, or is done */
	loop_del(p);
	close(p->fd);
	p->fd = -1;
}

static void
send_sockets(int fd)
{
	int fds[HANDOFF_MAX_FDS];
	const char *addrs[HANDOFF_MAX_FDS];
	enum listener_kind kinds[HANDOFF_MAX_FDS];
	char msg[HANDOFF_MSG_MAX];
	size_t n, i, len;
	int stream = 0;

	n = listener_current(fds, addrs, kinds, HANDOFF_MAX_FDS - 1);
	len = (size_t)snprintf(msg, sizeof(msg), "pid=%ld\npidfile=%s\n",
	    (long)getpid(), hd.pidfile);
	/* Our log stream, for the new process to log to as well. */
	if (log_on_stderr() && len < sizeof(msg)) {
		len += (size_t)snprintf(msg + len, sizeof(msg) - len,
		    "journal=%s\n", log_sink_journal() != NULL ?
		    log_sink_journal() : "");
		addrs[n] = "-";
		kinds[n] = LISTENER_HTTP;
		fds[n++] = STDERR_FILENO;
		stream = 1;
	}
	/* Under systemd the new process is the service's next main one. */
	if (activation()->notify[0] != '\0' && len < sizeof(msg))
		len += (size_t)snprintf(msg + len, sizeof(msg) - len,
		    "notify=%s\nwatchdog=%llu\n", activation()->notify,
		    (unsigned long long)activation()->watchdog_usec);
	for (i = 0; i < n && len < sizeof(msg); i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s %s\n",
		    stream && i == n - 1 ? "stderr" :
		    kinds[i] == LISTENER_AGENT ? "agent" : "http", addrs[i]);
	if (len >= sizeof(msg) || handoff_wire_send(fd, msg, fds, n) == -1)
		log_warn("restart: cannot hand over the sockets");
	else
		log_notice("restart: %zu listening sockets handed over",
		    n - (size_t)stream);
}

/* Tabs and line ends out of a field. */
static void
field(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < size; i++)
		dst[i] = src[i] == '\t' || src[i] == '\n' || src[i] == '\r' ?
		    ' ' : src[i];
	dst[i] = '\0';
}

/*
 * A check's since and history, after its "c" line: "h\tNAME\tSINCE\t"
 * and 16 hex digits an entry, oldest first, HISTORY_CHUNK a datagram
 * (a process older than this skips these lines).
 */
static void
send_history(int fd, const struct check_status *c)
{
	const struct check_history *h = &c->history;
	const struct check_history_entry *e;
	char msg[HANDOFF_MSG_MAX];
	size_t i = 0, k;
	int len;

	do {
		len = snprintf(msg, sizeof(msg), "h\t%s\t%.3f\t", c->name,
		    c->since);
		for (k = 0; i < h->n && k < HISTORY_CHUNK; i++, k++) {
			e = check_history_at(h, i);
			len += snprintf(msg + len, sizeof(msg) - (size_t)len,
			    "%08x%08x", (unsigned int)e->time,
			    (unsigned int)e->bits);
		}
		if (handoff_wire_send(fd, msg, NULL, 0) == -1)
			return;
	} while (i < h->n);
}

static void
send_checks(int fd)
{
	const struct check_status *const *v;
	char msg[HANDOFF_MSG_MAX], cmd[4096], text[CHECK_TEXT_MAX];
	unsigned int running;
	size_t n, i;
	int len;

	check_set_list(&v, &n, &running);
	for (i = 0; i < n; i++) {
		/* Pending (a start_grace going on) or waiting: the new
		   process works it out again. */
		if (!v[i]->ran || v[i]->pending || v[i]->waiting_for != NULL)
			continue;
		field(cmd, sizeof(cmd), v[i]->command);
		field(text, sizeof(text), v[i]->text);
		len = snprintf(msg, sizeof(msg), "c\t%d\t%d\t%d\t%llu\t%llu\t"
		    "%llu\t%.3f\t%.6f\t%s\t%s\t%s", (int)v[i]->state,
		    (int)v[i]->result, v[i]->exit_code,
		    (unsigned long long)v[i]->runs,
		    (unsigned long long)v[i]->timeouts,
		    (unsigned long long)v[i]->skipped, v[i]->started,
		    v[i]->duration, v[i]->name, cmd, text);
		if (len > 0 && (size_t)len < sizeof(msg) &&
		    handoff_wire_send(fd, msg, NULL, 0) == 0)
			send_history(fd, v[i]);
	}
	handoff_wire_send(fd, "end", NULL, 0);
}

static void
on_peer(struct loop_io *io, uint32_t events)
{
	char msg[HANDOFF_MSG_MAX];
	ssize_t n;

	(void)events;
	if ((n = handoff_wire_recv(io->fd, msg, sizeof(msg), NULL,
	    NULL)) <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		close_peer(io);		/* a restart that gave up, or done */
		return;
	}
	/*
	 * One restart at a time: another one hears "busy" and asks again,
	 * of whoever runs by then (the new process, most likely).
	 */
	if (hd.handing != NULL && hd.handing != io &&
	    (strcmp(msg, "handoff") == 0 || strncmp(msg, "go ", 3) == 0))
		handoff_wire_send(io->fd, "busy", NULL, 0);
	else if (strcmp(msg, "handoff") == 0) {
		hd.handing = io;
		send_sockets(io->fd);
	} else if (strcmp(msg, "checks") == 0)
		send_checks(io->fd);
	else if (strncmp(msg, "go ", 3) == 0) {
		handoff_wire_send(io->fd, "ok", NULL, 0);
		close_peer(io);
		log_notice("restart: the new process takes over");
		hd.go(msg + 3);
	} else
		close_peer(io);
}

static void
on_control(struct loop_io *io, uint32_t events)
{
	struct ucred cr;
	size_t i;
	int fd;

	(void)events;
	while ((fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		/* root, or the user we run as: who may start us anyway */
		if (handoff_wire_peer(fd, &cr) == -1 ||
		    (cr.uid != 0 && cr.uid != geteuid())) {
			close(fd);
			continue;
		}
		for (i = 0; i < MAX_PEERS && hd.peers[i].fd != -1; i++)
			;
		if (i == MAX_PEERS) {
			close(fd);
			continue;
		}
		hd.peers[i].fd = fd;
		hd.peers[i].cb = on_peer;
		if (loop_add(&hd.peers[i], EPOLLIN) == -1) {
			close(fd);
			hd.peers[i].fd = -1;
		}
	}
}

/* Bind the control socket; 0, or -1 (errno) to try again later. */
static int
bind_control(void)
{
	int fd, e;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&hd.name, hd.namelen) == -1 ||
	    listen(fd, 8) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	hd.io.fd = fd;
	hd.io.cb = on_control;
	loop_add(&hd.io, EPOLLIN);
	return 0;
}

/*
 * Just after a restart the old process holds the name until it lets go
 * at "go": try again, every 10 ms, for a while.
 */
static void
on_retry(struct loop_timer *t)
{
	if (bind_control() == 0)
		return;
	if (errno == EADDRINUSE && ++hd.retries < RETRY_MAX) {
		loop_timer_set(t, RETRY_MS);
		return;
	}
	log_warn("restart: no control socket (a restart will stop and "
	    "start)");
}

void
handoff_listen(const char *conffile, const char *pidfile, handoff_go_fn *go)
{
	size_t i;

	for (i = 0; i < MAX_PEERS; i++)
		hd.peers[i].fd = -1;
	if (pidfile == NULL || (hd.pidfile = strdup(pidfile)) == NULL)
		return;
	hd.go = go;
	hd.namelen = handoff_wire_name(conffile, &hd.name);
	hd.retry.cb = on_retry;
	on_retry(&hd.retry);
}

void
handoff_close(void)
{
	size_t i;

	loop_timer_cancel(&hd.retry);
	if (hd.io.fd != -1) {
		loop_del(&hd.io);
		close(hd.io.fd);
		hd.io.fd = -1;
	}
	for (i = 0; i < MAX_PEERS; i++)
		if (hd.peers[i].fd != -1)
			close_peer(&hd.peers[i]);
	free(hd.pidfile);
	hd.pidfile = NULL;
}
