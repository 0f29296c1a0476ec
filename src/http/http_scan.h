/*
 * http_scan.h - the incremental half of the HTTP parser: as the bytes of a
 * request head arrive, say at the first one that cannot belong to any
 * valid head, so that garbage, a TLS ClientHello or an HTTP/0.9 line is
 * answered 400 at once instead of after 8 KiB or idle_timeout.  Pure;
 * resumable, so a head trickled a byte at a time is still looked at
 * once per byte.  A complete head then goes to http_parse() (http.h),
 * which alone judges its meaning.
 */
#ifndef MYDAEMON_HTTP_SCAN_H
#define MYDAEMON_HTTP_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* Where the scan of one head stands; zeroed for a new head. */
struct http_scan {
	uint16_t	 pos;		/* bytes looked at */
	uint8_t		 state;
	uint8_t		 n;		/* progress inside the state */
};

/*
 * Look at the bytes of buf (len in all, the head so far) that s has not
 * seen yet.  Returns
 *   -1   every byte so far may begin a valid head: read more
 *    0   a head ends at s->pos (the empty line included)
 *   400  buf[s->pos] cannot belong to a valid head
 *   431  HTTP_HEAD_MAX bytes and still no end
 */
int	http_scan(struct http_scan *s, const char *buf, size_t len);

#endif /* MYDAEMON_HTTP_SCAN_H */
