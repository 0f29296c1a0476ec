/*
 * verdict.h - what the running daemon says of its state: the snapshot
 * every answer is rendered from, the verdict it logs and tells systemd
 * (STATUS=) once ready and at each change, and, at start-up, the wait
 * of /health and the agent port for the checks' first results.
 */
#ifndef MYDAEMON_VERDICT_H
#define MYDAEMON_VERDICT_H

struct daemon;
struct snapshot;

/* The daemon whose state is said (call first). */
void	verdict_init(struct daemon *d);

/* Fill snap for an answer (what: ANSWER_PROCESS for process_* too). */
void	verdict_fill(struct snapshot *snap, int what);

/* The verdict as it is now, to systemd (once ready). */
void	verdict_announce(void);

/* A check's result or the maintenance changed: say a new verdict once. */
void	verdict_changed(void);

/*
 * Start-up (not a restart's, which has the old results): hold /health,
 * /health/NAME and the agent port until every check has a first result,
 * at most the longest check timeout and 5 s; verdict_first_done() ends
 * the wait at once (shutdown).
 */
void	verdict_wait_first(void);
void	verdict_first_done(void);

#endif /* MYDAEMON_VERDICT_H */
