/*
 * test_probe_net.c - the tcp and http probes run on the loop (probe.h,
 * probe_net.h) against servers of this process, and the words they write
 * (probe_text.h).
 *
 * A server here is a listening socket on 127.0.0.1 (or a Unix socket)
 * that either never accepts (the kernel completes the handshake: a
 * service that takes the connection and says nothing), or answers each
 * connection from the same loop: at once, or after reading a request
 * head.  Each run is judged by what the scheduler would keep: the state,
 * the text /health shows, the output with its performance data, whether
 * it timed out, and whether it ended at once or in the loop.  The
 * process's descriptors are counted around every run: a probe leaves
 * none open, also when it is aborted.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/build.h"
#include "base/clock.h"
#include "base/loop.h"
#include "checks/health.h"
#include "checks/probe.h"
#include "checks/probe_text.h"
#include "config/config.h"
#include "tap.h"

enum { SRV_HOLD, SRV_SEND, SRV_READ };

/* A server of this process. */
static struct srv {
	int		 mode;
	struct loop_io	 lis, conn;
	const char	*answer;
	size_t		 answer_len;
	char		 req[4096];
	size_t		 req_len;
	char		 where[128];	/* "127.0.0.1:PORT" or a path */
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
} srv;

static struct check_run	 run;
static struct probe	 pr;
static int		 dones;

static int
count_fds(void)
{
	DIR		*d;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static void
answer_and_close(int fd)
{
	if (srv.answer_len > 0 &&
	    write(fd, srv.answer, srv.answer_len) == -1)
		perror("write");
	close(fd);
}

static void
on_conn(struct loop_io *io, uint32_t events)
{
	ssize_t	 k;

	(void)events;
	k = read(io->fd, srv.req + srv.req_len, sizeof(srv.req) - 1 -
	    srv.req_len);
	if (k > 0)
		srv.req_len += (size_t)k;
	srv.req[srv.req_len] = '\0';
	if (k > 0 && strstr(srv.req, "\r\n\r\n") == NULL)
		return;
	loop_del(io);
	answer_and_close(io->fd);
	io->fd = -1;
}

static void
on_accept(struct loop_io *io, uint32_t events)
{
	int	 fd;

	(void)events;
	if ((fd = accept(io->fd, NULL, NULL)) == -1)
		return;
	if (srv.mode == SRV_SEND) {
		answer_and_close(fd);
		return;
	}
	srv.conn.fd = fd;
	srv.conn.cb = on_conn;
	if (loop_add(&srv.conn, EPOLLIN) == -1)
		close(fd);
}

/* A server on 127.0.0.1 (path NULL) or on a Unix socket. */
static void
srv_start(int mode, const char *answer, const char *path)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&srv.addr;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&srv.addr;
	socklen_t		 len = sizeof(*sin);
	int			 fd;

	memset(&srv, 0, sizeof(srv));
	srv.mode = mode;
	srv.answer = answer;
	srv.answer_len = answer != NULL ? strlen(answer) : 0;
	srv.conn.fd = -1;
	if (path != NULL) {
		unlink(path);
		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path);
		srv.addrlen = sizeof(*sun);
		snprintf(srv.where, sizeof(srv.where), "%s", path);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		srv.addrlen = sizeof(*sin);
	}
	fd = socket(srv.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&srv.addr,
	    srv.addrlen) == -1 || listen(fd, 16) == -1) {
		perror("server");
		exit(1);
	}
	if (path == NULL) {
		getsockname(fd, (struct sockaddr *)&srv.addr, &len);
		snprintf(srv.where, sizeof(srv.where), "127.0.0.1:%u",
		    ntohs(sin->sin_port));
	}
	srv.lis.fd = fd;
	srv.lis.cb = on_accept;
	if (mode != SRV_HOLD && loop_add(&srv.lis, EPOLLIN) == -1)
		exit(1);
}

static void
srv_stop(void)
{
	if (srv.conn.fd != -1) {
		loop_del(&srv.conn);
		close(srv.conn.fd);
	}
	if (srv.mode != SRV_HOLD)
		loop_del(&srv.lis);
	close(srv.lis.fd);
	if (srv.addr.ss_family == AF_UNIX)
		unlink(srv.where);
}

static void
on_done(struct check_run *r)
{
	(void)r;
	dones++;
}

/* The settings of the one check conf_for() makes at a time. */
static struct config_probe conf_probe;

/* A check of kind towards the server, timeout 500 ms. */
static void
conf_for(struct config_check *c, enum config_kind kind, const char *target)
{
	memset(c, 0, sizeof(*c));
	memset(&conf_probe, 0, sizeof(conf_probe));
	c->probe = &conf_probe;
	c->kind = kind;
	c->timeout_ms = 500;
	c->probe->target = (char *)target;
	c->probe->addr = srv.addr;
	c->probe->addrlen = srv.addrlen;
}

/* Run conf to its end; 1 when it was over at once. */
static int
probe(const struct config_check *conf)
{
	uint64_t	 t0 = clock_ms();
	int		 now;

	dones = 0;
	now = probe_start(&pr, conf);
	while (!now && dones == 0 && clock_ms() - t0 < 3000)
		loop_run_once();
	return now;
}

/* The output (with perfdata) as a string. */
static const char *
out(void)
{
	static char	 s[CHECK_OUTPUT_MAX + 1];

	memcpy(s, run.out, run.outlen);
	s[run.outlen] = '\0';
	return s;
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- the words ---- */

static void
test_text(void)
{
	char	 b[64];

	probe_text_escape(b, sizeof(b), "plain text", 10, 40);
	is_str(b, "plain text", "printable bytes stay");
	probe_text_escape(b, sizeof(b), "a\r\n\t\"\\|b", 8, 40);
	is_str(b, "a\\r\\n\\t\\\"\\\\\\x7cb", "escapes, and '|' as \\x7c");
	probe_text_escape(b, sizeof(b), "\0\x01\x7f\xff", 4, 40);
	is_str(b, "\\x00\\x01\\x7f\\xff", "NUL, control, DEL and 8-bit bytes");
	probe_text_escape(b, sizeof(b), "abcdefgh", 8, 3);
	is_str(b, "abc...", "cut at max bytes");
	probe_text_escape(b, 8, "abcdefgh", 8, 40);
	is_str(b, "abcd...", "cut to fit the buffer, NUL included");
	probe_text_escape(b, 9, "\xff\xff\xff", 3, 40);
	is_str(b, "\\xff...", "an escape that does not fit is left out whole");
	probe_text_escape(b, 2, "abc", 3, 40);
	is_str(b, "", "no room for anything: an empty string");

	probe_text_us(b, sizeof(b), 45);
	is_str(b, "0.045 ms", "45 us");
	probe_text_us(b, sizeof(b), 400);
	is_str(b, "0.4 ms", "400 us");
	probe_text_us(b, sizeof(b), 1250);
	is_str(b, "1.3 ms", "1250 us rounds");
	probe_text_us(b, sizeof(b), 1234567);
	is_str(b, "1234.6 ms", "over a second, still in ms");
	probe_text_ms(b, sizeof(b), 5000);
	is_str(b, "5 s", "5000 ms is 5 s");
	probe_text_ms(b, sizeof(b), 1500);
	is_str(b, "1500 ms", "1500 ms stays");
	probe_text_secs(b, sizeof(b), 250);
	is_str(b, "0.250", "250 ms as seconds");
	probe_text_secs(b, sizeof(b), 3000);
	is_str(b, "3", "3000 ms as seconds");
}

/* ---- tcp ---- */

static void
test_tcp(void)
{
	struct config_check	 c;
	char			 want[256], expect[8] = "+PONG";
	int			 now;

	srv_start(SRV_HOLD, NULL, NULL);
	conf_for(&c, CONFIG_TCP, srv.where);
	probe(&c);
	snprintf(want, sizeof(want), "TCP OK - %s in ", srv.where);
	ok(run.result == HEALTH_OK && starts(run.text, want),
	    "tcp: connected is OK (%s)", run.text);
	ok(strstr(out(), "|time=0.") != NULL && strstr(out(),
	    ";;;0;0.500") != NULL, "tcp: perfdata time in seconds, the "
	    "timeout as max (%s)", out());

	c.probe->expect = expect;
	c.probe->expect_len = 5;
	c.timeout_ms = 300;
	now = probe(&c);
	snprintf(want, sizeof(want), "TCP CRITICAL - %s: no answer within "
	    "300 ms", srv.where);
	ok(!now && run.result == HEALTH_CRITICAL && run.timed_out &&
	    strcmp(run.text, want) == 0, "tcp: silence until the timeout is "
	    "CRITICAL, timed out (%s)", run.text);
	srv_stop();

	srv_start(SRV_READ, "+PONG\r\n", NULL);
	conf_for(&c, CONFIG_TCP, srv.where);
	c.probe->send = "PING\r\n\r\n";
	c.probe->send_len = 8;
	c.probe->expect = expect;
	c.probe->expect_len = 5;
	dones = 0;
	now = probe_start(&pr, &c);
	/* the run keeps its own copy: the config may go in a reload */
	memset(expect, 'X', 5);
	while (!now && dones == 0)
		loop_run_once();
	ok(run.result == HEALTH_OK && strcmp(srv.req, "PING\r\n\r\n") == 0,
	    "tcp: send goes out, expect comes back (%s)", run.text);
	srv_stop();
	memcpy(expect, "+PONG", 5);

	srv_start(SRV_SEND, "nope\x01|\xff", NULL);
	conf_for(&c, CONFIG_TCP, srv.where);
	c.probe->expect = expect;
	c.probe->expect_len = 5;
	probe(&c);
	snprintf(want, sizeof(want), "TCP CRITICAL - %s: expected \"+PONG\", "
	    "got \"nope\\x01\\x7c\\xff\"", srv.where);
	is_str(run.text, want, "tcp: expect not found quotes what came");
	ok(strchr(out(), '|') == NULL, "tcp: and no '|' of theirs");
	srv_stop();
}

static void
test_tcp_refused(void)
{
	struct config_check	 c;
	char			 want[256];

	srv_start(SRV_HOLD, NULL, NULL);
	srv_stop();		/* the port is free now: nobody listens */
	conf_for(&c, CONFIG_TCP, srv.where);
	probe(&c);
	snprintf(want, sizeof(want), "TCP CRITICAL - %s: Connection refused",
	    srv.where);
	ok(run.result == HEALTH_CRITICAL && !run.timed_out &&
	    strcmp(run.text, want) == 0, "tcp: refused is CRITICAL (%s)",
	    run.text);
}

static void
test_unix(void)
{
	struct config_check	 c;
	char			 path[64], want[256];
	int			 now;

	snprintf(path, sizeof(path), "/tmp/test_probe_net.%ld.sock",
	    (long)getpid());
	srv_start(SRV_HOLD, NULL, path);
	conf_for(&c, CONFIG_TCP, path);
	now = probe(&c);
	ok(now && run.result == HEALTH_OK, "unix: connected at once, OK at "
	    "once (%s)", run.text);
	srv_stop();
	now = probe(&c);
	snprintf(want, sizeof(want), "TCP CRITICAL - %s: No such file or "
	    "directory", path);
	ok(now && strcmp(run.text, want) == 0, "unix: no socket, CRITICAL "
	    "at once (%s)", run.text);
}

/* ---- http ---- */

static void
http_with(const char *answer, struct config_check *c, char *target,
    size_t size, const char *path)
{
	srv_start(answer != NULL ? SRV_READ : SRV_HOLD, answer, NULL);
	snprintf(target, size, "http://%s%s", srv.where, path);
	conf_for(c, CONFIG_HTTP, target);
	c->probe->path = (char *)path;
}

static void
test_http(void)
{
	struct config_check	 c;
	char			 target[256], want[512];

	http_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", &c,
	    target, sizeof(target), "/x");
	c.probe->expect_body = "ok";
	probe(&c);
	snprintf(want, sizeof(want), "HTTP OK - %s/x 200 OK in ", srv.where);
	ok(run.result == HEALTH_OK && starts(run.text, want) &&
	    strstr(out(), " size=2B") != NULL, "http: 200 with the body "
	    "is OK (%s)", out());
	snprintf(want, sizeof(want), "GET /x HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: mydaemon/%s\r\nConnection: close\r\n\r\n", srv.where,
	    MYDAEMON_VERSION);
	is_str(srv.req, want, "http: the request, Host from the target");
	srv_stop();

	http_with("HTTP/1.1 200 OK\r\n\r\nhello", &c, target, sizeof(target),
	    "/q?a=1");
	c.probe->host_header = "example.org";
	c.probe->expect_body = "ready";
	probe(&c);
	ok(starts(srv.req, "GET /q?a=1 HTTP/1.1\r\nHost: example.org\r\n"),
	    "http: the path and host_header given");
	snprintf(want, sizeof(want), "HTTP CRITICAL - %s/q?a=1 200 OK without "
	    "\"ready\" in the body: \"hello\"", srv.where);
	is_str(run.text, want, "http: a body without expect_body");
	srv_stop();

	http_with("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0"
	    "\r\n\r\n", &c, target, sizeof(target), "/");
	probe(&c);
	snprintf(want, sizeof(want), "HTTP CRITICAL - %s/ answered 500 "
	    "Internal Server Error", srv.where);
	is_str(run.text, want, "http: 500 is CRITICAL, named");
	c.probe->status[0].lo = 500;
	c.probe->status[0].hi = 599;
	c.probe->nstatus = 1;
	probe(&c);
	ok(run.result == HEALTH_OK, "http: 500 in expect_status 500-599 is "
	    "OK (%s)", run.text);
	srv_stop();

	http_with(NULL, &c, target, sizeof(target), "/");
	c.timeout_ms = 200;
	probe(&c);
	snprintf(want, sizeof(want), "HTTP CRITICAL - %s/: no answer within "
	    "200 ms", srv.where);
	ok(run.timed_out && strcmp(run.text, want) == 0, "http: silence is "
	    "CRITICAL at the timeout (%s)", run.text);
	srv_stop();
}

static void
test_thresholds(void)
{
	struct config_check	 c;
	char			 target[256];

	http_with("HTTP/1.1 204 No Content\r\n\r\n", &c, target,
	    sizeof(target), "/");
	c.probe->warning.unit = CONFIG_UNIT_MS;
	c.probe->warning.value = 0;
	probe(&c);
	ok(run.result == HEALTH_WARNING && strstr(run.text,
	    "(warning above 0 s)") != NULL, "a time above warning is WARNING "
	    "(%s)", run.text);
	c.probe->critical = c.probe->warning;
	probe(&c);
	ok(run.result == HEALTH_CRITICAL && strstr(out(),
	    "|time=0.") != NULL && strstr(out(), "s;0;0;0;0.500 size=0B") !=
	    NULL, "critical wins, thresholds in the perfdata (%s)", out());
	c.probe->warning.value = c.probe->critical.value = 60000;
	probe(&c);
	ok(run.result == HEALTH_OK, "under both is OK (%s)", run.text);
	srv_stop();
}

static void
test_abort(void)
{
	struct config_check	 c;
	int			 fds = count_fds(), now;

	srv_start(SRV_HOLD, NULL, NULL);
	fds = count_fds();
	conf_for(&c, CONFIG_TCP, srv.where);
	c.probe->expect = "x";
	c.probe->expect_len = 1;
	dones = 0;
	now = probe_start(&pr, &c);
	loop_run_once();
	ok(!now && pr.busy && count_fds() == fds + 1, "a run in flight holds "
	    "one socket");
	probe_abort(&pr);
	ok(!pr.busy && pr.net == NULL && count_fds() == fds && dones == 0,
	    "abort closes it and says nothing");
	srv_stop();
}

int
main(void)
{
	int	 fds;

	if (loop_init() == -1)
		return 1;
	run.done = on_done;
	probe_init(&pr, &run);
	fds = count_fds();
	test_text();
	test_tcp();
	test_tcp_refused();
	test_unix();
	test_http();
	test_thresholds();
	test_abort();
	ok(count_fds() == fds, "no descriptor left behind (%d, %d)",
	    count_fds(), fds);
	loop_fini();
	return done_testing();
}
