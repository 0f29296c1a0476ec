/*
 * handoff.c - restarts that keep the listening sockets (see handoff.h).
 *
 * The messages are datagrams of a SOCK_SEQPACKET socket, so each one
 * comes whole:
 *   "handoff"        -> "pid=N\npidfile=PATH\n" and a line "KIND ADDR"
 *                       per socket, the sockets attached (SCM_RIGHTS)
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

#include "check.h"
#include "checkrun.h"
#include "config.h"
#include "confval.h"
#include "handoff.h"
#include "listener.h"
#include "log.h"
#include "loop.h"
#include "pidfile.h"

#define MAX_SOCKS	32
#define MAX_PEERS	4
#define MSG_MAX		8192
#define RETRY_MS	10
#define RETRY_MAX	6000	/* a minute */

static struct {
	struct loop_io		 io;		/* the control socket */
	struct loop_io		 peers[MAX_PEERS];
	struct sockaddr_un	 name;
	socklen_t		 namelen;
	struct loop_timer	 retry;
	int			 retries;
	char			*pidfile;
	handoff_go_fn		*go;
} hd = { .io = { .fd = -1 } };

/* "\0mydaemon:" and the config file (or a hash of a long name). */
static socklen_t
control_name(const char *conffile, struct sockaddr_un *sun)
{
	size_t n = strlen(conffile), len;
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	const char *p;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n + 11 <= sizeof(sun->sun_path))
		len = (size_t)snprintf(sun->sun_path + 1,
		    sizeof(sun->sun_path) - 1, "mydaemon:%s", conffile);
	else {
		for (p = conffile; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		len = (size_t)snprintf(sun->sun_path + 1,
		    sizeof(sun->sun_path) - 1, "mydaemon:#%016llx",
		    (unsigned long long)h);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

/* The other end's credentials. */
static int
peer(int fd, struct ucred *cr)
{
	socklen_t len = sizeof(*cr);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cr, &len);
}

/* One datagram, with descriptors attached when nfds > 0. */
static int
send_msg(int fd, const char *msg, size_t len, const int *fds, size_t nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * MAX_SOCKS)];
	struct iovec iov = { (void *)(uintptr_t)msg, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (nfds > 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/*
 * One datagram into buf (NUL-terminated); descriptors that come with it
 * go to fds (close-on-exec).  The length, 0 at EOF, or -1.
 */
static ssize_t
recv_msg(int fd, char *buf, size_t size, int *fds, size_t *nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * MAX_SOCKS)];
	struct iovec iov = { buf, size - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	if (nfds != NULL)
		*nfds = 0;
	if ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k, got;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		got = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < got; k++) {
			int d;

			memcpy(&d, CMSG_DATA(cm) + k * sizeof(int), sizeof(d));
			if (nfds != NULL && fds != NULL && *nfds < MAX_SOCKS)
				fds[(*nfds)++] = d;
			else
				close(d);	/* not asked for */
		}
	}
	return n;
}

/* --- the running daemon's side ----------------------------------------- */

static void
close_peer(struct loop_io *p)
{
	loop_del(p);
	close(p->fd);
	p->fd = -1;
}

static void
send_sockets(int fd)
{
	int fds[MAX_SOCKS];
	const char *addrs[MAX_SOCKS];
	enum listener_kind kinds[MAX_SOCKS];
	char msg[MSG_MAX];
	size_t n, i, len;

	n = listener_current(fds, addrs, kinds, MAX_SOCKS);
	len = (size_t)snprintf(msg, sizeof(msg), "pid=%ld\npidfile=%s\n",
	    (long)getpid(), hd.pidfile);
	for (i = 0; i < n && len < sizeof(msg); i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s %s\n",
		    kinds[i] == LISTENER_AGENT ? "agent" : "http", addrs[i]);
	if (len >= sizeof(msg) || send_msg(fd, msg, len, fds, n) == -1)
		log_warn("restart: cannot hand over the sockets");
	else
		log_notice("restart: %zu listening sockets handed over", n);
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

static void
send_checks(int fd)
{
	const struct check_status *const *v;
	char msg[MSG_MAX], cmd[4096], text[CHECK_TEXT_MAX];
	unsigned int running;
	size_t n, i;
	int len;

	check_list(&v, &n, &running);
	for (i = 0; i < n; i++) {
		if (!v[i]->ran || v[i]->pending)
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
		if (len > 0 && (size_t)len < sizeof(msg))
			send_msg(fd, msg, (size_t)len, NULL, 0);
	}
	send_msg(fd, "end", 3, NULL, 0);
}

static void
on_peer(struct loop_io *io, uint32_t events)
{
	char msg[MSG_MAX];
	ssize_t n;

	(void)events;
	if ((n = recv_msg(io->fd, msg, sizeof(msg), NULL, NULL)) <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		close_peer(io);		/* a restart that gave up, or done */
		return;
	}
	if (strcmp(msg, "handoff") == 0)
		send_sockets(io->fd);
	else if (strcmp(msg, "checks") == 0)
		send_checks(io->fd);
	else if (strncmp(msg, "go ", 3) == 0) {
		send_msg(io->fd, "ok", 2, NULL, 0);
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
		if (peer(fd, &cr) == -1 || (cr.uid != 0 && cr.uid != geteuid())) {
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
	hd.namelen = control_name(conffile, &hd.name);
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

/* --- both clients ---------------------------------------------------- */

int
handoff_connect(const char *conffile, long *pid)
{
	struct sockaddr_un sun;
	socklen_t len = control_name(conffile, &sun);
	struct ucred cr;
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, len) == -1 ||
	    peer(fd, &cr) == -1) {
		close(fd);
		return -1;
	}
	*pid = (long)cr.pid;
	return fd;
}

int
handoff_send(int fd, const char *msg, const int *fds, size_t nfds)
{
	return send_msg(fd, msg, strlen(msg), fds, nfds);
}

ssize_t
handoff_recv(int fd, char *buf, size_t size, int *fds, size_t *nfds)
{
	return recv_msg(fd, buf, size, fds, nfds);
}

/* One "c\t..." line as a seed; 0, or -1 when it is not one. */
static int
parse_seed(char *msg, struct check_seed *s)
{
	char *f[12], *p = msg;
	size_t n = 0;

	while (n < 12 && (f[n] = strsep(&p, "\t")) != NULL)
		n++;
	if (n != 12 || strcmp(f[0], "c") != 0)
		return -1;
	memset(s, 0, sizeof(*s));
	s->state = (enum health_state)atoi(f[1]);
	s->result = (enum health_state)atoi(f[2]);
	s->exit_code = atoi(f[3]);
	s->runs = strtoull(f[4], NULL, 10);
	s->timeouts = strtoull(f[5], NULL, 10);
	s->skipped = strtoull(f[6], NULL, 10);
	s->started = strtod(f[7], NULL);
	s->duration = strtod(f[8], NULL);
	snprintf(s->name, sizeof(s->name), "%s", f[9]);
	snprintf(s->command, sizeof(s->command), "%s", f[10]);
	snprintf(s->text, sizeof(s->text), "%s", f[11]);
	return 0;
}

size_t
handoff_fetch_checks(const char *conffile, long pid, struct check_seed *seeds,
    size_t max)
{
	struct timeval tv = { 2, 0 };
	char msg[MSG_MAX];
	size_t n = 0;
	long who;
	int fd;

	if ((fd = handoff_connect(conffile, &who)) == -1)
		return 0;
	/* Only the process we take over from; never more than 2 s. */
	if (who != pid || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1 || handoff_send(fd, "checks", NULL, 0) == -1) {
		close(fd);
		return 0;
	}
	while (handoff_recv(fd, msg, sizeof(msg), NULL, NULL) > 0 &&
	    strcmp(msg, "end") != 0)
		if (n < max && parse_seed(msg, &seeds[n]) == 0)
			n++;
	close(fd);
	return n;
}
