#!/usr/bin/env bats
# Maintenance mode: `maintenance = yes` and a reload drain the host
# (/health 503 "maintenance") at once; `no` and a reload bring it back.

load test_helper/common

# reload: `mydaemon -s reload`, which must report the config applied.
reload() {
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
}

@test "maintenance = yes and a reload make /health answer 503 maintenance at once" {
	write_config
	start_daemon
	assert_health 200 ok
	assert_equal "$(status_value maintenance.active)" false
	assert_equal "$(metric_value mydaemon_maintenance)" 0

	write_config "maintenance = yes"
	reload
	# No polling: once -s reload has returned 0 the daemon has switched.
	assert_health 503 maintenance
	run curl -s --max-time 5 -I "http://127.0.0.1:$PORT/health"
	assert_line --index 0 --regexp '^HTTP/1\.1 503 '
	assert_equal "$(status_value maintenance.active)" true
	assert_equal "$(metric_value mydaemon_maintenance)" 1
	assert_equal "$(metric_value mydaemon_healthy)" 0
	stop_daemon
}

@test "maintenance = no and a reload bring /health back to 200 ok at once" {
	write_config "maintenance = yes"
	start_daemon
	assert_health 503 maintenance
	assert_equal "$(status_value maintenance.active)" true

	write_config "maintenance = no"
	reload
	assert_health 200 ok
	assert_equal "$(status_value maintenance.active)" false
	assert_equal "$(metric_value mydaemon_maintenance)" 0
	assert_equal "$(metric_value mydaemon_healthy)" 1
	stop_daemon
}

@test "maintenance wins over a critical check, which shows again when maintenance ends" {
	check="check_command = /bin/sh -c 'echo DISK CRITICAL - /var is full; exit 2'"
	write_config "$check"
	start_daemon
	wait_for 5 health_is 503 "critical: DISK CRITICAL - /var is full"

	write_config "$check" "maintenance = yes"
	reload
	assert_health 503 maintenance
	# /status says what /health says, and still tells the checks' own
	# verdict, as /metrics does.
	run status_value health checks_health maintenance.active \
		maintenance.source
	assert_output "$(printf '%s\n' maintenance critical true config)"
	assert_equal "$(metric_value 'mydaemon_health_state{state="critical"}')" 1
	assert_equal "$(metric_value mydaemon_maintenance)" 1
	assert_equal "$(metric_value mydaemon_healthy)" 0

	write_config "$check" "maintenance = no"
	reload
	assert_health 503 "critical: DISK CRITICAL - /var is full"
	stop_daemon
}

@test "maintenance wins over a warning check, which alone would answer 200" {
	# /bin/false exits 1: WARNING for a Nagios plugin.
	write_config "check_command = /bin/false"
	start_daemon
	is_warning() {
		http_get /health
		[ "$status_code" = 200 ] && [ "${body%%:*}" = warning ]
	}
	wait_for 5 is_warning

	write_config "check_command = /bin/false" "maintenance = yes"
	reload
	assert_health 503 maintenance
	run status_value health checks_health
	assert_output "$(printf '%s\n' maintenance warning)"
	stop_daemon
}

@test "maintenance wins over a check that has not answered yet" {
	write_config "check_command = /bin/sleep 30" "check_timeout = 20s" \
		"maintenance = yes"
	start_daemon
	assert_health 503 maintenance
	run status_value health checks_health
	assert_output "$(printf '%s\n' maintenance unknown)"

	write_config "check_command = /bin/sleep 30" "check_timeout = 20s"
	reload
	assert_health 503 "unknown: no check result yet"
	stop_daemon
}
