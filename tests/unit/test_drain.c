/*
 * test_drain.c - the maintenance file's text (drain.h): what
 * drain_format() writes, what drain_parse() accepts, and that one reads
 * back what the other wrote.  The file itself (written atomically, read
 * without following links) is tested end to end in drain.bats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance/drain.h"
#include "tap.h"

/* drain_parse() of a C string. */
static int
parse(const char *s, struct drain_info *d)
{
	return drain_parse(s, strlen(s), d);
}

static void
test_format(void)
{
	struct drain_info	 d = { 1, 1700000000.25, "kernel update", 0 };
	char			 buf[DRAIN_FILE_MAX];
	size_t			 n;

	n = drain_format(buf, sizeof(buf), &d);
	is_str(buf, "drained=1\nsince=1700000000.250\nreason=kernel update\n",
	    "a drain is three lines of key=value");
	ok(n == strlen(buf), "drain_format returns the length (%zu)", n);
	strcpy(d.reason, "two\nlines\tand\x7f");
	drain_format(buf, sizeof(buf), &d);
	is_str(buf, "drained=1\nsince=1700000000.250\nreason=two lines and \n",
	    "a reason is written as one line without control bytes");
}

static void
test_parse(void)
{
	struct drain_info	 d;

	ok(parse("drained=1\nsince=1700000000.250\nreason=kernel update\n",
	    &d) == 0 && d.drained == 1 && d.since == 1700000000.25 &&
	    strcmp(d.reason, "kernel update") == 0,
	    "the file drain_format writes is read back");
	ok(parse("", &d) == 0 && d.drained == 1 && d.since == 0 &&
	    d.reason[0] == '\0', "an empty file is a drain without details");
	ok(parse("drained=0\n", &d) == 0 && d.drained == 0,
	    "drained=0 is no drain");
	ok(parse("since=17x\n", &d) == -1 && d.drained == 1 && d.since == 0,
	    "a since that is no number: malformed, still drained, time 0");
	ok(parse("since=-1\n", &d) == -1 && d.since == 0,
	    "a negative since is refused");
	ok(parse("since=1e11\n", &d) == -1 && d.since == 0,
	    "a since past the range is refused");
	ok(parse("since=0099999999999.99990\n", &d) == -1,
	    "a since that %%.3f would round up past the range is refused "
	    "(found by fuzz_drain)");
	ok(parse("since=99999999999.9990\n", &d) == 0 &&
	    d.since == 99999999999.999, "the latest since kept is read");
	ok(parse("colour=red\nreason=x\n", &d) == -1 && d.drained == 1 &&
	    strcmp(d.reason, "x") == 0,
	    "an unknown key: malformed, what else is there kept");
	ok(parse("reason\n", &d) == -1, "a line without '=' is malformed");
	ok(parse("reason=a\tb\r\n", &d) == 0 &&
	    strcmp(d.reason, "a b ") == 0,
	    "control bytes of a reason read become blanks");
}

/* Every since drain_format writes parses back, up to the limit. */
static void
test_round_trip(void)
{
	static const double	 since[] = { 0, 0.0004, 0.0005, 1.9995,
	    1700000000.123456, 99999999999.999, 99999999999.9994 };
	struct drain_info	 d = { 1, 0, "", 0 }, back;
	char			 buf[DRAIN_FILE_MAX], again[DRAIN_FILE_MAX];
	size_t			 i, n;

	for (i = 0; i < sizeof(since) / sizeof(since[0]); i++) {
		d.since = since[i];
		n = drain_format(buf, sizeof(buf), &d);
		ok(drain_parse(buf, n, &back) == 0 &&
		    drain_format(again, sizeof(again), &back) == n &&
		    memcmp(buf, again, n) == 0,
		    "since %.6f written, read and written again the same",
		    since[i]);
	}
}

/* SPEC 21: until, written only when there is one; old files still read. */
static void
test_until(void)
{
	struct drain_info	 d = { 1, 1700000000, "db", 1700000060.5 },
				 back;
	char			 buf[DRAIN_FILE_MAX];
	size_t			 n;

	n = drain_format(buf, sizeof(buf), &d);
	is_str(buf, "drained=1\nsince=1700000000.000\nreason=db\n"
	    "until=1700000060.500\n", "a drain with an end has an until line");
	ok(drain_parse(buf, n, &back) == 0 && back.until == 1700000060.5 &&
	    back.since == 1700000000, "until is read back");
	d.until = 0;
	drain_format(buf, sizeof(buf), &d);
	ok(strstr(buf, "until") == NULL,
	    "a drain without an end is written as before -d existed");
	ok(parse("drained=1\nsince=5\nreason=\n", &back) == 0 &&
	    back.until == 0, "a file written before -d never ends");
	ok(parse("until=soon\n", &back) == -1 && back.until == 0 &&
	    back.drained == 1, "an until that is no number: malformed, no end");
	ok(parse("until=1e11\n", &back) == -1 && back.until == 0,
	    "an until past the range is refused");
	ok(parse("drained=0\nuntil=0.0004\n", &back) == 0 &&
	    back.until == 0, "an until %%.3f would write as 0.000 is no end "
	    "(found by fuzz_drain)");
}

static void
test_over(void)
{
	struct drain_info	 d = { 1, 100, "", 160 };

	ok(!drain_over(&d, 159.999), "a drain before its end is in force");
	ok(drain_over(&d, 160), "a drain is over at its end");
	ok(drain_over(&d, 1e9), "and long after it (the daemon was stopped)");
	d.until = 0;
	ok(!drain_over(&d, 1e9), "a drain without an end is never over");
	d.until = 160;
	d.drained = 0;
	ok(!drain_over(&d, 200), "no drain is no drain that is over");
}

static void
test_check_path(void)
{
	char	*p = drain_check_path("/var/lib/mydaemon/maintenance", "web");

	is_str(p, "/var/lib/mydaemon/maintenance.check.web",
	    "a check's drain file is beside the host's");
	free(p);
}

int
main(void)
{
	test_format();
	test_parse();
	test_round_trip();
	test_until();
	test_over();
	test_check_path();
	return done_testing();
}
