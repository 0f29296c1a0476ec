/*
 * config.h - the configuration file: a pure parser, text in, struct out.
 *
 * config_parse() never logs, never touches the clock, the network or the
 * user database: every problem it finds comes back as a "FILE:LINE:
 * message" string, so that `mydaemon -t`, start-up and SIGHUP all report
 * the same words.  A struct config is immutable once parsed; a reload
 * parses a whole new one and swaps pointers.
 *
 * Keys before the first section are global; each "[check NAME]" section
 * holds one check's keys.  The flat check_* keys of older files define
 * the check named "main".  "include = GLOB" reads more files through the
 * caller's config_reader (config_include.c).
 */
#ifndef MYDAEMON_CONFIG_H
#define MYDAEMON_CONFIG_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cidr.h"

#define CONFIG_MAX_LISTEN	16
#define CONFIG_MAX_CHECKS	1024
#define CONFIG_NAME_MAX		32	/* bytes of a check name */
#define CONFIG_HISTORY_MAX	500	/* "history = N" (SPEC 23) */
#define CONFIG_HISTORY_DEFAULT	30

/* An on_change hook's command (SPEC 21), split like a check's. */
struct config_hook {
	char		*command;		/* as written, NULL: none */
	char		**argv;			/* split, NULL-terminated */
	int		 line;			/* of the key */
};

struct config_listen {
	char			 text[64];	/* as written: "[::1]:80" */
	struct sockaddr_storage	 addr;		/* AF_INET or AF_INET6 */
	socklen_t		 addrlen;
};

/* What a check checks (SPEC 19): a command, or one of the probes. */
enum config_kind {
	CONFIG_COMMAND = 0,
	CONFIG_PROCESS,		/* process = PIDFILE */
	CONFIG_TCP,		/* tcp = HOST:PORT or /PATH */
	CONFIG_HTTP,		/* http = http://HOST[:PORT]/PATH */
	CONFIG_FILE,		/* file = PATH */
	CONFIG_DISK		/* disk = MOUNTPOINT */
};

/* A warning or critical threshold on a probe's measurement. */
enum config_unit {
	CONFIG_UNIT_NONE = 0,	/* not set */
	CONFIG_UNIT_MS,		/* a duration: tcp, http, file */
	CONFIG_UNIT_BYTES,	/* bytes free: disk */
	CONFIG_UNIT_PERCENT	/* percent free, in hundredths: disk */
};

struct config_threshold {
	enum config_unit	 unit;
	uint64_t		 value;	/* ms, bytes or 1/100 percent */
};

#define CONFIG_STATUS_MAX	16	/* ranges in expect_status */

/*
 * A probe's settings.  Strings with escapes (send, expect) are decoded
 * and may hold NUL bytes, hence the lengths.  Unset strings are NULL.
 */
struct config_probe {
	char			*target;	/* the kind's value */
	int			 line;		/* of that key */
	/* process */
	char			*process_name;	/* /proc/PID/comm, or NULL */
	/* tcp and http: where to connect (AF_INET, AF_INET6, AF_UNIX) */
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	/* tcp */
	char			*send, *expect;
	size_t			 send_len, expect_len;
	/* http */
	char			*host_header;	/* default: HOST[:PORT] */
	char			*path;		/* "/..." as written */
	struct { unsigned int lo, hi; } status[CONFIG_STATUS_MAX];
	size_t			 nstatus;	/* 0: 200-399 */
	char			*expect_body;	/* or NULL */
	/* file */
	uint64_t		 max_age_ms;	/* 0: no limit */
	uint64_t		 min_size;	/* bytes, 0: none */
	/* every probe but process */
	struct config_threshold	 warning, critical;
};

struct config_check {
	char		 name[CONFIG_NAME_MAX + 1];
	enum config_kind kind;
	/*
	 * As written; for a probe, "KIND TARGET" (e.g. "tcp 127.0.0.1:80"):
	 * what /status shows and what tells a changed check on reload.
	 */
	char		*command;
	char		**argv;			/* split, NULL-terminated;
						   NULL for a probe */
	/*
	 * Never NULL when kind != CONFIG_COMMAND; NULL for a command or
	 * pushed check, unless a probe's key was misplaced in it.  A
	 * pointer: most checks are commands, and the settings are 400
	 * bytes.
	 */
	struct config_probe *probe;
	uint64_t	 interval_ms;
	uint64_t	 timeout_ms;
	unsigned int	 rise, fall;
	int		 affects_health;	/* 0 or 1 */
	int		 line;			/* of its [check]; 0: flat */
	const char	*file;			/* where its [check] is: one
						   of the config's files */
	int		 command_line;		/* of its command */
	/* SPEC 20, config_depends.c */
	char		**depends;		/* names of the checks it waits
						   for, NULL-terminated; NULL:
						   none */
	int		 depends_line;
	uint64_t	 start_grace_ms;	/* 0: no grace */
	uint64_t	 ttl_ms;		/* pushed results: 0: none */
	int		 pushed;		/* only pushed results: nothing
						   to run (kind COMMAND, argv
						   NULL) */
	struct config_hook on_change;		/* its own, replacing the
						   global one */
	unsigned int	 history;		/* results kept (SPEC 23) */
};

struct config {
	/* nlisten == 0 means "none" (HTTP disabled) */
	struct config_listen	 listen[CONFIG_MAX_LISTEN];
	size_t			 nlisten;
	struct config_listen	 agent_listen[CONFIG_MAX_LISTEN];
	size_t			 nagent_listen;

	char			*pidfile;	/* absolute, or NULL: none */
	char			*user;		/* NULL = unset */
	int			 user_line;	/* line of `user`, 0 if unset */
	char			*group;		/* NULL = unset */
	int			 group_line;
	char			*log_file;	/* a path, "syslog", "stderr" */
	int			 log_level;	/* LOG_ERR .. LOG_DEBUG */
	int			 syslog_facility; /* LOG_DAEMON, ... */
	char			*access_log;	/* absolute, or NULL: off */
	int			 maintenance;	/* 0 or 1 */
	char			*maintenance_file; /* absolute path */
	unsigned int		 agent_warning_weight;	/* percent */

	struct config_check	*checks;	/* in the order of the file */
	size_t			 nchecks;
	unsigned int		 max_parallel_checks;

	unsigned int		 max_connections;
	uint64_t		 idle_timeout_ms;
	uint64_t		 shutdown_timeout_ms;
	char			*result_dir;	/* pushed results (absolute) */
	struct config_hook	 on_change;	/* every check and the host */
	uint64_t		 hook_timeout_ms;
	char			**files;	/* every file read: the main
						   one, then the included
						   ones (SPEC 21) */
	size_t			 nfiles;
	/* SPEC 21 */
	int			 maintenance_status;	/* 503 or 404 */
	uint64_t		 shutdown_drain_ms;	/* 0: none */
	/* SPEC 22 (config_access.c) */
	struct cidr		*allow;		/* NULL: everyone */
	size_t			 nallow;
	struct cidr		*status_allow;	/* NULL: as allow */
	size_t			 nstatus_allow;
	int			 health_details;	/* 0 or 1 */
	char			**warnings;	/* "FILE:LINE: warning: ..."
						   for config_load_warnings */
	size_t			 nwarnings;
	/* SPEC 23: results kept per check, unless a check says */
	unsigned int		 history;
};

/* Error messages collected by the parser, each "FILE:LINE: message". */
struct config_errors {
	char			**msg;
	size_t			 n;
};

/*
 * How "include = GLOB" reads files, supplied by the caller so that the
 * parser stays pure (config_load.c's reads the disk, a test's a table).
 * match: the files a pattern (already made absolute, or relative to
 * the current directory as the main file's name is) names, sorted, in
 * a malloc'ed NULL-terminated array of malloc'ed strings; none is no
 * error.  read: a file's whole text, malloc'ed.  Both return 0, or -1
 * with a message that names the file or pattern in err.
 */
struct config_reader {
	int	(*match)(void *arg, const char *pattern, char ***paths,
		    char *err, size_t errlen);
	int	(*read)(void *arg, const char *path, char **text,
		    size_t *len, char *err, size_t errlen);
	void	*arg;
};

/* Paths that depend on configure's directories, passed in; NULL: none. */
struct config_paths {
	const char	*pidfile;
	const char	*log_file;
	const char	*maintenance_file;
	const char	*result_dir;
	/* NULL: every include line is an error */
	const struct config_reader *reader;
};

/*
 * Parse `len` bytes of `text` (need not be NUL-terminated) read from
 * `file` (used only in messages) on top of the defaults.  Returns a new
 * config, or NULL when there is any error; every error found (not just
 * the first) is appended to *errs.  On ENOMEM returns NULL with errno
 * set and possibly no message.
 */
struct config	*config_parse(const char *file, const char *text,
		    size_t len, const struct config_paths *paths,
		    struct config_errors *errs);

void	config_parse_free(struct config *cfg);
void	config_parse_errors_free(struct config_errors *errs);

/*
 * Whether two checks check the same thing the same way: the same
 * command, or the same probe with the same settings (what a reload
 * compares; interval, timeout and the rest are not looked at).
 */
int	config_check_same(const struct config_check *a,
	    const struct config_check *b);

/* The check called name, or NULL. */
const struct config_check *config_sections_find(const struct config *cfg,
		    const char *name);

/*
 * The value of the last well-formed global "key = value" line for `key`,
 * ignoring anything else wrong with the text (`-s stop` must work with a
 * broken file); malloc'ed, or NULL when there is none.
 */
char	*config_parse_peek(const char *text, size_t len, const char *key);

#endif /* MYDAEMON_CONFIG_H */
