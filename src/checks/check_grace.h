/*
 * check_grace.h - start_grace (SPEC 20), between the scheduler
 * (check_sched.c), the set of checks (check_set.c) and check_grace.c.
 * Internal to the checks.
 */
#ifndef MYDAEMON_CHECK_GRACE_H
#define MYDAEMON_CHECK_GRACE_H

struct check;

/* A new check (reload: added by a reload): its grace starts now. */
void	check_grace_begin(struct check *c, int reload);

/* A check kept across a reload: a changed start_grace moves the end. */
void	check_grace_update(struct check *c);

/* A result was taken: ok ends the grace, else the check is pending. */
void	check_grace_result(struct check *c);

/* A restart's result for c: the old process had seen the grace out. */
void	check_grace_seeded(struct check *c);

/* c is being destroyed. */
void	check_grace_forget(struct check *c);

#endif /* MYDAEMON_CHECK_GRACE_H */
