#!/usr/bin/env bats
# SPEC 21: one check's drain (-s drain NAME, -s undrain NAME), drains that
# end by themselves (-d), and maintenance_status.  The host's own drain
# is drain.bats'.

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	common_setup
	MAINT=$T/lib/maintenance
	mkdir -p "$T/lib"
	AGENT_PORT=$(free_port)
}

# config_with [LINE...]: two checks that pass, the maintenance file and
# the agent port, then LINEs (global keys).
config_with() {
	write_config "maintenance_file = $MAINT" \
		"agent_listen = 127.0.0.1:$AGENT_PORT" "$@" \
		"[check web]" "command = /bin/true" "interval = 1s" \
		"[check db]" "command = /bin/true" "interval = 1s"
}

# check_is NAME CODE: /health/NAME answers CODE now.
check_is() {
	http_get "/health/$1"
	[ "$status_code" = "$2" ]
}

@test "a drained check answers maintenance on /health/NAME and the agent port, the host's /health stays 200" {
	config_with
	start_daemon
	wait_for 5 health_is 200
	run "$MYDAEMON" -s drain web -r "deploy 42" -c "$CONF"
	assert_success
	assert_output "mydaemon: check web drained: deploy 42 (/health/web answers 503 maintenance)"
	http_get /health/web
	assert_equal "$status_code" 503
	assert_equal "$body" maintenance
	assert check_is db 200
	assert health_is 200
	assert_equal "$(agent_line "$AGENT_PORT" 'web\n')" 'drain\n'
	assert_equal "$(agent_line "$AGENT_PORT" 'db\n')" 'up ready 100%\n'
	assert_equal "$(agent_line "$AGENT_PORT")" 'up ready 100%\n'
	run status_value maintenance.active drains.0.check drains.0.source \
		drains.0.reason drains.0.until
	assert_output "$(printf '%s\n' false web drain "deploy 42" null)"
	assert [ -f "$MAINT.check.web" ]
	assert [ ! -e "$MAINT" ]
	assert log_has 'notice: check web drained: deploy 42'
	run "$MYDAEMON" -s undrain web -c "$CONF"
	assert_success
	assert_output "mydaemon: drain of check web ended"
	assert check_is web 200
	assert [ ! -e "$MAINT.check.web" ]
	assert log_has 'notice: drain of web ended'
	assert_equal "$(status_value drains)" "[]"
	run "$MYDAEMON" -s undrain web -c "$CONF"
	assert_success
	assert_output "mydaemon: check web is not drained"
	stop_daemon
}

@test "draining a check the configuration does not have is a usage error and records nothing" {
	config_with
	start_daemon
	run "$MYDAEMON" -s drain nosuch -c "$CONF"
	assert_failure 2
	assert_output --partial 'no check "nosuch"'
	run "$MYDAEMON" -s drain ../x -c "$CONF"
	assert_failure 2
	run "$MYDAEMON" -s undrain nosuch -c "$CONF"
	assert_failure 2
	assert_equal "$(find "$T/lib" -type f)" ""
	stop_daemon
}

@test "-d ends a check's drain by itself and logs it" {
	config_with
	start_daemon
	run "$MYDAEMON" -s drain web -d 1s -c "$CONF"
	assert_success
	assert check_is web 503
	until=$(status_value drains.0.until)
	assert [ "$until" != null ]
	wait_for 5 check_is web 200
	assert log_has 'notice: drain of web expired'
	assert_equal "$(status_value drains)" "[]"
	stop_daemon
}

@test "a drain whose end passed while the daemon was stopped is over at start, and logged" {
	config_with
	start_daemon
	run "$MYDAEMON" -s drain web -d 1s -c "$CONF"
	assert_success
	stop_daemon
	# The end passes while nothing runs (a bounded wait on the clock).
	until=$(sed -n 's/^until=//p' "$MAINT.check.web")
	wait_for 5 python3 -S -c "import sys, time; sys.exit(time.time() < $until)"
	start_daemon
	assert check_is web 200
	assert log_has 'notice: drain of web expired'
	stop_daemon
}

@test "a check's drain survives -s restart and a stop and start" {
	config_with
	start_daemon
	run "$MYDAEMON" -s drain db -r kept -c "$CONF"
	assert_success
	run "$MYDAEMON" -s restart -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	assert check_is db 503
	assert_equal "$(status_value drains.0.reason)" kept
	stop_daemon
	start_daemon
	assert check_is db 503
	assert check_is web 200
	stop_daemon
}

@test "with nothing running, a check's drain is recorded and exits 7" {
	config_with
	run "$MYDAEMON" -s drain web -c "$CONF"
	assert_failure 7
	assert [ -f "$MAINT.check.web" ]
	start_daemon
	assert check_is web 503
	stop_daemon
}

@test "maintenance_status = 404: the host's drain and a check's answer 404" {
	config_with "maintenance_status = 404"
	start_daemon
	run "$MYDAEMON" -s drain web -c "$CONF"
	assert_success
	assert_output --partial "answers 404 maintenance"
	assert check_is web 404
	assert health_is 200
	assert_equal "$(agent_line "$AGENT_PORT" 'web\n')" 'drain\n'
	run "$MYDAEMON" -s drain -c "$CONF"
	assert_success
	http_get /health
	assert_equal "$status_code" 404
	assert_equal "$body" maintenance
	assert check_is db 404
	stop_daemon
}

@test "maintenance_status takes only 503 or 404" {
	config_with "maintenance_status = 500"
	run "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	assert_output --partial "503 or 404"
}
