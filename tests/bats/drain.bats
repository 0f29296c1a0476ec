#!/usr/bin/env bats
# Maintenance with one command: -s drain [-r REASON] and -s undrain, the
# maintenance file they keep, and the agent-check port's own line and
# limits.  (HAProxy itself is haproxy.bats'.)

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	common_setup
	MAINT=$T/lib/maintenance
	mkdir -p "$T/lib"
	AGENT_PORT=$(free_port)
}

# config_with [LINE...]: this test's config with the maintenance file and
# the agent port, plus LINEs.
config_with() {
	write_config "maintenance_file = $MAINT" \
		"agent_listen = 127.0.0.1:$AGENT_PORT" "$@"
}

drain() {
	run "$MYDAEMON" -s drain -c "$CONF" "$@"
}

undrain() {
	run "$MYDAEMON" -s undrain -c "$CONF"
}

@test "-s drain -r REASON: /health answers 503 maintenance as soon as it returns; /status and the log say why and since when" {
	config_with
	start_daemon
	assert_health 200 ok
	t0=$(date +%s)
	drain -r "kernel upgrade"
	assert_success
	assert_output "mydaemon: drained: kernel upgrade (/health answers 503 maintenance)"
	# No wait: once -s drain has returned the daemon serves it.
	assert_health 503 maintenance
	assert_equal "$(agent_line "$AGENT_PORT")" 'drain\n'
	run status_value health maintenance.active maintenance.source \
		maintenance.reason
	assert_output "$(printf '%s\n' maintenance true drain "kernel upgrade")"
	since=$(json_value maintenance.since)
	assert in_range "$since" "$t0" "$((t0 + 5))"
	assert log_has 'notice: maintenance: drained: kernel upgrade'
	assert_equal "$(stat -c '%a %U' "$MAINT")" "644 $(id -un)"
	assert_equal "$(find "$T/lib" -name '*.tmp')" ""
	undrain
	assert_success
	assert_output "mydaemon: drain ended"
	assert_health 200 ok
	assert [ ! -e "$MAINT" ]
	assert log_has 'notice: maintenance: drain ended'
	assert_equal "$(status_value maintenance.active)" false
	stop_daemon
}

@test "a drain outlives a restart, and the config's maintenance and a drain add up" {
	config_with
	start_daemon
	drain -r "disk swap"
	assert_success
	stop_daemon
	start_daemon
	assert_health 503 maintenance
	assert_equal "$(status_value maintenance.reason)" "disk swap"
	config_with "maintenance = yes"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	assert_equal "$(status_value maintenance.source)" "config+drain"
	undrain
	assert_success
	assert_health 503 maintenance
	assert_equal "$(status_value maintenance.source)" config
	stop_daemon
}

@test "with nothing running, drain records it, exits 7, and the next start is drained" {
	config_with
	drain -r later
	assert_failure 7
	assert_output "mydaemon: not running; the drain is recorded in $MAINT"
	assert [ -f "$MAINT" ]
	start_daemon
	assert_health 503 maintenance
	stop_daemon
	undrain
	assert_failure 7
	assert [ ! -e "$MAINT" ]
}

@test "drain works with a broken configuration on disk, and with listen = none" {
	config_with "listen = none"
	start_daemon
	echo "this is no configuration" >> "$CONF"
	drain -r "half edited"
	assert_success
	assert_equal "$(state_field drained)" 1
	assert [ -f "$MAINT" ]
	# The agent port answers it even with no HTTP at all.
	assert_equal "$(agent_line "$AGENT_PORT")" 'drain\n'
	undrain
	assert_success
	assert_equal "$(agent_line "$AGENT_PORT")" 'up ready 100%\n'
	stop_daemon
}

@test "a maintenance file that is a symlink or a hard link is never written through or trusted" {
	config_with
	start_daemon
	echo precious > "$T/precious"
	ln -s "$T/precious" "$MAINT"
	drain -r x
	# The record is new, in place of the link: the target is untouched.
	assert_success
	assert_equal "$(cat "$T/precious")" precious
	assert [ ! -L "$MAINT" ]
	rm -f "$MAINT"
	ln "$T/precious" "$MAINT"
	kill -USR2 "$DAEMON_PID"
	wait_for 5 log_has "maintenance file $MAINT: taken as a drain"
	assert_health 503 maintenance
	stop_daemon
}

@test "a user who may not write the maintenance file gets exit 4 and nothing changes" {
	can_be_nobody || skip "needs root and user nobody"
	config_with
	start_daemon
	open_to_nobody "$T" "$T/run" "$T/log" "$T/lib"
	chmod a+r "$CONF"
	run setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$MYDAEMON" -s drain -c "$CONF"
	assert_failure 4
	assert_output --partial "Permission denied"
	assert_health 200 ok
	stop_daemon
}

@test "the agent port: the host's verdict, one check's by agent-send, and a name it does not know" {
	write_config "agent_listen = 127.0.0.1:$AGENT_PORT" \
		"agent_warning_weight = 40%" \
		"[check disk]" "command = sh -c 'cat $T/disk; exit \$(cat $T/disk.code)'" \
		"interval = 50ms" "[check load]" "command = true"
	echo "DISK OK" > "$T/disk"
	echo 0 > "$T/disk.code"
	start_daemon
	wait_for 5 health_is 200 ok
	assert_equal "$(agent_line "$AGENT_PORT")" 'up ready 100%\n'
	assert_equal "$(agent_line "$AGENT_PORT" 'load\n')" 'up ready 100%\n'
	assert_equal "$(agent_line "$AGENT_PORT" 'nope\n')" 'down #no such check: nope\n'
	echo "DISK WARNING - 85%" > "$T/disk"
	echo 1 > "$T/disk.code"
	wait_for 5 health_is 200 "warning: disk: DISK WARNING - 85%"
	assert_equal "$(agent_line "$AGENT_PORT")" 'up ready 40%\n'
	printf 'DISK CRITICAL - \303\251 / 97%%\n' > "$T/disk"
	echo 2 > "$T/disk.code"
	wait_for 5 health_is 503 "critical: disk: DISK CRITICAL - é / 97%"
	assert_equal "$(agent_line "$AGENT_PORT")" 'down #critical: disk: DISK CRITICAL - ?? / 97%\n'
	assert_equal "$(agent_line "$AGENT_PORT" 'disk\r\n')" 'down #critical: DISK CRITICAL - ?? / 97%\n'
	assert_equal "$(agent_line "$AGENT_PORT" 'load\n')" 'up ready 100%\n'
	stop_daemon
}

@test "the agent port waits for no one: a silent peer gets its line, a flood gets its line and a close" {
	write_config "agent_listen = 127.0.0.1:$AGENT_PORT" "max_connections = 4"
	start_daemon
	run python3 - "$AGENT_PORT" "$PORT" <<-'PY'
	import socket, sys, time
	port, http = int(sys.argv[1]), int(sys.argv[2])
	# Ten that connect and say nothing: each is answered at once anyway.
	t0 = time.monotonic()
	silent = [socket.create_connection(("127.0.0.1", port)) for i in range(10)]
	for s in silent:
	    s.settimeout(2)
	    assert s.recv(100) == b"up ready 100%\n"
	print("silent answered within %s" % ("1s" if time.monotonic() - t0 < 1 else "more"))
	# One that sends a megabyte without a newline.
	f = socket.create_connection(("127.0.0.1", port))
	f.settimeout(3)
	try:
	    f.sendall(b"x" * (1 << 20))
	except (BrokenPipeError, ConnectionResetError):
	    pass
	data = b""
	try:
	    while True:
	        c = f.recv(4096)
	        if not c:
	            break
	        data += c
	except ConnectionResetError:
	    data += b"<reset>"
	print(repr(data))
	# And HTTP still answers meanwhile.
	h = socket.create_connection(("127.0.0.1", http), timeout=2)
	h.sendall(b"GET /health HTTP/1.0\r\n\r\n")
	print(h.recv(100).split(b"\r\n")[0].decode())
	PY
	assert_success
	assert_output "silent answered within 1s
b'down #no such check: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n'
HTTP/1.1 200 OK"
	assert alive "$DAEMON_PID"
	stop_daemon
}

@test "agent_listen is re-bound on reload like listen" {
	write_config "agent_listen = 127.0.0.1:$AGENT_PORT"
	start_daemon
	assert_equal "$(agent_line "$AGENT_PORT")" 'up ready 100%\n'
	port2=$(free_port)
	write_config "agent_listen = 127.0.0.1:$port2"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	assert_equal "$(agent_line "$port2")" 'up ready 100%\n'
	run agent_line "$AGENT_PORT"
	assert_failure
	assert log_has "stopped listening on 127.0.0.1:$AGENT_PORT"
	stop_daemon
}

@test "-s drain -d DURATION: the host's drain ends by itself, logged; /status shows until" {
	config_with
	start_daemon
	t0=$(date +%s)
	drain -d 1s -r short
	assert_success
	assert_output "mydaemon: drained: short, for 1s (/health answers 503 maintenance)"
	assert_health 503 maintenance
	until=$(status_value maintenance.until)
	assert in_range "${until%.*}" "$t0" "$((t0 + 3))"
	assert_equal "$(sed -n 's/^until=//p' "$MAINT" | cut -d. -f1)" "${until%.*}"
	wait_for 5 health_is 200
	assert log_has 'notice: drain of the host expired'
	assert_equal "$(status_value maintenance.active)" false
	stop_daemon
}

@test "-d takes a duration, and only with -s drain" {
	config_with
	drain -d soon
	assert_failure 2
	assert_output --partial 'invalid duration "soon"'
	drain -d 0
	assert_failure 2
	run "$MYDAEMON" -s undrain -d 1s -c "$CONF"
	assert_failure 2
	run "$MYDAEMON" -s status -d 1s -c "$CONF"
	assert_failure 2
	assert [ ! -e "$MAINT" ]
}

@test "a maintenance file written before -d existed (no until) is read as a drain without an end" {
	config_with
	printf 'drained=1\nsince=1700000000.000\nreason=old\n' > "$MAINT"
	start_daemon
	assert_health 503 maintenance
	run status_value maintenance.reason maintenance.until
	assert_output "$(printf '%s\n' old null)"
	stop_daemon
}
