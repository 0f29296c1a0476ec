/*
 * daemon_opts.h - what the command line tells the daemon (main.c fills
 * it; daemon.c and reload.c read it).
 */
#ifndef MYDAEMON_DAEMON_OPTS_H
#define MYDAEMON_DAEMON_OPTS_H

struct daemon_opts {
	const char	*conffile;	/* absolute */
	const char	*pidfile;	/* absolute; NULL: the config's */
	int		 no_pidfile;	/* -p none */
	int		 foreground;
	int		 log_stderr;	/* the default log is stderr: -f, or
					   a restart kept the old one's */
};

#endif /* MYDAEMON_DAEMON_OPTS_H */
