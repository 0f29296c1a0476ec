/*
 * activation.c - the environment's hand-over (see activation.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/activation.h"

static struct activation act;

/* A decimal number in [0, max], or -1. */
static long
env_number(const char *s, long max)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return *end != '\0' || errno != 0 || v > max ? -1 : v;
}

static void
names(const char *s)
{
	int i;
	size_t n;

	for (i = 0; s != NULL && i < act.nfds; i++) {
		n = strcspn(s, ":");
		snprintf(act.names[i], sizeof(act.names[i]), "%.*s", (int)n, s);
		s = s[n] == ':' ? s + n + 1 : NULL;
	}
	for (; i < act.nfds; i++)	/* sd_listen_fds_with_names' default */
		snprintf(act.names[i], sizeof(act.names[i]), "unknown");
}

void
activation_capture(void)
{
	long fds, pid, usec, wpid;
	const char *ns;

	memset(&act, 0, sizeof(act));
	act.started_pid = (long)getpid();
	pid = env_number(getenv("LISTEN_PID"), 0x7fffffff);
	fds = env_number(getenv("LISTEN_FDS"), ACTIVATION_MAX_FDS);
	if (pid == (long)getpid() && fds > 0) {
		act.nfds = (int)fds;
		names(getenv("LISTEN_FDNAMES"));
	}
	if ((ns = getenv("NOTIFY_SOCKET")) != NULL && strlen(ns) <
	    sizeof(act.notify) && (ns[0] == '/' || ns[0] == '@'))
		snprintf(act.notify, sizeof(act.notify), "%s", ns);
	usec = env_number(getenv("WATCHDOG_USEC"), 0x7fffffffL);
	wpid = env_number(getenv("WATCHDOG_PID"), 0x7fffffff);
	if (usec > 0 && (getenv("WATCHDOG_PID") == NULL ||
	    wpid == (long)getpid()))
		act.watchdog_usec = (uint64_t)usec;
	if ((pid = env_number(getenv("MYDAEMON_TAKEOVER"), 0x7fffffff)) > 1)
		act.takeover = pid;
	act.log_fd = -1;
	/* Only from a restart: after its sockets, for this very process. */
	if (env_number(getenv("LISTEN_PID"), 0x7fffffff) == (long)getpid() &&
	    env_number(getenv("MYDAEMON_STDERR"), 0x7fffffff) ==
	    ACTIVATION_FIRST_FD + act.nfds)
		act.log_fd = ACTIVATION_FIRST_FD + act.nfds;
	if ((ns = getenv("JOURNAL_STREAM")) != NULL && strlen(ns) <
	    sizeof(act.journal))
		snprintf(act.journal, sizeof(act.journal), "%s", ns);
}

const struct activation *
activation(void)
{
	return &act;
}
