/*
 * fuzz_handoff.c - libFuzzer harness for handoff_wire_take(), the new
 * process's reading of the old one's answer to "checks" in a restart.
 * FUZZ-OPTIONS: -max_len=20000
 *
 * The input is a stream of datagrams, one a line: it is split at LF,
 * which a real datagram never holds (the sender's field() blanks tabs
 * and line ends), so that a corpus file reads as the wire would.  Each
 * is copied, cut to what handoff_wire_recv() keeps, into a buffer of
 * its own size plus the NUL, and fed in order to handoff_wire_take()
 * with MAX seeds, up to an "end" as the receiver stops there.  Then:
 * no more than MAX seeds, and each of them one the daemon can show
 * (strings terminated, states known, times finite and not negative,
 * the history within its array); and each formatted again as handoff.c
 * sends it must be read back as the same seed, and format the same.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/check_history.h"
#include "instance/handoff_wire.h"

#include "fuzz_check.h"

#define MAX		4	/* seeds a stream may fill */
#define HISTORY_CHUNK	256	/* history entries a datagram, as handoff.c */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;
static size_t		 input_len;
static struct check_seed seeds[MAX], again[1];

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why, const char *text)
{
	if (text != NULL)
		fprintf(stderr, "formatted:\n%s\n", text);
	fuzz_fail("handoff", why, input, input_len);
}

FUZZ_ORACLE static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

FUZZ_ORACLE static int
time_ok(double t)
{
	return isfinite(t) && t >= 0;
}

/* What a seed must be for the daemon to show it. */
FUZZ_ORACLE static void
sane(const struct check_seed *s)
{
	if (!terminated(s->name, sizeof(s->name)) ||
	    !terminated(s->command, sizeof(s->command)) ||
	    !terminated(s->text, sizeof(s->text)))
		fail("a seed's string is not terminated", NULL);
	if (s->state < HEALTH_OK || s->state > HEALTH_UNKNOWN ||
	    s->result < HEALTH_OK || s->result > HEALTH_UNKNOWN)
		fail("a seed's state or result is no health state", NULL);
	if (!time_ok(s->started) || !time_ok(s->duration) ||
	    !time_ok(s->since))
		fail("a seed's started, duration or since is not finite and "
		    ">= 0", NULL);
	if (s->nhistory > CHECK_HISTORY_MAX)
		fail("a seed has more history than its array", NULL);
}

/* The "c" line, as handoff.c's send_checks() formats it. */
FUZZ_ORACLE static int
format_c(char *msg, size_t size, const struct check_seed *s)
{
	return snprintf(msg, size, "c\t%d\t%d\t%d\t%llu\t%llu\t"
	    "%llu\t%.3f\t%.6f\t%s\t%s\t%s", (int)s->state,
	    (int)s->result, s->exit_code,
	    (unsigned long long)s->runs,
	    (unsigned long long)s->timeouts,
	    (unsigned long long)s->skipped, s->started,
	    s->duration, s->name, s->command, s->text);
}

/* The "h" line of entries [i, i + HISTORY_CHUNK), as send_history(). */
FUZZ_ORACLE static size_t
format_h(char *msg, size_t size, const struct check_seed *s, size_t i)
{
	size_t	 k;
	int	 len;

	len = snprintf(msg, size, "h\t%s\t%.3f\t", s->name, s->since);
	for (k = 0; i < s->nhistory && k < HISTORY_CHUNK; i++, k++)
		len += snprintf(msg + len, size - (size_t)len, "%08x%08x",
		    (unsigned int)s->history[i].time,
		    (unsigned int)s->history[i].bits);
	return i;
}

/*
 * Sent again and read back: the same fields, the doubles the same to
 * the digits they are sent with (the "c" line formats the same).
 */
FUZZ_ORACLE static void
round_trip(const struct check_seed *s)
{
	static char	 a[HANDOFF_MSG_MAX], b[HANDOFF_MSG_MAX];
	static char	 h[HANDOFF_MSG_MAX], h2[HANDOFF_MSG_MAX];
	const struct check_seed *t = &again[0];
	size_t		 n = 0, i = 0, j;
	int		 len;

	len = format_c(a, sizeof(a), s);
	if (len <= 0 || (size_t)len >= sizeof(a))
		fail("a seed taken does not fit a datagram", NULL);
	memcpy(b, a, (size_t)len + 1);
	memset(again, 0xa5, sizeof(again));
	handoff_wire_take(b, again, &n, 1);
	if (n != 1)
		fail("the \"c\" line of a seed taken is refused", a);
	do {
		i = format_h(h, sizeof(h), s, i);
		memcpy(h2, h, sizeof(h));
		handoff_wire_take(h2, again, &n, 1);
	} while (i < s->nhistory);
	if (strcmp(t->name, s->name) != 0 ||
	    strcmp(t->command, s->command) != 0 ||
	    strcmp(t->text, s->text) != 0 || t->state != s->state ||
	    t->result != s->result || t->exit_code != s->exit_code ||
	    t->runs != s->runs || t->timeouts != s->timeouts ||
	    t->skipped != s->skipped)
		fail("a seed reads back other than it was sent", a);
	if (t->nhistory != s->nhistory)
		fail("a seed's history reads back longer or shorter", h);
	for (j = 0; j < s->nhistory; j++)
		if (t->history[j].time != s->history[j].time ||
		    t->history[j].bits != s->history[j].bits)
			fail("a seed's history reads back otherwise", h);
	sane(t);
	if (format_c(b, sizeof(b), t) != len || strcmp(a, b) != 0)
		fail("a seed formats otherwise once read back", b);
	(void)format_h(h, sizeof(h), s, 0);
	(void)format_h(h2, sizeof(h2), t, 0);
	if (strcmp(h, h2) != 0)
		fail("a seed's since formats otherwise once read back", h2);
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *eol;
	char		*msg;
	size_t		 n = 0, len, i;

	input = p;
	input_len = size;
	/* Poison, so that a field a taken seed leaves unset shows. */
	memset(seeds, 0xa5, sizeof(seeds));
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		len = (size_t)(eol - p);
		if (len > HANDOFF_MSG_MAX - 1)	/* what recv keeps */
			len = HANDOFF_MSG_MAX - 1;
		if ((msg = malloc(len + 1)) == NULL)
			return 0;
		memcpy(msg, p, len);
		msg[len] = '\0';
		if (strcmp(msg, "end") == 0) {
			free(msg);
			break;
		}
		handoff_wire_take(msg, seeds, &n, MAX);
		free(msg);
		if (n > MAX)
			fail("more seeds taken than asked for", NULL);
	}
	for (i = 0; i < n; i++) {
		sane(&seeds[i]);
		round_trip(&seeds[i]);
	}
	return 0;
}
