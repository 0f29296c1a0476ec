#!/usr/bin/env bats
# HTTP: /health, methods, maintenance, listeners.

load test_helper/common

# http_raw REQUEST: send REQUEST as is to 127.0.0.1:$PORT; the whole
# answer, up to the server's close, lands in $T/raw; sets $head (the
# status line and headers, CRs removed) and $rest (what follows them).
http_raw() {
	local raw
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 5 bash -c 'exec 5<>"/dev/tcp/127.0.0.1/$1" &&
		printf "%s" "$2" >&5 && cat <&5' _ "$PORT" "$1" > "$T/raw"
	raw=$(cat "$T/raw"; echo x)
	raw=${raw%x}
	assert [ "${raw#*$'\r\n\r\n'}" != "$raw" ]	# the head is complete
	head=${raw%%$'\r\n\r\n'*}
	head=${head//$'\r'/}
	rest=${raw#*$'\r\n\r\n'}
}

# header NAME: the value of header NAME in $head (case-insensitive name).
header() {
	sed -n "s/^$1:[[:space:]]*//Ip" <<< "$head" | head -n 1
}

@test "GET /health answers 200 ok with type, length and no-store headers" {
	write_config
	start_daemon
	http_raw $'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
	assert_regex "${head%%$'\n'*}" '^HTTP/1\.[01] 200 '
	assert_regex "$(header Content-Type)" '^text/plain'
	assert_equal "$(header Content-Length)" 3
	assert_equal "$(header Cache-Control)" no-store
	assert_equal "$rest" $'ok\n'
	stop_daemon
}

@test "HEAD /health answers the headers and no body" {
	write_config
	start_daemon
	http_raw $'HEAD /health HTTP/1.0\r\n\r\n'
	assert_regex "${head%%$'\n'*}" '^HTTP/1\.[01] 200 '
	assert_equal "$(header Content-Length)" 3
	assert_equal "$(header Cache-Control)" no-store
	assert_equal "$rest" ""
	stop_daemon
}

@test "an unknown path answers 404" {
	write_config
	start_daemon
	http_get /no/such/thing
	assert_equal "$status_code" 404
	stop_daemon
}

@test "POST answers 405" {
	write_config
	start_daemon
	run curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X POST \
		"http://127.0.0.1:$PORT/health"
	assert_output 405
	stop_daemon
}

@test "405 names the allowed methods in an Allow header" {
	write_config
	start_daemon
	http_raw $'DELETE /health HTTP/1.0\r\n\r\n'
	assert_regex "${head%%$'\n'*}" '^HTTP/1\.[01] 405 '
	assert_equal "$(header Allow)" "GET, HEAD"
	stop_daemon
}

@test "maintenance = yes makes /health answer 503 maintenance" {
	write_config "maintenance = yes"
	start_daemon
	http_get /health
	assert_equal "$status_code" 503
	assert_equal "$body" maintenance
	stop_daemon
}

@test "two listen lines both answer" {
	port2=$(free_port)
	write_config "listen = 127.0.0.1:$PORT" "listen = 127.0.0.1:$port2"
	start_daemon
	http_get /health "$PORT"
	assert_equal "$status_code" 200
	http_get /health "$port2"
	assert_equal "$status_code" 200
	log_has "listening on 127\\.0\\.0\\.1:$PORT\$"
	log_has "listening on 127\\.0\\.0\\.1:$port2\$"
	stop_daemon
}

@test "listen = none runs without any network socket and still reloads" {
	write_config "listen = none"
	start_daemon
	# One socket only: the unix one a restart asks for the others on.
	run bash -c "ls -l /proc/$DAEMON_PID/fd | grep -o 'socket:\[[0-9]*\]'"
	assert_equal "${#lines[@]}" 1
	inode=$(tr -dc 0-9 <<< "$output")
	run grep " $inode @mydaemon:$CONF\$" /proc/net/unix
	assert_success
	http_get /health
	assert_equal "$status_code" 000
	run "$MYDAEMON" -s reload -p "$PIDFILE"
	assert_success
	assert alive "$DAEMON_PID"
	stop_daemon
}

@test "an IPv6 listen address [::1]:PORT answers" {
	python3 -c 'import socket
socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null ||
		skip "::1 is not available on this host"
	write_config "listen = [::1]:$PORT"
	start_daemon
	run curl -s --max-time 5 -g -w ' %{http_code}' "http://[::1]:$PORT/health"
	assert_output $'ok\n 200'
	stop_daemon
}

@test "GET / answers a short plain-text index of the endpoints" {
	write_config
	start_daemon
	run curl -s -D "$T/head" "http://127.0.0.1:$PORT/"
	assert_success
	assert_line --index 0 "mydaemon: the health agent of this host"
	for e in /health /health/NAME /status /metrics; do
		assert_line --regexp "^$e +[a-zA-Z]"
	done
	assert grep -q '^HTTP/1.1 200 ' "$T/head"
	assert grep -qi '^content-type: text/plain; charset=utf-8' "$T/head"
	stop_daemon
}
