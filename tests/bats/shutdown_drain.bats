#!/usr/bin/env bats
# SPEC 21: shutdown_drain.  A SIGTERM first tells the load balancers
# (/health 503 "shutting down", the agent port "drain") while everything
# serves, then the daemon stops as SPEC 7 says.

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	common_setup
	AGENT_PORT=$(free_port)
	write_config "agent_listen = 127.0.0.1:$AGENT_PORT" \
		"shutdown_drain = ${DRAIN:-3s}" \
		"[check web]" "command = /bin/true" "interval = 1s"
}

now_ms() {
	date +%s%3N
}

@test "SIGTERM: /health says shutting down, /status still answers, the agent port says drain, then the daemon exits" {
	start_daemon
	wait_for 5 health_is 200
	t0=$(now_ms)
	kill -TERM "$DAEMON_PID"
	wait_for 2 health_is 503 "shutting down"
	http_get /health/web
	assert_equal "$status_code" 503
	http_get /status
	assert_equal "$status_code" 200
	assert_equal "$(json_value shutting_down)" true
	assert_equal "$(agent_line "$AGENT_PORT")" 'drain\n'
	assert alive "$DAEMON_PID"
	wait_gone "$DAEMON_PID" 10
	t1=$(now_ms)
	assert [ $((t1 - t0)) -ge 2900 ]
	assert [ ! -e "$PIDFILE" ]
	assert log_has 'received SIGTERM, draining for 3000ms'
}

@test "a second SIGTERM during the shutdown drain stops at once" {
	start_daemon
	wait_for 5 health_is 200
	kill -TERM "$DAEMON_PID"
	wait_for 2 health_is 503 "shutting down"
	t0=$(now_ms)
	kill -TERM "$DAEMON_PID"
	wait_gone "$DAEMON_PID" 5
	t1=$(now_ms)
	assert [ $((t1 - t0)) -lt 1500 ]
	assert [ ! -e "$PIDFILE" ]
}

@test "-s stop waits for the shutdown drain and returns 0" {
	DRAIN=6s
	setup
	start_daemon
	t0=$(now_ms)
	# -w 1: the daemon's shutdown_drain makes the wait longer.
	run "$MYDAEMON" -s stop -w 1 -c "$CONF"
	t1=$(now_ms)
	assert_success
	assert gone "$DAEMON_PID"
	assert [ $((t1 - t0)) -ge 5900 ]
	assert [ ! -e "$PIDFILE" ]
}

@test "a restart's hand-over does no shutdown drain: the new process serves at once" {
	start_daemon
	wait_for 5 health_is 200
	old=$DAEMON_PID
	t0=$(now_ms)
	run "$MYDAEMON" -s restart -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert [ "$DAEMON_PID" != "$old" ]
	assert health_is 200
	wait_gone "$old" 5
	t1=$(now_ms)
	assert [ $((t1 - t0)) -lt 2500 ]
	stop_daemon "$DAEMON_PID"
	kill -TERM "$DAEMON_PID" 2>/dev/null || true
	wait_gone "$DAEMON_PID" 10
}

@test "SIGINT stops at once, without the shutdown drain" {
	start_daemon
	t0=$(now_ms)
	kill -INT "$DAEMON_PID"
	wait_gone "$DAEMON_PID" 5
	t1=$(now_ms)
	assert [ $((t1 - t0)) -lt 1500 ]
}
