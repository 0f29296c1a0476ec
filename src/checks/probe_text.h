/*
 * probe_text.h - the words the network probes write (pure): bytes from
 * the network made safe for one line of output, durations as people
 * read them, and seconds as performance data wants them.
 */
#ifndef MYDAEMON_PROBE_TEXT_H
#define MYDAEMON_PROBE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * At most `max` of the n bytes at s (any bytes, NUL included) as
 * printable ASCII in dst (size bytes, NUL-terminated): \r \n \t \" \\
 * as such, \xNN for anything else outside ' '..'~' and for '|' (which
 * would begin performance data); "..." when something was left out.
 * A sequence that does not fit is left out whole.
 */
void	probe_text_escape(char *dst, size_t size, const char *s, size_t n,
	    size_t max);

/* A duration given in ms as people write it: "5 s", "1500 ms". */
void	probe_text_ms(char *dst, size_t size, uint64_t ms);

/* A response time in us: "0.4 ms"; "0.045 ms" below a tenth of one. */
void	probe_text_us(char *dst, size_t size, uint64_t us);

/* Milliseconds as seconds for performance data: "5", "0.250". */
void	probe_text_secs(char *dst, size_t size, uint64_t ms);

#endif /* MYDAEMON_PROBE_TEXT_H */
