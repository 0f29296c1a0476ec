/*
 * check_spawn.c - posix_spawn with the checks' sandbox (see check_spawn.h).
 *
 * The attributes are the same for every run: made once.  The file
 * actions differ only in the descriptor that becomes stdout and stderr,
 * the write end of the run's pipe, which is one of the lowest free
 * numbers: a set of actions is made the first time a number is seen
 * and kept for the next run that gets it.  Making them costs glibc a
 * getrlimit() per action (to check the descriptor), which a run then
 * no longer pays.  Numbers beyond the kept ones get actions made and
 * dropped at each run, as before.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>

#include "checks/check_spawn.h"

#define KEPT_FDS	64	/* pipe ends whose file actions are kept */

static posix_spawnattr_t		attr;
static int				attr_made;
static posix_spawn_file_actions_t	kept[KEPT_FDS];
static unsigned char			kept_made[KEPT_FDS];

/*
 * glibc keeps two real-time signals (32 and 33) for itself: sigfillset()
 * leaves them out and sigaddset() refuses them, and its posix_spawn
 * makes them SIG_IGN in the child unless the child is asked to make them
 * SIG_DFL.  An ignored signal survives exec, so a check would start with
 * them ignored.  Set their bits by hand: a Linux sigset_t is an array of
 * unsigned long, signal n at bit n - 1.
 */
static void
reserved_too(sigset_t *set)
{
	unsigned long *w = (unsigned long *)(void *)set;
	int sig;

	for (sig = 32; sig < SIGRTMIN; sig++)
		w[(sig - 1) / (8 * sizeof(*w))] |=
		    1UL << ((sig - 1) % (8 * sizeof(*w)));
}

/* Own group, default signals, empty mask; 0 or an errno. */
static int
make_attr(void)
{
	sigset_t none, all;
	int e;

	sigemptyset(&none);
	sigfillset(&all);
	reserved_too(&all);
	if ((e = posix_spawnattr_init(&attr)) != 0)
		return e;
	if ((e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)) != 0 ||
	    (e = posix_spawnattr_setpgroup(&attr, 0)) != 0 ||
	    (e = posix_spawnattr_setsigdefault(&attr, &all)) != 0 ||
	    (e = posix_spawnattr_setsigmask(&attr, &none)) != 0) {
		posix_spawnattr_destroy(&attr);
		return e;
	}
	attr_made = 1;
	return 0;
}

/* stdin /dev/null, stdout and stderr on out; 0 or an errno. */
static int
make_actions(posix_spawn_file_actions_t *fa, int out)
{
	int e;

	if ((e = posix_spawn_file_actions_init(fa)) != 0)
		return e;
	if ((e = posix_spawn_file_actions_addopen(fa, 0, "/dev/null",
	    O_RDONLY, 0)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(fa, out, 1)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(fa, out, 2)) != 0) {
		posix_spawn_file_actions_destroy(fa);
		return e;
	}
	return 0;
}

int
check_spawn(pid_t *pid, char *const argv[], char *const envp[], int out)
{
	posix_spawn_file_actions_t once, *fa = &once;
	int e;

	if (!attr_made && (e = make_attr()) != 0)
		return e;
	if (out >= 0 && out < KEPT_FDS) {
		fa = &kept[out];
		if (!kept_made[out]) {
			if ((e = make_actions(fa, out)) != 0)
				return e;
			kept_made[out] = 1;
		}
	} else if ((e = make_actions(fa, out)) != 0)
		return e;
	e = posix_spawnp(pid, argv[0], fa, &attr, argv, envp);
	if (fa == &once)
		posix_spawn_file_actions_destroy(fa);
	return e;
}
