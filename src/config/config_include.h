/*
 * config_include.h - "include = GLOB" (SPEC 21), for config_keys.c's
 * table.  Internal to the parser.
 */
#ifndef MYDAEMON_CONFIG_INCLUDE_H
#define MYDAEMON_CONFIG_INCLUDE_H

struct parser;
struct confkey;

/*
 * The key's reader: ends the section it stands in, then reads each
 * file the pattern names, in sorted order, through the parser's
 * config_reader.
 */
void	config_include_key(struct parser *p, const struct confkey *k,
	    void *base, const char *val);

#endif /* MYDAEMON_CONFIG_INCLUDE_H */
