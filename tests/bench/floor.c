/*
 * floor.c - the floor of rows 17b and 17c of tests/bench/run: a bare
 * epoll responder that spends next to nothing in user space, so that
 * what it costs per request is the kernel's part (the socket, epoll,
 * the loopback), which no server can go below.  Built by the script
 * itself (cc -O2), never installed.
 *
 *   floor PORT
 *	Listen on 127.0.0.1:PORT and answer each request head (whatever
 *	it says, up to its empty line) with the bytes of mydaemon's 200
 *	/health answer, keep-alive, one write(2) per read(2), until killed.
 *	No parsing, no timers, no allocation.
 */
#define _GNU_SOURCE	/* accept4 */

#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXFD	65536
#define BATCH	64

static const char answer[] = "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 3\r\n"
    "Cache-Control: no-store\r\n"
    "Connection: keep-alive\r\n\r\nok\n";

static unsigned char	 seen[MAXFD];	/* bytes of "\r\n\r\n" matched */
static char		 in[16384];
static char		 out[256 * (sizeof(answer) - 1)];

/* Read what fd has, answer every head that ended; -1 to close it. */
static int
serve(int fd)
{
	static const char end[] = "\r\n\r\n";
	size_t heads = 0, i, n_out;
	unsigned char m = seen[fd];
	ssize_t n;

	if ((n = read(fd, in, sizeof(in))) <= 0)
		return n == -1 && errno == EAGAIN ? 0 : -1;
	for (i = 0; i < (size_t)n; i++) {
		if (in[i] == end[m])
			m++;
		else
			m = in[i] == '\r';
		if (m == 4) {
			heads++;
			m = 0;
		}
	}
	seen[fd] = m;
	if (heads > sizeof(out) / (sizeof(answer) - 1))
		heads = sizeof(out) / (sizeof(answer) - 1);
	for (i = 0, n_out = 0; i < heads; i++, n_out += sizeof(answer) - 1)
		memcpy(out + n_out, answer, sizeof(answer) - 1);
	if (n_out > 0 && write(fd, out, n_out) != (ssize_t)n_out)
		return -1;	/* the bench's answers fit: this is an error */
	return 0;
}

int
main(int argc, char **argv)
{
	struct epoll_event ev, evs[BATCH];
	struct sockaddr_in sin;
	int lfd, ep, fd, n, i, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: floor PORT\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 4096) == -1 ||
	    (ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		perror("floor");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1) {
		perror("floor: epoll_ctl");
		return 1;
	}
	for (;;) {
		if ((n = epoll_wait(ep, evs, BATCH, -1)) == -1) {
			if (errno == EINTR)
				continue;
			perror("floor: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd != lfd) {
				if (serve(fd) == -1)
					close(fd);	/* leaves epoll too */
				continue;
			}
			while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK |
			    SOCK_CLOEXEC)) != -1) {
				ev.events = EPOLLIN;
				ev.data.fd = fd;
				seen[fd < MAXFD ? fd : 0] = 0;
				if (fd >= MAXFD ||
				    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
					close(fd);
			}
		}
	}
}
