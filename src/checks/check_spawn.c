/*
 * check_spawn.c - start a check's program with the checks' sandbox (see
 * check_spawn.h): vfork() and execve(), as posix_spawnp() would with the
 * attributes the checks had (own group, every signal default, empty
 * mask, stdin /dev/null, stdout and stderr on the pipe).
 *
 * Why not posix_spawnp(): glibc's maps and unmaps a stack for its child
 * at each run, and every step its attributes ask for is a system call
 * of the daemon's.  A vfork() child borrows the daemon's stack and does
 * the steps itself, on its own CPU time: the daemon only waits for its
 * execve().  Until then the child shares the daemon's memory: it calls
 * only system calls, touches nothing but its own stack and the error it
 * reports, and leaves with _exit().  Every signal is blocked around the
 * vfork() so that no handler of the daemon's runs in the child.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sig.h"
#include "checks/check_spawn.h"

#define NSIGS		64	/* Linux signals: 1 to 64 */
#define DEFAULT_PATH	"/bin:/usr/bin"	/* posix_spawnp's without PATH */

/* The child's execve() error, read by the parent once the child is gone. */
static volatile int	child_errno;

/* Every signal default, the two glibc keeps for itself (32 and 33) too. */
static void
child_signals(void)
{
	int sig;

	for (sig = 1; sig <= NSIGS; sig++)
		(void)sig_default(sig);	/* SIGKILL, SIGSTOP just fail */
}

/* Descriptors: stdin /dev/null, stdout and stderr on out; -1 or 0. */
static int
child_fds(int out)
{
	int fd;

	if ((fd = open("/dev/null", O_RDONLY)) == -1)
		return -1;
	if (fd != 0) {
		if (dup2(fd, 0) == -1)
			return -1;
		(void)close(fd);
	}
	/* The pipe's write end, non-blocking for the parent's sake. */
	if (dup2(out, 1) == -1 || dup2(out, 2) == -1 ||
	    fcntl(1, F_SETFL, 0) == -1 ||
	    fcntl(1, F_SETFD, 0) == -1 || fcntl(2, F_SETFD, 0) == -1)
		return -1;
	return 0;
}

/*
 * execve() argv[0] as posix_spawnp() does: as it is if it has a slash,
 * else in each directory of path (an empty one: the current), going on
 * past those that do not have it; EACCES if one had it unexecutable.
 * Returns the errno.
 */
static int
child_exec(char *const argv[], char *const envp[], const char *path)
{
	const char *file = argv[0], *p, *end;
	char buf[PATH_MAX];
	size_t flen = strlen(file), dlen;
	int eacces = 0;

	if (flen == 0)
		return ENOENT;
	if (strchr(file, '/') != NULL) {
		(void)execve(file, argv, envp);
		return errno;
	}
	for (p = path; ; p = end + 1) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		dlen = (size_t)(end - p);
		if (dlen + 1 + flen + 1 <= sizeof(buf)) {
			memcpy(buf, p, dlen);
			buf[dlen] = '/';
			memcpy(buf + dlen + (dlen > 0), file, flen + 1);
			(void)execve(buf, argv, envp);
			switch (errno) {
			case EACCES:
				eacces = 1;
				break;
			case ENOENT: case ENOTDIR: case ESTALE: case ENODEV:
			case ETIMEDOUT: case ENAMETOOLONG:
				break;
			default:
				return errno;
			}
		}
		if (*end == '\0')
			break;
	}
	return eacces ? EACCES : ENOENT;
}

/* The child: the sandbox's steps, then exec; never returns. */
static void __attribute__((noreturn))
child(char *const argv[], char *const envp[], const char *path, int out)
{
	sigset_t none;

	sigemptyset(&none);
	child_signals();
	if (setpgid(0, 0) == -1 || child_fds(out) == -1 ||
	    sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		child_errno = errno;
	else
		child_errno = child_exec(argv, envp, path);
	_exit(127);
}

/* Kept out of check_spawn(): nothing of the caller's lives across it. */
static pid_t __attribute__((noinline))
spawn(char *const argv[], char *const envp[], const char *path, int out)
{
	pid_t p;

	if ((p = vfork()) == 0)
		child(argv, envp, path, out);
	return p;
}

int
check_spawn(pid_t *pid, char *const argv[], char *const envp[], int out)
{
	const char *path = getenv("PATH");
	sigset_t all, old;
	pid_t p;
	int e = 0;

	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &old) == -1)
		return errno;
	child_errno = 0;
	p = spawn(argv, envp, path != NULL ? path : DEFAULT_PATH, out);
	if (p == -1)
		e = errno;
	else if (child_errno != 0) {	/* it never ran: reap it now */
		e = child_errno;
		while (waitpid(p, NULL, 0) == -1 && errno == EINTR)
			;
	} else
		*pid = p;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return e;
}
