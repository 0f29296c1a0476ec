/*
 * fuzz_drain.c - libFuzzer harness for drain_parse() and drain_format().
 *
 * The input is read two ways.  As a maintenance file (copied into a
 * buffer of exactly its size): whatever drain_parse() answers, the
 * struct is sane (a finite, non-negative since up to 1e11, a reason of
 * one line without control bytes, NUL-terminated); what it accepts
 * formats and parses back to the same drain (since to the millisecond
 * drain_format() keeps), and formats the same again.  As what
 * `mydaemon -s drain -r REASON` records (drain_write(): a reason of any
 * bytes, the time now): drain_format() must write a file drain_parse()
 * accepts, with that reason made one line.  SPEC 21's until (-d) is
 * held to since's range, read back to the millisecond, written only
 * when there is one, and drain_over() never calls a drain without an
 * end over.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance/drain.h"

#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;
static size_t		 input_len;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why, const char *text, size_t n)
{
	if (text != NULL)
		fprintf(stderr, "formatted:\n%.*s\n", (int)n, text);
	fuzz_fail("drain", why, input, input_len);
}

FUZZ_ORACLE static void
check_sane(const struct drain_info *d)
{
	size_t	 i, n;

	if (d->drained != 0 && d->drained != 1)
		fail("drained is neither 0 nor 1", NULL, 0);
	if (!isfinite(d->since) || d->since < 0 || d->since > 1e11)
		fail("since is out of its range", NULL, 0);
	if (!isfinite(d->until) || d->until < 0 || d->until > 1e11)
		fail("until is out of its range", NULL, 0);
	if (drain_over(d, 1e12) != (d->drained && d->until > 0))
		fail("drain_over: over without an end, or never over", NULL,
		    0);
	if (memchr(d->reason, '\0', sizeof(d->reason)) == NULL)
		fail("the reason is not NUL-terminated", NULL, 0);
	n = strlen(d->reason);
	if (n > DRAIN_REASON_MAX)
		fail("the reason is too long", NULL, 0);
	for (i = 0; i < n; i++)
		if ((unsigned char)d->reason[i] < 0x20 || d->reason[i] == 0x7f)
			fail("the reason holds a control byte", NULL, 0);
}

/* drain_format() keeps milliseconds: equal to within half of one. */
FUZZ_ORACLE static int
same_time(double a, double b)
{
	return fabs(a - b) <= 0.0005 + fabs(a) * 4e-16;
}

/* format, parse: the same drain; format again: the same text. */
FUZZ_ORACLE static void
round_trip(const struct drain_info *d)
{
	struct drain_info	 again;
	char			 a[DRAIN_FILE_MAX], b[DRAIN_FILE_MAX];
	size_t			 na, nb;

	na = drain_format(a, sizeof(a), d);
	if (na == 0 || na >= sizeof(a) - 1 || a[na - 1] != '\n')
		fail("drain_format wrote no whole file", a, na);
	if (drain_parse(a, na, &again) != 0)
		fail("drain_parse refuses what drain_format wrote", a, na);
	check_sane(&again);
	if (again.drained != (d->drained != 0) ||
	    strcmp(again.reason, d->reason) != 0 ||
	    !same_time(again.since, d->since) ||
	    !same_time(again.until, d->until))
		fail("drain_parse reads another drain than was formatted", a,
		    na);
	nb = drain_format(b, sizeof(b), &again);
	if (na != nb || memcmp(a, b, na) != 0)
		fail("the file formats differently once read back", b, nb);
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drain_info	 d, w;
	char			*buf;
	double			 now;
	size_t			 i, n;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	input = buf;
	input_len = size;
	if (drain_parse(buf, size, &d) == 0) {
		check_sane(&d);
		round_trip(&d);
	} else
		check_sane(&d);

	/*
	 * What drain_write() records: the first 8 bytes a time (taken when
	 * it is one drain_parse() allows), the rest the reason.
	 */
	memset(&w, 0, sizeof(w));
	w.drained = 1;
	if (size >= sizeof(now)) {
		memcpy(&now, data, sizeof(now));
		if (isfinite(now) && now >= 0 && now < 1e11)
			w.since = now;
	}
	/* The next 8 (also the reason's first ones) an until, if one. */
	if (size >= 2 * sizeof(now)) {
		memcpy(&now, data + sizeof(now), sizeof(now));
		if (isfinite(now) && now >= 0.001 && now < 1e11)
			w.until = now;	/* drain_write() keeps no smaller one */
	}
	n = size > sizeof(now) ? size - sizeof(now) : 0;
	for (i = 0; i < n && i < DRAIN_REASON_MAX && data[8 + i] != '\0'; i++)
		w.reason[i] = (char)(data[8 + i] < 0x20 || data[8 + i] == 0x7f ?
		    ' ' : data[8 + i]);
	round_trip(&w);
	free(buf);
	return 0;
}
