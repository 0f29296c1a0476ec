/*
 * probe_text.c - the network probes' words (see probe_text.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checks/probe_text.h"

void
probe_text_escape(char *dst, size_t size, const char *s, size_t n,
    size_t max)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0, k;
	char			 e[4];

	if (size == 0)
		return;
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		k = 2;
		e[0] = '\\';
		if (c == '\r' || c == '\n' || c == '\t')
			e[1] = c == '\r' ? 'r' : c == '\n' ? 'n' : 't';
		else if (c == '"' || c == '\\')
			e[1] = (char)c;
		else if (c < 0x20 || c > 0x7e || c == '|') {
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 0xf];
			k = 4;
		} else {
			e[0] = (char)c;
			k = 1;
		}
		/* room for this, "..." and the NUL */
		if (o + k + 4 > size)
			break;
		memcpy(dst + o, e, k);
		o += k;
	}
	if (i < n && o + 4 <= size) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

void
probe_text_ms(char *dst, size_t size, uint64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(dst, size, "%" PRIu64 " s", ms / 1000);
	else
		snprintf(dst, size, "%" PRIu64 " ms", ms);
}

void
probe_text_us(char *dst, size_t size, uint64_t us)
{
	if (us < 100)
		snprintf(dst, size, "0.%03" PRIu64 " ms", us);
	else
		snprintf(dst, size, "%" PRIu64 ".%" PRIu64 " ms",
		    (us + 50) / 1000, (us + 50) % 1000 / 100);
}

void
probe_text_secs(char *dst, size_t size, uint64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(dst, size, "%" PRIu64, ms / 1000);
	else
		snprintf(dst, size, "%" PRIu64 ".%03" PRIu64, ms / 1000,
		    ms % 1000);
}
