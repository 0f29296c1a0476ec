/*
 * spawn_floor.c - the floor of bench row 18: what running a program costs
 * the process that runs it, with nothing else around.  Built by
 * tests/bench/run (cc -O2), never installed.
 *
 *   spawn_floor [-b] PROGRAM COUNT RATE
 *	COUNT times, RATE times a second (paced on CLOCK_MONOTONIC):
 *	pipe2, posix_spawn PROGRAM with stdin /dev/null and stdout and
 *	stderr into the pipe, read the pipe to its end, waitpid.  One
 *	line: nanoseconds of this process's own CPU (/proc/self/schedstat,
 *	the first field, as the bench reads the daemon's) per run.  The
 *	children are other tasks: their CPU is not counted, as it is not
 *	for the daemon.
 *   -b	the bare minimum instead (row 18b): vfork, execve PROGRAM,
 *	waitpid, and nothing else: no pipe, no descriptor, no signal
 *	step.  What any process that runs a program pays the kernel.
 */
#define _GNU_SOURCE	/* pipe2 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static unsigned long long
cpu_ns(void)
{
	unsigned long long ns = 0;
	FILE *f = fopen("/proc/self/schedstat", "r");

	if (f == NULL || fscanf(f, "%llu", &ns) != 1) {
		perror("spawn_floor: /proc/self/schedstat");
		exit(1);
	}
	fclose(f);
	return ns;
}

static void
one_run(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	char buf[4096];
	pid_t pid;
	int p[2], status, e;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) == -1) {
		perror("spawn_floor: pipe2");
		exit(1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (e != 0) {
		errno = e;
		perror("spawn_floor: posix_spawn");
		exit(1);
	}
	while ((n = read(p[0], buf, sizeof(buf))) != 0)
		if (n == -1 && errno != EINTR) {
			perror("spawn_floor: read");
			exit(1);
		}
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			perror("spawn_floor: waitpid");
			exit(1);
		}
}

/* -b: a program run with nothing around it. */
static void
bare_run(char *const argv[])
{
	pid_t pid;
	int status;

	if ((pid = vfork()) == 0) {
		execve(argv[0], argv, environ);
		_exit(127);
	}
	if (pid == -1) {
		perror("spawn_floor: vfork");
		exit(1);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			perror("spawn_floor: waitpid");
			exit(1);
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		fprintf(stderr, "spawn_floor: %s did not run\n", argv[0]);
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	struct timespec next;
	unsigned long long c0;
	long count, rate, i, step;
	char *prog[2];
	void (*run)(char *const []) = one_run;

	if (argc > 1 && strcmp(argv[1], "-b") == 0) {
		run = bare_run;
		argc--;
		argv++;
	}
	if (argc != 4 || (count = atol(argv[2])) <= 0 ||
	    (rate = atol(argv[3])) <= 0) {
		fprintf(stderr,
		    "usage: spawn_floor [-b] PROGRAM COUNT RATE\n");
		return 2;
	}
	prog[0] = argv[1];
	prog[1] = NULL;
	step = 1000000000L / rate;
	run(prog);			/* warm: the first one pays more */
	clock_gettime(CLOCK_MONOTONIC, &next);
	c0 = cpu_ns();
	for (i = 0; i < count; i++) {
		next.tv_nsec += step;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
		    NULL) == EINTR)
			;
		run(prog);
	}
	printf("%.0f\n", (double)(cpu_ns() - c0) / (double)count);
	return 0;
}
