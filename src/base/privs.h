/*
 * privs.h - the user and group the daemon runs as.
 */
#ifndef MYDAEMON_PRIVS_H
#define MYDAEMON_PRIVS_H

#include <sys/types.h>
#include <stddef.h>

struct privs {
	char	*user;		/* NULL: keep the current identity */
	uid_t	 uid;		/* (uid_t)-1 when user is NULL */
	gid_t	 gid;		/* (gid_t)-1 when neither is set */
	int	 set_group;	/* group given explicitly */
};

/*
 * Look up user and group (either may be NULL).  Returns 0, or -1 with a
 * reason in err ("user \"x\" does not exist").  `which` tells the
 * caller which key was wrong: 'u' or 'g'.
 */
int	privs_lookup(const char *user, const char *group, struct privs *p,
	    int *which, char *err, size_t errlen);

/*
 * Become p->uid/p->gid for good: supplementary groups, then gid, then
 * uid, then prove that root cannot be regained.  Not root and already
 * that user: nothing to do.  Returns 0, or -1 with a reason in err.
 */
int	privs_drop(const struct privs *p, char *err, size_t errlen);

void	privs_free(struct privs *p);

#endif /* MYDAEMON_PRIVS_H */
