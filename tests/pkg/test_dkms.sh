#!/bin/sh
# dkms add, build and install of pto (dkms.conf, the top-level Kbuild)
# for the kernel of the installed Debian headers, in private dkms, source
# and module trees (the machine's own are not touched), then depmod of
# that module tree resolves pto and its DRM dependencies.
#   KVER=<kernel version> test_dkms.sh
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_dkms: FAIL: $*"; exit 1; }
kver=${KVER:?}
command -v dkms >/dev/null || fail "dkms is not installed (scripts/deps.sh kernel)"

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf")
${MAKE:-make} -s -C "$src" install-dkms DESTDIR="$tmp" DKMSDIR=/src/pto-"$ver" \
	>/dev/null || fail "make install-dkms"
mods=$tmp/root/lib/modules
mkdir -p "$tmp/dkms" "$mods/$kver"
cp /lib/modules/"$kver"/modules.order /lib/modules/"$kver"/modules.builtin* \
	"$mods/$kver/"
dkms() {
	command dkms --dkmstree "$tmp/dkms" --sourcetree "$tmp/src" \
		--installtree "$mods" "$@" >>"$tmp/log" 2>&1 ||
		{ cat "$tmp/log"; fail "dkms $*"; }
}
dkms add -m pto -v "$ver"
dkms build -m pto -v "$ver" -k "$kver"
dkms install --no-depmod -m pto -v "$ver" -k "$kver"
command dkms --dkmstree "$tmp/dkms" --sourcetree "$tmp/src" \
	--installtree "$mods" status -m pto -v "$ver" -k "$kver" | tee "$tmp/status"
grep -q "^pto/$ver, $kver, .*: installed" "$tmp/status" || fail "dkms status"
# The DRM modules pto needs, so that depmod resolves its dependencies.
(cd /lib/modules/"$kver" && cp --parents kernel/drivers/gpu/drm/drm.ko* \
	kernel/drivers/gpu/drm/drm_shmem_helper.ko* "$mods/$kver/")
depmod -b "$tmp/root" "$kver" 2>"$tmp/depmod.err" ||
	{ cat "$tmp/depmod.err"; fail depmod; }
[ ! -s "$tmp/depmod.err" ] || { cat "$tmp/depmod.err"; fail "depmod warned"; }
grep -q "^updates/dkms/pto.ko[^:]*: .*drm_shmem_helper.ko.* .*drm.ko" \
	"$mods/$kver/modules.dep" || { cat "$mods/$kver/modules.dep";
	fail "modules.dep: pto and its dependencies"; }
[ "$(modinfo -b "$tmp/root" -k "$kver" -F version pto)" = "$ver" ] ||
	fail "modinfo pto from the installed tree"
dkms remove -m pto -v "$ver" -k "$kver" --no-depmod
[ -z "$(find "$mods/$kver" -name "pto.ko*")" ] || fail "dkms remove"
echo "test_dkms: PASS: dkms add, build, install, remove of pto/$ver for $kver"
