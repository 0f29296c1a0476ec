/*
 * test_config_depends.c - the keys of SPEC 20 that tie checks together,
 * through config_parse() as a user meets them: depends lists (commas,
 * blanks, both), their errors word for word with file and line, unknown
 * names, and cycles of one, two, three and more checks; start_grace.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* By path: the build's autoconf config.h must not be found instead. */
#include "config/config.h"
#include "tap.h"

static const struct config_paths paths = { NULL, NULL, NULL, NULL, NULL };

static void
diag_errors(const struct config_errors *e)
{
	size_t	 i;

	for (i = 0; i < e->n; i++)
		printf("#   error: %s\n", e->msg[i]);
}

static struct config *
parse(const char *text, struct config_errors *e)
{
	return config_parse("t.conf", text, strlen(text), &paths, e);
}

/* Text that must parse; the config, to look at, or NULL. */
static struct config *
good(const char *text, const char *name)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg = parse(text, &e);

	if (!ok(cfg != NULL && e.n == 0, "accepts %s", name))
		diag_errors(&e);
	config_parse_errors_free(&e);
	return cfg;
}

/* Text that must fail with exactly these messages, in this order. */
static void
bad(const char *text, const char *const *want, size_t n, const char *name)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg = parse(text, &e);
	size_t			 i;

	if (!ok(cfg == NULL && e.n == n, "%s: %zu message(s)", name, n))
		diag_errors(&e);
	for (i = 0; i < n && i < e.n; i++)
		is_str(e.msg[i], want[i], "%s, #%zu", name, i + 1);
	config_parse_free(cfg);
	config_parse_errors_free(&e);
}

#define BAD(text, name, ...) do {					\
	const char *const w_[] = { __VA_ARGS__ };			\
	bad(text, w_, sizeof(w_) / sizeof(w_[0]), name);		\
} while (0)

#define CHECK(n)	"[check " n "]\ncommand = /bin/true\n"

/* The names of check i's depends, joined by '|', for one comparison. */
static const char *
names(const struct config *cfg, size_t i)
{
	static char	 s[256];
	char		**v;
	size_t		 len = 0;

	s[0] = '\0';
	if (cfg == NULL || i >= cfg->nchecks)
		return "(no such check)";
	if (cfg->checks[i].depends == NULL)
		return "(none)";
	for (v = cfg->checks[i].depends; *v != NULL; v++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "%s%s",
		    v == cfg->checks[i].depends ? "" : "|", *v);
	return s;
}

static void
test_lists(void)
{
	static const struct { const char *value, *want, *name; } t[] = {
		{ "db", "db", "one name" },
		{ "db, cache", "db|cache", "a comma and a blank" },
		{ "db,cache", "db|cache", "a comma alone" },
		{ "db cache", "db|cache", "a blank alone" },
		{ "db ,\tcache , web", "db|cache|web",
		    "blanks and tabs around commas" },
		{ "db   cache\tweb", "db|cache|web", "several blanks" },
		{ "db # a comment", "db", "a comment after the list" },
	};
	char		 text[512];
	struct config	*cfg;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), CHECK("db") CHECK("cache")
		    CHECK("web") CHECK("app") "depends = %s\n", t[i].value);
		cfg = good(text, t[i].name);
		is_str(names(cfg, 3), t[i].want, "%s: %s", t[i].name,
		    t[i].want);
		if (cfg != NULL)
			ok(cfg->checks[3].depends_line == 9,
			    "%s: its line is kept", t[i].name);
		config_parse_free(cfg);
	}
	cfg = good(CHECK("db") CHECK("app"), "no depends");
	is_str(names(cfg, 1), "(none)", "no depends: none");
	config_parse_free(cfg);
	cfg = good(CHECK("app") "depends = db\n" CHECK("db"),
	    "a name defined further down");
	is_str(names(cfg, 0), "db", "a check may wait for one below it");
	config_parse_free(cfg);
}

static void
test_list_errors(void)
{
	BAD(CHECK("db") CHECK("app") "depends = db, db\n", "a duplicate",
	    "t.conf:5: [check app] depends: \"db\" is named twice");
	BAD(CHECK("db") CHECK("app") "depends = db cache db\n",
	    "a duplicate further on",
	    "t.conf:5: [check app] depends: \"db\" is named twice");
	BAD(CHECK("db") CHECK("app") "depends = db,,web\n", "two commas",
	    "t.conf:5: [check app] depends: empty name in the list");
	BAD(CHECK("db") CHECK("app") "depends = db,\n", "a comma at the end",
	    "t.conf:5: [check app] depends: empty name in the list");
	BAD(CHECK("db") CHECK("app") "depends = , db\n",
	    "a comma at the start",
	    "t.conf:5: [check app] depends: empty name in the list");
	BAD(CHECK("db") CHECK("app") "depends = DB\n", "a capital",
	    "t.conf:5: [check app] depends: invalid check name \"DB\" "
	    "(expected 1 to 32 of a-z, 0-9, '_' and '-')");
	BAD(CHECK("app") "depends = db;web\n", "a semicolon",
	    "t.conf:3: [check app] depends: invalid check name \"db;web\" "
	    "(expected 1 to 32 of a-z, 0-9, '_' and '-')");
	BAD(CHECK("app") "depends = "
	    "abcdefghijklmnopqrstuvwxyz0123456789\n", "a name too long",
	    "t.conf:3: [check app] depends: invalid check name "
	    "\"abcdefghijklmnopqrstuvwxyz0123456789\" "
	    "(expected 1 to 32 of a-z, 0-9, '_' and '-')");
	BAD(CHECK("db") CHECK("app") "depends = db\ndepends = db\n",
	    "the key twice",
	    "t.conf:6: [check app] duplicate key \"depends\" (first set on "
	    "line 5)");
	BAD("depends = db\n" CHECK("db"), "depends before any section",
	    "t.conf:1: \"depends\" belongs in a [check NAME] section");
	BAD(CHECK("app") "depends =\n", "no value",
	    "t.conf:3: [check app] depends: missing value");
}

static void
test_unknown(void)
{
	BAD(CHECK("db") CHECK("app") "depends = dbx\n", "an unknown name",
	    "t.conf:5: [check app] depends: unknown check \"dbx\"");
	BAD(CHECK("app") "depends = db, cache\n" CHECK("db"),
	    "one of two unknown",
	    "t.conf:3: [check app] depends: unknown check \"cache\"");
	BAD(CHECK("app") "depends = x\n" CHECK("web") "depends = y\n",
	    "unknown names in two checks, in line order",
	    "t.conf:3: [check app] depends: unknown check \"x\"",
	    "t.conf:6: [check web] depends: unknown check \"y\"");
	BAD("check_command = /bin/true\n" CHECK("app") "depends = main\n"
	    "bogus = 1\n", "the flat check main can be named; other errors "
	    "still come in line order",
	    "t.conf:5: [check app] unknown key \"bogus\"");
	BAD(CHECK("db") "[check db]\ncommand = /bin/false\n" CHECK("app")
	    "depends = db\n", "a duplicate section is no unknown name",
	    "t.conf:3: duplicate check \"db\" (first on line 1)");
}

static void
test_cycles(void)
{
	BAD(CHECK("app") "depends = app\n", "a check waiting for itself",
	    "t.conf:3: [check app] depends: cycle app -> app");
	BAD(CHECK("db") "depends = cache, db\n" CHECK("cache"),
	    "itself among others",
	    "t.conf:3: [check db] depends: cycle db -> db");
	BAD(CHECK("app") "depends = db\n" CHECK("db") "depends = app\n",
	    "a cycle of two",
	    "t.conf:3: [check app] depends: cycle app -> db -> app");
	BAD(CHECK("a") "depends = b\n" CHECK("b") "depends = c\n"
	    CHECK("c") "depends = a\n", "a cycle of three",
	    "t.conf:3: [check a] depends: cycle a -> b -> c -> a");
	BAD(CHECK("web") "depends = a\n" CHECK("a") "depends = b\n"
	    CHECK("b") "depends = c\n" CHECK("c") "depends = d\n"
	    CHECK("d") "depends = b\n", "a cycle further down a chain",
	    "t.conf:9: [check b] depends: cycle b -> c -> d -> b");
	BAD(CHECK("a") "depends = b\n" CHECK("b") "depends = a\n"
	    CHECK("c") "depends = d\n" CHECK("d") "depends = c\n",
	    "two cycles, each once",
	    "t.conf:3: [check a] depends: cycle a -> b -> a",
	    "t.conf:9: [check c] depends: cycle c -> d -> c");
	BAD(CHECK("app") "depends = db, app\n" CHECK("db") "depends = app\n",
	    "a self-dependency and a cycle of two",
	    "t.conf:3: [check app] depends: cycle app -> db -> app",
	    "t.conf:3: [check app] depends: cycle app -> app");
}

/* A diamond and a long chain are no cycle. */
static void
test_no_cycle(void)
{
	char		 text[16384];
	struct config	*cfg;
	size_t		 len = 0;
	int		 i;

	cfg = good(CHECK("app") "depends = web, api\n" CHECK("web")
	    "depends = db\n" CHECK("api") "depends = db\n" CHECK("db"),
	    "a diamond");
	config_parse_free(cfg);
	for (i = 0; i < 200; i++) {
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "[check c%d]\ncommand = /bin/true\n", i);
		if (i > 0)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
			    "depends = c%d\n", i - 1);
	}
	cfg = good(text, "a chain of 200");
	is_str(names(cfg, 199), "c198", "the last waits for the one before");
	config_parse_free(cfg);
}

/* A long cycle is cut in the middle, its ends kept. */
static void
test_long_cycle(void)
{
	struct config_errors	 e = { NULL, 0 };
	struct config		*cfg;
	char			 text[32768];
	size_t			 len = 0;
	int			 i;

	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "[check check-%02d]\ncommand = /bin/true\n"
		    "depends = check-%02d\n", i, (i + 1) % 100);
	cfg = parse(text, &e);
	ok(cfg == NULL && e.n == 1, "a cycle of 100 is one message");
	if (e.n == 1) {
		ok(strncmp(e.msg[0], "t.conf:3: [check check-00] depends: "
		    "cycle check-00 -> check-01 -> ", 66) == 0,
		    "it starts where it was entered");
		ok(strstr(e.msg[0], " -> ... -> check-00") != NULL,
		    "and ends there, the middle cut: %s", e.msg[0]);
		ok(strlen(e.msg[0]) < 512, "within a message's size");
	}
	config_parse_free(cfg);
	config_parse_errors_free(&e);
}

static void
test_start_grace(void)
{
	struct config	*cfg;

	cfg = good(CHECK("app") "start_grace = 3s\n" CHECK("db"),
	    "start_grace");
	ok(cfg != NULL && cfg->checks[0].start_grace_ms == 3000 &&
	    cfg->checks[1].start_grace_ms == 0,
	    "3 s for app, none by default");
	config_parse_free(cfg);
	cfg = good(CHECK("app") "start_grace = 0\n", "start_grace = 0");
	ok(cfg != NULL && cfg->checks[0].start_grace_ms == 0, "0: none");
	config_parse_free(cfg);
	cfg = good(CHECK("app") "start_grace = 24h\n", "start_grace = 24h");
	config_parse_free(cfg);
	BAD(CHECK("app") "start_grace = 25h\n", "more than a day",
	    "t.conf:3: [check app] start_grace: 25h is out of range "
	    "(0-24h)");
	BAD(CHECK("app") "start_grace = soon\n", "not a duration",
	    "t.conf:3: [check app] start_grace: invalid duration \"soon\" "
	    "(expected a number with ms, s, m or h)");
	BAD("start_grace = 3s\n", "before any section",
	    "t.conf:1: \"start_grace\" belongs in a [check NAME] section");
}

int
main(void)
{
	test_lists();
	test_list_errors();
	test_unknown();
	test_cycles();
	test_no_cycle();
	test_long_cycle();
	test_start_grace();
	return done_testing();
}
