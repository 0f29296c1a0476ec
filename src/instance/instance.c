/*
 * instance.c - the pidfile and the state file of this instance (see
 * instance.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance/instance.h"
#include "log/log.h"
#include "base/clock.h"
#include "instance/pidfile.h"
#include "instance/state.h"

#define HOLDER_POLL_MS	10

static struct {
	struct pidfile	*pf;
	char		*pidpath;
	char		*statepath;
	int		 statefd;
	int		 shared;	/* with a restart's old process, and
					   not ours until instance_commit() */
	int		 committed;
} in = { .statefd = -1 };

/* The instance holding the lock has finished its start-up. */
static int
holder_ready(pid_t pid)
{
	struct state_info si;

	return state_read(in.statepath, &si) == 0 && si.pid == (long)pid &&
	    !si.stopping && !si.starting;
}

int
instance_claim(const char *pidfile, pid_t takeover, uint64_t wait_ms,
    pid_t *running, char *err, size_t errlen)
{
	uint64_t deadline;
	pid_t other;

	if (pidfile == NULL)
		return 0;
	if ((in.pidpath = strdup(pidfile)) == NULL ||
	    (in.statepath = state_path(pidfile)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	deadline = clock_ms() + wait_ms;
	while ((in.pf = pidfile_open(in.pidpath, takeover, &other, err,
	    errlen)) == NULL) {
		if (errno != EEXIST)
			return -1;
		if (holder_ready(other)) {
			*running = other;
			return 1;
		}
		if (clock_ms() >= deadline) {
			snprintf(err + strlen(err), errlen - strlen(err),
			    ", but it is not ready");
			return -1;
		}
		clock_sleep_ms(HOLDER_POLL_MS);
	}
	atexit(instance_release);
	/* As root, while we may: the file is the old process's until then. */
	in.shared = takeover != 0;
	if ((in.statefd = state_open(in.statepath, !in.shared)) == -1) {
		snprintf(err, errlen, "cannot open state file %s: %s",
		    in.statepath, errno == EINVAL ? "not a regular file with "
		    "one name" : strerror(errno));
		return -1;
	}
	return in.shared ? 0 : instance_commit(err, errlen);
}

int
instance_commit(char *err, size_t errlen)
{
	if (in.pf == NULL || in.committed)
		return 0;
	if (pidfile_write(in.pf) == -1) {
		snprintf(err, errlen, "cannot write pidfile %s: %s",
		    in.pidpath, strerror(errno));
		return -1;
	}
	in.committed = 1;
	in.shared = 0;		/* the files are ours from now on */
	return 0;
}

void
instance_save(struct state_info *st)
{
	if (in.shared)		/* still the old process's record */
		return;
	if (in.statefd != -1 && state_write(in.statefd, st) == -1)
		log_warn("cannot write state file %s", in.statepath);
}

void
instance_hand_over(const char *new_pidfile)
{
	if (in.pidpath == NULL || strcmp(new_pidfile, in.pidpath) != 0) {
		instance_release();	/* another file: ours goes */
		return;
	}
	/* The same file, the new process's now: only the lock goes. */
	if (in.statefd != -1)
		close(in.statefd);
	in.statefd = -1;
	pidfile_close(in.pf);
	in.pf = NULL;
}

void
instance_release(void)
{
	if (in.statefd != -1 && in.shared)
		close(in.statefd);	/* not committed: the old one's */
	else if (in.statefd != -1) {
		if (unlink(in.statepath) == -1 &&
		    ftruncate(in.statefd, 0) == -1)
			log_warn("cannot remove state file %s", in.statepath);
		close(in.statefd);
	}
	in.statefd = -1;
	if (in.pf != NULL && in.shared)
		pidfile_close(in.pf);
	else
		pidfile_remove(in.pf);
	in.pf = NULL;
	free(in.pidpath);
	free(in.statepath);
	in.pidpath = in.statepath = NULL;
}
