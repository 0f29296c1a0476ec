/*
 * privs.c - dropping root (see privs.h).
 *
 * Order matters: groups first, while we still may change them; setuid()
 * last; then setuid(0) must fail, or the drop did not stick.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/privs.h"

int
privs_lookup(const char *user, const char *group, struct privs *p,
    int *which, char *err, size_t errlen)
{
	struct passwd *pw;
	struct group *gr;

	memset(p, 0, sizeof(*p));
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	if (user != NULL) {
		errno = 0;
		if ((pw = getpwnam(user)) == NULL) {
			*which = 'u';
			snprintf(err, errlen, "user \"%s\" does not exist",
			    user);
			return -1;
		}
		p->uid = pw->pw_uid;
		p->gid = pw->pw_gid;
		if ((p->user = strdup(user)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (group != NULL) {
		if ((gr = getgrnam(group)) == NULL) {
			*which = 'g';
			snprintf(err, errlen, "group \"%s\" does not exist",
			    group);
			privs_free(p);
			return -1;
		}
		p->gid = gr->gr_gid;
		p->set_group = 1;
	}
	return 0;
}

void
privs_free(struct privs *p)
{
	free(p->user);
	p->user = NULL;
}

/*
 * Supplementary groups: the user's memberships from the group database,
 * without the primary group (which setgid gives anyway), so that user
 * nobody ends up with none at all.  With `group` set: none either.
 */
static int
set_groups(const struct privs *p)
{
	gid_t *groups = NULL;
	int n = 0, i, k = 0, r;

	if (p->user != NULL && !p->set_group) {
		/* The first call only counts (and fails, since n is 0). */
		getgrouplist(p->user, p->gid, NULL, &n);
		if ((groups = calloc((size_t)n + 1, sizeof(*groups))) == NULL ||
		    getgrouplist(p->user, p->gid, groups, &n) == -1) {
			free(groups);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (groups[i] != p->gid)
				groups[k++] = groups[i];
	}
	r = setgroups((size_t)k, groups);
	free(groups);
	return r;
}

int
privs_drop(const struct privs *p, char *err, size_t errlen)
{
	if (p->uid == (uid_t)-1 && p->gid == (gid_t)-1)
		return 0;
	if (geteuid() != 0) {
		if ((p->uid == (uid_t)-1 || p->uid == geteuid()) &&
		    (p->gid == (gid_t)-1 || p->gid == getegid()))
			return 0;
		snprintf(err, errlen, "cannot switch to user %s: "
		    "not started as root", p->user ? p->user : "(unset)");
		return -1;
	}
	if (p->gid != (gid_t)-1 &&
	    (set_groups(p) == -1 || setgid(p->gid) == -1)) {
		snprintf(err, errlen, "cannot switch to group %ld: %s",
		    (long)p->gid, strerror(errno));
		return -1;
	}
	if (p->uid != (uid_t)-1 && setuid(p->uid) == -1) {
		snprintf(err, errlen, "cannot switch to user %s: %s",
		    p->user, strerror(errno));
		return -1;
	}
	if (p->uid != (uid_t)-1 && p->uid != 0 &&
	    (setuid(0) != -1 || seteuid(0) != -1 || getuid() != p->uid ||
	    geteuid() != p->uid)) {
		snprintf(err, errlen, "dropping privileges did not stick");
		return -1;
	}
	return 0;
}
