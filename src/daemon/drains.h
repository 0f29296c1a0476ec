/*
 * drains.h - the drains in force in the running daemon: the host's (the
 * maintenance file, SPEC 15) and each check's (SPEC 21, a file beside
 * it per check), read at start, on SIGUSR2 and on reload; a drain with
 * an end (-s drain -d) is over by itself when its time comes, also one
 * whose end passed while the daemon was stopped.  Every change is
 * logged at notice.
 */
#ifndef MYDAEMON_DRAINS_H
#define MYDAEMON_DRAINS_H

struct daemon;
struct snapshot;

/*
 * The daemon whose drains these are (d->drain is the host's); `changed`
 * is called when a drain ends by itself.
 */
void	drains_init(struct daemon *d, void (*changed)(void));

/* Read every drain again (the configuration's checks and paths). */
void	drains_read(void);

/* The checks' drains in force, and the host's end, for an answer. */
void	drains_fill(struct snapshot *snap);

/* Forget them all (at exit). */
void	drains_fini(void);

#endif /* MYDAEMON_DRAINS_H */
