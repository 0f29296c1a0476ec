#!/usr/bin/env bats
# Exposure (SPEC 22): allow, status_allow and health_details, from real
# addresses.  Linux routes the whole of 127.0.0.0/8 to lo, so a client
# bound to 127.0.0.2 and one bound to 127.0.0.3 are two peers the daemon
# tells apart by their address, with no namespace or root needed.

load test_helper/common

bats_require_minimum_version 1.5.0

ALLOWED=127.0.0.2
STRANGER=127.0.0.3

setup() {
	common_setup
	# Each test needs both client addresses to reach lo.
	python3 -c 'import socket
for a in ("127.0.0.2", "127.0.0.3"):
    s = socket.socket()
    s.bind((a, 0))
    s.close()' ||
		fail "cannot bind 127.0.0.2 and 127.0.0.3 on this host"
}

# from IP PATH [ARGS...]: GET PATH from source address IP; sets
# $status_code (000: no HTTP answer), $body and $curl_rc.
from() {
	local ip=$1 path=$2
	shift 2
	curl_rc=0
	status_code=$(curl -s --max-time 5 --interface "$ip" -o "$T/body" \
		-w '%{http_code}' "$@" "http://127.0.0.1:$PORT$path") ||
		curl_rc=$?
	body=$(cat "$T/body" 2> /dev/null || true)
	rm -f "$T/body"
}

# refused_total: the counter in /metrics, read from the allowed address.
refused_total() {
	from "$ALLOWED" /metrics
	awk '$1 == "mydaemon_connections_refused_total{reason=\"allow\"}" {
		print $2 }' <<< "$body"
}

# refused_is N: a condition for wait_for.
refused_is() {
	[ "$(refused_total)" = "$1" ]
}

# agent_from IP PORT [SEND]: the agent-check line the port answers a
# peer at IP, or "closed" when it closes with no line.
agent_from() {
	python3 - "$@" <<'PY'
import socket, sys
src, port = sys.argv[1], int(sys.argv[2])
send = sys.argv[3] if len(sys.argv) > 3 else ""
s = socket.socket()
s.settimeout(5)
s.bind((src, 0))
try:
    s.connect(("127.0.0.1", port))
    s.sendall(send.encode() + b"\n")
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
except (ConnectionResetError, BrokenPipeError):
    data = b""
print(data.decode().rstrip("\n") if data else "closed")
PY
}

# has_ipv6: ::1 can be bound here (as http.bats asks).
has_ipv6() {
	python3 -c 'import socket
socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null
}

# fd_count PID: open descriptors of PID.
fd_count() {
	ls "/proc/$1/fd" | wc -l
}

@test "a peer outside allow is closed at accept with no HTTP answer, and counted; one inside it is answered" {
	write_config "allow = $ALLOWED/32"
	start_daemon
	wait_for 5 refused_is 0
	from "$STRANGER" /health
	assert_equal "$status_code" 000
	# Reset or closed: curl got no answer at all.
	assert [ "$curl_rc" -eq 56 -o "$curl_rc" -eq 7 -o "$curl_rc" -eq 52 ]
	from "$STRANGER" /status
	assert_equal "$status_code" 000
	from "$ALLOWED" /health
	assert_equal "$status_code" 200
	assert_equal "$(refused_total)" 2
	# The metric has its HELP and TYPE.
	from "$ALLOWED" /metrics
	assert_regex "$body" "# TYPE mydaemon_connections_refused_total counter"
	# One log line names the peer; the next ones wait a minute.
	run grep -c "refused a connection from $STRANGER: not in allow" "$LOG"
	assert_output 1
	# 127.0.0.1 itself is not in this list.
	run curl -s --max-time 5 -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$PORT/health"
	assert_output 000
}

@test "status_allow: /status and /metrics answer 403 to other peers, /health stays open to them" {
	write_config "allow = 127.0.0.0/8" "status_allow = $ALLOWED" \
		"[check disk]" "command = echo 'DISK OK - / 40%'"
	start_daemon
	wait_for 5 health_is 200
	from "$STRANGER" /status
	assert_equal "$status_code" 403
	assert_equal "$body" Forbidden
	from "$STRANGER" /metrics
	assert_equal "$status_code" 403
	assert_equal "$body" Forbidden
	from "$STRANGER" /status -I
	assert_equal "$status_code" 403
	from "$STRANGER" /health
	assert_equal "$status_code" 200
	assert_equal "$body" ok
	from "$STRANGER" /health/disk
	assert_equal "$status_code" 200
	from "$STRANGER" /
	assert_equal "$status_code" 200
	assert_regex "$body" '^mydaemon: the health agent'
	# The status page (SPEC 23) is status_allow's, as /status is.
	from "$STRANGER" / -H 'Accept: text/html'
	assert_equal "$status_code" 403
	assert_equal "$body" Forbidden
	from "$ALLOWED" / -H 'Accept: text/html'
	assert_equal "$status_code" 200
	assert_regex "$body" 'DISK OK - / 40%'
	from "$ALLOWED" /status
	assert_equal "$status_code" 200
	assert_regex "$body" '"output":"DISK OK - / 40%'
	from "$ALLOWED" /metrics
	assert_equal "$status_code" 200
	assert_regex "$body" 'mydaemon_http_requests_total\{code="403"\} 4'
	# A 403 keeps the connection: two requests on one.
	run curl -s --max-time 5 --interface "$STRANGER" -o /dev/null \
		-o /dev/null -w '%{http_code} %{num_connects}\n' \
		"http://127.0.0.1:$PORT/status" "http://127.0.0.1:$PORT/health"
	assert_line --index 0 "403 1"
	assert_line --index 1 "200 0"
}

@test "health_details = no: no plugin output on /health, /health/NAME, health+json or the agent port; /status still has it" {
	AGENT_PORT=$(free_port)
	write_config "agent_listen = 127.0.0.1:$AGENT_PORT" \
		"health_details = no" "status_allow = $ALLOWED" \
		"[check disk]" \
		"command = sh -c 'echo \"SECRET-TOKEN disk full | /=99%;90;95\"; exit 2'"
	start_daemon
	wait_for 5 health_is 503
	for ip in "$STRANGER" "$ALLOWED"; do
		from "$ip" /health
		assert_equal "$status_code" 503
		assert_equal "$body" "critical: disk"
		from "$ip" /health/disk
		assert_equal "$status_code" 503
		assert_equal "$body" critical
		from "$ip" /health -H 'Accept: application/health+json'
		assert_equal "$status_code" 503
		refute_regex "$body" 'SECRET|observedValue'
		assert_regex "$body" '"output":"disk"'
		assert_regex "$body" '"disk":\[\{"componentId":"disk"'
		assert_equal "$(agent_from "$ip" "$AGENT_PORT")" "down #critical: disk"
		assert_equal "$(agent_from "$ip" "$AGENT_PORT" disk)" "down #critical"
	done
	from "$ALLOWED" /status
	assert_equal "$status_code" 200
	assert_regex "$body" '"health_text":"disk: SECRET-TOKEN disk full"'
	assert_regex "$body" '"output":"SECRET-TOKEN disk full'
	# The status page follows health_details: state and name only.
	from "$ALLOWED" / -H 'Accept: text/html'
	assert_equal "$status_code" 200
	assert_regex "$body" 'critical'
	refute_regex "$body" 'SECRET'
	# The log is the administrator's: it keeps the output.
	log_has 'health: unknown -> critical: disk: SECRET-TOKEN'
}

@test "the agent port closes peers outside allow too, and answers those in it" {
	AGENT_PORT=$(free_port)
	write_config "agent_listen = 127.0.0.1:$AGENT_PORT" \
		"allow = $ALLOWED" "[check disk]" "command = echo fine"
	start_daemon
	wait_for 5 health_is 000	# 127.0.0.1 is not allowed either
	assert_equal "$(agent_from "$ALLOWED" "$AGENT_PORT")" "up ready 100%"
	assert_equal "$(agent_from "$STRANGER" "$AGENT_PORT")" closed
	assert_equal "$(refused_total)" 2
}

@test "IPv6: listen [::1] with allow = ::1 answers; with only an IPv4 entry it closes" {
	has_ipv6 || skip "no IPv6 loopback (::1) on this host"
	write_config "listen = [::1]:$PORT" "allow = ::1"
	start_daemon
	run curl -s --max-time 5 -g -o /dev/null -w '%{http_code}' \
		"http://[::1]:$PORT/health"
	assert_output 200
	stop_daemon
	write_config "listen = [::1]:$PORT" "allow = 127.0.0.1/32"
	start_daemon
	run curl -s --max-time 5 -g -o /dev/null -w '%{http_code}' \
		"http://[::1]:$PORT/health"
	assert_output 000
	log_has 'refused a connection from ::1: not in allow'
}

@test "dual-stack [::] (a socket systemd passes): IPv4 peers match IPv4 entries as IPv4-mapped addresses" {
	has_ipv6 || skip "no IPv6 loopback (::1) on this host"
	command -v systemd-socket-activate > /dev/null ||
		skip "no systemd-socket-activate (apt-get install systemd)"
	[ "$(cat /proc/sys/net/ipv6/bindv6only)" = 0 ] ||
		skip "net.ipv6.bindv6only is set: no dual-stack socket here"
	# The daemon's own [::] sockets are IPv6 only (so that 0.0.0.0 can
	# be bound beside them); one systemd binds is dual-stack by default.
	write_config "listen = [::]:$PORT" "allow = $ALLOWED/32, ::1"
	systemd-socket-activate -l "[::]:$PORT" \
		"$MYDAEMON" -f -c "$CONF" 2> "$T/stderr" &
	DAEMON_PID=$!
	remember_pid "$DAEMON_PID"
	wait_for 5 grep -q "Listening on" "$T/stderr"
	from "$ALLOWED" /health
	assert_equal "$status_code" 200
	from "$STRANGER" /health
	assert_equal "$status_code" 000
	run curl -s --max-time 5 -g -o /dev/null -w '%{http_code}' \
		"http://[::1]:$PORT/health"
	assert_output 200
	assert_equal "$(refused_total)" 1
	log_has "refused a connection from ::ffff:$STRANGER: not in allow"
	stop_daemon
}

@test "SIGHUP applies new lists to new connections at once; a bad reload keeps the old ones" {
	write_config "allow = $ALLOWED" "status_allow = $ALLOWED"
	start_daemon
	from "$STRANGER" /health
	assert_equal "$status_code" 000
	write_config "allow = $ALLOWED, $STRANGER" "status_allow = $STRANGER"
	kill -HUP "$DAEMON_PID"
	from_stranger_ok() {
		from "$STRANGER" /health
		[ "$status_code" = 200 ]
	}
	wait_for 5 from_stranger_ok
	from "$STRANGER" /status
	assert_equal "$status_code" 200
	from "$ALLOWED" /status
	assert_equal "$status_code" 403
	# A bad list: the reload fails whole, the lists stay as they were.
	write_config "allow = 10.0.0.0/33" "status_allow = banana"
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reload failed: .*allow: invalid prefix length'
	from "$STRANGER" /status
	assert_equal "$status_code" 200
	from "$ALLOWED" /status
	assert_equal "$status_code" 403
	from "$ALLOWED" /health
	assert_equal "$status_code" 200
	run curl -s --max-time 5 -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$PORT/health"
	assert_output 000
}

@test "-t reports bad entries with file and line, and a prefix with host bits as a warning" {
	printf '%s\n' "listen = 127.0.0.1:$PORT" "allow = 10.0.0.0/33" \
		"status_allow = banana" "allow = 1.2.3.4/" "allow = ::1/129" \
		"allow = 10.0.0.1,,10.0.0.2" "health_details = maybe" \
		> "$CONF"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "$CONF:2: allow: invalid prefix length (expected 0-32) in \"10.0.0.0/33\""
	assert_equal "${stderr_lines[1]}" "$CONF:3: status_allow: not an IPv4 or IPv6 address in \"banana\""
	assert_equal "${stderr_lines[2]}" "$CONF:4: allow: no prefix length after '/' in \"1.2.3.4/\""
	assert_equal "${stderr_lines[3]}" "$CONF:5: allow: invalid prefix length (expected 0-128) in \"::1/129\""
	assert_equal "${stderr_lines[4]}" "$CONF:6: allow: empty entry"
	assert_regex "${stderr_lines[5]}" "^$CONF:7: health_details: invalid value \"maybe\""
	printf '%s\n' "allow =" > "$CONF"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	assert_regex "$stderr" "^$CONF:1: allow: missing value"
	printf '%s\n' "listen = 127.0.0.1:$PORT" "pidfile = $PIDFILE" \
		"allow = 127.0.0.1" "allow = 10.1.2.3/8" > "$CONF"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_success
	assert_equal "$stderr" "$CONF:4: warning: allow: \"10.1.2.3/8\" has host bits set: taken as 10.0.0.0/8"
	assert_equal "$output" "mydaemon: configuration $CONF is valid"
}

@test "a flood of 2,000 refused connections costs no descriptor or memory, and the allowed client is still answered" {
	write_config "allow = $ALLOWED" "max_connections = 4"
	start_daemon
	from "$ALLOWED" /health
	assert_equal "$status_code" 200
	assert_equal "$(refused_total)" 0	# and /metrics' buffer
	fds=$(fd_count "$DAEMON_PID")
	rss=$(proc_field "$DAEMON_PID" VmRSS | awk '{ print $1 }')
	python3 - "$STRANGER" "$PORT" <<'PY'
import socket, sys
src, port = sys.argv[1], int(sys.argv[2])
for _ in range(2000):
    s = socket.socket()
    s.bind((src, 0))
    try:
        s.connect(("127.0.0.1", port))
        s.send(b"GET /status HTTP/1.0\r\n\r\n")
    except OSError:
        pass
    s.close()
PY
	wait_for 10 refused_is 2000
	from "$ALLOWED" /health
	assert_equal "$status_code" 200
	assert_equal "$(fd_count "$DAEMON_PID")" "$fds"
	now=$(proc_field "$DAEMON_PID" VmRSS | awk '{ print $1 }')
	echo "# VmRSS before ${rss} kB, after ${now} kB" >&3
	assert [ "$now" -le $((rss + 256)) ]
	run grep -c "refused a connection" "$LOG"
	assert_output 1
}
