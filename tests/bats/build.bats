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

@test "no /etc/, /run/ or /var/ string literal is hard-coded in src/*.c" {
	run python3 - "$MYDAEMON_SRCDIR"/src/*.c <<'EOF'
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
	assert grep -q -- '-Werror' src/build.h
}
