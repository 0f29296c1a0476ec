/*
 * test_handoff_wire.c - the new process's reading of the old one's
 * answer to "checks" in a restart (handoff_wire_take()): what a "c" and
 * an "h" line give, and which lines are refused and why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "instance/handoff_wire.h"
#include "tap.h"

#define MAX	4

static struct check_seed seeds[MAX];

/* Feed lines (NULL-ended) to a fresh array; how many seeds they fill. */
static size_t
take(const char *const *lines)
{
	char msg[HANDOFF_MSG_MAX];
	size_t n = 0;

	memset(seeds, 0, sizeof(seeds));
	for (; *lines != NULL; lines++) {
		snprintf(msg, sizeof(msg), "%s", *lines);
		handoff_wire_take(msg, seeds, &n, MAX);
	}
	return n;
}

/* One "c" line alone: taken or not. */
static int
taken(const char *line)
{
	const char *lines[] = { line, NULL };

	return take(lines) == 1;
}

static void
test_good(void)
{
	const char *lines[] = {
	    "c\t2\t1\t-1\t42\t3\t18446744073709551615\t1796680123.456\t"
	    "0.012345\tweb\tcheck_http -H localhost\tHTTP CRITICAL: 500",
	    "h\tweb\t1796670000.125\t6b1729400000000c6b17294a00200000",
	    NULL };
	const struct check_seed *s = &seeds[0];

	ok(take(lines) == 1, "a \"c\" line fills one seed");
	ok(s->state == HEALTH_CRITICAL && s->result == HEALTH_WARNING,
	    "its state and result");
	ok(s->exit_code == -1, "its exit code, -1 for none");
	ok(s->runs == 42 && s->timeouts == 3 &&
	    s->skipped == 18446744073709551615ULL, "its counters");
	ok(s->started == 1796680123.456 && s->duration == 0.012345,
	    "its started and duration");
	is_str(s->name, "web", "its name");
	is_str(s->command, "check_http -H localhost", "its command");
	is_str(s->text, "HTTP CRITICAL: 500", "its text");
	ok(s->since == 1796670000.125, "the \"h\" line's since");
	ok(s->nhistory == 2 && s->history[0].time == 0x6b172940 &&
	    s->history[0].bits == 0x0c && s->history[1].time == 0x6b17294a &&
	    s->history[1].bits == 0x00200000,
	    "the \"h\" line's history, oldest first");
}

static void
test_history(void)
{
	const char *other[] = {
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t",
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\tb\ttrue\t",
	    "h\ta\t5.000\t0000000100000000",
	    NULL };
	const char *since[] = {
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t",
	    "h\ta\tnan\t0000000100000000",
	    "h\ta\t-1.000\t0000000200000000",
	    NULL };
	const char *broken[] = {
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t",
	    "h\ta\t5.000\t00000001000000",
	    "h\ta\t5.000\t000000010000000g",
	    "h\ta\t5.000\t0000000100000000\textra",
	    NULL };

	ok(take(other) == 2 && seeds[0].nhistory == 0 &&
	    seeds[1].nhistory == 0 && seeds[1].since == 0,
	    "an \"h\" line for another check than the last is ignored");
	ok(take(since) == 1 && seeds[0].since == 0 &&
	    seeds[0].nhistory == 2 && seeds[0].history[1].time == 2,
	    "a since of nan or -1 is taken as not said, its history kept");
	ok(take(broken) == 1 && seeds[0].nhistory == 0 &&
	    seeds[0].since == 0,
	    "nothing of an \"h\" line cut short, with a non-hex digit or "
	    "an extra field");
}

static void
test_refused(void)
{
	ok(taken("c\t3\t3\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "state 3 (unknown) is taken");
	ok(!taken("c\t7\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "state 7 is refused");
	ok(!taken("c\t0\t4\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "result 4 is refused");
	ok(!taken("c\t-1\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "state -1 is refused");
	ok(!taken("c\t0\t0\t0\t1\t0\t0\tnan\t0.001000\ta\ttrue\t"),
	    "a started of nan is refused");
	ok(!taken("c\t0\t0\t0\t1\t0\t0\t1.000\tinf\ta\ttrue\t"),
	    "a duration of inf is refused");
	ok(!taken("c\t0\t0\t0\t1\t0\t0\t1e999\t0.001000\ta\ttrue\t"),
	    "a started of 1e999 (infinity) is refused");
	ok(!taken("c\t0\t0\t0\t1\t0\t0\t-1.000\t0.001000\ta\ttrue\t"),
	    "a negative started is refused");
	ok(!taken("c\t0\t0\t0\t1x\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "a number with trailing garbage is refused");
	ok(!taken("c\t0\t0\t0\t-1\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "a negative count is refused");
	ok(!taken("c\t0\t0\t0\t18446744073709551616\t0\t0\t1.000\t0.001000"
	    "\ta\ttrue\t"), "a count past 64 bits is refused");
	ok(!taken("c\t0\t0\t2147483648\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "an exit code past an int is refused");
	ok(!taken("c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue"),
	    "a line of eleven fields is refused");
	ok(taken("c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\tok\tnew"),
	    "fields after the twelfth are ignored (a newer sender's)");
	ok(!taken("x\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\ta\ttrue\t"),
	    "a line of another kind is skipped");
}

static void
test_max(void)
{
	const char *lines[] = {
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\tc0\ttrue\t",
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\tc1\ttrue\t",
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\tc2\ttrue\t",
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\tc3\ttrue\t",
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\tc4\ttrue\t",
	    "c\t0\t0\t0\t1\t0\t0\t1.000\t0.001000\tc5\ttrue\t",
	    "h\tc5\t9.000\t",
	    NULL };

	ok(take(lines) == MAX, "more than max \"c\" lines stop at max");
	is_str(seeds[MAX - 1].name, "c3", "the last seed is the max-th");
	ok(seeds[MAX - 1].since == 0,
	    "the \"h\" line of a check not taken is not the last seed's");
}

int
main(void)
{
	test_good();
	test_history();
	test_refused();
	test_max();
	return done_testing();
}
