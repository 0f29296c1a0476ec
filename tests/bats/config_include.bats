#!/usr/bin/env bats
# include = GLOB (SPEC 21): drop-in files read by -t, at start-up and on
# reload; their errors name the drop-in's file and line.

load test_helper/common

bats_require_minimum_version 1.5.0

# dropin NAME LINE...: the file $T/conf.d/NAME is exactly these lines.
dropin() {
	local name=$1
	shift
	mkdir -p "$T/conf.d"
	printf '%s\n' "$@" > "$T/conf.d/$name"
}

# served NAME: "CODE BODY" of GET /health/NAME.
served() {
	local code
	code=$(curl -s --max-time 5 -o "$T/h" -w '%{http_code}' \
		"http://127.0.0.1:$PORT/health/$1") || true
	printf '%s %s' "$code" "$(cat "$T/h")"
}

# serves NAME: /health/NAME answers 200.
serves() {
	[ "$(served "$1")" = "200 ok" ]
}

# unknown NAME: /health/NAME answers 404.
unknown() {
	[ "$(served "$1")" = "404 no such check" ]
}

@test "-t reads the drop-ins a glob names and accepts good ones" {
	write_config "include = $T/conf.d/*.conf" "include = $T/none/*.conf"
	dropin api.conf "[check api]" "command = /bin/true"
	dropin db.conf "[check db]" "command = /bin/true"
	dropin notes.txt "this is not read"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_success
	assert_equal "$stderr" ""
}

@test "-t names the drop-in and its line for an error in it" {
	write_config "include = conf.d/*.conf"
	dropin api.conf "[check api]" "command = /bin/true" "interval = 5x"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	assert_regex "$stderr" "^$T/conf.d/api.conf:3: \[check api\] interval: invalid duration \"5x\""
}

@test "-t rejects a named include that does not exist, on the include line" {
	write_config "include = $T/missing.conf"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	assert_regex "$stderr" "^$CONF:5: include: cannot read $T/missing.conf: No such file or directory\$"
}

@test "-t rejects a check defined in two files, naming both" {
	write_config "[check api]" "command = /bin/true" \
		"include = conf.d/*.conf"
	dropin api.conf "" "[check api]" "command = /bin/true"
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
	assert_failure 1
	assert_equal "$stderr" "$T/conf.d/api.conf:2: duplicate check \"api\" (first in $CONF, line 5)"
}

@test "a daemon serves the checks of its drop-ins; reloads add and remove them" {
	write_config "include = conf.d/*.conf"
	dropin api.conf "[check api]" "command = /bin/true"
	start_daemon
	wait_for 5 serves api
	dropin db.conf "[check db]" "command = /bin/true"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	wait_for 5 serves db
	rm "$T/conf.d/api.conf"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	wait_for 5 unknown api
	assert serves db
	stop_daemon
}

@test "a reload with a broken drop-in keeps the old config and names the drop-in's line" {
	write_config "include = conf.d/*.conf"
	dropin api.conf "[check api]" "command = /bin/true"
	start_daemon
	wait_for 5 serves api
	dropin db.conf "[check db]" "command = /bin/true" "bogus = 1"
	run --separate-stderr "$MYDAEMON" -s reload -c "$CONF"
	assert_failure
	assert_regex "$stderr" "reload failed: $T/conf.d/db.conf:3: \[check db\] unknown key \"bogus\""
	wait_for 5 log_has "reload failed: $T/conf.d/db.conf:3: "
	assert serves api
	assert unknown db
	stop_daemon
}
