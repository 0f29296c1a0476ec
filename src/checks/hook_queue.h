/*
 * hook_queue.h - the pure half of the on_change hooks (SPEC 21): a job
 * is one hook to run (its command, copied, and its environment, built
 * from the change), the queue keeps at most HOOK_QUEUE_MAX of them in
 * the order of the changes and drops the oldest when full.  No loop, no
 * clock, no logging: hook.c runs them.
 */
#ifndef MYDAEMON_HOOK_QUEUE_H
#define MYDAEMON_HOOK_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#define HOOK_QUEUE_MAX	100	/* jobs waiting at most */
#define HOOK_OUTPUT_MAX	1024	/* bytes of MYDAEMON_OUTPUT at most */
#define HOOK_ENV_N	9	/* PATH, LANG, 6 MYDAEMON_*, NULL */

/* What changed: the strings need only last the call of hook_job_new. */
struct hook_change {
	const char	*check;		/* "" for the host's verdict */
	const char	*state, *previous;
	const char	*output;	/* any bytes */
	size_t		 outlen;
	const char	*host;
	long long	 since;		/* Unix time of the change */
};

struct hook_job {
	char		**argv;		/* the command, copied */
	char		 *env[HOOK_ENV_N];
	char		 *check;	/* "" for the host */
};

/*
 * A job for argv (copied: a reload may free it) and this change, or
 * NULL with errno ENOMEM.
 */
struct hook_job	*hook_job_new(char *const argv[], const struct hook_change *ch);
void		 hook_job_free(struct hook_job *j);

/*
 * len bytes of src as an environment value in dst: NUL and the other
 * control characters but tab and newline become spaces, and at most
 * size - 1 bytes are kept, not cutting a UTF-8 character in two.
 */
void	hook_sanitize(char *dst, size_t size, const char *src, size_t len);

struct hook_queue {
	struct hook_job	*v[HOOK_QUEUE_MAX];
	size_t		 head, n;
	uint64_t	 dropped;	/* in all */
};

/*
 * Queue j last.  When HOOK_QUEUE_MAX wait already, the oldest is freed
 * and counted in dropped: returns 1 then, 0 otherwise.
 */
int		 hook_queue_push(struct hook_queue *q, struct hook_job *j);

/* The oldest job, taken off the queue, or NULL. */
struct hook_job	*hook_queue_pop(struct hook_queue *q);

/* Free every job waiting (not counted as dropped); how many there were. */
size_t		 hook_queue_clear(struct hook_queue *q);

#endif /* MYDAEMON_HOOK_QUEUE_H */
