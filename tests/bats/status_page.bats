#!/usr/bin/env bats
# SPEC 23: the status page for people (GET / from a browser) and each
# check's recent history in /status.  The page is read by the tools a
# person would use: headless Chromium (its DOM, and a screenshot kept as
# tests/artifacts/status_page.png in the build tree), w3m, and tidy for
# validity.  The host has checks ok, warning, critical (with hostile
# output), one waiting for a dependency, one pending in its start_grace
# and one drained.

load test_helper/common

bats_require_minimum_version 1.5.0

BROWSER_ACCEPT='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

setup() {
	common_setup
	mkdir -p "$T/lib"
	# The plugin's output is hostile: markup, invalid UTF-8, a NUL, a
	# 4 KiB line.
	cat > "$T/hostile" <<-'EOF'
	#!/bin/sh
	printf '<script>alert(1)</script> "><img src=x onerror=alert(1)> '
	printf 'bad \377\376 \300\257 nul:\000: '
	head -c 4096 /dev/zero | tr '\0' A
	exit 2
	EOF
	chmod +x "$T/hostile"
}

# need TOOL PACKAGE: the tool, or a skip that says why; under CI
# (MYDAEMON_SYSTEM_TESTS=1, which installs every package the README
# names) a missing tool is a failure.
need() {
	command -v "$1" > /dev/null && return 0
	[ "${MYDAEMON_SYSTEM_TESTS:-0}" != 1 ] ||
		fail "$1 is not installed (apt-get install $2)"
	skip "$1 is not installed (apt-get install $2)"
}

# the_host [HISTORY]: the daemon with the six checks, history = HISTORY
# (default 5) but load's, 3.
the_host() {
	write_config "maintenance_file = $T/lib/maintenance" \
		"result_dir = $T/lib/results" "history = ${1:-5}" \
		"[check web]" \
		"command = /bin/echo 'HTTP OK - 0.01 s | time=0.01s;1;2 size=512B'" \
		"interval = 100ms" \
		"[check load]" "command = /bin/sh -c 'echo LOAD WARNING; exit 1'" \
		"interval = 100ms" "history = 3" \
		"[check disk]" "command = $T/hostile" "interval = 100ms" \
		"[check app]" "command = /bin/true" "depends = disk" \
		"[check slow]" "command = /bin/false" "start_grace = 1h" \
		"interval = 100ms" \
		"[check db]" "command = /bin/true" "interval = 100ms"
	start_daemon
	run "$MYDAEMON" -s drain db -r "backup <b>night</b>" -c "$CONF"
	assert_success
	wait_check_runs 6 5 web
	wait_check_runs 4 5 load
	wait_check_runs 6 5 disk
}

# page [CURL ARGS...]: GET / as a browser would ask, into $T/page.html,
# the head into $T/page.head.
page() {
	curl -s --max-time 5 -D "$T/page.head" -o "$T/page.html" \
		-H "Accept: $BROWSER_ACCEPT" "$@" "http://127.0.0.1:$PORT/"
}

# history_len NAME: how many results /status has in check NAME's history.
history_len() {
	http_get /status
	python3 -S - "$T/body" "$1" <<-'PY'
	import json, sys
	doc = json.load(open(sys.argv[1], encoding="utf-8"))
	print(len([c for c in doc["checks"] if c["name"] == sys.argv[2]][0]
	    ["history"]))
	PY
}

history_is() {
	[ "$(history_len "$1")" = "$2" ]
}

history_at_least() {
	[ "$(history_len "$1")" -ge "$2" ]
}

@test "a browser gets the page with its CSP, curl the plain index, HEAD the head alone" {
	the_host
	page
	run tr -d '\r' < "$T/page.head"
	assert_line "HTTP/1.1 200 OK"
	assert_line "Content-Type: text/html; charset=utf-8"
	assert_line "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:"
	assert_line "Cache-Control: no-store"
	assert_line "X-Content-Type-Options: nosniff"
	run grep -c '<meta http-equiv="refresh" content="10">' "$T/page.html"
	assert_output 1
	# no script, nothing loaded from elsewhere
	run grep -Eic '<(script|img|link|iframe|object|embed)|https?://' \
		"$T/page.html"
	assert_output 0
	http_get /
	assert_equal "$status_code" 200
	assert_equal "${body%%$'\n'*}" "mydaemon: the health agent of this host"
	run curl -s --max-time 5 -H 'Accept: */*' "http://127.0.0.1:$PORT/"
	assert_line --index 0 "mydaemon: the health agent of this host"
	run curl -s --max-time 5 -H 'Accept: text/plain, text/html;q=0.5' \
		"http://127.0.0.1:$PORT/"
	assert_line --index 0 "mydaemon: the health agent of this host"
	page -I
	run tr -d '\r' < "$T/page.head"
	assert_line "Content-Type: text/html; charset=utf-8"
	assert_line "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:"
	run grep -c '<html' "$T/page.html"
	assert_output 0
}

@test "the page is valid HTML (tidy -errors) and hostile output is text in it" {
	need tidy tidy
	the_host
	page
	# -errors: errors alone are reported; the exit status is 0 with no
	# warning either, 1 with warnings, 2 with errors: nothing is allowed.
	run tidy -errors -q "$T/page.html"
	assert_success
	assert_output ""
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;' \
		"$T/page.html"
	python3 -S - "$T/page.html" <<-'PY'
	import sys
	b = open(sys.argv[1], "rb").read()
	b.decode("utf-8")			# valid UTF-8, or it raises
	assert b"\0" not in b and b"\xff" not in b, "raw bytes of the output"
	assert b"A" * 200 not in b and b"AAAA" + "\u2026".encode() in b, \
	    "the 4 KiB line is cut at 200 characters"
	PY
}

@test "w3m -dump shows the host, the checks and their states in words" {
	need w3m w3m
	the_host
	page
	run w3m -dump -T text/html -cols 200 "$T/page.html"
	assert_success
	assert_output --partial "Health: critical"
	assert_output --regexp "web +ok "
	assert_output --regexp "load +warning "
	assert_output --regexp "disk +critical "
	assert_output --partial "waiting for disk"
	assert_output --regexp "slow +"
	assert_output --partial "pending (warning, in its"
	assert_output --partial "maintenance (drained:"
	assert_output --partial "backup <b>night</b>)"
	assert_output --partial "<script>alert(1)</script>"
	assert_output --partial "OOOOO"
	assert_output --partial "WWW"
	assert_output --partial "time=0.01"
}

@test "headless Chromium renders every row, no element from the output, and a screenshot" {
	need chromium chromium
	the_host
	local art=${MYDAEMON_BUILDDIR:-$MYDAEMON_SRCDIR}/tests/artifacts
	mkdir -p "$art"
	rm -f "$art/status_page.png"
	run timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/chromium" --dump-dom "http://127.0.0.1:$PORT/"
	assert_success
	echo "$output" > "$T/dom.html"
	python3 -S - "$T/dom.html" <<-'PY'
	import sys
	from html.parser import HTMLParser
	class P(HTMLParser):
	    def __init__(self):
	        super().__init__()
	        self.tags, self.text, self.rows = [], [], []
	        self.th = False
	    def handle_starttag(self, tag, attrs):
	        self.tags.append(tag)
	        self.th = tag == "th" and ("scope", "row") in attrs
	    def handle_data(self, data):
	        self.text.append(data)
	        if self.th:
	            self.rows.append(data)
	            self.th = False
	p = P()
	p.feed(open(sys.argv[1], encoding="utf-8").read())
	text = "".join(p.text)
	assert p.rows == ["web", "load", "disk", "app", "slow", "db"], p.rows
	for t in ("script", "img", "iframe", "object"):
	    assert t not in p.tags, "a <%s> element in the DOM" % t
	for s in ("<script>alert(1)</script>", "onerror=alert(1)>",
	          "critical", "warning", "waiting for disk",
	          "pending (warning, in its start_grace)",
	          "maintenance (drained: backup <b>night</b>)"):
	    assert s in text, "not in the page's text: " + s
	PY
	run timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/chromium" --hide-scrollbars \
		--window-size=1200,900 --screenshot="$art/status_page.png" \
		"http://127.0.0.1:$PORT/"
	assert_success
	[ -s "$art/status_page.png" ]
	run od -An -tx1 -N8 "$art/status_page.png"
	assert_output " 89 50 4e 47 0d 0a 1a 0a"
}

@test "/status: the last N results of each check, oldest first, a check's own N" {
	the_host
	wait_for 5 history_is web 5
	wait_check_runs 8 5 web
	run history_len web
	assert_output 5
	run history_len load
	assert_output 3
	run history_len app
	assert_output 0
	http_get /status
	python3 -S - "$T/body" <<-'PY'
	import json, sys
	doc = json.load(open(sys.argv[1], encoding="utf-8"))
	c = {c["name"]: c for c in doc["checks"]}
	h = c["web"]["history"]
	assert [sorted(e) for e in h] == [["duration", "exit_code", "state",
	    "time"]] * 5, h
	assert all(e["state"] == "ok" and e["exit_code"] == 0 for e in h), h
	assert [e["time"] for e in h] == sorted(e["time"] for e in h), h
	assert h[-1]["time"] <= c["web"]["started"] + 1, h
	assert all(e["state"] == "critical" and e["exit_code"] == 2
	           for e in c["disk"]["history"])
	assert all(e["state"] == "warning" for e in c["load"]["history"])
	PY
}

@test "the history goes on over a restart's hand-over and a reload that keeps the check" {
	the_host 500
	wait_for 5 history_is load 3
	wait_check_runs 10 5 web
	first=$(status_value checks.0.history.0)
	old=$DAEMON_PID
	run "$MYDAEMON" -s restart -c "$CONF"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
	[ "$DAEMON_PID" != "$old" ]
	# the old process's results, and the new one's after them
	run status_value checks.0.history.0
	assert_output "$first"
	run history_len web
	[ "$output" -ge 10 ] || fail "web's history after the restart: $output"
	run history_len load
	assert_output 3
	# a reload that keeps the commands keeps the histories; a smaller N
	# keeps the newest; a changed command starts over: db's results are
	# /bin/false's alone
	sed -i -e 's/^history = 3$/history = 2/' \
		-e 's|^command = /bin/true$|command = /bin/false|' "$CONF"
	run "$MYDAEMON" -s reload -c "$CONF"
	assert_success
	run history_len load
	assert_output 2
	run status_value checks.0.history.0
	assert_output "$first"
	wait_for 5 history_at_least db 2
	http_get /status
	python3 -S - "$T/body" <<-'PY'
	import json, sys
	doc = json.load(open(sys.argv[1], encoding="utf-8"))
	h = [c for c in doc["checks"] if c["name"] == "db"][0]["history"]
	assert h and all(e["exit_code"] == 1 for e in h), h
	PY
}

@test "history: a value out of 0-500 is an error with file and line" {
	write_config "history = 501" "[check a]" "command = /bin/true" \
		"history = -1"
	run "$MYDAEMON" -t -c "$CONF"
	assert_failure
	assert_output --partial "$CONF:5: history:"
	assert_output --partial "$CONF:8: [check a] history:"
	write_config "history = 0" "[check a]" "command = /bin/true" \
		"history = 500"
	run "$MYDAEMON" -t -c "$CONF"
	assert_success
}
