#!/usr/bin/env bats
# The built-in probes' keys (SPEC 19) as `mydaemon -t` sees them: a file
# with a check of every kind is valid; each mistake is one message with
# file, line and section, and every mistake of a file is reported.
#
# The files are written by hand so that the lines in the expected
# messages can be read off the test.

load test_helper/common

bats_require_minimum_version 1.5.0

# conf LINE...: the config file is exactly these lines.
conf() {
	printf '%s\n' "$@" > "$CONF"
}

check_config() {
	run --separate-stderr "$MYDAEMON" -t -c "$CONF"
}

# rejected_with LINE TEXT: -t failed with exactly this one message.
rejected_with() {
	assert_failure 1
	assert_equal "$output" ""
	assert_equal "$stderr" "$CONF:$1: $2"
}

@test "-t accepts a check of every kind, their keys in any order" {
	conf "listen = 127.0.0.1:$PORT" "pidfile = $PIDFILE" \
		"[check nginx]" "process_name = nginx" "process = /run/nginx.pid" \
		"[check db]" "warning = 500ms" "tcp = localhost:5432" \
		'send = PING\r\n' "expect = +PONG" "critical = 2s" \
		"[check sock]" "tcp = /run/app.sock" \
		"[check web]" "http = http://[::1]:8080/healthz" \
		"expect_status = 200, 301-302" "expect_body = ok" \
		"host_header = www.example.com" "timeout = 2s" \
		"[check stamp]" "file = /var/lib/backup/stamp" "max_age = 26h" \
		"min_size = 1KB" "critical = 30h" \
		"[check root]" "disk = /" \
		"[check var]" "disk = /var" "warning = 10%" "critical = 2GB" \
		"[check cmd]" "command = /bin/true"
	check_config
	assert_success
	assert_equal "$output" "mydaemon: configuration $CONF is valid"
	assert_equal "$stderr" ""
}

@test "-t does not look for a probe's target as a program" {
	conf "[check gone]" "file = /nonexistent/stamp" \
		"[check sock]" "tcp = /nonexistent.sock"
	check_config
	assert_success
	assert_equal "$stderr" ""
}

@test "two kinds in one check name both, with the first one's line" {
	conf "[check db]" "tcp = 127.0.0.1:5432" "interval = 5s" \
		"http = http://127.0.0.1/"
	check_config
	rejected_with 4 "[check db] http: this check already has tcp (line 2): one of command, process, tcp, http, file or disk per check"
}

@test "a check with neither a command nor a probe is an error" {
	conf "[check idle]" "timeout = 1s"
	check_config
	rejected_with 1 "[check idle] no command or probe (command, process, tcp, http, file or disk)"
}

@test "a host name is refused: a name lookup would block the loop" {
	conf "[check db]" "tcp = db.example.com:5432"
	check_config
	rejected_with 2 '[check db] tcp: "db.example.com:5432" names a host: use an IP address or localhost (a name lookup would block)'
}

@test "https is refused with a pointer to check_http --ssl" {
	conf "# TLS" "[check web]" "http = https://127.0.0.1/"
	check_config
	rejected_with 3 "[check web] http: https is not supported (mydaemon has no TLS library): use command = /usr/lib/nagios/plugins/check_http --ssl ..."
}

@test "a key of another kind is an error wherever it is in the section" {
	conf "[check web]" "send = PING" "http = http://127.0.0.1/"
	check_config
	rejected_with 2 "[check web] send: only for tcp checks"
}

@test "a threshold of the wrong unit says which unit the kind takes" {
	conf "[check db]" "tcp = 127.0.0.1:5432" "warning = 10%"
	check_config
	rejected_with 3 '[check db] warning: "10%" is a percentage, but a tcp check'"'"'s threshold is a duration (e.g. 500ms)'
}

@test "disk thresholds in the wrong order are an error" {
	conf "[check root]" "disk = /" "warning = 5%" "critical = 10%"
	check_config
	rejected_with 4 '[check root] critical: "10%" is more than warning "5%": less free space is worse, so critical must be at most warning'
}

@test "a process name longer than the kernel keeps could never match" {
	conf "[check p]" "process = /run/p.pid" \
		"process_name = a-very-long-name"
	check_config
	rejected_with 3 "[check p] process_name: \"a-very-long-name\" is 16 bytes, but the kernel keeps only the first 15 of a process's name: it could never match"
}

@test "every mistake of a file of probes is reported, in line order" {
	conf "[check a]" 'send = a\q' "tcp = *:80" "warning = 1GB" \
		"[check b]" "process = /run/b.pid" "critical = 1s" \
		"[check c]" "http = http://127.0.0.1/" "expect_status = 600" \
		"host_header = a b"
	check_config
	assert_failure 1
	assert_equal "$output" ""
	assert_equal "$stderr" "$CONF:2: [check a] send: unknown escape \"\\q\" (expected \\r, \\n, \\t or \\\\)
$CONF:3: [check a] tcp: \"*:80\": * is not an address to connect to (use 127.0.0.1 or [::1])
$CONF:4: [check a] warning: \"1GB\" is a size, but a tcp check's threshold is a duration (e.g. 500ms)
$CONF:7: [check b] critical: a process check has no thresholds
$CONF:10: [check c] expect_status: \"600\" has a code that is not an HTTP status (100-599)
$CONF:11: [check c] host_header: invalid host \"a b\" (expected visible ASCII, no spaces)"
}

@test "the daemon refuses to start with a probe error, as -t does" {
	conf "listen = 127.0.0.1:$PORT" "pidfile = $PIDFILE" \
		"log_file = $LOG" "[check web]" "http = ftp://127.0.0.1/"
	run --separate-stderr "$MYDAEMON" -f -c "$CONF"
	assert_failure
	assert_regex "$stderr" "$CONF:5: \\[check web\\] http: unsupported scheme in \"ftp://127.0.0.1/\" \\(expected http://HOST\\[:PORT\\]\\[/PATH\\]\\)"
	assert [ ! -e "$PIDFILE" ]
}
