/*
 * loop.c - epoll plus a timer heap.
 *
 * Callbacks may add, change and delete descriptors and timers, including
 * the one being served: epoll returns a batch, and a descriptor that a
 * callback closes is only a problem if another event for the same
 * struct is still in the batch.  Owners that free a loop_io inside a
 * callback must call loop_del() first; loop_del() scrubs the rest of the
 * current batch so no stale pointer is followed.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/loop.h"

#define LOOP_BATCH	64

static int			 epfd = -1;
static uint64_t			 now_ms;
static struct loop_timer	**heap;
static size_t			 heap_len, heap_cap;
static struct epoll_event	 batch[LOOP_BATCH];
static int			 batch_len, batch_pos;
static uint64_t			 timer_seq;	/* one more per arming */

uint64_t
loop_now_fresh(void)
{
	return now_ms = clock_ms();
}

double
loop_wallclock(void)
{
	return clock_wall();
}

uint64_t
loop_now(void)
{
	return now_ms ? now_ms : loop_now_fresh();
}

int
loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	loop_now_fresh();
	return epfd == -1 ? -1 : 0;
}

void
loop_fini(void)
{
	if (epfd != -1)
		close(epfd);
	epfd = -1;
	free(heap);
	heap = NULL;
	heap_len = heap_cap = 0;
}

int
loop_add(struct loop_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, io->fd, &ev);
}

int
loop_mod(struct loop_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(epfd, EPOLL_CTL_MOD, io->fd, &ev);
}

void
loop_del(struct loop_io *io)
{
	int i;

	epoll_ctl(epfd, EPOLL_CTL_DEL, io->fd, NULL);
	for (i = batch_pos; i < batch_len; i++)
		if (batch[i].data.ptr == io)
			batch[i].data.ptr = NULL;
}

/* --- timer heap, ordered by due_ms; slot is the 1-based index --- */

static void
heap_place(size_t i, struct loop_timer *t)
{
	heap[i] = t;
	t->slot = i + 1;
}

static void
heap_up(size_t i)
{
	struct loop_timer *t = heap[i];

	while (i > 0 && heap[(i - 1) / 2]->due_ms > t->due_ms) {
		heap_place(i, heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_place(i, t);
}

static void
heap_down(size_t i)
{
	struct loop_timer *t = heap[i];
	size_t c;

	while ((c = 2 * i + 1) < heap_len) {
		if (c + 1 < heap_len && heap[c + 1]->due_ms < heap[c]->due_ms)
			c++;
		if (heap[c]->due_ms >= t->due_ms)
			break;
		heap_place(i, heap[c]);
		i = c;
	}
	heap_place(i, t);
}

void
loop_timer_cancel(struct loop_timer *t)
{
	struct loop_timer *moved;
	size_t i;

	if (t->slot == 0)
		return;
	i = t->slot - 1;
	t->slot = 0;
	if (--heap_len == i)
		return;
	moved = heap[heap_len];
	heap_place(i, moved);
	heap_up(i);
	heap_down(moved->slot - 1);
}

int
loop_timer_set(struct loop_timer *t, uint64_t ms)
{
	struct loop_timer **n;

	loop_timer_cancel(t);
	if (heap_len == heap_cap) {
		n = realloc(heap, (heap_cap ? heap_cap * 2 : 64) * sizeof(*n));
		if (n == NULL)
			return -1;
		heap = n;
		heap_cap = heap_cap ? heap_cap * 2 : 64;
	}
	t->due_ms = loop_now() + ms;
	t->seq = ++timer_seq;
	heap_place(heap_len, t);
	heap_up(heap_len++);
	return 0;
}

int
loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != 0;
}

static int
next_timeout(void)
{
	uint64_t now = loop_now_fresh();

	if (heap_len == 0)
		return -1;
	if (heap[0]->due_ms <= now)
		return 0;
	if (heap[0]->due_ms - now > 60000)
		return 60000;
	return (int)(heap[0]->due_ms - now);
}

/*
 * Fire the timers that are due, but only those armed before this call:
 * one that a callback arms again for 0 ms waits for the next turn, so
 * the loop always gets back to its descriptors.
 */
static void
run_timers(void)
{
	struct loop_timer *t;
	uint64_t now = loop_now_fresh(), last = timer_seq;

	while (heap_len > 0 && heap[0]->due_ms <= now &&
	    heap[0]->seq <= last) {
		t = heap[0];
		loop_timer_cancel(t);
		t->cb(t);
	}
}

int
loop_run_once(void)
{
	struct loop_io *io;
	int n;

	n = epoll_wait(epfd, batch, LOOP_BATCH, next_timeout());
	if (n == -1) {
		batch_len = 0;
		return errno == EINTR ? 0 : -1;
	}
	loop_now_fresh();
	batch_len = n;
	for (batch_pos = 0; batch_pos < batch_len; ) {
		io = batch[batch_pos].data.ptr;
		batch_pos++;
		if (io != NULL)
			io->cb(io, batch[batch_pos - 1].events);
	}
	batch_len = batch_pos = 0;
	run_timers();
	return 0;
}
