/*
 * config_parser.h - what the readers of the keys share: the state of one
 * config_parse() call, a key's row in the table, and the helpers every
 * reader uses (an error with file, line and section; a copied string;
 * the line of a key the section already set).  Internal to the parser.
 */
#ifndef MYDAEMON_CONFIG_PARSER_H
#define MYDAEMON_CONFIG_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define CONFIG_INCLUDE_DEPTH	8	/* files in files in ... */

enum confkey_scope {
	SCOPE_GLOBAL,	/* before the first section */
	SCOPE_FLAT,	/* before the first section, sets the check "main" */
	SCOPE_CHECK,	/* in a [check NAME] section */
	SCOPE_ANY	/* anywhere: include */
};

struct parser;

struct confkey {
	const char		*name;
	enum confkey_scope	 scope;
	/* base: the struct config, or the check the key sets */
	void			(*set)(struct parser *, const struct confkey *,
				    void *base, const char *val);
	size_t			 off;	/* the field in *base */
	uint64_t		 min, max;
	const char		*range;	/* what is allowed, in words */
	const void		*arg;	/* a table, or a path's keywords */
	int			 word_null; /* a path's first keyword: unset */
	int			 repeat;  /* may appear more than once */
};

/* What repeated listen lines need remembered, per key. */
struct addr_list {
	int	 given;			/* the file replaced the default */
	int	 none_line;		/* line of "none" */
	int	 line[CONFIG_MAX_LISTEN];
};

/* Everything one config_parse() call needs; there is no global state. */
struct parser {
	const char		*file;		/* one of cfg->files */
	size_t			 file_index;	/* its index there */
	struct config		*cfg;
	struct config_errors	*errs;
	int			 lineno;
	int			 nerr;
	int			 oom;
	int			*seen;		/* per key: line that set it */
	struct addr_list	 addrs[2];	/* listen, agent_listen */
	struct config_check	*cur;		/* NULL: global scope */
	struct config_check	 dead;		/* a section that is wrong */
	size_t			 capchecks;
	int			 flat_line;	/* first flat check_* key */
	uint64_t		*errline;	/* each error's file and line,
						   to sort */
	size_t			 nerrline;
	/* the section's warning and critical as written, until its end */
	char			*threshold[2];
	const struct confkey	*keys;		/* the table, for p->seen */
	size_t			 nkeys;
	/* includes (config_include.c) */
	const struct config_reader *reader;	/* NULL: none */
	int			 depth;		/* of the file being read */
	const char		*open[CONFIG_INCLUDE_DEPTH]; /* the included
						   files being read */
	int			 sections;	/* a section has begun: no more
						   global keys */
	/* read the lines of a text; config_parse.c's grammar */
	void			(*text)(struct parser *, const char *text,
				    size_t len);
};

/* Append "FILE:LINE: [check NAME] message" to the caller's list. */
void	config_parser_error(struct parser *p, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Replace *dst by a copy of val (NULL: by NULL); ENOMEM sets p->oom. */
void	config_parser_string(struct parser *p, char **dst, const char *val);

/* The next message is at this file (one of cfg->files) and line. */
void	config_parser_at(struct parser *p, const char *file, int line);

/*
 * A command's words, split as a shell would (no shell runs it), or NULL
 * after saying what is wrong with it (a quote left open, no command).
 */
char	**config_parser_argv(struct parser *p, const char *key,
	    const char *val);

/* The line where the section being read set key `name`, 0: not set. */
int	config_parser_line(struct parser *p, const char *name);

#endif /* MYDAEMON_CONFIG_PARSER_H */
