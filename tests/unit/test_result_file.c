/*
 * test_result_file.c - a pushed result's file (result_file.h): the
 * status words of `mydaemon -s result`, what result_file_format()
 * writes, what result_file_parse() accepts and refuses, and that one
 * reads back what the other wrote.  The directory and the daemon's end
 * are tested end to end in checks_push.bats.
 */
#include <stdio.h>
#include <string.h>

#include "instance/result_file.h"
#include "tap.h"

static int
parse(const char *s, struct result_file *r, const char **why)
{
	return result_file_parse(s, strlen(s), r, why);
}

static void
test_status(void)
{
	static const char *const good[] = { "0", "1", "2", "3", "ok",
	    "warning", "critical", "unknown", "OK", "Warning", "CRITICAL",
	    "unKnown" };
	static const int want[] = { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3 };
	static const char *const badw[] = { "", "4", "-1", "00", " ok",
	    "ok ", "warn", "crit", "okay", "2x", "+1" };
	enum health_state st;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(result_file_status(good[i], &st) == 0 &&
		    (int)st == want[i], "status \"%s\" is %d", good[i],
		    want[i]);
	for (i = 0; i < sizeof(badw) / sizeof(badw[0]); i++)
		ok(result_file_status(badw[i], &st) == -1,
		    "status \"%s\" is refused", badw[i]);
}

static void
test_format(void)
{
	struct result_file r = { HEALTH_WARNING, 1700000000.25,
	    "DISK WARNING | free=10%\nlong output", 0 };
	char buf[RESULT_FILE_MAX], big[RESULT_TEXT_MAX + 100];
	size_t n;

	r.len = strlen(r.text);
	n = result_file_format(buf, sizeof(buf), &r);
	is_str(buf, "status=1\ntime=1700000000.250\ntext=DISK WARNING | "
	    "free=10%\nlong output", "a result is status, time and text");
	ok(n == strlen(buf), "result_file_format returns the length");
	memset(big, 'x', sizeof(big));
	r.text = big;
	r.len = sizeof(big);
	n = result_file_format(buf, sizeof(buf), &r);
	ok(n == strlen("status=1\ntime=1700000000.250\ntext=") +
	    RESULT_TEXT_MAX, "a text is cut to RESULT_TEXT_MAX bytes");
	ok(result_file_format(buf, 20, &r) == 0,
	    "a buffer too small gives 0");
}

static void
test_parse(void)
{
	struct result_file r;
	const char *why;

	ok(parse("status=2\ntime=1700000000.5\ntext=CRIT | a=1\nmore", &r,
	    &why) == 0 && r.state == HEALTH_CRITICAL && r.when ==
	    1700000000.5 && r.len == 15 && memcmp(r.text, "CRIT | a=1\nmore",
	    15) == 0, "a file is read, the text to its end");
	ok(parse("status=0\ntime=1\ntext=", &r, &why) == 0 && r.len == 0 &&
	    r.when == 1, "an empty text and a whole time");
	ok(parse("status=3\ntime=0.000001\ntext=x", &r, &why) == 0 &&
	    r.state == HEALTH_UNKNOWN, "six decimals");
	ok(parse("status=4\ntime=1\ntext=", &r, &why) == -1,
	    "status 4 is refused");
	ok(parse("status=ok\ntime=1\ntext=", &r, &why) == -1,
	    "a status word is not the file's");
	ok(parse("time=1\nstatus=0\ntext=", &r, &why) == -1,
	    "lines out of order are refused");
	ok(parse("status=0\ntime=1.0000001\ntext=", &r, &why) == -1,
	    "seven decimals are refused");
	ok(parse("status=0\ntime=100000000000\ntext=", &r, &why) == -1,
	    "a time past the range is refused");
	ok(parse("status=0\ntime=-1\ntext=", &r, &why) == -1 &&
	    parse("status=0\ntime=1e9\ntext=", &r, &why) == -1 &&
	    parse("status=0\ntime=.5\ntext=", &r, &why) == -1 &&
	    parse("status=0\ntime=5.\ntext=", &r, &why) == -1 &&
	    parse("status=0\ntime= 5\ntext=", &r, &why) == -1,
	    "a time is digits and a point, nothing else");
	ok(parse("status=0\ntime=1\n", &r, &why) == -1 &&
	    parse("status=0\ntime=1", &r, &why) == -1 &&
	    parse("", &r, &why) == -1, "a file cut short is refused");
	ok(parse("status=0\r\ntime=1\ntext=", &r, &why) == -1,
	    "a CR is refused");
	ok(result_file_parse("status=0\ntime=1\ntext=a\0b", 24, &r, &why) == 0
	    && r.len == 3, "a text may hold a NUL byte");
}

static void
test_too_long(void)
{
	char buf[RESULT_FILE_MAX + 64];
	struct result_file r;
	const char *why;
	int n;

	n = snprintf(buf, sizeof(buf), "status=0\ntime=1\ntext=");
	memset(buf + n, 'x', RESULT_TEXT_MAX);
	ok(result_file_parse(buf, (size_t)n + RESULT_TEXT_MAX, &r, &why) ==
	    0, "a text of RESULT_TEXT_MAX bytes is read");
	buf[n + RESULT_TEXT_MAX] = 'x';
	ok(result_file_parse(buf, (size_t)n + RESULT_TEXT_MAX + 1, &r,
	    &why) == -1, "one more byte is refused");
}

/* What result_file_format() writes reads back the same. */
static void
test_round_trip(void)
{
	static const double when[] = { 0, 0.001, 1.9995, 1700000000.123,
	    RESULT_TIME_MAX };
	struct result_file r = { HEALTH_OK, 0, "ok | t=1s", 9 }, back;
	char buf[RESULT_FILE_MAX], again[RESULT_FILE_MAX];
	const char *why;
	size_t i, n;

	for (i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		r.when = when[i];
		r.state = (enum health_state)(i % 4);
		n = result_file_format(buf, sizeof(buf), &r);
		ok(result_file_parse(buf, n, &back, &why) == 0 &&
		    back.state == r.state && back.len == r.len &&
		    result_file_format(again, sizeof(again), &back) == n &&
		    memcmp(buf, again, n) == 0,
		    "time %.4f written, read and written again the same",
		    when[i]);
	}
}

int
main(void)
{
	test_status();
	test_format();
	test_parse();
	test_too_long();
	test_round_trip();
	return done_testing();
}
