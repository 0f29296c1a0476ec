#!/usr/bin/env bats
# HTTP limits and hostile clients: slow senders, idle connections, abrupt
# resets, max_connections, running out of descriptors, listeners across
# reloads, and the graceful drain on SIGTERM.

load test_helper/common

# Python clients that must outlive one command run in the background;
# they block SIGUSR1 and wait for it (kill -USR1) where the test says
# "go", and are stopped by PID (remember_pid covers a failing test).

# connections: the "connections" of /status (this request included).
connections() {
	http_get /status
	sed -n 's/.*"connections":\([0-9]*\).*/\1/p' <<< "$body"
}

connections_at_least() {
	[ "$(connections)" -ge "$1" ] 2>/dev/null
}

daemon_fds() {
	ls "/proc/$DAEMON_PID/fd" | wc -l
}

daemon_fds_are() {
	[ "$(daemon_fds)" -eq "$1" ]
}

now_ms() {
	date +%s%3N
}

# between LOW HIGH VALUE: LOW <= VALUE <= HIGH (decimals allowed).
between() {
	awk -v lo="$1" -v hi="$2" -v v="$3" 'BEGIN { exit !(v >= lo && v <= hi) }' ||
		fail "$3 is not between $1 and $2"
}

# refused [PORT]: a new connection to PORT is refused.
refused() {
	! (exec 9<> "/dev/tcp/127.0.0.1/${1:-$PORT}") 2> /dev/null
}

# listen_inode PORT: inode of the socket listening on 127.0.0.1:PORT.
listen_inode() {
	awk -v a="$(printf '0100007F:%04X' "$1")" \
		'$2 == a && $4 == "0A" { print $10 }' /proc/net/tcp
}

# daemon_has_socket INODE: the daemon holds that socket.
daemon_has_socket() {
	ls -l "/proc/$DAEMON_PID/fd" | grep -q "socket:\\[$1\\]"
}

# cpu_ticks PID: user + system time of PID, in clock ticks.
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# Each 100 ms pause is one debug line; the warning comes once per 10 s.
pausing_lines() {
	grep -c 'debug: pausing accept' "$LOG" || true
}

pausing_lines_at_least() {
	[ "$(pausing_lines)" -ge "$1" ]
}

# The Python code every client below shares, run as: python3 -c
# "$PYLIB$SCRIPT" ARGS.  answer(sock) reads one whole answer and returns
# (status line, lower-cased headers, body); go() waits for SIGUSR1.
PYLIB='import os, signal, socket, struct, sys, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
port = int(sys.argv[1])

def connect(p=None):
    return socket.create_connection(("127.0.0.1", p or port), timeout=5)

def answer(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("eof after %r" % buf)
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    hdrs = dict((k.strip().lower(), v.strip()) for k, v in
                (l.split(":", 1) for l in lines[1:]))
    while len(body) < int(hdrs.get("content-length", 0)):
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("eof in body")
        body += chunk
    return lines[0], hdrs, body

def go():
    signal.sigwait({signal.SIGUSR1})

def ready(path):
    open(path, "w").close()

GET = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
GET_CLOSE = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
'

@test "50 slow clients that never finish a request do not delay a normal client" {
	write_config
	start_daemon
	python3 -c "$PYLIB"'
socks = [connect() for i in range(50)]
for s in socks:
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
ready(sys.argv[2])
while True:                     # one more byte each, now and then
    for s in socks:
        s.sendall(b"z")
    time.sleep(0.2)
' "$PORT" "$T/ready" 3>&- &
	slow=$!
	remember_pid "$slow"
	wait_for 5 test -e "$T/ready"
	wait_for 5 connections_at_least 51	# all 50 accepted
	run curl -s --max-time 1 -w ' %{http_code}' "http://127.0.0.1:$PORT/health"
	assert_success
	assert_output $'ok\n 200'
	assert alive "$slow"
	kill "$slow"
	wait_gone "$slow"
	stop_daemon
}

@test "idle_timeout = 1s closes a silent and a kept-alive connection, and answers a half-sent request 408" {
	write_config "idle_timeout = 1s"
	start_daemon
	run python3 -c "$PYLIB"'
def until_eof(s, what):
    s.settimeout(10)
    try:
        data = s.recv(100)
        print("%s: %s %.2f" % (what, "closed" if not data else repr(data),
                               time.monotonic() - start))
    except ConnectionResetError:
        print(what + ": reset")

silent, kept, half = connect(), connect(), connect()
kept.sendall(GET)
print("kept answer: " + answer(kept)[0])
half.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
start = time.monotonic()
until_eof(silent, "silent")
until_eof(kept, "kept")
until_eof(half, "half")
' "$PORT"
	assert_success
	assert_line "kept answer: HTTP/1.1 200 OK"
	for what in silent kept; do
		line=$(grep "^$what: " <<< "$output")
		assert_regex "$line" "^$what: closed [0-9.]+\$"
		between 0.8 3 "${line##* }"
	done
	line=$(grep "^half: " <<< "$output")
	assert_regex "$line" "^half: b'HTTP/1.1 408 Request Timeout"
	between 0.8 3 "${line##* }"
	assert alive "$DAEMON_PID"
	stop_daemon
}

@test "500 connections reset abruptly leave the daemon serving, with no descriptor leaked" {
	write_config
	start_daemon
	before=$(daemon_fds)
	run python3 -c "$PYLIB"'
rst = struct.pack("ii", 1, 0)   # SO_LINGER on, 0 s: close() sends RST
for i in range(500):
    s = connect()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, rst)
    if i % 4 == 1:
        s.sendall(b"GET /health HTTP/1.1\r\nHo")
    elif i % 4 == 2:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 30)
    elif i % 4 == 3:
        s.sendall(GET)
        if i % 8 == 3:
            answer(s)
    s.close()
print("done")
' "$PORT"
	assert_success
	assert_output done
	wait_for 5 daemon_fds_are "$before"
	http_get /health
	assert_equal "$status_code" 200
	assert alive "$DAEMON_PID"
	stop_daemon
}

@test "at max_connections = 3 a 4th client is served at once: the connection idle the longest makes room" {
	write_config "max_connections = 3"
	start_daemon
	run python3 -c "$PYLIB"'
held = []
for i in range(3):
    s = connect()
    s.sendall(GET)
    answer(s)
    held.append(s)
    time.sleep(0.05)            # held[0] is the one idle the longest
print("3 held")
fourth = connect()
fourth.sendall(GET_CLOSE)
fourth.settimeout(2)
status, hdrs, body = answer(fourth)
print("4th: %s %r" % (status, body))
held[0].settimeout(2)
print("oldest closed: %r" % (held[0].recv(100) == b""))
for s in held[1:]:
    s.sendall(GET)
    print("kept: %s" % answer(s)[0])
' "$PORT"
	assert_success
	assert_output "3 held
4th: HTTP/1.1 200 OK b'ok\\n'
oldest closed: True
kept: HTTP/1.1 200 OK
kept: HTTP/1.1 200 OK"
	stop_daemon
}

@test "at max_connections = 3 with every connection busy, a 4th client waits until one of them is done" {
	write_config "max_connections = 3"
	start_daemon
	run python3 -c "$PYLIB"'
held = []
for i in range(3):
    s = connect()
    s.sendall(b"GET /health HTTP/1.1\r\n")      # a request in progress
    held.append(s)
time.sleep(0.2)
print("3 busy")
fourth = connect()              # the kernel completes the handshake
fourth.sendall(GET_CLOSE)
fourth.settimeout(0.5)
try:
    print("4th answered at once: %r" % fourth.recv(100))
except socket.timeout:
    print("4th waits")
held[0].sendall(b"Host: x\r\nConnection: close\r\n\r\n")
print("1st: %s" % answer(held[0])[0])
fourth.settimeout(3)
status, hdrs, body = answer(fourth)
print("4th: %s %r" % (status, body))
' "$PORT"
	assert_success
	assert_output "3 busy
4th waits
1st: HTTP/1.1 200 OK
4th: HTTP/1.1 200 OK b'ok\\n'"
	stop_daemon
}

@test "out of descriptors (EMFILE), the daemon pauses accept, stays alive and idle, then recovers" {
	write_config
	run prlimit --nofile=16:16 "$MYDAEMON" -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert_equal "$(awk '/^Max open files/ { print $4 }' "/proc/$DAEMON_PID/limits")" 16
	# 20 keep-alive clients: the daemon answers the few it can accept and
	# keeps them; the rest wait in the backlog while accept() fails.
	python3 -c "$PYLIB"'
socks = [connect() for i in range(20)]
for s in socks:
    s.sendall(GET)
ready(sys.argv[2])
go()
' "$PORT" "$T/ready" 3>&- &
	holder=$!
	remember_pid "$holder"
	wait_for 5 test -e "$T/ready"
	wait_for 5 pausing_lines_at_least 1
	ticks0=$(cpu_ticks "$DAEMON_PID")
	lines0=$(pausing_lines)
	t0=$(now_ms)
	# Ten more 100 ms pauses: about a second of retrying.
	wait_for 5 pausing_lines_at_least $((lines0 + 10))
	ticks1=$(cpu_ticks "$DAEMON_PID")
	lines1=$(pausing_lines)
	t1=$(now_ms)
	assert alive "$DAEMON_PID"
	# A busy loop would burn ~100 ticks a second; retries cost next to none.
	[ $((ticks1 - ticks0)) -lt 30 ] ||
		fail "the daemon used $((ticks1 - ticks0)) ticks in $((t1 - t0)) ms"
	# ...and it retries about every 100 ms, not in a tight loop.
	[ $(( (lines1 - lines0) * 1000 / (t1 - t0) )) -le 20 ] ||
		fail "$((lines1 - lines0)) accept retries in $((t1 - t0)) ms"
	kill -TERM "$holder"
	wait_gone "$holder"
	wait_for 5 health_is 200
	assert_equal "$body" ok
	stop_daemon
}

@test "reloads that add and remove a listener refuse none of a steady stream of requests" {
	port2=$(free_port)
	write_config
	start_daemon
	python3 -c "$PYLIB"'
ok, failed, errors = 0, 0, []
while ok + failed < 300 or not os.path.exists(sys.argv[2]):
    try:
        s = connect()
        s.sendall(GET_CLOSE)
        status = answer(s)[0]
        s.close()
        if status == "HTTP/1.1 200 OK":
            ok += 1
        else:
            failed += 1
            errors.append(status)
    except Exception as e:
        failed += 1
        errors.append(repr(e))
    if ok + failed == 10:
        ready(sys.argv[3])
with open(sys.argv[4], "w") as f:
    f.write("ok=%d failed=%d %s\n" % (ok, failed, errors[:3]))
' "$PORT" "$T/stop" "$T/started" "$T/result" 3>&- &
	client=$!
	remember_pid "$client"
	wait_for 5 test -e "$T/started"
	for i in $(seq 20); do
		case $((i % 4)) in
		1) write_config "listen = 127.0.0.1:$PORT" "listen = 127.0.0.1:$port2" ;;
		3) write_config "listen = 127.0.0.1:$port2" "listen = 127.0.0.1:$PORT" ;;
		*) write_config ;;
		esac
		run "$MYDAEMON" -s reload -c "$CONF"
		assert_success
		if [ $((i % 2)) = 1 ]; then
			http_get /health "$port2"
			assert_equal "$status_code" 200
		else
			assert refused "$port2"
		fi
	done
	touch "$T/stop"
	wait_gone "$client" 10
	run cat "$T/result"
	assert_output --regexp '^ok=[0-9]+ failed=0 '
	[ "$(sed 's/^ok=\([0-9]*\).*/\1/' "$T/result")" -ge 300 ]
	stop_daemon
}

@test "a reload whose new address cannot be bound fails as a whole and keeps serving" {
	port2=$(free_port)
	write_config
	start_daemon
	python3 -c "$PYLIB"'
s = socket.socket()
s.bind(("127.0.0.1", port))
s.listen()
ready(sys.argv[2])
go()
' "$port2" "$T/ready" 3>&- &
	holder=$!
	remember_pid "$holder"
	wait_for 5 test -e "$T/ready"
	write_config "listen = 127.0.0.1:$PORT" "listen = 127.0.0.1:$port2" \
		"maintenance = yes"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_failure 1
	assert_output --partial "127.0.0.1:$port2"
	# Nothing of the new configuration applies, maintenance included.
	http_get /health
	assert_equal "$status_code" 200
	assert_equal "$body" ok
	http_get /status
	assert_regex "$body" '"config_generation":1,'
	assert_regex "$body" '"reloads":\{"ok":0,"failed":1\}'
	log_has "reload failed: .*127\\.0\\.0\\.1:$port2"

	# Once the port is free, the same configuration applies.
	kill -TERM "$holder"
	wait_gone "$holder"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	http_get /health "$port2"
	assert_equal "$status_code" 503
	stop_daemon
}

@test "a reload that adds a listener keeps the old listening socket and its waiting clients" {
	port2=$(free_port)
	write_config "max_connections = 1"
	start_daemon
	inode=$(listen_inode "$PORT")
	assert [ -n "$inode" ]
	assert daemon_has_socket "$inode"
	# One client holds the only slot, a request in progress; a second
	# one waits in the backlog of the listening socket, where closing
	# that socket would reset it.
	python3 -c "$PYLIB"'
first, second = connect(), connect()
first.sendall(b"GET /health HTTP/1.1\r\n")
time.sleep(0.1)
second.sendall(GET_CLOSE)
ready(sys.argv[2])
go()
first.close()
second.settimeout(3)
try:
    print("second: " + answer(second)[0])
except Exception as e:
    print("second: %r" % e)
' "$PORT" "$T/ready" > "$T/client.out" 3>&- &
	client=$!
	remember_pid "$client"
	wait_for 5 test -e "$T/ready"
	write_config "max_connections = 1" "listen = 127.0.0.1:$port2" \
		"listen = 127.0.0.1:$PORT"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	assert_equal "$(listen_inode "$PORT")" "$inode"
	assert [ -n "$(listen_inode "$port2")" ]
	kill -USR1 "$client"
	wait_gone "$client"
	run cat "$T/client.out"
	assert_output "second: HTTP/1.1 200 OK"
	http_get /health "$port2"
	assert_equal "$status_code" 200
	stop_daemon
}

@test "SIGTERM closes idle connections at once and still answers a request in flight" {
	write_config
	start_daemon
	python3 -c "$PYLIB"'
busy, idle = connect(), connect()
busy.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")   # no blank line yet
idle.sendall(GET)
answer(idle)
ready(sys.argv[2])
go()
idle.settimeout(1)
print("idle: " + ("closed" if idle.recv(100) == b"" else "data"))
busy.sendall(b"\r\n")
busy.settimeout(3)
status, hdrs, body = answer(busy)
print("busy: %s, Connection: %s, body %r" % (status, hdrs["connection"], body))
print("busy then: " + ("closed" if busy.recv(100) == b"" else "data"))
' "$PORT" "$T/ready" > "$T/client.out" 3>&- &
	client=$!
	remember_pid "$client"
	wait_for 5 test -e "$T/ready"
	kill -TERM "$DAEMON_PID"
	wait_for 3 refused
	assert alive "$DAEMON_PID"	# waiting for the request in flight
	kill -USR1 "$client"
	wait_gone "$client"
	run cat "$T/client.out"
	assert_output "idle: closed
busy: HTTP/1.1 200 OK, Connection: close, body b'ok\\n'
busy then: closed"
	wait_gone "$DAEMON_PID" 3
	log_has 'exiting'
	refute log_has 'shutdown_timeout reached'
}

@test "a client that never finishes its request is cut after shutdown_timeout = 1s" {
	write_config "shutdown_timeout = 1s"
	start_daemon
	python3 -c "$PYLIB"'
s = connect()
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
ready(sys.argv[2])
s.settimeout(10)
try:
    print("closed" if s.recv(100) == b"" else "data")
except ConnectionResetError:
    print("reset")
' "$PORT" "$T/ready" > "$T/client.out" 3>&- &
	client=$!
	remember_pid "$client"
	wait_for 5 test -e "$T/ready"
	wait_for 5 connections_at_least 2	# accepted, not in the backlog
	t0=$(now_ms)
	kill -TERM "$DAEMON_PID"
	wait_gone "$DAEMON_PID" 5
	t1=$(now_ms)
	between 800 2500 $((t1 - t0))
	wait_gone "$client"
	run cat "$T/client.out"
	assert_output closed
	log_has 'shutdown_timeout reached'
}

@test "a client trickling its request one byte at a time gets 408 after idle_timeout" {
	write_config "idle_timeout = 1s"
	start_daemon
	run python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
t0 = time.monotonic()
answer = b""
for b in b"GET /health HTTP/1.1\r\nHost: x" * 10:
    s.sendall(bytes([b]))
    time.sleep(0.2)
    s.setblocking(False)
    try:
        answer = s.recv(4096)
    except BlockingIOError:
        pass
    s.setblocking(True)
    if answer:
        break
print(round(time.monotonic() - t0, 1))
print(answer.split(b"\r\n")[0].decode())' "$PORT"
	assert_success
	# Answered about 1 s after the first byte, although one came every 0.2 s.
	assert awk -v t="${lines[0]}" 'BEGIN { exit !(t < 2.5) }'
	assert_equal "${lines[1]}" "HTTP/1.1 408 Request Timeout"
	assert_equal "$(metric_value 'mydaemon_http_requests_total{code="408"}')" 1
	health_is 200
	stop_daemon
}

@test "answers queued before a Connection: close survive the client's unread junk" {
	write_config
	start_daemon
	run python3 -c 'import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
s.sendall(req * 20 + req.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
s.sendall(b"J" * 20000)
time.sleep(0.5)
s.settimeout(5)
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except ConnectionResetError:
    print("RESET")
print(data.count(b"HTTP/1.1 200 OK"))' "$PORT"
	refute_output --partial RESET
	assert_output 21
	stop_daemon
}
