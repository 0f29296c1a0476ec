# tests/bench/checks_rows.sh - rows 18 and 19 of tests/bench/run (SPEC 17):
# a check run's cost against a bare posix_spawn loop (the floor,
# spawn_floor.c) and against Monit 5.33 `check program`, and the memory
# of 1,000 checks against Monit's.  Sourced by run, whose helpers and
# variables it uses; not a script of its own.
#
# Row 18: mydaemon (100 checks of /bin/true, interval 1 s), Monit (the
# same 100 as `check program`, `set daemon 1`) and the floor (/bin/true
# 100 times a second; then, row 18b, the same with nothing but vfork,
# execve and waitpid) run at the same time, all on CPU 0: whatever else
# the machine does weighs on the three alike, which interleaving could
# not promise on a shared machine.  Each one's CPU is its own task's
# (/proc/PID/schedstat), never its children's.  Runs: mydaemon's
# /status counters; the floor's own count; Monit runs each program once
# a cycle (it collects one run's exit and starts the next one), and a
# 101st program appends a line to a file each cycle, so its window is
# cut at cycle starts (bench.py monit-cpu) and holds 101 runs a cycle.
#
# Row 19: mydaemon and Monit, each with 1,000 checks of /bin/true,
# their RssAnon once every check ran (mydaemon: /health answers 200,
# which it holds back until each check has a result; Monit: its third
# cycle began), after a while more.  mydaemon is asked /health
# only: a /status of 1,000 checks would leave its answer buffer grown.
# shellcheck shell=bash disable=SC2154 # run's variables and helpers

# Monit's control file: NAME COUNT INTERVAL_S (COUNT /bin/true programs
# and the counter).
monit_conf() {
	local name=$1 n=$2 iv=$3 c
	{
		echo "# written by tests/bench/run"
		echo "set daemon $iv"
		echo "set logfile $T/$name.log"
		echo "set idfile $T/$name.id"
		echo "set statefile $T/$name.state"
		echo "set pidfile $T/$name.pid"
		echo "check program count with path" \
		    "\"/bin/sh -c 'echo >> $T/$name.cycles'\""
		echo "    if status != 0 then alert"
		for ((c = 1; c <= n; c++)); do
			echo "check program t$c with path /bin/true"
			echo "    if status != 0 then alert"
		done
	} > "$T/$name.rc"
	chmod 600 "$T/$name.rc"	# Monit wants it so
	: > "$T/$name.cycles"
}

# Start Monit in the foreground on CPU 0; sets mo_pid.
mo_pid=""
monit_start() {		# NAME
	taskset -c 0 "$MONIT" -I -c "$T/$1.rc" > "$T/$1.out" 2>&1 &
	mo_pid=$!
	pids+=("$mo_pid")
}

monit_cycles() {	# NAME: cycles begun
	wc -l < "$T/$1.cycles"
}

wait_cycles() {		# NAME COUNT SECS
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		[ "$(monit_cycles "$1")" -lt "$2" ] || return 0
		kill -0 "$mo_pid" 2> /dev/null || break
		sleep 0.05
	done
	die "Monit ($1) did not begin $2 cycles in $3 s:" \
	    "$(cat "$T/$1.out" "$T/$1.log" 2> /dev/null)"
}

# mydaemon's lines for COUNT checks of /bin/true every INTERVAL.
true_checks() {		# COUNT INTERVAL
	local c
	for ((c = 1; c <= $1; c++)); do
		echo "[check t$c]"
		echo "command = /bin/true"
		echo "interval = $2"
	done
}

"${cc[@]}" -std=c11 -O2 -o "$T/spawn_floor" "$here/spawn_floor.c" ||
	die "cannot build $here/spawn_floor.c"
read -r -a cports < <(bpy ports 2)	# 0: row 18's daemon, 1: row 19's

# Row 19's Monit runs 1,000 programs a cycle: with `set daemon 1` its
# cycles came late or not at all, so 10 s here too; --quick reads its
# memory as its second cycle begins (every program started once).
if [ "$quick" = 1 ]; then
	spawn_secs=3 monit_cycles_n=2 mem_cycles=2 mem_wait=1
else
	spawn_secs=10 monit_cycles_n=6 mem_cycles=3 mem_wait=12
fi

say "row 18: check runs of /bin/true: mydaemon, Monit and the floor" \
    "together on CPU 0, $rounds round(s) of $spawn_secs s"
mapfile -t lines < <(true_checks 100 1s)
md_conf cr "${cports[0]}" "${lines[@]}"
md_start cr "${cports[0]}"
cr_pid=$md_pid
monit_conf mo 100 1
monit_start mo
bpy wait-checks "${cports[0]}" 100 30
wait_cycles mo 3 30
v_md=() v_mo=() v_fl=() v_bare=()
for ((r = 1; r <= rounds; r++)); do
	say "row 18, round $r/$rounds"
	bpy monit-cpu "$mo_pid" "$T/mo.cycles" "$monit_cycles_n" 101 \
	    > "$T/mo.cpu" &
	mc=$!
	pids+=("$mc")
	n0=$(bpy runs "${cports[0]}") s0=$(cpu_ns "$cr_pid")
	fl=$(taskset -c 0 "$T/spawn_floor" /bin/true $((spawn_secs * 100)) \
	    100) || die "spawn_floor failed"
	bare=$(taskset -c 0 "$T/spawn_floor" -b /bin/true \
	    $((spawn_secs * 100)) 100) || die "spawn_floor -b failed"
	s1=$(cpu_ns "$cr_pid") n1=$(bpy runs "${cports[0]}")
	wait "$mc" || die "measuring Monit failed"
	forget "$mc"
	v_fl+=("$fl")
	v_bare+=("$bare")
	v_md+=("$(awk -v s=$((s1 - s0)) -v n=$((n1 - n0)) \
	    'BEGIN { if (n > 0) printf "%.0f\n", s / n }')")
	v_mo+=("$(cat "$T/mo.cpu")")
done
put "r18.md $(median "${v_md[@]}")"
put "r18.floor $(median "${v_fl[@]}")"
put "r18.bare $(median "${v_bare[@]}")"
put "r18.monit $(median "${v_mo[@]}")"
stop_pid "$cr_pid"
stop_pid "$mo_pid"

say "row 19: 1,000 checks, RssAnon of mydaemon and of Monit"
mapfile -t lines < <(true_checks 1000 10s)
md_conf cm "${cports[1]}" "${lines[@]}"
md_start cm "${cports[1]}"
cm_pid=$md_pid
monit_conf mm 1000 10
monit_start mm
bpy wait-health "${cports[1]}" 120
wait_cycles mm "$mem_cycles" 120
sleep "$mem_wait"
put "r19.md $(proc_status "$cm_pid" RssAnon)"
put "r19.monit $(proc_status "$mo_pid" RssAnon)"
stop_pid "$cm_pid"
stop_pid "$mo_pid"
