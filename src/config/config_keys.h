/*
 * config_keys.h - the keys of mydaemon.conf, between the grammar
 * (config_parse.c)
 * and the readers of each value (config_keys.c).  Internal to the parser.
 */
#ifndef MYDAEMON_CONFIG_KEYS_H
#define MYDAEMON_CONFIG_KEYS_H

#include <stddef.h>

#include "config/config_parser.h"

/* The table of every key (config_keys.c). */
extern const struct confkey	confkeys[];
extern const size_t		config_keys_count;

#endif /* MYDAEMON_CONFIG_KEYS_H */
