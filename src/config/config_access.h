/*
 * config_access.h - "allow" and "status_allow" (SPEC 22): lists of
 * address ranges, global, that may repeat (each line adds to the list).
 * Internal to the parser, but for config_access_free(), which
 * config_parse_free() calls.
 */
#ifndef MYDAEMON_CONFIG_ACCESS_H
#define MYDAEMON_CONFIG_ACCESS_H

struct parser;
struct confkey;
struct config;

/* The reader of allow and status_allow (k->off: which list). */
void	config_access_set(struct parser *p, const struct confkey *k,
	    void *base, const char *val);

/* Free the lists and the warnings, and leave them empty. */
void	config_access_free(struct config *cfg);

#endif /* MYDAEMON_CONFIG_ACCESS_H */
