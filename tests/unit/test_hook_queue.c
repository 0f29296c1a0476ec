/*
 * test_hook_queue.c - the on_change hooks' jobs and queue (hook_queue.h):
 * the order of the changes, the oldest dropped and counted when 100
 * wait, the environment a hook gets and how its output is made safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/hook_queue.h"
#include "tap.h"

static char *const argv[] = { "/bin/notify", "-x", NULL };

static struct hook_job *
job(const char *check, const char *state)
{
	struct hook_change ch = { check, state, "ok", "text", 4, "host1",
	    1700000000 };

	return hook_job_new(argv, &ch);
}

/* The value of NAME in j's environment, or NULL. */
static const char *
env(const struct hook_job *j, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; j->env[i] != NULL; i++)
		if (strncmp(j->env[i], name, n) == 0 && j->env[i][n] == '=')
			return j->env[i] + n + 1;
	return NULL;
}

static void
test_env(void)
{
	struct hook_change ch = { "disk", "critical", "ok",
	    "DISK CRITICAL\0-\x01\x1b[31m\tx\ny\x7f", 26, "web1", 1700000123 };
	struct hook_job *j = hook_job_new(argv, &ch);

	ok(j != NULL, "a job is made");
	ok(strcmp(j->argv[0], "/bin/notify") == 0 &&
	    strcmp(j->argv[1], "-x") == 0 && j->argv[2] == NULL &&
	    j->argv != (char **)argv, "the command is copied");
	ok(strncmp(j->env[0], "PATH=/", 6) == 0 &&
	    strcmp(j->env[1], "LANG=C") == 0, "PATH and LANG=C first");
	ok(strcmp(env(j, "MYDAEMON_CHECK"), "disk") == 0 &&
	    strcmp(env(j, "MYDAEMON_STATE"), "critical") == 0 &&
	    strcmp(env(j, "MYDAEMON_PREVIOUS"), "ok") == 0 &&
	    strcmp(env(j, "MYDAEMON_HOST"), "web1") == 0 &&
	    strcmp(env(j, "MYDAEMON_SINCE"), "1700000123") == 0,
	    "check, state, previous, host, since");
	is_str(env(j, "MYDAEMON_OUTPUT"), "DISK CRITICAL -  [31m\tx\ny ",
	    "the output: NUL and controls are spaces, tab and newline kept");
	ok(j->env[8] == NULL, "nothing else in the environment");
	hook_job_free(j);
	ch.check = "";
	j = hook_job_new(argv, &ch);
	ok(j != NULL && strcmp(env(j, "MYDAEMON_CHECK"), "") == 0,
	    "the host's: MYDAEMON_CHECK is empty");
	hook_job_free(j);
}

static void
test_sanitize(void)
{
	char big[3000], dst[HOOK_OUTPUT_MAX];
	const char *e = "\xc3\xa9";	/* é */
	size_t i;

	for (i = 0; i + 1 < sizeof(big); i += 2)
		memcpy(big + i, e, 2);
	hook_sanitize(dst, sizeof(dst), big, sizeof(big) - 1);
	ok(strlen(dst) <= HOOK_OUTPUT_MAX - 1 && strlen(dst) % 2 == 0,
	    "bounded, no UTF-8 character cut in two (%zu bytes)",
	    strlen(dst));
	memset(big, 'a', sizeof(big));
	hook_sanitize(dst, sizeof(dst), big, sizeof(big));
	ok(strlen(dst) == HOOK_OUTPUT_MAX - 1, "ASCII: cut at the bound");
	hook_sanitize(dst, sizeof(dst), "", 0);
	ok(dst[0] == '\0', "empty stays empty");
}

static void
test_order(void)
{
	struct hook_queue q = { 0 };
	struct hook_job *j;
	char name[16];
	int i, good = 1;

	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		good &= hook_queue_push(&q, job(name, "ok")) == 0;
	}
	ok(good && q.n == 10 && q.dropped == 0, "ten wait, none dropped");
	for (i = 0; i < 10 && (j = hook_queue_pop(&q)) != NULL; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		good &= strcmp(j->check, name) == 0;
		hook_job_free(j);
	}
	ok(good && i == 10, "they come out in the order of the changes");
	ok(hook_queue_pop(&q) == NULL, "then none");
}

static void
test_overflow(void)
{
	struct hook_queue q = { 0 };
	struct hook_job *j;
	char name[16];
	int i, drops = 0, good = 1;

	for (i = 0; i < HOOK_QUEUE_MAX + 25; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		drops += hook_queue_push(&q, job(name, "ok"));
	}
	ok(q.n == HOOK_QUEUE_MAX, "at most %d wait", HOOK_QUEUE_MAX);
	ok(drops == 25 && q.dropped == 25, "25 dropped and counted (%d)",
	    drops);
	for (i = 25; (j = hook_queue_pop(&q)) != NULL; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		good &= strcmp(j->check, name) == 0;
		hook_job_free(j);
	}
	ok(good && i == HOOK_QUEUE_MAX + 25,
	    "the oldest were dropped, the newest kept in order");
	for (i = 0; i < 7; i++)
		hook_queue_push(&q, job("x", "ok"));
	ok(hook_queue_clear(&q) == 7 && q.n == 0 && q.dropped == 25,
	    "clearing frees the 7 waiting, not counted as dropped");
}

int
main(void)
{
	test_env();
	test_sanitize();
	test_order();
	test_overflow();
	return done_testing();
}
