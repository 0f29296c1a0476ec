/*
 * status.h - what /health, /status and /metrics say, rendered by pure
 * functions from one snapshot struct.  The renderers never read clocks or
 * globals: the caller fills a struct status_info and gets bytes back.
 */
#ifndef MYDAEMON_STATUS_H
#define MYDAEMON_STATUS_H

#include <stddef.h>
#include <stdint.h>

enum health_state {
	HEALTH_OK = 0,
	HEALTH_WARNING = 1,
	HEALTH_CRITICAL = 2,
	HEALTH_UNKNOWN = 3
};

/* HTTP status codes counted by /metrics, in this order. */
#define STATUS_CODES	{ 200, 400, 404, 405, 408, 413, 431, 500, 503, 505 }
#define STATUS_NCODES	10

struct status_info {
	const char	*version;
	long		 pid;
	double		 start_time;		/* Unix time, seconds */
	double		 now;			/* Unix time, seconds */
	const char	*config_file;
	unsigned long	 generation;

	int		 maintenance;		/* 0/1 */
	enum health_state health;		/* after rise/fall */
	const char	*health_text;		/* first output line, no perf data */

	/* The last check; has_check 0 when no check_command is set. */
	int		 has_check;
	int		 check_ran;		/* 0 until the first result */
	const char	*check_command;
	int		 check_exit_code;	/* -1: none (signal, timeout...) */
	enum health_state check_result;	/* of the last run, no hysteresis */
	const char	*check_output;		/* whole captured output */
	size_t		 check_output_len;	/* may hold any byte, even NUL */
	double		 check_started;		/* Unix time */
	double		 check_duration;	/* seconds */
	uint64_t	 check_runs, check_timeouts, check_skipped;

	uint64_t	 reloads_ok, reloads_failed;
	uint64_t	 log_reopens, log_reopen_failed, log_dropped;
	uint64_t	 connections;		/* open now */
	uint64_t	 requests;		/* answered, all codes */
	uint64_t	 requests_by_code[STATUS_NCODES];
};

/* A growable output buffer.  Renderers append; on ENOMEM `failed` is set. */
struct status_buf {
	char	*data;
	size_t	 len, cap;
	int	 failed;
};

void	status_buf_reset(struct status_buf *b);	/* len = 0, keep memory */
void	status_buf_free(struct status_buf *b);
void	status_buf_append(struct status_buf *b, const char *s, size_t n);
void	status_buf_printf(struct status_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * /health: returns the HTTP status (200 or 503) and appends the body:
 * "ok\n", "warning: TEXT\n", "maintenance\n", "critical: TEXT\n",
 * "unknown: TEXT\n".  TEXT is health_text with control bytes replaced.
 */
int	status_health(const struct status_info *si, struct status_buf *b);

/* /status: one JSON object (see status.c for the fields), ends in "\n". */
void	status_json(const struct status_info *si, struct status_buf *b);

/* /metrics: Prometheus text format 0.0.4. */
void	status_metrics(const struct status_info *si, struct status_buf *b);

/* Index of code in STATUS_CODES, or -1. */
int	status_code_index(int code);

const char	*status_health_name(enum health_state h);

#endif /* MYDAEMON_STATUS_H */
