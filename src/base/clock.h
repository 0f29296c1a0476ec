/*
 * clock.h - the time, for code that runs no loop (`mydaemon -s`, the
 * start-up's waits); the loop caches the same clock once a turn (loop.h).
 */
#ifndef MYDAEMON_CLOCK_H
#define MYDAEMON_CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and durations. */
uint64_t	clock_ms(void);

/* Microseconds of CLOCK_MONOTONIC: for short durations. */
uint64_t	clock_us(void);

/* Unix time in seconds (CLOCK_REALTIME), for humans and /status. */
double		clock_wall(void);

/* Sleep ms milliseconds (a signal may end it early). */
void		clock_sleep_ms(long ms);

#endif /* MYDAEMON_CLOCK_H */
