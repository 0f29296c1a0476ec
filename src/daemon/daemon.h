/*
 * daemon.h - the running daemon: start-up order, the loop and the
 * shutdown (what it reads again is reload.h's).  main() parses options
 * and checks the configuration, then hands over here.
 */
#ifndef MYDAEMON_DAEMON_H
#define MYDAEMON_DAEMON_H

#include "daemon/daemon_opts.h"

struct config;


/* Start with an already validated configuration; returns the exit code. */
int	daemon_run(const struct daemon_opts *opts, struct config *cfg);

#endif /* MYDAEMON_DAEMON_H */
