#!/usr/bin/env bats
# Checks by the dozen: 50 checks whose endpoints agree, a slow check that
# delays no other, max_parallel_checks, first runs spread out, and 100
# checks in /metrics.

load test_helper/common

bats_require_minimum_version 1.5.0

DUMMY=/usr/lib/nagios/plugins/check_dummy

# script NAME: write stdin to the executable $T/NAME.
script() {
	cat > "$T/$1"
	chmod 755 "$T/$1"
}

# checks_ran N: /status says every one of N checks has a result.
checks_ran() {
	http_get /status
	python3 -S - "$T/body" "$1" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	sys.exit(not (len(d["checks"]) == int(sys.argv[2]) and
	    all(c["ran"] for c in d["checks"])))
	PY
}

@test "50 checks of mixed states and intervals: /health, every /health/NAME, /status and /metrics agree each time we look" {
	local i lines=()
	for ((i = 0; i < 50; i++)); do
		lines+=("[check c$i]"
			"command = sh -c 'echo state $((i % 4)) of c$i; exit $((i % 4))'"
			"interval = $((100 + 20 * i))ms")
		# A few that do not count, to be left out of the verdict.
		[ $((i % 7)) != 3 ] || lines+=("affects_health = no")
	done
	write_config "max_parallel_checks = 8" "${lines[@]}"
	start_daemon
	wait_for 10 checks_ran 50
	for round in 1 2 3; do
		curl -s --max-time 5 -o "$T/status" "http://127.0.0.1:$PORT/status"
		curl -s --max-time 5 -o "$T/metrics" "http://127.0.0.1:$PORT/metrics"
		curl -s --max-time 5 -o "$T/health" -w '%{http_code}' \
			"http://127.0.0.1:$PORT/health" > "$T/health.code"
		for ((i = 0; i < 50; i++)); do
			printf 'c%d %s ' "$i" "$(curl -s --max-time 5 -o "$T/one" \
				-w '%{http_code}' "http://127.0.0.1:$PORT/health/c$i")"
			head -n 1 "$T/one"
		done > "$T/each"
		run python3 - "$T" <<-'PY'
		import json, re, sys
		t = sys.argv[1]
		st = json.load(open(t + "/status"))
		checks = {c["name"]: c for c in st["checks"]}
		assert len(checks) == 50
		rank = {"ok": 0, "warning": 1, "unknown": 2, "critical": 3}
		counted = [c for c in st["checks"] if c["affects_health"]]
		bad = [c for c in counted if c["state"] != "ok"]
		worst = max(bad, key=lambda c: rank[c["state"]])
		# (the first of the worst, in the order of the file)
		worst = [c for c in bad if rank[c["state"]] == rank[worst["state"]]][0]
		want = "%s: %s: %s (+%d more)" % (worst["state"], worst["name"],
		    worst["output"].strip(), len(bad) - 1)
		health = open(t + "/health").read().strip()
		code = open(t + "/health.code").read().strip()
		assert health == want, (health, want)
		assert code == ("200" if worst["state"] == "warning" else "503")
		assert st["health"] == worst["state"] == st["checks_health"]
		for line in open(t + "/each"):
		    name, code, text = line.rstrip("\n").split(" ", 2)
		    c = checks[name]
		    i = int(name[1:])
		    assert c["state"] == ["ok", "warning", "critical", "unknown"][i % 4]
		    want = "ok" if c["state"] == "ok" else "%s: %s" % (c["state"],
		        c["output"].strip())
		    assert text == want, (name, text, want)
		    assert code == ("200" if c["state"] in ("ok", "warning") else "503")
		metrics = open(t + "/metrics").read()
		for name, c in checks.items():
		    for s in rank:
		        v = "1" if s == c["state"] else "0"
		        line = 'mydaemon_check_state{check="%s",state="%s"} %s' % (name, s, v)
		        assert line in metrics.splitlines(), line
		    line = 'mydaemon_check_affects_health{check="%s"} %d' % (
		        name, c["affects_health"])
		    assert line in metrics.splitlines(), line
		PY
		assert_success
	done
	stop_daemon
}

@test "a slow check delays no other: a fast one keeps its pace meanwhile" {
	write_config "[check slow]" "command = sleep 3" "timeout = 10s" \
		"interval = 1h" "[check fast]" "command = true" \
		"interval = 100ms"
	start_daemon
	wait_for 5 check_runs_at_least 1 fast
	n=$(check_runs fast)
	sleep 1.2	# the pace itself is what is measured
	m=$(check_runs fast)
	assert [ $((m - n)) -ge 8 ]
	assert_equal "$(status_value checks.0.ran checks.0.name)" "false
slow"
	stop_daemon
}

@test "max_parallel_checks = 1 with ten checks: never two at once, each runs, late turns are skipped and counted" {
	script one <<-EOF
	#!/bin/sh
	# Take the token, hold it, give it back: two at once would clash.
	if ! mkdir "$T/token" 2> /dev/null; then
		echo "\$1 found the token taken" >> "$T/clash"
		exit 2
	fi
	echo "\$1" >> "$T/ran"
	sleep 0.05
	rmdir "$T/token"
	EOF
	local i lines=()
	for ((i = 0; i < 10; i++)); do
		lines+=("[check p$i]" "command = $T/one p$i" "interval = 200ms")
	done
	write_config "max_parallel_checks = 1" "${lines[@]}"
	start_daemon
	wait_for 10 checks_ran 10
	# Ten checks of 50 ms every 200 ms cannot all fit in one slot.
	skipped_some() {
		http_get /status
		python3 -S -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(sum(c["skipped"] for c in d["checks"]) == 0)' "$T/body"
	}
	wait_for 10 skipped_some
	assert [ "$(status_value checks_running)" -le 1 ]
	assert [ ! -e "$T/clash" ]
	for ((i = 0; i < 10; i++)); do
		assert grep -qx "p$i" "$T/ran"
	done
	assert log_has 'check p[0-9]: still waiting for a slot \(max_parallel_checks\) after its interval: this run is skipped'
	stop_daemon
	assert [ ! -e "$T/clash" ]
}

@test "100 checks do not start in the same millisecond: the first runs are spread out" {
	local i lines=()
	for ((i = 0; i < 100; i++)); do
		lines+=("[check s$i]" "command = true" "interval = 1h")
	done
	write_config "max_parallel_checks = 100" "${lines[@]}"
	start_daemon
	wait_for 10 checks_ran 100
	run python3 - "$LOG" <<-'PY'
	import collections, re, sys
	ms = collections.Counter()
	for line in open(sys.argv[1]):
	    m = re.match(r"\S+T(\d+):(\d+):([\d.]+)\S+ .*: check s\d+ started ", line)
	    if m:
	        ms[(int(m[1]) * 60 + int(m[2])) * 60 + float(m[3])] += 1
	assert sum(ms.values()) == 100, sum(ms.values())
	span = max(ms) - min(ms)
	assert span >= 0.3, span
	assert max(ms.values()) <= 4, ms.most_common(3)
	PY
	assert_success
	stop_daemon
}

@test "promtool check metrics is clean with 100 checks of 10 perfdata items each" {
	command -v promtool > /dev/null ||
		skip "promtool is not installed (apt-get install prometheus)"
	local i lines=() perf
	cat > "$T/perf" <<-'EOF'
	OK | a=1s;2;3;0;10 'b c'=2ms;5:10;~:20 d=3%;@5:6 e=4KB f=5c g=U h=6 'x''y'=7B i=8TB;1: j=9;;;;
	EOF
	for ((i = 0; i < 100; i++)); do
		lines+=("[check m$i]" "command = cat $T/perf" "interval = 1h")
	done
	write_config "max_parallel_checks = 20" "${lines[@]}"
	start_daemon
	wait_for 20 checks_ran 100
	curl -s --max-time 5 -o "$T/metrics" "http://127.0.0.1:$PORT/metrics"
	run promtool check metrics < "$T/metrics"
	assert_success
	run grep -c '^mydaemon_check_perfdata{' "$T/metrics"
	assert_output 900	# "g=U" has no value
	assert grep -qx 'mydaemon_check_perfdata{check="m7",label="b c",unit="seconds"} 0.002' "$T/metrics"
	assert grep -qx 'mydaemon_check_perfdata_warning_low{check="m7",label="b c",unit="seconds"} 0.005' "$T/metrics"
	assert grep -qx "mydaemon_check_perfdata{check=\"m7\",label=\"x'y\",unit=\"bytes\"} 7" "$T/metrics"
	assert grep -qx 'mydaemon_check_perfdata{check="m7",label="i",unit="bytes"} 8796093022208' "$T/metrics"
	stop_daemon
}
