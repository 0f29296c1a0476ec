/*
 * daemon.h - the running daemon: start-up order, the loop and the
 * shutdown (what it reads again is reload.h's).  main() parses options
 * and checks the configuration, then hands over here.
 */
#ifndef MYDAEMON_DAEMON_H
#define MYDAEMON_DAEMON_H

struct config;

struct daemon_opts {
	const char	*conffile;	/* absolute */
	const char	*pidfile;	/* absolute; NULL: the config's */
	int		 no_pidfile;	/* -p none */
	int		 foreground;
	int		 log_stderr;	/* the default log is stderr: -f, or
					   a restart kept the old one's */
};

/* Start with an already validated configuration; returns the exit code. */
int	daemon_run(const struct daemon_opts *opts, struct config *cfg);

#endif /* MYDAEMON_DAEMON_H */
