/*
 * testlib.c - the unit tests' own references: a UTF-8 decoder, a strict
 * JSON checker and a xorshift (see testlib.h).  They are written apart
 * from src/ on purpose, so that a test does not judge text.c's output
 * with text.c's tables.
 */
#include <stdint.h>
#include <string.h>

#include "testlib.h"

/* Where the JSON checker is: the bytes left and how deep it is. */
struct jcur {
	const unsigned char	*p, *e;
	int			 depth;
};

size_t
tl_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t need, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
	    (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

int
tl_valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = tl_utf8_len(p + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

static void
j_ws(struct jcur *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
j_hex4(struct jcur *j, unsigned int *v)
{
	int i;

	*v = 0;
	if (j->e - j->p < 4)
		return 0;
	for (i = 0; i < 4; i++, j->p++) {
		unsigned char c = *j->p;

		if (c >= '0' && c <= '9')
			*v = *v << 4 | (unsigned int)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v = *v << 4 | (unsigned int)((c | 0x20) - 'a' + 10);
		else
			return 0;
	}
	return 1;
}

static int
j_string(struct jcur *j)
{
	unsigned int u, lo;
	size_t k;

	if (j->p >= j->e || *j->p++ != '"')
		return 0;
	while (j->p < j->e && *j->p != '"') {
		if (*j->p < 0x20)
			return 0;
		if (*j->p != '\\') {
			if ((k = tl_utf8_len(j->p, (size_t)(j->e - j->p))) == 0)
				return 0;
			j->p += k;
			continue;
		}
		if (++j->p >= j->e)
			return 0;
		if (*j->p != 'u') {
			if (*j->p == '\0' ||
			    strchr("\"\\/bfnrt", *j->p) == NULL)
				return 0;
			j->p++;
			continue;
		}
		j->p++;
		if (!j_hex4(j, &u) || (u >= 0xdc00 && u <= 0xdfff))
			return 0;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (j->e - j->p < 2 || j->p[0] != '\\' ||
			    j->p[1] != 'u')
				return 0;
			j->p += 2;
			if (!j_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
				return 0;
		}
	}
	if (j->p >= j->e)
		return 0;
	j->p++;
	return 1;
}

static int
j_digits(struct jcur *j)
{
	const unsigned char *s = j->p;

	while (j->p < j->e && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static int
j_number(struct jcur *j)
{
	if (j->p < j->e && *j->p == '-')
		j->p++;
	if (j->p < j->e && *j->p == '0')
		j->p++;
	else if (j->p >= j->e || *j->p < '1' || *j->p > '9' || !j_digits(j))
		return 0;
	if (j->p < j->e && *j->p == '.') {
		j->p++;
		if (!j_digits(j))
			return 0;
	}
	if (j->p < j->e && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->e && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!j_digits(j))
			return 0;
	}
	return 1;
}

static int
j_word(struct jcur *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->e - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int
j_value(struct jcur *j)
{
	unsigned char close;

	j_ws(j);
	if (j->p >= j->e)
		return 0;
	switch (*j->p) {
	case '"':
		return j_string(j);
	case 't':
		return j_word(j, "true");
	case 'f':
		return j_word(j, "false");
	case 'n':
		return j_word(j, "null");
	case '{':
	case '[':
		break;
	default:
		return j_number(j);
	}
	close = *j->p++ == '{' ? '}' : ']';
	if (++j->depth > 64)
		return 0;
	j_ws(j);
	if (j->p < j->e && *j->p == close) {
		j->p++;
		j->depth--;
		return 1;
	}
	for (;;) {
		if (close == '}') {
			j_ws(j);
			if (!j_string(j))
				return 0;
			j_ws(j);
			if (j->p >= j->e || *j->p++ != ':')
				return 0;
		}
		if (!j_value(j))
			return 0;
		j_ws(j);
		if (j->p < j->e && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->e && *j->p == close) {
			j->p++;
			j->depth--;
			return 1;
		}
		return 0;
	}
}

int
tl_json_valid(const char *s, size_t n)
{
	struct jcur j;

	if (s == NULL)
		return 0;
	j.p = (const unsigned char *)s;
	j.e = j.p + n;
	j.depth = 0;
	if (!j_value(&j))
		return 0;
	j_ws(&j);
	return j.p == j.e;
}

uint32_t
tl_rand(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)(*state >> 11);
}
