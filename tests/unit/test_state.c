/*
 * test_state.c - the state file's path, format, parser and torn reads.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance/state.h"
#include "tap.h"

/* A literal record, parsed into b. */
#define PARSE(lit)	state_parse((lit), sizeof(lit) - 1, &b)

static void
path_is(const char *in, const char *want)
{
	char *p = state_path(in);

	is_str(p, want, "state_path(\"%s\")", in);
	free(p);
}

int
main(void)
{
	struct state_info a, b;
	char buf[1024], dir[] = "/tmp/test_state.XXXXXX", path[256];
	size_t n;
	int fd;

	path_is("/run/mydaemon.pid", "/run/mydaemon.state");
	path_is("/tmp/x/foo", "/tmp/x/foo.state");
	path_is("/tmp/.pid", "/tmp/.state");
	path_is("/a.pid.pid", "/a.pid.state");

	memset(&a, 0, sizeof(a));
	a.seq = 7;
	a.pid = 1234;
	a.generation = 3;
	a.reload_started = 5;
	a.reload_done = 4;
	a.reload_ok = 2;
	a.reload_failed = 2;
	strcpy(a.last_reload, "failed");
	strcpy(a.reason, "/etc/x.conf:3: unknown key \"a\"\nsecond line");
	a.reopens = 9;
	a.reopen_failed = 1;
	n = state_format(buf, sizeof(buf), &a);
	ok(n > 0 && buf[n - 1] == '\n', "format ends with a newline");
	ok(strncmp(buf, "seq=7\n", 6) == 0, "first line is seq");
	ok(strstr(buf, "end=7\n") != NULL, "last line repeats seq");
	ok(strstr(buf, "reason=/etc/x.conf:3: unknown key \"a\" second line\n")
	    != NULL, "a newline in the reason becomes a space");
	ok(state_parse(buf, n, &b) == 0, "parse of a full record");
	ok(b.seq == 7 && b.pid == 1234 && b.generation == 3 &&
	    b.reload_started == 5 && b.reload_done == 4 && b.reload_ok == 2 &&
	    b.reload_failed == 2 && b.reopens == 9 && b.reopen_failed == 1,
	    "every counter round-trips");
	is_str(b.last_reload, "failed", "last_reload round-trips");
	is_str(b.reason, "/etc/x.conf:3: unknown key \"a\" second line",
	    "reason round-trips");
	ok(state_parse(buf, n - 1, &b) == -1, "a record cut short is torn");
	ok(state_parse(buf, n / 2, &b) == -1, "half a record is torn");
	ok(PARSE("") == -1, "an empty file is not a record");
	ok(PARSE("seq=1\npid=5\nend=2\n") == -1,
	    "mismatched seq and end are torn");
	ok(PARSE("seq=1\npid=5\nend=1\n") == 0,
	    "matching seq and end parse");
	ok(PARSE("seq=1\npid=x\nend=1\n") == -1,
	    "a non-number is rejected");
	ok(PARSE("seq=1\npid\nend=1\n") == -1,
	    "a line without '=' is rejected");
	ok(PARSE("seq=1\npid=0\nend=1\n") == -1,
	    "a record without a pid is rejected");
	a.starting = 1;
	a.stopping = 0;
	n = state_format(buf, sizeof(buf), &a);
	ok(strstr(buf, "\nstarting=1\n") != NULL, "starting=1 is written");
	ok(state_parse(buf, n, &b) == 0 && b.starting == 1 && b.stopping == 0,
	    "starting round-trips");
	ok(PARSE("seq=1\npid=5\nend=1\n") == 0 && b.starting == 0,
	    "a record without starting= (an older daemon's) is not starting");

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/s.state", dir);
	fd = state_open(path, 1);
	ok(fd >= 0, "state_open creates the file");
	a.seq = 0;
	ok(state_write(fd, &a) == 0 && a.seq == 1, "state_write bumps seq");
	strcpy(a.reason, "");
	ok(state_write(fd, &a) == 0, "a shorter record rewrites in place");
	ok(state_read(path, &b) == 0 && b.seq == 2 && b.reason[0] == '\0',
	    "state_read sees the latest record only");
	ok(ftruncate(fd, 10) == 0 && state_read(path, &b) == -1,
	    "state_read gives up on a torn file");
	close(fd);
	unlink(path);
	ok(state_read(path, &b) == -1, "state_read of a missing file fails");
	rmdir(dir);
	return done_testing();
}
