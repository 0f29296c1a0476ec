/*
 * config_sections.h - the checks of a config file, for config_parse.c's
 * grammar.
 * Internal to the parser: every function reports through the parser's
 * error list and never stops at a problem.
 */
#ifndef MYDAEMON_CONFIG_SECTIONS_H
#define MYDAEMON_CONFIG_SECTIONS_H

struct parser;
struct config_check;

/* A "[check NAME]" line (without its comment): keys now go to NAME. */
void			 config_sections_section(struct parser *p, char *line);
/* The check a flat check_* key sets, made on first use; NULL on ENOMEM. */
struct config_check	*config_sections_flat(struct parser *p);
/* End of file: report checks without a command, drop the dead ones. */
void			 config_sections_finish(struct parser *p);

#endif /* MYDAEMON_CONFIG_SECTIONS_H */
