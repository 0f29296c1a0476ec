/*
 * test_probe_local.c - the pure half of the local probes (probe_local.h):
 * a pidfile's pid, a /proc/PID/stat line, df's percentage, and the
 * durations and sizes the probes print.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "checks/probe_local.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* s with its control characters escaped, for a test's name. */
static const char *
shown(const char *s)
{
	static char buf[128];
	size_t n = 0;

	for (; *s != '\0' && n + 3 < sizeof(buf); s++) {
		if (*s == '\n' || *s == '\t' || *s == '\r') {
			buf[n++] = '\\';
			buf[n++] = *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r';
		} else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

static void
test_pid(void)
{
	static const struct { const char *in; long want; } c[] = {
		{ "4242\n", 4242 }, { "4242", 4242 }, { "  17 \t\r\n", 17 },
		{ "2147483647\n", 2147483647 },
		{ "", -1 }, { "\n", -1 }, { "0\n", -1 }, { "-1\n", -1 },
		{ "+5\n", -1 }, { "12 34\n", -1 }, { "12abc\n", -1 },
		{ "0x10\n", -1 }, { "2147483648\n", -1 },
		{ "99999999999999999999\n", -1 }, { "nginx\n", -1 },
	};
	size_t i;
	pid_t pid;
	long got;

	for (i = 0; i < NELEM(c); i++) {
		pid = 0;
		got = probe_local_pid(c[i].in, strlen(c[i].in), &pid) == 0 ?
		    (long)pid : -1;
		ok(got == c[i].want, "pidfile \"%s\": %ld", shown(c[i].in),
		    got);
	}
	/* a NUL inside is not white space; the length is what counts */
	ok(probe_local_pid("12\0", 3, &pid) == -1, "a NUL after the pid");
	ok(probe_local_pid("12\n34", 3, &pid) == 0 && pid == 12,
	    "only len bytes are read");
}

/* A stat line with this name and state, starttime 123456. */
static size_t
line(char *buf, size_t size, const char *comm, char state)
{
	return (size_t)snprintf(buf, size, "4242 (%s) %c 1 4242 4242 0 -1 "
	    "4194560 110 0 0 0 0 0 0 0 20 0 1 0 123456 5345280 203 "
	    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
	    comm, state);
}

static void
test_stat(void)
{
	static const char *const names[] = { "sleep", "a b", "a) b", ")",
	    "((", "x) S 1 2 (y", "" };
	struct probe_local_stat st;
	char buf[512];
	size_t i, n;

	for (i = 0; i < NELEM(names); i++) {
		n = line(buf, sizeof(buf), names[i], 'S');
		memset(&st, 0, sizeof(st));
		ok(probe_local_stat(buf, n, &st) == 0 &&
		    strcmp(st.comm, names[i]) == 0 && st.state == 'S' &&
		    st.starttime == 123456, "stat of a process named \"%s\"",
		    names[i]);
	}
	n = line(buf, sizeof(buf), "defunct", 'Z');
	ok(probe_local_stat(buf, n, &st) == 0 && st.state == 'Z',
	    "a zombie's state");
	/* without its newline, and cut right after starttime */
	n = line(buf, sizeof(buf), "x", 'R');
	ok(probe_local_stat(buf, strstr(buf, "123456") + 6 - buf, &st) ==
	    0 && st.starttime == 123456, "ends at starttime");
	ok(probe_local_stat(buf, strstr(buf, "123456") - buf, &st) == -1,
	    "cut before starttime");
	ok(probe_local_stat("4242 sleep S 1", 14, &st) == -1,
	    "no parentheses");
	ok(probe_local_stat("4242 (sleep S 1", 15, &st) == -1,
	    "no closing parenthesis");
	ok(probe_local_stat("4242 (x)", 8, &st) == -1, "no state");
	ok(probe_local_stat("4242 (x) S 1 x", 14, &st) == -1,
	    "a field that is not a number");
	/* a name longer than the struct holds is cut, not overflowed */
	memset(buf, 'n', 200);
	n = line(buf, sizeof(buf), "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", 'S');
	ok(probe_local_stat(buf, n, &st) == 0 &&
	    strlen(st.comm) == sizeof(st.comm) - 1 && st.starttime == 123456,
	    "a long name is cut");
}

static void
test_percent(void)
{
	/* df: 1000 blocks, 100 free of which 50 for root: 50 / 950 */
	ok(probe_local_percent(1000, 100, 50) == 526, "5.26%% as df: %ju",
	    (uintmax_t)probe_local_percent(1000, 100, 50));
	ok(probe_local_percent(1000, 1000, 1000) == 10000, "empty: 100%%");
	ok(probe_local_percent(1000, 0, 0) == 0, "full: 0%%");
	ok(probe_local_percent(1000, 50, 0) == 0, "full but root's: 0%%");
	ok(probe_local_percent(0, 0, 0) == 10000, "no blocks: all free");
	ok(probe_local_percent(3, 1, 1) == 3333, "rounded down");
	ok(probe_local_percent(UINT64_MAX, UINT64_MAX / 2,
	    UINT64_MAX / 2) > 4990 && probe_local_percent(UINT64_MAX,
	    UINT64_MAX / 2, UINT64_MAX / 2) <= 5000, "no overflow: %ju",
	    (uintmax_t)probe_local_percent(UINT64_MAX, UINT64_MAX / 2,
	    UINT64_MAX / 2));
	ok(probe_local_ratio(32, 1000) == 320, "inodes: 3.2%%");
	ok(probe_local_ratio(5, 0) == 10000, "no inodes: all free");
	ok(probe_local_share(107374182400ULL, 1000) == 10737418240ULL,
	    "10%% of 100 GiB");
	ok(probe_local_share(UINT64_MAX, 10000) == UINT64_MAX,
	    "share of the largest: %ju",
	    (uintmax_t)probe_local_share(UINT64_MAX, 10000));
	ok(probe_local_share(999, 5000) == 499, "half of 999");
}

static void
test_duration(void)
{
	static const struct { uint64_t secs; const char *want; } c[] = {
		{ 0, "0s" }, { 40, "40s" }, { 60, "1m" }, { 725, "12m 5s" },
		{ 3600, "1h" }, { 3659, "1h" }, { 11520, "3h 12m" },
		{ 86400, "24h" }, { 97200, "27h" }, { 93600, "26h" },
		{ 172799, "47h 59m" }, { 172800, "2d" },
		{ 3 * 86400 + 2 * 3600 + 59, "3d 2h" },
		{ 400 * 86400, "400d" },
		{ UINT64_MAX, "213503982334601d 7h" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < NELEM(c); i++)
		is_str(probe_local_duration(buf, sizeof(buf), c[i].secs),
		    c[i].want, "%ju seconds", (uintmax_t)c[i].secs);
	is_str(probe_local_duration(buf, 4, 97200 + 60), "27h",
	    "cut to the buffer");
}

static void
test_bytes(void)
{
	static const struct { uint64_t n; const char *want; } c[] = {
		{ 0, "0 B" }, { 512, "512 B" }, { 1023, "1023 B" },
		{ 1024, "1.0 KB" }, { 4096, "4.0 KB" }, { 10188, "9.9 KB" },
		{ 10189, "10 KB" }, { 1048063, "1023 KB" },
		{ 1048064, "1.0 MB" }, { 9341553868ULL, "8.7 GB" },
		{ 114890375987ULL, "107 GB" }, { 1ULL << 40, "1.0 TB" },
		{ UINT64_MAX, "16 EB" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < NELEM(c); i++)
		is_str(probe_local_bytes(buf, sizeof(buf), c[i].n), c[i].want,
		    "%ju bytes", (uintmax_t)c[i].n);
}

static void
test_secs(void)
{
	static const struct { uint64_t ms; const char *want; } c[] = {
		{ 0, "0" }, { 1, "0.001" }, { 1500, "1.5" }, { 1250, "1.25" },
		{ 7200000, "7200" }, { 93600000, "93600" }, { 10010, "10.01" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < NELEM(c); i++)
		is_str(probe_local_secs(buf, sizeof(buf), c[i].ms), c[i].want,
		    "%ju ms", (uintmax_t)c[i].ms);
}

int
main(void)
{
	test_pid();
	test_stat();
	test_percent();
	test_duration();
	test_bytes();
	test_secs();
	return done_testing();
}
