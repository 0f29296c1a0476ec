#!/usr/bin/env bats
# Build and install: version, help, usage, `make install`, no fixed paths.

load test_helper/common

bats_require_minimum_version 1.5.0

# The build tree the binary comes from: the one `make check` names, else
# the directory above src/mydaemon.
: "${MYDAEMON_BUILDDIR:=$(cd "$(dirname "$MYDAEMON")/.." && pwd)}"

# make_var NAME: a variable of the configured Makefile, with ${x} and
# $(x) references expanded as make would (autoconf writes them so).
make_var() {
	local v name
	v=$(sed -n "s/^$1 = //p" "$MYDAEMON_BUILDDIR/Makefile" | head -n 1)
	while [[ $v =~ \$[{(]([A-Za-z_][A-Za-z0-9_]*)[})] ]]; do
		name=${BASH_REMATCH[1]}
		v=${v//"${BASH_REMATCH[0]}"/$(make_var "$name")}
	done
	printf '%s\n' "$v"
}

need_makefile() {
	[ -f "$MYDAEMON_BUILDDIR/Makefile" ] ||
		skip "no configured build tree at $MYDAEMON_BUILDDIR"
}

@test "-V prints the version" {
	run --separate-stderr "$MYDAEMON" -V
	assert_success
	assert_equal "$stderr" ""
	version=${MYDAEMON_VERSION:-}
	if [ -z "$version" ] && [ -f "$MYDAEMON_BUILDDIR/Makefile" ]; then
		version=$(make_var PACKAGE_VERSION)
	fi
	if [ -n "$version" ]; then
		assert_output "mydaemon $version"
	else
		assert_output --regexp '^mydaemon [0-9]+\.[0-9]+'
	fi
}

@test "-h prints usage on stdout naming the default config file, exit 0" {
	run --separate-stderr "$MYDAEMON" -h
	assert_success
	assert_equal "$stderr" ""
	assert_line --regexp '^usage: mydaemon '
	if [ -f "$MYDAEMON_BUILDDIR/Makefile" ]; then
		assert_output --partial "$(make_var sysconfdir)/mydaemon.conf"
	else
		assert_output --regexp '/mydaemon\.conf'
	fi
}

@test "an unknown option exits 2 with usage on stderr" {
	run --separate-stderr "$MYDAEMON" --no-such-option
	assert_failure 2
	assert_equal "$output" ""
	assert_regex "$stderr" '(^|'$'\n'')usage: mydaemon '
}

@test "make install DESTDIR= installs sbin/mydaemon under the prefix" {
	need_makefile
	prefix=$(make_var prefix)
	sbindir=$(make_var sbindir)
	assert_regex "$sbindir" "^$prefix/"
	# Not the jobserver of a `make check` that may be running us; and
	# -o: never relink the binary that the suites beside us are running.
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -C "$MYDAEMON_BUILDDIR" -o src/mydaemon \
		-o src/libmydaemon.a install DESTDIR="$T/dest"
	assert_success
	assert_equal "$(stat -c %a "$T/dest$sbindir/mydaemon")" 755
	run "$T/dest$sbindir/mydaemon" -V
	assert_success
	assert_output "mydaemon $(make_var PACKAGE_VERSION)"
}

@test "no /etc/, /run/ or /var/ string literal is hard-coded in src/" {
	run python3 - "$MYDAEMON_SRCDIR"/src/*.c "$MYDAEMON_SRCDIR"/src/*/*.c <<'EOF'
import re, sys

# comments, string and character literals, in one pass, so that a quote
# inside a comment or a comment marker inside a string does not mislead
token = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'
                   r"'(?:\\.|[^'\\\n])*'", re.S)
path = re.compile(r'/(etc|run|var)(/|$)')
found = 0
for name in sys.argv[1:]:
    with open(name, encoding='utf-8', errors='replace') as f:
        text = f.read()
    for m in token.finditer(text):
        s = m.group(0)
        if s.startswith('"') and path.search(s[1:-1]):
            print('%s:%d: %s' % (name, text.count('\n', 0, m.start()) + 1, s))
            found = 1
sys.exit(found)
EOF
	assert_success
	assert_output ""
}

# objects_newer_than FILE DIR: how many objects under DIR are newer than
# FILE, and how many there are, as "NEWER/ALL".
objects_newer_than() {
	local all newer
	all=$(find "$2" -name '*.o' | wc -l)
	newer=$(find "$2" -name '*.o' -newer "$1" | wc -l)
	echo "$newer/$all"
}

@test "a reconfigure rebuilds what it changed: paths and flags reach every object, an unchanged one rebuilds nothing" {
	load test_helper/install
	submake -C "$MYDAEMON_BUILDDIR" distdir distdir="$T/src" > /dev/null
	mkdir "$T/build"
	cd "$T/build"
	"$T/src/configure" -q --prefix="$T/one" > /dev/null
	submake -s -j2 src/mydaemon > /dev/null
	run ./src/mydaemon -h
	assert_output --partial "(default $T/one/etc/mydaemon.conf)"

	# Another prefix: the binary must know it at once.
	touch "$T/mark"
	"$T/src/configure" -q --prefix="$T/two" > /dev/null
	submake -s -j2 src/mydaemon > /dev/null
	run ./src/mydaemon -h
	assert_output --partial "(default $T/two/etc/mydaemon.conf)"

	# The same options again: nothing is recompiled.
	touch "$T/mark"
	"$T/src/configure" -q --prefix="$T/two" > /dev/null
	submake -s -j2 src/mydaemon > /dev/null
	run objects_newer_than "$T/mark" src
	assert_output --regexp '^0/[1-9][0-9]*$'

	# Another flag: every object is compiled with it.
	touch "$T/mark"
	"$T/src/configure" -q --prefix="$T/two" --enable-werror > /dev/null
	submake -s -j2 src/mydaemon > /dev/null
	run objects_newer_than "$T/mark" src
	[[ $output =~ ^([0-9]+)/([0-9]+)$ ]]
	assert_equal "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	assert grep -q -- '-Werror' src/base/build.h
}

# as_builder CMD...: CMD as a user who is not root, in a clean
# environment whose home and temporary directory are $T/home: as nobody
# when we are root, else as ourselves.
as_builder() {
	local -a as_user=()
	[ "$(id -u)" != 0 ] ||
		as_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" \
		    --clear-groups)
	"${as_user[@]}" env -i PATH="$PATH" HOME="$T/home" \
	    TMPDIR="$T/home/tmp" "$@"
}

# build_step LOG CMD...: CMD as the builder in $T/home/src; on failure the
# end of LOG is shown and the test fails.
build_step() {
	local log=$1
	shift
	as_builder sh -c 'cd "$0/src" && exec "$@"' "$T/home" "$@" \
	    > "$log" 2>&1 && return 0
	tail -n 30 "$log" >&2
	fail "$* failed (as $(as_builder id -un))"
}

# files_under DIR: every file or link under DIR (not the directories),
# sorted, with DIR taken off the front.
files_under() {
	find "$1" ! -type d | sed "s|^$1||" | sort
}

@test "a user who is not root configures, builds and installs into a prefix of their own: every file under it, the units in PREFIX/lib/systemd/system, and uninstall leaves none" {
	load test_helper/install
	if [ "$(id -u)" = 0 ]; then
		id nobody > /dev/null 2>&1 || skip "no user nobody to build as"
		open_to_nobody "$T"
	fi
	# The sources, the build and the prefix in a home of the builder's.
	P=$T/home/x
	mkdir -p "$T/home/tmp"
	submake -C "$MYDAEMON_BUILDDIR" distdir distdir="$T/home/src" \
	    > /dev/null
	[ "$(id -u)" != 0 ] || chown -R nobody: "$T/home"

	# One build: the rest installs what it made.
	build_step "$T/configure.log" ./configure --prefix="$P"
	build_step "$T/make.log" make -j2
	build_step "$T/install.log" make install
	run files_under "$P"
	assert_line /sbin/mydaemon
	assert_line /etc/init.d/mydaemon
	assert_line /lib/systemd/system/mydaemon.service
	assert_line /lib/systemd/system/mydaemon.socket
	# The same install into a DESTDIR puts every file under
	# DESTDIR/PREFIX, and they are those above: nothing went elsewhere.
	build_step "$T/stage.log" make install DESTDIR="$T/home/stage"
	assert_equal "$(files_under "$T/home/stage$P")" "$output"
	assert_equal "$(files_under "$T/home/stage")" \
	    "$(files_under "$T/home/stage$P" | sed "s|^|$P|")"

	build_step "$T/uninstall.log" make uninstall
	run files_under "$P"
	assert_output ""
}

# units_dir CONFIGURE-ARGS...: configure the sources in $T/src with ARGS
# and install the data files (no build needed) into a DESTDIR of their
# own; $shown is what configure's summary says of the units, $installed
# the directory mydaemon.service went to (without the DESTDIR), or
# "none".
units_dir() {
	local dest
	dest=$T/dest.$((++units_runs))
	(cd "$T/src" && ./configure --cache-file="$T/config.cache" "$@") \
	    > "$T/configure.log" 2>&1 ||
		{ tail -n 20 "$T/configure.log" >&2; return 1; }
	shown=$(sed -n 's/^ *systemd units: *//p' "$T/configure.log")
	submake -s -C "$T/src" install-data DESTDIR="$dest" > /dev/null ||
		return 1
	installed=$(find "$dest" -name mydaemon.service -printf '%h\n')
	installed=${installed#"$dest"}
	: "${installed:=none}"
	# The socket unit goes with the service, or neither does.
	if [ "$installed" = none ]; then
		assert_equal "$(find "$dest" -name 'mydaemon.socket')" ""
	else
		assert [ -f "$dest$installed/mydaemon.socket" ]
	fi
}

@test "the units go to systemd's directory with --prefix=/usr, under any other prefix, to --with-systemdsystemunitdir=DIR when given, and nowhere with =no" {
	load test_helper/install
	submake -C "$MYDAEMON_BUILDDIR" distdir distdir="$T/src" > /dev/null
	units_runs=0
	systemd=$(pkg-config --variable=systemdsystemunitdir systemd \
	    2> /dev/null || true)
	: "${systemd:=/lib/systemd/system}"

	units_dir --prefix=/usr
	assert_equal "$shown | $installed" "$systemd | $systemd"
	units_dir --prefix="$T/p"
	assert_equal "$shown | $installed" \
	    "$T/p/lib/systemd/system | $T/p/lib/systemd/system"
	# The default prefix is another prefix too (systemd reads it).
	units_dir
	assert_equal "$shown | $installed" \
	    "/usr/local/lib/systemd/system | /usr/local/lib/systemd/system"
	units_dir --prefix=/usr --with-systemdsystemunitdir="$T/units"
	assert_equal "$shown | $installed" "$T/units | $T/units"
	units_dir --prefix="$T/p" --with-systemdsystemunitdir="$T/units"
	assert_equal "$shown | $installed" "$T/units | $T/units"
	units_dir --prefix="$T/p" --with-systemdsystemunitdir=no
	assert_equal "$shown | $installed" "no | none"
}
