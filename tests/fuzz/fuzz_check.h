/*
 * fuzz_check.h - the oracles the harnesses share: fuzz_fail(), and the
 * Prometheus text format 0.0.4 written here from the exposition format,
 * so that a renderer is never checked with its own tables.  UTF-8 and
 * JSON are judged by the unit tests' testlib.c (tl_utf8_len,
 * tl_valid_utf8, tl_json_valid), which tests/fuzz/run links into every
 * harness, uninstrumented like these.
 *
 * Header-only (static functions).  Every checker returns NULL when the
 * text is fine, or a static string saying what is wrong; fuzz_fail()
 * prints it with the offending text and aborts, which libFuzzer reports
 * as a crash and saves as an input.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

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

FUZZ_ORACLE static int
fuzz_is_digit(char c)
{
	return c >= '0' && c <= '9';
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
		if ((k = tl_utf8_len((const unsigned char *)p,
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
		return tl_valid_utf8(p, (size_t)(eol - p)) ? NULL :
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
