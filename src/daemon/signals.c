/*
 * signals.c - the self-pipe (see signals.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "base/sig.h"
#include "daemon/signals.h"
#include "instance/state.h"

/* The proofs that the daemon acted, read from its state file. */
static int
reloaded(const struct state_info *before, const struct state_info *now)
{
	return now->reload_done > before->reload_started;
}

static int
reopened(const struct state_info *before, const struct state_info *now)
{
	return now->reopens + now->reopen_failed >
	    before->reopens + before->reopen_failed;
}

static int
read_maintenance(const struct state_info *before,
    const struct state_info *now)
{
	return now->drain_reads > before->drain_reads;
}

static const struct signal_entry table[] = {
	{ SIGHUP, "SIGHUP", SIGNAL_RELOAD, "reload", reloaded },
	{ SIGUSR1, "SIGUSR1", SIGNAL_REOPEN, "reopen", reopened },
	{ SIGUSR2, "SIGUSR2", SIGNAL_MAINTENANCE, "drain", read_maintenance },
	{ SIGTERM, "SIGTERM", SIGNAL_STOP, "stop", NULL },
	{ SIGINT, "SIGINT", SIGNAL_STOP, NULL, NULL },
	{ SIGCHLD, "SIGCHLD", SIGNAL_CHILD, NULL, NULL },
};
#define NHANDLED	(sizeof(table) / sizeof(table[0]))

static int			 pipefd[2] = { -1, -1 };
/* Set when a byte could not be written because the pipe was full. */
static volatile sig_atomic_t	 overflow[NHANDLED];
/*
 * A stop signal, also set aside: it is handled before the bytes queued
 * ahead of it, or a storm of SIGHUPs (each a reload) would delay the
 * shutdown by all the reloads it queued.
 */
static volatile sig_atomic_t	 stop_pending;
/* Stop signals received, each once (their bytes may be read twice). */
static volatile sig_atomic_t	 stops;
/*
 * A SIGCHLD's byte is in the pipe, not read yet: another SIGCHLD needs
 * none, as one reaping collects every child that has exited.  Cleared
 * before each read of the pipe, so that a SIGCHLD after it writes anew.
 */
static volatile sig_atomic_t	 child_queued;

static void
on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	size_t i;

	for (i = 0; i < NHANDLED; i++)
		if (table[i].signo == signo && table[i].work == SIGNAL_STOP) {
			stop_pending = signo;
			stops++;
		}
	if (signo == SIGCHLD) {
		if (child_queued)
			return;		/* errno untouched */
		child_queued = 1;
	}
	if (write(pipefd[1], &b, 1) != 1) {
		for (i = 0; i < NHANDLED; i++)
			if (table[i].signo == signo)
				overflow[i] = 1;
	}
	errno = saved;
}

void
signals_reset(void)
{
	struct sigaction sa;
	sigset_t all;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)	/* KILL, STOP fail: fine */
		if (sigaction(sig, &sa, NULL) == -1 && errno == EINVAL &&
		    sig != SIGKILL && sig != SIGSTOP)
			(void)sig_default(sig);	/* glibc's own two */
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

int
signals_init(void)
{
	struct sigaction sa;
	size_t i;

	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NHANDLED; i++)
		sigaddset(&sa.sa_mask, table[i].signo);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_signal;
	for (i = 0; i < NHANDLED; i++)
		if (sigaction(table[i].signo, &sa, NULL) == -1)
			return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		return -1;
	return pipefd[0];
}

int
signals_ignore(int signo)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	return sigaction(signo, &sa, NULL);
}

void
signals_fini(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (pipefd[i] != -1)
			close(pipefd[i]);
		pipefd[i] = -1;
	}
}

int
signals_next(void)
{
	static unsigned char buf[64];
	static ssize_t have, at;
	ssize_t n;
	size_t i;

	if (stop_pending != 0) {	/* first; its byte comes again later */
		i = (size_t)stop_pending;
		stop_pending = 0;
		return (int)i;
	}
	/* One read for many: a flood of signals costs few system calls. */
	if (at == have) {
		child_queued = 0;
		n = read(pipefd[0], buf, sizeof(buf));
	} else
		n = 0;
	if (n > 0) {
		have = n;
		at = 0;
	}
	if (at < have)
		return buf[at++];
	for (i = 0; i < NHANDLED; i++) {
		if (overflow[i]) {
			overflow[i] = 0;
			return table[i].signo;
		}
	}
	return 0;
}

int
signals_stops(void)
{
	return (int)stops;
}

const struct signal_entry *
signals_by_number(int signo)
{
	size_t i;

	for (i = 0; i < NHANDLED; i++)
		if (table[i].signo == signo)
			return &table[i];
	return NULL;
}

const struct signal_entry *
signals_by_action(const char *action)
{
	size_t i;

	for (i = 0; i < NHANDLED; i++)
		if (table[i].action != NULL &&
		    strcmp(table[i].action, action) == 0)
			return &table[i];
	return NULL;
}

const char *
signals_name(int signo)
{
	const struct signal_entry *e = signals_by_number(signo);

	return e != NULL ? e->name : "signal";
}
