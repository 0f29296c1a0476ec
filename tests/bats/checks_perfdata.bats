#!/usr/bin/env bats
# What checks print, as people and machines read it: performance data of
# the real plugins as metrics, hostile output that never breaks /health,
# /status or /metrics, and the shipped Prometheus alert rules.

load test_helper/common

bats_require_minimum_version 1.5.0

PLUGINS=/usr/lib/nagios/plugins

need_promtool() {
	command -v promtool > /dev/null ||
		skip "promtool is not installed (apt-get install prometheus)"
}

need_plugins() {
	[ -x "$PLUGINS/check_dummy" ] ||
		skip "no $PLUGINS (apt-get install monitoring-plugins-basic)"
}

# need_root_mount: check_disk -p / finds "/" in /proc/self/mountinfo; in a
# build chroot (pbuilder, sbuild) only what was mounted inside it is there.
need_root_mount() {
	awk '$5 == "/" { found = 1 } END { exit !found }' /proc/self/mountinfo ||
		skip "/ is not a mount point here (a chroot?): check_disk -p / fails"
}

# script NAME: write stdin to the executable $T/NAME.
script() {
	cat > "$T/$1"
	chmod 755 "$T/$1"
}

checks_ran() {
	http_get /status
	python3 -S -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not all(c["ran"] for c in d["checks"]))' "$T/body"
}

# valid_utf8 FILE: FILE decodes as UTF-8 (strictly).
valid_utf8() {
	python3 -S -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1"
}

@test "the real plugins' performance data become metrics in base units, and promtool agrees" {
	need_plugins
	need_promtool
	need_root_mount
	write_config "max_parallel_checks = 8" \
		"[check disk]" "command = $PLUGINS/check_disk -w 10% -c 5% -p /" \
		"[check load]" "command = $PLUGINS/check_load -w 4,3,2 -c 8,6,4" \
		"[check procs]" "command = $PLUGINS/check_procs" \
		"[check users]" "command = $PLUGINS/check_users -w 5 -c 10" \
		"[check swap]" "command = $PLUGINS/check_swap -w 10% -c 5%" \
		"[check dummy]" "command = $PLUGINS/check_dummy 0 fine"
	start_daemon
	wait_for 10 checks_ran
	curl -s --max-time 5 -o "$T/metrics" "http://127.0.0.1:$PORT/metrics"
	run promtool check metrics < "$T/metrics"
	assert_success
	run python3 - "$T/metrics" <<-'PY'
	import re, sys
	m = {}
	for line in open(sys.argv[1]):
	    if not line.startswith("#"):
	        k, v = line.rsplit(" ", 1)
	        m[k] = float(v)
	def get(name, check, label, unit):
	    return m['%s{check="%s",label="%s",unit="%s"}' % (name, check, label, unit)]
	used = get("mydaemon_check_perfdata", "disk", "/", "bytes")
	size = get("mydaemon_check_perfdata_max", "disk", "/", "bytes")
	assert 0 < used <= size, (used, size)
	assert get("mydaemon_check_perfdata_min", "disk", "/", "bytes") == 0
	assert 0 < get("mydaemon_check_perfdata_warning_high", "disk", "/", "bytes") < size
	for l in ("load1", "load5", "load15"):
	    assert get("mydaemon_check_perfdata", "load", l, "") >= 0
	assert get("mydaemon_check_perfdata_critical_high", "load", "load1", "") == 8
	assert get("mydaemon_check_perfdata", "procs", "procs", "") >= 1
	assert get("mydaemon_check_perfdata_warning_high", "users", "users", "") == 5
	assert get("mydaemon_check_perfdata", "swap", "swap", "bytes") >= 0
	assert not any('check="dummy"' in k and "perfdata" in k for k in m)
	PY
	assert_success
	run status_value checks.0.perfdata.0.label checks.0.perfdata.0.unit
	assert_output "$(printf '%s\n' / bytes)"
	stop_daemon
}

@test "output that is not UTF-8 becomes U+FFFD in /health, /status and the metric labels" {
	need_promtool
	script bad <<-'EOF'
	#!/bin/sh
	printf 'CRITICAL: \377\376 caf\303\251 \355\240\200 | '"'"'l\377'"'"'=1\n'
	exit 2
	EOF
	write_config "[check enc]" "command = $T/bad"
	start_daemon
	wait_for 5 checks_ran
	curl -s --max-time 5 -o "$T/health" "http://127.0.0.1:$PORT/health"
	assert valid_utf8 "$T/health"
	assert_equal "$(cat "$T/health")" "critical: enc: CRITICAL: �� café ���"
	curl -s --max-time 5 -o "$T/status" "http://127.0.0.1:$PORT/status"
	assert valid_utf8 "$T/status"
	http_get /status
	assert_equal "$(json_value checks.0.perfdata.0.label)" "l�"
	curl -s --max-time 5 -o "$T/metrics" "http://127.0.0.1:$PORT/metrics"
	assert valid_utf8 "$T/metrics"
	assert grep -qx 'mydaemon_check_perfdata{check="enc",label="l�",unit=""} 1' "$T/metrics"
	run promtool check metrics < "$T/metrics"
	assert_success
	stop_daemon
}

@test "hostile performance data never breaks /metrics: quotes, spaces, = in quotes, U, empty fields, 10 KB" {
	need_promtool
	python3 - "$T/out" <<-'PY'
	import sys
	items = ["'a b'=1", "'x=y'=2;;;;", "'it''s'=3s", 'q"uote=4', "back\\slash=5",
	    "nl=6 'caf\u00e9 \u2603'=7%", "u=U", "e=", "=8", "''=9", "'open=10",
	    "n=1;2;3;4;5;6;7", "t=1,5", "x=abc", "big=1e308", "neg=-3;-5:-1"]
	pad = " ".join("p%d=%d" % (i, i) for i in range(3000))
	with open(sys.argv[1], "w", encoding="utf-8") as f:
	    f.write("OK: hostile | " + " ".join(items) + "\nlong output | " + pad + "\n")
	PY
	assert [ "$(wc -c < "$T/out")" -gt 10240 ]
	write_config "[check hostile]" "command = cat $T/out"
	start_daemon
	wait_for 5 checks_ran
	curl -s --max-time 5 -o "$T/metrics" "http://127.0.0.1:$PORT/metrics"
	run promtool check metrics < "$T/metrics"
	assert_success
	assert grep -qx 'mydaemon_check_perfdata{check="hostile",label="a b",unit=""} 1' "$T/metrics"
	assert grep -qx 'mydaemon_check_perfdata{check="hostile",label="x=y",unit=""} 2' "$T/metrics"
	assert grep -qx "mydaemon_check_perfdata{check=\"hostile\",label=\"it's\",unit=\"seconds\"} 3" "$T/metrics"
	assert grep -qx 'mydaemon_check_perfdata{check="hostile",label="q\\"uote",unit=""} 4' "$T/metrics"
	assert grep -qx 'mydaemon_check_perfdata{check="hostile",label="back\\\\slash",unit=""} 5' "$T/metrics"
	assert grep -qx 'mydaemon_check_perfdata{check="hostile",label="café ☃",unit="percent"} 7' "$T/metrics"
	run grep -c '^mydaemon_check_perfdata{check="hostile"' "$T/metrics"
	# at most 64 items of one check
	assert_output 64
	run grep -E 'label="(u|e|t|x|)"' "$T/metrics"
	assert_output ""
	assert_health 200 ok
	stop_daemon
}

@test "the shipped alert rules pass promtool check rules, and fire on a critical check of a real scrape" {
	need_promtool
	rules=$MYDAEMON_SRCDIR/etc/prometheus/mydaemon.rules.yml
	run promtool check rules "$rules"
	assert_success
	(cd "$MYDAEMON_SRCDIR/tests/prometheus" &&
		promtool test rules mydaemon.rules.test.yml) > "$T/fixture.out" 2>&1 ||
		fail "$(cat "$T/fixture.out")"
	# The same rule on what this daemon really exports.
	write_config "[check disk]" "command = sh -c 'echo DISK CRITICAL; exit 2'" \
		"[check ok]" "command = true"
	start_daemon
	wait_for 5 checks_ran
	curl -s --max-time 5 -o "$T/metrics" "http://127.0.0.1:$PORT/metrics"
	python3 - "$T/metrics" "$rules" "$T/test.yml" <<-'PY'
	import re, sys
	series = []
	for line in open(sys.argv[1]):
	    m = re.match(r'(mydaemon_check_(state|affects_health))(\{.*\}) (\S+)$', line)
	    if m:
	        labels = m[3][:-1] + ',job="mydaemon",instance="web1:8080"}'
	        series.append((m[1] + labels, m[4]))
	with open(sys.argv[3], "w") as f:
	    f.write("rule_files: [%s]\nevaluation_interval: 15s\ntests:\n"
	        "  - interval: 15s\n    input_series:\n" % sys.argv[2])
	    for s, v in series:
	        f.write("      - series: '%s'\n        values: '%s'\n" %
	            (s, " ".join([v] * 10)))
	    f.write("""    alert_rule_test:
	      - eval_time: 2m
	        alertname: MydaemonCheckCritical
	        exp_alerts:
	          - exp_labels: {severity: critical, job: mydaemon, instance: "web1:8080", check: disk, state: critical}
	            exp_annotations:
	              summary: "check disk on web1:8080 is critical"
	              description: "mydaemon's check disk has been critical for a minute; /health/disk answers 503."
	""")
	PY
	run promtool test rules "$T/test.yml"
	assert_success
	stop_daemon
}
