/*
 * fuzz_state.c - libFuzzer harness for state_parse() and state_format().
 *
 * The input is read two ways.  As a state file (copied into a buffer of
 * exactly its size): what state_parse() accepts must format and parse
 * back to the same struct, and format the same again.  As the raw bytes
 * of a struct state_info (strings cut to their arrays, pid made
 * positive, as the daemon's always is): state_format() must write what
 * state_parse() reads back as that struct, made one-line as state.h
 * says (CR and LF in the strings become blanks, the flags 0 or 1).
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance/state.h"

#include "fuzz_check.h"

#define STATE_BUF	4096	/* what state_write() formats into */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;
static size_t		 input_len;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why, const char *text, size_t n)
{
	if (text != NULL)
		fprintf(stderr, "formatted:\n%.*s\n", (int)n, text);
	fuzz_fail("state", why, input, input_len);
}

/* A string field as state_parse() leaves it: one line. */
FUZZ_ORACLE static void
one_line(char *dst, const char *src, size_t size)
{
	size_t	 i;

	memset(dst, 0, size);
	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = src[i] == '\n' || src[i] == '\r' ? ' ' : src[i];
}

/* What state_parse() makes of a struct the daemon formats. */
FUZZ_ORACLE static void
normalize(struct state_info *dst, const struct state_info *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->seq = src->seq;
	dst->pid = src->pid;
	dst->stopping = src->stopping != 0;
	dst->generation = src->generation;
	dst->reload_started = src->reload_started;
	dst->reload_done = src->reload_done;
	dst->reload_ok = src->reload_ok;
	dst->reload_failed = src->reload_failed;
	one_line(dst->last_reload, src->last_reload, sizeof(dst->last_reload));
	one_line(dst->reason, src->reason, sizeof(dst->reason));
	dst->reopens = src->reopens;
	dst->reopen_failed = src->reopen_failed;
	one_line(dst->reopen_reason, src->reopen_reason,
	    sizeof(dst->reopen_reason));
	dst->drain_reads = src->drain_reads;
	dst->drained = src->drained != 0;
	one_line(dst->maintenance_file, src->maintenance_file,
	    sizeof(dst->maintenance_file));
}

/* The same record: numbers equal, strings equal up to their NULs. */
FUZZ_ORACLE static int
same(const struct state_info *a, const struct state_info *b)
{
	return a->seq == b->seq && a->pid == b->pid &&
	    a->stopping == b->stopping && a->generation == b->generation &&
	    a->reload_started == b->reload_started &&
	    a->reload_done == b->reload_done &&
	    a->reload_ok == b->reload_ok &&
	    a->reload_failed == b->reload_failed &&
	    strcmp(a->last_reload, b->last_reload) == 0 &&
	    strcmp(a->reason, b->reason) == 0 &&
	    a->reopens == b->reopens && a->reopen_failed == b->reopen_failed &&
	    strcmp(a->reopen_reason, b->reopen_reason) == 0 &&
	    a->drain_reads == b->drain_reads && a->drained == b->drained &&
	    strcmp(a->maintenance_file, b->maintenance_file) == 0;
}

/* format, parse: the same struct; format again: the same text. */
FUZZ_ORACLE static void
round_trip(const struct state_info *si)
{
	struct state_info	 again;
	char			 a[STATE_BUF], b[STATE_BUF];
	size_t			 na, nb;

	na = state_format(a, sizeof(a), si);
	if (na == 0 || na >= sizeof(a) - 1 || a[na - 1] != '\n')
		fail("state_format wrote no whole record", a, na);
	if (state_parse(a, na, &again) != 0)
		fail("state_parse refuses what state_format wrote", a, na);
	if (!same(&again, si))
		fail("state_parse reads another struct than was formatted",
		    a, na);
	nb = state_format(b, sizeof(b), &again);
	if (na != nb || memcmp(a, b, na) != 0)
		fail("the record formats differently once read back", b, nb);
}

FUZZ_ORACLE static void
terminate(char *s, size_t size)
{
	s[size - 1] = '\0';
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state_info	 si, raw, want;
	char			*buf;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	input = buf;
	input_len = size;
	if (state_parse(buf, size, &si) == 0) {
		if (si.pid <= 0)
			fail("state_parse accepts a record without a pid", NULL,
			    0);
		if (memchr(si.last_reload, '\0', sizeof(si.last_reload)) ==
		    NULL || memchr(si.reason, '\0', sizeof(si.reason)) ==
		    NULL || memchr(si.reopen_reason, '\0',
		    sizeof(si.reopen_reason)) == NULL ||
		    memchr(si.maintenance_file, '\0',
		    sizeof(si.maintenance_file)) == NULL)
			fail("state_parse leaves a string unterminated", NULL,
			    0);
		round_trip(&si);
	}

	/* The bytes as a struct, as the daemon may hold one. */
	memset(&raw, 0, sizeof(raw));
	memcpy(&raw, data, size < sizeof(raw) ? size : sizeof(raw));
	terminate(raw.last_reload, sizeof(raw.last_reload));
	terminate(raw.reason, sizeof(raw.reason));
	terminate(raw.reopen_reason, sizeof(raw.reopen_reason));
	terminate(raw.maintenance_file, sizeof(raw.maintenance_file));
	if (raw.pid <= 0)
		raw.pid = raw.pid < 0 && raw.pid >= -LONG_MAX ? -raw.pid : 1;
	normalize(&want, &raw);
	round_trip(&want);
	free(buf);
	return 0;
}
