/*
 * result.h - `mydaemon -s result NAME STATUS [TEXT]`: push a result for
 * a check that has a ttl (SPEC 20) through the result directory
 * (instance/result_dir.h), and wait until the daemon serves it.
 */
#ifndef MYDAEMON_RESULT_H
#define MYDAEMON_RESULT_H

struct result_req {
	const char	*conffile;	/* says which checks take results */
	const char	*pidfile;	/* -p, or NULL: the configuration's */
	unsigned int	 wait_s;	/* for the daemon to take it */
	const char	*name;
	const char	*status;	/* 0-3, ok, warning, ... */
	const char	*text;		/* or NULL */
};

/*
 * Push the result.  Returns the exit code: 0 the daemon serves it, 7 no
 * daemon runs (the result is kept and applies at its next start), 2 an
 * unknown check, a check without ttl or a bad status, 4 no permission,
 * 1 any other failure (the daemon did not take it in time).  Silent on
 * success, for cron.
 */
int	result_push(const struct result_req *r);

#endif /* MYDAEMON_RESULT_H */
