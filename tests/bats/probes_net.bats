#!/usr/bin/env bats
# The tcp and http probes (SPEC 19) against real servers: nginx, a second
# mydaemon, the daemon's own port, and a small Python server for what
# the others cannot do (a banner, a chunked or hostile answer, a server
# that accepts and never answers, a Unix socket).  What a probe says is
# read where a command's result is: /status, /health/NAME, /metrics.

load test_helper/common

bats_require_minimum_version 1.5.0

NGINX=${NGINX:-/usr/sbin/nginx}

# server MODE ADDR [ARG...]: the test's Python server on ADDR (a port on
# 127.0.0.1, or a Unix socket's path), stopped at teardown.  Modes:
#   hold               accept, never answer
#   banner HEX [WAIT]  on each connection, read until WAIT (if given),
#                      send the bytes HEX, close
#   answer HEX         read a request head, keep it in $T/request, send
#                      the bytes HEX in two pieces 50 ms apart, close
server() {
	local ready=$T/ready.$RANDOM
	T=$T python3 -S - "$ready" "$@" >> "$T/server.out" 2>&1 <<'PY' &
import os, socket, sys, time
ready, mode, addr = sys.argv[1], sys.argv[2], sys.argv[3]
args = sys.argv[4:]
if addr.startswith("/"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(addr)
else:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(addr)))
s.listen(64)
open(ready, "w").close()
held = []
while True:
    c, _ = s.accept()
    if mode == "hold":
        held.append(c)
        continue
    c.settimeout(5)
    try:
        if mode == "banner":
            got = b""
            wait = bytes.fromhex(args[1]) if len(args) > 1 else b""
            while wait and wait not in got:
                more = c.recv(4096)
                if not more:
                    break
                got += more
            c.sendall(bytes.fromhex(args[0]))
        else:
            got = b""
            while b"\r\n\r\n" not in got:
                more = c.recv(4096)
                if not more:
                    break
                got += more
            with open(os.environ["T"] + "/request", "wb") as f:
                f.write(got)
            out = bytes.fromhex(args[0])
            c.sendall(out[:len(out) // 2])
            time.sleep(0.05)
            c.sendall(out[len(out) // 2:])
    except OSError:
        pass
    c.close()
PY
	remember_pid $!
	wait_for 5 test -e "$ready"
}

hex() {
	printf '%b' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# nginx_start PORT: nginx on 127.0.0.1:PORT with a few locations.
nginx_start() {
	local m
	[ -x "$NGINX" ] || skip "nginx is not installed"
	{
		echo "daemon off; master_process off; worker_processes 1;"
		echo "pid $T/nginx.pid; error_log $T/nginx.err warn;"
		echo "events { worker_connections 64; }"
		echo "http { access_log off;"
		for m in client_body proxy fastcgi uwsgi scgi; do
			echo "  ${m}_temp_path $T/nginx.$m;"
		done
		echo "  server { listen 127.0.0.1:$1;"
		echo '    location = /healthz { return 200 "ok\n"; }'
		echo '    location = /fail { return 500; }'
		echo '    location = /gone { return 502; }'
		echo '    location = /host { return 200 "host=$host\n"; }'
		echo "  }"
		echo "}"
	} > "$T/nginx.conf"
	"$NGINX" -p "$T/" -e "$T/nginx.err" -c "$T/nginx.conf" \
		> "$T/nginx.out" 2>&1 &
	remember_pid $!
	wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$1/healthz"
}

# field NAME KEY: a field of check NAME in a fresh /status.
field() {
	http_get /status
	python3 -S - "$T/body" "$1" "$2" <<'PY'
import json, sys
doc = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
for c in doc["checks"]:
    if c["name"] == sys.argv[2]:
        v = c[sys.argv[3]]
        print(v if isinstance(v, str) else json.dumps(v))
        sys.exit(0)
sys.exit(1)
PY
}

# ran NAME: check NAME has a result.
ran() {
	check_runs_at_least 1 "$1"
}

# output_is NAME REGEX: the output of check NAME matches (extended).
output_is() {
	local out
	out=$(field "$1" output) || return 1
	[[ $out =~ $2 ]] || { echo "output of $1: $out" >&2; return 1; }
}

# health_of PATH: "CODE BODY".
health_of() {
	http_get "$1"
	printf '%s %s' "$status_code" "$body"
}

# start CHECK-LINES...: the daemon with these lines, until all checks ran.
start() {
	local names
	write_config "$@"
	start_daemon
	names=$(sed -n 's/^\[check \(.*\)\]$/\1/p' "$CONF")
	# shellcheck disable=SC2086
	wait_for 10 all_ran $names
}

all_ran() {
	local n
	for n in "$@"; do
		ran "$n" || return 1
	done
}

fds() {
	find "/proc/$DAEMON_PID/fd" -mindepth 1 -maxdepth 1 2> /dev/null |
		wc -l
}

# The fewest descriptors the daemon holds over ten looks, 50 ms apart.
fewest_fds() {
	local n min=100000
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		n=$(fds)
		[ "$n" -lt "$min" ] && min=$n
		sleep 0.05
	done
	echo "$min"
}

fds_at_most() {
	[ "$(fds)" -le "$1" ]
}

fds_above() {
	[ "$(fds)" -gt "$1" ]
}

num='[0-9]+(\.[0-9]+)?'

@test "tcp: a listening port is OK, in ms in the text, in seconds in /metrics" {
	start "[check self]" "tcp = 127.0.0.1:$PORT" "warning = 2s"
	output_is self "^TCP OK - 127\.0\.0\.1:$PORT in $num ms\|time=${num}s;2;;0;5$"
	assert_equal "$(health_of /health/self)" "200 ok"
	run metric_value 'mydaemon_check_perfdata{check="self",label="time",unit="seconds"}'
	assert_success
	assert awk -v v="$output" 'BEGIN { exit !(v + 0 > 0 && v + 0 < 1) }'
	run metric_value 'mydaemon_check_perfdata_max{check="self",label="time",unit="seconds"}'
	assert_output 5
	stop_daemon
}

@test "tcp: a port nobody listens on is CRITICAL: Connection refused" {
	local port
	port=$(free_port)
	start "[check db]" "tcp = 127.0.0.1:$port"
	output_is db "^TCP CRITICAL - 127\.0\.0\.1:$port: Connection refused$"
	assert_equal "$(health_of /health/db)" \
		"503 critical: TCP CRITICAL - 127.0.0.1:$port: Connection refused"
	assert_equal "$(field db timeouts)" 0
	stop_daemon
}

@test "tcp: send goes first and expect is found in what the server answers" {
	local sp
	sp=$(free_port)
	server banner "$sp" "$(hex '+PONG\r\n')" "$(hex 'PING\r\n')"
	start "[check redis]" "tcp = 127.0.0.1:$sp" 'send = PING\r\n' \
		"expect = +PONG"
	output_is redis "^TCP OK - 127\.0\.0\.1:$sp in $num ms\|time="
	stop_daemon
}

@test "tcp: expect not found is CRITICAL and quotes what came, escaped" {
	local sp
	sp=$(free_port)
	server banner "$sp" "$(hex '-ERR \001 bad|x=1\r\n')"
	start "[check redis]" "tcp = 127.0.0.1:$sp" "expect = +PONG"
	output_is redis '^TCP CRITICAL - 127\.0\.0\.1:'"$sp"': expected "\+PONG", got "-ERR \\x01 bad\\x7cx=1\\r\\n"$'
	# the '|' that came is no performance data of ours
	run metric_value 'mydaemon_check_perfdata{check="redis",label="x",unit=""}'
	assert_failure
	stop_daemon
}

@test "tcp: a server that accepts and never answers is CRITICAL at the timeout, and /health stays fast meanwhile" {
	local sp t
	sp=$(free_port)
	server hold "$sp"
	write_config "[check mute]" "tcp = 127.0.0.1:$sp" "expect = hello" \
		"timeout = 2s"
	start_daemon
	# while the probe waits, the daemon answers at once
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 \
			"http://127.0.0.1:$PORT/status")
		assert in_range "$t" 0 0.5
	done
	assert_equal "$(field mute runs)" 0
	wait_for 5 ran mute
	output_is mute "^TCP CRITICAL - 127\.0\.0\.1:$sp: no answer within 2 s$"
	assert_equal "$(field mute timeouts)" 1
	assert_equal "$(field mute state)" critical
	stop_daemon
}

@test "tcp: a Unix stream socket is OK; one that is not there is CRITICAL" {
	server hold "$T/app.sock"
	start "[check sock]" "tcp = $T/app.sock" \
		"[check nosock]" "tcp = $T/none.sock"
	output_is sock "^TCP OK - $T/app\.sock in $num ms\|time="
	output_is nosock "^TCP CRITICAL - $T/none\.sock: No such file or directory$"
	stop_daemon
}

@test "http: nginx's 200 is OK with time and size as perfdata" {
	local np
	np=$(free_port)
	nginx_start "$np"
	start "[check web]" "http = http://127.0.0.1:$np/healthz" \
		"critical = 3s"
	output_is web "^HTTP OK - 127\.0\.0\.1:$np/healthz 200 OK in $num ms\|time=${num}s;;3;0;5 size=3B$"
	assert_equal "$(health_of /health/web)" "200 ok"
	run metric_value 'mydaemon_check_perfdata{check="web",label="size",unit="bytes"}'
	assert_output 3
	run metric_value 'mydaemon_check_perfdata{check="web",label="time",unit="seconds"}'
	assert_success
	stop_daemon
}

@test "http: a status outside expect_status is CRITICAL naming it, in /status and /health/NAME" {
	local np
	np=$(free_port)
	nginx_start "$np"
	start "[check web]" "http = http://127.0.0.1:$np/fail" \
		"[check bad_gw]" "http = http://127.0.0.1:$np/gone" \
		"expect_status = 200, 500-502" \
		"[check only_201]" "http = http://127.0.0.1:$np/healthz" \
		"expect_status = 201"
	output_is web "^HTTP CRITICAL - 127\.0\.0\.1:$np/fail answered 500 Internal Server Error$"
	assert_equal "$(health_of /health/web)" \
		"503 critical: HTTP CRITICAL - 127.0.0.1:$np/fail answered 500 Internal Server Error"
	output_is bad_gw "^HTTP OK - 127\.0\.0\.1:$np/gone 502 Bad Gateway in "
	output_is only_201 "^HTTP CRITICAL - 127\.0\.0\.1:$np/healthz answered 200 OK$"
	stop_daemon
}

@test "http: a second mydaemon whose check fails answers 503, OK only with expect_status = 503" {
	local p2
	p2=$(free_port)
	mkdir -p "$T/two"
	printf '#!/bin/sh\necho "DB CRITICAL - down"\nexit 2\n' > "$T/two/down"
	chmod 755 "$T/two/down"
	printf '%s\n' "listen = 127.0.0.1:$p2" "pidfile = $T/two/pid" \
		"log_file = $T/two/log" "check_command = $T/two/down" \
		> "$T/two.conf"
	run "$MYDAEMON" -c "$T/two.conf"
	assert_success
	remember_pid "$(cat "$T/two/pid")"
	wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$p2/status"
	start "[check peer]" "http = http://127.0.0.1:$p2/health" \
		"[check peer_down]" "http = http://127.0.0.1:$p2/health" \
		"expect_status = 503" "expect_body = critical"
	wait_for 5 output_is peer "answered 503 Service Unavailable$"
	wait_for 5 output_is peer_down "^HTTP OK - 127\.0\.0\.1:$p2/health 503 Service Unavailable in "
	stop_daemon
	stop_daemon "$(cat "$T/two/pid")"
}

@test "http: expect_body found is OK; missing is CRITICAL quoting the body" {
	local np
	np=$(free_port)
	nginx_start "$np"
	start "[check yes]" "http = http://127.0.0.1:$np/healthz" \
		"expect_body = ok" \
		"[check no]" "http = http://127.0.0.1:$np/healthz" \
		"expect_body = ready"
	output_is yes "^HTTP OK - 127\.0\.0\.1:$np/healthz 200 OK in "
	output_is no '^HTTP CRITICAL - 127\.0\.0\.1:'"$np"'/healthz 200 OK without "ready" in the body: "ok\\n"$'
	stop_daemon
}

@test "http: host_header is the Host nginx sees; by default HOST:PORT of the URL" {
	local np
	np=$(free_port)
	nginx_start "$np"
	start "[check named]" "http = http://127.0.0.1:$np/host" \
		"host_header = health.example" "expect_body = host=health.example" \
		"[check plain]" "http = http://127.0.0.1:$np/host" \
		"expect_body = host=127.0.0.1"
	output_is named "^HTTP OK - "
	output_is plain "^HTTP OK - "
	stop_daemon
}

@test "http: the request is a GET with Host, User-Agent and Connection: close" {
	local sp
	sp=$(free_port)
	server answer "$sp" "$(hex 'HTTP/1.1 204 No Content\r\n\r\n')"
	start "[check api]" "http = http://127.0.0.1:$sp/v1/ping?x=1"
	output_is api "^HTTP OK - 127\.0\.0\.1:$sp/v1/ping\?x=1 204 No Content in .* size=0B$"
	run cat "$T/request"
	assert_output "$(printf 'GET /v1/ping?x=1 HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: mydaemon/%s\r\nConnection: close\r\n\r\n' "$sp" "$MYDAEMON_VERSION")"
	stop_daemon
}

@test "http: a chunked answer with extensions and trailers is read whole, body text across chunks" {
	local sp
	sp=$(free_port)
	server answer "$sp" "$(hex 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6;a=b\r\nstatus\r\n4\r\n: up\r\n0\r\nX-Trailer: 1\r\n\r\n')"
	start "[check chunky]" "http = http://127.0.0.1:$sp/" \
		"expect_body = status: up"
	output_is chunky "^HTTP OK - 127\.0\.0\.1:$sp/ 200 OK in .* size=10B$"
	stop_daemon
}

@test "http: a hostile answer reaches the output escaped and writes no perfdata" {
	local sp
	sp=$(free_port)
	server answer "$sp" "$(hex 'HTTP/1.1 500 B\377d|evil=1\r\nContent-Length: 0\r\n\r\n')"
	start "[check evil]" "http = http://127.0.0.1:$sp/"
	output_is evil '^HTTP CRITICAL - 127\.0\.0\.1:'"$sp"'/ answered 500 B\\xffd\\x7cevil=1$'
	run metric_value 'mydaemon_check_perfdata{check="evil",label="evil",unit=""}'
	assert_failure
	stop_daemon
}

@test "http: another protocol, and an answer cut short, are CRITICAL" {
	local sp sp2
	sp=$(free_port)
	server banner "$sp" "$(hex 'SSH-2.0-OpenSSH_9.2\r\n')"
	sp2=$(free_port)
	server answer "$sp2" "$(hex 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')"
	start "[check ssh]" "http = http://127.0.0.1:$sp/" \
		"[check cut]" "http = http://127.0.0.1:$sp2/"
	output_is ssh '^HTTP CRITICAL - 127\.0\.0\.1:'"$sp"'/: malformed answer \(not an HTTP/1\.x status line\): "S"$'
	output_is cut "^HTTP CRITICAL - 127\.0\.0\.1:$sp2/: answer cut short$"
	stop_daemon
}

@test "http: no answer within the timeout is CRITICAL and counted as a timeout" {
	local sp
	sp=$(free_port)
	server hold "$sp"
	write_config "[check mute]" "http = http://127.0.0.1:$sp/" "timeout = 1s"
	start_daemon
	wait_for 5 ran mute
	output_is mute "^HTTP CRITICAL - 127\.0\.0\.1:$sp/: no answer within 1 s$"
	assert_equal "$(field mute timeouts)" 1
	assert_equal "$(health_of /health/mute)" \
		"503 critical: HTTP CRITICAL - 127.0.0.1:$sp/: no answer within 1 s"
	stop_daemon
}

@test "probes leave no descriptor behind: runs that time out, are refused, or are cut by a reload" {
	local sp port base
	sp=$(free_port)
	port=$(free_port)
	server hold "$sp"
	write_config "[check mute]" "http = http://127.0.0.1:$sp/" \
		"timeout = 1s" "interval = 2s" \
		"[check shut]" "tcp = 127.0.0.1:$port" "interval = 1s"
	start_daemon
	wait_for 5 ran mute
	base=$(fewest_fds)
	wait_for 10 check_runs_at_least 3 mute
	# a run in flight holds one socket, a client of ours one for a while
	wait_for 5 fds_at_most "$base"
	# a reload that changes the check while its run is in flight
	write_config "[check mute]" "http = http://127.0.0.1:$sp/" \
		"timeout = 1500ms" "interval = 2s" \
		"[check shut]" "tcp = 127.0.0.1:$port" "interval = 1s"
	wait_for 5 fds_above "$base"	# a run is in flight
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reload'
	wait_for 15 check_runs_at_least 5 mute
	wait_for 5 fds_at_most "$base"
	output_is mute "no answer within 1500 ms$"
	stop_daemon
}
