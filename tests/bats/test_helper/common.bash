# common.bash - shared set-up for the bats suites.
#
# Every test gets its own prefix under $BATS_TEST_TMPDIR and its own free
# port; every daemon a test starts is recorded and, if still there at
# teardown, stopped by PID.  Waits are bounded polls, never bare sleeps.

# From BATS_LIB_PATH (Debian's packages put them in /usr/lib/bats).
bats_load_library bats-support
bats_load_library bats-assert

# Without make check (which sets both): the tree three folders above
# this file, whichever folder the suite is in (tests/bats/faults/ too).
: "${MYDAEMON_SRCDIR:=$(cd "${BASH_SOURCE[0]%/*}/../../.." && pwd)}"
: "${MYDAEMON:=$MYDAEMON_SRCDIR/src/mydaemon}"
export MYDAEMON MYDAEMON_SRCDIR

# A port nobody uses right now, below the kernel's ephemeral range: a
# port the kernel picks from that range may be taken by a client's
# connect() (the suites' own load loops) before the daemon binds it.
free_port() {
	python3 -c 'import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(200):
    port = random.randrange(10000, max(low, 10001))
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])'
}

common_setup() {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/run" "$T/log"
	CONF=$T/mydaemon.conf
	PIDFILE=$T/run/mydaemon.pid
	STATEFILE=$T/run/mydaemon.state
	LOG=$T/log/mydaemon.log
	PORT=$(free_port)
	: > "$T/started-pids"
}

# write_config [LINE...]: a config for this test; extra lines replace the
# defaults for the same key (listen, pidfile, log_file, log_level).
write_config() {
	local key line
	{
		for line in "listen = 127.0.0.1:$PORT" "pidfile = $PIDFILE" \
		    "log_file = $LOG" "log_level = debug"; do
			key=${line%% *}
			printf '%s\n' "$@" | grep -q "^[[:space:]]*${key}[[:space:]]*=" ||
				echo "$line"
		done
		printf '%s\n' "$@"
	} > "$CONF"
}

# remember_pid PID: teardown stops it if the test did not.
remember_pid() {
	echo "$1" >> "$T/started-pids"
}

# start_daemon [ARGS...]: start in the background, succeed or fail the test.
start_daemon() {
	run "$MYDAEMON" -c "$CONF" "$@"
	assert_success
	DAEMON_PID=$(cat "$PIDFILE")
	remember_pid "$DAEMON_PID"
}

# gone PID: true once PID has exited (a zombie awaiting init counts).
gone() {
	local state
	[ -r "/proc/$1/stat" ] || return 0
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$state" ] || [ "$state" = Z ]
}

alive() {
	! gone "$1"
}

# wait_for SECONDS CMD...: poll CMD every 20 ms until it succeeds.
wait_for() {
	local limit=$(( $1 * 50 )) i=0
	shift
	until "$@"; do
		i=$((i + 1))
		if [ "$i" -ge "$limit" ]; then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.02
	done
}

wait_gone() {
	wait_for "${2:-5}" gone "$1"
}

# stop_daemon [PID]: SIGTERM and wait until it has exited.
stop_daemon() {
	local pid=${1:-$DAEMON_PID}
	kill -TERM "$pid" 2>/dev/null || true
	wait_gone "$pid" 5
}

common_teardown() {
	local pid
	[ -f "$T/started-pids" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] || continue
		if alive "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
			wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
		fi
	done < "$T/started-pids"
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# http_get PATH [PORT]: sets $status_code and $body.
http_get() {
	local out
	out=$(curl -s --max-time 5 -o "$T/body" -w '%{http_code}' \
		"http://127.0.0.1:${2:-$PORT}$1") || true
	status_code=$out
	body=$(cat "$T/body" 2>/dev/null || true)
}

# health_is CODE [BODY]: /health answers CODE (with exactly BODY) now;
# a condition for wait_for.  assert_health is the assertion.
health_is() {
	http_get /health
	[ "$status_code" = "$1" ] && { [ "$#" -lt 2 ] || [ "$body" = "$2" ]; }
}

# state_field KEY: a field of the daemon's state file.
state_field() {
	sed -n "s/^$1=//p" "$STATEFILE" 2>/dev/null | head -n 1
}

# log_has REGEX: the log holds a matching line.
log_has() {
	grep -Eq -- "$1" "$LOG"
}

# proc_field PID KEY: a field of /proc/PID/status, e.g. Umask.
proc_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

# json_value PATH...: values of the JSON in $T/body (the last http_get),
# one a line; a PATH is keys (or list indices) joined by dots, e.g.
# check.runs or checks.0.name; a string is
# printed as it is, anything else as JSON (null, true, 12).  Fails
# unless the body is valid UTF-8 JSON.
json_value() {
	python3 -S - "$T/body" "$@" <<'PY'
import json, sys
doc = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
out = []
for path in sys.argv[2:]:
    v = doc
    for k in path.split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    out.append(v if isinstance(v, str) else json.dumps(v))
sys.stdout.buffer.write("\n".join(out).encode("utf-8"))
PY
}

# status_value PATH...: json_value of a fresh GET /status.
status_value() {
	http_get /status
	json_value "$@"
}

# metric_value SAMPLE: the value of SAMPLE (name and labels as written,
# e.g. 'mydaemon_reloads_total{result="ok"}') in a fresh GET /metrics;
# fails when there is no such sample.
metric_value() {
	http_get /metrics
	awk -v n="$1" '$1 == n { print $2; found = 1 } END { exit !found }' \
		"$T/body"
}

# check_runs [NAME]: how many runs of check NAME (default: main, the
# check of the flat check_* keys) have finished, from /status.
check_runs() {
	http_get /status
	python3 -S - "$T/body" "${1:-main}" <<'PY'
import json, sys
doc = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
for c in doc["checks"]:
    if c["name"] == sys.argv[2]:
        print(c["runs"])
        sys.exit(0)
sys.exit(1)
PY
}

check_runs_at_least() {
	local n
	n=$(check_runs "${2:-main}") && [ "$n" -ge "$1" ]
}

# wait_check_runs N [SECONDS [NAME]]: wait until N runs of check NAME
# (default main) have finished.
wait_check_runs() {
	wait_for "${2:-5}" check_runs_at_least "$1" "${3:-main}"
}

# in_range VALUE LOW HIGH: LOW <= VALUE < HIGH, as decimal numbers; for
# `assert in_range ...`, which shows the value when it fails.
in_range() {
	awk -v v="$1" -v lo="$2" -v hi="$3" \
		'BEGIN { exit !(v ~ /^-?[0-9.]+$/ && v >= lo && v < hi) }'
}

# assert_health CODE BODY: /health answers exactly CODE with BODY, or the
# test fails showing what it answered.
assert_health() {
	http_get /health
	assert_equal "$status_code $body" "$1 $2"
}

# open_to_nobody [DIR...]: let user nobody reach DIR (default: $T, $T/run
# and $T/log) and traverse every directory above it up to the bats run
# directory, which mktemp made 0700, so that a daemon that dropped its
# privileges still reaches its files.  Nothing outside the run directory
# changes.  Skips the test when nobody still cannot get there.
open_to_nobody() {
	local d
	local -a up=()

	[ "$#" -gt 0 ] || set -- "$T" "$T/run" "$T/log"
	for d in "$@"; do
		d=${d%/}
		chmod a+rx "$d"
		d=${d%/*}
		while [ "${d#"$BATS_RUN_TMPDIR"}" != "$d" ]; do
			up+=("$d")
			d=${d%/*}
		done
	done
	[ "${#up[@]}" = 0 ] || chmod a+x "${up[@]}"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		test -x "$1" || skip "user nobody cannot reach $1"
}

# in_flight: open fd 5 to the daemon, have one request answered on it
# (so the daemon has surely accepted it), then send the first line of a
# second request and stop there: a request in flight, for drain tests.
# Finish it with: printf 'Host: x\r\n\r\n' >&5; close with exec 5>&-.
in_flight() {
	local line
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' >&5
	while IFS= read -r -t 5 line <&5 && [ "$line" != $'\r' ]; do :; done
	read -r -t 5 -N 3 line <&5	# the body, "ok\n"
	printf 'GET /health HTTP/1.1\r\n' >&5
}

# agent_line PORT [SEND]: what the agent-check port answers, after sending
# SEND (a Python string literal body: "disk\n"); the line as it came, with
# its newline shown as \n.
agent_line() {
	python3 -S - "$1" "${2:-}" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
if sys.argv[2]:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode("latin-1").replace("\n", "\\n"))
PY
}

# can_be_nobody: tests run as root and user nobody exists.
can_be_nobody() {
	: "${MYDAEMON_AS_NOBODY:=$(
		if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
			echo yes
		else
			echo no
		fi)}"
	export MYDAEMON_AS_NOBODY
	[ "$MYDAEMON_AS_NOBODY" = yes ]
}

# uniq_secs: a sleep length no other test uses, so that a command line
# with it finds this test's processes and nobody else's.
uniq_secs() {
	echo $(( 100000000 + (RANDOM << 15 | RANDOM) ))
}

# pids_running WORD...: the live processes whose command line is exactly
# WORD... (a zombie has none, so it does not count).
pids_running() {
	local f args
	for f in /proc/[0-9]*/cmdline; do
		mapfile -d '' -t args 2> /dev/null < "$f" || continue
		if [ "${#args[@]}" -eq $# ] && [ "${args[*]}" = "$*" ]; then
			f=${f#/proc/}
			echo "${f%/cmdline}"
		fi
	done
}

running() {
	[ -n "$(pids_running "$@")" ]
}

not_running() {
	[ -z "$(pids_running "$@")" ]
}

# fd_count PID: descriptors PID has open, the fewest of a few looks (a
# check or a client may hold one more for a moment).
fd_count() {
	local i n min=
	for i in 1 2 3 4 5; do
		n=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2> /dev/null | wc -l)
		if [ -z "$min" ] || [ "$n" -lt "$min" ]; then
			min=$n
		fi
		sleep 0.01
	done
	echo "$min"
}
