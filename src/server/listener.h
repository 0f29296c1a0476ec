/*
 * listener.h - the listening sockets: HTTP (listen) and HAProxy's agent
 * port (agent_listen).
 *
 * They are (re)built in two phases so that a reload is atomic:
 * listener_prepare() binds every address of a new configuration, reusing
 * the socket of any address already bound, and listener_commit() or
 * listener_abort() then makes it current or throws it away.  A reload
 * therefore never closes a socket it keeps, and never half-applies.
 * Sockets handed over at start (systemd's socket activation, a restart)
 * are adopted first and used for the addresses they are bound to.
 */
#ifndef MYDAEMON_LISTENER_H
#define MYDAEMON_LISTENER_H

#include <stddef.h>

struct config;

enum listener_kind {
	LISTENER_HTTP,
	LISTENER_AGENT
};

/*
 * Who takes an accepted connection (non-blocking, close-on-exec; peer:
 * its address as accept(2) gave it, before anything is read), and says
 * before each accept whether there is room for one (0: listeners stop
 * accepting until listener_accepting(1)).
 */
struct sockaddr;
typedef void	listener_accept_fn(int fd, enum listener_kind kind,
		    const struct sockaddr *peer);
typedef int	listener_room_fn(void);
void		listener_set_accept(listener_room_fn *room,
		    listener_accept_fn *take);

/*
 * A listening TCP socket to use instead of binding its address (it is
 * made non-blocking and close-on-exec).  0, or -1 with a reason.
 */
int	listener_adopt(int fd, const char *name, char *err, size_t errlen);

/*
 * Bind the listen and agent_listen sets of cfg into a pending set.  At
 * start-up (`first`), an adopted socket that no address of cfg wants is
 * an error.  0, or -1 with err.
 */
int	listener_prepare(const struct config *cfg, int first, char *err,
	    size_t errlen);
/* Make the pending set current (start accepting), close dropped ones. */
void	listener_commit(void);
/* Close what listener_prepare() opened; the current set is untouched. */
void	listener_abort(void);

/*
 * Accepting on or off (the connection limit).  Out of descriptors, the
 * listeners pause by themselves and retry on a timer.
 */
void	listener_accepting(int on);
/*
 * Hold the agent-check listeners (on = 1): their connections wait in
 * the backlog, unanswered, until listener_hold(0).  Apart from the above.
 */
void	listener_hold(int on);

/* Close every listener (shutdown: the old process of a restart keeps
   nothing open that the new one serves). */
void	listener_close_all(void);

/* The current sockets, for a restart; returns how many (at most max). */
size_t	listener_current(int *fds, const char **addrs,
	    enum listener_kind *kinds, size_t max);

#endif /* MYDAEMON_LISTENER_H */
