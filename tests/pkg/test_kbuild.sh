#!/bin/sh
# pto.ko from the top-level Kbuild, as dkms and packagers build it: the
# sources of `make install-dkms` built with make -C <kernel> M=<tree>; the
# module's modinfo has a description, an author, the license, the package
# version (that of pto.h, as dkms.conf says too) and every parameter with
# a description.
#   KDIR=<kernel build dir> test_kbuild.sh
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_kbuild: FAIL: $*"; exit 1; }

ver=$(sed -n 's/^#define PTO_VERSION_[A-Z]* //p' "$src/libpto/include/pto.h" |
      paste -sd.)
grep -qx "PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf" ||
	fail "dkms.conf PACKAGE_VERSION is not $ver (pto.h)"
${MAKE:-make} -s -C "$src" install-dkms DESTDIR="$tmp" DKMSDIR=/pto >/dev/null ||
	fail "make install-dkms"
make -s -C "${KDIR:?}" M="$tmp/pto" modules >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; fail "make -C $KDIR M=<tree> modules"; }
ko=$tmp/pto/kmod/pto.ko
[ -f "$ko" ] || fail "no kmod/pto.ko after the top-level build"

info() { modinfo -F "$1" "$ko"; }
[ -n "$(info description)" ] || fail "no description"
[ -n "$(info author)" ] || fail "no author"
[ "$(info license)" = GPL ] || fail "license '$(info license)'"
[ "$(info version)" = "$ver" ] || fail "version '$(info version)', not $ver"
params=$(sed -n 's/^module_param[a-z_]*(\([a-z_0-9]*\),.*/\1/p' "$src"/kmod/*.c)
[ -n "$params" ] || fail "no module_param in kmod/"
for p in $params; do
	info parm | grep -Eq "^$p:[^ (].* \([a-z]+\)$" ||
		fail "parameter $p has no description in modinfo"
done
echo "test_kbuild: PASS: pto.ko $ver from the top-level Kbuild;" \
	"modinfo: $(echo $params | wc -w) parameters described"
