/*
 * test_loop.c - the event loop: timers fire once each in due order
 * whatever is cancelled or re-armed (the heap's root, its last leaf, a
 * thousand at random, from inside callbacks), loop_del of a descriptor
 * whose event is still in the batch, and the cached clock.
 *
 * The heap is not visible from here; its invariant is checked by what it
 * must give: every timer's loop_timer_armed(), and a firing order with
 * due times that never go down.  Timers due in the same turn are popped
 * by one run of the heap, so a broken sift shows as an order that does.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/loop.h"
#include "tap.h"
#include "testlib.h"

#define NT	1000

struct tmr {
	struct loop_timer	 t;
	int			 id;
	int			 fired, expect, armed;
	int			 armed_in_cb;	/* loop_timer_armed in its cb */
	int			 late;		/* fired before its due time */
};

static struct tmr	 tm[NT];
static int		 order[4 * NT];
static uint64_t		 order_due[4 * NT];
static size_t		 norder;
static void		(*hook)(struct tmr *);	/* run inside on_timer */

static uint64_t	rng = 0x853c49e6748fea9bULL;	/* for tl_rand() */

static void
sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
on_timer(struct loop_timer *t)
{
	struct tmr	*m = t->arg;

	m->fired++;
	m->armed = 0;
	if (loop_timer_armed(t))
		m->armed_in_cb++;
	if (loop_now() < t->due_ms)
		m->late++;
	if (norder < sizeof(order) / sizeof(order[0])) {
		order_due[norder] = t->due_ms;
		order[norder++] = m->id;
	}
	if (hook != NULL)
		hook(m);
}

static void
reset(void)
{
	int	 i;

	for (i = 0; i < NT; i++) {
		loop_timer_cancel(&tm[i].t);
		memset(&tm[i], 0, sizeof(tm[i]));
		tm[i].id = i;
		tm[i].t.cb = on_timer;
		tm[i].t.arg = &tm[i];
	}
	norder = 0;
	hook = NULL;
}

static void
arm(int i, uint64_t ms)
{
	if (loop_timer_set(&tm[i].t, ms) == -1)
		abort();
	if (!tm[i].armed)
		tm[i].expect++;
	tm[i].armed = 1;
}

static void
cancel(int i)
{
	loop_timer_cancel(&tm[i].t);
	if (tm[i].armed)
		tm[i].expect--;
	tm[i].armed = 0;
}

static int
any_armed(int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (loop_timer_armed(&tm[i].t))
			return 1;
	return 0;
}

/* Turn the loop until no timer of the first n is left; 0 or -1. */
static int
run_timers(int n)
{
	int	 turns = 0;

	while (any_armed(n))
		if (loop_run_once() == -1 || ++turns > 100000)
			return -1;
	return 0;
}

static int
order_is(const int *want, size_t n)
{
	size_t	 i;

	if (norder != n)
		return 0;
	for (i = 0; i < n; i++)
		if (order[i] != want[i])
			return 0;
	return 1;
}

static void
show_order(void)
{
	size_t	 i;

	printf("#   fired:");
	for (i = 0; i < norder && i < 40; i++)
		printf(" %d", order[i]);
	printf("\n");
}

static void
test_due_order(void)
{
	static const int	 want[] = { 3, 4, 1, 2, 0 };
	static const uint64_t	 ms[] = { 30, 10, 20, 0, 5 };
	int			 i, good = 1;

	reset();
	for (i = 0; i < 5; i++)
		arm(i, ms[i]);
	for (i = 0; i < 5; i++)
		good &= loop_timer_armed(&tm[i].t) &&
		    tm[i].t.due_ms == loop_now() + ms[i];
	ok(good, "armed timers are armed, due at now + ms");
	ok(run_timers(5) == 0, "the loop turns until they have fired");
	if (!ok(order_is(want, 5), "they fire in due order, not arming "
	    "order"))
		show_order();
	for (i = 0, good = 1; i < 5; i++)
		good &= tm[i].fired == 1 && tm[i].late == 0 &&
		    tm[i].armed_in_cb == 0 && !loop_timer_armed(&tm[i].t);
	ok(good, "each once, never early, disarmed when its callback runs");
}

static void
test_cancel_rearm(void)
{
	int	 i, good = 1;

	/* Armed in due order, the heap is sorted: 0 the root, 6 the last. */
	reset();
	for (i = 0; i < 7; i++)
		arm(i, (uint64_t)(i + 1) * 2);
	cancel(0);
	ok(!loop_timer_armed(&tm[0].t), "the root is cancelled");
	cancel(6);
	ok(!loop_timer_armed(&tm[6].t), "the last one is cancelled");
	cancel(6);
	cancel(0);
	ok(!loop_timer_armed(&tm[6].t) && !loop_timer_armed(&tm[0].t),
	    "cancelling an idle timer does nothing");
	for (i = 1; i < 6; i++)
		good &= loop_timer_armed(&tm[i].t);
	ok(good, "the others are still armed");
	arm(3, 1);		/* from the middle to the root */
	arm(1, 20);		/* from the root to the end */
	cancel(4);		/* from the middle */
	arm(5, 12);		/* the same due again */
	{
		static const int want[] = { 3, 2, 5, 1 };

		ok(run_timers(7) == 0, "the loop turns");
		if (!ok(order_is(want, 4), "re-armed and cancelled timers "
		    "fire in their new order"))
			show_order();
	}
	for (i = 0, good = 1; i < 7; i++)
		good &= tm[i].fired == tm[i].expect;
	ok(good, "cancelled ones never fire, the others once");

	/* Re-arming the last one to the earliest time, and back. */
	reset();
	for (i = 0; i < 9; i++)
		arm(i, (uint64_t)(i + 1) * 2);
	arm(8, 0);
	arm(0, 19);
	cancel(7);
	arm(7, 1);
	{
		static const int want[] = { 8, 7, 1, 2, 3, 4, 5, 6, 0 };

		ok(run_timers(9) == 0 && order_is(want, 9),
		    "the last leaf re-armed to the front, the root to the "
		    "back");
		if (norder != 9)
			show_order();
	}
}

/* A callback that cancels and re-arms other timers at random. */
static size_t	 hook_cancels, hook_rearms, armed_bad;

static void
random_hook(struct tmr *m)
{
	int	 j, k;

	(void)m;
	if (tl_rand(&rng) % 4 == 0) {
		j = (int)(tl_rand(&rng) % NT);
		if (tm[j].armed) {
			cancel(j);
			hook_cancels++;
		}
	}
	if (hook_rearms < 300 && tl_rand(&rng) % 4 == 0) {
		j = (int)(tl_rand(&rng) % NT);
		arm(j, tl_rand(&rng) % 5);
		hook_rearms++;
	}
	if (tl_rand(&rng) % 16 == 0)
		for (k = 0; k < NT; k++)
			if (loop_timer_armed(&tm[k].t) != tm[k].armed)
				armed_bad++;
}

static void
test_random(void)
{
	size_t		 i, bad = 0, down = 0;
	int		 j, good = 1;

	reset();
	for (j = 0; j < NT; j++)
		arm(j, tl_rand(&rng) % 30);
	for (i = 0; i < 600; i++) {
		j = (int)(tl_rand(&rng) % NT);
		if (tl_rand(&rng) % 2)
			cancel(j);
		else
			arm(j, tl_rand(&rng) % 30);
	}
	for (j = 0; j < NT; j++)
		if (loop_timer_armed(&tm[j].t) != tm[j].armed)
			bad++;
	ok(bad == 0, "after 600 random cancels and re-arms, loop_timer_armed "
	    "is right for all 1000 timers");

	/* All due at once: one heap run pops all that are left. */
	sleep_ms(35);
	hook = random_hook;
	ok(run_timers(NT) == 0, "the loop turns until all have fired");
	hook = NULL;
	for (i = 1; i < norder; i++)
		if (order_due[i] < order_due[i - 1])
			down++;
	ok(down == 0, "%zu firings, due times never go down (%zu times "
	    "they did)", norder, down);
	for (j = 0; j < NT; j++)
		good &= tm[j].fired == tm[j].expect && tm[j].late == 0 &&
		    tm[j].armed_in_cb == 0 && !loop_timer_armed(&tm[j].t);
	ok(good, "every timer fired exactly as often as it was armed "
	    "(callbacks cancelled %zu, re-armed %zu)", hook_cancels,
	    hook_rearms);
	ok(armed_bad == 0, "loop_timer_armed stayed right inside callbacks");
}

/* A callback that arms and cancels other timers, and itself. */
static void
chain_hook(struct tmr *m)
{
	switch (m->id) {
	case 0:			/* cancel 1 (due now too), arm 2 at once */
		cancel(1);
		arm(2, 0);
		arm(3, 1);	/* 3 was far away */
		loop_timer_cancel(&m->t);	/* itself: idle, a no-op */
		break;
	case 4:			/* periodic: three times */
		if (m->fired < 3)
			arm(4, 1);
		break;
	}
}

static void
test_chain(void)
{
	static const int	 want[] = { 0, 2, 3 };
	int			 turns = 0;

	reset();
	arm(0, 1);
	arm(1, 2);
	arm(3, 10000);
	sleep_ms(5);		/* 0 and 1 are both due in the next turn */
	hook = chain_hook;
	ok(loop_run_once() == 0, "one turn");
	ok(tm[0].fired == 1 && tm[1].fired == 0 && tm[2].fired == 0,
	    "a timer cancelled by a callback of the same turn does not fire; "
	    "one armed for now by a callback waits for the next turn");
	ok(run_timers(4) == 0 && order_is(want, 3) && tm[3].fired == 1,
	    "a timer moved nearer by a callback fires at its new time");
	if (norder != 3)
		show_order();
	ok(!loop_timer_armed(&tm[0].t), "a callback cancelling itself is "
	    "harmless");

	reset();
	hook = chain_hook;
	arm(4, 1);
	while (loop_timer_armed(&tm[4].t) && turns++ < 100)
		loop_run_once();
	ok(tm[4].fired == 3 && tm[4].armed_in_cb == 0,
	    "a callback re-arming itself makes a periodic timer");
	hook = NULL;
}

/* Descriptors: the first to run deletes and frees all the others. */
struct pio {
	struct loop_io	 io;
	int		 wfd;
	int		 ran;
};

static struct pio	*pios[10];
static int		 pio_ran;

static void
close_pio(int i)
{
	loop_del(&pios[i]->io);
	close(pios[i]->io.fd);
	close(pios[i]->wfd);
	free(pios[i]);
	pios[i] = NULL;
}

static void
on_io(struct loop_io *io, uint32_t events)
{
	struct pio	*p = io->arg;
	int		 i;

	(void)events;
	p->ran++;
	pio_ran++;
	for (i = 0; i < 10; i++)
		if (pios[i] != NULL && pios[i] != p)
			close_pio(i);
}

static void
on_write(struct loop_io *io, uint32_t events)
{
	int	*n = io->arg;

	(*n)++;
	ok(events & EPOLLOUT, "EPOLLOUT after loop_mod");
}

static void
test_io(void)
{
	int		 fds[2], i, survivor = -1, writable = 0;
	struct pio	*p;
	struct loop_io	 w;

	for (i = 0; i < 10; i++) {
		if (pipe(fds) == -1 || (p = calloc(1, sizeof(*p))) == NULL)
			abort();
		p->io.fd = fds[0];
		p->io.cb = on_io;
		p->io.arg = p;
		p->wfd = fds[1];
		pios[i] = p;
		if (write(fds[1], "x", 1) != 1 || loop_add(&p->io, EPOLLIN)
		    == -1)
			abort();
	}
	ok(loop_run_once() == 0, "one turn with ten readable pipes");
	ok(pio_ran == 1, "the first callback deleted the other nine: their "
	    "pending events did not run (%d ran)", pio_ran);
	for (i = 0; i < 10; i++)
		if (pios[i] != NULL)
			survivor = i;
	ok(survivor != -1 && pios[survivor]->ran == 1, "the survivor ran "
	    "once");

	/* loop_mod: the survivor's pipe end, now watched for writing. */
	if (survivor == -1)
		return;
	w.fd = pios[survivor]->wfd;
	w.cb = on_write;
	w.arg = &writable;
	loop_del(&pios[survivor]->io);
	ok(loop_add(&w, EPOLLIN) == 0 && loop_mod(&w, EPOLLOUT) == 0,
	    "loop_add then loop_mod");
	loop_run_once();
	ok(writable == 1, "the changed events are delivered");
	loop_del(&w);
	ok(loop_add(&w, EPOLLOUT) == 0, "a deleted io can be added back");
	loop_del(&w);
	close(pios[survivor]->io.fd);
	close(pios[survivor]->wfd);
	free(pios[survivor]);
	pios[survivor] = NULL;
}

static void
test_clock(void)
{
	uint64_t	 a, b, c;
	double		 wall;

	a = loop_now();
	sleep_ms(20);
	b = loop_now();
	ok(a == b, "loop_now is cached: 20 ms later it has not moved");
	c = loop_now_fresh();
	ok(c >= a + 20 && c < a + 2000, "loop_now_fresh reads the clock "
	    "(+%llu ms)", (unsigned long long)(c - a));
	ok(loop_now() == c, "and loop_now gives that reading from then on");
	sleep_ms(5);
	reset();
	arm(0, 10);
	ok(tm[0].t.due_ms == c + 10, "a timer is due from the cached now");
	ok(run_timers(1) == 0 && loop_now() >= c + 10,
	    "a turn of the loop refreshes it");
	wall = loop_wallclock();
	ok(wall > 1.5e9 && wall < 1e10, "loop_wallclock is Unix time");
}

int
main(void)
{
	ok(loop_init() == 0, "loop_init");
	test_due_order();
	test_cancel_rearm();
	test_random();
	test_chain();
	test_io();
	test_clock();
	reset();
	loop_fini();
	ok(loop_init() == 0, "loop_init again after loop_fini");
	reset();
	arm(0, 0);
	ok(run_timers(1) == 0 && tm[0].fired == 1, "and it works");
	loop_fini();
	return done_testing();
}
