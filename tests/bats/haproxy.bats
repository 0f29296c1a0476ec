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

# server BACKEND/SERVER: "STATUS WEIGHT" from HAProxy's stats socket.
server() {
	python3 -S - "$SOCK" "$1" <<-'PY'
	import socket, sys
	s = socket.socket(socket.AF_UNIX)
	s.connect(sys.argv[1])
	s.sendall(b"show stat\n")
	data = b""
	while True:
	    c = s.recv(65536)
	    if not c:
	        break
	    data += c
	be, sv = sys.argv[2].split("/")
	for line in data.decode().splitlines():
	    f = line.split(",")
	    if len(f) > 18 and f[0] == be and f[1] == sv:
	        print(f[17], f[18])
	PY
}

# state_is BACKEND/SERVER STATUS [WEIGHT]: HAProxy says so now (STATUS
# as the first word: "DOWN (agent)" is DOWN).
state_is() {
	local got
	got=$(server "$1")
	[ "${got%% *}" = "$2" ] && { [ -z "${3:-}" ] || [ "${got##* }" = "$3" ]; }
}

# all SPEC...: each "BACKEND/SERVER STATUS [WEIGHT]" holds.
all() {
	local spec
	for spec in "$@"; do
		# shellcheck disable=SC2086 # the words of one spec
		state_is $spec || return 1
	done
}

@test "HAProxy follows the agent port and /health: UP, DRAIN within a second of -s drain, UP again after undrain" {
	wait_for 10 all "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
	t0=$(date +%s%N)
	run "$MYDAEMON" -s drain -r "kernel upgrade" -c "$CONF"
	assert_success
	wait_for 2 all "host/s1 DRAIN" "disk/s2 DRAIN" "http/s3 DOWN"
	t1=$(date +%s%N)
	assert [ $(( (t1 - t0) / 1000000 )) -lt 1000 ]
	# A drain keeps the weight: sessions already there go on.
	state_is "host/s1" DRAIN 100
	run "$MYDAEMON" -s undrain -c "$CONF"
	assert_success
	wait_for 5 all "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
}

@test "a critical check takes the server DOWN; agent-send \"disk\\n\" follows that check alone" {
	wait_for 10 all "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
	# Another check turns critical: the host is down, disk/s2 is not.
	echo 2 > "$T/web.code"
	wait_for 5 all "host/s1 DOWN" "http/s3 DOWN"
	state_is "disk/s2" UP 100
	echo 0 > "$T/web.code"
	wait_for 5 all "host/s1 UP 100" "http/s3 UP 100"
	# The disk: everyone agrees.
	echo "DISK CRITICAL - / 97%" > "$T/disk"
	echo 2 > "$T/disk.code"
	wait_for 5 all "host/s1 DOWN" "disk/s2 DOWN" "http/s3 DOWN"
	echo 0 > "$T/disk.code"
	wait_for 5 all "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
}

@test "a warning check brings the agent's weight to agent_warning_weight; /health stays 200" {
	wait_for 10 all "host/s1 UP 100" "disk/s2 UP 100" "http/s3 UP 100"
	echo "DISK WARNING - / 85%" > "$T/disk"
	echo 1 > "$T/disk.code"
	wait_for 5 all "host/s1 UP 50" "disk/s2 UP 50" "http/s3 UP 100"
	echo 0 > "$T/disk.code"
	wait_for 5 all "host/s1 UP 100" "disk/s2 UP 100"
}
