/*
 * http_uri.h - the parts of a request target and a Host that RFC 3986
 * defines: authority, path and query, absolute-form.  Pure functions.
 */
#ifndef MYDAEMON_HTTP_URI_H
#define MYDAEMON_HTTP_URI_H

#include <stddef.h>

/* Is v[0..n) a valid uri-host [":" port]? */
int	http_uri_authority_ok(const char *v, size_t n);
/*
 * Is s[0..n) a valid path and query, the bytes of
 * is_uri_char() and "%" HEXDIG HEXDIG only?
 */
int	http_uri_path_ok(const char *s, size_t n);
/*
 * The offset of the path in an absolute-form target, or -1
 * when the target is no absolute-form with a valid authority.
 */
long	http_uri_absolute_path(const char *s, size_t n);

#endif /* MYDAEMON_HTTP_URI_H */
