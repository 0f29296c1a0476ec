/*
 * loop.h - the one event loop: epoll for descriptors, a binary heap of
 * monotonic-clock timers.  Everything the daemon does after start-up
 * happens in a callback called from loop_run_once(); nothing blocks.
 */
#ifndef MYDAEMON_LOOP_H
#define MYDAEMON_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct loop_io;
struct loop_timer;
typedef void	loop_io_cb(struct loop_io *io, uint32_t events);
typedef void	loop_timer_cb(struct loop_timer *t);

/* A watched descriptor.  Embed it in your own struct. */
struct loop_io {
	int		 fd;
	loop_io_cb	*cb;
	void		*arg;
};

/* A one-shot timer.  Embed it; `slot` is the loop's business. */
struct loop_timer {
	uint64_t	 due_ms;
	loop_timer_cb	*cb;
	void		*arg;
	size_t		 slot;		/* index in the heap + 1, 0 = idle */
	uint64_t	 seq;		/* when it was armed, in armings */
};

/* Create the epoll instance (close-on-exec).  Returns 0 or -1. */
int		loop_init(void);
void		loop_fini(void);

/* Watch io->fd for EPOLLIN/EPOLLOUT...; add, change, forget. 0 or -1. */
int		loop_add(struct loop_io *io, uint32_t events);
int		loop_mod(struct loop_io *io, uint32_t events);
void		loop_del(struct loop_io *io);

/*
 * Arm (or re-arm) a timer to fire `ms` from now; disarm it.  A timer
 * armed from a timer callback fires at the earliest in the next turn.
 */
int		loop_timer_set(struct loop_timer *t, uint64_t ms);
void		loop_timer_cancel(struct loop_timer *t);
int		loop_timer_armed(const struct loop_timer *t);

/* Milliseconds of CLOCK_MONOTONIC, cached once per loop turn. */
uint64_t	loop_now(void);
uint64_t	loop_now_fresh(void);

/* Unix time in seconds (CLOCK_REALTIME), for humans and /status. */
double		loop_wallclock(void);

/*
 * Wait for events (at most until the next timer), run every ready
 * callback and every due timer, and return.  Returns 0, or -1 on a
 * failure of epoll_wait other than EINTR.
 */
int		loop_run_once(void);

#endif /* MYDAEMON_LOOP_H */
