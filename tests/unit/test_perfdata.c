/*
 * test_perfdata.c - the Nagios performance-data parser: the examples of
 * the plugin development guidelines, the real outputs of the standard
 * plugins (captured once, and run live when they are installed), units,
 * thresholds, malformed items, the limits, and random bytes.
 *
 * Each input is copied into a heap buffer of exactly its length, and the
 * arena is exactly n + 1 bytes, so that under ASan or valgrind a read
 * past the input or a write past the arena is caught.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/perfdata.h"
#include "tap.h"
#include "testlib.h"

#define PLUGINS	"/usr/lib/nagios/plugins"
#define KIB	1024.0
#define MIB	(1024.0 * 1024)
#define GIB	(1024.0 * 1024 * 1024)
#define TIB	(1024.0 * 1024 * 1024 * 1024)

/* What one item should hold; only the fields named in `has` are compared. */
struct want {
	const char	*label, *unit;
	double		 value;
	unsigned int	 has;
	double		 min, max, wl, wh, cl, ch;
};

struct vec {
	const char	*name;
	const char	*in;
	size_t		 len;
	size_t		 n;
	struct want	 w[8];
};

#define V(name, s, n, ...)	{ name, s, sizeof(s) - 1, n, { __VA_ARGS__ } }

enum {
	MIN = PERF_MIN, MAX = PERF_MAX, WL = PERF_WARN_LOW,
	WH = PERF_WARN_HIGH, CL = PERF_CRIT_LOW, CH = PERF_CRIT_HIGH
};

static char			*in_buf, *arena;
static size_t			 arena_size;
static struct perf_item		 items[PERFDATA_MAX + 36];

/* Parse n bytes of s into items[] with an arena of exactly n + 1 bytes. */
static size_t
parse_max(const char *s, size_t n, size_t max)
{
	free(in_buf);
	free(arena);
	if ((in_buf = malloc(n > 0 ? n : 1)) == NULL ||
	    (arena = malloc(n + 1)) == NULL)
		abort();
	memcpy(in_buf, s, n);
	arena_size = n + 1;
	memset(items, 0, sizeof(items));
	return perfdata_parse(in_buf, n, items, max, arena, arena_size);
}

static size_t
parse_n(const char *s, size_t n)
{
	return parse_max(s, n, PERFDATA_MAX);
}

static int
near(double got, double want)
{
	if (got == want)
		return 1;
	return fabs(got - want) <= 1e-12 * (fabs(got) > fabs(want) ?
	    fabs(got) : fabs(want));
}

static int
item_matches(const struct perf_item *it, const struct want *w)
{
	return strcmp(it->label, w->label) == 0 &&
	    strcmp(it->unit, w->unit) == 0 && near(it->value, w->value) &&
	    it->has == w->has &&
	    (!(w->has & MIN) || near(it->min, w->min)) &&
	    (!(w->has & MAX) || near(it->max, w->max)) &&
	    (!(w->has & WL) || near(it->warn_low, w->wl)) &&
	    (!(w->has & WH) || near(it->warn_high, w->wh)) &&
	    (!(w->has & CL) || near(it->crit_low, w->cl)) &&
	    (!(w->has & CH) || near(it->crit_high, w->ch));
}

static void
show(const struct perf_item *it)
{
	printf("#   got: '%s'=%.17g unit \"%s\" has %#x min %g max %g "
	    "warn %g:%g crit %g:%g\n", it->label, it->value, it->unit,
	    it->has, it->min, it->max, it->warn_low, it->warn_high,
	    it->crit_low, it->crit_high);
}

static void
check_vec(const struct vec *v)
{
	size_t	 n, i;

	n = parse_n(v->in, v->len);
	if (!ok(n == v->n, "%s: %zu item(s) (got %zu)", v->name, v->n, n))
		for (i = 0; i < n; i++)
			show(&items[i]);
	for (i = 0; i < v->n && i < n; i++)
		if (!ok(item_matches(&items[i], &v->w[i]), "%s: item %zu is "
		    "'%s' [%s]", v->name, i, v->w[i].label, v->w[i].unit))
			show(&items[i]);
}

static void
check_table(const struct vec *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		check_vec(&v[i]);
}

/*
 * Outputs of monitoring-plugins-basic 2.3.3 (Debian 12), captured by hand
 * with LANG=C, byte for byte, trailing blanks included.
 */
static const struct vec plugins[] = {
	V("check_disk -w 10% -c 5% -p /",
	    "DISK OK - free space: / 81409MiB (83% inode=97%);| "
	    "/=17380147200B;243497277849;257024904396;0;270552530944\n", 1,
	    { "/", "bytes", 17380147200.0, WH | CH | MIN | MAX, 0,
	    270552530944.0, 0, 243497277849.0, 0, 257024904396.0 }),
	V("check_load -w 4,3,2 -c 8,6,4",
	    "LOAD OK - total load average: 1.92, 0.87, 0.37|"
	    "load1=1.920;4.000;8.000;0; load5=0.870;3.000;6.000;0; "
	    "load15=0.370;2.000;4.000;0; \n", 3,
	    { "load1", "", 1.92, WH | CH | MIN, 0, 0, 0, 4, 0, 8 },
	    { "load5", "", 0.87, WH | CH | MIN, 0, 0, 0, 3, 0, 6 },
	    { "load15", "", 0.37, WH | CH | MIN, 0, 0, 0, 2, 0, 4 }),
	V("check_procs",
	    "PROCS OK: 103 processes | procs=103;;;0;\n", 1,
	    { "procs", "", 103, MIN, 0, 0, 0, 0, 0, 0 }),
	V("check_users -w 5 -c 10",
	    "USERS OK - 0 users currently logged in |users=0;5;10;0\n", 1,
	    { "users", "", 0, WH | CH | MIN, 0, 0, 0, 5, 0, 10 }),
	V("check_swap -w 10% -c 5% (no swap)",
	    "SWAP CRITICAL - 0% free (0MB out of 0MB) - Swap is either "
	    "disabled, not present, or of zero size. |swap=0B;0;0;0;0\n", 1,
	    { "swap", "bytes", 0, WH | CH | MIN | MAX, 0, 0, 0, 0, 0, 0 }),
	V("check_dummy 0 text", "OK: text\n", 0, { NULL, NULL, 0, 0, 0, 0,
	    0, 0, 0, 0 }),
	/* Other shapes the standard plugins print. */
	V("check_ping",
	    "PING OK - Packet loss = 0%, RTA = 0.08 ms|rta=0.080000ms;"
	    "100.000000;500.000000;0.000000 pl=0%;20;60;0\n", 2,
	    { "rta", "seconds", 0.00008, WH | CH | MIN, 0, 0, 0, 0.1, 0,
	    0.5 },
	    { "pl", "percent", 0, WH | CH | MIN, 0, 0, 0, 20, 0, 60 }),
	V("check_http",
	    "HTTP OK: HTTP/1.1 200 OK - 1032 bytes in 0.002 second response "
	    "time |time=0.002722s;;;0.000000 size=1032B;;;0\n", 2,
	    { "time", "seconds", 0.002722, MIN, 0, 0, 0, 0, 0, 0 },
	    { "size", "bytes", 1032, MIN, 0, 0, 0, 0, 0, 0 }),
	V("check_swap with swap",
	    "SWAP OK - 100% free (2047MB out of 2047MB) |"
	    "swap=2147479552B;214747955;107373977;0;2147479552\n", 1,
	    { "swap", "bytes", 2147479552.0, WH | CH | MIN | MAX, 0,
	    2147479552.0, 0, 214747955, 0, 107373977 }),
	V("old check_disk in MB",
	    "DISK OK - free space: / 3326 MB (56% inode=80%);| "
	    "/=2643MB;5948;5958;0;5968\n", 1,
	    { "/", "bytes", 2643 * MIB, WH | CH | MIN | MAX, 0, 5968 * MIB,
	    0, 5948 * MIB, 0, 5958 * MIB }),
};

/* The examples of the Nagios plugin development guidelines. */
static const struct vec guidelines[] = {
	V("the long-output example",
	    "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;"
	    "5968\n/ 15272 MB (77%);\n/boot 68 MB (69%);\n"
	    "/home 69357 MB (27%);\n/var/log 819 MB (84%); | "
	    "/boot=68MB;88;93;0;98\n/home=69357MB;253404;253409;0;253414 \n"
	    "/var/log=818MB;970;975;0;980\n", 4,
	    { "/", "bytes", 2643 * MIB, WH | CH | MIN | MAX, 0, 5968 * MIB,
	    0, 5948 * MIB, 0, 5958 * MIB },
	    { "/boot", "bytes", 68 * MIB, WH | CH | MIN | MAX, 0, 98 * MIB,
	    0, 88 * MIB, 0, 93 * MIB },
	    { "/home", "bytes", 69357 * MIB, WH | CH | MIN | MAX, 0,
	    253414 * MIB, 0, 253404 * MIB, 0, 253409 * MIB },
	    { "/var/log", "bytes", 818 * MIB, WH | CH | MIN | MAX, 0,
	    980 * MIB, 0, 970 * MIB, 0, 975 * MIB }),
	V("all five fields",
	    "OK | 'label'=5;10;20;0;100\n", 1,
	    { "label", "", 5, WH | CH | MIN | MAX, 0, 100, 0, 10, 0, 20 }),
	V("a quoted label with spaces",
	    "OK | 'free space'=3;;;0\n", 1,
	    { "free space", "", 3, MIN, 0, 0, 0, 0, 0, 0 }),
	V("'' is a quote inside a quoted label",
	    "OK | 'it''s'=1 'a''''b'=2 ''''=3\n", 3,
	    { "it's", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "a''b", "", 2, 0, 0, 0, 0, 0, 0, 0 },
	    { "'", "", 3, 0, 0, 0, 0, 0, 0, 0 }),
	V("'=' inside quotes is text",
	    "OK | 'a=b'=4 'x = y'=5;1\n", 2,
	    { "a=b", "", 4, 0, 0, 0, 0, 0, 0, 0 },
	    { "x = y", "", 5, WH, 0, 0, 0, 1, 0, 0 }),
	V("the quotes are optional",
	    "OK | 'a'=1 b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("empty fields",
	    "OK | a=1;;;; b=2;;5 c=3;;;7 d=4;;;;8\n", 4,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, CH, 0, 0, 0, 0, 0, 5 },
	    { "c", "", 3, MIN, 7, 0, 0, 0, 0, 0 },
	    { "d", "", 4, MAX, 0, 8, 0, 0, 0, 0 }),
	V("trailing ';' left off",
	    "OK | a=1 b=2;3 c=4;5;6 d=7;8;9;0\n", 4,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, WH, 0, 0, 0, 3, 0, 0 },
	    { "c", "", 4, WH | CH, 0, 0, 0, 5, 0, 6 },
	    { "d", "", 7, WH | CH | MIN, 0, 0, 0, 8, 0, 9 }),
	V("fields past max are ignored, the next item is not",
	    "OK | a=1;2;3;4;5;6;7 b=2\n", 2,
	    { "a", "", 1, WH | CH | MIN | MAX, 4, 5, 0, 2, 0, 3 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("decimals and signs",
	    "OK | a=-1.5 b=+2 c=.5 d=3. e=1e3 f=2.5E-2s\n", 6,
	    { "a", "", -1.5, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 },
	    { "c", "", 0.5, 0, 0, 0, 0, 0, 0, 0 },
	    { "d", "", 3, 0, 0, 0, 0, 0, 0, 0 },
	    { "e", "", 1000, 0, 0, 0, 0, 0, 0, 0 },
	    { "f", "seconds", 0.025, 0, 0, 0, 0, 0, 0, 0 }),
};

/* Where the data is: after the first '|' of each part. */
static const struct vec regions[] = {
	V("no '|': no data", "OK a=1 b=2\nlong c=3\n", 0,
	    { NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0 }),
	V("the text before '|' is not data",
	    "DISK OK inode=97% x=1 | a=1\n", 1,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("the first line's data stops at its end",
	    "OK | a=1\nplain long text x=5\nmore y=6\n", 1,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("long output after its first '|', following lines included",
	    "OK | a=1\nline 1 x=9\nline 2 | b=2\nc=3 d=4\ne=5\n", 5,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 },
	    { "c", "", 3, 0, 0, 0, 0, 0, 0, 0 },
	    { "d", "", 4, 0, 0, 0, 0, 0, 0, 0 },
	    { "e", "", 5, 0, 0, 0, 0, 0, 0, 0 }),
	V("long output with data, first line without",
	    "OK\nline 1 y=1\n| b=2\n", 1,
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("a '|' on the second line starts the long output's data",
	    "OK | a=1\n| b=2", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("CRLF line ends",
	    "OK | a=1\r\nlong | b=2\r\nc=3\r\n", 3,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 },
	    { "c", "", 3, 0, 0, 0, 0, 0, 0, 0 }),
	V("no newline at the end", "OK|a=1", 1,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("tabs and several blanks separate", "OK |\ta=1 \t  b=2\t", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("a '|' alone", "|", 0, { NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0 }),
	V("empty data", "OK |   \n   |  \n", 0,
	    { NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0 }),
	V("a second '|' in the data is skipped like a bad item",
	    "OK | a=1 | b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
};

static const struct vec units[] = {
	V("time units to seconds",
	    "OK | a=2s;1;3;0;10 b=5ms;100;200;0;1000 c=250us;100:;~:500;0;"
	    "1000\n", 3,
	    { "a", "seconds", 2, WH | CH | MIN | MAX, 0, 10, 0, 1, 0, 3 },
	    { "b", "seconds", 0.005, WH | CH | MIN | MAX, 0, 1, 0, 0.1, 0,
	    0.2 },
	    { "c", "seconds", 0.00025, WL | CH | MIN | MAX, 0, 0.001,
	    0.0001, 0, 0, 0.0005 }),
	V("byte units, 1024 each",
	    "OK | b=7B;1;2;0;9 k=2KB;1:3;4;0;8 m=1.5MB g=3GB;1;2 t=2TB;;;0;4\n",
	    5,
	    { "b", "bytes", 7, WH | CH | MIN | MAX, 0, 9, 0, 1, 0, 2 },
	    { "k", "bytes", 2 * KIB, WL | WH | CH | MIN | MAX, 0, 8 * KIB,
	    1 * KIB, 3 * KIB, 0, 4 * KIB },
	    { "m", "bytes", 1.5 * MIB, 0, 0, 0, 0, 0, 0, 0 },
	    { "g", "bytes", 3 * GIB, WH | CH, 0, 0, 0, 1 * GIB, 0, 2 * GIB },
	    { "t", "bytes", 2 * TIB, MIN | MAX, 0, 4 * TIB, 0, 0, 0, 0 }),
	V("percent and counter",
	    "OK | p=55.5%;80;90;0;100 c=12345c;;;0\n", 2,
	    { "p", "percent", 55.5, WH | CH | MIN | MAX, 0, 100, 0, 80, 0,
	    90 },
	    { "c", "counter", 12345, MIN, 0, 0, 0, 0, 0, 0 }),
	V("no unit", "OK | n=42;;;0\n", 1,
	    { "n", "", 42, MIN, 0, 0, 0, 0, 0, 0 }),
	V("other units kept as written, value unchanged",
	    "OK | a=3KiB b=4kB c=5req/s d=6MiB;7 e=1mb f=2S g=3dBm\n", 7,
	    { "a", "KiB", 3, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "kB", 4, 0, 0, 0, 0, 0, 0, 0 },
	    { "c", "req/s", 5, 0, 0, 0, 0, 0, 0, 0 },
	    { "d", "MiB", 6, WH, 0, 0, 0, 7, 0, 0 },
	    { "e", "mb", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "f", "S", 2, 0, 0, 0, 0, 0, 0, 0 },
	    { "g", "dBm", 3, 0, 0, 0, 0, 0, 0, 0 }),
};

static const struct vec thresholds[] = {
	V("N: high only", "OK | a=1;10;20\n", 1,
	    { "a", "", 1, WH | CH, 0, 0, 0, 10, 0, 20 }),
	V("start: low only", "OK | a=1;10:;20:\n", 1,
	    { "a", "", 1, WL | CL, 0, 0, 10, 0, 20, 0 }),
	V("start:end: both", "OK | a=1;5:10;-3.5:2e1\n", 1,
	    { "a", "", 1, WL | WH | CL | CH, 0, 0, 5, 10, -3.5, 20 }),
	V("~:end: no low", "OK | a=1;~:10;~:20\n", 1,
	    { "a", "", 1, WH | CH, 0, 0, 0, 10, 0, 20 }),
	V("@ ranges are not exported, the rest is",
	    "OK | a=1;@5:10;@20;0;30\n", 1,
	    { "a", "", 1, MIN | MAX, 0, 30, 0, 0, 0, 0 }),
	V("malformed thresholds are left out of their item",
	    "OK | a=1;x;10:y;0;z b=2;~;:;abc;5\n", 2,
	    { "a", "", 1, MIN, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, MAX, 0, 5, 0, 0, 0, 0 }),
	V("negative and zero thresholds",
	    "OK | a=-5;-10:-1;0\n", 1,
	    { "a", "", -5, WL | WH | CH, 0, 0, -10, -1, 0, 0 }),
	V("a threshold with a unit is malformed",
	    "OK | a=1s;2s;3\n", 1,
	    { "a", "seconds", 1, CH, 0, 0, 0, 0, 0, 3 }),
};

/* Bad items are skipped; their neighbours are not. */
static const struct vec malformed[] = {
	V("no '='", "OK | a=1 noequals b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("empty label", "OK | a=1 =5 ''=6 b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("a decimal comma", "OK | a=1 c=1,5 b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("text as value", "OK | a=1 c=abc d=- e=. f=inf g=nan h=0x10 b=2\n",
	    2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("empty value", "OK | a=1 c= d=;1;2 b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("a second '.' in the value", "OK | a=1 c=1.2.3 b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("a NUL in the value", "OK | a=1 c=1\0x b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("a NUL in a label", "OK | a=1 c\0d=3 'e\0f'=4 b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("a NUL in a threshold leaves the threshold out",
	    "OK | a=1;5\0;7 b=2\n", 2,
	    { "a", "", 1, CH, 0, 0, 0, 0, 0, 7 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("an unterminated quote", "OK | a=1 'open=3 b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("an unterminated quote at the end", "OK | a=1 'open", 1,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("a quoted label cut by a newline", "OK | a=1 'x\ny'=3\n", 1,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("a quoted label without '=' after it", "OK | a=1 'x' b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("'=' at the very end", "OK | a=1 b=", 1,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("a number too long to take", "OK | a=1 c="
	    "0.000000000000000000000000000000"
	    "0000000000000000000000000000000001"
	    " b=2\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 2, 0, 0, 0, 0, 0, 0, 0 }),
	V("the Nagios docs' comma-separated PING example",
	    "PING ok - Packet loss = 0%, RTA = 0.80 ms | "
	    "percent_packet_loss=0, rta=0.80\n", 1,
	    { "rta", "", 0.8, 0, 0, 0, 0, 0, 0, 0 }),
};

static const struct vec unknown[] = {
	V("a value U leaves the item out", "OK | a=U b=1 c=U;1;2;0;5\n", 1,
	    { "b", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("U as a threshold is malformed, the item stays",
	    "OK | a=1;U;2\n", 1,
	    { "a", "", 1, CH, 0, 0, 0, 0, 0, 2 }),
	V("a label U is a label", "OK | U=1\n", 1,
	    { "U", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
};

static const struct vec repeats[] = {
	V("a repeated label and unit is kept once, the first",
	    "OK | a=1 a=2 'a'=3\n", 1,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("the same label with another unit is another item",
	    "OK | a=1 a=2s a=3B\n", 3,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "a", "seconds", 2, 0, 0, 0, 0, 0, 0, 0 },
	    { "a", "bytes", 3, 0, 0, 0, 0, 0, 0, 0 }),
	V("units are compared after conversion",
	    "OK | t=1s t=1000ms\n", 1,
	    { "t", "seconds", 1, 0, 0, 0, 0, 0, 0, 0 }),
	V("a repeat in the long output",
	    "OK | a=1\n| a=2 b=3\n", 2,
	    { "a", "", 1, 0, 0, 0, 0, 0, 0, 0 },
	    { "b", "", 3, 0, 0, 0, 0, 0, 0, 0 }),
};

static void
test_limits(void)
{
	char		 s[4096], label[32];
	size_t		 len = 0, n, i;
	int		 good = 1;

	len = (size_t)snprintf(s, sizeof(s), "OK |");
	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, " m%zu=%zu",
		    i, i);
	n = parse_n(s, len);
	ok(n == PERFDATA_MAX, "100 items: the first 64 are kept (got %zu)",
	    n);
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "m%zu", i);
		good &= strcmp(items[i].label, label) == 0 &&
		    items[i].value == (double)i;
	}
	ok(good, "and they are m0..m63 in order");
	n = parse_max(s, len, PERFDATA_MAX + 36);
	ok(n == PERFDATA_MAX, "a larger max is held to 64 (got %zu)", n);
	n = parse_max(s, len, 3);
	ok(n == 3 && strcmp(items[2].label, "m2") == 0,
	    "a smaller max is honoured");
	n = parse_max(s, len, 0);
	ok(n == 0, "max 0 gives nothing");

	/* Bad items do not count toward the 64. */
	len = (size_t)snprintf(s, sizeof(s), "OK |");
	for (i = 0; i < 70; i++)
		len += (size_t)snprintf(s + len, sizeof(s) - len,
		    " bad%zu=x m%zu=%zu", i, i, i);
	n = parse_n(s, len);
	ok(n == PERFDATA_MAX && strcmp(items[63].label, "m63") == 0,
	    "skipped items do not count toward the limit");

	n = parse_n("", 0);
	ok(n == 0, "empty output");
	n = perfdata_parse("OK | a=1", 8, items, PERFDATA_MAX, arena, 0);
	ok(n == 0, "an arena of 0 bytes gives nothing");
}

/* An arena smaller than n + 1: what does not fit is left out. */
static void
test_small_arena(void)
{
	const char	*s = "OK | abcde=1 d=2 e=3x f=4";
	char		*a;
	size_t		 n;

	if ((a = malloc(5)) == NULL)
		abort();
	n = perfdata_parse(s, strlen(s), items, PERFDATA_MAX, a, 5);
	ok(n == 2 && strcmp(items[0].label, "d") == 0 &&
	    strcmp(items[1].label, "f") == 0,
	    "a 5-byte arena keeps what fits, never more (got %zu)", n);
	free(a);
}

static void
test_big(void)
{
	char	*s, label[256];
	size_t	 len = 0, cap = 16384, n, i, k;
	int	 good = 1;

	if ((s = malloc(cap)) == NULL)
		abort();
	len = (size_t)snprintf(s, cap, "OK - fine | ");
	for (i = 0; i < 60; i++) {
		memset(label, 'a' + (int)(i % 26), 150);
		label[150] = '\0';
		len += (size_t)snprintf(s + len, cap - len,
		    "'%s %zu'=%zu.5ms;1;2;0;100 ", label, i, i);
	}
	ok(len > 10240 && len < cap, "10 KiB of perfdata (%zu bytes)", len);
	n = parse_n(s, len);
	ok(n == 60, "60 items with 150-byte labels (got %zu)", n);
	for (i = 0; i < n; i++) {
		memset(label, 'a' + (int)(i % 26), 150);
		snprintf(label + 150, sizeof(label) - 150, " %zu", i);
		good &= strcmp(items[i].label, label) == 0 &&
		    strcmp(items[i].unit, "seconds") == 0 &&
		    near(items[i].value, ((double)i + 0.5) / 1000) &&
		    items[i].has == (WH | CH | MIN | MAX);
	}
	ok(good, "every label, unit and value is right");

	/* One 10 KiB label, then one 10 KiB run of junk. */
	len = (size_t)snprintf(s, cap, "OK | '");
	memset(s + len, 'L', 10240);
	len += 10240;
	len += (size_t)snprintf(s + len, cap - len, "'=1 ");
	memset(s + len, 'j', 4000);
	len += 4000;
	len += (size_t)snprintf(s + len, cap - len, " z=2\n");
	n = parse_n(s, len);
	k = n > 0 ? strlen(items[0].label) : 0;
	ok(n == 2 && k == 10240 && strcmp(items[1].label, "z") == 0,
	    "a 10 KiB label, 4000 bytes of junk, then an item");
	free(s);
}

static int
in_arena(const char *p)
{
	return p >= arena && p < arena + arena_size &&
	    memchr(p, '\0', (size_t)(arena + arena_size - p)) != NULL;
}

static int
base_unit(const char *u)
{
	static const char *const base[] = { "", "seconds", "bytes",
	    "percent", "counter" };
	size_t	 i;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (strcmp(u, base[i]) == 0)
			return 1;
	return 0;
}

/* Every item's strings end inside the arena (or are a base unit). */
static int
items_sane(size_t n)
{
	size_t	 i;

	if (n > PERFDATA_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!in_arena(items[i].label) || items[i].label[0] == '\0')
			return 0;
		if (items[i].unit == NULL || (!in_arena(items[i].unit) &&
		    !base_unit(items[i].unit)))
			return 0;
		if (strpbrk(items[i].label, "\n\r") != NULL)
			return 0;
	}
	return 1;
}

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;	/* for tl_rand() */

static void
test_fuzz(void)
{
	static const char alpha[] =
	    "=;'|: \n\r\t\0U~@.-+0123456789eEKMGTBsmu%c";
	char		 s[600];
	size_t		 len, i, n, bad = 0, total = 0;
	int		 round, mode;
	const char	*seed;

	for (round = 0; round < 6000; round++) {
		len = tl_rand(&rng) % sizeof(s);
		mode = round % 3;
		if (mode == 0) {		/* any bytes */
			for (i = 0; i < len; i++)
				s[i] = (char)tl_rand(&rng);
		} else if (mode == 1) {		/* perfdata-ish bytes */
			for (i = 0; i < len; i++)
				s[i] = alpha[tl_rand(&rng) %
				    (sizeof(alpha) - 1)];
		} else {			/* a real output, mutated */
			seed = plugins[tl_rand(&rng) % 5].in;
			len = strlen(seed);
			memcpy(s, seed, len);
			for (i = tl_rand(&rng) % 8; i > 0; i--)
				s[tl_rand(&rng) % len] = tl_rand(&rng) % 2 ?
				    alpha[tl_rand(&rng) % (sizeof(alpha) - 1)] :
				    (char)tl_rand(&rng);
		}
		n = parse_n(s, len);
		total += n;
		if (!items_sane(n))
			bad++;
	}
	ok(bad == 0, "6000 random buffers: every label and unit ends inside "
	    "the arena (%zu items seen, %zu bad)", total, bad);
	ok(total > 1000, "and the fuzz did reach items");
}

/*
 * The plugins themselves, when installed: labels, units, and numbers.
 * `mount` is a mount point the command needs to see (check_disk -p
 * finds its file system in /proc/self/mountinfo).
 */
struct live {
	const char	*cmd;
	size_t		 n;
	const char	*label[3], *unit[3];
	const char	*mount;
};

static const struct live lives[] = {
	{ "check_disk -w 10% -c 5% -p /", 1, { "/" }, { "bytes" }, "/" },
	{ "check_load -w 4,3,2 -c 8,6,4", 3, { "load1", "load5", "load15" },
	    { "", "", "" }, NULL },
	{ "check_procs", 1, { "procs" }, { "" }, NULL },
	{ "check_users -w 5 -c 10", 1, { "users" }, { "" }, NULL },
	{ "check_swap -w 10% -c 5%", 1, { "swap" }, { "bytes" }, NULL },
	{ "check_dummy 0 text", 0, { NULL }, { NULL }, NULL },
};

/*
 * mounted: DIR is a mount point in /proc/self/mountinfo (its fifth field),
 * as check_disk sees it.  In a build chroot (pbuilder, sbuild) "/" is
 * none: only what was mounted inside the chroot is listed.
 */
static int
mounted(const char *dir)
{
	char	 line[4096], point[4096];
	FILE	*f;
	int	 found = 0;

	if ((f = fopen("/proc/self/mountinfo", "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    strcmp(point, dir) == 0;
	fclose(f);
	return found;
}

static void
test_live(void)
{
	char		 cmd[256], path[256], out[4096];
	const char	*sp;
	size_t		 i, k, n, len;
	FILE		*f;
	int		 good;

	for (i = 0; i < sizeof(lives) / sizeof(lives[0]); i++) {
		sp = strchr(lives[i].cmd, ' ');
		snprintf(path, sizeof(path), PLUGINS "/%.*s",
		    (int)(sp - lives[i].cmd), lives[i].cmd);
		if (access(path, X_OK) == -1) {
			ok(1, "# SKIP %s is not installed", path);
			continue;
		}
		if (lives[i].mount != NULL && !mounted(lives[i].mount)) {
			ok(1, "# SKIP %s: %s is not a mount point here (a "
			    "chroot?)", lives[i].cmd, lives[i].mount);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "LANG=C LC_ALL=C " PLUGINS
		    "/%s 2>/dev/null </dev/null", lives[i].cmd);
		if ((f = popen(cmd, "r")) == NULL) {
			ok(0, "popen %s", cmd);
			continue;
		}
		len = fread(out, 1, sizeof(out), f);
		pclose(f);
		n = parse_n(out, len);
		good = n == lives[i].n;
		for (k = 0; good && k < n; k++)
			good = strcmp(items[k].label, lives[i].label[k]) == 0 &&
			    strcmp(items[k].unit, lives[i].unit[k]) == 0 &&
			    isfinite(items[k].value) && items[k].value >= 0 &&
			    (items[k].has & PERF_MIN) && items[k].min == 0;
		if (!ok(good, "live %s: %zu item(s), labels and units as "
		    "expected", lives[i].cmd, lives[i].n))
			printf("#   output: %.*s", (int)len, out);
	}
}

int
main(void)
{
	check_table(plugins, sizeof(plugins) / sizeof(plugins[0]));
	check_table(guidelines, sizeof(guidelines) / sizeof(guidelines[0]));
	check_table(regions, sizeof(regions) / sizeof(regions[0]));
	check_table(units, sizeof(units) / sizeof(units[0]));
	check_table(thresholds, sizeof(thresholds) / sizeof(thresholds[0]));
	check_table(malformed, sizeof(malformed) / sizeof(malformed[0]));
	check_table(unknown, sizeof(unknown) / sizeof(unknown[0]));
	check_table(repeats, sizeof(repeats) / sizeof(repeats[0]));
	test_limits();
	test_small_arena();
	test_big();
	test_fuzz();
	test_live();
	free(in_buf);
	free(arena);
	return done_testing();
}
