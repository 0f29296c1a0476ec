#!/usr/bin/env bats
# HTTP protocol: the headers of every answer, HEAD, keep-alive,
# pipelining, malformed and hostile requests, /status JSON, /metrics.

load test_helper/common

# converse STEP...: one TCP connection to $PORT, driven step by step, run
# through bats' `run` (so the transcript is in $output and $lines):
#   send:BYTES   send BYTES (Python escapes: \r \n \x00 ...) in one write
#   read:GET     read one whole answer (read:HEAD: an answer without body)
#   pause:S      wait S seconds (pacing a slow client)
#   end:S        wait up to S seconds for what the server does next
# Transcript, per answer N:
#   "answer N: HTTP/1.1 200 OK", "header NAME: VALUE" (lower-case NAME),
#   "body: 'ok\n'" (Python repr of the body, Content-Length bytes);
# at end: "after: closed" (EOF), "after: open" (silence), "after: reset",
# or "after: extra 'BYTES'" (bytes that are no part of any answer).
# A step that meets EOF or a reset prints "eof during STEP" or
# "reset during STEP" and ends the transcript.
converse() {
	run python3 - "$PORT" "$@" <<'PY'
import socket
import sys
import time

port = int(sys.argv[1])
sock = socket.create_connection(("127.0.0.1", port), timeout=5)
buf = b""
answers = 0


def unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


def fill():
    global buf
    chunk = sock.recv(65536)
    if not chunk:
        raise EOFError
    buf += chunk


def read_answer(method):
    global buf, answers
    while b"\r\n\r\n" not in buf:
        fill()
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    answers += 1
    print("answer %d: %s" % (answers, lines[0]))
    length = 0
    for line in lines[1:]:
        name, value = line.split(":", 1)
        print("header %s: %s" % (name.strip().lower(), value.strip()))
        if name.strip().lower() == "content-length":
            length = int(value)
    if method == "HEAD":
        length = 0
    while len(buf) < length:
        fill()
    print("body: %r" % buf[:length].decode("latin-1"))
    buf = buf[length:]


def end(wait):
    global buf
    sock.settimeout(wait)
    try:
        while True:
            fill()
    except EOFError:
        print("after: extra %r" % buf.decode("latin-1") if buf
              else "after: closed")
    except socket.timeout:
        print("after: extra %r" % buf.decode("latin-1") if buf
              else "after: open")


for step in sys.argv[2:]:
    kind, _, arg = step.partition(":")
    try:
        if kind == "send":
            sock.sendall(unescape(arg))
        elif kind == "read":
            read_answer(arg)
        elif kind == "pause":
            time.sleep(float(arg))
        elif kind == "end":
            end(float(arg))
        else:
            sys.exit("converse: bad step " + step)
    except EOFError:
        print("eof during " + kind)
        break
    except (ConnectionResetError, BrokenPipeError):
        print("reset during " + kind)
        break
sock.close()
PY
}

# header_is N NAME VALUE: answer N of the transcript has header NAME: VALUE.
header_is() {
	local n=$1 name=$2 value=$3 i=0 line
	for line in "${lines[@]}"; do
		case $line in
		"answer "*) i=$((i + 1)) ;;
		"header $name: "*)
			[ "$i" -eq "$n" ] && [ "${line#"header $name: "}" = "$value" ] &&
				return 0 ;;
		esac
	done
	echo "answer $n has no header \"$name: $value\"" >&2
	return 1
}

# assert_well_formed CODE CTYPE: the only answer in the transcript has
# status CODE and carries every header an answer must carry.
assert_well_formed() {
	assert_line --index 0 --regexp "^answer 1: HTTP/1\\.1 $1 "
	header_is 1 content-type "$2"
	header_is 1 cache-control no-store
	assert_line --regexp '^header connection: (keep-alive|close)$'
	assert_line --regexp '^header content-length: [0-9]+$'
}

# scrape FILE: GET /metrics into FILE.
scrape() {
	curl -s --max-time 5 -o "$1" "http://127.0.0.1:$PORT/metrics"
}

# requests_with_code FILE CODE: mydaemon_http_requests_total{code} in FILE.
requests_with_code() {
	sed -n "s/^mydaemon_http_requests_total{code=\"$2\"} //p" "$1"
}

# status_fields FILE: "keys=K1 K2 ..." (the JSON object's keys in order),
# then one "KEY=VALUE" line per key, VALUE as JSON.
status_fields() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("keys=" + " ".join(d))
for k, v in d.items():
    print("%s=%s" % (k, json.dumps(v)))' "$1"
}

@test "/health, /status and /metrics answers carry type, length, no-store and Connection" {
	write_config
	start_daemon
	converse $'send:GET /health HTTP/1.1\r\nHost: x\r\n\r\n' read:GET end:0.2
	assert_well_formed 200 "text/plain; charset=utf-8"
	assert_line "body: 'ok\\n'"
	header_is 1 content-length 3
	header_is 1 connection keep-alive
	assert_line "after: open"

	converse $'send:GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
		read:GET end:2
	assert_well_formed 200 application/json
	header_is 1 connection close
	assert_line "after: closed"

	converse $'send:GET /metrics HTTP/1.0\r\n\r\n' read:GET end:2
	assert_well_formed 200 "text/plain; version=0.0.4; charset=utf-8"
	header_is 1 connection close
	assert_line "after: closed"
	stop_daemon
}

@test "404, 405 and 400 answers carry the same headers, and 405 names GET and HEAD in Allow" {
	write_config
	start_daemon
	converse $'send:GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
		read:GET end:2
	assert_well_formed 404 "text/plain; charset=utf-8"
	assert_line "body: 'Not Found\\n'"
	header_is 1 content-length 10

	converse $'send:DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
		read:GET end:2
	assert_well_formed 405 "text/plain; charset=utf-8"
	header_is 1 allow "GET, HEAD"
	assert_line "body: 'Method Not Allowed\\n'"

	converse $'send:GARBAGE\r\n\r\n' read:GET end:2
	assert_well_formed 400 "text/plain; charset=utf-8"
	header_is 1 connection close
	assert_line "after: closed"
	stop_daemon
}

@test "HEAD answers the GET's headers, with the same Content-Length, and no body" {
	write_config
	start_daemon
	for path in /health /status /nope; do
		converse "send:GET $path HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n" read:GET
		get_length=$(sed -n 's/^header content-length: //p' <<< "$output")
		get_type=$(sed -n 's/^header content-type: //p' <<< "$output")
		get_status=${lines[0]#answer 1: }

		# HEAD then GET on one connection: no stray body bytes between.
		converse "send:HEAD $path HTTP/1.1\\r\\nHost: x\\r\\n\\r\\nGET /health HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n" \
			read:HEAD read:GET end:2
		assert_equal "${lines[0]}" "answer 1: $get_status"
		assert_line "body: ''"
		header_is 1 content-length "$get_length"
		header_is 1 content-type "$get_type"
		assert_line --index 1 --regexp '^header '
		assert_line "answer 2: HTTP/1.1 200 OK"
		assert_line "body: 'ok\\n'"
		assert_line "after: closed"
	done
	stop_daemon
}

@test "a keep-alive client makes two requests over one connection" {
	write_config
	start_daemon
	run curl -s --max-time 5 -o /dev/null -o /dev/null \
		-w '%{http_code} %{num_connects} ' \
		"http://127.0.0.1:$PORT/health" "http://127.0.0.1:$PORT/status"
	assert_output "200 1 200 0 "

	converse $'send:GET /health HTTP/1.1\r\nHost: x\r\n\r\n' read:GET \
		$'send:GET /nope HTTP/1.1\r\nHost: x\r\n\r\n' read:GET end:0.2
	assert_line "answer 1: HTTP/1.1 200 OK"
	assert_line "answer 2: HTTP/1.1 404 Not Found"
	assert_line "after: open"
	stop_daemon
}

@test "an HTTP/1.0 request closes after the answer unless it asks for keep-alive" {
	write_config
	start_daemon
	converse $'send:GET /health HTTP/1.0\r\n\r\n' read:GET end:2
	assert_line "answer 1: HTTP/1.1 200 OK"
	header_is 1 connection close
	assert_line "after: closed"

	converse $'send:GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' \
		read:GET $'send:GET /health HTTP/1.0\r\n\r\n' read:GET end:2
	header_is 1 connection keep-alive
	assert_line "answer 2: HTTP/1.1 200 OK"
	header_is 2 connection close
	assert_line "after: closed"
	stop_daemon
}

@test "an HTTP/1.1 request with Connection: close closes after the answer" {
	write_config
	start_daemon
	converse $'send:GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
		read:GET end:2
	header_is 1 connection close
	assert_line "after: closed"
	stop_daemon
}

@test "three pipelined requests in one write are answered in order" {
	write_config
	start_daemon
	converse $'send:GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /health HTTP/1.1\r\nHost: x\r\n\r\n' \
		read:GET read:GET read:HEAD end:0.3
	assert_line --index 0 "answer 1: HTTP/1.1 200 OK"
	assert_equal "$(grep -c '^answer ' <<< "$output")" 3
	assert_equal "$(grep '^answer \|^body' <<< "$output")" \
"answer 1: HTTP/1.1 200 OK
body: 'ok\\n'
answer 2: HTTP/1.1 404 Not Found
body: 'Not Found\\n'
answer 3: HTTP/1.1 200 OK
body: ''"
	header_is 3 content-length 3
	assert_line "after: open"
	stop_daemon
}

@test "garbage is answered 400 and the connection is closed" {
	write_config
	start_daemon
	converse 'send:\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello TLS\r\n\r\n' \
		read:GET end:2
	assert_line --index 0 "answer 1: HTTP/1.1 400 Bad Request"
	header_is 1 connection close
	assert_line "after: closed"

	converse $'send:GET /health HTTP/1.1 extra\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n' \
		read:GET end:2
	assert_line --index 0 "answer 1: HTTP/1.1 400 Bad Request"
	assert_line "after: closed"
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
}

@test "16 KiB of garbage in one write is answered 400 at its first byte, not 431" {
	write_config
	start_daemon
	# Bytes from 0x16 (a TLS record) on and no LF, so no head ever ends:
	# one read takes more than the 8 KiB a head may have, and still the
	# first byte, not the size, decides.
	junk=$(python3 -c 'import sys
b = ((0x16 + i * 37 % 251) & 0xff for i in range(16384))
sys.stdout.write("".join("\\x%02x" % (c if c != 10 else 0x80) for c in b))')
	converse "send:$junk" read:GET end:3
	assert_line --index 0 "answer 1: HTTP/1.1 400 Bad Request"
	header_is 1 connection close
	refute_line --partial reset
	assert_line "after: closed"
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
}

@test "an HTTP/1.1 request without Host is answered 400" {
	write_config
	start_daemon
	converse $'send:GET /health HTTP/1.1\r\n\r\n' read:GET end:2
	assert_line --index 0 "answer 1: HTTP/1.1 400 Bad Request"
	assert_line "after: closed"
	# HTTP/1.0 needs no Host.
	converse $'send:GET /health HTTP/1.0\r\n\r\n' read:GET end:2
	assert_line --index 0 "answer 1: HTTP/1.1 200 OK"
	stop_daemon
}

@test "a 20 KiB request head is answered 431 and the client reads it before the close" {
	write_config
	start_daemon
	pad=$(printf 'X-Pad: %01000d\\r\\n' $(seq 20))
	# The client keeps sending after the limit: only a lingering close
	# lets it read the 431 instead of a reset.
	converse "send:GET /health HTTP/1.1\\r\\nHost: x\\r\\n$pad" pause:0.2 \
		"send:$pad$pad\\r\\n" read:GET end:3
	assert_line --index 0 "answer 1: HTTP/1.1 431 Request Header Fields Too Large"
	header_is 1 connection close
	refute_line --partial reset
	assert_line "after: closed"
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
}

@test "a request with a Content-Length body is answered 413 and the client reads it" {
	write_config
	start_daemon
	converse $'send:GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello' \
		read:GET end:3
	assert_line --index 0 "answer 1: HTTP/1.1 413 Content Too Large"
	header_is 1 connection close
	assert_line "after: closed"

	# A body larger than what the daemon reads with the head: only a
	# lingering close lets the client read the 413 instead of a reset.
	body=$(printf '%065536d' 0)
	converse "send:GET /health HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 65536\\r\\n\\r\\n$body" \
		read:GET end:3
	assert_line --index 0 "answer 1: HTTP/1.1 413 Content Too Large"
	refute_line --partial reset
	assert_line "after: closed"
	stop_daemon
}

@test "a chunked request body is answered 413 and the client reads it" {
	write_config
	start_daemon
	chunk=$(printf '%032768d' 0)
	converse "send:GET /health HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n8000\\r\\n$chunk\\r\\n" \
		pause:0.1 "send:8000\\r\\n$chunk\\r\\n0\\r\\n\\r\\n" read:GET end:3
	assert_line --index 0 "answer 1: HTTP/1.1 413 Content Too Large"
	refute_line --partial reset
	assert_line "after: closed"
	stop_daemon
}

@test "a Transfer-Encoding whose last coding is not chunked is answered 400 and the connection closed" {
	write_config
	start_daemon
	# RFC 9112 6.3: the body's length is unknown, so nothing after the
	# head may be taken for a request: one answer, then the close.
	get='GET /health HTTP/1.1\r\nHost: x\r\n'
	for te in gzip 'chunked, gzip' pigeons; do
		converse "send:${get}Transfer-Encoding: $te\\r\\n\\r\\n$get\\r\\n" \
			read:GET end:2
		assert_line --index 0 "answer 1: HTTP/1.1 400 Bad Request"
		header_is 1 connection close
		assert_line "after: closed"
	done
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
}

@test "an HTTP/2.0 request line is answered 505" {
	write_config
	start_daemon
	converse $'send:GET /health HTTP/2.0\r\nHost: x\r\n\r\n' read:GET end:2
	assert_line --index 0 "answer 1: HTTP/1.1 505 HTTP Version Not Supported"
	header_is 1 connection close
	assert_line "after: closed"
	stop_daemon
}

@test "NUL and control bytes in the request line are answered 400" {
	write_config
	start_daemon
	for line in 'GET /hea\x00lth HTTP/1.1' 'G\x00ET /health HTTP/1.1' \
	    'GET /he\x01alth HTTP/1.1' 'GET /health\x7f HTTP/1.1' \
	    'GET /health\tHTTP/1.1' 'GET /health HTTP/1.1\r\x0b'; do
		converse "send:$line\\r\\nHost: x\\r\\n\\r\\n" read:GET end:2
		assert_line --index 0 "answer 1: HTTP/1.1 400 Bad Request"
		assert_line "after: closed"
	done
	http_get /health
	assert_equal "$status_code" 200
	stop_daemon
}

@test "/status is JSON with every field, and config_generation counts reloads" {
	write_config
	t0=$(date +%s.%N)
	start_daemon
	curl -s --max-time 5 -o "$T/status.json" "http://127.0.0.1:$PORT/status"
	t1=$(date +%s.%N)
	run status_fields "$T/status.json"
	assert_success
	assert_line --index 0 "keys=name version pid host uptime_seconds start_time config_file config_generation health health_text checks_health maintenance drains shutting_down checks check checks_running reloads log connections requests"
	version=$("$MYDAEMON" -V | awk '{ print $NF }')
	assert_line 'name="mydaemon"'
	assert_line "version=\"$version\""
	assert_line "pid=$DAEMON_PID"
	assert_line "config_file=\"$CONF\""
	assert_line "config_generation=1"
	assert_line 'health="ok"'
	assert_line "health_text=null"
	assert_line 'checks_health="ok"'
	assert_line 'maintenance={"active": false, "source": null, "since": null, "until": null, "reason": null}'
	assert_line "drains=[]"
	assert_line "shutting_down=false"
	assert_line "checks=[]"
	assert_line "check=null"
	assert_line "host=\"$(hostname)\""
	assert_line 'reloads={"ok": 0, "failed": 0}'
	assert_line 'log={"reopens": 0, "reopen_failures": 0, "dropped_lines": 0}'
	assert_line "connections=1"
	assert_line "requests=0"
	# start_time is Unix time, uptime counts from it: both are numbers
	# that place the start between our start_daemon and our request.
	run python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
t0, t1 = float(sys.argv[2]), float(sys.argv[3])
for k in ("uptime_seconds", "start_time"):
    assert type(d[k]) in (int, float), k + " is not a number"
assert t0 - 1 <= d["start_time"] <= t1, "start_time out of range"
assert 0 <= d["uptime_seconds"] <= t1 - t0 + 1, "uptime out of range"' \
		"$T/status.json" "$t0" "$t1"
	assert_success

	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	curl -s --max-time 5 -o "$T/status.json" "http://127.0.0.1:$PORT/status"
	run status_fields "$T/status.json"
	assert_line "config_generation=2"
	assert_line 'reloads={"ok": 1, "failed": 0}'
	assert_line "requests=1"
	assert_line "pid=$DAEMON_PID"
	stop_daemon
}

@test "/metrics passes promtool check metrics and lists every family" {
	command -v promtool > /dev/null ||
		skip "promtool is not installed (apt-get install prometheus)"
	write_config
	start_daemon
	scrape "$T/metrics"
	run promtool check metrics < "$T/metrics"
	assert_success
	for family in mydaemon_build_info process_start_time_seconds \
	    mydaemon_config_generation mydaemon_http_requests_total \
	    mydaemon_http_connections mydaemon_reloads_total \
	    mydaemon_log_reopens_total mydaemon_log_reopen_failures_total \
	    mydaemon_log_dropped_lines_total mydaemon_maintenance \
	    mydaemon_health_state mydaemon_healthy; do
		grep -q "^# TYPE $family " "$T/metrics" ||
			fail "no family $family in /metrics"
	done
	run grep -c '^mydaemon_check_' "$T/metrics"
	assert_output 0
	run grep -E '^(mydaemon_maintenance|mydaemon_healthy|mydaemon_config_generation) ' "$T/metrics"
	assert_output "mydaemon_config_generation 1
mydaemon_maintenance 0
mydaemon_healthy 1"
	stop_daemon
}

@test "/metrics with a check_command adds the check families and still passes promtool" {
	command -v promtool > /dev/null ||
		skip "promtool is not installed (apt-get install prometheus)"
	write_config "check_command = /bin/sh -c 'echo DISK OK; exit 0'"
	start_daemon
	has_run() {
		scrape "$T/metrics"
		grep -q '^mydaemon_check_runs_total{check="main"} [1-9]' "$T/metrics"
	}
	wait_for 5 has_run
	run promtool check metrics < "$T/metrics"
	assert_success
	for family in mydaemon_check_result mydaemon_check_exit_code \
	    mydaemon_check_duration_seconds mydaemon_check_runs_total; do
		grep -q "^# TYPE $family " "$T/metrics" ||
			fail "no family $family in /metrics"
	done
	assert grep -q '^mydaemon_check_exit_code{check="main"} 0$' "$T/metrics"
	stop_daemon
}

@test "the request counter of /metrics grows by exactly the requests made" {
	write_config
	start_daemon
	scrape "$T/before"
	for i in 1 2 3; do
		http_get /health
	done
	http_get /nope
	http_get /nope
	converse $'send:HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nPOST /health HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n' \
		read:HEAD read:GET read:GET end:2
	assert_line "after: closed"
	scrape "$T/after"
	delta() {
		echo $(( $(requests_with_code "$T/after" "$1") -
			$(requests_with_code "$T/before" "$1") ))
	}
	# The first scrape counts itself once it is answered: 3 + 1 + 1.
	assert_equal "$(delta 200)" 5
	assert_equal "$(delta 404)" 2
	assert_equal "$(delta 405)" 1
	assert_equal "$(delta 400)" 1
	total() {
		awk '/^mydaemon_http_requests_total\{/ { n += $2 } END { print n }' "$1"
	}
	assert_equal $(( $(total "$T/after") - $(total "$T/before") )) 9
	stop_daemon
}

@test "an absolute-form request target is served by its path" {
	write_config
	start_daemon
	run curl -s --request-target "http://127.0.0.1:$PORT/health" \
		"http://127.0.0.1:$PORT/"
	assert_success
	assert_output ok
	run python3 "$BATS_TEST_DIRNAME/test_helper/rawhttp.py" "$PORT" \
		'GET ftp://x/health HTTP/1.1\r\nHost: x\r\n\r\n'
	assert_output --partial "HTTP/1.1 400 "
	stop_daemon
}
