#!/usr/bin/env bats
# access_log: one line per request, reopened on SIGUSR1, switched on
# reload, and never in the way of serving.

load test_helper/common

TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}'
MS='[0-9]+\.[0-9]{3}ms'

setup() {
	common_setup
	ACCESS=$T/log/access.log
}

# requests REQUEST...: send each REQUEST (Python escapes) on its own
# connection, read the answer to the end; print "port=P len=N" per
# request (our local port, the answer's Content-Length).
requests() {
	python3 -c 'import socket, sys
for raw in sys.argv[2:]:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    s.sendall(raw.encode("latin-1").decode("unicode_escape").encode("latin-1"))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    length = "-"
    for line in data.split(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    print("port=%d len=%s" % (s.getsockname()[1], length))
    s.close()' "$PORT" "$@"
}

line_count() {
	if [ -e "$1" ]; then wc -l < "$1"; else echo 0; fi
}

@test "every request writes one line with time, client, method, path, status, bytes and duration" {
	write_config "access_log = $ACCESS"
	start_daemon
	run python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /nope?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"
          b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(s.getsockname()[1], data.split(b"Content-Length: ")[-1].split(b"\r")[0].decode())
' "$PORT"
	assert_success
	read -r client status_len <<< "$output"
	run cat "$ACCESS"
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 --regexp "^$TS 127\\.0\\.0\\.1:$client GET /health 200 3 $MS\$"
	assert_line --index 1 --regexp "^$TS 127\\.0\\.0\\.1:$client GET /nope 404 10 $MS\$"
	assert_line --index 2 --regexp "^$TS 127\\.0\\.0\\.1:$client HEAD /health 200 0 $MS\$"
	assert_line --index 3 --regexp "^$TS 127\\.0\\.0\\.1:$client GET /status 200 $status_len $MS\$"
	# The time is now, and a health check takes far less than a second;
	# not always less than a millisecond on a busy builder, nor with the
	# loop's clock of whole milliseconds (a straddled tick logs 1.000ms).
	assert_regex "${lines[0]}" "^$(date +%Y-%m-%d)T"
	assert_regex "${lines[0]}" ' [0-9]{1,3}\.[0-9]{3}ms$'
	stop_daemon
}

@test "the duration is measured in microseconds, not whole milliseconds" {
	write_config "access_log = $ACCESS"
	start_daemon
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/health"
	done
	wait_for 5 test "$(line_count "$ACCESS")" -ge 10
	# A loop-cached clock gave N.000 every time.
	run grep -cvE ' [0-9]+\.000ms$' "$ACCESS"
	assert [ "$output" -ge 1 ]
	stop_daemon
}

@test "405, 431 and a 1.1 request without Host are logged with their method and path" {
	write_config "access_log = $ACCESS"
	start_daemon
	pad=$(printf 'X-Pad: %01000d\\r\\n' $(seq 10))
	run requests 'DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
		"GET /big HTTP/1.1\\r\\nHost: x\\r\\n$pad\\r\\n" \
		'GET /nohost HTTP/1.1\r\n\r\n'
	assert_success
	run cat "$ACCESS"
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp "^$TS 127\\.0\\.0\\.1:[0-9]+ DELETE /health 405 19 $MS\$"
	assert_line --index 1 --regexp "^$TS 127\\.0\\.0\\.1:[0-9]+ GET /big 431 32 $MS\$"
	assert_line --index 2 --regexp "^$TS 127\\.0\\.0\\.1:[0-9]+ GET /nohost 400 12 $MS\$"
	stop_daemon
}

@test "an unparseable request is logged with - for method and path, and the daemon lives on" {
	write_config "access_log = $ACCESS"
	start_daemon
	run requests 'GARBAGE\r\n\r\n'
	assert_success
	assert_output --regexp '^port=[0-9]+ len=12$'
	assert alive "$DAEMON_PID"
	http_get /health
	assert_equal "$status_code" 200
	run cat "$ACCESS"
	assert_line --index 0 --regexp "^$TS 127\\.0\\.0\\.1:[0-9]+ - - 400 12 $MS\$"
	assert_line --index 1 --regexp "^$TS 127\\.0\\.0\\.1:[0-9]+ GET /health 200 3 $MS\$"
	stop_daemon
}

@test "after mv and SIGUSR1 (mydaemon -s reopen) requests go to a new access log" {
	write_config "access_log = $ACCESS"
	start_daemon
	http_get /health
	mv "$ACCESS" "$ACCESS.1"
	http_get /metrics		# still the old, renamed file
	run "$MYDAEMON" -s reopen -c "$CONF"
	assert_success
	http_get /nope
	run cat "$ACCESS.1"
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --partial " GET /health 200 "
	assert_line --index 1 --partial " GET /metrics 200 "
	run cat "$ACCESS"
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --partial " GET /nope 404 10 "
	assert_equal "$(stat -c %a "$ACCESS")" 640
	stop_daemon
}

@test "access_log = /dev/full loses the lines but not the service" {
	write_config "access_log = /dev/full"
	start_daemon
	run python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * 49 +
          b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.count(b"HTTP/1.1 200 OK\r\n"))' "$PORT"
	assert_output 50
	http_get /health
	assert_equal "$status_code" 200
	assert alive "$DAEMON_PID"
	# ...and every lost line is counted (50 + the /health just made).
	assert_equal "$(status_value log.dropped_lines)" 51
	stop_daemon
}

@test "a reload turns the access log on, moves it, and turns it off" {
	write_config
	start_daemon
	http_get /health
	assert [ ! -e "$ACCESS" ]

	write_config "access_log = $ACCESS"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	http_get /nope
	run cat "$ACCESS"
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --partial " GET /nope 404 "

	write_config "access_log = $ACCESS.new"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	http_get /status
	assert_equal "$(line_count "$ACCESS")" 1
	run cat "$ACCESS.new"
	assert_line --index 0 --partial " GET /status 200 "

	write_config "access_log = off"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	http_get /health
	assert_equal "$(line_count "$ACCESS.new")" 1
	stop_daemon
}

@test "a reload to an access log that cannot be opened fails and keeps the old one" {
	write_config "access_log = $ACCESS" "maintenance = no"
	start_daemon
	write_config "access_log = $T/no/such/dir/access.log" "maintenance = yes"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_failure 1
	assert_output --partial "$T/no/such/dir/access.log"
	http_get /health
	assert_equal "$status_code" 200	# no part of the new config applied
	run cat "$ACCESS"
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --partial " GET /health 200 3 "
	log_has 'reload failed: .*no/such/dir/access\.log'
	stop_daemon
}
