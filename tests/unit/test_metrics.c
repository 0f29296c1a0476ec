/*
 * test_metrics.c - /metrics: a lint of the Prometheus text format 0.0.4
 * written here in C, run over renderings of 0, 1 and 100 checks with
 * hostile performance data; the enum pattern of states, the perfdata
 * families, the process_* ones; promtool when it is installed.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "checks/health.h"
#include "http/http.h"
#include "report/metrics.h"
#include "checks/perfdata.h"
#include "tap.h"
#include "testlib.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- the lint ---- */

#define LINT_SERIES	(1 << 15)	/* hash slots; 100 checks need ~6000 */
#define LINT_FAMILIES	64
#define LINT_LABELS	8
#define KEY_MAX		1024

/*
 * What a lint run found: the problems, and every series (its name and
 * sorted labels as a key) with its value, to look samples up by.
 */
struct lint {
	int		 problems, samples, line;
	char		 fam[LINT_FAMILIES][80];
	char		 famtype[LINT_FAMILIES][12];
	int		 famsamples[LINT_FAMILIES];
	int		 nfam;
	char		 help[80];	/* the HELP just before, "" if none */
	char		*key[LINT_SERIES];
	char		*value[LINT_SERIES];
	size_t		 nseries;
};

static int lint_quiet;		/* the lint's own tests: no diagnostics */

/* Say what is wrong, the line shown in printable ASCII. */
static void
problem(struct lint *l, const char *why, const char *p, const char *eol)
{
	const unsigned char *q;

	if (l->problems++ >= 10 || lint_quiet)
		return;
	printf("# lint: line %d: %s: ", l->line, why);
	for (q = (const unsigned char *)p; q < (const unsigned char *)eol &&
	    q < (const unsigned char *)p + 160; q++)
		if (*q >= 0x20 && *q < 0x7f)
			putchar(*q);
		else
			printf("\\x%02x", *q);
	putchar('\n');
}

static int
is_name_start(unsigned char c, int colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (colon && c == ':');
}

static int
is_name_char(unsigned char c, int colon)
{
	return is_name_start(c, colon) || (c >= '0' && c <= '9');
}

/* A metric (colon 1) or label (colon 0) name at p; its length or 0. */
static size_t
name_len(const char *p, const char *end, int colon)
{
	size_t n = 0;

	if (p >= end || !is_name_start((unsigned char)*p, colon))
		return 0;
	while (p + n < end && is_name_char((unsigned char)p[n], colon))
		n++;
	return n;
}

/* A plain decimal number in the JSON grammar: no NaN, no Inf, no hex. */
static int
is_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d)
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* An escaped text (label value, HELP): valid UTF-8, only these escapes. */
static const char *
escaped_text(const char *p, const char *end, const char *escapes,
    int quoted)
{
	size_t k;

	while (p < end && !(quoted && *p == '"')) {
		if (*p == '\\') {
			if (p + 1 >= end || p[1] == '\0' ||
			    strchr(escapes, p[1]) == NULL)
				return NULL;
			p += 2;
			continue;
		}
		if ((k = tl_utf8_len((const unsigned char *)p,
		    (size_t)(end - p))) == 0)
			return NULL;
		p += k;
	}
	return p;
}

struct pair {
	const char	*k, *v;
	size_t		 kn, vn;
};

/*
 * One sample line [p, eol): its family name, a canonical key (name,
 * then label pairs sorted by name) and where its value is.  Returns
 * NULL when fine, or what is wrong.
 */
static const char *
parse_sample(const char *p, const char *eol, char *name, size_t namesz,
    char *key, const char **val, size_t *vlen)
{
	struct pair pr[LINT_LABELS], t;
	size_t n, np = 0, i, j, off;
	const char *q, *e;

	if ((n = name_len(p, eol, 1)) == 0 || n >= namesz)
		return "bad metric name";
	memcpy(name, p, n);
	name[n] = '\0';
	q = p + n;
	if (q < eol && *q == '{') {
		q++;
		while (q < eol && *q != '}') {
			if (np == LINT_LABELS)
				return "too many labels";
			if ((n = name_len(q, eol, 0)) == 0)
				return "bad label name";
			if (n >= 2 && q[0] == '_' && q[1] == '_')
				return "reserved label name";
			pr[np].k = q;
			pr[np].kn = n;
			q += n;
			if (q + 1 >= eol || q[0] != '=' || q[1] != '"')
				return "label without =\"";
			q += 2;
			if ((e = escaped_text(q, eol, "\\\"n", 1)) == NULL)
				return "label value: bad escape or UTF-8";
			if (e >= eol)
				return "unterminated label value";
			pr[np].v = q;
			pr[np].vn = (size_t)(e - q);
			for (i = 0; i < np; i++)
				if (pr[i].kn == n && memcmp(pr[i].k,
				    pr[np].k, n) == 0)
					return "label twice";
			np++;
			q = e + 1;
			if (q < eol && *q == ',')
				q++;
			else if (q >= eol || *q != '}')
				return "no ',' or '}' after a label";
		}
		if (q >= eol)
			return "unterminated label set";
		q++;
	}
	if (q >= eol || *q != ' ')
		return "no space before the value";
	*val = ++q;
	e = memchr(q, ' ', (size_t)(eol - q));
	*vlen = (size_t)((e != NULL ? e : eol) - q);
	if (!is_number(q, *vlen))
		return "value is not a plain number";
	if (e != NULL)
		return "a timestamp or trailing text";
	for (i = 1; i < np; i++)	/* insertion sort, by label name */
		for (j = i; j > 0; j--) {
			size_t m = pr[j].kn < pr[j - 1].kn ? pr[j].kn :
			    pr[j - 1].kn;
			int c = memcmp(pr[j].k, pr[j - 1].k, m);

			if (c > 0 || (c == 0 && pr[j].kn > pr[j - 1].kn))
				break;
			t = pr[j];
			pr[j] = pr[j - 1];
			pr[j - 1] = t;
		}
	off = (size_t)snprintf(key, KEY_MAX, "%s", name);
	for (i = 0; i < np && off < KEY_MAX; i++)
		off += (size_t)snprintf(key + off, KEY_MAX - off,
		    "\xff%.*s\xfe%.*s", (int)pr[i].kn, pr[i].k, (int)pr[i].vn,
		    pr[i].v);
	return off < KEY_MAX ? NULL : "series too long";
}

static size_t
slot(const struct lint *l, const char *key)
{
	uint32_t h = 2166136261u;
	const unsigned char *s;
	size_t i;

	for (s = (const unsigned char *)key; *s != '\0'; s++)
		h = (h ^ *s) * 16777619u;
	for (i = h & (LINT_SERIES - 1); l->key[i] != NULL &&
	    strcmp(l->key[i], key) != 0; i = (i + 1) & (LINT_SERIES - 1))
		;
	return i;
}

static void
lint_sample(struct lint *l, const char *p, const char *eol)
{
	char name[128], key[KEY_MAX];
	const char *why, *val = NULL;
	size_t vlen = 0, i;

	l->samples++;
	if ((why = parse_sample(p, eol, name, sizeof(name), key, &val,
	    &vlen)) != NULL) {
		problem(l, why, p, eol);
		return;
	}
	if (l->nfam == 0 || strcmp(name, l->fam[l->nfam - 1]) != 0) {
		problem(l, "sample not of the family of the last TYPE", p, eol);
		return;
	}
	l->famsamples[l->nfam - 1]++;
	i = slot(l, key);
	if (l->key[i] != NULL) {
		problem(l, "duplicate series", p, eol);
		return;
	}
	if (l->nseries >= LINT_SERIES / 2) {
		problem(l, "too many series for the lint", p, eol);
		return;
	}
	l->key[i] = strdup(key);
	l->value[i] = strndup(val, vlen);
	l->nseries++;
}

static void
lint_comment(struct lint *l, const char *p, const char *eol)
{
	char name[80];
	const char *q;
	size_t n;
	int i, help = strncmp(p, "# HELP ", 7) == 0;

	if (!help && strncmp(p, "# TYPE ", 7) != 0) {
		problem(l, "a comment that is neither HELP nor TYPE", p, eol);
		return;
	}
	q = p + 7;
	if ((n = name_len(q, eol, 1)) == 0 || n >= sizeof(name) ||
	    q + n >= eol || q[n] != ' ') {
		problem(l, "bad name in HELP or TYPE", p, eol);
		return;
	}
	memcpy(name, q, n);
	name[n] = '\0';
	q += n + 1;
	for (i = 0; i < l->nfam; i++)
		if (strcmp(l->fam[i], name) == 0)
			problem(l, "family announced twice", p, eol);
	if (help) {
		if (l->help[0] != '\0')
			problem(l, "HELP without its TYPE", p, eol);
		if (escaped_text(q, eol, "\\n", 0) != eol || q == eol)
			problem(l, "HELP text: empty, bad escape or UTF-8", p,
			    eol);
		snprintf(l->help, sizeof(l->help), "%s", name);
		return;
	}
	if (strcmp(l->help, name) != 0)
		problem(l, "TYPE not right after its HELP", p, eol);
	l->help[0] = '\0';
	n = (size_t)(eol - q);
	if (!((n == 7 && memcmp(q, "counter", 7) == 0) ||
	    (n == 5 && memcmp(q, "gauge", 5) == 0)))
		problem(l, "a type we do not use", p, eol);
	if ((n == 7) != (strlen(name) > 6 &&
	    strcmp(name + strlen(name) - 6, "_total") == 0))
		problem(l, "counters end in _total, nothing else does", p, eol);
	if (l->nfam == LINT_FAMILIES) {
		problem(l, "too many families for the lint", p, eol);
		return;
	}
	snprintf(l->fam[l->nfam], sizeof(l->fam[0]), "%s", name);
	snprintf(l->famtype[l->nfam], sizeof(l->famtype[0]), "%.*s",
	    (int)n, q);
	l->famsamples[l->nfam++] = 0;
}

static void
lint_free(struct lint *l)
{
	size_t i;

	for (i = 0; i < LINT_SERIES; i++) {
		free(l->key[i]);
		free(l->value[i]);
	}
	free(l);
}

/* Lint n bytes of exposition; the caller frees with lint_free(). */
static struct lint *
lint(const char *text, size_t n)
{
	struct lint *l = calloc(1, sizeof(*l));
	const char *p, *eol, *end = text + n;

	if (l == NULL)
		abort();
	for (p = text; p < end; p = eol + 1) {
		l->line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			problem(l, "last line not terminated", p, end);
			break;
		}
		if (memchr(p, '\0', (size_t)(eol - p)) != NULL)
			problem(l, "a NUL byte", p, eol);
		else if (p == eol)
			problem(l, "an empty line", p, eol);
		else if (*p == '#')
			lint_comment(l, p, eol);
		else
			lint_sample(l, p, eol);
	}
	if (l->help[0] != '\0')
		problem(l, "HELP without its TYPE at the end", end, end);
	return l;
}

static struct lint *
lint_str(const char *text)
{
	return lint(text, strlen(text));
}

/* The value of a series written as in the exposition, or NULL. */
static const char *
lookup(const struct lint *l, const char *series)
{
	char line[KEY_MAX], name[128], key[KEY_MAX];
	const char *val;
	size_t vlen, i;

	snprintf(line, sizeof(line), "%s 0", series);
	if (parse_sample(line, line + strlen(line), name, sizeof(name), key,
	    &val, &vlen) != NULL)
		return NULL;
	i = slot(l, key);
	return l->key[i] != NULL ? l->value[i] : NULL;
}

/* Samples of a family, or -1 when it is not announced. */
static int
family_samples(const struct lint *l, const char *name, const char *type)
{
	int i;

	for (i = 0; i < l->nfam; i++)
		if (strcmp(l->fam[i], name) == 0)
			return strcmp(l->famtype[i], type) == 0 ?
			    l->famsamples[i] : -2;
	return -1;
}

static void
test_lint_itself(void)
{
	static const struct {
		const char	*what, *text;
	} bad[] = {
		{ "a sample without TYPE", "a 1\n" },
		{ "a HELP without TYPE", "# HELP a x\na 1\n" },
		{ "a TYPE without HELP", "# TYPE a gauge\na 1\n" },
		{ "a bad escape", "# HELP a x\n# TYPE a gauge\n"
		    "a{l=\"\\t\"} 1\n" },
		{ "invalid UTF-8", "# HELP a x\n# TYPE a gauge\n"
		    "a{l=\"\xff\"} 1\n" },
		{ "a raw newline", "# HELP a x\n# TYPE a gauge\n"
		    "a{l=\"x\ny\"} 1\n" },
		{ "NaN", "# HELP a x\n# TYPE a gauge\na NaN\n" },
		{ "+Inf", "# HELP a x\n# TYPE a gauge\na +Inf\n" },
		{ "a duplicate, labels swapped", "# HELP a x\n# TYPE a gauge\n"
		    "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n" },
		{ "a family split", "# HELP a x\n# TYPE a gauge\na 1\n"
		    "# HELP b x\n# TYPE b gauge\nb 1\na{l=\"2\"} 1\n" },
		{ "a counter without _total",
		    "# HELP a x\n# TYPE a counter\n" },
		{ "a gauge with _total", "# HELP a_total x\n"
		    "# TYPE a_total gauge\n" },
		{ "a label name with a digit first", "# HELP a x\n"
		    "# TYPE a gauge\na{1x=\"1\"} 1\n" },
		{ "a label twice", "# HELP a x\n# TYPE a gauge\n"
		    "a{x=\"1\",x=\"2\"} 1\n" },
		{ "a family twice", "# HELP a x\n# TYPE a gauge\n"
		    "# HELP a x\n# TYPE a gauge\n" },
		{ "an unterminated line", "# HELP a x\n# TYPE a gauge\na 1" },
		{ "a bad HELP escape", "# HELP a x\\\"y\n# TYPE a gauge\n" },
		{ "a timestamp", "# HELP a x\n# TYPE a gauge\na 1 1700000\n" },
	};
	struct lint *l;
	size_t i;
	int good = 1;

	l = lint_str("# HELP a_total x \\\\ y\\n\n# TYPE a_total counter\n"
	    "a_total{x=\"\\\\ \\\" \\n caf\xc3\xa9\",y=\"\"} -1.5e+3\n"
	    "# HELP b x\n# TYPE b gauge\n");
	ok(l->problems == 0 && l->samples == 1 &&
	    lookup(l, "a_total{y=\"\",x=\"\\\\ \\\" \\n caf\xc3\xa9\"}") !=
	    NULL && strcmp(lookup(l, "a_total{x=\"\\\\ \\\" \\n caf\xc3\xa9\","
	    "y=\"\"}"), "-1.5e+3") == 0,
	    "the lint passes a good exposition and finds its series");
	lint_free(l);
	lint_quiet = 1;
	for (i = 0; i < NELEM(bad); i++) {
		l = lint_str(bad[i].text);
		if (l->problems == 0) {
			good = 0;
			printf("# missed: %s\n", bad[i].what);
		}
		lint_free(l);
	}
	lint_quiet = 0;
	ok(good, "the lint finds each of %zu kinds of problem", NELEM(bad));
}

/* ---- snapshots ---- */

/*
 * Ten perfdata items with hostile labels and units, each with what the
 * exposition must show of them.  Thresholds are k, 100+k, 10+k, 20+k,
 * 30+k, 40+k for min, max, warn low, warn high, crit low, crit high.
 */
#define ALL	(PERF_MIN | PERF_MAX | PERF_WARN_LOW | PERF_WARN_HIGH | \
	PERF_CRIT_LOW | PERF_CRIT_HIGH)
static const struct {
	const char	*label, *elabel, *unit, *eunit;
	double		 value;
	const char	*evalue;
	unsigned int	 has;
} items[10] = {
	{ "disk \"root\"", "disk \\\"root\\\"", "percent", "percent", 97,
	    "97", PERF_MIN | PERF_MAX | PERF_WARN_HIGH | PERF_CRIT_HIGH },
	{ "C:\\", "C:\\\\", "bytes", "bytes", 1073741824, "1073741824",
	    PERF_MIN | PERF_MAX },
	{ "line1\nline2", "line1\\nline2", "seconds", "seconds", 0.25, "0.25",
	    PERF_WARN_LOW | PERF_WARN_HIGH | PERF_CRIT_LOW | PERF_CRIT_HIGH },
	{ "bad \xff\xfe end", "bad \xef\xbf\xbd\xef\xbf\xbd end", "", "",
	    -3, "-3", 0 },
	{ "a=b c=d", "a=b c=d", "counter", "counter", 12345, "12345", ALL },
	{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac", "percent",
	    "percent", 12.5, "12.5", PERF_WARN_HIGH },
	{ "\xc0\x80 overlong", "\xef\xbf\xbd\xef\xbf\xbd overlong", "\xff",
	    "\xef\xbf\xbd", 1e-9, "1e-09", PERF_CRIT_LOW },
	{ "trailing\\", "trailing\\\\", "q\"u\\n\nit", "q\\\"u\\\\n\\nit",
	    NAN, "0", PERF_MAX },
	{ "x{y=\"1\"},z 'q'", "x{y=\\\"1\\\"},z 'q'", "", "", -INFINITY, "0",
	    PERF_WARN_LOW },
	{ "time", "time", "seconds", "seconds", 0.001, "0.001",
	    PERF_MIN | PERF_WARN_HIGH | PERF_CRIT_HIGH },
};

static const struct {
	const char	*suffix;
	unsigned int	 bit;
	int		 base;		/* threshold k + base */
} perf_fam[] = {
	{ "", 0, 0 }, { "_min", PERF_MIN, 0 }, { "_max", PERF_MAX, 100 },
	{ "_warning_low", PERF_WARN_LOW, 10 },
	{ "_warning_high", PERF_WARN_HIGH, 20 },
	{ "_critical_low", PERF_CRIT_LOW, 30 },
	{ "_critical_high", PERF_CRIT_HIGH, 40 },
};

#define NCHECKS	100

static struct buf out;		/* reused by every render, as server.c does */
static struct perf_item perf[10];
static struct check_status chk[NCHECKS];
static const struct check_status *chkp[NCHECKS];
static char names[NCHECKS][8];
static struct snapshot si;

/* n checks c000..; 0 < n: the first is "disk", critical. */
static void
fixture(size_t n)
{
	static const enum health_state hs[] = { HEALTH_CRITICAL, HEALTH_OK,
	    HEALTH_WARNING, HEALTH_UNKNOWN };
	size_t i, k;

	for (k = 0; k < NELEM(items); k++) {
		memset(&perf[k], 0, sizeof(perf[k]));
		perf[k].label = items[k].label;
		perf[k].unit = items[k].unit;
		perf[k].value = items[k].value;
		perf[k].min = (double)k;
		perf[k].max = 100.0 + (double)k;
		perf[k].warn_low = 10.0 + (double)k;
		perf[k].warn_high = 20.0 + (double)k;
		perf[k].crit_low = 30.0 + (double)k;
		perf[k].crit_high = 40.0 + (double)k;
		perf[k].has = items[k].has;
	}
	memset(chk, 0, sizeof(chk));
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "c%03zu", i);
		chk[i].name = i == 0 ? "disk" : names[i];
		chk[i].command = "/bin/true";
		chk[i].affects_health = i % 5 != 4;
		chk[i].pending = i % 11 == 10;
		chk[i].state = hs[i % 4];
		chk[i].text = "text";
		chk[i].ran = i % 10 != 9;
		chk[i].result = hs[(i + 1) % 4];
		chk[i].exit_code = i % 7 == 6 ? -1 : (int)chk[i].result;
		chk[i].output = "out";
		chk[i].output_len = 3;
		chk[i].perf = perf;
		chk[i].nperf = NELEM(items);
		chk[i].started = 1700000120.125 + (double)i;
		chk[i].duration = 0.042;
		chk[i].runs = 12 + i;
		chk[i].timeouts = i % 3;
		chk[i].skipped = i % 2;
		chkp[i] = &chk[i];
	}
	memset(&si, 0, sizeof(si));
	si.version = "1.5.0";
	si.host = "web1.example.org";
	si.pid = 4242;
	si.start_time = 1700000000.25;
	si.now = 1700000123.5;
	si.config_file = "/etc/mydaemon.conf";
	si.generation = 3;
	si.checks = chkp;
	si.nchecks = n;
	si.names_in_text = 1;
	si.health_details = 1;
	si.checks_running = 2;
	si.reloads_ok = 2;
	si.reloads_failed = 1;
	si.log_reopens = 4;
	si.log_reopen_failed = 1;
	si.log_dropped = 9;
	si.hook_ok = 5;
	si.hook_failed = 6;
	si.hook_timeout = 7;
	si.hook_dropped = 8;
	si.connections = 2;
	si.requests = 315;
	for (i = 0; i < HTTP_NSTATUS; i++)
		si.requests_by_code[i] = (uint64_t)i * 7;
	si.proc.cpu_seconds = 12.34;
	si.proc.resident_bytes = 10485760;
	si.proc.virtual_bytes = 123456789;
	si.proc.open_fds = 9;
	si.proc.max_fds = 1024;
}

static struct lint *
render(void)
{
	buf_reset(&out);
	metrics_render(&si, &out);
	if (out.failed)
		return lint("", 0);
	return lint(out.data, out.len);
}

static int
popcount(unsigned int v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* What the lint must count for the fixture of n checks. */
static int
samples_for(size_t n)
{
	int s = 20 + 4 + 6 + 8;	/* daemon, hooks, process_*, verdict */
	size_t i, k;

	for (i = 0; i < n; i++) {
		/* state, affects_health, pending, counters */
		s += 4 + 1 + 1 + 3;
		if (chk[i].ran)
			s += 3 + (chk[i].exit_code != -1);
		for (k = 0; k < NELEM(items); k++)
			s += 1 + popcount(items[k].has);
	}
	return s;
}

static const char *const families[][2] = {
	{ "mydaemon_build_info", "gauge" },
	{ "mydaemon_config_generation", "gauge" },
	{ "mydaemon_http_requests_total", "counter" },
	{ "mydaemon_http_connections", "gauge" },
	{ "mydaemon_connections_refused_total", "counter" },
	{ "mydaemon_reloads_total", "counter" },
	{ "mydaemon_log_reopens_total", "counter" },
	{ "mydaemon_log_reopen_failures_total", "counter" },
	{ "mydaemon_log_dropped_lines_total", "counter" },
	{ "mydaemon_hook_runs_total", "counter" },
	{ "mydaemon_hook_dropped_total", "counter" },
	{ "process_start_time_seconds", "gauge" },
	{ "process_cpu_seconds_total", "counter" },
	{ "process_resident_memory_bytes", "gauge" },
	{ "process_virtual_memory_bytes", "gauge" },
	{ "process_open_fds", "gauge" },
	{ "process_max_fds", "gauge" },
	{ "mydaemon_maintenance", "gauge" },
	{ "mydaemon_health_state", "gauge" },
	{ "mydaemon_healthy", "gauge" },
	{ "mydaemon_checks", "gauge" },
	{ "mydaemon_checks_running", "gauge" },
	{ "mydaemon_check_state", "gauge" },
	{ "mydaemon_check_affects_health", "gauge" },
	{ "mydaemon_check_pending", "gauge" },
	{ "mydaemon_check_result", "gauge" },
	{ "mydaemon_check_exit_code", "gauge" },
	{ "mydaemon_check_duration_seconds", "gauge" },
	{ "mydaemon_check_last_run_timestamp_seconds", "gauge" },
	{ "mydaemon_check_runs_total", "counter" },
	{ "mydaemon_check_timeouts_total", "counter" },
	{ "mydaemon_check_skipped_total", "counter" },
	{ "mydaemon_check_perfdata", "gauge" },
	{ "mydaemon_check_perfdata_min", "gauge" },
	{ "mydaemon_check_perfdata_max", "gauge" },
	{ "mydaemon_check_perfdata_warning_low", "gauge" },
	{ "mydaemon_check_perfdata_warning_high", "gauge" },
	{ "mydaemon_check_perfdata_critical_low", "gauge" },
	{ "mydaemon_check_perfdata_critical_high", "gauge" },
};

/* Is the value of `series` in the last lint `want`? */
static int
value_is(const struct lint *l, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
value_is(const struct lint *l, const char *want, const char *fmt, ...)
{
	char series[KEY_MAX];
	const char *got;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(series, sizeof(series), fmt, ap);
	va_end(ap);
	got = lookup(l, series);
	if (want == NULL ? got == NULL : got != NULL && strcmp(got, want) == 0)
		return 1;
	printf("# %s: got %s, want %s\n", series, got ? got : "none",
	    want ? want : "none");
	return 0;
}

/* Every perfdata series of check `name`: there iff the item has it. */
static int
perf_series_ok(const struct lint *l, const char *name)
{
	char v[32];
	size_t f, k;
	int good = 1;

	for (f = 0; f < NELEM(perf_fam); f++)
		for (k = 0; k < NELEM(items); k++) {
			const char *want = NULL;

			if (perf_fam[f].bit == 0)
				want = items[k].evalue;
			else if (items[k].has & perf_fam[f].bit) {
				snprintf(v, sizeof(v), "%d",
				    perf_fam[f].base + (int)k);
				want = v;
			}
			good &= value_is(l, want, "mydaemon_check_perfdata%s"
			    "{check=\"%s\",label=\"%s\",unit=\"%s\"}",
			    perf_fam[f].suffix, name, items[k].elabel,
			    items[k].eunit);
		}
	return good;
}

static void
test_families(size_t n)
{
	struct lint *l;
	size_t i, k;
	int good = 1, want;

	fixture(n);
	l = render();
	ok(!out.failed && l->problems == 0,
	    "%zu checks: the exposition lints clean (%zu bytes)", n, out.len);
	ok(l->samples == samples_for(n), "%zu checks: %d samples (got %d)", n,
	    samples_for(n), l->samples);
	ok(l->nfam == (int)NELEM(families), "%zu checks: %zu families (got %d)",
	    n, NELEM(families), l->nfam);
	for (i = 0; i < NELEM(families); i++)
		if (family_samples(l, families[i][0], families[i][1]) < 0) {
			good = 0;
			printf("# missing: %s %s\n", families[i][0],
			    families[i][1]);
		}
	ok(good, "%zu checks: every family, HELP and TYPE, even when empty",
	    n);
	for (i = 0, good = 1; i < NELEM(perf_fam); i++) {
		char name[80];

		snprintf(name, sizeof(name), "mydaemon_check_perfdata%s",
		    perf_fam[i].suffix);
		for (k = 0, want = 0; k < NELEM(items); k++)
			want += perf_fam[i].bit == 0 ||
			    (items[k].has & perf_fam[i].bit);
		want *= (int)n;
		if (family_samples(l, name, "gauge") != want) {
			good = 0;
			printf("# %s: %d samples, want %d\n", name,
			    family_samples(l, name, "gauge"), want);
		}
	}
	ok(good, "%zu checks: each perfdata family has one sample per item "
	    "that has it", n);
	for (i = 0, good = 1; i < n; i++) {
		good &= perf_series_ok(l, chk[i].name);
		good &= value_is(l, "1", "mydaemon_check_state{check=\"%s\","
		    "state=\"%s\"}", chk[i].name, health_name(chk[i].state));
		good &= value_is(l, chk[i].ran ? "0.042000" : NULL,
		    "mydaemon_check_duration_seconds{check=\"%s\"}",
		    chk[i].name);
	}
	ok(good, "%zu checks: each check's state and perfdata series, with "
	    "hostile labels escaped", n);
	lint_free(l);
}

static void
test_one_check(void)
{
	struct lint *l;

	fixture(1);
	l = render();
	ok(out.data != NULL && strstr(out.data,
	    "mydaemon_check_state{check=\"disk\",state=\"ok\"} 0\n"
	    "mydaemon_check_state{check=\"disk\",state=\"warning\"} 0\n"
	    "mydaemon_check_state{check=\"disk\",state=\"critical\"} 1\n"
	    "mydaemon_check_state{check=\"disk\",state=\"unknown\"} 0\n") !=
	    NULL, "the enum pattern: critical 1, the other three 0");
	ok(strstr(out.data, "mydaemon_health_state{state=\"ok\"} 0\n"
	    "mydaemon_health_state{state=\"warning\"} 0\n"
	    "mydaemon_health_state{state=\"critical\"} 1\n"
	    "mydaemon_health_state{state=\"unknown\"} 0\n") != NULL,
	    "the verdict in the enum pattern too");
	ok(value_is(l, "1", "mydaemon_check_affects_health{check=\"disk\"}") &&
	    value_is(l, "0", "mydaemon_check_result{check=\"disk\"}") &&
	    value_is(l, "0", "mydaemon_check_exit_code{check=\"disk\"}") &&
	    value_is(l, "0.042000",
	    "mydaemon_check_duration_seconds{check=\"disk\"}") &&
	    value_is(l, "1700000120.125",
	    "mydaemon_check_last_run_timestamp_seconds{check=\"disk\"}") &&
	    value_is(l, "12", "mydaemon_check_runs_total{check=\"disk\"}") &&
	    value_is(l, "0", "mydaemon_check_timeouts_total{check=\"disk\"}") &&
	    value_is(l, "0", "mydaemon_check_skipped_total{check=\"disk\"}"),
	    "the per-check samples");
	ok(value_is(l, "97", "mydaemon_check_perfdata{check=\"disk\","
	    "label=\"disk \\\"root\\\"\",unit=\"percent\"}") &&
	    value_is(l, "0", "mydaemon_check_perfdata_min{check=\"disk\","
	    "label=\"disk \\\"root\\\"\",unit=\"percent\"}") &&
	    value_is(l, "100", "mydaemon_check_perfdata_max{check=\"disk\","
	    "label=\"disk \\\"root\\\"\",unit=\"percent\"}") &&
	    value_is(l, NULL, "mydaemon_check_perfdata_warning_low{check="
	    "\"disk\",label=\"disk \\\"root\\\"\",unit=\"percent\"}") &&
	    value_is(l, "20", "mydaemon_check_perfdata_warning_high{check="
	    "\"disk\",label=\"disk \\\"root\\\"\",unit=\"percent\"}") &&
	    value_is(l, "40", "mydaemon_check_perfdata_critical_high{check="
	    "\"disk\",label=\"disk \\\"root\\\"\",unit=\"percent\"}"),
	    "perfdata of one item: value, min, max, thresholds it has only");
	ok(strstr(out.data, "\nmydaemon_check_perfdata{check=\"disk\","
	    "label=\"line1\\nline2\",unit=\"seconds\"} 0.25\n") != NULL &&
	    strstr(out.data, "\nmydaemon_check_perfdata{check=\"disk\","
	    "label=\"trailing\\\\\",unit=\"q\\\"u\\\\n\\nit\"} 0\n") != NULL,
	    "escaped labels and units, byte for byte");
	lint_free(l);

	chk[0].ran = 0;
	l = render();
	ok(l->problems == 0 && l->samples == samples_for(1) &&
	    value_is(l, NULL, "mydaemon_check_result{check=\"disk\"}") &&
	    value_is(l, NULL, "mydaemon_check_exit_code{check=\"disk\"}") &&
	    value_is(l, NULL, "mydaemon_check_duration_seconds{check=\"disk\"}")
	    && value_is(l, NULL,
	    "mydaemon_check_last_run_timestamp_seconds{check=\"disk\"}") &&
	    family_samples(l, "mydaemon_check_result", "gauge") == 0,
	    "a check not yet run: no result, code, duration or time samples, "
	    "the families stay");
	lint_free(l);
	chk[0].ran = 1;
	chk[0].exit_code = -1;
	l = render();
	ok(l->problems == 0 && value_is(l, NULL,
	    "mydaemon_check_exit_code{check=\"disk\"}") && value_is(l, "0",
	    "mydaemon_check_result{check=\"disk\"}"),
	    "exit code -1 (timeout, signal) has no sample");
	lint_free(l);
	chk[0].state = (enum health_state)9;
	chk[0].result = HEALTH_UNKNOWN;
	l = render();
	ok(l->problems == 0 && value_is(l, "3",
	    "mydaemon_check_result{check=\"disk\"}"),
	    "a state out of range still lints clean");
	ok(lookup(l, "mydaemon_check_state{check=\"disk\",state="
	    "\"unknown\"}") != NULL && strcmp(lookup(l, "mydaemon_check_state"
	    "{check=\"disk\",state=\"unknown\"}"), "1") == 0,
	    "a state out of range is unknown, as /health and /status say");
	lint_free(l);
}

static void
test_daemon_values(void)
{
	struct lint *l;
	char series[64], v[32];
	int i, good = 1;

	fixture(1);
	l = render();
	ok(value_is(l, "1", "mydaemon_build_info{version=\"1.5.0\"}") &&
	    value_is(l, "3", "mydaemon_config_generation") &&
	    value_is(l, "2", "mydaemon_http_connections") &&
	    value_is(l, "2", "mydaemon_reloads_total{result=\"ok\"}") &&
	    value_is(l, "1", "mydaemon_reloads_total{result=\"failed\"}") &&
	    value_is(l, "4", "mydaemon_log_reopens_total") &&
	    value_is(l, "1", "mydaemon_log_reopen_failures_total") &&
	    value_is(l, "9", "mydaemon_log_dropped_lines_total") &&
	    value_is(l, "5", "mydaemon_hook_runs_total{result=\"ok\"}") &&
	    value_is(l, "6", "mydaemon_hook_runs_total{result=\"failed\"}") &&
	    value_is(l, "7",
	    "mydaemon_hook_runs_total{result=\"timeout\"}") &&
	    value_is(l, "8", "mydaemon_hook_dropped_total") &&
	    value_is(l, "1", "mydaemon_checks") &&
	    value_is(l, "2", "mydaemon_checks_running"),
	    "the daemon's own samples");
	for (i = 0; i < HTTP_NSTATUS; i++) {
		snprintf(series, sizeof(series),
		    "mydaemon_http_requests_total{code=\"%d\"}",
		    http_status_code(i));
		snprintf(v, sizeof(v), "%d", i * 7);
		good &= value_is(l, v, "%s", series);
	}
	ok(good, "requests by code, for every code of HTTP_STATUS_TABLE");
	ok(value_is(l, "1700000000.250000", "process_start_time_seconds") &&
	    value_is(l, "12.340000", "process_cpu_seconds_total") &&
	    value_is(l, "10485760", "process_resident_memory_bytes") &&
	    value_is(l, "123456789", "process_virtual_memory_bytes") &&
	    value_is(l, "9", "process_open_fds") &&
	    value_is(l, "1024", "process_max_fds"),
	    "the process_* samples");
	ok(value_is(l, "0", "mydaemon_maintenance") &&
	    value_is(l, "0", "mydaemon_healthy"),
	    "critical: unhealthy, not in maintenance");
	lint_free(l);
	chk[0].state = HEALTH_WARNING;
	l = render();
	ok(value_is(l, "1", "mydaemon_healthy") && value_is(l, "1",
	    "mydaemon_health_state{state=\"warning\"}"),
	    "a warning is healthy");
	lint_free(l);
	si.maint_drain = 1;
	l = render();
	ok(value_is(l, "1", "mydaemon_maintenance") &&
	    value_is(l, "0", "mydaemon_healthy") &&
	    value_is(l, "1", "mydaemon_health_state{state=\"warning\"}"),
	    "a drain: maintenance 1, unhealthy; health_state is the checks'");
	lint_free(l);
	si.maint_drain = 0;
	chk[0].affects_health = 0;
	l = render();
	ok(value_is(l, "1", "mydaemon_healthy") && value_is(l, "1",
	    "mydaemon_health_state{state=\"ok\"}") && value_is(l, "0",
	    "mydaemon_check_affects_health{check=\"disk\"}"),
	    "a check that does not affect health leaves the verdict ok");
	lint_free(l);
}

static void
test_http_table(void)
{
#define CODE(code, reason)	code,
	static const int codes[] = { HTTP_STATUS_TABLE(CODE) };
#undef CODE
	size_t i;
	int good = 1;

	ok(NELEM(codes) == HTTP_NSTATUS, "HTTP_NSTATUS counts the table");
	for (i = 0; i < NELEM(codes); i++)
		good &= http_status_index(codes[i]) == (int)i &&
		    http_status_code((int)i) == codes[i];
	ok(good, "http_status_index and http_status_code are inverses");
	ok(http_status_index(201) == -1 && http_status_index(0) == -1 &&
	    http_status_index(-1) == -1, "codes not counted have no index");
	ok(http_status_code(-1) == 0 && http_status_code(HTTP_NSTATUS) == 0,
	    "an index out of range has no code");
	is_str(http_status_reason(404), "Not Found", "reason of 404");
	is_str(http_status_reason(299), "Unknown",
	    "reason of a code we never send");
}

static void
test_odd(void)
{
	struct lint *l;

	fixture(1);
	si.version = "1.0\"beta\\2\nx";
	l = render();
	ok(l->problems == 0 && value_is(l, "1",
	    "mydaemon_build_info{version=\"1.0\\\"beta\\\\2\\nx\"}"),
	    "version label escaped");
	lint_free(l);
	si.version = "v\xff\xc0\x80";
	l = render();
	ok(l->problems == 0 && value_is(l, "1", "mydaemon_build_info{version="
	    "\"v\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}"),
	    "ill-formed UTF-8 in a label becomes U+FFFD");
	lint_free(l);
	si.version = "1.5.0";
	si.start_time = NAN;
	si.proc.cpu_seconds = INFINITY;
	chk[0].duration = -INFINITY;
	chk[0].started = NAN;
	l = render();
	ok(l->problems == 0 && value_is(l, "0.000000",
	    "process_start_time_seconds") && value_is(l, "0.000000",
	    "process_cpu_seconds_total") && value_is(l, "0.000000",
	    "mydaemon_check_duration_seconds{check=\"disk\"}") &&
	    value_is(l, "0.000",
	    "mydaemon_check_last_run_timestamp_seconds{check=\"disk\"}"),
	    "NaN and inf render as 0");
	lint_free(l);
	memset(&si, 0, sizeof(si));
	si.version = "";
	l = render();
	ok(l->problems == 0 && l->samples == samples_for(0),
	    "an all-zero snapshot lints clean");
	lint_free(l);

	{
		fixture(1);
		si.version = NULL;
		l = render();
		ok(l->problems == 0 && value_is(l, "1",
		    "mydaemon_build_info{version=\"\"}"),
		    "NULL version is an empty label, as it was");
		lint_free(l);
		perf[0].value = 1e300;
		perf[1].value = -1e19;
		l = render();
		ok(l->problems == 0, "perfdata values of 1e300 and -1e19");
		lint_free(l);
	}

	/*
	 * Two labels that differ only in invalid bytes: the parser makes
	 * them one (both are "bad\ufffd"), so /metrics has one series.
	 */
	{
		static const char outp[] = "OK | bad\xff=1 bad\xfe=2";
		static char arena[3 * sizeof(outp) + 1];
		size_t n;

		fixture(1);
		n = perfdata_parse(outp, sizeof(outp) - 1, perf, 2, arena,
		    sizeof(arena));
		chk[0].nperf = n;
		l = render();
		ok(n == 1 && strcmp(perf[0].label, "bad\xef\xbf\xbd") == 0 &&
		    l->problems == 0, "labels that differ in invalid bytes "
		    "are one label, one series");
		lint_free(l);
	}
}

/* The 100-check rendering through `promtool check metrics`. */
static void
test_promtool(void)
{
	char path[] = "/tmp/test_metrics.XXXXXX", cmd[128], line[512];
	FILE *p;
	int fd, st;

	if (access("/usr/bin/promtool", X_OK) != 0) {
		skip("promtool check metrics", "/usr/bin/promtool not found");
		return;
	}
	fixture(NCHECKS);
	buf_reset(&out);
	metrics_render(&si, &out);
	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, out.data, out.len) != (ssize_t)out.len) {
		ok(0, "promtool: write %s", path);
		if (fd != -1)
			close(fd);
		return;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd),
	    "/usr/bin/promtool check metrics < %s 2>&1", path);
	fflush(stdout);
	if ((p = popen(cmd, "r")) == NULL) {
		ok(0, "promtool: popen");
		unlink(path);
		return;
	}
	while (fgets(line, sizeof(line), p) != NULL)
		printf("# promtool: %s", line);
	st = pclose(p);
	ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "promtool check metrics accepts %d checks (%zu bytes)", NCHECKS,
	    out.len);
	unlink(path);
}

/* The server reuses one buffer: a small page after a big one. */
static void
test_reuse(void)
{
	struct lint *l;
	char *data;
	size_t cap;

	fixture(NCHECKS);
	buf_reset(&out);
	metrics_render(&si, &out);
	ok(!out.failed && out.len > 100000 && out.cap > out.len &&
	    out.data[out.len] == '\0',
	    "the buffer grew to %zu bytes for %d checks", out.len, NCHECKS);
	data = out.data;
	cap = out.cap;
	fixture(0);
	l = render();
	ok(out.data == data && out.cap == cap && l->problems == 0 &&
	    l->samples == samples_for(0),
	    "then 0 checks in the same memory: nothing of the big page left");
	lint_free(l);
}

int
main(void)
{
	test_lint_itself();
	test_families(0);
	test_families(1);
	test_families(NCHECKS);
	test_one_check();
	test_daemon_values();
	test_http_table();
	test_odd();
	test_promtool();
	test_reuse();
	buf_free(&out);
	return done_testing();
}
