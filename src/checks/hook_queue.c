/*
 * hook_queue.c - the on_change hooks' jobs and queue (see hook_queue.h).
 *
 * The queue is a ring of pointers: a flapping check fills it in a
 * moment while one slow hook runs, and dropping the oldest must cost
 * nothing.  The newest changes are the ones kept: they say how things
 * are now.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_run.h"
#include "checks/hook_queue.h"

void
hook_sanitize(char *dst, size_t size, const char *src, size_t len)
{
	size_t i, n;

	if (size == 0)
		return;
	n = len < size - 1 ? len : size - 1;
	/* Cut before a UTF-8 character that would not fit whole. */
	if (n < len)
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = (ch < 0x20 && ch != '\t' && ch != '\n') ||
		    ch == 0x7f ? ' ' : (char)ch;
	}
	dst[n] = '\0';
}

static char **
copy_argv(char *const argv[])
{
	char **v;
	size_t n, i;

	for (n = 0; argv[n] != NULL; n++)
		;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((v[i] = strdup(argv[i])) == NULL)
			break;
	if (i == n)
		return v;
	while (i > 0)
		free(v[--i]);
	free(v);
	return NULL;
}

/* "NAME=value", malloc'ed. */
static char *
var(const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char *s;

	if ((s = malloc(len)) != NULL)
		snprintf(s, len, "%s=%s", name, value);
	return s;
}

static int
build_env(struct hook_job *j, const struct hook_change *ch)
{
	char out[HOOK_OUTPUT_MAX], since[32], check[256], host[256];
	size_t i;

	hook_sanitize(out, sizeof(out), ch->output, ch->outlen);
	hook_sanitize(check, sizeof(check), ch->check, strlen(ch->check));
	hook_sanitize(host, sizeof(host), ch->host, strlen(ch->host));
	snprintf(since, sizeof(since), "%lld", ch->since);
	j->env[0] = strdup(check_run_env[0]);
	j->env[1] = strdup(check_run_env[1]);
	j->env[2] = var("MYDAEMON_CHECK", check);
	j->env[3] = var("MYDAEMON_STATE", ch->state);
	j->env[4] = var("MYDAEMON_PREVIOUS", ch->previous);
	j->env[5] = var("MYDAEMON_OUTPUT", out);
	j->env[6] = var("MYDAEMON_HOST", host);
	j->env[7] = var("MYDAEMON_SINCE", since);
	j->env[8] = NULL;
	for (i = 0; i < HOOK_ENV_N - 1; i++)
		if (j->env[i] == NULL)
			return -1;
	return 0;
}

struct hook_job *
hook_job_new(char *const argv[], const struct hook_change *ch)
{
	struct hook_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	if ((j->argv = copy_argv(argv)) == NULL ||
	    (j->check = strdup(ch->check)) == NULL ||
	    build_env(j, ch) == -1) {
		hook_job_free(j);
		errno = ENOMEM;
		return NULL;
	}
	return j;
}

void
hook_job_free(struct hook_job *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; j->argv != NULL && j->argv[i] != NULL; i++)
		free(j->argv[i]);
	free(j->argv);
	for (i = 0; i < HOOK_ENV_N; i++)
		free(j->env[i]);
	free(j->check);
	free(j);
}

int
hook_queue_push(struct hook_queue *q, struct hook_job *j)
{
	int dropped = 0;

	if (q->n == HOOK_QUEUE_MAX) {
		hook_job_free(hook_queue_pop(q));
		q->dropped++;
		dropped = 1;
	}
	q->v[(q->head + q->n++) % HOOK_QUEUE_MAX] = j;
	return dropped;
}

struct hook_job *
hook_queue_pop(struct hook_queue *q)
{
	struct hook_job *j;

	if (q->n == 0)
		return NULL;
	j = q->v[q->head];
	q->v[q->head] = NULL;
	q->head = (q->head + 1) % HOOK_QUEUE_MAX;
	q->n--;
	return j;
}

size_t
hook_queue_clear(struct hook_queue *q)
{
	size_t n = q->n;

	while (q->n > 0)
		hook_job_free(hook_queue_pop(q));
	q->head = 0;
	return n;
}
