#!/usr/bin/env bats
# With the real HAProxy of Debian: servers whose agent-check asks
# mydaemon's agent port (the host's verdict, or one check's by
# agent-send) and one that polls /health, through a drain, a critical and
# a warning check.  HAProxy runs on free ports with its stats socket in
# the test's directory; the test reads the servers' state there.

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	command -v haproxy > /dev/null ||
		skip "haproxy is not installed (apt-get install haproxy)"
	common_setup
	AGENT_PORT=$(free_port)
	FRONT_PORT=$(free_port)
	SOCK=$T/haproxy.sock
	echo "DISK OK - / 40%" > "$T/disk"
	echo 0 > "$T/disk.code"
	write_config "agent_listen = 127.0.0.1:$AGENT_PORT" \
		"maintenance_file = $T/maintenance" \
		"agent_warning_weight = 50%" \
		"maintenance_status = 404" \
		"[check disk]" \
		"command = sh -c 'cat $T/disk; exit \$(cat $T/disk.code)'" \
		"interval = 50ms" \
		"[check web]" "command = sh -c 'exit \$(cat $T/web.code)'" \
		"interval = 50ms"
	echo 0 > "$T/web.code"
	start_daemon
	# The servers themselves are mydaemon's HTTP port: only their state
	# matters here, not what they would serve.  s1 and s2 have a plain
	# TCP check too, which always passes: their state is the agent's.
	cat > "$T/haproxy.cfg" <<-EOF
	global
	    stats socket $SOCK mode 600 level admin
	defaults
	    # From 127.0.0.2, which the test of allow tells from 127.0.0.1.
	    source 127.0.0.2
	    mode http
	    timeout connect 1s
	    timeout client 5s
	    timeout server 5s
	    timeout check 1s
	frontend fe
	    bind 127.0.0.1:$FRONT_PORT
	    default_backend host
	backend host
	    server s1 127.0.0.1:$PORT weight 100 check inter 200ms agent-check agent-port $AGENT_PORT agent-inter 200ms
	backend disk
	    server s2 127.0.0.1:$PORT weight 100 check inter 200ms agent-check agent-port $AGENT_PORT agent-inter 200ms agent-send "disk\n"
	backend http
	    option httpchk GET /health
	    http-check expect status 200
	    server s3 127.0.0.1:$PORT weight 100 check inter 200ms fall 1 rise 1
	backend web404
	    option httpchk GET /health/web
	    http-check disable-on-404
	    server s4 127.0.0.1:$PORT weight 100 check inter 200ms fall 1 rise 1
	backend webagent
	    server s5 127.0.0.1:$PORT weight 100 check inter 200ms agent-check agent-port $AGENT_PORT agent-inter 200ms agent-send "web\n"
	EOF
	haproxy -f "$T/haproxy.cfg" -D -p "$T/haproxy.pid" ||
		fail "haproxy did not start"
	HAPROXY_PID=$(cat "$T/haproxy.pid")
	remember_pid "$HAPROXY_PID"
}

teardown() {
	[ -z "${HAPROXY_PID:-}" ] || kill "$HAPROXY_PID" 2> /dev/null || true
	common_teardown
}

# servers_within SECS SPEC...: within SECS seconds, HAProxy's stats
# socket says every "BACKEND/SERVER STATUS [WEIGHT]" at once (STATUS as
# the first word: "DOWN (agent)" is DOWN).  One process polls the socket
# every 20 ms, so the wait costs no process start a look; what it saw
# last is said when the time runs out.
servers_within() {
	python3 -S - "$SOCK" "$@" <<-'PY'
	import socket, sys, time
	sock, limit, specs = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
	def states():
	    s = socket.socket(socket.AF_UNIX)
	    s.connect(sock)
	    s.sendall(b"show stat\n")
	    data = b""
	    while True:
	        c = s.recv(65536)
	        if not c:
	            break
	        data += c
	    s.close()
	    got = {}
	    for line in data.decode().splitlines():
	        f = line.split(",")
	        if len(f) > 18:
	            got[f[0] + "/" + f[1]] = (f[17].split(" ")[0], f[18])
	    return got
	def holds(got, spec):
	    w = spec.split()
	    st = got.get(w[0])
	    return st is not None and st[0] == w[1] and (
	        len(w) < 3 or st[1] == w[2])
	end = time.monotonic() + limit
	while True:
	    got = states()
	    if all(holds(got, spec) for spec in specs):
	        sys.exit(0)
	    if time.monotonic() >= end:
	        print("after %gs, HAProxy says %r; wanted %r" % (limit, got, specs),
	              file=sys.stderr)
	        sys.exit(1)
	    time.sleep(0.02)
	PY
}

@test "HAProxy follows the agent port and /health: UP, DRAIN within a second of -s drain, UP again after undrain" {
	servers_within 10 "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
	t0=$(date +%s%N)
	run "$MYDAEMON" -s drain -r "kernel upgrade" -c "$CONF"
	assert_success
	servers_within 2 "host/s1 DRAIN" "disk/s2 DRAIN" "http/s3 DOWN"
	t1=$(date +%s%N)
	assert [ $(( (t1 - t0) / 1000000 )) -lt 1000 ]
	# A drain keeps the weight: sessions already there go on.
	servers_within 0 "host/s1 DRAIN 100"
	run "$MYDAEMON" -s undrain -c "$CONF"
	assert_success
	servers_within 5 "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
}

@test "a critical check takes the server DOWN; agent-send \"disk\\n\" follows that check alone" {
	servers_within 10 "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
	# Another check turns critical: the host is down, disk/s2 is not.
	echo 2 > "$T/web.code"
	servers_within 5 "host/s1 DOWN" "http/s3 DOWN"
	servers_within 0 "disk/s2 UP 100"
	echo 0 > "$T/web.code"
	servers_within 5 "host/s1 UP 100" "http/s3 UP 100"
	# The disk: everyone agrees.
	echo "DISK CRITICAL - / 97%" > "$T/disk"
	echo 2 > "$T/disk.code"
	servers_within 5 "host/s1 DOWN" "disk/s2 DOWN" "http/s3 DOWN"
	echo 0 > "$T/disk.code"
	servers_within 5 "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
}

@test "a warning check brings the agent's weight to agent_warning_weight; /health stays 200" {
	servers_within 10 "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
	echo "DISK WARNING - / 85%" > "$T/disk"
	echo 1 > "$T/disk.code"
	servers_within 5 "host/s1 UP 50" "disk/s2 UP 50" "http/s3 UP 100"
	echo 0 > "$T/disk.code"
	servers_within 5 "host/s1 UP 100" "disk/s2 UP 100"
}

@test "maintenance_status = 404 and disable-on-404: a drained check's server goes NOLB (not DOWN), its agent DRAIN, the host's stay UP" {
	servers_within 10 "web404/s4 UP" "webagent/s5 UP 100" "host/s1 UP 100"
	run "$MYDAEMON" -s drain web -r deploy -c "$CONF"
	assert_success
	servers_within 3 "web404/s4 NOLB" "webagent/s5 DRAIN" \
		"host/s1 UP 100" "http/s3 UP"
	run "$MYDAEMON" -s undrain web -c "$CONF"
	assert_success
	servers_within 5 "web404/s4 UP" "webagent/s5 UP 100"
	# The host's drain: /health/web answers 404 too.
	run "$MYDAEMON" -s drain -c "$CONF"
	assert_success
	servers_within 3 "web404/s4 NOLB" "host/s1 DRAIN"
	run "$MYDAEMON" -s undrain -c "$CONF"
	assert_success
	servers_within 5 "web404/s4 UP" "host/s1 UP 100"
}

@test "under allow, the agent port and /health answer HAProxy from an allowed address and close on it from another" {
	servers_within 10 "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
	sed -i "1i allow = 127.0.0.2" "$CONF"
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reloaded \(generation 2\)'
	echo "DISK WARNING - / 85%" > "$T/disk"
	echo 1 > "$T/disk.code"
	servers_within 5 "host/s1 UP 50" "disk/s2 UP 50" "http/s3 UP 100"
	# HAProxy is now a stranger: its checks are closed, its agent too.
	sed -i "1s/.*/allow = 127.0.0.3/" "$CONF"
	kill -HUP "$DAEMON_PID"
	wait_for 5 log_has 'reloaded \(generation 3\)'
	servers_within 5 "http/s3 DOWN"
	wait_for 5 log_has 'refused a connection from 127.0.0.2: not in allow'
}
