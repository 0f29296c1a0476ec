/*
 * test_config_include.c - "include = GLOB" (SPEC 21) through
 * config_parse() with a reader that serves files from a table: order,
 * nesting and its limit, a file that includes itself, a named file
 * that is missing, a pattern that matches nothing, sections in
 * included files and where the keys of one go, errors naming the
 * included file and its line, a check defined in two files.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* By path: the build's autoconf config.h must not be found instead. */
#include "config/config.h"
#include "tap.h"

struct file {
	const char	*path, *text;
};

static const struct file *files;	/* the test's, NULL-ended */

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
fake_match(void *arg, const char *pattern, char ***paths, char *err,
    size_t errlen)
{
	size_t	 i, n = 0;

	(void)arg;
	if (strcmp(pattern, "/c/unreadable/*") == 0) {
		snprintf(err, errlen, "cannot read %s: denied", pattern);
		return -1;
	}
	if ((*paths = calloc(64, sizeof(**paths))) == NULL)
		return -1;
	for (i = 0; files[i].path != NULL && n < 63; i++)
		if (fnmatch(pattern, files[i].path, FNM_PATHNAME) == 0)
			(*paths)[n++] = strdup(files[i].path);
	qsort(*paths, n, sizeof(**paths), by_name);
	return 0;
}

/* The file, "/./" read as "/" as the kernel would. */
static int
fake_read(void *arg, const char *path, char **text, size_t *len, char *err,
    size_t errlen)
{
	char	 name[256], *dot;
	size_t	 i;

	(void)arg;
	snprintf(name, sizeof(name), "%s", path);
	while ((dot = strstr(name, "/./")) != NULL)
		memmove(dot, dot + 2, strlen(dot + 2) + 1);
	for (i = 0; files[i].path != NULL; i++)
		if (strcmp(files[i].path, name) == 0) {
			*text = strdup(files[i].text);
			*len = strlen(files[i].text);
			return 0;
		}
	snprintf(err, errlen, "cannot read %s: No such file or directory",
	    path);
	return -1;
}

static const struct config_reader reader = { fake_match, fake_read, NULL };
static const struct config_paths paths = { NULL, NULL, NULL, NULL,
    &reader };

static struct config *
parse(const struct file *f, struct config_errors *e)
{
	files = f;
	return config_parse(f[0].path, f[0].text, strlen(f[0].text), &paths,
	    e);
}

static struct config *
good(const struct file *f, const char *name)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg = parse(f, &e);
	size_t			 i;

	if (!ok(cfg != NULL && e.n == 0, "accepts %s", name))
		for (i = 0; i < e.n; i++)
			printf("#   error: %s\n", e.msg[i]);
	config_parse_errors_free(&e);
	return cfg;
}

static void
bad(const struct file *f, const char *const *want, size_t n,
    const char *name)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg = parse(f, &e);
	size_t			 i;

	if (!ok(cfg == NULL && e.n == n, "%s: %zu message(s)", name, n))
		for (i = 0; i < e.n; i++)
			printf("#   error: %s\n", e.msg[i]);
	for (i = 0; i < n && i < e.n; i++)
		is_str(e.msg[i], want[i], "%s, #%zu", name, i + 1);
	config_parse_free(cfg);
	config_parse_errors_free(&e);
}

#define BAD(f, name, ...) do {						\
	static const char *const want_[] = { __VA_ARGS__ };		\
	bad(f, want_, sizeof(want_) / sizeof(want_[0]), name);		\
} while (0)

/* The names of the checks, in order, as "a b c". */
static void
checks_are(const struct config *cfg, const char *want, const char *name)
{
	char	 got[256] = "";
	size_t	 i;

	for (i = 0; cfg != NULL && i < cfg->nchecks; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
		    i ? " " : "", cfg->checks[i].name);
	is_str(got, want, "%s: checks %s", name, want);
}

static void
test_order(void)
{
	static const struct file f[] = {
		{ "/c/main.conf", "include = d/*.conf\n" },
		{ "/c/d/b.conf", "[check b]\ncommand = /bin/true\n" },
		{ "/c/d/a.conf", "[check a]\ncommand = /bin/true\n" },
		{ "/c/d/c.txt", "[check c]\ncommand = /bin/true\n" },
		{ NULL, NULL }
	};
	struct config *cfg = good(f, "a relative glob");

	checks_are(cfg, "a b", "sorted, only what matches");
	if (cfg != NULL)
		is_str(cfg->checks[1].file, "/c/d/b.conf", "a check knows its "
		    "file");
	config_parse_free(cfg);
}

static void
test_where(void)
{
	static const struct file f[] = {
		{ "/c/main.conf", "[check m]\ncommand = /bin/true\n"
		    "include = /c/d/*.conf\n[check z]\ncommand = /bin/true\n" },
		{ "/c/d/a.conf", "[check a]\ncommand = /bin/true\n" },
		{ NULL, NULL }
	};
	static const struct file g[] = {
		{ "/c/main.conf", "include = /c/g.conf\n"
		    "[check m]\ncommand = /bin/true\n" },
		{ "/c/g.conf", "log_level = debug\n" },
		{ NULL, NULL }
	};
	static const struct file after[] = {
		{ "/c/main.conf", "[check m]\ncommand = /bin/true\n"
		    "include = /c/g.conf\n" },
		{ "/c/g.conf", "log_level = debug\n" },
		{ NULL, NULL }
	};
	static const struct file ends[] = {
		{ "/c/main.conf", "[check m]\ninclude = /c/g.conf\n"
		    "command = /bin/true\n" },
		{ "/c/g.conf", "# nothing\n" },
		{ NULL, NULL }
	};
	static const struct file leak[] = {
		{ "/c/main.conf", "include = /c/g.conf\ninterval = 5s\n" },
		{ "/c/g.conf", "[check g]\ncommand = /bin/true\n" },
		{ NULL, NULL }
	};
	struct config *cfg;

	cfg = good(f, "an include after a section");
	checks_are(cfg, "m a z", "the text stands where the line is");
	config_parse_free(cfg);
	cfg = good(g, "global keys in a file included among them");
	ok(cfg != NULL && cfg->log_level == 7, "they are global keys");
	config_parse_free(cfg);
	BAD(after, "global keys included after a section",
	    "/c/g.conf:1: \"log_level\" is a global key: global keys go "
	    "before the first section");
	BAD(ends, "an include line ends its section",
	    "/c/main.conf:1: [check m] no command or probe (command, "
	    "process, tcp, http, file or disk)",
	    "/c/main.conf:3: \"command\" belongs in a [check NAME] section");
	BAD(leak, "an included file's section ends with the file",
	    "/c/main.conf:2: \"interval\" belongs in a [check NAME] section");
}

static void
test_nesting(void)
{
	static const struct file f[] = {
		{ "/c/main.conf", "include = a.conf\n" },
		{ "/c/a.conf", "include = sub/b.conf\n" },
		{ "/c/sub/b.conf", "include = c.conf\n" },
		{ "/c/sub/c.conf", "[check deep]\ncommand = /bin/true\n" },
		{ NULL, NULL }
	};
	static const struct file self[] = {
		{ "/c/main.conf", "include = d/*.conf\n" },
		{ "/c/d/a.conf", "include = a.conf\n" },
		{ NULL, NULL }
	};
	static const struct file back[] = {
		{ "/c/main.conf", "include = a.conf\n" },
		{ "/c/a.conf", "\ninclude = /c/main.conf\n" },
		{ NULL, NULL }
	};
	static const struct file deep[] = {
		{ "/c/main.conf", "include = a.conf\n" },
		{ "/c/a.conf", "include = ./a.conf\n" },
		{ NULL, NULL }
	};
	struct config *cfg;

	cfg = good(f, "nested includes, each relative to its file");
	checks_are(cfg, "deep", "three deep");
	config_parse_free(cfg);
	BAD(self, "a file that includes itself",
	    "/c/d/a.conf:1: include: /c/d/a.conf includes itself");
	BAD(back, "a file that includes the main one",
	    "/c/a.conf:2: include: /c/main.conf includes itself");
	BAD(deep, "more than 8 deep",
	    "/c/./././././././a.conf:1: include: files include each other "
	    "more than 8 deep");
}

static void
test_missing(void)
{
	static const struct file f[] = {
		{ "/c/main.conf", "include = /c/none/*.conf\n"
		    "[check m]\ncommand = /bin/true\n" },
		{ NULL, NULL }
	};
	static const struct file named[] = {
		{ "/c/main.conf", "\ninclude = /c/x.conf\n" },
		{ NULL, NULL }
	};
	static const struct file unreadable[] = {
		{ "/c/main.conf", "include = unreadable/*\n" },
		{ NULL, NULL }
	};
	static const struct file empty[] = {
		{ "/c/main.conf", "include =\n" },
		{ NULL, NULL }
	};
	struct config *cfg;

	cfg = good(f, "a glob that matches nothing");
	checks_are(cfg, "m", "nothing more");
	config_parse_free(cfg);
	BAD(named, "a named file that does not exist",
	    "/c/main.conf:2: include: cannot read /c/x.conf: No such file or "
	    "directory");
	BAD(unreadable, "a directory that cannot be read",
	    "/c/main.conf:1: include: cannot read /c/unreadable/*: denied");
	BAD(empty, "no pattern", "/c/main.conf:1: include: missing value");
}

static void
test_errors(void)
{
	static const struct file f[] = {
		{ "/c/main.conf", "include = d/*.conf\nbogus = 1\n" },
		{ "/c/d/api.conf", "[check api]\ncommand = /bin/true\n"
		    "interval = 5x\n" },
		{ "/c/d/db.conf", "[check db]\n\n" },
		{ "/c/d/web.conf", "[check web]\ncommand = /bin/true\n"
		    "depends = nothing\n" },
		{ NULL, NULL }
	};
	static const struct file dup[] = {
		{ "/c/main.conf", "[check api]\ncommand = /bin/true\n"
		    "include = d/*.conf\n" },
		{ "/c/d/api.conf", "\n[check api]\ncommand = /bin/true\n" },
		{ NULL, NULL }
	};

	BAD(f, "errors in included files",
	    "/c/main.conf:2: unknown key \"bogus\"",
	    "/c/d/api.conf:3: [check api] interval: invalid duration \"5x\" "
	    "(expected a number with ms, s, m or h)",
	    "/c/d/db.conf:1: [check db] no command or probe (command, "
	    "process, tcp, http, file or disk)",
	    "/c/d/web.conf:3: [check web] depends: unknown check \"nothing\"");
	BAD(dup, "a check in two files",
	    "/c/d/api.conf:2: duplicate check \"api\" (first in "
	    "/c/main.conf, line 1)");
}

static void
test_no_reader(void)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;
	const char		*text = "include = /etc/*.conf\n";

	cfg = config_parse("t.conf", text, strlen(text), NULL, &e);
	ok(cfg == NULL && e.n == 1, "without a reader an include fails");
	if (e.n > 0)
		is_str(e.msg[0], "t.conf:1: include: no file can be included "
		    "here", "and says so");
	config_parse_free(cfg);
	config_parse_errors_free(&e);
}

int
main(void)
{
	test_order();
	test_where();
	test_nesting();
	test_missing();
	test_errors();
	test_no_reader();
	return done_testing();
}
