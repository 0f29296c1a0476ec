/*
 * config.h - the configuration file: a pure parser, text in, struct out.
 *
 * config_parse() never logs, never touches the clock, the network or the
 * user database: every problem it finds comes back as a "FILE:LINE: message"
 * string, so that `mydaemon -t`, start-up and SIGHUP all report the same
 * words.  A struct config is immutable once parsed; a reload parses a whole
 * new one and swaps pointers.
 */
#ifndef MYDAEMON_CONFIG_H
#define MYDAEMON_CONFIG_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_LISTEN	16
#define CONFIG_MAX_ARGS		64

struct config_listen {
	char			 text[64];	/* as written: "127.0.0.1:8080" */
	struct sockaddr_storage	 addr;		/* AF_INET or AF_INET6 */
	socklen_t		 addrlen;
};

struct config {
	/* listen: nlisten == 0 means "none" (HTTP disabled) */
	struct config_listen	 listen[CONFIG_MAX_LISTEN];
	size_t			 nlisten;

	char			*pidfile;	/* absolute path, or NULL = none */
	char			*user;		/* NULL = unset */
	int			 user_line;	/* line of `user`, 0 if unset */
	char			*group;		/* NULL = unset */
	int			 group_line;
	char			*log_file;	/* absolute path, "syslog", "stderr" */
	int			 log_level;	/* LOG_ERR .. LOG_DEBUG (syslog.h) */
	int			 syslog_facility; /* LOG_DAEMON, LOG_LOCAL0, ... */
	char			*access_log;	/* absolute path, or NULL = off */
	int			 maintenance;	/* 0 or 1 */

	char			*check_command;	/* as written, NULL = unset */
	char			**check_argv;	/* split words, NULL-terminated */
	uint64_t		 check_interval_ms;
	uint64_t		 check_timeout_ms;
	unsigned int		 check_rise;
	unsigned int		 check_fall;

	unsigned int		 max_connections;
	uint64_t		 idle_timeout_ms;
	uint64_t		 shutdown_timeout_ms;
};

/* Error messages collected by the parser, each "FILE:LINE: message". */
struct config_errors {
	char			**msg;
	size_t			 n;
};

/*
 * Fill *cfg with every default.  Paths that depend on configure's
 * directories are passed in so that this module stays free of them.
 * Returns 0, or -1 with errno = ENOMEM.
 */
int	config_defaults(struct config *cfg, const char *default_pidfile,
	    const char *default_log_file);

/*
 * Parse `len` bytes of `text` (need not be NUL-terminated) read from
 * `file` (used only in messages) on top of the defaults given above.
 * Returns a new config, or NULL when there is any error; every error
 * found (not just the first) is appended to *errs.  On ENOMEM returns
 * NULL with errno set and possibly no message.
 */
struct config	*config_parse(const char *file, const char *text, size_t len,
		    const char *default_pidfile, const char *default_log_file,
		    struct config_errors *errs);

void	config_free(struct config *cfg);
void	config_errors_free(struct config_errors *errs);

/*
 * Durations: a decimal number with an optional suffix ms, s, m or h; a
 * bare number is seconds.  Returns 0 and stores milliseconds, or -1.
 */
int	config_parse_duration(const char *s, uint64_t *ms);

/*
 * Listen addresses: "A.B.C.D:PORT", "[IPv6]:PORT" or "*:PORT" (all IPv4
 * addresses).  Returns 0, or -1.
 */
int	config_parse_listen(const char *s, struct config_listen *out);

/*
 * Split a command line into words like a POSIX shell does for quoting
 * only: 'single quotes', "double quotes" (where backslash escapes only
 * $ ` " \ and newline), and backslash outside quotes.  No expansion, no
 * globbing, no operators.  Returns a NULL-terminated malloc'ed vector
 * (free with config_argv_free), or NULL with *why set to a static
 * message ("unterminated quote", "no command", ...) or errno ENOMEM.
 */
char	**config_split_words(const char *s, const char **why);
void	config_argv_free(char **argv);

/*
 * The value of the last "key = value" line for `key`, ignoring anything
 * else wrong with the text; malloc'ed, or NULL when there is none.
 */
char	*config_peek(const char *text, size_t len, const char *key);

/* Names of levels and facilities, for messages and /status. */
const char	*config_level_name(int level);

#endif /* MYDAEMON_CONFIG_H */
