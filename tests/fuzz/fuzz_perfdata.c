/*
 * fuzz_perfdata.c - libFuzzer harness for perfdata_parse() and for what
 * renders a check's untrusted output: text.c, /metrics, /status and
 * /health (plain and health+json).
 *
 * The input is a check's output (any bytes).  It is parsed into an arena
 * of exactly 3 n + 1 bytes (what perfdata.h says is always enough) and
 * an items array of exactly PERFDATA_MAX, so that ASan sees any write
 * past either.  Besides crashes, the harness aborts when:
 *  - an item's label or unit is not valid UTF-8 (text_utf8_len), not
 *    NUL-terminated inside the arena (or a static base unit), a label
 *    is empty, a value, threshold, min or max is not finite, or two
 *    items have the same label and unit;
 *  - text_utf8_len() disagrees with the RFC 3629 decoder of testlib.c;
 *  - text_json(), text_label(), text_line(), text_ascii() or
 *    text_first_line() give something their header does not promise;
 *  - /metrics of a one-check snapshot holding the output and its items
 *    is not well-formed Prometheus text (fuzz_check.h), or /status or
 *    health+json is not valid JSON (hence valid UTF-8), /health is not
 *    one line of UTF-8 without control bytes, or the text of the
 *    verdict (health_render_summary(), which daemon.c logs with %s) is not
 *    NUL-terminated at its length as buf.h promises.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "checks/health.h"
#include "report/health_render.h"
#include "report/metrics.h"
#include "checks/perfdata.h"
#include "report/snapshot.h"
#include "report/status.h"
#include "base/text.h"

#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*input;
static size_t		 input_len;

FUZZ_ORACLE __attribute__((noreturn)) static void
fail(const char *why)
{
	fuzz_fail("perfdata", why, input, input_len);
}

FUZZ_ORACLE __attribute__((noreturn)) static void
fail_out(const char *why, const struct buf *b)
{
	fprintf(stderr, "output (%zu bytes):\n%.*s\n", b->len,
	    b->len > 20000 ? 20000 : (int)b->len, b->data != NULL ? b->data :
	    "");
	fail(why);
}

/* A NUL-terminated string inside [lo, hi), valid UTF-8; its length. */
FUZZ_ORACLE static size_t
arena_string(const char *s, const char *lo, const char *hi, const char *what)
{
	const char	*nul;
	size_t		 n, i = 0, k;

	if (s < lo || s >= hi ||
	    (nul = memchr(s, '\0', (size_t)(hi - s))) == NULL)
		fail(what);
	n = (size_t)(nul - s);
	while (i < n) {
		if ((k = text_utf8_len((const unsigned char *)s + i, n - i)) ==
		    0)
			fail("a label or unit is not valid UTF-8");
		i += k;
	}
	return n;
}

FUZZ_ORACLE static int
base_unit(const char *u)
{
	static const char *const base[] = { "seconds", "bytes", "percent",
	    "counter", "" };
	size_t	 i;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (strcmp(u, base[i]) == 0)
			return 1;
	return 0;
}

FUZZ_ORACLE static void
check_items(const struct perf_item *it, size_t n, const char *arena,
    size_t size)
{
	size_t		 i, j, f;

	if (n > PERFDATA_MAX)
		fail("more than PERFDATA_MAX items");
	for (i = 0; i < n; i++) {
		if (arena_string(it[i].label, arena, arena + size,
		    "a label is not NUL-terminated in the arena") == 0)
			fail("an empty label");
		if (it[i].unit == NULL)
			fail("no unit");
		if (it[i].unit >= arena && it[i].unit < arena + size)
			(void)arena_string(it[i].unit, arena, arena + size,
			    "a unit is not NUL-terminated in the arena");
		else if (!base_unit(it[i].unit))
			fail("a unit neither in the arena nor a base unit");
		if (!isfinite(it[i].value))
			fail("a value is not finite");
		if (it[i].has & ~(unsigned int)(PERF_MIN | PERF_MAX |
		    PERF_WARN_LOW | PERF_WARN_HIGH | PERF_CRIT_LOW |
		    PERF_CRIT_HIGH))
			fail("unknown bits in has");
		for (f = 0; f < 6; f++) {
			/* in the order of enum perf_field's bits */
			const double d[] = { it[i].min, it[i].max,
			    it[i].warn_low, it[i].warn_high, it[i].crit_low,
			    it[i].crit_high };

			if ((it[i].has & (1u << f)) && !isfinite(d[f]))
				fail("a threshold, min or max is not finite");
		}
		for (j = 0; j < i; j++)
			if (strcmp(it[i].label, it[j].label) == 0 &&
			    strcmp(it[i].unit, it[j].unit) == 0)
				fail("two items with the same label and unit");
	}
}

/* text.c on the raw bytes, each against what text.h promises. */
FUZZ_ORACLE static void
check_text(const char *s, size_t n, const char *cstr, size_t clen)
{
	struct buf	 b = { 0 };
	size_t		 i, k, max;
	int		 valid = 1;

	for (i = 0; i < n; i++) {
		k = tl_utf8_len((const unsigned char *)s + i, n - i);
		if (text_utf8_len((const unsigned char *)s + i, n - i) != k)
			fail("text_utf8_len disagrees with RFC 3629");
	}
	text_json(&b, s, n);
	/* one JSON value from quote to quote: exactly one string */
	if (!b.failed && (b.len < 2 || b.data[0] != '"' ||
	    b.data[b.len - 1] != '"' || !tl_json_valid(b.data, b.len)))
		fail_out("text_json: not one JSON string", &b);
	buf_reset(&b);
	text_label(&b, s, n);
	if (!b.failed && (!tl_valid_utf8(b.data, b.len) ||
	    memchr(b.data, '\n', b.len) != NULL ||
	    memchr(b.data, '\0', b.len) != NULL))
		fail_out("text_label: not one escaped line of UTF-8", &b);
	for (i = 0; !b.failed && i < b.len; i++) {
		if (b.data[i] == '"')
			fail_out("text_label: an unescaped quote", &b);
		if (b.data[i] != '\\')
			continue;
		if (++i == b.len || b.data[i] == '\0' ||
		    strchr("\\\"n", b.data[i]) == NULL)
			fail_out("text_label: a bad escape", &b);
	}
	buf_reset(&b);
	text_line(&b, s, n);
	if (!b.failed && !tl_valid_utf8(b.data, b.len))
		fail_out("text_line: not UTF-8", &b);
	for (i = 0; !b.failed && i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			fail_out("text_line: a control byte", &b);
	buf_reset(&b);
	text_ascii(&b, s, n);
	for (i = 0; !b.failed && i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 ||
		    (unsigned char)b.data[i] >= 0x7f)
			fail_out("text_ascii: not printable ASCII", &b);
	if (!b.failed && b.len != n)
		fail_out("text_ascii: not one byte per byte", &b);
	buf_free(&b);

	/* text_first_line: a prefix, no '\n' or '|', not cut in a character */
	valid = tl_valid_utf8(cstr, clen);
	for (max = 1; max <= HEALTH_TEXT_MAX; max = max < 8 ? max + 1 :
	    max * 5) {
		k = text_first_line(cstr, clen, max);
		if (k > clen || k > max || memchr(cstr, '\n', k) != NULL ||
		    memchr(cstr, '|', k) != NULL)
			fail("text_first_line: not a first line within max");
		if (k > 0 && strchr(" \t\r", cstr[k - 1]) != NULL)
			fail("text_first_line: trailing blanks left");
		if (valid && !tl_valid_utf8(cstr, k))
			fail("text_first_line: cut inside a character");
	}
}

FUZZ_ORACLE static uint32_t
hash(const uint8_t *s, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

FUZZ_ORACLE static void
check_json(const char *what, const struct buf *b)
{
	if (b->failed)
		return;
	if (b->len == 0 || b->data[b->len - 1] != '\n' ||
	    memchr(b->data, '\n', b->len - 1) != NULL)
		fail_out(what, b);
	if (!tl_json_valid(b->data, b->len)) {
		fprintf(stderr, "%s: not one JSON value (RFC 8259)\n", what);
		fail_out("the JSON is not valid", b);
	}
}

FUZZ_ORACLE static void
check_health(const struct buf *b)
{
	size_t	 i;

	if (b->failed)
		return;
	if (b->len == 0 || b->data[b->len - 1] != '\n' ||
	    !tl_valid_utf8(b->data, b->len))
		fail_out("/health is not a line of UTF-8", b);
	for (i = 0; i + 1 < b->len; i++)
		if ((unsigned char)b->data[i] < 0x20 || b->data[i] == 0x7f)
			fail_out("/health holds a control byte", b);
}

/* A one-check snapshot around the output, its knobs from its hash. */
FUZZ_ORACLE static void
render(const char *out, size_t n, const char *text,
    const struct perf_item *items, size_t nitems, uint32_t h)
{
	static const char *const names[] = { "main", "disk", "fuzz_check-1" };
	struct check_status	 c;
	const struct check_status *list[1] = { &c };
	struct snapshot	 si;
	struct buf		 b = { 0 };
	const char		*why;
	int			 code;

	memset(&c, 0, sizeof(c));
	c.name = names[h % 3];
	c.command = (h & 8) ? text :
	    "/usr/lib/nagios/plugins/check_disk -w 10%";
	c.affects_health = (h >> 4) & 1;
	c.pending = ((h >> 5) & 3) == 0;
	c.previous = (h >> 7) & 1;
	c.state = (enum health_state)((h >> 8) % 5);	/* 4: out of range */
	c.result = (enum health_state)((h >> 11) % 4);
	c.text = text;
	c.ran = ((h >> 13) & 3) != 0;
	c.exit_code = (int)((h >> 15) % 5) - 1;
	c.output = out;
	c.output_len = n;
	c.perf = items;
	c.nperf = nitems;
	c.started = nitems > 0 ? items[0].value : 1.7e9;
	c.duration = nitems > 1 ? items[1].value : 0.25;
	c.runs = h;
	c.timeouts = h >> 20;
	c.skipped = UINT64_MAX;

	memset(&si, 0, sizeof(si));
	si.version = "1.0";
	si.host = (h & (1u << 18)) ? text : "host.example";
	si.pid = 4242;
	si.start_time = 1.7e9;
	si.now = nitems > 2 ? items[2].value : 1.7e9 + 10;
	si.config_file = "/etc/mydaemon.conf";
	si.generation = 3;
	si.maint_config = (h >> 19) & 1;
	si.maint_drain = (h >> 20) & 1;
	si.maint_since = nitems > 3 ? items[3].value : 0;
	si.maint_reason = (h & (1u << 21)) ? text : NULL;
	si.checks = list;
	si.nchecks = 1;
	si.names_in_text = (h >> 22) & 1;
	si.health_details = (h >> 26) & 1;
	si.proc.max_fds = 1024;

	metrics_render(&si, &b);
	if (!b.failed && (why = fuzz_prom_check(b.data, b.len)) != NULL) {
		fprintf(stderr, "/metrics: %s\n", why);
		fail_out("/metrics is not well-formed Prometheus text", &b);
	}
	buf_reset(&b);
	status_json(&si, &b);
	if (!b.failed && !tl_valid_utf8(b.data, b.len))
		fail_out("/status is not valid UTF-8", &b);
	check_json("/status", &b);
	/*
	 * health_render_summary() alone, as daemon.c logs it and sends it to
	 * systemd with %s: one line, NUL-terminated at its length (buf.h).
	 */
	buf_reset(&b);
	health_render_summary(&si, (h & (1u << 25)) ? &c : NULL, &b);
	if (!b.failed && b.len > 0 && (b.data[b.len] != '\0' ||
	    memchr(b.data, '\0', b.len) != NULL ||
	    memchr(b.data, '\n', b.len) != NULL ||
	    !tl_valid_utf8(b.data, b.len)))
		fail_out("health_render_summary: not a C string of its "
		    "length", &b);
	buf_reset(&b);
	code = health_render_text(&si, (h & (1u << 23)) ? &c : NULL, &b);
	if (code != 200 && code != 503)
		fail("/health answers neither 200 nor 503");
	check_health(&b);
	buf_reset(&b);
	if (health_render_json(&si, (h & (1u << 24)) ? &c : NULL, &b) != code &&
	    ((h >> 23) & 1) == ((h >> 24) & 1))
		fail("health+json and /health answer different codes");
	check_json("health+json", &b);
	buf_free(&b);
}

FUZZ_ORACLE int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_item	*items;
	char			*out, *arena, *text;
	size_t			 n, asize = 3 * size + 1;

	out = malloc(size > 0 ? size : 1);
	arena = malloc(asize);
	items = malloc(PERFDATA_MAX * sizeof(*items));
	text = malloc(size + 1);
	if (out == NULL || arena == NULL || items == NULL || text == NULL)
		goto done;
	if (size > 0)
		memcpy(out, data, size);
	memcpy(text, data, size);
	text[size] = '\0';
	input = out;
	input_len = size;

	n = perfdata_parse(out, size, items, PERFDATA_MAX, arena, asize);
	check_items(items, n, arena, asize);
	check_text(out, size, text, strlen(text));
	render(out, size, text, items, n, hash(data, size));
done:
	free(out);
	free(arena);
	free(items);
	free(text);
	return 0;
}
