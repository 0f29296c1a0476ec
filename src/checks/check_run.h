/*
 * check_run.h - one run of a check command: a sandboxed process, its
 * output and its timeout.  The scheduler (check_sched.c) embeds one per check
 * and is called back when the run is over.
 *
 * The sandbox: vfork() and execve() (check_spawn.c: the daemon is
 * suspended until the exec, so no child ever holds the daemon's
 * descriptors, which are all close-on-exec), its own process group,
 * default signals and an empty mask, stdin /dev/null, stdout and
 * stderr into a pipe of which the first CHECK_OUTPUT_MAX bytes are
 * kept (read when the run ends, or from the loop once it has lasted
 * 100 ms: check_run.c), an environment of PATH and LANG=C (an
 * on_change hook's adds its MYDAEMON_* variables: hook.c).
 * A timeout sends TERM to the group and to every descendant, KILL
 * shortly after; as the reaper of orphans (check_sched_init) the daemon
 * kills and reaps what a check left behind, even after a setsid().
 */
#ifndef MYDAEMON_CHECK_RUN_H
#define MYDAEMON_CHECK_RUN_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "base/loop.h"
#include "checks/check_status.h"

#define CHECK_OUTPUT_MAX	4096	/* bytes of output kept */
#define CHECK_TEXT_MAX		256	/* bytes of the first line kept */

struct check_run;
typedef void	check_run_done_fn(struct check_run *r);

struct check_run {
	pid_t			 pid;		/* 0: not running */
	struct loop_io		 pipe;
	struct loop_timer	 deadline;
	uint64_t		 timeout_ms;
	int			 timed_out;
	int			 watched;	/* its pipe is in the loop */
	uint64_t		 t0_ms;		/* loop clock at the start */
	double			 started;	/* Unix time of the start */
	char			*out;		/* CHECK_OUTPUT_MAX bytes */
	size_t			 outlen;
	check_run_done_fn	*done;
	void			*arg;
	const char		*what;		/* in messages; NULL: "check" */

	/* The outcome, for done(): */
	enum health_state	 result;
	int			 exit_code;	/* -1: none */
	char			*text;		/* CHECK_TEXT_MAX bytes: till
						   done() returns only */
	double			 duration;
};

/*
 * The text of the run that ends: one for all runs, as done() is called at
 * once and nothing else ends meanwhile (run_over's, probe_outcome's).
 */
extern char	check_run_text[CHECK_TEXT_MAX];

/*
 * Start argv with this timeout, in the environment envp (NULL: the
 * checks' PATH and LANG=C; the caller's must hold those two as well and
 * may be freed once this returns).  Returns 0 when the run is on
 * (done() follows, from the loop), -1 with errno when no run could be
 * made (no pipe, no memory).  A command that cannot be executed is a
 * run that ended at once with exit code 127, as a shell would say.
 */
int	check_run_start(struct check_run *r, char *const argv[],
	    char *const envp[], uint64_t timeout_ms);

/* The checks' environment: "PATH=..." then "LANG=C". */
extern char *const check_run_env[];

/* A reaped child: if it is r's, finish the run (done() is called). */
int	check_run_reaped(struct check_run *r, pid_t pid, int status);

/* Kill a run's processes and forget it: done() is not called. */
void	check_run_abort(struct check_run *r);

/*
 * Once the daemon's pid is its last (after any fork): keep a descriptor
 * on the list of its children, for check_run_sweep().
 */
void	check_run_init(void);

/*
 * Kill what checks left behind: children of the daemon that are not
 * running checks (`running` says which pids are) nor in their groups.
 */
void	check_run_sweep(int (*running)(pid_t pid));

/*
 * Pure: a wait status as a Nagios result, with the text /health shows
 * (the first line of the output, or what went wrong).
 */
enum health_state check_run_judge(int status, int timed_out,
		    uint64_t timeout_ms, const char *out, size_t outlen,
		    int *exit_code, char *text, size_t size);

#endif /* MYDAEMON_CHECK_RUN_H */
