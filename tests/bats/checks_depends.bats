#!/usr/bin/env bats
# SPEC 20: checks that wait for others (depends) and checks that may fail
# for a while after the start (start_grace): what runs, what /health,
# /health/NAME, /status and /metrics say, reloads and -t.

load test_helper/common

bats_require_minimum_version 1.5.0

# db: critical until $T/db-ok exists, checked every 100 ms.
db_check() {
	printf '%s\n' "[check db]" \
		"command = sh -c 'test -e $T/db-ok && echo DB OK && exit 0; echo DB CRITICAL - down; exit 2'" \
		"interval = 100ms" "$@"
}

# counted NAME [KEY=VALUE...]: a check whose every run appends a line
# to $T/NAME-runs; ok; its interval an hour unless given.
counted() {
	local name=$1
	shift
	printf '%s\n' "[check $name]" \
		"command = sh -c 'echo run >> $T/$name-runs; echo ${name^^} OK'" \
		"interval = 1h" "$@"
}

# runs_of NAME: lines in $T/NAME-runs (0 when it never ran).
runs_of() {
	if [ -e "$T/$1-runs" ]; then
		wc -l < "$T/$1-runs"
	else
		echo 0
	fi
}

runs_at_least() {
	[ "$(runs_of "$2")" -ge "$1" ]
}

# health_of PATH: "CODE BODY" of GET PATH.
health_of() {
	http_get "$1"
	printf '%s %s' "$status_code" "$body"
}

health_of_is() {
	[ "$(health_of "$1")" = "$2" ]
}

db_runs_at_least() {
	check_runs_at_least "$1" db
}

@test "a check whose dependency is critical is not run and says what it waits for" {
	write_config "$(db_check)" "$(counted app 'depends = db')"
	start_daemon
	wait_for 5 db_runs_at_least 5
	assert_equal "$(runs_of app)" 0
	assert_health 503 "critical: db: DB CRITICAL - down (+1 waiting)"
	assert_equal "$(health_of /health/app)" \
		"503 unknown: waiting for db (critical)"
	run status_value checks.1.name checks.1.state checks.1.waiting_for \
		checks.1.runs checks.0.waiting_for
	assert_output "$(printf '%s\n' app unknown db 0 null)"
	assert_equal "$(metric_value 'mydaemon_check_state{check="app",state="unknown"}')" 1
	assert_equal "$(metric_value 'mydaemon_check_state{check="db",state="critical"}')" 1
	# Still not run, however many times db ran since.
	wait_for 5 db_runs_at_least 10
	assert_equal "$(runs_of app)" 0
	log_has 'check app: waiting for db \(critical\)|check app: waiting for db \(unknown\)'
	stop_daemon
}

@test "when its dependency is ok again the check runs at once, not at its interval" {
	write_config "$(db_check)" "$(counted app 'depends = db')"
	start_daemon
	wait_for 5 db_runs_at_least 2
	assert_equal "$(runs_of app)" 0
	touch "$T/db-ok"
	# app's interval is an hour: only the recovery can run it.
	wait_for 3 runs_at_least 1 app
	wait_for 3 health_is 200 ok
	assert_equal "$(health_of /health/app)" "200 ok"
	run status_value checks.1.waiting_for checks.1.state
	assert_output "$(printf '%s\n' null ok)"
	log_has 'check app: no longer waiting, runs now'
	# Down again: it waits again, its run count stays.
	rm "$T/db-ok"
	wait_for 3 health_of_is /health/app "503 unknown: waiting for db (critical)"
	assert_equal "$(runs_of app)" 1
	stop_daemon
}

@test "a flapping dependency never starts a second run of the check that waits for it" {
	# db flips between ok and critical at every run, every 20 ms; app
	# takes 300 ms and notes any run that overlaps another.
	cat > "$T/flip" <<-EOF
	#!/bin/sh
	if [ -e "$T/db-ok" ]; then rm -f "$T/db-ok"; echo DB OK; exit 0; fi
	touch "$T/db-ok"; echo DB CRITICAL - flap; exit 2
	EOF
	cat > "$T/app" <<-EOF
	#!/bin/sh
	mkdir "$T/app.lock" 2>/dev/null || echo overlap >> "$T/bad"
	echo run >> "$T/app-runs"
	sleep 0.3
	rmdir "$T/app.lock"
	echo APP OK
	EOF
	chmod 755 "$T/flip" "$T/app"
	write_config "[check db]" "command = $T/flip" "interval = 20ms" \
		"[check app]" "command = $T/app" "interval = 1h" \
		"depends = db"
	start_daemon
	wait_for 10 runs_at_least 3 app
	wait_for 5 check_runs_at_least 2 app
	stop_daemon
	assert [ ! -e "$T/bad" ]
	# The turns that found a run going on were skipped and counted.
	log_has 'check app: still running after its interval: this run is skipped'
}

@test "a chain waits from its root: /health names the root and counts the two waiting" {
	write_config "$(db_check)" "$(counted app 'depends = db')" \
		"$(counted web 'depends = app')"
	start_daemon
	wait_for 5 db_runs_at_least 3
	assert_health 503 "critical: db: DB CRITICAL - down (+2 waiting)"
	assert_equal "$(health_of /health/web)" \
		"503 unknown: waiting for app (waiting for db)"
	assert_equal "$(health_of /health/app)" \
		"503 unknown: waiting for db (critical)"
	run status_value checks.2.waiting_for
	assert_output app
	assert_equal "$(runs_of app) $(runs_of web)" "0 0"
	touch "$T/db-ok"
	wait_for 3 runs_at_least 1 web
	wait_for 3 health_is 200 ok
	assert_equal "$(runs_of app)" 1
	stop_daemon
}

@test "a reload that adds a dependency makes the check wait at once; one that removes it runs it at once" {
	write_config "$(db_check)" "$(counted app)"
	start_daemon
	wait_for 5 runs_at_least 1 app
	assert_health 503 "critical: db: DB CRITICAL - down"
	write_config "$(db_check)" "$(counted app 'depends = db')"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	assert_equal "$(health_of /health/app)" \
		"503 unknown: waiting for db (critical)"
	assert_health 503 "critical: db: DB CRITICAL - down (+1 waiting)"
	write_config "$(db_check)" "$(counted app)"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	# Its interval is an hour: only the reload can run it again now.
	wait_for 3 runs_at_least 2 app
	assert_equal "$(health_of /health/app)" "200 ok"
	stop_daemon
}

@test "-t reports an unknown dependency and a cycle with file and line; a reload with one is refused" {
	write_config "$(counted db)" "$(counted app 'depends = db, dbx')"
	run "$MYDAEMON" -t -c "$CONF"
	assert_failure
	assert_output --partial "$CONF:11: [check app] depends: unknown check \"dbx\""
	write_config "$(counted db 'depends = app')" \
		"$(counted app 'depends = db')"
	run "$MYDAEMON" -t -c "$CONF"
	assert_failure
	assert_output --partial "$CONF:8: [check db] depends: cycle db -> app -> db"
	write_config "$(counted db)" "$(counted app 'depends = app')"
	run "$MYDAEMON" -t -c "$CONF"
	assert_failure
	assert_output --partial "$CONF:11: [check app] depends: cycle app -> app"
	# The daemon keeps its config when a reload brings a cycle.
	write_config "$(counted db)" "$(counted app 'depends = db')"
	start_daemon
	wait_for 5 runs_at_least 1 app
	write_config "$(counted db 'depends = app')" \
		"$(counted app 'depends = db')"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_failure
	wait_for 3 log_has 'reload failed'
	assert_health 200 ok
	stop_daemon
}

# slow GRACE [KEY=VALUE...]: critical until $T/up exists.
slow_check() {
	printf '%s\n' "[check slow]" \
		"command = sh -c 'test -e $T/up && echo SLOW OK && exit 0; echo SLOW CRITICAL - starting; exit 2'" \
		"start_grace = $1"
	shift
	printf '%s\n' "$@"
}

@test "start_grace: a check failing while it starts keeps /health 200 and is pending by name, then turns ok" {
	APORT=$(free_port)
	write_config "agent_listen = 127.0.0.1:$APORT" \
		"$(slow_check 5s 'interval = 100ms')" "$(counted other)"
	start_daemon
	wait_for 3 check_runs_at_least 2 slow
	assert_health 200 ok
	assert_equal "$(health_of /health/slow)" \
		"503 pending: SLOW CRITICAL - starting"
	run status_value checks.0.state checks.0.pending health
	assert_output "$(printf '%s\n' critical true ok)"
	assert_equal "$(agent_line "$APORT")" 'up ready 100%\n'
	assert_equal "$(agent_line "$APORT" 'slow\n')" \
		'down #pending: SLOW CRITICAL - starting\n'
	assert_equal "$(metric_value 'mydaemon_check_pending{check="slow"}')" 1
	touch "$T/up"
	wait_for 3 health_of_is /health/slow "200 ok"
	run status_value checks.0.pending
	assert_output false
	assert_equal "$(metric_value 'mydaemon_check_pending{check="slow"}')" 0
	# The grace is over: failing again counts at once.
	rm "$T/up"
	wait_for 3 health_is 503 "critical: slow: SLOW CRITICAL - starting"
	stop_daemon
}

uptime_at_least() {
	http_get /status
	in_range "$(json_value uptime_seconds)" "$1" 1e9
}

@test "start_grace over without an ok result: critical at the end of the grace, not at the next run" {
	write_config "$(slow_check 1500ms 'interval = 1h')"
	start_daemon
	wait_for 3 check_runs_at_least 1 slow
	assert_health 200 ok
	wait_for 4 health_is 503 "critical: slow: SLOW CRITICAL - starting"
	# One run only: the grace's timer, not a run, made it count.
	assert_equal "$(check_runs slow)" 1
	run status_value checks.0.pending
	assert_output false
	log_has 'check slow: start_grace over without an ok result'
	stop_daemon
}

@test "start_grace of a check added by a reload runs from the reload" {
	write_config "$(counted other)"
	start_daemon
	# Longer up than the grace: counted from the start it would be over.
	wait_for 5 uptime_at_least 2.2
	write_config "$(counted other)" "$(slow_check 2s 'interval = 1h')"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	wait_for 3 check_runs_at_least 1 slow
	assert_health 200 ok
	assert_equal "$(health_of /health/slow)" \
		"503 pending: SLOW CRITICAL - starting"
	wait_for 4 health_is 503 "critical: slow: SLOW CRITICAL - starting"
	stop_daemon
}
