# install.bash - a real `make install` for the suites that test installed
# files (the init script, its settings, logrotate, man pages).
#
# The build under test cannot simply be installed elsewhere: the binary,
# the script and the man pages carry the paths configure chose.  So the
# distributed sources are copied (`make distdir`, which also works when the
# tree under test was configured in place), configured with the options of
# the build under test (the sanitizers of a CI build included) plus other
# paths, built and installed.  A suite does this once, in setup_file.

# The build tree under test: the one `make check` names, else the one
# above the binary.
: "${MYDAEMON_BUILDDIR:=$(cd "$(dirname "$MYDAEMON")/.." && pwd)}"
export MYDAEMON_BUILDDIR

# submake ARGS...: make, not as part of the jobserver of a `make check`
# that may be running us.
submake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"
}

# configure_install DIR CONFIGURE-ARGS...: sources into DIR/src, build in
# DIR/build, then `make install`.  The log is DIR/build.log; on failure
# its end is shown and the status is 1.
configure_install() {
	local dir=$1 log=$1/build.log opt
	local -a given opts=()
	shift
	mkdir -p "$dir/build"
	# config.status --config prints the original options, shell-quoted;
	# the source directory is another one here (distcheck gives one).
	eval "given=($("$MYDAEMON_BUILDDIR/config.status" --config))"
	for opt in "${given[@]}"; do
		case $opt in
		--srcdir=* | --no-create | --no-recursion) ;;
		*) opts+=("$opt") ;;
		esac
	done
	if ! (
		submake -C "$MYDAEMON_BUILDDIR" distdir distdir="$dir/src" &&
		cd "$dir/build" &&
		"$dir/src/configure" "${opts[@]}" \
		    --with-systemdsystemunitdir="$dir/units" "$@" &&
		submake -j"$(nproc)" &&
		submake install
	) > "$log" 2>&1; then
		echo "configure_install failed; the end of $log:" >&2
		tail -n 30 "$log" >&2
		return 1
	fi
}

# daemons_on FILE: the processes running the daemon (not -s or -t) on
# config FILE, found by their command lines.
daemons_on() {
	local f pid arg ctl
	local -a argv
	while read -r f; do
		{ mapfile -d '' -t argv < "$f"; } 2> /dev/null || continue
		[[ ${argv[0]:-} == */mydaemon ]] || continue
		ctl=0
		for arg in "${argv[@]:1}"; do
			case $arg in
			-s | -t | --signal | --signal=* | --test) ctl=1 ;;
			esac
		done
		[ "$ctl" = 0 ] || continue
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		gone "$pid" || echo "$pid"
	done < <(grep -lzxF -- "$1" /proc/[0-9]*/cmdline 2> /dev/null)
	return 0
}

# install_in_file_tmpdir: for setup_file: configure_install into
# $BATS_FILE_TMPDIR/prefix, every path under it, and keep the shipped
# configuration and default file in $BATS_FILE_TMPDIR/shipped before a
# test rewrites them.
install_in_file_tmpdir() {
	local p=$BATS_FILE_TMPDIR/prefix

	configure_install "$BATS_FILE_TMPDIR" --prefix="$p" \
	    --sysconfdir="$p/etc" --localstatedir="$p/var" \
	    --runstatedir="$p/run" || return 1
	mkdir -p "$BATS_FILE_TMPDIR/shipped"
	cp "$p/etc/mydaemon.conf" "$BATS_FILE_TMPDIR/shipped/mydaemon.conf"
	cp "$p/etc/default/mydaemon" "$BATS_FILE_TMPDIR/shipped/default"
}

# installed_paths: for setup: P, INITD, DAEMON and SHIPPED of what
# install_in_file_tmpdir installed.
# shellcheck disable=SC2034 # for the suites
installed_paths() {
	P=$BATS_FILE_TMPDIR/prefix
	INITD=$P/etc/init.d/mydaemon
	DAEMON=$P/sbin/mydaemon
	SHIPPED=$BATS_FILE_TMPDIR/shipped
}

# For a storm of concurrent init actions, each run N of ACTION leaves its
# exit status in $T/rc.ACTION.N and what it printed in $T/out.ACTION.N.

# codes_in ACTION CODE...: every exit status ACTION had is one of CODEs.
codes_in() {
	local action=$1 f rc
	shift
	for f in "$T"/rc."$action".*; do
		rc=$(cat "$f")
		[[ " $* " == *" $rc "* ]] && continue
		echo "$action exited $rc:" >&2
		cat "$T/out.${f#"$T/rc."}" >&2
		return 1
	done
}

# failed_only_by_race ACTION: every run of ACTION that exited 1 did so
# because a concurrent stop ended the daemon it started or handed over
# to, and said so.
failed_only_by_race() {
	local f
	for f in "$T"/rc."$1".*; do
		[ "$(cat "$f")" = 1 ] || continue
		grep -Eq "stopped by a signal during start-up|Address already in use|the daemon exited|exited during start-up" \
			"$T/out.${f#"$T/rc."}" && continue
		echo "$1 failed for another reason:" >&2
		cat "$T/out.${f#"$T/rc."}" >&2
		return 1
	done
}
