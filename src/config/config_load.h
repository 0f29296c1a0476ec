/*
 * config_load.h - reading the configuration file: the file itself, the pure
 * parser, and what only the running system can say (does the user exist,
 * can the check command be run).  Used by -t, at start-up, on reload and
 * by -s.
 */
#ifndef MYDAEMON_CONFIG_LOAD_H
#define MYDAEMON_CONFIG_LOAD_H

#include <stddef.h>

struct config;

/*
 * Read, parse and check a configuration file (user and group must
 * exist).  In the foreground the default log is stderr.  Returns the
 * config, or NULL; every error is printed to stderr when `print` is set,
 * and the first one (with a count of the rest) is left in reason.
 */
struct config	*config_load(const char *file, int foreground, int print,
		    char *reason, size_t reasonlen);

/*
 * What is allowed but probably wrong: a check command that does not
 * exist or cannot be executed, an address range with host bits set.
 * Calls `say` once per finding with a "FILE:LINE: [check NAME] ..."
 * message; returns how many there were.
 */
int	config_load_warnings(const struct config *cfg, const char *file,
	    void (*say)(const char *msg));

/*
 * The value of a global key in the file even when the file has other
 * errors (for -s: stop must work with a broken config); malloc'ed, or
 * NULL when the file cannot be read or does not set the key.
 */
char	*config_load_peek(const char *file, const char *key);

#endif /* MYDAEMON_CONFIG_LOAD_H */
