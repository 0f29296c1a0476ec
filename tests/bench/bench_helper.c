/*
 * bench_helper.c - the timing parts of tests/bench/run that a shell cannot
 * do precisely.  Built by the script itself (cc -O2), never installed.
 *
 *   bench_helper reload PORT PID CONF FILE_A FILE_B COUNT
 *	COUNT times: install FILE_B (then FILE_A, then FILE_B, ...) as CONF
 *	(a new file renamed over it), read the current answer to GET /health
 *	on one keep-alive connection, kill(PID, SIGHUP), then send GET
 *	/health on that connection in a tight loop (reconnecting when the
 *	server closes it) until the answer (status and body) differs.  One
 *	line per reload: microseconds from kill() to the changed answer.
 *
 *   bench_helper hup PID COUNT INTERVAL_MS
 *	COUNT SIGHUPs, INTERVAL_MS apart.
 *
 *   bench_helper death PORT PATH PID
 *	Wait until GET PATH answers 200, kill(PID, SIGTERM), then GET PATH
 *	every millisecond until it answers 503.  One line: microseconds
 *	from kill() to that answer.
 */
#define _GNU_SOURCE	/* memmem */

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_NS	(10LL * 1000000000LL)	/* give up on one reload */
#define SETTLE_MS	50			/* between two reloads */

static int	 port;
static const char *path = "/health";
static int	 fd = -1;
static char	 rbuf[65536];
static size_t	 rlen;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
drop(void)
{
	if (fd != -1)
		close(fd);
	fd = -1;
	rlen = 0;
}

static int
dial(void)
{
	struct sockaddr_in sin;
	struct timeval tv = { 2, 0 };	/* a hanging read fails, is retried */
	int one = 1;

	drop();
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		drop();
		return -1;
	}
	return 0;
}

/* Content-Length of a head (0 when there is none). */
static size_t
content_length(const char *head, size_t len)
{
	const char *p = head, *end = head + len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if ((size_t)(nl - p) > 15 &&
		    strncasecmp(p, "Content-Length:", 15) == 0)
			return (size_t)strtoul(p + 15, NULL, 10);
		p = nl + 1;
	}
	return 0;
}

static int
says_close(const char *head, size_t len)
{
	const char *p = head, *end = head + len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if ((size_t)(nl - p) >= 17 &&
		    strncasecmp(p, "Connection: close", 17) == 0)
			return 1;
		p = nl + 1;
	}
	return 0;
}

/*
 * One GET /health; the answer as "CODE BODY" into key.  0, or -1 when the
 * connection broke (the caller dials again and retries).
 */
static int
get(char *key, size_t keylen)
{
	char req[512];
	size_t off = 0, hlen, blen, reqlen;
	ssize_t n;
	char *e;
	int close_after;

	reqlen = (size_t)snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n", path);
	if (fd == -1 && dial() == -1)
		return -1;
	while (off < reqlen) {
		n = send(fd, req + off, reqlen - off, MSG_NOSIGNAL);
		if (n <= 0) {
			drop();
			return -1;
		}
		off += (size_t)n;
	}
	for (;;) {
		e = rlen >= 4 ? memmem(rbuf, rlen, "\r\n\r\n", 4) : NULL;
		if (e != NULL) {
			hlen = (size_t)(e - rbuf) + 4;
			blen = content_length(rbuf, hlen);
			if (hlen + blen <= rlen)
				break;
		}
		if (rlen == sizeof(rbuf)) {
			drop();
			return -1;
		}
		n = read(fd, rbuf + rlen, sizeof(rbuf) - rlen);
		if (n <= 0) {
			drop();
			return -1;
		}
		rlen += (size_t)n;
	}
	close_after = says_close(rbuf, hlen);
	/* "HTTP/1.1 200 OK": the code is at 9. */
	snprintf(key, keylen, "%.3s %.*s", rlen > 12 ? rbuf + 9 : "???",
	    (int)blen, rbuf + hlen);
	memmove(rbuf, rbuf + hlen + blen, rlen - hlen - blen);
	rlen -= hlen + blen;
	if (close_after)
		drop();
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 || (s = malloc((size_t)n + 1)) ==
	    NULL || fread(s, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "bench_helper: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return s;
}

static void
install(const char *conf, const char *text, size_t len)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.bench-new", conf);
	if ((f = fopen(tmp, "wb")) == NULL || fwrite(text, 1, len, f) != len ||
	    fclose(f) != 0 || rename(tmp, conf) == -1) {
		fprintf(stderr, "bench_helper: cannot write %s\n", conf);
		exit(1);
	}
}

static int
get_retry(char *key, size_t keylen, long long deadline)
{
	while (get(key, keylen) == -1)
		if (now_ns() > deadline)
			return -1;
	return 0;
}

static int
reload(int argc, char **argv)
{
	char before[512], after[512];
	char *text[2];
	size_t len[2];
	long long t0, deadline;
	pid_t pid;
	int i, count;

	if (argc != 8)
		return 2;
	port = atoi(argv[2]);
	pid = (pid_t)atol(argv[3]);
	text[0] = slurp(argv[5], &len[0]);
	text[1] = slurp(argv[6], &len[1]);
	count = atoi(argv[7]);
	for (i = 0; i < count; i++) {
		install(argv[4], text[(i + 1) % 2], len[(i + 1) % 2]);
		if (get_retry(before, sizeof(before), now_ns() + TIMEOUT_NS) ==
		    -1) {
			fprintf(stderr, "bench_helper: no answer on port %d\n",
			    port);
			return 1;
		}
		t0 = now_ns();
		deadline = t0 + TIMEOUT_NS;
		if (kill(pid, SIGHUP) == -1) {
			perror("bench_helper: kill");
			return 1;
		}
		do {
			if (get_retry(after, sizeof(after), deadline) == -1 ||
			    now_ns() > deadline) {
				fprintf(stderr, "bench_helper: the answer did "
				    "not change within 10 s\n");
				return 1;
			}
		} while (strcmp(before, after) == 0);
		printf("%.1f\n", (double)(now_ns() - t0) / 1000.0);
		fflush(stdout);
		sleep_ms(SETTLE_MS);
	}
	drop();
	return 0;
}

static int
hup(int argc, char **argv)
{
	pid_t pid;
	int i, count;
	long interval;

	if (argc != 5)
		return 2;
	pid = (pid_t)atol(argv[2]);
	count = atoi(argv[3]);
	interval = atol(argv[4]);
	for (i = 0; i < count; i++) {
		if (kill(pid, SIGHUP) == -1) {
			perror("bench_helper: kill");
			return 1;
		}
		sleep_ms(interval);
	}
	return 0;
}

/* Until GET path answers with this code; -1 after 10 s. */
static int
until_code(const char *code, long pause_ms)
{
	long long deadline = now_ns() + TIMEOUT_NS;
	char key[512];

	for (;;) {
		if (get_retry(key, sizeof(key), deadline) == -1)
			return -1;
		if (strncmp(key, code, 3) == 0)
			return 0;
		if (now_ns() > deadline)
			return -1;
		sleep_ms(pause_ms);
	}
}

static int
death(int argc, char **argv)
{
	long long t0;
	pid_t pid;

	if (argc != 5)
		return 2;
	port = atoi(argv[2]);
	path = argv[3];
	pid = (pid_t)atol(argv[4]);
	if (until_code("200", 10) == -1) {
		fprintf(stderr, "bench_helper: %s never answered 200\n", path);
		return 1;
	}
	t0 = now_ns();
	if (kill(pid, SIGTERM) == -1) {
		perror("bench_helper: kill");
		return 1;
	}
	if (until_code("503", 1) == -1) {
		fprintf(stderr, "bench_helper: %s still not 503 after 10 s\n",
		    path);
		return 1;
	}
	printf("%.1f\n", (double)(now_ns() - t0) / 1000.0);
	drop();
	return 0;
}

int
main(int argc, char **argv)
{
	int r = 2;

	if (argc > 1 && strcmp(argv[1], "reload") == 0)
		r = reload(argc, argv);
	else if (argc > 1 && strcmp(argv[1], "hup") == 0)
		r = hup(argc, argv);
	else if (argc > 1 && strcmp(argv[1], "death") == 0)
		r = death(argc, argv);
	if (r == 2)
		fprintf(stderr, "usage: bench_helper reload PORT PID CONF "
		    "FILE_A FILE_B COUNT\n"
		    "       bench_helper hup PID COUNT INTERVAL_MS\n"
		    "       bench_helper death PORT PATH PID\n");
	return r;
}
