/*
 * fuzz_result.c - libFuzzer harness for result_file_parse() and
 * result_file_format(), the file of a pushed result (SPEC 20), which the
 * daemon reads from a group-writable directory.
 *
 * The input is read two ways.  As a result file (copied into a buffer
 * of exactly its size): whatever result_file_parse() answers, it says
 * why when it refuses, and what it accepts is sane (a state of the
 * four, a finite time in range, a text inside the input of at most
 * RESULT_TEXT_MAX bytes) and formats and parses back to the same result
 * (the time to the millisecond result_file_format() keeps).  As what
 * `mydaemon -s result` writes (the first byte a status, the next 8 a
 * time, the rest the text, any bytes): result_file_format() must write
 * a file that result_file_parse() accepts, with the same text.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance/result_file.h"

#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;
static size_t		 input_len;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why, const char *text, size_t n)
{
	if (text != NULL)
		fprintf(stderr, "formatted:\n%.*s\n", (int)n, text);
	fuzz_fail("result", why, input, input_len);
}

FUZZ_ORACLE static void
check_sane(const struct result_file *r, const char *buf, size_t len)
{
	if ((int)r->state < 0 || (int)r->state > 3)
		fail("the state is not one of the four", NULL, 0);
	if (!isfinite(r->when) || r->when < 0 || r->when > RESULT_TIME_MAX)
		fail("the time is out of its range", NULL, 0);
	if (r->len > RESULT_TEXT_MAX)
		fail("the text is too long", NULL, 0);
	if (r->text < buf || r->text + r->len > buf + len)
		fail("the text is not inside the input", NULL, 0);
}

/* result_file_format() keeps milliseconds. */
FUZZ_ORACLE static int
same_time(double a, double b)
{
	return fabs(a - b) <= 0.0005 + fabs(a) * 4e-16;
}

/* format, parse: the same result; format again: the same bytes. */
FUZZ_ORACLE static void
round_trip(const struct result_file *r)
{
	static char		 a[RESULT_FILE_MAX + 1], b[RESULT_FILE_MAX + 1];
	struct result_file	 again;
	const char		*why = NULL;
	size_t			 na, nb;

	if ((na = result_file_format(a, sizeof(a), r)) == 0)
		fail("result_file_format wrote nothing", NULL, 0);
	if (result_file_parse(a, na, &again, &why) != 0)
		fail("result_file_parse refuses what result_file_format wrote",
		    a, na);
	check_sane(&again, a, na);
	if (again.state != r->state || again.len != r->len ||
	    memcmp(again.text, r->text, r->len) != 0 ||
	    !same_time(again.when, r->when))
		fail("result_file_parse reads another result than was "
		    "formatted", a, na);
	nb = result_file_format(b, sizeof(b), &again);
	if (na != nb || memcmp(a, b, na) != 0)
		fail("the file formats differently once read back", b, nb);
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result_file	 r, w;
	const char		*why = NULL;
	char			*buf;
	double			 when;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	input = buf;
	input_len = size;
	if (result_file_parse(buf, size, &r, &why) == 0) {
		check_sane(&r, buf, size);
		round_trip(&r);
	} else if (why == NULL || why[0] == '\0')
		fail("a refusal without a reason", NULL, 0);

	/* What -s result writes: status, time, then any text. */
	memset(&w, 0, sizeof(w));
	w.state = size > 0 ? (enum health_state)(data[0] & 3) : HEALTH_OK;
	if (size >= 9) {
		memcpy(&when, data + 1, sizeof(when));
		if (isfinite(when) && when >= 0 && when <= RESULT_TIME_MAX)
			w.when = when;
	}
	w.text = size > 9 ? buf + 9 : "";
	w.len = size > 9 ? size - 9 : 0;
	if (w.len > RESULT_TEXT_MAX)
		w.len = RESULT_TEXT_MAX;
	round_trip(&w);
	free(buf);
	return 0;
}
