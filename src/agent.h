/*
 * agent.h - the running daemon: start-up order, the loop, reload, reopen
 * and shutdown.  main() parses options and checks the configuration,
 * then hands over here.
 */
#ifndef MYDAEMON_AGENT_H
#define MYDAEMON_AGENT_H

#include <stddef.h>

struct config;

struct agent_opts {
	const char	*conffile;	/* absolute */
	const char	*pidfile;	/* absolute; NULL: the config's */
	int		 no_pidfile;	/* -p none */
	int		 foreground;
};

/*
 * Read, parse and check a configuration file (user and group must
 * exist).  In the foreground the default log is stderr.  Returns the
 * config, or NULL; every error is printed to stderr when `print` is
 * set, and the first one (with a count of the rest) is left in reason.
 */
struct config	*agent_load_config(const char *file, int foreground,
		    int print, char *reason, size_t reasonlen);

/*
 * The pidfile a configuration file names (or the default), even when
 * the file has other errors: `-s stop` must work with a broken config.
 * NULL with *none set when it says "none".
 */
char	*agent_find_pidfile(const char *file, int *none);

/* Start with an already validated configuration; returns the exit code. */
int	agent_run(const struct agent_opts *opts, struct config *cfg);

#endif /* MYDAEMON_AGENT_H */
