/*
 * handoff_wire.h - the restart protocol's wire (handoff.h says what is
 * said on it), for both ends: the running daemon and the new process of
 * a restart, which must not depend on the daemon's code.
 */
#ifndef MYDAEMON_HANDOFF_WIRE_H
#define MYDAEMON_HANDOFF_WIRE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>

#define HANDOFF_MAX_FDS	32	/* sockets handed over at most */
#define HANDOFF_MSG_MAX	8192	/* one datagram */

struct check_seed;

/* --- in the new process ---------------------------------------------- */

/*
 * The checks' last results of the old process (pid), for check_set_seed().
 * Returns how many were filled, at most max (0 when none came).
 */
size_t	handoff_wire_fetch_checks(const char *conffile, long pid,
	    struct check_seed *seeds, size_t max);

/*
 * One datagram of the answer to "checks" (msg, NUL-terminated; it is cut
 * up in place), before the "end": a "c" line fills seeds[*n] and counts
 * it while *n < max; an "h" line adds to seeds[*n - 1] when it is about
 * that check.  Anything else, or a line that is not whole, is skipped:
 * seeds[*n] may be written then, but *n is not counted.  Pure, for the
 * unit test and the fuzzer.
 */
void	handoff_wire_take(char *msg, struct check_seed *seeds, size_t *n,
	    size_t max);

/* --- the wire (handoff_wire.c), for both ends ---------------------------- */

/* The control socket's abstract name for conffile; its length. */
socklen_t handoff_wire_name(const char *conffile, struct sockaddr_un *sun);
/* The other end's credentials (SO_PEERCRED). */
int	handoff_wire_peer(int fd, struct ucred *cr);

/* Connect to the daemon of conffile: the fd (and the daemon's pid), or
   -1. */
int	handoff_wire_connect(const char *conffile, long *pid);
/*
 * One datagram: msg (NUL-terminated) and fds (nfds, at most
 * HANDOFF_MAX_FDS) attached.  0, or -1 (errno).
 */
int	handoff_wire_send(int fd, const char *msg, const int *fds, size_t nfds);
/*
 * One message (NUL-terminated; size >= 1) and the descriptors that came
 * with it (fds may be NULL: any are closed).  The length, 0 at the end,
 * or -1 (errno).
 */
ssize_t	handoff_wire_recv(int fd, char *buf, size_t size, int *fds,
	    size_t *nfds);

#endif /* MYDAEMON_HANDOFF_WIRE_H */
