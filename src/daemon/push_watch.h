/*
 * push_watch.h - the daemon's end of pushed results (SPEC 20): it
 * watches the result directory (result_dir.h) on the loop and hands
 * each result found there to its check (check_push_apply()).
 */
#ifndef MYDAEMON_PUSH_WATCH_H
#define MYDAEMON_PUSH_WATCH_H

struct config;
struct privs;

/*
 * Start-up, still root: make the result directory for the user and
 * group the daemon becomes, when some check has a ttl.  A failure is
 * logged; the daemon runs on.
 */
void	push_watch_prepare(const struct config *cfg, const struct privs *p);

/*
 * After the checks of cfg are configured (start-up and every reload):
 * watch cfg's result directory when some check has a ttl (else none),
 * then take what is there already: each check's kept result, then
 * the pending ones.
 */
void	push_watch_configure(const struct config *cfg);

/* Shutdown, or a restart's hand-over: take no more results. */
void	push_watch_stop(void);

#endif /* MYDAEMON_PUSH_WATCH_H */
