/*
 * fuzz_check.h - the oracles the harnesses share: UTF-8, JSON and the
 * Prometheus text format 0.0.4, each written here from its
 * specification (RFC 3629, RFC 8259, the exposition format), so that a
 * renderer is never checked with its own tables.
 *
 * Header-only (static functions), so that each harness stays one file
 * plus the sources it fuzzes.  Every checker returns NULL when the text
 * is fine, or a static string saying what is wrong; fuzz_fail() prints
 * it with the offending text and aborts, which libFuzzer reports as a
 * crash and saves as an input.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The oracles are not what is fuzzed: no coverage instrumentation for
 * them (it was half of the time spent), so that libFuzzer spends its
 * executions on src/ and steers by src/'s branches alone.
 */
#define FUZZ_ORACLE	__attribute__((unused, no_sanitize("coverage")))

/* Say what broke, the text in printable ASCII, and abort. */
FUZZ_ORACLE __attribute__((noreturn)) static void
fuzz_fail(const char *what, const char *why, const char *s, size_t n)
{
	size_t	 i;

	fprintf(stderr, "\nFUZZ INVARIANT BROKEN: %s: %s\n  text (%zu bytes): ",
	    what, why, n);
	for (i = 0; s != NULL && i < n && i < 2000; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputc('\n', stderr);
	abort();
}

/* Abort unless cond holds, saying which invariant it was. */
#define FUZZ_ASSERT(cond, what)						\
	do {								\
		if (!(cond))						\
			fuzz_fail((what), #cond, NULL, 0);		\
	} while (0)

/*
 * The length of the well-formed UTF-8 sequence at s, or 0: decoded to a
 * code point and judged by its value (no overlong forms, no surrogates,
 * nothing past U+10FFFF), unlike text.c, which looks at byte ranges.
 */
FUZZ_ORACLE static size_t
fuzz_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t	 cp;
	size_t		 need, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1fu;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0fu;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07u;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
	    (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

FUZZ_ORACLE static int
fuzz_utf8_valid(const char *s, size_t n)
{
	size_t	 i = 0, k;

	while (i < n) {
		if ((k = fuzz_utf8_len((const unsigned char *)s + i,
		    n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* ---- JSON (RFC 8259) ------------------------------------------------ */

struct fuzz_json {
	const char	*p, *end;
	int		 depth;
};

#define FUZZ_JSON_DEPTH	64

FUZZ_ORACLE static void
fuzz_json_ws(struct fuzz_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

FUZZ_ORACLE static int
fuzz_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

FUZZ_ORACLE static const char *
fuzz_json_string(struct fuzz_json *j)
{
	size_t	 k, i;

	if (j->p >= j->end || *j->p != '"')
		return "expected a string";
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20)
			return "raw control byte in a string";
		if (c == '\\') {
			if (j->end - j->p < 2)
				return "unterminated escape";
			c = (unsigned char)j->p[1];
			if (c == 'u') {
				if (j->end - j->p < 6)
					return "short \\u escape";
				for (i = 2; i < 6; i++) {
					char h = j->p[i];

					if (!fuzz_is_digit(h) &&
					    !((h | 0x20) >= 'a' &&
					    (h | 0x20) <= 'f'))
						return "bad \\u escape";
				}
				j->p += 6;
				continue;
			}
			if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
				return "bad escape";
			j->p += 2;
			continue;
		}
		if ((k = fuzz_utf8_len((const unsigned char *)j->p,
		    (size_t)(j->end - j->p))) == 0)
			return "invalid UTF-8 in a string";
		j->p += k;
	}
	if (j->p >= j->end)
		return "unterminated string";
	j->p++;
	return NULL;
}

FUZZ_ORACLE static const char *
fuzz_json_number(struct fuzz_json *j)
{
	const char	*p = j->p, *d;

	if (p < j->end && *p == '-')
		p++;
	if (p < j->end && *p == '0')
		p++;
	else if (p < j->end && *p >= '1' && *p <= '9')
		while (p < j->end && fuzz_is_digit(*p))
			p++;
	else
		return "bad number";
	if (p < j->end && *p == '.') {
		for (d = ++p; p < j->end && fuzz_is_digit(*p); p++)
			;
		if (p == d)
			return "no digits after '.'";
	}
	if (p < j->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->end && (*p == '+' || *p == '-'))
			p++;
		for (d = p; p < j->end && fuzz_is_digit(*p); p++)
			;
		if (p == d)
			return "no digits in the exponent";
	}
	j->p = p;
	return NULL;
}

FUZZ_ORACLE static const char *
fuzz_json_literal(struct fuzz_json *j, const char *lit)
{
	size_t	 n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return "bad literal";
	j->p += n;
	return NULL;
}

static const char *fuzz_json_value(struct fuzz_json *);

/* An object or an array; the opening byte is at j->p. */
FUZZ_ORACLE static const char *
fuzz_json_container(struct fuzz_json *j)
{
	const char	*why;
	char		 close = *j->p == '{' ? '}' : ']';
	int		 first = 1;

	if (++j->depth > FUZZ_JSON_DEPTH)
		return "nested too deep";
	j->p++;
	for (;;) {
		fuzz_json_ws(j);
		if (j->p < j->end && *j->p == close && first)
			break;
		if (!first) {
			if (j->p < j->end && *j->p == close)
				break;
			if (j->p >= j->end || *j->p != ',')
				return "expected ',' or the end";
			j->p++;
			fuzz_json_ws(j);
		}
		first = 0;
		if (close == '}') {
			if ((why = fuzz_json_string(j)) != NULL)
				return why;
			fuzz_json_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return "expected ':'";
			j->p++;
		}
		if ((why = fuzz_json_value(j)) != NULL)
			return why;
	}
	j->p++;
	j->depth--;
	return NULL;
}

FUZZ_ORACLE static const char *
fuzz_json_value(struct fuzz_json *j)
{
	fuzz_json_ws(j);
	if (j->p >= j->end)
		return "expected a value";
	switch (*j->p) {
	case '{':
	case '[':
		return fuzz_json_container(j);
	case '"':
		return fuzz_json_string(j);
	case 't':
		return fuzz_json_literal(j, "true");
	case 'f':
		return fuzz_json_literal(j, "false");
	case 'n':
		return fuzz_json_literal(j, "null");
	default:
		return fuzz_json_number(j);
	}
}

/* One JSON text: a value and white space around it, nothing else. */
FUZZ_ORACLE static const char *
fuzz_json_check(const char *s, size_t n)
{
	struct fuzz_json	 j = { s, s + n, 0 };
	const char		*why;

	if ((why = fuzz_json_value(&j)) != NULL)
		return why;
	fuzz_json_ws(&j);
	return j.p == j.end ? NULL : "trailing bytes after the value";
}

/* Exactly one JSON string (quotes included), as text_json() writes. */
FUZZ_ORACLE static const char *
fuzz_json_string_check(const char *s, size_t n)
{
	struct fuzz_json	 j = { s, s + n, 0 };
	const char		*why;

	if ((why = fuzz_json_string(&j)) != NULL)
		return why;
	return j.p == j.end ? NULL : "bytes after the string";
}

/* ---- Prometheus text format 0.0.4 ---------------------------------- */

#define FUZZ_PROM_FAMILIES	64
#define FUZZ_PROM_SERIES	4096
#define FUZZ_PROM_LABELS	8

struct fuzz_prom {
	char		 fam[FUZZ_PROM_FAMILIES][96];
	int		 typed[FUZZ_PROM_FAMILIES];
	int		 helped[FUZZ_PROM_FAMILIES];
	int		 sampled[FUZZ_PROM_FAMILIES];
	int		 nfam;
	int		 cur;		/* family of the last line, or -1 */
	uint64_t	 series[FUZZ_PROM_SERIES];	/* hashes of series */
	size_t		 nseries;
};

FUZZ_ORACLE static int
fuzz_name_start(unsigned char c, int colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '_' || (colon && c == ':');
}

/* A metric name (colon 1) or label name (colon 0) at p; its length. */
FUZZ_ORACLE static size_t
fuzz_prom_name(const char *p, const char *end, int colon)
{
	size_t	 n = 0;

	if (p >= end || !fuzz_name_start((unsigned char)*p, colon))
		return 0;
	while (p + n < end && (fuzz_name_start((unsigned char)p[n], colon) ||
	    fuzz_is_digit(p[n])))
		n++;
	return n;
}

/*
 * Text with escapes (HELP: \\ and \n; label values: also \"), valid
 * UTF-8, no raw LF; a label value ends at an unescaped '"'.
 */
FUZZ_ORACLE static const char *
fuzz_prom_text(const char *p, const char *end, const char *escapes,
    int quoted, const char **stop)
{
	size_t	 k;

	while (p < end && !(quoted && *p == '"')) {
		if (*p == '\\') {
			if (p + 1 >= end || p[1] == '\0' ||
			    strchr(escapes, p[1]) == NULL)
				return "bad escape";
			p += 2;
			continue;
		}
		if (*p == '\n')
			return "raw newline";
		if ((k = fuzz_utf8_len((const unsigned char *)p,
		    (size_t)(end - p))) == 0)
			return "invalid UTF-8";
		p += k;
	}
	*stop = p;
	return NULL;
}

/* A sample value as Go's ParseFloat takes it, or NaN, +Inf, -Inf. */
FUZZ_ORACLE static int
fuzz_prom_value(const char *s, size_t n)
{
	size_t	 i = 0, d, digits = 0;

	if ((n == 3 && memcmp(s, "NaN", 3) == 0) ||
	    (n == 4 && (memcmp(s, "+Inf", 4) == 0 ||
	    memcmp(s, "-Inf", 4) == 0)))
		return 1;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && fuzz_is_digit(s[i]); i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && fuzz_is_digit(s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (d = i; i < n && fuzz_is_digit(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

FUZZ_ORACLE static uint64_t
fuzz_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

FUZZ_ORACLE static int
fuzz_prom_family(struct fuzz_prom *pr, const char *name, size_t n)
{
	int	 i;

	for (i = 0; i < pr->nfam; i++)
		if (strlen(pr->fam[i]) == n && memcmp(pr->fam[i], name, n) == 0)
			return i;
	return -1;
}

/* The family a line is about: new, or the one of the line before. */
FUZZ_ORACLE static const char *
fuzz_prom_use(struct fuzz_prom *pr, const char *name, size_t n, int create,
    int *fp)
{
	int	 f;

	if ((f = fuzz_prom_family(pr, name, n)) == -1) {
		if (!create)
			return "a sample without HELP or TYPE for its name";
		if (pr->nfam == FUZZ_PROM_FAMILIES)
			return "too many families for the checker";
		if (n >= sizeof(pr->fam[0]))
			return "metric name too long for the checker";
		f = pr->nfam++;
		memcpy(pr->fam[f], name, n);
		pr->fam[f][n] = '\0';
	} else if (f != pr->cur)
		return "a family's lines are not together";
	pr->cur = f;
	*fp = f;
	return NULL;
}

/* "# HELP name text" or "# TYPE name type" or another comment. */
FUZZ_ORACLE static const char *
fuzz_prom_comment(struct fuzz_prom *pr, const char *p, const char *eol)
{
	static const char *const types[] = { "counter", "gauge", "histogram",
	    "summary", "untyped" };
	const char	*name, *stop, *why;
	size_t		 n, i;
	int		 help, f;

	if (eol - p < 7 || (memcmp(p, "# HELP ", 7) != 0 &&
	    memcmp(p, "# TYPE ", 7) != 0))
		return fuzz_utf8_valid(p, (size_t)(eol - p)) ? NULL :
		    "invalid UTF-8 in a comment";
	help = p[2] == 'H';
	name = p + 7;
	if ((n = fuzz_prom_name(name, eol, 1)) == 0)
		return "bad metric name in HELP or TYPE";
	if ((why = fuzz_prom_use(pr, name, n, 1, &f)) != NULL)
		return why;
	p = name + n;
	if (help) {
		if (pr->helped[f]++)
			return "second HELP for a family";
		if (p == eol)
			return NULL;
		if (*p != ' ')
			return "no space after the name in HELP";
		return fuzz_prom_text(p + 1, eol, "\\n", 0, &stop);
	}
	if (pr->typed[f]++)
		return "second TYPE for a family";
	if (pr->sampled[f])
		return "TYPE after the family's samples";
	if (p == eol || *p != ' ')
		return "no type in TYPE";
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((size_t)(eol - p - 1) == strlen(types[i]) &&
		    memcmp(p + 1, types[i], strlen(types[i])) == 0)
			return NULL;
	return "unknown type";
}

struct fuzz_label {
	const char	*k, *v;
	size_t		 kn, vn;
};

FUZZ_ORACLE static const char *
fuzz_prom_sample(struct fuzz_prom *pr, const char *p, const char *eol)
{
	struct fuzz_label	 l[FUZZ_PROM_LABELS], t;
	const char		*name = p, *q, *e, *why;
	size_t			 n, nl = 0, i, j;
	uint64_t		 h;
	int			 f;

	if ((n = fuzz_prom_name(p, eol, 1)) == 0)
		return "bad metric name";
	if ((why = fuzz_prom_use(pr, name, n, 0, &f)) != NULL)
		return why;
	if (!pr->typed[f])
		return "a sample before its family's TYPE";
	pr->sampled[f] = 1;
	q = p + n;
	if (q < eol && *q == '{') {
		q++;
		while (q < eol && *q != '}') {
			if (nl == FUZZ_PROM_LABELS)
				return "too many labels for the checker";
			if ((n = fuzz_prom_name(q, eol, 0)) == 0)
				return "bad label name";
			if (n >= 2 && q[0] == '_' && q[1] == '_')
				return "reserved label name";
			l[nl].k = q;
			l[nl].kn = n;
			q += n;
			if (eol - q < 2 || q[0] != '=' || q[1] != '"')
				return "label without =\"";
			q += 2;
			if ((why = fuzz_prom_text(q, eol, "\\\"n", 1, &e)) !=
			    NULL)
				return why;
			if (e >= eol)
				return "unterminated label value";
			l[nl].v = q;
			l[nl].vn = (size_t)(e - q);
			for (i = 0; i < nl; i++)
				if (l[i].kn == l[nl].kn &&
				    memcmp(l[i].k, l[nl].k, l[nl].kn) == 0)
					return "a label twice";
			nl++;
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
	q++;
	e = memchr(q, ' ', (size_t)(eol - q));
	if (!fuzz_prom_value(q, (size_t)((e != NULL ? e : eol) - q)))
		return "bad value";
	if (e != NULL) {	/* a timestamp: an integer of milliseconds */
		for (q = e + 1, i = 0; q < eol; q++, i++)
			if (!fuzz_is_digit(*q) && !(i == 0 && *q == '-'))
				return "bad timestamp";
		if (i == 0)
			return "empty timestamp";
	}
	/* The series: its name and its labels sorted by name. */
	for (i = 1; i < nl; i++)
		for (j = i; j > 0; j--) {
			size_t m = l[j].kn < l[j - 1].kn ? l[j].kn :
			    l[j - 1].kn;
			int c = memcmp(l[j].k, l[j - 1].k, m);

			if (c > 0 || (c == 0 && l[j].kn > l[j - 1].kn))
				break;
			t = l[j];
			l[j] = l[j - 1];
			l[j - 1] = t;
		}
	h = fuzz_hash(14695981039346656037ULL, name,
	    (size_t)(fuzz_prom_name(name, eol, 1)));
	for (i = 0; i < nl; i++) {
		h = fuzz_hash(h, "\xff", 1);
		h = fuzz_hash(h, l[i].k, l[i].kn);
		h = fuzz_hash(h, "\xfe", 1);
		h = fuzz_hash(h, l[i].v, l[i].vn);
	}
	for (i = 0; i < pr->nseries; i++)
		if (pr->series[i] == h)
			return "a series twice";
	if (pr->nseries == FUZZ_PROM_SERIES)
		return "too many series for the checker";
	pr->series[pr->nseries++] = h;
	return NULL;
}

/*
 * A whole exposition: lines ending in LF, none empty; every family's
 * HELP, TYPE and samples together, TYPE before the samples; sample names
 * equal to their family's (this daemon has no histograms or summaries);
 * no series twice.
 */
FUZZ_ORACLE static const char *
fuzz_prom_check(const char *s, size_t n)
{
	static struct fuzz_prom	 pr;
	const char		*p = s, *end = s + n, *eol, *why;

	memset(&pr, 0, sizeof(pr));
	pr.cur = -1;
	if (n == 0 || s[n - 1] != '\n')
		return "does not end with a newline";
	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == p)
			return "empty line";
		why = *p == '#' ? fuzz_prom_comment(&pr, p, eol) :
		    fuzz_prom_sample(&pr, p, eol);
		if (why != NULL)
			return why;
	}
	return NULL;
}

#endif /* FUZZ_CHECK_H */
