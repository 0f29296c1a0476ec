#!/usr/bin/env bats
# Start-up: the daemon(7) SysV steps and the readiness report.

load test_helper/common

@test "the daemon is ready when the starter exits 0 and serves /health" {
	write_config
	start_daemon
	assert [ -n "$DAEMON_PID" ]
	http_get /health
	assert_equal "$status_code" 200
	assert_equal "$body" ok
	stop_daemon
}

@test "the daemon is not a session leader, has no tty and is not our child" {
	write_config
	start_daemon
	read -r -a f < <(sed 's/^.*) //' "/proc/$DAEMON_PID/stat")
	# fields after the comm: state ppid pgrp session tty_nr
	assert [ "${f[3]}" != "$DAEMON_PID" ]	# session id is not its pid
	assert_equal "${f[4]}" 0			# no controlling tty
	assert [ "${f[1]}" != "$$" ]		# re-parented away from us
	stop_daemon
}

@test "stdio is /dev/null, cwd is / and umask is 027" {
	write_config
	start_daemon
	for fd in 0 1 2; do
		assert_equal "$(readlink "/proc/$DAEMON_PID/fd/$fd")" /dev/null
	done
	assert_equal "$(readlink "/proc/$DAEMON_PID/cwd")" /
	assert_equal "$(proc_field "$DAEMON_PID" Umask)" 0027
	stop_daemon
}

@test "no descriptor of the starter leaks into the daemon" {
	write_config
	exec 7> "$T/leak-me"
	start_daemon
	exec 7>&-
	run ls -l "/proc/$DAEMON_PID/fd"
	refute_output --partial leak-me
	n=$(ls "/proc/$DAEMON_PID/fd" | wc -l)
	assert [ "$n" -le 12 ]
	stop_daemon
}

@test "the daemon does not inherit the environment" {
	write_config
	SECRET_TOKEN=hunter2 LD_LIBRARY_PATH=/nowhere run "$MYDAEMON" -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	run bash -c "tr '\\0' '\\n' < /proc/$DAEMON_PID/environ"
	refute_output --partial SECRET_TOKEN
	refute_output --partial LD_LIBRARY_PATH
	refute_output --partial hunter2
	# The inherited block is wiped: not a single variable is visible.
	refute_output --partial =
	stop_daemon
}

@test "signal dispositions and mask are reset, SIGPIPE is ignored" {
	write_config
	# Start from a shell that ignores SIGHUP and blocks nothing special:
	# the daemon must still catch SIGHUP itself.
	run bash -c "trap '' HUP USR1; exec \"$MYDAEMON\" -c \"$CONF\""
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert_equal "$(proc_field "$DAEMON_PID" SigBlk)" 0000000000000000
	# SIGPIPE (13) is the one signal ignored: not SIGHUP, not SIGUSR1,
	# nor anything else a parent left ignored.
	assert_equal "$(proc_field "$DAEMON_PID" SigIgn)" 0000000000001000
	stop_daemon
}

@test "a busy port fails the start with the reason and leaves nothing" {
	python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
open(sys.argv[2], "w").close(); time.sleep(30)' "$PORT" "$T/bound" &
	holder=$!
	remember_pid "$holder"
	wait_for 5 test -e "$T/bound"
	write_config
	run "$MYDAEMON" -c "$CONF"
	assert_failure
	assert_output "mydaemon: cannot listen on 127.0.0.1:$PORT: Address already in use"
	assert [ ! -e "$PIDFILE" ]
	run pgrep -f "mydaemon -c $CONF"
	assert_failure
	kill "$holder"
	wait_gone "$holder"
}

@test "mydaemon && echo started never prints started for a failed start" {
	write_config "log_level = shout"
	run bash -c "\"$MYDAEMON\" -c \"$CONF\" && echo started"
	assert_failure
	refute_output --partial started
	assert_output --partial "$CONF:4: log_level"
}

@test "a failure after forking is reported by the starter" {
	write_config "log_file = $T/no/such/dir/mydaemon.log"
	run "$MYDAEMON" -c "$CONF"
	assert_failure
	assert_output --partial "cannot open log file $T/no/such/dir/mydaemon.log"
	assert [ ! -e "$PIDFILE" ]
	run pgrep -f "mydaemon -c $CONF"
	assert_failure
}

@test "-f stays in the foreground as our child and logs to stderr" {
	write_config
	sed -i '/^log_file/d' "$CONF"
	"$MYDAEMON" -f -c "$CONF" 2> "$T/stderr" &
	pid=$!
	remember_pid "$pid"
	wait_for 5 health_is 200
	assert_equal "$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f2)" "$$"
	assert_equal "$(cat "$PIDFILE")" "$pid"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	run cat "$T/stderr"
	assert_output --regexp "mydaemon\\[$pid\\]: notice: mydaemon .* started"
	assert [ ! -e "$PIDFILE" ]
}

@test "-p none runs without a pidfile" {
	write_config
	"$MYDAEMON" -f -p none -c "$CONF" &
	pid=$!
	remember_pid "$pid"
	wait_for 5 health_is 200
	assert [ ! -e "$PIDFILE" ]
	assert [ ! -e "$STATEFILE" ]
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
}

@test "SIGTERM stops an idle daemon in well under a second" {
	write_config
	start_daemon
	start=$(date +%s%N)
	kill -TERM "$DAEMON_PID"
	wait_gone "$DAEMON_PID" 1
	end=$(date +%s%N)
	assert [ $(( (end - start) / 1000000 )) -lt 500 ]
	assert [ ! -e "$PIDFILE" ]
	assert [ ! -e "$STATEFILE" ]
	log_has 'notice: exiting'
}

@test "SIGINT is a clean shutdown too" {
	write_config
	start_daemon
	kill -INT "$DAEMON_PID"
	wait_gone "$DAEMON_PID"
	assert [ ! -e "$PIDFILE" ]
	log_has 'received SIGINT, shutting down'
}

# start_held_in_bind: a start whose daemon strace holds in bind() for
# 0.5 s (after its pidfile, before it is ready); $starter is the starting
# process (its output in $T/out), $pid the daemon.
start_held_in_bind() {
	command -v strace >/dev/null || skip "strace is not installed"
	# The daemon exits while traced, which LeakSanitizer cannot handle.
	! nm "$MYDAEMON" 2>/dev/null | grep -q __asan_init ||
		skip "LeakSanitizer does not work under ptrace (ASan build)"
	write_config
	strace -f -qq -o /dev/null -e trace=bind \
		-e inject=bind:delay_enter=500000 \
		"$MYDAEMON" -c "$CONF" > "$T/out" 2>&1 &
	starter=$!
	remember_pid "$starter"
	wait_for 5 test -s "$PIDFILE"
	pid=$(cat "$PIDFILE")
	remember_pid "$pid"
}

@test "a SIGTERM during start-up makes the start fail, never report started" {
	start_held_in_bind
	kill -TERM "$pid"
	rc=0
	wait "$starter" || rc=$?
	assert_equal "$rc" 1
	run cat "$T/out"
	assert_output --partial "stopped by a signal during start-up"
	wait_gone "$pid"
	assert [ ! -e "$PIDFILE" ]
}

@test "a stop during start-up takes its turn: the start exits 0 (it started), then the stop exits 0, and nothing runs" {
	start_held_in_bind
	run "$MYDAEMON" -s stop -c "$CONF" -p "$PIDFILE"
	assert_success
	rc=0
	wait "$starter" || rc=$?
	assert_equal "$rc" 0
	run cat "$T/out"
	refute_output --partial "stopped by a signal"
	wait_gone "$pid"
	assert [ ! -e "$PIDFILE" ]
	log_has 'received SIGTERM, shutting down'
}
