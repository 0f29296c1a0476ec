/*
 * handoff.h - a restart that refuses no connection.
 *
 * The running daemon listens on a control socket in the abstract
 * namespace, named after its configuration file, for `mydaemon -s
 * restart` (run as root, or as the daemon's own user):
 *
 *   1. the restart asks for the listening sockets, which come over the
 *      socket (SCM_RIGHTS) with the old process's pid and pidfile;
 *   2. it starts the new process with them, as socket activation passes
 *      them (LISTEN_FDS), and MYDAEMON_TAKEOVER naming the old process:
 *      the new one binds nothing it was given, takes the pidfile's second
 *      lock slot while the old one holds the first (so the file is never
 *      unlocked), and asks the old one for its checks' last results, so
 *      that /health does not start from "no result yet";
 *   3. once the new process is ready, "go": the old one closes its copies
 *      of the sockets, lets go of the pidfile and drains; a new process
 *      that failed gets no "go", and the old one goes on as if nothing
 *      happened.
 *
 * Both ends check who the other is: the daemon takes requests from root
 * and its own user only (SO_PEERCRED), and the restart talks only to the
 * process that holds the lock of the pidfile it names.
 */
#ifndef MYDAEMON_HANDOFF_H
#define MYDAEMON_HANDOFF_H

#include <stddef.h>

#include "instance/handoff_wire.h"

/* --- in the running daemon ------------------------------------------- */

/*
 * "go" came: let go of everything for the new process, whose pidfile
 * is new_pidfile (the same one, or another after a change).
 */
typedef void	handoff_go_fn(const char *new_pidfile);

/*
 * Listen for restarts for this config file; pidfile is ours (NULL: none,
 * then no restart can find us).  A failure is logged: a restart then
 * stops and starts.
 */
void	handoff_listen(const char *conffile, const char *pidfile,
	    handoff_go_fn *go);
void	handoff_close(void);

#endif /* MYDAEMON_HANDOFF_H */
