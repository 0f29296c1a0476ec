/*
 * check_depends.h - checks that wait for others (SPEC 20), between the
 * scheduler (check_sched.c), the set of checks (check_set.c) and
 * check_depends.c.  Internal to the checks.
 */
#ifndef MYDAEMON_CHECK_DEPENDS_H
#define MYDAEMON_CHECK_DEPENDS_H

struct check;

/* The set changed (start-up, reload): find each one's dependencies. */
void	check_depends_configure(void);

/*
 * A state changed: work out again which checks wait.  One that starts
 * waiting shows "unknown: waiting for NAME (STATE)" over its own state;
 * one whose dependencies are all ok again shows its own and runs now.
 */
void	check_depends_eval(void);

/* Is c waiting (not to be started)? */
int	check_depends_blocked(const struct check *c);

/*
 * A result of c is coming (a run that was going on, a restart's seed):
 * its own state back in st until the next check_depends_eval().
 */
void	check_depends_lift(struct check *c);

/* c is being destroyed. */
void	check_depends_forget(struct check *c);

#endif /* MYDAEMON_CHECK_DEPENDS_H */
