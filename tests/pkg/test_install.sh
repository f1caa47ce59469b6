#!/bin/sh
# make install into a temporary DESTDIR with every directory moved from its
# default, then: the files are there, nothing installed names the build
# tree, a program (app.c) builds with `pkg-config --cflags --libs libpto`
# alone and runs on the installed library, ptodump and the man pages
# (aliases included) work from there; make uninstall leaves no file.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
make=${MAKE:-make}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
dirs="PREFIX=/opt/pto LIBDIR=/opt/pto/lib64 MANDIR=/opt/pto/man"
lib=$dest/opt/pto/lib64
fail() { echo "test_install: FAIL: $*"; exit 1; }

# shellcheck disable=SC2086
$make -s -C "$src" install DESTDIR="$dest" $dirs >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; fail "make install"; }
for f in lib64/libpto.so.0 lib64/libpto.so lib64/libpto.a \
	 lib64/pkgconfig/libpto.pc include/pto/pto.h include/pto/pto_prof.h \
	 include/pto/pto_reader.h include/pto/pto_capture.h \
	 include/pto/pto_drm.h include/pto/pto_hs.h bin/ptodump \
	 man/man1/ptodump.1 man/man7/pto.7 man/man3/pto_run.3 \
	 man/man3/pto_device_close.3; do
	[ -e "$dest/opt/pto/$f" ] || fail "$f not installed"
done
for h in "$src"/libpto/include/*.h; do
	[ -e "$dest/opt/pto/include/pto/${h##*/}" ] ||
		fail "public header ${h##*/} not installed"
done
! grep -l "$src" "$lib/pkgconfig/libpto.pc" "$dest"/opt/pto/include/pto/* ||
	fail "installed text names the build tree"
for b in "$lib/libpto.so.0" "$dest/opt/pto/bin/ptodump"; do
	! readelf -d "$b" | grep -E 'RPATH|RUNPATH' | grep -q "$src" ||
		fail "$b has a run path into the build tree"
done

export PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH="$lib/pkgconfig"
ver=$(pkg-config --modversion libpto)
flags=$(pkg-config --cflags --libs libpto)
echo "test_install: pkg-config libpto $ver: $flags"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$tmp/app" "$src/tests/pkg/app.c" \
	$flags || fail "app.c does not build against the installed libpto"
LD_LIBRARY_PATH=$lib ldd "$tmp/app" | grep -q "libpto.so.0 => $lib/libpto.so.0" ||
	fail "app does not load the installed libpto.so.0"
out=$(LD_LIBRARY_PATH=$lib "$tmp/app" "$tmp/out") || { echo "$out"; fail "app"; }
echo "$out"
echo "$out" | grep -q "^libpto $ver, 10 tasks$" || fail "app: version or tasks"
LD_LIBRARY_PATH=$lib ldd "$dest/opt/pto/bin/ptodump" |
	grep -q "libpto.so.0 => $lib/libpto.so.0" ||
	fail "ptodump does not load the installed libpto.so.0"
LD_LIBRARY_PATH=$lib "$dest/opt/pto/bin/ptodump" --help >/dev/null ||
	fail "installed ptodump --help"
MANPATH=$dest/opt/pto/man man pto_device_close 2>&1 | grep -q pto_device_open ||
	fail "man pto_device_close does not show the device page"

# shellcheck disable=SC2086
$make -s -C "$src" uninstall DESTDIR="$dest" $dirs >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; fail "make uninstall"; }
left=$(find "$dest" ! -type d)
[ -z "$left" ] || fail "left after uninstall: $left"
echo "test_install: PASS"
