/*
 * handoff_wire.c - the wire of the restart protocol (see handoff_wire.h): the
 * control socket's name, whole datagrams with descriptors attached, the
 * peer's credentials, and the client's side of it.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/check.h"
#include "instance/handoff_wire.h"

/* "\0mydaemon:" and the config file (or a hash of a long name). */
socklen_t
handoff_wire_name(const char *conffile, struct sockaddr_un *sun)
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
int
handoff_wire_peer(int fd, struct ucred *cr)
{
	socklen_t len = sizeof(*cr);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cr, &len);
}

/* One datagram, with descriptors attached when nfds > 0. */
int
handoff_wire_send(int fd, const char *msg, const int *fds, size_t nfds)
{
	size_t len = strlen(msg);
	char cbuf[CMSG_SPACE(sizeof(int) * HANDOFF_MAX_FDS)];
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
ssize_t
handoff_wire_recv(int fd, char *buf, size_t size, int *fds, size_t *nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * HANDOFF_MAX_FDS)];
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
			if (nfds != NULL && fds != NULL &&
			    *nfds < HANDOFF_MAX_FDS)
				fds[(*nfds)++] = d;
			else
				close(d);	/* not asked for */
		}
	}
	return n;
}

int
handoff_wire_connect(const char *conffile, long *pid)
{
	struct sockaddr_un sun;
	socklen_t len = handoff_wire_name(conffile, &sun);
	struct ucred cr;
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, len) == -1 ||
	    handoff_wire_peer(fd, &cr) == -1) {
		close(fd);
		return -1;
	}
	*pid = (long)cr.pid;
	return fd;
}

/*
 * The numbers of a hand-over line, each a whole field as the sender's
 * printf writes it: digits first (no blank, sign or "nan"), nothing
 * after them, nothing out of range.  The peer is our own process, older
 * or newer, but its bytes come from outside this one: what does not
 * read as such a number makes the line not whole.
 */
static int
num_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/* An int from lo to hi; a minus sign allowed (an exit code of -1). */
static int
num_int(const char *s, long lo, long hi, int *v)
{
	char *end;
	long l;

	if ((*s < '0' || *s > '9') && (*s != '-' || s[1] < '0' ||
	    s[1] > '9'))
		return -1;
	errno = 0;
	l = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || l < lo || l > hi)
		return -1;
	*v = (int)l;
	return 0;
}

/*
 * A time in seconds ("%.3f"): finite and not negative, as /status,
 * /metrics and the status page can show it; strtod() alone would take
 * "nan", "inf", "-1" and "1e999" (infinity).
 */
static int
num_time(const char *s, double *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*v = strtod(s, &end);
	return *end == '\0' && isfinite(*v) && *v >= 0 ? 0 : -1;
}

/*
 * One "c\t..." line as a seed; 0, or -1 when it is not one.  A line with
 * a number that is not whole, a state or result that is no health state,
 * or a started or duration that is no time is refused, not clamped: that
 * check then starts over as it would with a sender that said nothing of
 * it, rather than show a result the old process never had.  Fields after
 * the twelfth are ignored: a newer sender may add some there.
 */
static int
parse_seed(char *msg, struct check_seed *s)
{
	char *f[12], *p = msg;
	size_t n = 0;
	int st, res;

	while (n < 12 && (f[n] = strsep(&p, "\t")) != NULL)
		n++;
	if (n != 12 || strcmp(f[0], "c") != 0)
		return -1;
	memset(s, 0, sizeof(*s));
	if (num_int(f[1], HEALTH_OK, HEALTH_UNKNOWN, &st) == -1 ||
	    num_int(f[2], HEALTH_OK, HEALTH_UNKNOWN, &res) == -1 ||
	    num_int(f[3], INT_MIN, INT_MAX, &s->exit_code) == -1 ||
	    num_u64(f[4], &s->runs) == -1 ||
	    num_u64(f[5], &s->timeouts) == -1 ||
	    num_u64(f[6], &s->skipped) == -1 ||
	    num_time(f[7], &s->started) == -1 ||
	    num_time(f[8], &s->duration) == -1)
		return -1;
	s->state = (enum health_state)st;
	s->result = (enum health_state)res;
	snprintf(s->name, sizeof(s->name), "%s", f[9]);
	snprintf(s->command, sizeof(s->command), "%s", f[10]);
	snprintf(s->text, sizeof(s->text), "%s", f[11]);
	return 0;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * One "h\tNAME\tSINCE\tHEX" line (a newer sender's: an older receiver
 * skips it) into the seed of NAME, the last "c" line's: its since and
 * more of its history, 16 hex digits an entry.  0, or -1 when it is not
 * one; nothing is taken from a line that is not whole.  A SINCE that is
 * not a time (see num_time()) is taken as 0, which check_set_seed()
 * reads as "not said": the entries are checked on their own.
 */
static int
parse_history(char *msg, struct check_seed *s)
{
	struct check_history_entry e;
	char *f[4], *p = msg;
	size_t n = 0, len, i, k;
	uint64_t v;
	int d;

	while (n < 4 && (f[n] = strsep(&p, "\t")) != NULL)
		n++;
	if (n != 4 || p != NULL || strcmp(f[0], "h") != 0 ||
	    strcmp(f[1], s->name) != 0 || (len = strlen(f[3])) % 16 != 0 ||
	    s->nhistory + len / 16 > CHECK_HISTORY_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (hexval(f[3][i]) == -1)
			return -1;
	/* Not a time: "not said", as 0 is; the history stands alone. */
	if (num_time(f[2], &s->since) == -1)
		s->since = 0;
	for (i = 0; i < len; i += 16) {
		for (v = 0, k = 0; k < 16; k++) {
			d = hexval(f[3][i + k]);
			v = v << 4 | (uint64_t)d;
		}
		e.time = (uint32_t)(v >> 32);
		e.bits = (uint32_t)v;
		s->history[s->nhistory++] = e;
	}
	return 0;
}

void
handoff_wire_take(char *msg, struct check_seed *seeds, size_t *n, size_t max)
{
	if (msg[0] == 'h' && *n > 0)
		(void)parse_history(msg, &seeds[*n - 1]);
	else if (*n < max && parse_seed(msg, &seeds[*n]) == 0)
		(*n)++;
}

size_t
handoff_wire_fetch_checks(const char *conffile, long pid,
    struct check_seed *seeds, size_t max)
{
	struct timeval tv = { 2, 0 };
	char msg[HANDOFF_MSG_MAX];
	size_t n = 0;
	long who;
	int fd;

	if ((fd = handoff_wire_connect(conffile, &who)) == -1)
		return 0;
	/* Only the process we take over from; never more than 2 s. */
	if (who != pid || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1 ||
	    handoff_wire_send(fd, "checks", NULL, 0) == -1) {
		close(fd);
		return 0;
	}
	while (handoff_wire_recv(fd, msg, sizeof(msg), NULL, NULL) > 0 &&
	    strcmp(msg, "end") != 0)
		handoff_wire_take(msg, seeds, &n, max);
	close(fd);
	return n;
}
